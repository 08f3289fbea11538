// Checks every upstream link of tools/plan/upstream-sources.ts against local copies of the upstream
// code: the quoted text must be on the cited lines of the file at the pinned tag. Run it when a
// pin moves (NACK, jsm.go, nats-server, the nats chart):
//
//   npx ts-node --transpile-only scripts/check-upstream-links.ts \
//     --source nats-io/nack=<clone> --source nats-io/jsm.go=<clone> \
//     --source nats-io/nats-server=<clone> --source nats-io/k8s/helm/charts/nats=<chart folder>
//
// A git clone (bare or not) is read at the link's tag; a plain folder is read as it is. Links to
// a repository with no --source are reported as unchecked, and the run fails (exit 1) unless
// every link was checked and found.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { UPSTREAM_QUOTES } from '../tools/plan/upstream-sources';

interface Source {
  readonly prefix: string;
  readonly dir: string;
  readonly isGit: boolean;
}

function parseSources(argv: string[]): Source[] {
  const sources: Source[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--source' || argv[i + 1] === undefined) {
      throw new Error(`usage: --source <owner/repo[/folder]>=<dir> ... (got ${argv[i]})`);
    }
    const [prefix, dir] = argv[++i].split('=');
    const isGit = spawnSync('git', ['-C', dir, 'rev-parse', '--git-dir'], { encoding: 'utf8' }).status === 0;
    sources.push({ prefix: prefix.replace(/\/$/, ''), dir, isGit });
  }
  return sources;
}

function fileText(source: Source, tag: string, file: string): string | undefined {
  if (!source.isGit) {
    const full = path.join(source.dir, file);
    return fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
  }
  const options = { encoding: 'utf8' as const, maxBuffer: 64 * 1024 * 1024 };
  const shown = spawnSync('git', ['-C', source.dir, 'show', `${tag}:${file}`], options);
  return shown.status === 0 ? shown.stdout : undefined;
}

function run(): number {
  const sources = parseSources(process.argv.slice(2));
  let failures = 0;
  let unchecked = 0;
  for (const { url, quote } of UPSTREAM_QUOTES) {
    const m = /^https:\/\/github\.com\/([^/]+\/[^/]+)\/blob\/([^/]+)\/(.+)#L(\d+)(?:-L(\d+))?$/.exec(url);
    if (!m) {
      console.log(`BAD URL   ${url}`);
      failures++;
      continue;
    }
    const [, repo, tag, repoPath, first, last] = m;
    const full = `${repo}/${repoPath}`;
    const source = sources.find((s) => full.startsWith(`${s.prefix}/`));
    if (!source) {
      console.log(`UNCHECKED ${url}`);
      unchecked++;
      continue;
    }
    const text = fileText(source, tag, full.slice(source.prefix.length + 1));
    const lines = text?.split('\n').slice(Number(first) - 1, Number(last ?? first));
    if (!lines || !lines.some((line) => line.includes(quote))) {
      console.log(`NOT FOUND ${url}\n          expected ${JSON.stringify(quote)} on those lines`);
      failures++;
    }
  }
  console.log(`${UPSTREAM_QUOTES.length} links: ${failures} wrong, ${unchecked} unchecked`);
  return failures > 0 || unchecked > 0 ? 1 : 0;
}

process.exitCode = run();
