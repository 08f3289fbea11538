// Alerts as data (kube-prometheus mixin style): every alert's name, default severity, `for` and default
// thresholds in one table; the shape of a rule as Prometheus reads it; and the one function that turns an
// alert of the table plus its expression and texts into a rule with the environment's labels and runbook link.
// The expressions and texts are built in alert-rules.ts, the per-object thresholds in alert-thresholds.ts.
import { AlertsConfig, AlertSeverity } from '../../config/types';
import { Duration, parseDuration, promDuration } from '../../config/units';

/**
 * Every alert with its default threshold, `for` and severity: the one table to review.
 * Thresholds marked "config" can be set per consumer/stream (`alerts`) or for the whole
 * environment (`monitoring.alerts`); `for` only for the whole environment (one rule per alert).
 * Queries and their reasons: keda-prom-argo.md (c).
 */
export const ALERT_DEFAULTS = {
  /** config `maxLag` (and environment-wide `for`): lag high AND still growing (deriv over `growthWindow`). */
  consumerLag: {
    alert: 'NatsConsumerLagGrowing',
    severity: 'critical',
    for: '10m',
    growthWindow: '10m',
    maxLagWithoutScaler: 10_000,
    scalerCapacityMultiple: 10,
  },
  /** lag above lagThreshold x maxReplicas: the HPA wants more than maxReplicas. Only for consumers a scaler targets. */
  scalerSaturated: { alert: 'NatsConsumerScalerSaturated', severity: 'warning', for: '15m' },
  /** config `ackPendingRatio` of the consumer's maxAckPending (delivery stops at 100%). */
  ackPending: { alert: 'NatsConsumerAckPendingHigh', severity: 'warning', for: '10m', ratio: 0.9 },
  /** config `maxRedelivered`: messages currently marked for redelivery (a gauge). */
  redeliveries: { alert: 'NatsConsumerRedeliveriesHigh', severity: 'warning', for: '15m', maxRedelivered: 100 },
  /** Proxy (no exporter metric exists): redeliveries never dropped to 0 for max(minWindow, maxDeliver x ackWait). */
  maxDeliver: { alert: 'NatsConsumerMaxDeliverLikely', severity: 'warning', for: '5m', minWindow: '5m' },
  /**
   * config `nearLimitRatio` (and environment-wide `for`); critical with discard "new" (publishes are then rejected).
   */
  streamBytes: {
    alert: 'NatsStreamNearMaxBytes',
    severity: 'warning',
    severityDiscardNew: 'critical',
    for: '15m',
    ratio: 0.85,
  },
  /** As streamBytes, for streams with maxMsgs; ratio and `for` are the stream's (streamBytes defaults). */
  streamMessages: {
    alert: 'NatsStreamNearMaxMessages',
    severity: 'warning',
    severityDiscardNew: 'critical',
    for: '15m',
  },
  /** config `monitoring.alerts.fileStorageRatio` of a node's max_file_store. */
  fileStorage: { alert: 'NatsServerFileStorageHigh', severity: 'warning', for: '15m', ratio: 0.85 },
  noMetaLeader: { alert: 'NatsJetStreamNoMetaLeader', severity: 'critical', for: '2m' },
  jetStreamDisabled: { alert: 'NatsJetStreamDisabled', severity: 'critical', for: '5m' },
  /** Fewer servers report JetStream than nats.replicas; a clustered meta group survives one loss. */
  serverMissing: { alert: 'NatsServerMissing', severity: 'warning', severitySingleServer: 'critical', for: '5m' },
  exporterDown: { alert: 'NatsExporterDown', severity: 'warning', for: '5m' },
  metricsAbsent: { alert: 'NatsMetricsAbsent', severity: 'warning', for: '10m' },
} as const;

/** Alert names in table order (for docs and tests). */
export const ALERT_NAMES: readonly string[] = Object.values(ALERT_DEFAULTS).map((d) => d.alert);

/** A rule as Prometheus reads it (the PrometheusRule's `spec.groups[].rules[]`). */
export interface RuleJson {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export interface RuleGroupJson {
  readonly name: string;
  readonly rules: readonly RuleJson[];
}

/** What an alert says, and when: its expression, texts and, where they differ from the table, `for` and severity. */
export interface AlertText {
  expr: string;
  for?: Duration;
  severity?: AlertSeverity;
  summary: string;
  description: string;
  runbook: string;
}

/** The environment every alert is labelled with. */
export interface AlertContext {
  readonly environment: string;
  readonly namespace: string;
  readonly alerts?: AlertsConfig;
}

export function alertRule(
  defaults: { readonly alert: string; readonly severity: AlertSeverity; readonly for: string },
  rule: AlertText,
  context: AlertContext,
): RuleJson {
  const base = context.alerts?.runbookBaseUrl;
  return {
    alert: defaults.alert,
    expr: rule.expr,
    for: promDuration(rule.for ?? parse(defaults.for)),
    labels: {
      ...context.alerts?.labels,
      severity: rule.severity ?? defaults.severity,
      environment: context.environment,
      namespace: context.namespace,
    },
    annotations: {
      summary: rule.summary,
      description: rule.description,
      runbook: rule.runbook,
      ...(base ? { runbook_url: `${base}#${defaults.alert.toLowerCase()}` } : {}),
    },
  };
}

/** A duration of ALERT_DEFAULTS (a literal of ours, so a bad one is a bug, not a config error). */
export function parse(text: string): Duration {
  const d = parseDuration(text);
  if (!d) throw new Error(`ALERT_DEFAULTS has an invalid duration "${text}"`);
  return d;
}
