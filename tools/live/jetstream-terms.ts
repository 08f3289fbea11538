// The server's stream and consumer configs in the terms of our config and NACK's spec: what `npm run status`
// compares field by field and what `npm run adopt` turns into config entries. The server reports the
// JetStream API config (snake_case, durations in nanoseconds: nats-server server/stream.go StreamConfig,
// server/consumer.go ConsumerConfig); NACK v1beta2 specs are camelCase with Go durations ("168h").
// test/tools/live/jetstream-terms.test.ts checks the round trip spec -> NACK's request -> what the server
// reports -> these terms against every declared object of dist/.
import { formatGoDuration, parseGoDuration } from '../../lib/config/go-duration';
import {
  ConditionalField,
  CONSUMER_CONDITIONAL_FIELDS,
  filtersOf,
  STREAM_CONDITIONAL_FIELDS,
  withConsumerDefaults,
  withStreamDefaults,
} from '../plan/nack-control-loop';

export type Spec = Readonly<Record<string, unknown>>;
type ApiConfig = Readonly<Record<string, unknown>>;

const num = (value: unknown, otherwise = 0): number => (typeof value === 'number' ? value : otherwise);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const bool = (value: unknown): boolean => value === true;
const isEmptyObject = (value: unknown) =>
  typeof value !== 'object' || value === null || Object.keys(value as object).length === 0;

/** Metadata the server adds itself (`_nats.*`, nats-server 2.11+ server/jetstream_versioning.go); not ours. */
function userMetadata(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Object.entries(value as Record<string, string>).filter(([k]) => !k.startsWith('_nats.'));
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** Drops undefined, so a live spec holds only what the server reports. */
function compact(spec: Record<string, unknown>): Spec {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
}

/** A stream's config as the server reports it (`$JS.API.STREAM.INFO`), as a NACK Stream spec. */
export function liveStreamSpec(config: ApiConfig): Spec {
  const placement = config.placement as { cluster?: string; tags?: string[] } | undefined;
  const sources = Array.isArray(config.sources) && config.sources.length > 0 ? config.sources : undefined;
  return compact({
    name: str(config.name),
    description: str(config.description) || undefined,
    subjects: Array.isArray(config.subjects) ? config.subjects.map(String) : [],
    retention: str(config.retention),
    maxConsumers: num(config.max_consumers, -1),
    maxMsgs: num(config.max_msgs, -1),
    maxBytes: num(config.max_bytes, -1),
    discard: str(config.discard),
    discardPerSubject: bool(config.discard_new_per_subject),
    maxAge: formatGoDuration(num(config.max_age)),
    maxMsgsPerSubject: num(config.max_msgs_per_subject, -1),
    maxMsgSize: num(config.max_msg_size, -1),
    storage: str(config.storage),
    replicas: num(config.num_replicas, 1),
    noAck: bool(config.no_ack),
    duplicateWindow: formatGoDuration(num(config.duplicate_window)),
    placement:
      placement && (placement.cluster || (placement.tags ?? []).length > 0)
        ? compact({
            cluster: placement.cluster || undefined,
            tags: placement.tags?.length ? placement.tags : undefined,
          })
        : undefined,
    mirror: config.mirror ?? undefined,
    sources,
    // nats-server before 2.10 has no compression (none).
    compression: config.compression === 's2' ? 's2' : undefined,
    subjectTransform: config.subject_transform ?? undefined,
    republish: config.republish ?? undefined,
    sealed: bool(config.sealed),
    denyDelete: bool(config.deny_delete),
    denyPurge: bool(config.deny_purge),
    allowDirect: bool(config.allow_direct),
    allowRollup: bool(config.allow_rollup_hdrs),
    mirrorDirect: bool(config.mirror_direct),
    // nats-server 2.10+ reports `consumer_limits: {}` for a stream without limits.
    consumerLimits: isEmptyObject(config.consumer_limits) ? undefined : config.consumer_limits,
    allowMsgTtl: bool(config.allow_msg_ttl),
    subjectDeleteMarkerTtl: num(config.subject_delete_marker_ttl)
      ? formatGoDuration(num(config.subject_delete_marker_ttl))
      : undefined,
    allowMsgCounter: bool(config.allow_msg_counter),
    allowAtomicPublish: bool(config.allow_atomic),
    allowMsgSchedules: bool(config.allow_msg_schedules),
    persistMode: config.persist_mode === 'async' ? 'async' : undefined,
    metadata: userMetadata(config.metadata),
  });
}

const DELIVER_POLICY_FROM_API: Readonly<Record<string, string>> = {
  all: 'all',
  last: 'last',
  new: 'new',
  by_start_sequence: 'byStartSequence',
  by_start_time: 'byStartTime',
  last_per_subject: 'lastPerSubject',
};

/** Go's zero time.Time, which servers 2.11+ report as `pause_until` of a consumer never paused. */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** A consumer's config as the server reports it (`$JS.API.CONSUMER.INFO`), as a NACK Consumer spec. */
export function liveConsumerSpec(stream: string, config: ApiConfig): Spec {
  const filters = Array.isArray(config.filter_subjects) ? config.filter_subjects.map(String) : [];
  const single = str(config.filter_subject);
  const durations = (field: string) => (num(config[field]) ? formatGoDuration(num(config[field])) : undefined);
  const pauseUntil = str(config.pause_until);
  return compact({
    durableName: str(config.durable_name) || str(config.name),
    streamName: stream,
    description: str(config.description) || undefined,
    deliverPolicy: DELIVER_POLICY_FROM_API[str(config.deliver_policy)] ?? str(config.deliver_policy),
    optStartSeq: num(config.opt_start_seq) || undefined,
    optStartTime: str(config.opt_start_time) || undefined,
    deliverSubject: str(config.deliver_subject) || undefined,
    deliverGroup: str(config.deliver_group) || undefined,
    ackPolicy: str(config.ack_policy),
    ackWait: formatGoDuration(num(config.ack_wait)),
    maxDeliver: num(config.max_deliver, -1),
    filterSubject: filters.length === 0 && single ? single : undefined,
    filterSubjects: filters.length > 0 ? filters : undefined,
    replayPolicy: str(config.replay_policy),
    sampleFreq: str(config.sample_freq) || undefined,
    maxWaiting: num(config.max_waiting),
    rateLimitBps: num(config.rate_limit_bps),
    maxAckPending: num(config.max_ack_pending),
    flowControl: bool(config.flow_control),
    headersOnly: bool(config.headers_only),
    heartbeatInterval: durations('idle_heartbeat'),
    maxRequestBatch: num(config.max_batch),
    maxRequestExpires: durations('max_expires'),
    maxRequestMaxBytes: num(config.max_bytes),
    inactiveThreshold: durations('inactive_threshold'),
    replicas: num(config.num_replicas),
    memStorage: bool(config.mem_storage),
    backoff:
      Array.isArray(config.backoff) && config.backoff.length > 0 ? config.backoff.map(formatGoDuration) : undefined,
    metadata: userMetadata(config.metadata),
    pauseUntil: pauseUntil && pauseUntil !== GO_ZERO_TIME ? pauseUntil : undefined,
    priorityPolicy: config.priority_policy && config.priority_policy !== 'none' ? config.priority_policy : undefined,
    priorityGroups: Array.isArray(config.priority_groups) ? config.priority_groups : undefined,
    pinnedTtl: durations('priority_timeout'),
  });
}

/** One field as both sides are compared: what it means (comparable JSON) and how it reads. */
interface ComparedField {
  readonly field: string;
  readonly meaning: (spec: Spec) => unknown;
  readonly show: (spec: Spec) => string;
}

const showValue = (value: unknown): string =>
  value === undefined || value === '' ? '(unset)' : typeof value === 'string' ? value : JSON.stringify(value);

/** A field NACK sends on every update (stream_controller.go:327-381, consumer_controller.go:339-399). */
function always(field: string, meaning: (spec: Spec) => unknown = (s) => s[field] ?? ''): ComparedField {
  return { field, meaning, show: (s) => showValue(s[field]) };
}

/** 0 and negative limits mean "unlimited" to nats-server (server/stream.go checkStreamCfg). */
const limit = (field: string) => always(field, (s) => (num(s[field], -1) > 0 ? num(s[field]) : 'unlimited'));
const sortedSubjects = (s: Spec) => (Array.isArray(s.subjects) ? s.subjects.map(String).sort() : []);

function fromConditional(field: ConditionalField): ComparedField {
  return { field: field.field, meaning: field.meaning, show: field.show };
}

/** Stream fields compared; `firstSequence` is left out: it only sets where a new stream starts. */
export const STREAM_COMPARED_FIELDS: readonly ComparedField[] = [
  always('description'),
  { field: 'subjects', meaning: sortedSubjects, show: (s) => showValue(s.subjects) },
  always('retention'),
  always('storage'),
  always('replicas', (s) => num(s.replicas, 1)),
  always('discard'),
  limit('maxBytes'),
  limit('maxMsgs'),
  limit('maxMsgSize'),
  limit('maxConsumers'),
  always('metadata', (s) => userMetadata(s.metadata) ?? {}),
  ...STREAM_CONDITIONAL_FIELDS.map(fromConditional),
];

/** Max waiting as the server reads it: 0 on a pull consumer becomes 512 (server/consumer.go:642-645). */
const maxWaitingOf = (s: Spec) => (!s.deliverSubject && num(s.maxWaiting) <= 0 ? 512 : num(s.maxWaiting));
/** Max ack pending: 0 becomes the server's 1000 when acks are on; below 0 is unlimited. */
const maxAckPendingOf = (s: Spec) => {
  const n = num(s.maxAckPending);
  if (n < 0 || (n === 0 && s.ackPolicy === 'none')) return 'unlimited';
  return n === 0 ? 1000 : n;
};
const positiveOrZero = (field: string) => always(field, (s) => Math.max(0, num(s[field])));

/** Consumer fields compared; replicas apart (0 inherits the stream's, see consumerDrift). */
export const CONSUMER_COMPARED_FIELDS: readonly ComparedField[] = [
  always('description'),
  always('deliverPolicy'),
  always('optStartSeq', (s) => (s.deliverPolicy === 'byStartSequence' ? num(s.optStartSeq) : 0)),
  always('optStartTime', (s) =>
    s.deliverPolicy === 'byStartTime' && typeof s.optStartTime === 'string' ? Date.parse(s.optStartTime) : 0,
  ),
  always('ackPolicy'),
  always('replayPolicy'),
  always('deliverSubject'),
  always('deliverGroup'),
  always('maxWaiting', maxWaitingOf),
  always('maxAckPending', maxAckPendingOf),
  positiveOrZero('rateLimitBps'),
  positiveOrZero('maxRequestBatch'),
  positiveOrZero('maxRequestMaxBytes'),
  always('metadata', (s) => userMetadata(s.metadata) ?? {}),
  ...CONSUMER_CONDITIONAL_FIELDS.map(fromConditional),
];

export interface FieldDrift {
  /** The spec field (NACK's name, also our config's where it has one). */
  readonly field: string;
  readonly declared: string;
  readonly live: string;
}

function sameMeaning(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function driftOf(fields: readonly ComparedField[], declared: Spec, live: Spec): FieldDrift[] {
  return fields
    .filter((f) => !sameMeaning(f.meaning(declared), f.meaning(live)))
    .map((f) => ({ field: f.field, declared: f.show(declared), live: f.show(live) }));
}

/** Fields where the declared Stream spec (CRD defaults applied) means something else than the live one. */
export function streamDrift(declared: Spec, live: Spec): FieldDrift[] {
  return driftOf(STREAM_COMPARED_FIELDS, withStreamDefaults(declared), withStreamDefaults(live));
}

/** The same for a Consumer; `streamReplicas` is what a consumer without replicas inherits on each side. */
export function consumerDrift(
  declared: Spec,
  live: Spec,
  streamReplicas: { declared: number; live: number },
): FieldDrift[] {
  const d = withConsumerDefaults(declared);
  const l = withConsumerDefaults(live);
  const drift = driftOf(CONSUMER_COMPARED_FIELDS, d, l);
  const replicasOf = (s: Spec, inherited: number) => (num(s.replicas) > 0 ? num(s.replicas) : inherited);
  if (replicasOf(d, streamReplicas.declared) !== replicasOf(l, streamReplicas.live)) {
    const show = (s: Spec, inherited: number) =>
      num(s.replicas) > 0 ? String(s.replicas) : `(unset: the stream's ${inherited})`;
    drift.push({ field: 'replicas', declared: show(d, streamReplicas.declared), live: show(l, streamReplicas.live) });
  }
  return drift;
}

/** Filter subjects of a spec, whichever field holds them. */
export { filtersOf };

/** Nanoseconds of a Go duration text, undefined when unparsable. */
export function nanosOf(text: unknown): bigint | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    return parseGoDuration(text);
  } catch {
    return undefined;
  }
}
