import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { checkKubernetesName, CheckTarget, toDuration } from '../lib/checks';
import { ConsumerConfig, EnvironmentConfig, ScalerConfig, StreamConfig } from '../lib/config';
import { DistFile, HasExtraFiles, toStableYaml } from '../lib/dist-writer';
import { ENVIRONMENT_CONTEXT_KEY, fail } from '../lib/errors';
import { JetStreamConsumer } from '../lib/jetstream-consumer';
import { JetStreamScaledObject } from '../lib/jetstream-scaled-object';
import { JetStreamStream } from '../lib/jetstream-stream';
import { NackAccount, NACK_ACCOUNT_NAME } from '../lib/nack-account';
import { NackHelmValues } from '../lib/nack-helm-values';
import { NatsHelmValues } from '../lib/nats-helm-values';
import { NatsMetricsService } from '../lib/nats-metrics-service';
import { NatsServiceMonitor } from '../lib/nats-service-monitor';
import { NatsAlertRules } from '../lib/alert-rules';
import { GrafanaDashboard } from '../lib/grafana-dashboard';
import { NatsNetworkPolicies } from '../lib/nats-network-policies';
import { OVERMIND_CONSUMERS, OVERMIND_SCALERS, OVERMIND_STREAMS } from '../lib/overmind-topology';
import { SubjectIndex } from '../lib/subjects';

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
    const environment = config.name;
    const namespace = config.namespace ?? `overmind-${environment}`;
    super(scope, environment, { namespace, labels: commonLabels(environment), disableResourceNameHashes: true });
    this.node.setContext(ENVIRONMENT_CONTEXT_KEY, environment);
    this.environment = environment;
    const envTarget: CheckTarget = { scope: this, resource: `Environment "${environment}"` };
    checkKubernetesName(envTarget, 'name', environment);
    checkKubernetesName(envTarget, 'namespace', namespace);

    // The spec's topology wherever the config names none; resolved once, used by every part below.
    const streamConfigs = config.streams ?? OVERMIND_STREAMS;
    const consumerConfigs = config.consumers ?? OVERMIND_CONSUMERS;
    const clusterSize = config.nats?.replicas ?? 3;
    this.streams = this.createStreams(streamConfigs, clusterSize, NACK_ACCOUNT_NAME);
    this.nats = new NatsHelmValues(this, 'Nats', { ...config.nats, namespace, streams: this.streams });
    this.nackAccount = new NackAccount(this, 'NackAccount', { name: NACK_ACCOUNT_NAME, nats: this.nats });
    this.nack = new NackHelmValues(this, 'Nack', { namespace });
    this.consumers = this.createConsumers(consumerConfigs);
    this.scalers = this.createScalers(config.scalers ?? OVERMIND_SCALERS);

    this.metricsService = new NatsMetricsService(this, 'MetricsService', { nats: this.nats });
    const monitoring = config.monitoring ?? {};
    const prometheusSelectorLabels = monitoring.prometheusSelectorLabels ?? { release: 'kube-prometheus-stack' };
    new NatsServiceMonitor(this, 'ServiceMonitor', {
      service: this.metricsService,
      prometheusSelectorLabels,
      scrapeInterval: toDuration({ scope: this, resource: 'Monitoring' }, 'monitoring.scrapeInterval', monitoring.scrapeInterval ?? '30s'),
    });

    // Operators' view and hardening (docs/operations.md): alerts, dashboard, network policies.
    // streams[i] and consumers[i] were built from streamConfigs[i] and consumerConfigs[i].
    this.alertRules = new NatsAlertRules(this, 'AlertRules', {
      environment,
      nats: this.nats,
      metricsService: this.metricsService,
      streams: this.streams.map((stream, i) => ({ stream, alerts: streamConfigs[i].alerts })),
      consumers: this.consumers.map((consumer, i) => ({ consumer, alerts: consumerConfigs[i].alerts })),
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
    if (config.network?.enabled ?? true) {
      this.networkPolicies = new NatsNetworkPolicies(this, 'NetworkPolicies', {
        ...config.network,
        nats: this.nats,
        nackPodLabels: this.nack.podLabels,
      });
    }
  }

  /** The NATS and NACK Helm values, outside manifests/ so no directory source applies them. */
  extraDistFiles(): DistFile[] {
    return [this.natsValuesFile(), this.nackValuesFile()];
  }

  private natsValuesFile(): DistFile {
    const n = this.nats;
    const header = [
      `# Values for the NATS Helm chart (nats-io/k8s "nats" ${n.chartVersion}), environment ${this.environment}.`,
      `# helm upgrade --install ${n.releaseName} nats/nats --version ${n.chartVersion} --namespace ${n.namespace} --create-namespace \\`,
      `#   --values dist/${this.environment}/helm/nats-values.yaml`,
      '# The client token comes from Secret ' + `"${n.tokenSecret.name}" key "${n.tokenSecret.key}", created outside git (see README).`,
      '# Generated by overmind-nats (cdk8s) from config/. Do not edit: change the config and run `npm run synth`.',
      '',
    ].join('\n');
    return { path: `${this.environment}/helm/nats-values.yaml`, content: toStableYaml(n.values, header) };
  }

  private nackValuesFile(): DistFile {
    const n = this.nack;
    const header = [
      `# Values for the NACK Helm chart (nats-io/k8s "nack" ${n.chartVersion}), environment ${this.environment}:`,
      `# one JetStream controller in control-loop mode, restricted to namespace ${n.namespace}.`,
      `# No NATS URL on purpose: NACK connects through the Account "${this.nackAccount.name}" that every Stream and`,
      '# Consumer names (docs/gitops.md).',
      `# helm upgrade --install ${n.releaseName} nats/nack --version ${n.chartVersion} --namespace ${n.namespace} \\`,
      `#   --skip-crds --values dist/${this.environment}/helm/nack-values.yaml`,
      '# Generated by overmind-nats (cdk8s) from config/. Do not edit: change the config and run `npm run synth`.',
      '',
    ].join('\n');
    return { path: `${this.environment}/helm/nack-values.yaml`, content: toStableYaml(n.values, header) };
  }

  private createStreams(
    streamConfigs: readonly StreamConfig[], clusterSize: number, account: string,
  ): JetStreamStream[] {
    const subjects = new SubjectIndex();
    const seen = new Map<string, string>();
    return streamConfigs.map((streamConfig, i) => {
      const stream = new JetStreamStream(this, `Stream${i}`, { ...streamConfig, clusterSize, account });
      const clash = seen.get(stream.kubernetesName);
      if (clash !== undefined) {
        fail(this, { resource: `Stream "${stream.streamName}"`, field: 'name', value: stream.streamName, allowed: 'a name unique among the environment\'s streams (also after lowercasing for Kubernetes)', fix: `rename it; stream "${clash}" has the same name` });
      }
      seen.set(stream.kubernetesName, stream.streamName);
      // Overlap with another stream is rejected by the server (10065): check here, with an index, not all pairs.
      stream.subjects.forEach((subject, j) => {
        const overlap = subjects.findOverlaps(subject, 1)[0];
        if (overlap) {
          const other = overlap.owner === stream.streamName ? 'another subject of the same stream' : `stream "${overlap.owner}"`;
          fail(this, {
            resource: `Stream "${stream.streamName}"`, field: `subjects[${j}]`, value: subject,
            allowed: `subjects that no other stream captures; it overlaps "${overlap.subject}" of ${other}`,
            fix: 'narrow one of the two subjects so no message subject matches both (nats-server refuses overlapping streams, error 10065)',
          });
        }
        subjects.add(subject, stream.streamName);
      });
      return stream;
    });
  }

  private createConsumers(consumerConfigs: readonly ConsumerConfig[]): JetStreamConsumer[] {
    const streamsByName = new Map(this.streams.map((s) => [s.streamName, s]));
    const seen = new Set<string>();
    return consumerConfigs.map((consumerConfig, i) => {
      const stream = streamsByName.get(consumerConfig.stream);
      const resource = `Consumer "${consumerConfig.name}"`;
      if (!stream) {
        fail(this, { resource, field: 'stream', value: consumerConfig.stream, allowed: `one of the environment's streams: ${[...streamsByName.keys()].map((n) => `"${n}"`).join(', ')}`, fix: 'point the consumer at an existing stream or add the stream to the config' });
      }
      const consumer = new JetStreamConsumer(this, `Consumer${i}`, { ...consumerConfig, stream });
      if (seen.has(consumer.kubernetesName)) {
        fail(this, { resource, field: 'name', value: consumerConfig.name, allowed: 'a name unique among the environment\'s consumers (each becomes a Kubernetes object of that name)', fix: 'rename one of the two consumers' });
      }
      seen.add(consumer.kubernetesName);
      return consumer;
    });
  }

  private createScalers(scalerConfigs: readonly ScalerConfig[]): JetStreamScaledObject[] {
    const consumersByName = new Map(this.consumers.map((c) => [c.durableName, c]));
    const seen = new Set<string>();
    return scalerConfigs.map((scalerConfig, i) => {
      const consumer = consumersByName.get(scalerConfig.consumer);
      const resource = `ScaledObject "${scalerConfig.name ?? `${scalerConfig.target}-nats-scaler`}" (scaler of "${scalerConfig.target}")`;
      if (!consumer) {
        fail(this, { resource, field: 'consumer', value: scalerConfig.consumer, allowed: `one of the environment's consumers: ${[...consumersByName.keys()].map((n) => `"${n}"`).join(', ')}`, fix: 'name an existing pull consumer or add the consumer to the config' });
      }
      const scaler = new JetStreamScaledObject(this, `Scaler${i}`, {
        ...scalerConfig,
        consumer,
        monitoringEndpoint: this.nats.monitoringEndpoint,
        account: '$G',
        // The monitor port speaks HTTPS when nats.tls.monitor is on (helm.md §1(e)).
        useHttps: this.nats.monitorUsesHttps,
      });
      if (seen.has(scaler.resource.name) || seen.has(`target:${scaler.target}`)) {
        fail(this, { resource, field: seen.has(scaler.resource.name) ? 'name' : 'target', value: seen.has(scaler.resource.name) ? scaler.resource.name : scaler.target, allowed: 'one ScaledObject per name and per target workload (two HPAs on one workload fight)', fix: 'merge the two scalers or rename one' });
      }
      seen.add(scaler.resource.name);
      seen.add(`target:${scaler.target}`);
      return scaler;
    });
  }
}
