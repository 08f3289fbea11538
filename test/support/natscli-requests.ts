// Test oracle: the JetStream API requests the `nats` CLI (nats-io/natscli v0.4.0, with jsm.go v0.4.1 from its
// go.mod) sends for `nats stream add` and `nats consumer add`, so a live test can make streams and consumers
// "by hand" exactly as the spec's commands would. Flags not given are prompted for; the model takes each
// prompt's default (what pressing Enter, or `--defaults`, gives). Line numbers: natscli v0.4.0
// cli/stream_command.go, cli/consumer_command.go, internal/util/util.go; jsm.go v0.4.1 api/*.go, streams.go,
// consumers.go.
import { goDurationToNanos } from '../../lib/config/go-duration';

export interface NatsStreamAddFlags {
  readonly subjects: readonly string[];
  readonly retention?: 'limits' | 'interest' | 'workq';
  /** Go duration or "-1"; prompt default "-1" (unlimited), stream_command.go:2765-2776. */
  readonly maxAge?: string;
  /** "1GB"; iu.ParseStringAsBytes: 1GB = 1<<30 (util.go:644-650); prompt default "-1", stream_command.go:2741-2755. */
  readonly maxBytes?: string;
  readonly storage?: 'file' | 'memory';
  readonly replicas?: number;
  readonly description?: string;
}

/** `--max-bytes` as iu.ParseStringAsBytes reads it (util.go:608-652): binary units, K = KB = KiB = 1024. */
export function natsCliBytes(text: string): number {
  const match = /^(\d+)\s*([a-zA-Z]*)$/.exec(text.trim());
  if (!match) throw new Error(`natscli refuses --max-bytes=${text}`);
  const shift: Record<string, number> = { '': 0, B: 0, K: 10, KB: 10, KIB: 10, M: 20, MB: 20, MIB: 20, G: 30 };
  Object.assign(shift, { GB: 30, GIB: 30, T: 40, TB: 40, TIB: 40 });
  const bits = shift[match[2].toUpperCase()];
  if (bits === undefined) throw new Error(`natscli refuses --max-bytes=${text}`);
  return Number(match[1]) * 2 ** bits;
}

/**
 * `nats stream add <name> <flags>`: the body of `$JS.API.STREAM.CREATE.<name>` (jsm.go NewStreamFromDefault,
 * streams.go:75-99, marshalling api.StreamConfig, api/streams.go:660-720).
 */
export function natsStreamAdd(name: string, flags: NatsStreamAddFlags): Record<string, unknown> {
  const maxAge = flags.maxAge && flags.maxAge !== '-1' ? goDurationToNanos(flags.maxAge) : 0; // :2778-2781
  // :2795-2806: the duplicate window defaults to 2m, or max age when that is shorter.
  const twoMinutes = goDurationToNanos('2m');
  const duplicateWindow = maxAge > 0 && maxAge < twoMinutes ? maxAge : twoMinutes;
  const retention = { limits: 'limits', interest: 'interest', workq: 'workqueue' }[flags.retention ?? 'limits'];
  return {
    name,
    ...(flags.description ? { description: flags.description } : {}),
    subjects: [...flags.subjects],
    retention, // prompt default "Limits", :2705-2713
    max_consumers: -1, // --max-consumers default -1, :220
    max_msgs_per_subject: -1, // prompt default -1, :2731-2737
    max_msgs: -1, // prompt default -1, :2723-2729
    max_bytes: flags.maxBytes ? natsCliBytes(flags.maxBytes) : -1,
    max_age: maxAge,
    max_msg_size: -1, // prompt default -1, :2783-2792 (omitempty keeps -1)
    storage: flags.storage ?? 'file',
    discard: 'old', // prompt default "Old", :2715-2721
    num_replicas: flags.replicas ?? 1, // prompt default 1, :2695-2700
    duplicate_window: duplicateWindow,
    // Compression "" is none (0, omitempty). No-omitempty booleans (api/streams.go:684-695):
    sealed: false,
    deny_delete: false, // "Allow message deletion" default yes, :2816-2820
    deny_purge: false, // "Allow purging" default yes, :2822-2826
    allow_rollup_hdrs: false, // "Allow message Roll-ups" default no, :2810-2814
    allow_direct: true, // --allow-direct defaults to true, :236
    mirror_direct: false,
    consumer_limits: {}, // a struct without omitempty (api/streams.go:710); servers before 2.10 ignore it
  };
}

export interface NatsConsumerAddFlags {
  /** --filter */
  readonly filter?: string;
  /** --ack; pull consumers default to explicit, :1732-1746 */
  readonly ack?: 'explicit' | 'all' | 'none';
  readonly maxDeliver?: number;
  /** --wait (ack wait) */
  readonly wait?: string;
  /** --max-pull-batch */
  readonly maxPullBatch?: number;
  readonly description?: string;
}

/**
 * `nats consumer add <stream> <durable> --pull <flags>`: the request jsm.go createConsumer sends to
 * `$JS.API.CONSUMER.CREATE.<stream>.<durable>[.<filter>]` (consumers.go:100-124).
 */
export function natsConsumerAdd(
  stream: string,
  durable: string,
  flags: NatsConsumerAddFlags,
): { subject: string; body: Record<string, unknown> } {
  const config: Record<string, unknown> = {
    ...(flags.description ? { description: flags.description } : {}),
    ack_policy: flags.ack ?? 'explicit',
    // natscli's own template has no ack wait (:1421-1426) and sets only a positive --wait (:1763-1765); 0 is
    // dropped by omitempty and the server then uses 30s.
    ...(flags.wait ? { ack_wait: goDurationToNanos(flags.wait) } : {}),
    deliver_policy: 'all', // prompt default "all", :1721-1730
    durable_name: durable,
    name: durable,
    ...(flags.filter ? { filter_subject: flags.filter } : {}), // one filter: FilterSubject, :1805-1810
    // --max-pending default -1 -> prompt default 0 -> 0 (omitempty; the server makes it 1000), :1825-1891
    // "Maximum Allowed Deliveries" prompt default -1, :1816-1823, set at :1910-1912
    max_deliver: flags.maxDeliver ?? -1,
    ...(flags.maxPullBatch ? { max_batch: flags.maxPullBatch } : {}), // :1894-1896
    replay_policy: 'instant', // defaultConsumer, :1421-1426
    num_replicas: 0, // --replicas unset: inherit the stream's, :1923
    pause_until: '0001-01-01T00:00:00Z', // a time.Time with omitempty is never empty (api/consumers.go:618)
  };
  const base = `$JS.API.CONSUMER.CREATE.${stream}.${durable}`;
  return {
    subject: flags.filter ? `${base}.${flags.filter}` : base,
    body: { stream_name: stream, config },
  };
}

/** The spec's streams and consumers (../shared/spec/overmind-nats-jetstream.md "Streams", "Consumers"). */
export const SPEC_NATS_CLI_STREAMS: ReadonlyArray<{ name: string; flags: NatsStreamAddFlags }> = [
  {
    // The spec's own command, "Create stream manually".
    name: 'routing-decisions',
    flags: {
      subjects: ['routing.>'],
      retention: 'limits',
      maxAge: '168h',
      maxBytes: '1GB',
      storage: 'file',
      replicas: 3,
    },
  },
  {
    name: 'memory-events',
    flags: {
      subjects: ['memory.>'],
      retention: 'limits',
      maxAge: '720h',
      maxBytes: '5GB',
      storage: 'file',
      replicas: 3,
    },
  },
  {
    name: 'llm-requests',
    flags: { subjects: ['llm.>'], retention: 'limits', maxAge: '24h', maxBytes: '500MB', storage: 'file', replicas: 3 },
  },
];

export const SPEC_NATS_CLI_CONSUMERS: ReadonlyArray<{ stream: string; durable: string; flags: NatsConsumerAddFlags }> =
  [
    {
      stream: 'routing-decisions',
      durable: 'api-consumer',
      flags: { filter: 'routing.>', ack: 'explicit', maxDeliver: 3, wait: '30s' },
    },
    {
      stream: 'routing-decisions',
      durable: 'analytics-consumer',
      flags: { filter: 'routing.>', ack: 'explicit', maxDeliver: 5, wait: '60s', maxPullBatch: 1000 },
    },
    {
      stream: 'memory-events',
      durable: 'consolidation-consumer',
      flags: { filter: 'memory.consolidated', ack: 'explicit', maxDeliver: 3, wait: '120s' },
    },
    {
      stream: 'llm-requests',
      durable: 'metrics-consumer',
      flags: { filter: 'llm.>', ack: 'explicit', maxDeliver: 3, wait: '30s' },
    },
  ];
