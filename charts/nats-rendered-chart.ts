import * as fs from 'fs';
import { annotateForArgoCd } from '../lib/constructs/argocd/argocd-sync';
import * as path from 'path';
import { Chart, Helm } from 'cdk8s';
import { Construct } from 'constructs';
import { HasDistFolder } from '../tools/dist/dist-writer';
import { ENVIRONMENT_CONTEXT_KEY, fail } from '../lib/config/errors';
import { ChartInfo } from '../tools/helm/helm-tools';
import { NatsHelmValues } from '../lib/constructs/nats/nats-helm-values';
// The module object itself (not an import-star copy), so withPrivateTmpdir can swap tmpdir().
import os = require('os');

/**
 * Kubernetes version `helm template` assumes (`.Capabilities.KubeVersion`): fixed, so output never depends on the
 * machine.
 */
export const DEFAULT_RENDER_KUBE_VERSION = '1.31.0';

export interface NatsRenderedChartProps {
  /** The environment's NATS values (release name, namespace, chart version, values). */
  readonly nats: NatsHelmValues;
  readonly environment: string;
  /** An untarred copy of the `nats` chart at `nats.chartVersion`. */
  readonly chart: ChartInfo;
  /** Path of the helm binary. */
  readonly helmExecutable: string;
  /** @default DEFAULT_RENDER_KUBE_VERSION */
  readonly kubeVersion?: string;
}

/**
 * The NATS chart rendered with our values into plain manifests (dist/<env>/rendered/), through
 * cdk8s's `Helm` construct (`helm template`), for clusters without Helm or Argo CD. Hermetic
 * (style.md §4): a local, version-checked chart, an explicit release name and namespace, a fixed
 * `--kube-version`, and `--skip-tests` (drops the nats-box test Pod, helm.md §2).
 *
 * Optional: only built when a pinned chart has been pulled (scripts/pull-chart.sh). The output is
 * git-ignored, because CI has no chart to check it against.
 */
export class NatsRenderedChart extends Chart implements HasDistFolder {
  public readonly distFolder: string;
  public readonly helm: Helm;

  constructor(scope: Construct, props: NatsRenderedChartProps) {
    const nats = props.nats;
    super(scope, `${props.environment}-rendered`, { namespace: nats.namespace, disableResourceNameHashes: true });
    this.node.setContext(ENVIRONMENT_CONTEXT_KEY, props.environment);
    this.distFolder = `${props.environment}/rendered`;

    const { chart } = props;
    if (chart.name !== 'nats' || chart.version !== nats.chartVersion) {
      fail(this, {
        resource: `NATS chart at ${chart.dir}`,
        field: 'nats.chartVersion',
        value: nats.chartVersion,
        allowed: `the version of the chart on disk, which is "${chart.name}" ${chart.version}`,
        fix:
          `pull the pinned chart again (scripts/pull-chart.sh ${nats.chartVersion}), or ` +
          `set OVERMIND_NATS_CHART=none to skip rendering`,
      });
    }
    this.helm = withPrivateTmpdir(
      () =>
        new Helm(this, 'Nats', {
          chart: chart.dir,
          releaseName: nats.releaseName,
          namespace: nats.namespace,
          // JSON round trip drops undefined fields, which YAML would write as null and override chart defaults.
          values: JSON.parse(JSON.stringify(nats.values)),
          helmExecutable: props.helmExecutable,
          helmFlags: ['--kube-version', props.kubeVersion ?? DEFAULT_RENDER_KUBE_VERSION, '--skip-tests'],
        }),
    );
    annotateForArgoCd(this);
  }
}

/**
 * Runs `fn` with os.tmpdir() answering a fresh folder that is removed afterwards: cdk8s's Helm
 * construct would otherwise leave a `cdk8s-helm-*` folder in the temp dir on every render. It
 * calls os.tmpdir() synchronously inside its constructor, so swapping the function for that
 * call is enough (setting $TMPDIR is not: under jest, process.env is a copy the OS never sees).
 */
function withPrivateTmpdir<T>(fn: () => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-helm-'));
  const original = os.tmpdir;
  os.tmpdir = () => dir;
  try {
    return fn();
  } finally {
    os.tmpdir = original;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
