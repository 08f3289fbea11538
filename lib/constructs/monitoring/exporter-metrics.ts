// The names Prometheus sees for NATS, in one place for the alert rules and the dashboard.
// prometheus-nats-exporter as the NATS chart runs it (`-prefix=nats -jsz=all -varz ...`,
// keda-prom-argo.md (b)): the prefix replaces the namespace of every collector, so JetStream
// metrics are `nats_stream_*`/`nats_consumer_*`, never `jetstream_*`, and varz ones `nats_varz_*`.
import { NatsMetricsService } from '../nats/nats-metrics-service';

/** Exporter metrics we query (all gauges, keda-prom-argo.md (b)). */
export const EXPORTER_METRIC = {
  consumerNumPending: 'nats_consumer_num_pending',
  consumerNumAckPending: 'nats_consumer_num_ack_pending',
  /** Messages *currently* marked for redelivery (`len(o.rdc)`): a gauge, never rate() it. */
  consumerNumRedelivered: 'nats_consumer_num_redelivered',
  consumerDeliveredStreamSeq: 'nats_consumer_delivered_stream_seq',
  streamTotalMessages: 'nats_stream_total_messages',
  streamTotalBytes: 'nats_stream_total_bytes',
  /** Both limits: -1 when unlimited. */
  streamLimitBytes: 'nats_stream_limit_bytes',
  streamLimitMessages: 'nats_stream_limit_messages',
  /** Labels `server_name, cluster, meta_leader, is_meta_leader`; 0 while JetStream runs. */
  serverJetStreamDisabled: 'nats_server_jetstream_disabled',
  serverTotalStreams: 'nats_server_total_streams',
  serverTotalConsumers: 'nats_server_total_consumers',
  varzJetStreamStatsStorage: 'nats_varz_jetstream_stats_storage',
  varzJetStreamConfigMaxStorage: 'nats_varz_jetstream_config_max_storage',
  varzConnections: 'nats_varz_connections',
  varzSlowConsumers: 'nats_varz_slow_consumers',
  varzMem: 'nats_varz_mem',
  varzCpu: 'nats_varz_cpu',
  varzRoutes: 'nats_varz_routes',
  varzInMsgs: 'nats_varz_in_msgs',
  varzOutMsgs: 'nats_varz_out_msgs',
} as const;

/** Labels that stay put when a leader moves; aggregating to them keeps `for:` timers (keda-prom-argo.md (b)). */
export const CONSUMER_KEY_LABELS = ['namespace', 'account', 'stream_name', 'consumer_name'] as const;
export const STREAM_KEY_LABELS = ['namespace', 'account', 'stream_name'] as const;

/** Leader-only recording rules (keda-prom-argo.md (c)); `consumerLag` is KEDA's lag, pending + ack pending. */
export const RECORDED = {
  consumerNumPending: 'nats:consumer_num_pending:leader',
  consumerNumAckPending: 'nats:consumer_num_ack_pending:leader',
  consumerNumRedelivered: 'nats:consumer_num_redelivered:leader',
  consumerDeliveredStreamSeq: 'nats:consumer_delivered_stream_seq:leader',
  consumerLag: 'nats:consumer_lag:leader',
  streamTotalBytes: 'nats:stream_total_bytes:leader',
  streamLimitBytes: 'nats:stream_limit_bytes:leader',
  streamTotalMessages: 'nats:stream_total_messages:leader',
  streamLimitMessages: 'nats:stream_limit_messages:leader',
  /**
   * timestamp() of each evaluation at which the leader reported no message awaiting redelivery (the max-deliver proxy's
   * clock).
   */
  consumerRedeliveredZeroAt: 'nats:consumer_num_redelivered_zero:timestamp',
} as const;

/** Labels that identify a configured consumer/stream in the series recorded from the config. */
export const CONSUMER_THRESHOLD_KEYS = ['namespace', 'stream_name', 'consumer_name'] as const;
export const STREAM_THRESHOLD_KEYS = ['namespace', 'stream_name'] as const;
/** `on (...)` matching a series with the threshold series of the same consumer/stream. */
export const ON_CONSUMER = `on (${CONSUMER_THRESHOLD_KEYS.join(', ')})`;
export const ON_STREAM = `on (${STREAM_THRESHOLD_KEYS.join(', ')})`;

function thresholdSeries<Name extends string>(name: Name) {
  return { threshold: `overmind:${name}:threshold`, override: `overmind:${name}:override` } as const;
}

/**
 * Series recorded from the config, not from the exporter (lib/constructs/monitoring/alert-rules.ts): which consumers
 * and streams are configured, and their alert thresholds. One generic rule per alert compares
 * the exporter's figures with these, so the rules do not grow with the number of consumers.
 *  - `*:info` (value 1), one per configured consumer/stream, with `ack_policy` / `discard`;
 *  - `*:override` only where a consumer's/stream's threshold differs from the environment's
 *    baseline (its most common value), to keep the per-object rules few;
 *  - `*:threshold` the effective threshold of every configured consumer/stream:
 *    `override or baseline x info`, recorded by one rule per kind.
 */
export const CONFIG_SERIES = {
  /** Labels CONSUMER_THRESHOLD_KEYS + `ack_policy`. */
  consumerInfo: 'overmind:consumer:info',
  /** Labels STREAM_THRESHOLD_KEYS + `discard`. */
  streamInfo: 'overmind:stream:info',
  /** Pending + ack pending above which "lag growing" fires. */
  consumerMaxLag: thresholdSeries('consumer_max_lag'),
  /** ceil(ackPendingRatio x maxAckPending); consumers with acks only. */
  consumerAckPendingLimit: thresholdSeries('consumer_ack_pending_limit'),
  /** Messages awaiting redelivery above which "redeliveries high" fires; consumers with acks only. */
  consumerMaxRedelivered: thresholdSeries('consumer_max_redelivered'),
  /** max(5m, maxDeliver x ackWait) in seconds; consumers with acks only. */
  consumerMaxDeliverWindow: thresholdSeries('consumer_max_deliver_window_seconds'),
  /** Fraction of maxBytes/maxMsgs at which "near its limit" fires. */
  streamNearLimitRatio: thresholdSeries('stream_near_limit_ratio'),
  /**
   * lagThreshold x maxReplicas of the KEDA scaler, labels + `scaledobject`, `workload`; scaled consumers only (no
   * baseline).
   */
  consumerScalerCapacity: 'overmind:consumer_scaler_capacity:threshold',
} as const;

/**
 * The `job` label of the exporter's series. Our ServiceMonitor sets no `jobLabel`, so
 * prometheus-operator uses the Service name (keda-prom-argo.md (b), `pkg/prometheus/promcfg.go`).
 * Scoping by job keeps nats-surveyor's same-named series out (keda-prom-argo.md (b)).
 */
export function scrapeJobOf(service: NatsMetricsService): string {
  return service.name;
}

/** A label matcher operator of PromQL. */
export type MatchOp = '=' | '!=' | '=~' | '!~';
/** `[label, value]`, or `[label, value, operator]`. */
export type Matcher = readonly [string, string] | readonly [string, string, MatchOp];

/** `{a="x",b!="y"}` with keys in the given order (operator `=` unless given); values escaped for PromQL strings. */
export function promSelector(labels: readonly Matcher[]): string {
  const quoted = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return `{${labels.map(([k, v, op]) => `${k}${op ?? '='}${quoted(v)}`).join(',')}}`;
}

/** Series of one environment's exporter: `{job="nats-metrics",namespace="overmind-prod",...}`. */
export function exporterSelector(job: string, namespace: string, ...extra: Matcher[]): string {
  return promSelector([['job', job], ['namespace', namespace], ...extra]);
}

/** Series our rules record: scoped by namespace, as two environments may share a Prometheus. */
export function recordedSelector(namespace: string, ...extra: Matcher[]): string {
  return promSelector([['namespace', namespace], ...extra]);
}
