// Wires the environments to charts and writes dist/. Nothing else lives here.
import { App } from 'cdk8s';
import { groupByCluster, NackClusterChart } from './charts/nack-cluster-chart';
import { NatsRenderedChart } from './charts/nats-rendered-chart';
import { OvermindArgoCdChart } from './charts/overmind-argocd-chart';
import { OvermindBackboneChart } from './charts/overmind-backbone-chart';
import { ENVIRONMENTS } from './config';
import { GITOPS } from './config/gitops';
import { EnvironmentConfig } from './lib/config/types';
import { DistFile, renderApp, writeDistAtomically } from './tools/dist/dist-writer';
import { ChartInfo, findHelmExecutable, findNatsChart } from './tools/helm/helm-tools';

/** Inputs from outside the config: where the optional rendered-Helm path finds its chart and helm. */
export interface SynthOptions {
  /** Render this NATS chart into dist/<env>/rendered/. @default - none (no rendered/ folder) */
  readonly natsChart?: ChartInfo;
  /** @default - .tools/helm/helm */
  readonly helmExecutable?: string;
}

/** Options from the machine: charts/vendor/nats when pulled, or $OVERMIND_NATS_CHART (tools/helm/helm-tools.ts). */
export function synthOptionsFromEnvironment(env: NodeJS.ProcessEnv = process.env): SynthOptions {
  const natsChart = findNatsChart(env);
  return natsChart ? { natsChart, helmExecutable: findHelmExecutable(env) } : {};
}

/** Builds every environment's charts and renders the dist/ files in memory (throws on any bad input). */
export function synthesize(
  environments: readonly EnvironmentConfig[] = ENVIRONMENTS,
  options: SynthOptions = synthOptionsFromEnvironment(),
): DistFile[] {
  const app = new App({ outdir: 'dist' });
  const argoCharts: OvermindArgoCdChart[] = [];
  for (const environment of environments) {
    const backbone = new OvermindBackboneChart(app, environment);
    argoCharts.push(new OvermindArgoCdChart(app, { backbone, gitops: { ...GITOPS, ...environment.gitops } }));
    if (options.natsChart) {
      new NatsRenderedChart(app, {
        nats: backbone.nats,
        environment: backbone.environment,
        chart: options.natsChart,
        helmExecutable: options.helmExecutable ?? findHelmExecutable(),
      });
    }
  }
  // Cluster-wide objects (NACK's CRDs) once per destination cluster, however many environments share it.
  const clusterEnvironments = argoCharts.map((a) => ({
    environment: a.environment,
    namespace: a.namespace,
    gitops: a.gitops,
  }));
  for (const group of groupByCluster(clusterEnvironments)) new NackClusterChart(app, group);
  return renderApp(app);
}

/**
 * `npm run synth`: all environments into ./dist (or $OVERMIND_DIST), atomically: on any error dist/ is left as it was.
 */
export function main(
  outdir = process.env.OVERMIND_DIST ?? 'dist',
  environments: readonly EnvironmentConfig[] = ENVIRONMENTS,
): DistFile[] {
  const files = synthesize(environments);
  writeDistAtomically(outdir, files);
  return files;
}
