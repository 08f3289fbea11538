// One environment's config resolved once, before any construct is built, into a typed model: defaults applied,
// units parsed (units.ts), references resolved (a consumer holds its stream, a scaler its consumer) and every check
// run: environment-wide here, per object in resolve-stream.ts, resolve-consumer.ts, resolve-scaler.ts, resolve-nats.ts
// (nats and network) and resolve-alerts.ts, across objects in cross-checks.ts. All problems of all kinds are reported
// together in one ConfigError; the constructs only build objects from the model.
import { checkLabels, checkName, CheckTarget, literal, reject, toDuration } from './checks';
import { checkKnownFields } from './config-keys';
import {
  checkConsumerAmongOthers,
  checkScalerAmongOthers,
  checkStreamAmongOthers,
  checkWorkQueueConsumer,
  resolveReference,
  StreamsSeen,
} from './cross-checks';
import { ProblemList } from './errors';
import { DNS1123_LABEL_RULE, KUBERNETES_NAME_RULES, withMaxLength } from './names';
import { OVERMIND_CONSUMERS, OVERMIND_SCALERS, OVERMIND_STREAMS } from './overmind-topology';
import { resolveAlerts } from './resolve-alerts';
import { resolveConsumer } from './resolve-consumer';
import { checkClusterSize, resolveNats, resolveNetwork } from './resolve-nats';
import { resolveScaler, scalerResource } from './resolve-scaler';
import { MAX_STREAM_REPLICAS, resolveStream } from './resolve-stream';
import { EnvironmentConfig } from './types';

/**
 * An environment name: a DNS-1123 label (it is a label value on every object, the default namespace is
 * `overmind-<name>`), short enough for the Grafana dashboard uid `overmind-nats-<name>` (at most 40).
 */
export const ENVIRONMENT_NAME_RULE = withMaxLength(
  DNS1123_LABEL_RULE,
  26,
  'the Grafana dashboard uid "overmind-nats-<name>" may have at most 40 characters ' +
    '(https://grafana.com/docs/grafana/latest/developers/http_api/dashboard/)',
);

/**
 * Prometheus label names (https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels); `__` is reserved.
 */
const PROMETHEUS_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels every alert gets from us (the alert table), which `monitoring.alerts.labels` must not try to set. */
export const RESERVED_ALERT_LABELS = ['severity', 'environment', 'namespace'];

/**
 * An EnvironmentConfig with its defaults applied, units parsed, references resolved (each consumer holds its stream,
 * each scaler its consumer) and every check passed; `network` is undefined when `network.enabled` is false.
 */
export type ResolvedEnvironment = ReturnType<typeof resolveEnvironment>;

export function resolveEnvironment(config: EnvironmentConfig) {
  const name = config.name;
  const namespace = config.namespace ?? `overmind-${name}`;
  const envTarget: CheckTarget = { scope: name, resource: `Environment "${name}"` };
  checkName(envTarget, 'name', name, ENVIRONMENT_NAME_RULE, { fallback: 'staging', maxLength: 26 });
  // A key the config types do not have fails here, before any value is read.
  checkKnownFields(name, config);
  const problems = new ProblemList();
  problems.attempt(() =>
    checkName(envTarget, 'namespace', namespace, KUBERNETES_NAME_RULES.Namespace, { fallback: `overmind-${name}` }),
  );
  // The streams' replicas are checked against the cluster size; with a bad nats.replicas (reported as itself) only
  // against the server's limit.
  const clusterSize = problems.attempt(() => checkClusterSize(name, config.nats?.replicas)) ?? MAX_STREAM_REPLICAS;
  const monitoring = problems.attempt(() => resolveMonitoring(name, config));

  const streamConfigs = config.streams ?? OVERMIND_STREAMS;
  const streamsSeen = new StreamsSeen();
  const streams = problems.mapEach(streamConfigs, (s) => {
    const stream = resolveStream(name, s, clusterSize);
    checkStreamAmongOthers(name, stream, streamsSeen);
    return stream;
  });
  const scalerConfigs = config.scalers ?? OVERMIND_SCALERS;
  const nats = problems.attempt(() =>
    resolveNats(name, namespace, config.nats ?? {}, clusterSize, streams, scalerConfigs.length > 0),
  );

  // A consumer of a stream that failed its own checks is checked once the stream is fixed; so is a scaler.
  const streamByName = new Map(streams.map((s) => [s.name, s]));
  const streamNames = streamConfigs.map((s) => s.name);
  const consumerConfigs = config.consumers ?? OVERMIND_CONSUMERS;
  const consumersSeen = new Set<string>();
  const consumers = problems.mapEach(consumerConfigs, (c) => {
    const reference = { resource: `Consumer "${c.name}"`, field: 'stream', value: c.stream } as const;
    const stream = resolveReference(name, reference, streamByName, streamNames);
    if (!stream) return undefined;
    const consumer = resolveConsumer(name, c, stream);
    checkConsumerAmongOthers(name, consumer, consumersSeen);
    return consumer;
  });
  const workQueueConsumers = consumers.filter((c) => c.stream.retention === 'workqueue');
  for (const consumer of workQueueConsumers) {
    const ofStream = workQueueConsumers.filter((c) => c.stream === consumer.stream);
    problems.attempt(() => checkWorkQueueConsumer(name, consumer, ofStream));
  }

  const consumerByName = new Map(consumers.map((c) => [c.name, c]));
  const consumerNames = consumerConfigs.map((c) => c.name);
  const pullConsumerNames = consumerConfigs.filter((c) => c.deliverSubject === undefined).map((c) => c.name);
  const scalersSeen = new Set<string>();
  const scalers = problems.mapEach(scalerConfigs, (s) => {
    const reference = { resource: scalerResource(s), field: 'consumer', value: s.consumer } as const;
    const consumer = resolveReference(name, reference, consumerByName, consumerNames, pullConsumerNames);
    if (!consumer) return undefined;
    const scaler = resolveScaler(name, s, consumer);
    checkScalerAmongOthers(name, scaler, scalersSeen);
    return scaler;
  });
  const network =
    (config.network?.enabled ?? true) && nats
      ? problems.attempt(() => resolveNetwork(name, config.network ?? {}, nats))
      : undefined;
  problems.throwIfAny();
  return { name, namespace, nats: nats!, streams, consumers, scalers, monitoring: monitoring!, network };
}

/** Labels on the ServiceMonitor, PrometheusRules and dashboard ConfigMap, and on every alert. */
function resolveMonitoring(environment: string, config: EnvironmentConfig) {
  const monitoring = config.monitoring ?? {};
  const t: CheckTarget = { scope: environment, resource: 'Monitoring (monitoring)' };
  const prometheusSelectorLabels = checkLabels(
    t,
    'monitoring.prometheusSelectorLabels',
    monitoring.prometheusSelectorLabels ?? { release: 'kube-prometheus-stack' },
    { release: 'kube-prometheus-stack' },
  );
  if (monitoring.grafanaDashboardLabels !== undefined) {
    checkLabels(t, 'monitoring.grafanaDashboardLabels', monitoring.grafanaDashboardLabels, { grafana_dashboard: '1' });
  }
  for (const [key, value] of Object.entries(monitoring.alerts?.labels ?? {})) {
    const field = `monitoring.alerts.labels["${key}"]`;
    if (!PROMETHEUS_LABEL_NAME.test(key) || key.startsWith('__') || RESERVED_ALERT_LABELS.includes(key)) {
      reject(t, field, key, {
        allowed:
          'a Prometheus label name (letters, digits and "_", not starting with a digit or "__"; ' +
          'https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels), other than ' +
          `${RESERVED_ALERT_LABELS.map((l) => `"${l}"`).join(', ')}, which every alert gets from this project`,
        fix:
          `rename the label, e.g. ` +
          `${literal('monitoring.alerts.labels', { team: typeof value === 'string' ? value : 'platform' })}`,
      });
    }
    if (typeof value !== 'string') {
      reject(t, field, value, {
        allowed: 'a string',
        fix: `write it as text, e.g. ${literal('monitoring.alerts.labels', { [key]: String(value) })}`,
      });
    }
  }
  return {
    prometheusSelectorLabels,
    grafanaDashboardLabels: monitoring.grafanaDashboardLabels,
    scrapeInterval: toDuration(t, 'monitoring.scrapeInterval', monitoring.scrapeInterval ?? '30s'),
    alerts: resolveAlerts(environment, monitoring.alerts),
  };
}
