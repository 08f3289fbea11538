// The names Prometheus sees for NATS, in one place for the alert rules and the dashboard.
// prometheus-nats-exporter as the NATS chart runs it (`-prefix=nats -jsz=all -varz ...`,
// keda-prom-argo.md (b)): the prefix replaces the namespace of every collector, so JetStream
// metrics are `nats_stream_*`/`nats_consumer_*`, never `jetstream_*`, and varz ones `nats_varz_*`.
import { NatsMetricsService } from './nats-metrics-service';

/** Exporter metrics we query (all gauges, keda-prom-argo.md (b)). */
export const EXPORTER_METRIC = {
  consumerNumPending: 'nats_consumer_num_pending',
  consumerNumAckPending: 'nats_consumer_num_ack_pending',
  /** Messages *currently* marked for redelivery (`len(o.rdc)`): a gauge, never rate() it. */
  consumerNumRedelivered: 'nats_consumer_num_redelivered',
  consumerNumWaiting: 'nats_consumer_num_waiting',
  consumerDeliveredStreamSeq: 'nats_consumer_delivered_stream_seq',
  consumerAckFloorStreamSeq: 'nats_consumer_ack_floor_stream_seq',
  streamTotalMessages: 'nats_stream_total_messages',
  streamTotalBytes: 'nats_stream_total_bytes',
  /** -1 when unlimited. */
  streamLimitBytes: 'nats_stream_limit_bytes',
  /** -1 when unlimited. */
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
} as const;

/**
 * The `job` label of the exporter's series. Our ServiceMonitor sets no `jobLabel`, so
 * prometheus-operator uses the Service name (keda-prom-argo.md (b), `pkg/prometheus/promcfg.go`).
 * Scoping by job keeps nats-surveyor's same-named series out (keda-prom-argo.md (b)).
 */
export function scrapeJobOf(service: NatsMetricsService): string {
  return service.name;
}

/** `{a="x",b="y"}` with keys in the given order; values escaped for PromQL strings. */
export function promSelector(labels: ReadonlyArray<readonly [string, string]>): string {
  return `{${labels.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
