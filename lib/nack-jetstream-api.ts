// What NACK sends to the JetStream API for a Stream or Consumer CR: the bridge between the
// manifests we synthesize and the live-cluster tests that create the same objects on a real
// nats-server. Pure functions, no NATS client.
//
// Mode modelled: NACK v0.22.4 in **control-loop** mode (`--control-loop`, Helm
// `jetstream.controlLoop: true`), on the **create** path (nack.md §1, §3):
//   - the API server first applies the CRD defaults (storage `memory`, ackPolicy `none`,
//     ackWait `1ns`, ...), so the controller never sees an absent field that has a default;
//   - `streamSpecToConfig` / `consumerSpecToConfig` turn the spec into jsm.go options;
//   - jsm.go `NewStream` applies them on top of its `DefaultStream` template, whose max_age is
//     **1 year (8760h)**: a Stream created without `maxAge` therefore gets a 1-year limit, not
//     "unlimited" (Legacy mode would send 0). Consumers start from jsm.go `DefaultConsumer`.
// The update path is NOT modelled: control-loop updates overlay the options onto the *server's
// current config*, so a field removed from the spec keeps its old server value (nack.md §3).
//
// The result uses the JSON keys of the server's StreamConfig / ConsumerConfig, with Go's
// `omitempty` rules, and durations as int64 nanoseconds (numbers here; see `goDurationToNanos`).

// ---------------------------------------------------------------------------------------------
// Go time.ParseDuration, strictly.

const NANOS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const INT64_LIMIT = 1n << 63n; // |min int64|; max int64 is one less
const MAX_INT64_DIV_10 = (INT64_LIMIT - 1n) / 10n;

/** Go's own error texts, so a failing manifest reads like NACK's status message would. */
function invalidDuration(original: string): Error {
  return new Error(`time: invalid duration ${JSON.stringify(original)}`);
}

/**
 * Go `time.ParseDuration` (Go 1.22 src/time/format.go), as NACK applies it to `maxAge`,
 * `duplicateWindow`, `ackWait`, ...: a sequence of decimal numbers with a unit each
 * (`"300ms"`, `"1.5h"`, `"1h30m"`, `"-2s"`), units `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`. There is
 * **no `d`** (tooling.md §2, nack.md §0.4): `"7d"` is an error, as are `""`, `"1"`, `"1 h"`, `"1H"`.
 * Returns int64 nanoseconds; throws with Go's message on invalid input or int64 overflow.
 */
export function parseGoDuration(text: string): bigint {
  const original = text;
  let s = text;
  let negative = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n; // the only unit-less value Go accepts
  if (s === '') throw invalidDuration(original);

  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw invalidDuration(original);

    // Integer part: Go fails on int64 overflow here ("bad [0-9]*").
    let digits = 0;
    let whole = 0n;
    while (digits < s.length && isDigit(s[digits])) {
      if (whole > INT64_LIMIT / 10n) throw invalidDuration(original);
      whole = whole * 10n + BigInt(s.charCodeAt(digits) - 48);
      if (whole > INT64_LIMIT) throw invalidDuration(original); // 2^63 itself is allowed: "-9223372036854775808ns"
      digits++;
    }
    const hadWhole = digits > 0;
    s = s.slice(digits);

    // Fraction part: Go keeps the digits that fit in int64 and ignores the rest.
    let fraction = 0n;
    let scale = 1; // float64 in Go
    let hadFraction = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let i = 0;
      let overflow = false;
      while (i < s.length && isDigit(s[i])) {
        if (!overflow) {
          const next = fraction * 10n + BigInt(s.charCodeAt(i) - 48);
          if (fraction > MAX_INT64_DIV_10 || next > INT64_LIMIT) {
            overflow = true;
          } else {
            fraction = next;
            scale *= 10;
          }
        }
        i++;
      }
      hadFraction = i > 0;
      s = s.slice(i);
    }
    if (!hadWhole && !hadFraction) throw invalidDuration(original); // "." or ".s"

    // Unit: everything up to the next digit or '.'.
    let unitEnd = 0;
    while (unitEnd < s.length && !(s[unitEnd] === '.' || isDigit(s[unitEnd]))) unitEnd++;
    if (unitEnd === 0) throw new Error(`time: missing unit in duration ${JSON.stringify(original)}`);
    const unitText = s.slice(0, unitEnd);
    s = s.slice(unitEnd);
    const unit = NANOS_PER_UNIT[unitText];
    if (unit === undefined) {
      throw new Error(`time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(original)}`);
    }

    if (whole > INT64_LIMIT / unit) throw invalidDuration(original);
    let value = whole * unit;
    if (fraction > 0n) {
      // Go: v += uint64(float64(f) * (float64(unit) / scale)), i.e. float math, truncated.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > INT64_LIMIT) throw invalidDuration(original);
    }
    total += value;
    if (total > INT64_LIMIT) throw invalidDuration(original);
  }
  if (negative) return -total;
  if (total > INT64_LIMIT - 1n) throw invalidDuration(original);
  return total;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/**
 * `parseGoDuration` as a JS number of nanoseconds, the form the JetStream API JSON carries.
 * Throws if the value is not exactly representable as a double (beyond 2^53 ns, about 104 days,
 * only values with enough trailing binary zeros are, e.g. `"720h"` or `"8760h"`), so no test
 * ever compares a silently rounded number.
 */
export function goDurationToNanos(text: string): number {
  const nanos = parseGoDuration(text);
  const asNumber = Number(nanos);
  if (BigInt(asNumber) !== nanos) {
    throw new Error(`duration ${JSON.stringify(text)} = ${nanos}ns is not exactly representable as a JavaScript number`);
  }
  return asNumber;
}

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
// Output: JetStream API request configs (server JSON keys).

export type ApiRetention = 'limits' | 'interest' | 'workqueue';
export type ApiStorage = 'file' | 'memory';
export type ApiDiscard = 'old' | 'new';
export type ApiAckPolicy = 'none' | 'all' | 'explicit';
export type ApiDeliverPolicy = 'all' | 'last' | 'new' | 'by_start_sequence' | 'by_start_time' | 'last_per_subject';
export type ApiReplayPolicy = 'instant' | 'original';

/** Body of `$JS.API.STREAM.CREATE.<name>`; durations in nanoseconds. */
export interface JetStreamStreamConfig {
  name: string;
  description?: string;
  subjects?: string[];
  retention: ApiRetention;
  max_consumers: number;
  max_msgs: number;
  max_bytes: number;
  discard: ApiDiscard;
  discard_new_per_subject?: boolean;
  max_age: number;
  max_msgs_per_subject: number;
  max_msg_size?: number;
  storage: ApiStorage;
  num_replicas: number;
  no_ack?: boolean;
  duplicate_window?: number;
  placement?: { cluster?: string; tags?: string[] };
  sealed?: boolean;
  deny_delete?: boolean;
  deny_purge?: boolean;
  allow_rollup_hdrs?: boolean;
  compression?: 's2' | 'none';
  first_seq?: number;
  allow_direct?: boolean;
  mirror_direct?: boolean;
  metadata?: Record<string, string>;
}

/** `config` of `$JS.API.CONSUMER.CREATE.<stream>.<name>`; durations in nanoseconds. */
export interface JetStreamConsumerConfig {
  durable_name: string;
  /** jsm.go sends the durable name as the consumer name too (server ≥ 2.9 create API). */
  name: string;
  description?: string;
  deliver_policy: ApiDeliverPolicy;
  opt_start_seq?: number;
  opt_start_time?: string;
  ack_policy: ApiAckPolicy;
  ack_wait?: number;
  max_deliver?: number;
  filter_subject?: string;
  filter_subjects?: string[];
  replay_policy: ApiReplayPolicy;
  rate_limit_bps?: number;
  sample_freq?: string;
  max_waiting?: number;
  max_ack_pending?: number;
  flow_control?: boolean;
  idle_heartbeat?: number;
  headers_only?: boolean;
  max_batch?: number;
  max_expires?: number;
  max_bytes?: number;
  inactive_threshold?: number;
  num_replicas: number;
  mem_storage?: boolean;
  deliver_subject?: string;
  deliver_group?: string;
  metadata?: Record<string, string>;
}

/** A consumer create request: the stream goes in the API subject, not in the config. */
export interface JetStreamConsumerRequest {
  stream: string;
  config: JetStreamConsumerConfig;
}

// ---------------------------------------------------------------------------------------------
// CRD defaults (shared/crds/nack-crds.yaml, v1beta2; unit-tested against that file). The API
// server applies them before NACK reads the CR, so they decide what an absent field means.

export const NACK_STREAM_CRD_DEFAULTS = {
  retention: 'limits',
  maxConsumers: -1,
  maxMsgs: -1,
  maxBytes: -1,
  discard: 'old',
  discardPerSubject: false,
  maxAge: '',
  maxMsgsPerSubject: 0,
  maxMsgSize: -1,
  storage: 'memory', // not the server's default (file)!
  replicas: 1,
  noAck: false,
  sealed: false,
  denyDelete: false,
  denyPurge: false,
  allowRollup: false,
  compression: '',
  firstSequence: 0,
  allowDirect: false,
  mirrorDirect: false,
} as const;

export const NACK_CONSUMER_CRD_DEFAULTS = {
  deliverPolicy: 'all',
  ackPolicy: 'none', // the server and jsm.go would default to explicit
  ackWait: '1ns', // defeats the server's 30s default (nats-io/nack#136)
  replayPolicy: 'instant',
  flowControl: false,
  headersOnly: false,
  memStorage: false,
} as const;

/** Spec fields that select the connection or NACK's behaviour; they never reach the API body. */
export const NACK_CONNECTION_FIELDS: readonly string[] = [
  'account', 'creds', 'nkey', 'preventDelete', 'preventUpdate', 'servers', 'tls', 'tlsFirst', 'jsDomain',
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
  'name', 'description', 'subjects', 'retention', 'maxConsumers', 'maxMsgs', 'maxBytes', 'discard',
  'discardPerSubject', 'maxAge', 'maxMsgsPerSubject', 'maxMsgSize', 'storage', 'replicas', 'noAck',
  'duplicateWindow', 'placement', 'sealed', 'denyDelete', 'denyPurge', 'allowRollup', 'compression',
  'firstSequence', 'allowDirect', 'mirrorDirect', 'metadata',
]);

const MAPPED_CONSUMER_FIELDS = new Set<string>([
  'durableName', 'streamName', 'description', 'deliverPolicy', 'optStartSeq', 'optStartTime',
  'deliverSubject', 'deliverGroup', 'ackPolicy', 'ackWait', 'maxDeliver', 'filterSubject', 'filterSubjects',
  'replayPolicy', 'sampleFreq', 'maxWaiting', 'rateLimitBps', 'maxAckPending', 'flowControl', 'headersOnly',
  'heartbeatInterval', 'maxRequestBatch', 'maxRequestExpires', 'maxRequestMaxBytes', 'inactiveThreshold',
  'replicas', 'memStorage', 'metadata',
]);

/** jsm.go `DefaultStream`: the template `NewStream` starts from (control-loop create). */
const JSM_DEFAULT_STREAM_MAX_AGE_NANOS = goDurationToNanos('8760h');

/** jsm.go `IsValidName`: the client-side check NACK hits before any request. */
const INVALID_NAME_CHARS = /[.*>\s/\\]/;

/** Every spec key must be mapped, a connection field, or an unmodelled field left at its default. */
function checkKnownFields(kind: string, id: string, spec: Record<string, unknown>, mapped: Set<string>, unmodelled: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(spec)) {
    if (mapped.has(key) || NACK_CONNECTION_FIELDS.includes(key)) continue;
    if (key in unmodelled) {
      const neutral = unmodelled[key];
      const isNeutral = value === neutral || value === undefined || (Array.isArray(value) && value.length === 0);
      if (!isNeutral) {
        throw new Error(`${kind} ${id}: spec.${key}=${JSON.stringify(value)} is a NACK field this mapping does not model; extend lib/nack-jetstream-api.ts first`);
      }
      continue;
    }
    throw new Error(`${kind} ${id}: spec.${key} is not a NACK v1beta2 field (the API server would silently prune it)`);
  }
}

function enumValue<T extends string>(kind: string, id: string, field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${kind} ${id}: spec.${field}=${JSON.stringify(value)} must be one of ${allowed.join(', ')}`);
}

function durationField(kind: string, id: string, field: string, text: string): number {
  try {
    return goDurationToNanos(text);
  } catch (e) {
    throw new Error(`${kind} ${id}: spec.${field}=${JSON.stringify(text)} is not a Go duration (${(e as Error).message}); write e.g. "168h", not "7d"`);
  }
}

function integerField(kind: string, id: string, field: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new Error(`${kind} ${id}: spec.${field}=${JSON.stringify(value)} must be an integer`);
}

/**
 * The stream create request NACK (control-loop) sends for a Stream CR spec.
 * @example streamSpecToApiConfig({ name: 'llm-requests', subjects: ['llm.>'], maxAge: '24h', storage: 'file', replicas: 3 })
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
  const replicas = integerField(kind, id, 'replicas', spec.replicas);
  const cfg: JetStreamStreamConfig = {
    name: spec.name,
    retention: enumValue(kind, id, 'retention', spec.retention, ['limits', 'interest', 'workqueue'] as const),
    max_consumers: integerField(kind, id, 'maxConsumers', spec.maxConsumers),
    max_msgs: integerField(kind, id, 'maxMsgs', spec.maxMsgs),
    max_bytes: integerField(kind, id, 'maxBytes', spec.maxBytes),
    discard: enumValue(kind, id, 'discard', spec.discard, ['old', 'new'] as const),
    // Sent only when > 0; otherwise jsm.go's 1-year template value stays (control-loop create).
    max_age: JSM_DEFAULT_STREAM_MAX_AGE_NANOS,
    // Sent only when > 0; jsm.go's template has -1 (unlimited).
    max_msgs_per_subject: -1,
    storage: enumValue(kind, id, 'storage', spec.storage, ['file', 'memory'] as const),
    num_replicas: replicas,
  };
  if (spec.description) cfg.description = spec.description;
  if (spec.subjects && spec.subjects.length > 0) cfg.subjects = [...spec.subjects];
  if (spec.maxAge !== '') {
    const maxAge = durationField(kind, id, 'maxAge', spec.maxAge);
    if (maxAge > 0) cfg.max_age = maxAge;
  }
  const perSubject = integerField(kind, id, 'maxMsgsPerSubject', spec.maxMsgsPerSubject);
  if (perSubject > 0) cfg.max_msgs_per_subject = perSubject;
  // NACK casts to int32 (nack.md §1a): values above 2^31-1 wrap around, like Go's int32().
  const maxMsgSize = integerField(kind, id, 'maxMsgSize', spec.maxMsgSize) | 0;
  if (maxMsgSize !== 0) cfg.max_msg_size = maxMsgSize;
  if (spec.duplicateWindow !== undefined && spec.duplicateWindow !== '') {
    const window = durationField(kind, id, 'duplicateWindow', spec.duplicateWindow);
    if (window > 0) cfg.duplicate_window = window;
  }
  if (spec.placement) {
    const placement: { cluster?: string; tags?: string[] } = {};
    if (spec.placement.cluster) placement.cluster = spec.placement.cluster;
    if (spec.placement.tags) placement.tags = [...spec.placement.tags];
    cfg.placement = placement;
  }
  if (spec.discardPerSubject) {
    cfg.discard_new_per_subject = true;
    cfg.discard = 'new'; // jsm.go DiscardNewPerSubject() forces discard new
  }
  if (spec.noAck) cfg.no_ack = true;
  if (spec.sealed) cfg.sealed = true;
  if (spec.denyDelete) cfg.deny_delete = true;
  if (spec.denyPurge) cfg.deny_purge = true;
  if (spec.allowRollup) cfg.allow_rollup_hdrs = true;
  if (spec.allowDirect) cfg.allow_direct = true;
  if (spec.mirrorDirect) cfg.mirror_direct = true;
  if (spec.compression === 's2' || spec.compression === 'none') cfg.compression = spec.compression;
  else if (spec.compression !== '') enumValue(kind, id, 'compression', spec.compression, ['s2', 'none', ''] as const);
  const firstSeq = integerField(kind, id, 'firstSequence', spec.firstSequence);
  if (firstSeq > 0) cfg.first_seq = firstSeq;
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
 * @example consumerSpecToApiRequest({ durableName: 'api-consumer', streamName: 'routing-decisions', ackPolicy: 'explicit', ackWait: '30s', maxDeliver: 3, filterSubject: 'routing.>' })
 *   // => { stream: 'routing-decisions', config: { durable_name: 'api-consumer', ack_wait: 30000000000, max_deliver: 3, filter_subject: 'routing.>', ... } }
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
  const deliverPolicy = DELIVER_POLICY_TO_API[enumValue(kind, id, 'deliverPolicy', spec.deliverPolicy, Object.keys(DELIVER_POLICY_TO_API) as NackDeliverPolicy[])];
  const cfg: JetStreamConsumerConfig = {
    durable_name: spec.durableName,
    name: spec.durableName,
    deliver_policy: deliverPolicy,
    ack_policy: enumValue(kind, id, 'ackPolicy', spec.ackPolicy, ['none', 'all', 'explicit'] as const),
    replay_policy: enumValue(kind, id, 'replayPolicy', spec.replayPolicy, ['instant', 'original'] as const),
    num_replicas: 0, // 0 = inherit the stream's replicas
  };
  if (spec.description) cfg.description = spec.description;
  // jsm.go resets the start options with each deliver policy, so they only travel with theirs.
  if (deliverPolicy === 'by_start_sequence') cfg.opt_start_seq = integerField(kind, id, 'optStartSeq', spec.optStartSeq ?? 0);
  if (deliverPolicy === 'by_start_time') {
    if (!spec.optStartTime || Number.isNaN(Date.parse(spec.optStartTime))) {
      throw new Error(`${kind} ${id}: spec.optStartTime must be an RFC3339 time for deliverPolicy byStartTime`);
    }
    cfg.opt_start_time = spec.optStartTime;
  }
  if (spec.ackWait !== '') {
    const ackWait = durationField(kind, id, 'ackWait', spec.ackWait);
    if (ackWait !== 0) cfg.ack_wait = ackWait;
  }
  if (spec.maxDeliver !== undefined && spec.maxDeliver !== 0) cfg.max_deliver = integerField(kind, id, 'maxDeliver', spec.maxDeliver);

  const filters = spec.filterSubjects ?? [];
  if (spec.filterSubject && filters.length > 0) {
    throw new Error(`${kind} ${id}: cannot set both 'filterSubject' and 'filterSubjects'`);
  }
  if (spec.filterSubject) cfg.filter_subject = spec.filterSubject;
  else if (filters.length === 1) cfg.filter_subject = filters[0]; // jsm.go FilterStreamBySubject
  else if (filters.length > 1) cfg.filter_subjects = [...filters];

  if (spec.sampleFreq !== undefined && spec.sampleFreq !== '') {
    const percent = /^(\d+)%?$/.exec(spec.sampleFreq);
    if (!percent || Number(percent[1]) > 100) {
      throw new Error(`${kind} ${id}: spec.sampleFreq=${JSON.stringify(spec.sampleFreq)} must be a percentage 0..100`);
    }
    cfg.sample_freq = `${Number(percent[1])}%`;
  }
  const fields = spec as Record<string, unknown>;
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
    if (n !== 0) (cfg as unknown as Record<string, number>)[key] = n; // omitempty
  }
  if (spec.replicas !== undefined) cfg.num_replicas = integerField(kind, id, 'replicas', spec.replicas);
  if (spec.flowControl) cfg.flow_control = true;
  if (spec.headersOnly) cfg.headers_only = true;
  if (spec.memStorage) cfg.mem_storage = true;
  const durations: Array<[string, keyof JetStreamConsumerConfig]> = [
    ['heartbeatInterval', 'idle_heartbeat'],
    ['maxRequestExpires', 'max_expires'],
    ['inactiveThreshold', 'inactive_threshold'],
  ];
  for (const [field, key] of durations) {
    const text = fields[field];
    if (text === undefined || text === '') continue;
    (cfg as unknown as Record<string, number>)[key] = durationField(kind, id, field, String(text));
  }
  if (spec.deliverSubject) cfg.deliver_subject = spec.deliverSubject;
  if (spec.deliverGroup) cfg.deliver_group = spec.deliverGroup;
  if (spec.metadata && Object.keys(spec.metadata).length > 0) cfg.metadata = { ...spec.metadata };
  return { stream: spec.streamName, config: cfg };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
