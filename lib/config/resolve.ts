// One environment's config resolved once, before any construct is built: defaults applied (namespace, the
// spec's topology, monitoring labels and scrape interval), units parsed, and the environment-wide checks run
// (name, unknown keys, namespace, cluster size, monitoring labels). Per-object checks run where each object's
// props are resolved; the cross-object checks (unique names, subject overlap, references, work queues) run in
// the backbone chart, which reports the problems of all objects of a kind together (mapReportingAll).
import { IConstruct } from 'constructs';
import { checkInteger, checkLabels, checkName, CheckTarget, literal, toDuration } from './checks';
import { checkKnownFields } from './config-keys';
import { fail } from './errors';
import { DNS1123_LABEL_RULE, KUBERNETES_NAME_RULES, withMaxLength } from './names';
import { OVERMIND_CONSUMERS, OVERMIND_SCALERS, OVERMIND_STREAMS } from './overmind-topology';
import {
  AlertsConfig,
  ConsumerConfig,
  EnvironmentConfig,
  NatsClusterConfig,
  NetworkConfig,
  ScalerConfig,
  StreamConfig,
} from './types';
import { Duration } from './units';

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

export interface ResolvedMonitoring {
  readonly prometheusSelectorLabels: Record<string, string>;
  readonly grafanaDashboardLabels?: Record<string, string>;
  readonly scrapeInterval: Duration;
  readonly alerts?: AlertsConfig;
}

/** An EnvironmentConfig with every default applied and every environment-wide check passed. */
export interface ResolvedEnvironment {
  readonly name: string;
  readonly namespace: string;
  readonly nats: NatsClusterConfig;
  /** Number of NATS servers, checked (1, or 3 or more). */
  readonly clusterSize: number;
  readonly streams: readonly StreamConfig[];
  readonly consumers: readonly ConsumerConfig[];
  readonly scalers: readonly ScalerConfig[];
  readonly monitoring: ResolvedMonitoring;
  /** Undefined when `network.enabled` is false. */
  readonly network?: NetworkConfig;
}

export function resolveEnvironment(config: EnvironmentConfig): ResolvedEnvironment {
  const name = config.name;
  const namespace = config.namespace ?? `overmind-${name}`;
  const envTarget: CheckTarget = { scope: name, resource: `Environment "${name}"` };
  checkName(envTarget, 'name', name, ENVIRONMENT_NAME_RULE, { fallback: 'staging', maxLength: 26 });
  // A key the config types do not have fails here, before any value is read.
  checkKnownFields(name, config);
  checkName(envTarget, 'namespace', namespace, KUBERNETES_NAME_RULES.Namespace, { fallback: `overmind-${name}` });
  // The environment first: the streams' replicas are checked against the cluster size, so a bad
  // nats.replicas must be reported as itself.
  const clusterSize = checkClusterSize(name, config.nats?.replicas);
  return {
    name,
    namespace,
    nats: config.nats ?? {},
    clusterSize,
    // The spec's topology wherever the config names none.
    streams: config.streams ?? OVERMIND_STREAMS,
    consumers: config.consumers ?? OVERMIND_CONSUMERS,
    scalers: config.scalers ?? OVERMIND_SCALERS,
    monitoring: resolveMonitoring(name, config),
    network: (config.network?.enabled ?? true) ? { ...config.network } : undefined,
  };
}

const NATS_RESOURCE = 'NATS cluster (nats)';

/**
 * The number of NATS servers (`nats.replicas`), checked before anything that depends on it (stream
 * replicas), so a bad value is reported as `nats.replicas`, not as the streams' replicas.
 */
export function checkClusterSize(scope: IConstruct | string, replicas: number | undefined): number {
  const t: CheckTarget = { scope, resource: NATS_RESOURCE };
  const size = checkInteger(
    t,
    'nats.replicas',
    replicas ?? 3,
    { min: 1 },
    `write ${literal('nats.replicas', 3)} (or 1 for a single server without clustering)`,
  );
  if (size === 2) {
    // A JetStream meta group of 2 loses quorum when either node is down.
    fail(scope, {
      resource: NATS_RESOURCE,
      field: 'nats.replicas',
      value: 2,
      allowed: '1, or 3 or more (JetStream needs a majority of servers)',
      fix: `write ${literal('nats.replicas', 3)}, or ${literal('nats.replicas', 1)} for a small environment`,
    });
  }
  return size;
}

/** Labels on the ServiceMonitor, PrometheusRules and dashboard ConfigMap, and on every alert. */
function resolveMonitoring(environment: string, config: EnvironmentConfig): ResolvedMonitoring {
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
      fail(environment, {
        resource: t.resource,
        field,
        value: key,
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
      fail(environment, {
        resource: t.resource,
        field,
        value,
        allowed: 'a string',
        fix: `write it as text, e.g. ${literal('monitoring.alerts.labels', { [key]: String(value) })}`,
      });
    }
  }
  return {
    prometheusSelectorLabels,
    grafanaDashboardLabels: monitoring.grafanaDashboardLabels,
    scrapeInterval: toDuration(t, 'monitoring.scrapeInterval', monitoring.scrapeInterval ?? '30s'),
    alerts: monitoring.alerts,
  };
}
