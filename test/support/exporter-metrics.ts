// Test oracle: the metric names prometheus-nats-exporter v0.20.1 really exports as the NATS chart
// runs it (`-prefix=nats -jsz=all -varz ...`), restated from ../shared/reference/keda-prom-argo.md
// section (b) ("Metric names — the prefix matters" and the JetStream/varz tables), never imported
// from lib/. A query naming anything else would silently return nothing in Grafana or Prometheus.

/** Labels Prometheus adds to every scraped series (keda-prom-argo.md (b) "Label details"). */
const TARGET_LABELS = ['namespace', 'pod', 'container', 'job', 'instance', 'endpoint', 'service'];
const SERVER_LABELS = ['server_id', 'server_name', 'cluster', 'domain', 'meta_leader', 'is_meta_leader'];
const ACCOUNT_LABELS = [...SERVER_LABELS, 'account', 'account_name', 'account_id'];
const STREAM_LABELS = [...ACCOUNT_LABELS, 'stream_name', 'stream_leader', 'is_stream_leader', 'stream_raft_group'];
const CONSUMER_LABELS = [...STREAM_LABELS, 'consumer_name', 'consumer_leader', 'is_consumer_leader', 'consumer_desc'];
/** varz metrics carry only server_id (keda-prom-argo.md (b) "Varz metrics"). */
const VARZ_LABELS = ['server_id'];

const family = (names: string[], labels: string[]) =>
  names.map((name) => [name, [...labels, ...TARGET_LABELS]] as const);

/** metric name -> label names it carries. */
export const EXPORTED_METRICS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ...family(
    [
      'server_jetstream_disabled',
      'server_total_streams',
      'server_total_consumers',
      'server_total_messages',
      'server_total_message_bytes',
      'server_max_memory',
      'server_max_storage',
    ].map((n) => `nats_${n}`),
    SERVER_LABELS,
  ),
  ...family(
    ['account_max_memory', 'account_max_storage', 'account_storage_used', 'account_memory_used'].map(
      (n) => `nats_${n}`,
    ),
    ACCOUNT_LABELS,
  ),
  ...family(
    [
      'stream_total_messages',
      'stream_total_bytes',
      'stream_first_seq',
      'stream_last_seq',
      'stream_consumer_count',
      'stream_subject_count',
      'stream_limit_bytes',
      'stream_limit_messages',
    ].map((n) => `nats_${n}`),
    STREAM_LABELS,
  ),
  ...family(
    [
      'consumer_num_pending',
      'consumer_num_ack_pending',
      'consumer_num_redelivered',
      'consumer_num_waiting',
      'consumer_delivered_consumer_seq',
      'consumer_delivered_stream_seq',
      'consumer_ack_floor_stream_seq',
      'consumer_ack_floor_consumer_seq',
      'consumer_last_delivery_seconds',
      'consumer_last_ack_seconds',
    ].map((n) => `nats_${n}`),
    CONSUMER_LABELS,
  ),
  ...family(
    [
      'connections',
      'slow_consumers',
      'mem',
      'cpu',
      'routes',
      'jetstream_stats_storage',
      'jetstream_stats_memory',
      'jetstream_config_max_storage',
      'jetstream_config_max_memory',
      'jetstream_meta_cluster_size',
      'jetstream_meta_pending',
    ].map((n) => `nats_varz_${n}`),
    VARZ_LABELS,
  ),
  // Not in (b)'s "useful" list but plain /varz keys (nats-server server/monitor.go Varz `in_msgs`,
  // `out_msgs`), which the varz collector exports as nats_varz_<json key> like the others (b).
  ...family(
    ['in_msgs', 'out_msgs'].map((n) => `nats_varz_${n}`),
    VARZ_LABELS,
  ),
  // Prometheus' own per-target series.
  ['up', TARGET_LABELS],
]);

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/** A metric (or recorded series) in a PromQL expression with the label names of its selector. */
export interface PromSelectorUse {
  readonly metric: string;
  readonly labels: readonly string[];
}

/**
 * Every metric a PromQL expression reads, with its selector's label names. Good enough for our
 * own generated queries: strings, grouping clauses and ranges are stripped, function calls are
 * recognised by the `(` that follows.
 */
export function selectorsIn(expr: string): PromSelectorUse[] {
  const uses: PromSelectorUse[] = [];
  const cleaned = expr
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const pattern = /(?<![0-9.a-zA-Z_:])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*(\()?/g;
  let m: RegExpExecArray | null;
  const withoutStrings = cleaned.replace(/"(?:[^"\\]|\\.)*"/g, (s) => s.replace(/[^"]/g, '_'));
  while ((m = pattern.exec(withoutStrings)) !== null) {
    const [, name, braces, call] = m;
    if (call && !braces) continue; // a function
    if (KEYWORDS.has(name.toLowerCase())) continue;
    const labels = braces
      ? [...cleaned.slice(m.index, m.index + m[0].length).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map(
          (x) => x[1],
        )
      : [];
    uses.push({ metric: name, labels });
  }
  return uses;
}
