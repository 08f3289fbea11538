import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ENVIRONMENT_CONTEXT_KEY } from '../lib/config/errors';
import { resolveEnvironment } from '../lib/config/resolve';
import { EnvironmentConfig } from '../lib/config/types';
import { annotateForArgoCd } from '../lib/constructs/argocd/argocd-sync';
import { JetStreamConsumer } from '../lib/constructs/jetstream/jetstream-consumer';
import { JetStreamStream } from '../lib/constructs/jetstream/jetstream-stream';
import { NackAccount, NACK_ACCOUNT_NAME } from '../lib/constructs/jetstream/nack-account';
import { NackHelmValues } from '../lib/constructs/jetstream/nack-helm-values';
import { JetStreamScaledObject } from '../lib/constructs/keda/jetstream-scaled-object';
import { NatsAlertRules } from '../lib/constructs/monitoring/alert-rules';
import { GrafanaDashboard } from '../lib/constructs/monitoring/grafana-dashboard';
import { NatsServiceMonitor } from '../lib/constructs/monitoring/nats-service-monitor';
import { NatsHelmValues } from '../lib/constructs/nats/nats-helm-values';
import { NatsMetricsService } from '../lib/constructs/nats/nats-metrics-service';
import { NatsNetworkPolicies } from '../lib/constructs/nats/nats-network-policies';
import { DistFile, GENERATED_HEADER, HasExtraFiles, toStableYaml } from '../tools/dist/dist-writer';

/** Labels on every object we emit; selectors never use them (they are not version-bound either). */
export function commonLabels(environment: string): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'cdk8s',
    'app.kubernetes.io/part-of': 'overmind-nats',
    'overmind.dev/environment': environment,
  };
}

/**
 * The Overmind event backbone of one environment: NATS Helm values, JetStream streams and
 * consumers (NACK), KEDA scalers and Prometheus monitoring, from one EnvironmentConfig.
 * A config that names nothing gets the spec's topology.
 */
export class OvermindBackboneChart extends Chart implements HasExtraFiles {
  public readonly environment: string;
  public readonly nats: NatsHelmValues;
  /** Values for the environment's own NACK controller (control loop, restricted to the namespace). */
  public readonly nack: NackHelmValues;
  /** How NACK connects to this environment's NATS; every Stream and Consumer names it. */
  public readonly nackAccount: NackAccount;
  public readonly streams: readonly JetStreamStream[];
  public readonly consumers: readonly JetStreamConsumer[];
  public readonly scalers: readonly JetStreamScaledObject[];
  public readonly metricsService: NatsMetricsService;
  public readonly alertRules: NatsAlertRules;
  public readonly dashboard: GrafanaDashboard;
  /** Undefined when `network.enabled` is false. */
  public readonly networkPolicies?: NatsNetworkPolicies;

  constructor(scope: Construct, config: EnvironmentConfig) {
    // The whole environment resolved and checked once, before any object is built (lib/config/resolve.ts).
    const env = resolveEnvironment(config);
    const { name: environment, namespace, monitoring } = env;
    super(scope, environment, { namespace, labels: commonLabels(environment), disableResourceNameHashes: true });
    this.node.setContext(ENVIRONMENT_CONTEXT_KEY, environment);
    this.environment = environment;

    // The construct of each resolved stream and consumer, found by reference.
    const streamOf = new Map(
      env.streams.map((stream, i) => [
        stream,
        new JetStreamStream(this, `Stream${i}`, { stream, account: NACK_ACCOUNT_NAME }),
      ]),
    );
    this.streams = [...streamOf.values()];
    this.nats = new NatsHelmValues(this, 'Nats', env.nats);
    this.nackAccount = new NackAccount(this, 'NackAccount', { name: NACK_ACCOUNT_NAME, nats: this.nats });
    this.nack = new NackHelmValues(this, 'Nack', { namespace });
    const consumerOf = new Map(
      env.consumers.map((consumer, i) => {
        const stream = streamOf.get(consumer.stream)!;
        return [consumer, new JetStreamConsumer(this, `Consumer${i}`, { consumer, stream })];
      }),
    );
    this.consumers = [...consumerOf.values()];
    this.scalers = env.scalers.map(
      (scaler, i) =>
        new JetStreamScaledObject(this, `Scaler${i}`, {
          scaler,
          consumer: consumerOf.get(scaler.consumer)!,
          nats: this.nats,
        }),
    );

    this.metricsService = new NatsMetricsService(this, 'MetricsService', { nats: this.nats });
    const { prometheusSelectorLabels } = monitoring;
    new NatsServiceMonitor(this, 'ServiceMonitor', {
      service: this.metricsService,
      prometheusSelectorLabels,
      scrapeInterval: monitoring.scrapeInterval,
    });

    // Operators' view and hardening (docs/operations.md): alerts, dashboard, network policies.
    this.alertRules = new NatsAlertRules(this, 'AlertRules', {
      environment,
      nats: this.nats,
      metricsService: this.metricsService,
      streams: this.streams,
      consumers: this.consumers,
      scalers: this.scalers,
      prometheusSelectorLabels,
      alerts: monitoring.alerts,
    });
    this.dashboard = new GrafanaDashboard(this, 'Dashboard', {
      environment,
      nats: this.nats,
      metricsService: this.metricsService,
      streams: this.streams,
      alertRules: this.alertRules,
      labels: monitoring.grafanaDashboardLabels,
    });
    if (env.network) {
      this.networkPolicies = new NatsNetworkPolicies(this, 'NetworkPolicies', {
        network: env.network,
        nats: this.nats,
        nackPodLabels: this.nack.podLabels,
      });
    }
    annotateForArgoCd(this);
  }

  /** Where the Helm values of `chart` go, relative to dist/ (e.g. `prod/helm/nats-values.yaml`). */
  helmValuesPath(chart: 'nats' | 'nack'): string {
    return `${this.environment}/helm/${chart}-values.yaml`;
  }

  /** The NATS and NACK Helm values, outside manifests/ so no directory source applies them. */
  extraDistFiles(): DistFile[] {
    const { environment, nats, nack } = this;
    const valuesFile = (chart: 'nats' | 'nack', values: unknown, comment: string[]): DistFile => ({
      path: this.helmValuesPath(chart),
      content: toStableYaml(values, [...comment, GENERATED_HEADER].join('\n')),
    });
    return [
      valuesFile('nats', nats.values, [
        `# Values for the NATS Helm chart (nats-io/k8s "nats" ${nats.chartVersion}), environment ${environment}.`,
        `# helm upgrade --install ${nats.releaseName} nats/nats --version ` +
          `${nats.chartVersion} --namespace ${nats.namespace} --create-namespace \\`,
        `#   --values dist/${this.helmValuesPath('nats')}`,
        `# The client token comes from Secret "${nats.tokenSecret.name}" key "${nats.tokenSecret.key}", ` +
          'created outside git with a token from',
        '# `npm run -s token` (nats-server refuses some others, ' +
          'e.g. 1 in 18 `openssl rand -hex 32` tokens: see README).',
      ]),
      valuesFile('nack', nack.values, [
        `# Values for the NACK Helm chart (nats-io/k8s "nack" ${nack.chartVersion}), environment ${environment}:`,
        `# one JetStream controller in control-loop mode, restricted to namespace ${nack.namespace}.`,
        `# No NATS URL on purpose: NACK connects through the Account "${this.nackAccount.name}" ` +
          'that every Stream and',
        '# Consumer names (docs/gitops.md).',
        `# helm upgrade --install ${nack.releaseName} nats/nack --version ${nack.chartVersion} ` +
          `--namespace ${nack.namespace} \\`,
        `#   --skip-crds --values dist/${this.helmValuesPath('nack')}`,
      ]),
    ];
  }
}
