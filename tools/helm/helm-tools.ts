// Locating the optional pieces of the rendered-Helm path: the `helm` binary (extracted from an npm
// package by scripts/install-helm.js, helm.md §4) and a pinned copy of the NATS chart (pulled into
// charts/vendor/ by scripts/pull-chart.sh, never committed). Read by main.ts only: constructs get
// plain paths and never look at the environment themselves.
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';

/** Repository root: the nearest folder up from this file (lib/, or build/ when bundled) with a package.json. */
export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(start: string): string {
  let dir = start;
  for (let depth = 0; depth < 8; depth++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.resolve(start, '..');
}

/** Where scripts/install-helm.js puts helm v3.17.3 (git-ignored). */
export const HELM_EXECUTABLE = path.join(REPO_ROOT, '.tools', 'helm', 'helm');

/** Where scripts/pull-chart.sh untars the pinned NATS chart (git-ignored). */
export const VENDORED_NATS_CHART = path.join(REPO_ROOT, 'charts', 'vendor', 'nats');

/** Environment variable naming a chart folder to render instead, or `none` to never render. */
export const NATS_CHART_ENV = 'OVERMIND_NATS_CHART';

export interface ChartInfo {
  readonly dir: string;
  readonly name: string;
  readonly version: string;
}

/** Name and version from a chart folder's Chart.yaml, or undefined when there is none. */
export function readChartInfo(dir: string): ChartInfo | undefined {
  const file = path.join(dir, 'Chart.yaml');
  if (!fs.existsSync(file)) return undefined;
  const doc = yaml.load(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown } | undefined;
  return { dir, name: String(doc?.name ?? ''), version: String(doc?.version ?? '') };
}

/**
 * The NATS chart to render, if any: `$OVERMIND_NATS_CHART` (a folder, or `none`), else
 * charts/vendor/nats when it has been pulled. A folder named explicitly must exist.
 */
export function findNatsChart(env: NodeJS.ProcessEnv = process.env): ChartInfo | undefined {
  const requested = env[NATS_CHART_ENV];
  if (requested !== undefined && requested !== '') {
    if (requested === 'none') return undefined;
    const dir = path.resolve(REPO_ROOT, requested);
    const info = readChartInfo(dir);
    if (!info)
      throw new Error(
        `${NATS_CHART_ENV}=${requested}: no Chart.yaml in ${dir}. Point it at an untarred chart, or set it to "none".`,
      );
    return info;
  }
  return readChartInfo(VENDORED_NATS_CHART);
}

/** The helm binary to use: `$OVERMIND_HELM` or .tools/helm/helm; fails with the fix when missing. */
export function findHelmExecutable(env: NodeJS.ProcessEnv = process.env): string {
  const helm = env.OVERMIND_HELM ? path.resolve(REPO_ROOT, env.OVERMIND_HELM) : HELM_EXECUTABLE;
  if (!fs.existsSync(helm)) {
    throw new Error(
      `helm not found at ${helm}: run \`npm run install-helm\` (extracts helm from an npm package, no network), ` +
        `or set ${NATS_CHART_ENV}=none to skip rendering the NATS chart`,
    );
  }
  return helm;
}
