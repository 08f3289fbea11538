// `npm run adopt`: a stream or consumer made by hand (`nats stream add`, `nats consumer add`) as the entry of
// config/<env>.ts (lib/config/types.ts StreamConfig, ConsumerConfig) that reproduces it: after synth, NACK
// sends what the server already holds, so nothing changes. What our config cannot express is listed, never
// dropped in silence. Works on the live specs of jetstream-terms.ts (NACK's names and units).
import { formatLiteral } from '../../lib/config/checks';
import { ConsumerConfig, DELIVER_POLICIES, StreamConfig } from '../../lib/config/types';
import { ByteSize } from '../../lib/config/units';
import { MAX_PAYLOAD } from '../../lib/config/resolve-stream';
import { filtersOf, nanosOf, Spec } from './jetstream-terms';

/** A live setting the config cannot write, and what the config would make of it instead. */
export interface Unexpressible {
  readonly field: string;
  readonly live: string;
  readonly why: string;
}

export interface Adopted<T> {
  /** The config entry, with only fields our config has. */
  readonly config: T;
  readonly unexpressible: readonly Unexpressible[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const SERVER_DEFAULT_DUPLICATE_WINDOW = 120_000_000_000n;
const NOT_MODELLED = 'our config has no such field (lib/config/types.ts), so synth would not send it';

/** A duration our config accepts ("168h", "1m", "500ms"), or undefined when it has a finer unit. */
function configDuration(text: unknown): string | undefined {
  const nanos = nanosOf(text);
  if (nanos === undefined || nanos % 1_000_000n !== 0n) return undefined;
  return String(text);
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Stream switches and settings our config does not model, each with its "neutral" value on the server. */
const STREAM_NOT_MODELLED: ReadonlyArray<[string, (s: Spec) => boolean]> = [
  ['noAck', (s) => s.noAck === true],
  ['maxMsgsPerSubject', (s) => Number(s.maxMsgsPerSubject) > 0],
  ['maxConsumers', (s) => Number(s.maxConsumers) > 0],
  ['placement', (s) => s.placement !== undefined],
  ['mirror', (s) => s.mirror !== undefined],
  ['sources', (s) => s.sources !== undefined],
  ['compression', (s) => s.compression === 's2'],
  ['subjectTransform', (s) => s.subjectTransform !== undefined],
  ['republish', (s) => s.republish !== undefined],
  ['sealed', (s) => s.sealed === true],
  ['denyDelete', (s) => s.denyDelete === true],
  ['denyPurge', (s) => s.denyPurge === true],
  ['allowRollup', (s) => s.allowRollup === true],
  ['mirrorDirect', (s) => s.mirrorDirect === true],
  ['discardPerSubject', (s) => s.discardPerSubject === true],
  ['consumerLimits', (s) => s.consumerLimits !== undefined],
  ['allowMsgTtl', (s) => s.allowMsgTtl === true],
  ['subjectDeleteMarkerTtl', (s) => s.subjectDeleteMarkerTtl !== undefined],
  ['allowMsgCounter', (s) => s.allowMsgCounter === true],
  ['allowAtomicPublish', (s) => s.allowAtomicPublish === true],
  ['allowMsgSchedules', (s) => s.allowMsgSchedules === true],
  ['persistMode', (s) => s.persistMode !== undefined],
  ['metadata', (s) => s.metadata !== undefined],
];

export function adoptStream(live: Spec): Adopted<StreamConfig> {
  const unexpressible: Unexpressible[] = [];
  const cannot = (field: string, why: string) => unexpressible.push({ field, live: show(live[field]), why });
  // maxBytes (required) is set below, in the order the fields are printed.
  const config = {
    name: String(live.name),
    subjects: Array.isArray(live.subjects) ? live.subjects.map(String) : [],
  } as Mutable<StreamConfig>;
  if (live.description) config.description = String(live.description);
  config.retention = live.retention as StreamConfig['retention'];
  config.storage = live.storage as StreamConfig['storage'];
  config.replicas = Number(live.replicas);
  config.discard = live.discard as StreamConfig['discard'];
  // Left out, our maxAge renders "0s" (no limit): so 0 needs nothing.
  const maxAgeNanos = nanosOf(live.maxAge) ?? 0n;
  if (maxAgeNanos > 0n) {
    const maxAge = configDuration(live.maxAge);
    if (maxAge) config.maxAge = maxAge;
    else cannot('maxAge', 'our config takes durations in whole milliseconds');
  }
  if (Number(live.maxBytes) > 0) config.maxBytes = ByteSize.bytes(Number(live.maxBytes)).toConfigText();
  else {
    cannot('maxBytes', 'no limit on the server; our config requires one (every node reserves it in its file store)');
    config.maxBytes = 'CHOOSE A LIMIT';
  }
  if (Number(live.maxMsgs) > 0) config.maxMsgs = Number(live.maxMsgs);
  const maxMsgSize = Number(live.maxMsgSize);
  if (maxMsgSize > 0) {
    if (maxMsgSize <= MAX_PAYLOAD.bytes) config.maxMsgSize = ByteSize.bytes(maxMsgSize).toConfigText();
    else cannot('maxMsgSize', `above the server's max_payload (${MAX_PAYLOAD}), which our config refuses`);
  }
  const window = nanosOf(live.duplicateWindow);
  if (window !== undefined && window !== SERVER_DEFAULT_DUPLICATE_WINDOW && window > 0n) {
    const text = configDuration(live.duplicateWindow);
    if (text) config.duplicateWindow = text;
    else cannot('duplicateWindow', 'our config takes durations in whole milliseconds');
  }
  if (live.allowDirect === true) config.allowDirect = true;
  for (const [field, isSet] of STREAM_NOT_MODELLED) if (isSet(live)) cannot(field, NOT_MODELLED);
  return { config, unexpressible };
}

const CONSUMER_NOT_MODELLED: ReadonlyArray<[string, (s: Spec) => boolean]> = [
  ['deliverGroup', (s) => s.deliverGroup !== undefined],
  ['optStartSeq', (s) => s.optStartSeq !== undefined],
  ['optStartTime', (s) => s.optStartTime !== undefined],
  ['sampleFreq', (s) => s.sampleFreq !== undefined],
  // A pull consumer without max_waiting gets 512 (server/consumer.go:642-645), which is what synth gives.
  ['maxWaiting', (s) => (s.deliverSubject ? Number(s.maxWaiting) > 0 : Number(s.maxWaiting) !== 512)],
  ['rateLimitBps', (s) => Number(s.rateLimitBps) > 0],
  ['flowControl', (s) => s.flowControl === true],
  ['headersOnly', (s) => s.headersOnly === true],
  ['heartbeatInterval', (s) => s.heartbeatInterval !== undefined],
  ['maxRequestExpires', (s) => s.maxRequestExpires !== undefined],
  ['maxRequestMaxBytes', (s) => Number(s.maxRequestMaxBytes) > 0],
  ['inactiveThreshold', (s) => s.inactiveThreshold !== undefined],
  ['memStorage', (s) => s.memStorage === true],
  ['backoff', (s) => s.backoff !== undefined],
  ['metadata', (s) => s.metadata !== undefined],
  ['pauseUntil', (s) => s.pauseUntil !== undefined],
  ['priorityPolicy', (s) => s.priorityPolicy !== undefined],
];

export function adoptConsumer(live: Spec): Adopted<ConsumerConfig> {
  const unexpressible: Unexpressible[] = [];
  const cannot = (field: string, why: string) => unexpressible.push({ field, live: show(live[field]), why });
  const config: Mutable<ConsumerConfig> = { name: String(live.durableName), stream: String(live.streamName) };
  if (live.description) config.description = String(live.description);
  const filters = filtersOf(live);
  if (filters.length > 0) config.filterSubjects = filters;
  config.ackPolicy = live.ackPolicy as ConsumerConfig['ackPolicy'];
  const ackWait = configDuration(live.ackWait);
  if (ackWait && (nanosOf(ackWait) ?? 0n) > 0n) config.ackWait = ackWait;
  else cannot('ackWait', 'our config takes a positive duration in whole milliseconds');
  if (Number(live.maxDeliver) > 0) config.maxDeliver = Number(live.maxDeliver);
  else cannot('maxDeliver', 'unlimited on the server; our config requires a bound (a poison message would loop)');
  if (Number(live.maxAckPending) > 0) config.maxAckPending = Number(live.maxAckPending);
  else if (live.ackPolicy !== 'none') cannot('maxAckPending', 'unlimited on the server; our config requires a bound');
  if (Number(live.maxRequestBatch) > 0) config.maxRequestBatch = Number(live.maxRequestBatch);
  const deliverPolicy = String(live.deliverPolicy);
  if ((DELIVER_POLICIES as readonly string[]).includes(deliverPolicy)) {
    config.deliverPolicy = deliverPolicy as ConsumerConfig['deliverPolicy'];
  } else cannot('deliverPolicy', `our config offers ${DELIVER_POLICIES.join(', ')}`);
  config.replayPolicy = live.replayPolicy as ConsumerConfig['replayPolicy'];
  if (Number(live.replicas) > 0) config.replicas = Number(live.replicas);
  if (live.deliverSubject) config.deliverSubject = String(live.deliverSubject);
  for (const [field, isSet] of CONSUMER_NOT_MODELLED) if (isSet(live)) cannot(field, NOT_MODELLED);
  return { config, unexpressible };
}

/** One entry of a config list, a field per line, as it is pasted into config/<env>.ts. */
export function configEntryText(config: object, indent = '    '): string {
  const lines = Object.entries(config)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${indent}  ${k}: ${formatLiteral(v, "'")},`);
  return [`${indent}{`, ...lines, `${indent}},`].join('\n');
}
