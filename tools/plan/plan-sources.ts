// Where the plan's two sides come from: dist/ files (from a git ref, or a fresh in-memory synth),
// parsed into PlanResources.
import { spawnSync } from 'child_process';
import * as yaml from 'js-yaml';
import type { DistFile } from '../dist/dist-writer';
import type { PlanResource } from './plan-types';
import { HELM_VALUES_API_VERSION, HELM_VALUES_KIND } from './plan-rules';

/**
 * Resources of a set of dist/ files: every Kubernetes object under `<env>/manifests/` and
 * `<env>/argocd/`, and each `<env>/helm/<name>.yaml` as one HelmValues pseudo-resource (its
 * field paths are the chart's values keys). `<env>/rendered/` is skipped: it is git-ignored and
 * only exists where the chart was pulled, so a base ref never has it.
 */
export function resourcesFromDistFiles(files: readonly DistFile[]): PlanResource[] {
  const resources: PlanResource[] = [];
  for (const file of files) {
    const parts = file.path.split('/');
    if (parts.length < 3 || !/\.ya?ml$/.test(file.path)) continue;
    const [env, folder] = parts;
    if (folder === 'rendered') continue;
    let docs: unknown[];
    try {
      docs = yaml.loadAll(file.content).filter((d) => d !== null && d !== undefined);
    } catch (err) {
      throw new Error(`${file.path}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
    }
    if (folder === 'helm') {
      const name = parts[parts.length - 1].replace(/\.ya?ml$/, '');
      resources.push({
        env,
        apiVersion: HELM_VALUES_API_VERSION,
        kind: HELM_VALUES_KIND,
        name,
        body: (docs[0] ?? {}) as Record<string, unknown>,
        file: file.path,
      });
      continue;
    }
    for (const doc of docs) {
      const object = doc as {
        apiVersion?: unknown;
        kind?: unknown;
        metadata?: { name?: unknown; namespace?: unknown };
      };
      if (
        typeof object.apiVersion !== 'string' ||
        typeof object.kind !== 'string' ||
        typeof object.metadata?.name !== 'string'
      ) {
        throw new Error(
          `${file.path}: a document without apiVersion, kind and metadata.name; only ` +
            `Kubernetes objects belong in ${env}/${folder}/`,
        );
      }
      resources.push({
        env,
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: typeof object.metadata.namespace === 'string' ? object.metadata.namespace : undefined,
        name: object.metadata.name,
        body: doc as Record<string, unknown>,
        file: file.path,
      });
    }
  }
  return resources;
}

function git(args: string[], cwd: string): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60000 });
  return {
    ok: !result.error && result.status === 0,
    stdout: result.stdout ?? '',
    stderr: (result.stderr ?? '') + (result.error ? String(result.error) : ''),
  };
}

/** `origin/main` when the clone has it, else `HEAD` (which compares the last commit with the working tree). */
export function defaultBaseRef(cwd: string): string {
  return git(['rev-parse', '--verify', '--quiet', 'origin/main^{commit}'], cwd).ok ? 'origin/main' : 'HEAD';
}

/** The files of `<distDir>/` at a git ref, paths relative to it (like a synth's DistFiles). */
export function distFilesAtRef(ref: string, cwd: string, distDir = 'dist'): DistFile[] {
  const commit = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  if (!commit.ok)
    throw new Error(
      `git: "${ref}" is not a commit here (fetch it first, e.g. \`git fetch origin main\`, or pass --base <ref>)`,
    );
  const listing = git(['ls-tree', '-r', '-z', '--name-only', commit.stdout.trim(), '--', `${distDir}/`], cwd);
  if (!listing.ok) throw new Error(`git ls-tree ${ref} ${distDir}/ failed: ${listing.stderr.trim()}`);
  const paths = listing.stdout.split('\0').filter((p) => p !== '');
  return paths.map((p) => {
    const shown = git(['show', `${commit.stdout.trim()}:${p}`], cwd);
    if (!shown.ok) throw new Error(`git show ${ref}:${p} failed: ${shown.stderr.trim()}`);
    return { path: p.slice(distDir.length + 1), content: shown.stdout };
  });
}
