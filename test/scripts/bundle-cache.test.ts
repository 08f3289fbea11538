// The build caches behind `npm run synth` and `npm run check` (scripts/bundle.js) are keyed by the
// exact bytes they stand for. Regression: the V8 code cache used to be keyed by file name, and V8
// accepts cached data for any source of the same length, so changing prod's lagThreshold from 10 to
// 20 synthesized "10" again and `npm run check` called the stale dist/ up to date.
// These tests run the real scripts in a scratch copy of the repository (node_modules linked).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../support/shared';

const COPIED = [
  'scripts',
  'lib',
  'tools',
  'charts',
  'config',
  'imports',
  'main.ts',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
];
const SCALED_OBJECT = path.join('dist', 'prod', 'manifests', '50-scaledobject-api-scaler-nats.yaml');

describe('scripts/bundle.js caches', () => {
  let repo: string;
  const run = (script: string, args: string[] = []) =>
    spawnSync(process.execPath, [path.join(repo, 'scripts', script), ...args], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, OVERMIND_DIST: undefined, OVERMIND_NATS_CHART: undefined },
    });
  const synth = () => {
    const result = run('synth.js');
    expect(result.stderr).toMatch(/^synth: \d+ files/m);
    expect(result.status).toBe(0);
    return fs.readFileSync(path.join(repo, SCALED_OBJECT), 'utf8');
  };
  /** Rewrites prod's lagThreshold in place, keeping the file's length and (optionally) its mtime. */
  const setLagThreshold = (from: number, to: number, keepMtime = false) => {
    const file = path.join(repo, 'config', 'prod.ts');
    const stat = fs.statSync(file);
    const text = fs.readFileSync(file, 'utf8');
    const edited = text.replace(`lagThreshold: ${from},`, `lagThreshold: ${to},`);
    expect(edited).not.toBe(text);
    expect(edited.length).toBe(text.length);
    fs.writeFileSync(file, edited);
    if (keepMtime) fs.utimesSync(file, stat.atime, stat.mtime);
  };

  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-bundle-cache-'));
    for (const entry of COPIED) fs.cpSync(path.join(REPO_ROOT, entry), path.join(repo, entry), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(repo, 'node_modules'), 'dir');
    fs.rmSync(path.join(repo, 'charts', 'vendor'), { recursive: true, force: true });
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  test('a same-length config edit shows in dist/ on the next synth, with warm caches', () => {
    expect(synth()).toContain('lagThreshold: "10"');
    expect(synth()).toContain('lagThreshold: "10"'); // warm: bundle and V8 code cache reused
    setLagThreshold(10, 20);
    expect(synth()).toContain('lagThreshold: "20"');
  });

  test("an edit that keeps the file's length and modification time still shows (no mtime keys)", () => {
    setLagThreshold(20, 40, true);
    expect(synth()).toContain('lagThreshold: "40"');
  });

  test('npm run check reports drift after a same-length edit', () => {
    synth();
    setLagThreshold(40, 30);
    const result = run('check.js');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('changed  prod/manifests/50-scaledobject-api-scaler-nats.yaml');
    expect(result.stderr).toContain('+        lagThreshold: "30"');
    setLagThreshold(30, 40);
    expect(run('check.js').status).toBe(0);
  });

  test('a bundle edited by hand in build/ is rebuilt, not run', () => {
    synth();
    const bundle = path.join(repo, 'build', 'main.js');
    const text = fs.readFileSync(bundle, 'utf8');
    // Same length, so only a content key can tell: the tampered bundle would render maxReplicas (20).
    const tampered = text.replace('lagThreshold: String(s.lagThreshold)', 'lagThreshold: String(s.maxReplicas )');
    expect(tampered).not.toBe(text);
    expect(tampered.length).toBe(text.length);
    fs.writeFileSync(bundle, tampered);
    expect(synth()).toContain('lagThreshold: "40"');
  });

  test('each code cache is named by a hash of its script and runtime, and old ones are removed', () => {
    synth();
    const caches = () =>
      fs.readdirSync(path.join(repo, 'build')).filter((f) => f.startsWith('main.js.') && f.endsWith('.v8-cache'));
    const before = caches();
    expect(before).toHaveLength(1);
    expect(before[0]).toMatch(/^main\.js\.[0-9a-f]{32}\.v8-cache$/);
    setLagThreshold(40, 50);
    synth();
    const after = caches();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
  });
});
