// Test oracle: the JSON NACK sends to the JetStream API to create a Stream or Consumer from a CR,
// so the live tests can create on a real nats-server exactly what NACK would. Pure functions, no
// NATS client.
//
// Mode modelled: NACK v0.22.4 in **control-loop** mode (`--control-loop`, Helm
// `jetstream.controlLoop: true`), on the **create** path:
//   - the API server first applies the CRD defaults (storage `memory`, ackPolicy `none`, ackWait
//     `1ns`, ...; tools/plan/nack-control-loop.ts), so the controller never sees an absent field that
//     has a default;
//   - `streamSpecToConfig` (nats-io/nack v0.22.4 internal/controller/stream_controller.go:326) and
//     `consumerSpecToConfig` (consumer_controller.go:338) turn the spec into jsm.go v0.3.0 options;
//   - jsm.go applies them to its templates: `DefaultStream` (streams.go:32-43, max_age 8760h, so a
//     Stream created without `maxAge` gets a one-year limit) and `DefaultConsumer`
//     (consumers.go:33-38, ack_wait 30s);
//   - the request is jsm.go's api.StreamConfig / api.ConsumerConfig marshalled by encoding/json:
//     the keys and `omitempty` rules below are those of jsm.go v0.3.0 api/streams.go:649-711 and
//     api/consumers.go:551-593 (e.g. `sealed` has no omitempty and is always sent).
// The update path (an overlay on the server's current config) is what tools/plan/nack-control-loop.ts
// describes for the plan; it is not modelled here.
//
// Durations are int64 nanoseconds (numbers here; see `goDurationToNanos`).
import { goDurationToNanos } from '../../lib/config/go-duration';
import { NACK_CONSUMER_CRD_DEFAULTS, NACK_STREAM_CRD_DEFAULTS } from '../../tools/plan/nack-control-loop';

// ---------------------------------------------------------------------------------------------
// Input: the CR specs as they appear in the YAML (NACK v1beta2 camelCase).

export type NackRetention = 'limits' | 'interest' | 'workqueue';
export type NackStorage = 'file' | 'memory';
export type NackDiscard = 'old' | 'new';
export type NackAckPolicy = 'none' | 'all' | 'explicit';
export type NackDeliverPolicy = 'all' | 'last' | 'new' | 'byStartSequence' | 'byStartTime' | 'lastPerSubject';
export type NackReplayPolicy = 'instant' | 'original';

/** The `spec` of a `jetstream.nats.io/v1beta2` Stream (the fields this module maps). */
export interface NackStreamSpec {
  readonly name: string;
  readonly description?: string;
  readonly subjects?: readonly string[];
  readonly retention?: NackRetention;
  readonly maxConsumers?: number;
  readonly maxMsgs?: number;
  readonly maxBytes?: number;
  readonly discard?: NackDiscard;
  readonly discardPerSubject?: boolean;
  readonly maxAge?: string;
  readonly maxMsgsPerSubject?: number;
  readonly maxMsgSize?: number;
  readonly storage?: NackStorage;
  readonly replicas?: number;
  readonly noAck?: boolean;
  readonly duplicateWindow?: string;
  readonly placement?: { readonly cluster?: string; readonly tags?: readonly string[] };
  readonly sealed?: boolean;
  readonly denyDelete?: boolean;
  readonly denyPurge?: boolean;
  readonly allowRollup?: boolean;
  readonly compression?: 's2' | 'none' | '';
  readonly firstSequence?: number;
  readonly allowDirect?: boolean;
  readonly mirrorDirect?: boolean;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly [connectionOrUnmodelled: string]: unknown;
}

/** The `spec` of a `jetstream.nats.io/v1beta2` Consumer (the fields this module maps). */
export interface NackConsumerSpec {
  readonly durableName: string;
  readonly streamName: string;
  readonly description?: string;
  readonly deliverPolicy?: NackDeliverPolicy;
  readonly optStartSeq?: number;
  readonly optStartTime?: string;
  readonly deliverSubject?: string;
  readonly deliverGroup?: string;
  readonly ackPolicy?: NackAckPolicy;
  readonly ackWait?: string;
  readonly maxDeliver?: number;
  readonly filterSubject?: string;
  readonly filterSubjects?: readonly string[];
  readonly replayPolicy?: NackReplayPolicy;
  readonly sampleFreq?: string;
  readonly maxWaiting?: number;
  readonly rateLimitBps?: number;
  readonly maxAckPending?: number;
  readonly flowControl?: boolean;
  readonly headersOnly?: boolean;
  readonly heartbeatInterval?: string;
  readonly maxRequestBatch?: number;
  readonly maxRequestExpires?: string;
  readonly maxRequestMaxBytes?: number;
  readonly inactiveThreshold?: string;
  readonly replicas?: number;
  readonly memStorage?: boolean;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly [connectionOrUnmodelled: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// Output: JetStream API request configs (jsm.go v0.3.0 JSON keys and omitempty rules).

export type ApiRetention = 'limits' | 'interest' | 'workqueue';
export type ApiStorage = 'file' | 'memory';
export type ApiDiscard = 'old' | 'new';
export type ApiAckPolicy = 'none' | 'all' | 'explicit';
export type ApiDeliverPolicy = 'all' | 'last' | 'new' | 'by_start_sequence' | 'by_start_time' | 'last_per_subject';
export type ApiReplayPolicy = 'instant' | 'original';

/** Body of `$JS.API.STREAM.CREATE.<name>` (jsm.go api/streams.go:649-711); durations in nanoseconds. */
export interface JetStreamStreamConfig {
  name: string;
  description?: string;
  subjects?: string[];
  retention: ApiRetention;
  max_consumers: number;
  max_msgs_per_subject: number;
  max_msgs: number;
  max_bytes: number;
  max_age: number;
  max_msg_size?: number;
  storage: ApiStorage;
  discard: ApiDiscard;
  num_replicas: number;
  no_ack?: boolean;
  duplicate_window?: number;
  placement?: { cluster?: string; tags?: string[] };
  compression?: 's2';
  // No omitempty on these: always sent, false by default (api/streams.go:676-687).
  sealed: boolean;
  deny_delete: boolean;
  deny_purge: boolean;
  allow_rollup_hdrs: boolean;
  allow_direct: boolean;
  mirror_direct: boolean;
  discard_new_per_subject?: boolean;
  first_seq?: number;
  metadata?: Record<string, string>;
  /** A struct without omitempty: `{}` when the spec sets no consumerLimits (api/streams.go:702). */
  consumer_limits: Record<string, never>;
}

/** `config` of `$JS.API.CONSUMER.CREATE.<stream>.<name>` (jsm.go api/consumers.go:551-593). */
export interface JetStreamConsumerConfig {
  description?: string;
  ack_policy: ApiAckPolicy;
  ack_wait?: number;
  deliver_policy: ApiDeliverPolicy;
  deliver_subject?: string;
  deliver_group?: string;
  durable_name: string;
  /** jsm.go sends the durable name as the consumer name too (consumers.go:198-200). */
  name: string;
  filter_subject?: string;
  filter_subjects?: string[];
  flow_control?: boolean;
  idle_heartbeat?: number;
  max_ack_pending?: number;
  max_deliver?: number;
  max_waiting?: number;
  opt_start_seq?: number;
  /** RFC 3339 in UTC, as Go marshals a time.Time (jsm.go StartAtTime stores `t.UTC()`). */
  opt_start_time?: string;
  rate_limit_bps?: number;
  replay_policy: ApiReplayPolicy;
  sample_freq?: string;
  headers_only?: boolean;
  max_batch?: number;
  max_expires?: number;
  max_bytes?: number;
  inactive_threshold?: number;
  num_replicas: number;
  mem_storage?: boolean;
  metadata?: Record<string, string>;
  /** A time.Time, not a pointer: omitempty never drops it, so the zero time goes on the wire. */
  pause_until: string;
}

/**
 * A consumer create request. jsm.go sends `{stream_name, config, action}` to a subject naming the
 * stream (consumers.go:100-119); `stream` here is that stream.
 */
export interface JetStreamConsumerRequest {
  stream: string;
  config: JetStreamConsumerConfig;
}

/** Go's zero time.Time as encoding/json writes it. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

// ---------------------------------------------------------------------------------------------

/** Spec fields that select the connection or NACK's behaviour; they never reach the API body. */
export const NACK_CONNECTION_FIELDS: readonly string[] = [
  'account',
  'creds',
  'nkey',
  'preventDelete',
  'preventUpdate',
  'servers',
  'tls',
  'tlsFirst',
  'jsDomain',
];

/**
 * Real NACK fields this module does not map, with their CRD default ('' / false / absent). A spec
 * that sets one to anything else is refused rather than mapped wrongly.
 */
export const UNMODELLED_STREAM_FIELDS: Readonly<Record<string, unknown>> = {
  mirror: undefined,
  sources: undefined,
  subjectTransform: undefined,
  republish: undefined,
  consumerLimits: undefined,
  allowMsgTtl: false,
  subjectDeleteMarkerTtl: '',
  allowMsgCounter: false,
  allowAtomicPublish: false,
  allowMsgSchedules: false,
  persistMode: '',
};

export const UNMODELLED_CONSUMER_FIELDS: Readonly<Record<string, unknown>> = {
  backoff: undefined,
  pauseUntil: '',
  priorityPolicy: '',
  pinnedTtl: '',
  priorityGroups: undefined,
};

const MAPPED_STREAM_FIELDS = new Set<string>([
  'name',
  'description',
  'subjects',
  'retention',
  'maxConsumers',
  'maxMsgs',
  'maxBytes',
  'discard',
  'discardPerSubject',
  'maxAge',
  'maxMsgsPerSubject',
  'maxMsgSize',
  'storage',
  'replicas',
  'noAck',
  'duplicateWindow',
  'placement',
  'sealed',
  'denyDelete',
  'denyPurge',
  'allowRollup',
  'compression',
  'firstSequence',
  'allowDirect',
  'mirrorDirect',
  'metadata',
]);

const MAPPED_CONSUMER_FIELDS = new Set<string>([
  'durableName',
  'streamName',
  'description',
  'deliverPolicy',
  'optStartSeq',
  'optStartTime',
  'deliverSubject',
  'deliverGroup',
  'ackPolicy',
  'ackWait',
  'maxDeliver',
  'filterSubject',
  'filterSubjects',
  'replayPolicy',
  'sampleFreq',
  'maxWaiting',
  'rateLimitBps',
  'maxAckPending',
  'flowControl',
  'headersOnly',
  'heartbeatInterval',
  'maxRequestBatch',
  'maxRequestExpires',
  'maxRequestMaxBytes',
  'inactiveThreshold',
  'replicas',
  'memStorage',
  'metadata',
]);

/** jsm.go `DefaultStream` (streams.go:32-43), the template `NewStream` starts from. */
const JSM_DEFAULT_STREAM = { max_age: goDurationToNanos('8760h'), max_msgs_per_subject: -1 } as const;
/** jsm.go `DefaultConsumer` (consumers.go:33-38): ack wait 30s unless NACK sets one. */
const JSM_DEFAULT_CONSUMER_ACK_WAIT = goDurationToNanos('30s');

/** jsm.go `IsValidName`: the client-side check NACK hits before any request. */
const INVALID_NAME_CHARS = /[.*>\s/\\]/;

/** Every spec key must be mapped, a connection field, or an unmodelled field left at its default. */
function checkKnownFields(
  kind: string,
  id: string,
  spec: Record<string, unknown>,
  mapped: Set<string>,
  unmodelled: Readonly<Record<string, unknown>>,
): void {
  for (const [key, value] of Object.entries(spec)) {
    if (mapped.has(key) || NACK_CONNECTION_FIELDS.includes(key)) continue;
    if (key in unmodelled) {
      const neutral = unmodelled[key];
      const isNeutral = value === neutral || value === undefined || (Array.isArray(value) && value.length === 0);
      if (!isNeutral) {
        throw new Error(
          `${kind} ${id}: spec.${key}=${JSON.stringify(value)} is a NACK field this ` +
            `mapping does not model; extend test/support/nack-jetstream-api.ts first`,
        );
      }
      continue;
    }
    throw new Error(`${kind} ${id}: spec.${key} is not a NACK v1beta2 field (the API server would silently prune it)`);
  }
}

function enumValue<T extends string>(
  kind: string,
  id: string,
  field: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${kind} ${id}: spec.${field}=${JSON.stringify(value)} must be one of ${allowed.join(', ')}`);
}

function durationField(kind: string, id: string, field: string, text: string): number {
  try {
    return goDurationToNanos(text);
  } catch (e) {
    throw new Error(
      `${kind} ${id}: spec.${field}=${JSON.stringify(text)} is not a Go duration ` +
        `(${(e as Error).message}); write e.g. "168h", not "7d"`,
    );
  }
}

function integerField(kind: string, id: string, field: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new Error(`${kind} ${id}: spec.${field}=${JSON.stringify(value)} must be an integer`);
}

/**
 * The stream create request NACK (control-loop) sends for a Stream CR spec.
 * @example streamSpecToApiConfig({ name: 'llm-requests', subjects: ['llm.>'], maxAge: '24h', storage: 'file', replicas:
 * 3 })
 *   // => { name, subjects, retention: 'limits', max_age: 86400000000000, storage: 'file', num_replicas: 3, ... }
 */
export function streamSpecToApiConfig(input: NackStreamSpec): JetStreamStreamConfig {
  const id = JSON.stringify(input.name ?? '');
  const kind = 'Stream';
  checkKnownFields(kind, id, input, MAPPED_STREAM_FIELDS, UNMODELLED_STREAM_FIELDS);
  const spec = { ...NACK_STREAM_CRD_DEFAULTS, ...stripUndefined(input) };

  if (typeof spec.name !== 'string' || spec.name === '' || INVALID_NAME_CHARS.test(spec.name)) {
    throw new Error(`${kind} ${id}: spec.name must be non-empty without '.', '*', '>', whitespace, '/' or '\\'`);
  }
  // stream_controller.go:327-336: sent on every create and update.
  const cfg: JetStreamStreamConfig = {
    name: spec.name,
    retention: enumValue(kind, id, 'retention', spec.retention, ['limits', 'interest', 'workqueue'] as const),
    max_consumers: integerField(kind, id, 'maxConsumers', spec.maxConsumers),
    max_msgs_per_subject: JSM_DEFAULT_STREAM.max_msgs_per_subject,
    max_msgs: integerField(kind, id, 'maxMsgs', spec.maxMsgs),
    max_bytes: integerField(kind, id, 'maxBytes', spec.maxBytes),
    max_age: JSM_DEFAULT_STREAM.max_age,
    storage: enumValue(kind, id, 'storage', spec.storage, ['file', 'memory'] as const),
    discard: enumValue(kind, id, 'discard', spec.discard, ['old', 'new'] as const),
    num_replicas: integerField(kind, id, 'replicas', spec.replicas),
    sealed: false,
    deny_delete: false,
    deny_purge: false,
    allow_rollup_hdrs: false,
    allow_direct: false,
    mirror_direct: false,
    consumer_limits: {},
  };
  if (spec.description) cfg.description = spec.description; // omitempty
  if (spec.subjects && spec.subjects.length > 0) cfg.subjects = [...spec.subjects]; // omitempty
  // stream_controller.go:359-365: any non-empty maxAge is sent as is, "0s" included (0 = unlimited).
  if (spec.maxAge !== '') cfg.max_age = durationField(kind, id, 'maxAge', spec.maxAge);
  // :351-356: only a positive maxMsgsPerSubject replaces the template's -1.
  const perSubject = integerField(kind, id, 'maxMsgsPerSubject', spec.maxMsgsPerSubject);
  if (perSubject > 0) cfg.max_msgs_per_subject = perSubject;
  // :333 casts to int32: values above 2^31-1 wrap around, like Go's int32(); 0 is omitted.
  const maxMsgSize = integerField(kind, id, 'maxMsgSize', spec.maxMsgSize) | 0;
  if (maxMsgSize !== 0) cfg.max_msg_size = maxMsgSize;
  // :389-395: a non-empty window is sent; 0 is dropped by omitempty (the server then uses 2m).
  if (spec.duplicateWindow !== undefined && spec.duplicateWindow !== '') {
    const window = durationField(kind, id, 'duplicateWindow', spec.duplicateWindow);
    if (window !== 0) cfg.duplicate_window = window;
  }
  // :398-404: a cluster when non-empty, tags whenever listed; an empty placement is not sent.
  if (spec.placement && (spec.placement.cluster || spec.placement.tags !== undefined)) {
    const placement: { cluster?: string; tags?: string[] } = {};
    if (spec.placement.cluster) placement.cluster = spec.placement.cluster;
    if (spec.placement.tags && spec.placement.tags.length > 0) placement.tags = [...spec.placement.tags];
    cfg.placement = placement;
  }
  if (spec.noAck) cfg.no_ack = true; // :384
  if (spec.sealed) cfg.sealed = true; // :466
  if (spec.denyDelete) cfg.deny_delete = true; // :474
  if (spec.denyPurge) cfg.deny_purge = true; // :479
  if (spec.allowDirect) cfg.allow_direct = true; // :484
  if (spec.allowRollup) cfg.allow_rollup_hdrs = true; // :489
  if (spec.mirrorDirect) cfg.mirror_direct = true; // :494
  if (spec.discardPerSubject) {
    // :499 jsm.go DiscardNewPerSubject() (streams.go:368-374) also forces discard new.
    cfg.discard_new_per_subject = true;
    cfg.discard = 'new';
  }
  // :438-443: "s2" or "none"; "none" is jsm.go's NoCompression = 0, which omitempty drops.
  if (spec.compression === 's2') cfg.compression = 's2';
  else if (spec.compression !== '' && spec.compression !== 'none')
    enumValue(kind, id, 'compression', spec.compression, ['s2', 'none', ''] as const);
  const firstSeq = integerField(kind, id, 'firstSequence', spec.firstSequence);
  if (firstSeq > 0) cfg.first_seq = firstSeq; // :504
  if (spec.metadata && Object.keys(spec.metadata).length > 0) cfg.metadata = { ...spec.metadata };
  return cfg;
}

const DELIVER_POLICY_TO_API: Readonly<Record<NackDeliverPolicy, ApiDeliverPolicy>> = {
  all: 'all',
  last: 'last',
  new: 'new',
  byStartSequence: 'by_start_sequence',
  byStartTime: 'by_start_time',
  lastPerSubject: 'last_per_subject',
};

/**
 * The consumer create request NACK (control-loop) sends for a Consumer CR spec.
 * @example consumerSpecToApiRequest({ durableName: 'api-consumer', streamName: 'routing-decisions', ackPolicy:
 * 'explicit', ackWait: '30s', maxDeliver: 3, filterSubject: 'routing.>' })
 * // => { stream: 'routing-decisions', config: { durable_name: 'api-consumer', ack_wait: 30000000000, max_deliver: 3,
 * filter_subject: 'routing.>', ... } }
 */
export function consumerSpecToApiRequest(input: NackConsumerSpec): JetStreamConsumerRequest {
  const id = JSON.stringify(input.durableName ?? '');
  const kind = 'Consumer';
  checkKnownFields(kind, id, input, MAPPED_CONSUMER_FIELDS, UNMODELLED_CONSUMER_FIELDS);
  const spec = { ...NACK_CONSUMER_CRD_DEFAULTS, ...stripUndefined(input) };

  if (typeof spec.durableName !== 'string' || spec.durableName === '' || INVALID_NAME_CHARS.test(spec.durableName)) {
    throw new Error(`${kind} ${id}: spec.durableName must be non-empty without '.', '*', '>', whitespace, '/' or '\\'`);
  }
  if (typeof spec.streamName !== 'string' || spec.streamName === '' || INVALID_NAME_CHARS.test(spec.streamName)) {
    throw new Error(`${kind} ${id}: spec.streamName=${JSON.stringify(spec.streamName)} must name a stream`);
  }
  const deliverPolicy =
    DELIVER_POLICY_TO_API[
      enumValue(
        kind,
        id,
        'deliverPolicy',
        spec.deliverPolicy,
        Object.keys(DELIVER_POLICY_TO_API) as NackDeliverPolicy[],
      )
    ];
  const cfg: JetStreamConsumerConfig = {
    ack_policy: enumValue(kind, id, 'ackPolicy', spec.ackPolicy, ['none', 'all', 'explicit'] as const),
    deliver_policy: deliverPolicy,
    durable_name: spec.durableName,
    name: spec.durableName,
    replay_policy: enumValue(kind, id, 'replayPolicy', spec.replayPolicy, ['instant', 'original'] as const),
    num_replicas: 0, // ConsumerOverrideReplicas(spec.Replicas), :349; 0 = inherit the stream's
    pause_until: GO_ZERO_TIME,
  };
  if (spec.description) cfg.description = spec.description;
  // consumer_controller.go:367-373 over DefaultConsumer's 30s; a 0 result is dropped (omitempty).
  let ackWait = JSM_DEFAULT_CONSUMER_ACK_WAIT;
  if (spec.ackWait !== '') ackWait = durationField(kind, id, 'ackWait', spec.ackWait);
  if (ackWait !== 0) cfg.ack_wait = ackWait;
  // :383-393: jsm.go resets the start options with each deliver policy (consumers.go:375-379),
  // so they only travel with theirs; a 0 sequence is dropped by omitempty.
  if (deliverPolicy === 'by_start_sequence') {
    const seq = integerField(kind, id, 'optStartSeq', spec.optStartSeq ?? 0);
    if (seq !== 0) cfg.opt_start_seq = seq;
  }
  if (deliverPolicy === 'by_start_time') {
    if (!spec.optStartTime)
      throw new Error(`${kind} ${id}: spec.optStartTime must be an RFC3339 time for deliverPolicy byStartTime`);
    cfg.opt_start_time = rfc3339InUtc(kind, id, spec.optStartTime);
  }
  // :428-430: sent only when not 0.
  if (spec.maxDeliver !== undefined && spec.maxDeliver !== 0)
    cfg.max_deliver = integerField(kind, id, 'maxDeliver', spec.maxDeliver);

  // :402-410; jsm.go FilterStreamBySubject (consumers.go:425-438) sends one filter as filter_subject.
  const filters = spec.filterSubjects ?? [];
  if (spec.filterSubject && filters.length > 0) {
    throw new Error(`${kind} ${id}: cannot set both 'filterSubject' and 'filterSubjects'`);
  }
  if (spec.filterSubject) cfg.filter_subject = spec.filterSubject;
  else if (filters.length === 1) cfg.filter_subject = filters[0];
  else if (filters.length > 1) cfg.filter_subjects = [...filters];

  // :457-465: strconv.Atoi after trimming one "%"; jsm.go SamplePercent (consumers.go:457-471)
  // refuses values outside 0..100 and sends 0 as no sampling.
  if (spec.sampleFreq !== undefined && spec.sampleFreq !== '') {
    const percent = /^([+-]?\d+)%?$/.exec(spec.sampleFreq);
    const n = percent ? Number(percent[1]) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > 100) {
      throw new Error(`${kind} ${id}: spec.sampleFreq=${JSON.stringify(spec.sampleFreq)} must be a percentage 0..100`);
    }
    if (n !== 0) cfg.sample_freq = `${n}%`;
  }
  const fields = spec as Record<string, unknown>;
  // :344-348: always passed, as uint; omitempty drops 0. RateLimitBitsPerSecond takes a uint64.
  const optionalInts: Array<[string, keyof JetStreamConsumerConfig]> = [
    ['rateLimitBps', 'rate_limit_bps'],
    ['maxWaiting', 'max_waiting'],
    ['maxAckPending', 'max_ack_pending'],
    ['maxRequestBatch', 'max_batch'],
    ['maxRequestMaxBytes', 'max_bytes'],
  ];
  for (const [field, key] of optionalInts) {
    const value = fields[field];
    if (value === undefined) continue;
    const n = integerField(kind, id, field, value);
    if (field === 'rateLimitBps' && n < 0)
      throw new Error(`${kind} ${id}: spec.rateLimitBps=${n} wraps around as a Go uint64; use a positive value`);
    if (n !== 0) (cfg as unknown as Record<string, number>)[key] = n;
  }
  if (spec.replicas !== undefined) cfg.num_replicas = integerField(kind, id, 'replicas', spec.replicas);
  if (spec.flowControl) cfg.flow_control = true; // :413
  if (spec.headersOnly) cfg.headers_only = true; // :467
  if (spec.memStorage) cfg.mem_storage = true; // :490
  // :418 heartbeat, :472 max expires, :481 inactive threshold: sent when non-empty; 0 is omitted.
  const durations: Array<[string, keyof JetStreamConsumerConfig]> = [
    ['heartbeatInterval', 'idle_heartbeat'],
    ['maxRequestExpires', 'max_expires'],
    ['inactiveThreshold', 'inactive_threshold'],
  ];
  for (const [field, key] of durations) {
    const text = fields[field];
    if (text === undefined || text === '') continue;
    const nanos = durationField(kind, id, field, String(text));
    if (field === 'maxRequestExpires' && nanos !== 0 && nanos < 1_000_000) {
      throw new Error(
        `${kind} ${id}: spec.maxRequestExpires=${JSON.stringify(text)} must be 0 or at ` +
          `least 1ms (jsm.go MaxRequestExpires)`,
      );
    }
    if (field === 'inactiveThreshold' && nanos < 0)
      throw new Error(`${kind} ${id}: spec.inactiveThreshold must not be negative (jsm.go InactiveThreshold)`);
    if (nanos !== 0) (cfg as unknown as Record<string, number>)[key] = nanos;
  }
  if (spec.deliverSubject) cfg.deliver_subject = spec.deliverSubject;
  if (spec.deliverGroup) cfg.deliver_group = spec.deliverGroup;
  if (spec.metadata && Object.keys(spec.metadata).length > 0) cfg.metadata = { ...spec.metadata };
  return { stream: spec.streamName, config: cfg };
}

/**
 * An RFC 3339 time as NACK reads it (`time.Parse(time.RFC3339, ...)`) and encoding/json writes
 * it back in UTC (jsm.go StartAtTime stores `t.UTC()`): RFC 3339 with the fraction's trailing
 * zeros dropped and `Z`.
 */
function rfc3339InUtc(kind: string, id: string, text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!m)
    throw new Error(
      `${kind} ${id}: spec.optStartTime=${JSON.stringify(text)} must be an RFC3339 time for deliverPolicy byStartTime`,
    );
  const [, y, mo, d, h, mi, s, fraction, zone, sign, zh, zm] = m;
  const offsetMinutes = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm));
  const utc = new Date(
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000,
  );
  const digits = (fraction ?? '').replace(/0+$/, '');
  return `${utc.toISOString().slice(0, 19)}${digits ? `.${digits}` : ''}Z`;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
