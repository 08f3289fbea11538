import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { literal } from '../lib/config/checks';
import { closestField } from '../lib/config/config-keys';
import { ENVIRONMENT_CONTEXT_KEY, fail, mapReportingAll } from '../lib/config/errors';
import { LABEL_KEY_RULE, LABEL_VALUE_RULE, nameRuleOfKind } from '../lib/config/names';
import { resolveEnvironment } from '../lib/config/resolve';
import { SubjectIndex, subjectIsSubsetOf, subjectsCollide } from '../lib/config/subjects';
import { ConsumerConfig, EnvironmentConfig, ScalerConfig, StreamConfig } from '../lib/config/types';
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
import { DistFile, HasExtraFiles, toStableYaml } from '../tools/dist/dist-writer';

/** Work-queue rules across the consumers of one stream (nats-server v2.14.2). */
const WQ_SOURCE = 'https://github.com/nats-io/nats-server/blob/v2.14.2/server/consumer.go';

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
    // Defaults, units and environment-wide checks, once, before any object is built.
    const env = resolveEnvironment(config);
    const { name: environment, namespace, monitoring } = env;
    super(scope, environment, { namespace, labels: commonLabels(environment), disableResourceNameHashes: true });
    this.node.setContext(ENVIRONMENT_CONTEXT_KEY, environment);
    this.environment = environment;

    const streams = this.createStreams(env.streams, env.clusterSize, NACK_ACCOUNT_NAME);
    this.streams = streams.map((s) => s.stream);
    this.nats = new NatsHelmValues(this, 'Nats', {
      ...env.nats,
      namespace,
      streams: this.streams,
      kedaReadsMonitor: env.scalers.length > 0,
    });
    this.nackAccount = new NackAccount(this, 'NackAccount', { name: NACK_ACCOUNT_NAME, nats: this.nats });
    this.nack = new NackHelmValues(this, 'Nack', { namespace });
    const consumers = this.createConsumers(env.consumers);
    this.consumers = consumers.map((c) => c.consumer);
    this.checkWorkQueues();
    this.scalers = this.createScalers(env.scalers);

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
      streams: streams.map(({ stream, config: c }) => ({ stream, alerts: c.alerts })),
      consumers: consumers.map(({ consumer, config: c }) => ({ consumer, alerts: c.alerts })),
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
        ...env.network,
        nats: this.nats,
        nackPodLabels: this.nack.podLabels,
      });
    }
    checkEmittedNames(this);
    annotateForArgoCd(this);
  }

  /** The NATS and NACK Helm values, outside manifests/ so no directory source applies them. */
  extraDistFiles(): DistFile[] {
    return [this.natsValuesFile(), this.nackValuesFile()];
  }

  private natsValuesFile(): DistFile {
    const n = this.nats;
    const header = [
      `# Values for the NATS Helm chart (nats-io/k8s "nats" ${n.chartVersion}), environment ${this.environment}.`,
      `# helm upgrade --install ${n.releaseName} nats/nats --version ` +
        `${n.chartVersion} --namespace ${n.namespace} --create-namespace \\`,
      `#   --values dist/${this.environment}/helm/nats-values.yaml`,
      `# The client token comes from Secret "${n.tokenSecret.name}" key "${n.tokenSecret.key}", ` +
        'created outside git with a token from',
      '# `npm run -s token` (nats-server refuses some others, e.g. 1 in 18 `openssl rand -hex 32` tokens: see README).',
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
    streamConfigs: readonly StreamConfig[],
    clusterSize: number,
    account: string,
  ): { stream: JetStreamStream; config: StreamConfig }[] {
    const subjects = new SubjectIndex();
    const seen = new Map<string, string>();
    return mapReportingAll(streamConfigs, (streamConfig, i) => {
      const stream = new JetStreamStream(this, `Stream${i}`, { ...streamConfig, clusterSize, account });
      const clash = seen.get(stream.kubernetesName);
      if (clash !== undefined) {
        fail(this, {
          resource: `Stream "${stream.streamName}"`,
          field: 'name',
          value: stream.streamName,
          allowed: "a name unique among the environment's streams (also after lowercasing for Kubernetes)",
          fix:
            `rename it, e.g. ${literal('name', uniqueName(stream.streamName, seen))}: ` +
            `stream "${clash}" has the same name`,
        });
      }
      seen.set(stream.kubernetesName, stream.streamName);
      // Overlap with another stream is rejected by the server (10065): check here, with an index, not all pairs.
      stream.subjects.forEach((subject, j) => {
        const overlap = subjects.findOverlaps(subject, 1)[0];
        if (overlap) {
          const sameStream = overlap.owner === stream.streamName;
          const other = sameStream ? 'another subject of the same stream' : `stream "${overlap.owner}"`;
          fail(this, {
            resource: `Stream "${stream.streamName}"`,
            field: `subjects[${j}]`,
            value: subject,
            allowed:
              `subjects that no other stream captures; it overlaps "${overlap.subject}" of ` +
              `${other} (nats-server refuses ` +
              (sameStream
                ? 'overlapping subjects in one stream, error 10052, ' +
                  'https://github.com/nats-io/nats-server/blob/v2.14.2/server/stream.go#L2161)'
                : 'streams whose subjects overlap, error 10065)'),
            fix: sameStream
              ? `keep the broader subject: ${literal('subjects', withoutNarrower(stream.subjects))}`
              : `narrow the subjects so no message subject matches both, e.g. ` +
                `${literal('subjects', [ownSubject(stream.streamName, subjects)])}`,
          });
        }
        subjects.add(subject, stream.streamName);
      });
      return { stream, config: streamConfig };
    });
  }

  private createConsumers(
    consumerConfigs: readonly ConsumerConfig[],
  ): { consumer: JetStreamConsumer; config: ConsumerConfig }[] {
    const streamsByName = new Map(this.streams.map((s) => [s.streamName, s]));
    const seen = new Set<string>();
    return mapReportingAll(consumerConfigs, (consumerConfig, i) => {
      const stream = streamsByName.get(consumerConfig.stream);
      const resource = `Consumer "${consumerConfig.name}"`;
      if (!stream) {
        const names = [...streamsByName.keys()];
        this.failUnknownReference(resource, 'stream', consumerConfig.stream, names, names, 'orders');
      }
      const consumer = new JetStreamConsumer(this, `Consumer${i}`, { ...consumerConfig, stream });
      if (seen.has(consumer.kubernetesName)) {
        fail(this, {
          resource,
          field: 'name',
          value: consumerConfig.name,
          allowed: "a name unique among the environment's consumers (each becomes a Kubernetes object of that name)",
          fix: `rename it, e.g. ${literal('name', uniqueName(consumer.durableName, seen))}`,
        });
      }
      seen.add(consumer.kubernetesName);
      return { consumer, config: consumerConfig };
    });
  }

  private createScalers(scalerConfigs: readonly ScalerConfig[]): JetStreamScaledObject[] {
    const consumersByName = new Map(this.consumers.map((c) => [c.durableName, c]));
    const seen = new Set<string>();
    return mapReportingAll(scalerConfigs, (scalerConfig, i) => {
      const consumer = consumersByName.get(scalerConfig.consumer);
      const scaledObjectName = scalerConfig.name ?? `${scalerConfig.target}-nats-scaler`;
      const resource = `ScaledObject "${scaledObjectName}" (scaler of "${scalerConfig.target}")`;
      if (!consumer) {
        const pull = this.consumers.filter((c) => c.isPull).map((c) => c.durableName);
        this.failUnknownReference(
          resource,
          'consumer',
          scalerConfig.consumer,
          [...consumersByName.keys()],
          pull,
          'worker',
        );
      }
      const scaler = new JetStreamScaledObject(this, `Scaler${i}`, {
        ...scalerConfig,
        consumer,
        monitoringEndpoint: this.nats.monitoringEndpoint,
        account: '$G',
        // The monitor port speaks HTTPS when nats.tls.monitor is on (helm.md §1(e)).
        useHttps: this.nats.monitorUsesHttps,
      });
      if (seen.has(scaler.resource.name)) {
        fail(this, {
          resource,
          field: 'name',
          value: scaler.resource.name,
          allowed: 'a ScaledObject name unique in the environment',
          fix: `rename it, e.g. ${literal('name', uniqueName(scaler.resource.name, seen))}`,
        });
      }
      if (seen.has(`target:${scaler.target}`)) {
        fail(this, {
          resource,
          field: 'target',
          value: scaler.target,
          allowed: 'one ScaledObject per target workload (two HPAs on one workload fight)',
          fix:
            `remove this scaler or merge it into the other one on "${scaler.target}", or scale another workload, ` +
            `e.g. ${literal('target', `${scaler.target}-2`)}`,
        });
      }
      seen.add(scaler.resource.name);
      seen.add(`target:${scaler.target}`);
      return scaler;
    });
  }

  /** A reference to an object the environment does not have: lists those it has, and fixes to the closest. */
  private failUnknownReference(
    resource: string,
    field: 'stream' | 'consumer',
    value: string,
    known: readonly string[],
    candidates: readonly string[],
    fallback: string,
  ): never {
    const closest = closestField(String(value), candidates) ?? candidates[0] ?? fallback;
    return fail(this, {
      resource,
      field,
      value,
      allowed: `one of the environment's ${field}s: ${known.map((n) => `"${n}"`).join(', ')}`,
      fix: `write ${literal(field, closest)}, or add the ${field} to the config`,
    });
  }

  /**
   * Work-queue rules across the consumers of one stream: with more than one consumer, each needs a filter
   * (10099) and no two filters may match a common subject (10100); nats-server v2.14.2 consumer.go:1148-1173
   * and the clustered pre-check jetstream_cluster.go:9492-9508. One-consumer rules are in JetStreamConsumer.
   */
  private checkWorkQueues(): void {
    for (const stream of this.streams.filter((s) => s.retention === 'workqueue')) {
      const consumers = this.consumers.filter((c) => c.stream === stream);
      if (consumers.length < 2) continue;
      consumers.forEach((consumer, i) => {
        const others = consumers.filter((c) => c !== consumer);
        const resource = `Consumer "${consumer.durableName}" (stream "${stream.streamName}")`;
        // A filter of its own when one is free; otherwise the other consumers' filters cover the stream and must narrow
        // too.
        const ownFilter = partitionFilter(stream, consumer.durableName, others);
        const othersQuoted = others.map((c) => `"${c.durableName}"`).join(', ');
        const othersNamed = others.map((c) => `Consumer "${c.durableName}"`).join(', ');
        const example = partitionFilter(stream, consumer.durableName, []) ?? stream.subjects[0];
        const fix =
          ownFilter !== undefined
            ? `give it its own subjects, e.g. ${literal('filterSubjects', [ownFilter])}`
            : `narrow the filters of ${othersNamed} so each consumer has its own ` +
              `subjects, e.g. ${literal('filterSubjects', [example])} here`;
        if (consumer.filterSubjects.length === 0) {
          fail(this, {
            resource,
            field: 'filterSubjects',
            value: undefined,
            allowed:
              `a filter on a workqueue stream with other consumers (${othersQuoted}): ` +
              `an unfiltered consumer takes every message (server error 10099, ${WQ_SOURCE}#L1152)`,
            fix,
          });
        }
        for (const other of consumers.slice(0, i)) {
          for (const filter of consumer.filterSubjects) {
            const clash = other.filterSubjects.find((f) => subjectsCollide(filter, f));
            if (clash === undefined) continue;
            fail(this, {
              resource,
              field: `filterSubjects[${consumer.filterSubjects.indexOf(filter)}]`,
              value: filter,
              allowed:
                `a filter no other consumer of the workqueue stream matches; "${filter}" and "${clash}" of Consumer ` +
                `"${other.durableName}" match common subjects, and each message goes to one ` +
                `consumer (server error 10100, ${WQ_SOURCE}#L1171)`,
              fix,
            });
          }
        }
      });
    }
  }
}

/** `name-2`, `name-3`, ... : the first not yet taken, for a fix's example. */
function uniqueName(name: string, taken: ReadonlySet<string> | ReadonlyMap<string, unknown>): string {
  for (let n = 2; ; n++) {
    if (!taken.has(`${name}-${n}`)) return `${name}-${n}`;
  }
}

/** A stream's subjects without those another of its subjects already covers. */
function withoutNarrower(subjects: readonly string[]): string[] {
  return subjects.filter(
    (s, i) =>
      subjects.indexOf(s) === i && !subjects.some((other, j) => j !== i && other !== s && subjectIsSubsetOf(s, other)),
  );
}

/** `<stream name>.>` as a subject prefix of its own, for a fix's example, unless another stream has it. */
function ownSubject(streamName: string, index: SubjectIndex): string {
  const token = streamName.replace(/[^A-Za-z0-9_-]+/g, '-') || 'stream';
  for (let n = 1; ; n++) {
    const subject = n === 1 ? `${token}.>` : `${token}${n}.>`;
    if (index.findOverlaps(subject, 1).length === 0) return subject;
  }
}

/**
 * A filter for one consumer of a workqueue stream that no other consumer's filter matches: the stream's
 * first subject with the consumer's name in place of its wildcard tail, e.g. `llm.metrics-consumer.>`.
 */
function partitionFilter(
  stream: JetStreamStream,
  consumerName: string,
  others: readonly JetStreamConsumer[],
): string | undefined {
  const free = (candidate: string) => !others.some((c) => c.filterSubjects.some((f) => subjectsCollide(candidate, f)));
  const token = consumerName.replace(/[^A-Za-z0-9_-]+/g, '-') || 'consumer';
  for (const subject of stream.subjects) {
    if (!subject.endsWith('>')) {
      if (free(subject)) return subject;
      continue;
    }
    const base = subject.slice(0, -1);
    for (let n = 1; n < 100; n++) {
      const candidate = `${base}${n === 1 ? token : `${token}${n}`}.>`;
      if (free(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * Every object we emit, held to the name rule of its kind and the label rules: a net under the checks of
 * the config fields the names come from. A failure here means one of those checks is missing (a bug).
 */
export function checkEmittedNames(chart: Chart): void {
  for (const child of chart.node.findAll()) {
    if (!(child instanceof ApiObject)) continue;
    const metadata = child.metadata.toJson() as { name?: string; labels?: Record<string, string> };
    const why = nameRuleOfKind(child.kind).error(metadata.name ?? '');
    const labelProblem = Object.entries(metadata.labels ?? {})
      .map(([key, value]) => LABEL_KEY_RULE.error(key) ?? LABEL_VALUE_RULE.error(value))
      .find((p) => p !== undefined);
    if (why || labelProblem) {
      throw new Error(
        `internal error: the emitted ${child.kind} "${metadata.name}" breaks the Kubernetes rules ` +
          `(${why ?? `a label: ${labelProblem}`}); a check of the config field it comes from is missing`,
      );
    }
  }
}
