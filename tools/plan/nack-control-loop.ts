// What NACK v0.22.4 (control-loop mode) does with a Stream or Consumer spec on update, as the
// plan needs it (tools/plan/stream-rules.ts, consumer-rules.ts):
//
// - The API server first fills absent fields with the CRD defaults (NACK v0.22.4 deploy/crds.yml;
//   checked against ../shared/crds/nack-crds.yaml by test/nack/nack-jetstream-api.test.ts).
// - NACK turns the spec into jsm.go options (`streamSpecToConfig`, stream_controller.go:326;
//   `consumerSpecToConfig`, consumer_controller.go:338). Some options are added on every
//   reconcile; others only when the field is set (non-empty, true, > 0).
// - An update applies those options on top of the stream's or consumer's *current server config*
//   (stream_controller.go:239 `s.UpdateConfiguration(*serverState, targetConfig...)`, jsm.go
//   v0.3.0 streams.go:616-617; consumer_controller.go:251, jsm.go consumers.go:683-688). So a
//   field that is no longer set is not sent, and the server keeps its old value.
import { parseGoDuration } from '../../lib/config/go-duration';
import type { Spec } from './plan-types';
import { NACK } from './upstream-sources';

/** Stream spec defaults of the NACK v1beta2 CRD. */
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

/** Consumer spec defaults of the NACK v1beta2 CRD. */
export const NACK_CONSUMER_CRD_DEFAULTS = {
  deliverPolicy: 'all',
  ackPolicy: 'none', // the server and jsm.go would default to explicit
  ackWait: '1ns', // defeats the server's 30s default (nats-io/nack#136)
  replayPolicy: 'instant',
  flowControl: false,
  headersOnly: false,
  memStorage: false,
} as const;

/** A spec with the CRD defaults filled in, as NACK reads it from the API server. */
export function withStreamDefaults(spec: Spec): Spec {
  return { ...NACK_STREAM_CRD_DEFAULTS, ...definedOnly(spec) };
}

export function withConsumerDefaults(spec: Spec): Spec {
  return { ...NACK_CONSUMER_CRD_DEFAULTS, ...definedOnly(spec) };
}

/** A spec field NACK only puts into an update under a condition. */
export interface ConditionalField {
  /** Spec field as written in the manifest (several fields that travel together: joined by "/"). */
  readonly field: string;
  /** Whether NACK adds the field's option for this spec (CRD defaults applied). */
  readonly sent: (spec: Spec) => boolean;
  /** What the field means, comparable with deepEqual (e.g. 0 and -1 both mean "unlimited"). */
  readonly meaning: (spec: Spec) => unknown;
  /** The field as shown to a reviewer. */
  readonly show: (spec: Spec) => string;
  /** What leaving the field out means for a new stream or consumer, for the reviewer. */
  readonly unsetMeans: string;
  /** The NACK line that decides whether it is sent. */
  readonly source: string;
}

const isTrue = (field: string) => (spec: Spec) => spec[field] === true;
const isNonEmpty = (field: string) => (spec: Spec) => typeof spec[field] === 'string' && spec[field] !== '';
const isSet = (field: string) => (spec: Spec) => spec[field] !== undefined && spec[field] !== null;

function switchField(field: string, source: string): ConditionalField {
  const on = isTrue(field);
  return { field, sent: on, meaning: on, show: (s) => String(on(s)), unsetMeans: 'false', source };
}

/** Nanoseconds of a Go duration field, `otherwise` when empty; the text itself when unparsable. */
function durationMeaning(field: string, otherwise: bigint) {
  return (spec: Spec): unknown => {
    const text = spec[field];
    if (typeof text !== 'string' || text === '') return String(otherwise);
    try {
      return String(parseGoDuration(text));
    } catch {
      return text;
    }
  };
}

function durationField(field: string, unsetMeans: string, otherwise: bigint, source: string): ConditionalField {
  return {
    field,
    sent: isNonEmpty(field),
    meaning: durationMeaning(field, otherwise),
    show: (s) => (isNonEmpty(field)(s) ? `"${String(s[field])}"` : '(unset)'),
    unsetMeans,
    source,
  };
}

function objectField(field: string, unsetMeans: string, source: string): ConditionalField {
  const set = isSet(field);
  return {
    field,
    sent: set,
    meaning: (s) => s[field] ?? null,
    show: (s) => (set(s) ? JSON.stringify(s[field]) : '(unset)'),
    unsetMeans,
    source,
  };
}

/** Sent when it is one of `choices` (a switch in NACK); anything else means `otherwise`. */
function choiceField(field: string, choices: string[], otherwise: string, unsetMeans: string, source: string) {
  const sent = (s: Spec) => choices.includes(s[field] as string);
  const show = (s: Spec) => JSON.stringify(s[field] ?? '');
  return { field, sent, meaning: (s: Spec) => (sent(s) ? s[field] : otherwise), show, unsetMeans, source };
}

const HOUR_NANOS = 3_600_000_000_000n;
const SECOND_NANOS = 1_000_000_000n;

/**
 * Stream fields NACK sends only when set (stream_controller.go:350-573). Everything else it sends
 * on every update (description, subjects, maxConsumers, maxMsgs, maxBytes, maxMsgSize, replicas,
 * metadata: :327-336; retention, storage and discard, which the CRD defaults, :341-381).
 */
export const STREAM_CONDITIONAL_FIELDS: readonly ConditionalField[] = [
  {
    field: 'maxMsgsPerSubject',
    sent: (s) => Number(s.maxMsgsPerSubject) > 0,
    meaning: (s) => (Number(s.maxMsgsPerSubject) > 0 ? Number(s.maxMsgsPerSubject) : 'unlimited'),
    show: (s) => String(s.maxMsgsPerSubject),
    unsetMeans: 'unlimited',
    source: NACK.stream.maxMsgsPerSubject,
  },
  // jsm.go's DefaultStream gives a new stream without maxAge one year (streams.go:39).
  durationField(
    'maxAge',
    'a new stream gets jsm.go\'s one-year max age; "0s" is unlimited',
    8760n * HOUR_NANOS,
    NACK.stream.maxAge,
  ),
  switchField('noAck', NACK.stream.noAck),
  // nats-server's default duplicate window is 2m (server/stream.go:1619).
  durationField('duplicateWindow', 'the server default of 2m', 120n * SECOND_NANOS, NACK.stream.duplicateWindow),
  {
    // Cluster: set when non-empty; cleared only when placement is left out altogether (:398-410).
    field: 'placement.cluster',
    sent: (s) => s.placement === undefined || s.placement === null || placementOf(s).cluster !== '',
    meaning: (s) => placementOf(s).cluster,
    show: (s) => JSON.stringify(placementOf(s).cluster),
    unsetMeans: 'no cluster constraint',
    source: NACK.stream.placement,
  },
  {
    // Tags: set whenever the spec lists them; never cleared (:402-404).
    field: 'placement.tags',
    sent: (s) => Array.isArray((s.placement as { tags?: unknown } | undefined)?.tags),
    meaning: (s) => placementOf(s).tags,
    show: (s) => JSON.stringify(placementOf(s).tags),
    unsetMeans: 'no tags',
    source: NACK.stream.placement,
  },
  objectField('mirror', 'not a mirror', NACK.stream.mirror),
  // `spec.Sources != nil`: an empty list is sent (and clears the sources), an absent one is not.
  objectField('sources', 'no sources', NACK.stream.sources),
  choiceField('compression', ['s2', 'none'], 'none', 'no compression', NACK.stream.compression),
  objectField('subjectTransform', 'no subject transform', NACK.stream.subjectTransform),
  objectField('republish', 'no republish', NACK.stream.republish),
  switchField('sealed', NACK.stream.sealed),
  switchField('denyDelete', NACK.stream.denyDelete),
  switchField('denyPurge', NACK.stream.denyPurge),
  switchField('allowDirect', NACK.stream.allowDirect),
  switchField('allowRollup', NACK.stream.allowRollup),
  switchField('mirrorDirect', NACK.stream.mirrorDirect),
  switchField('discardPerSubject', NACK.stream.discardPerSubject),
  objectField('consumerLimits', 'no consumer limits', NACK.stream.consumerLimits),
  switchField('allowMsgTtl', NACK.stream.allowMsgTtl),
  durationField('subjectDeleteMarkerTtl', 'no delete markers', 0n, NACK.stream.subjectDeleteMarkerTtl),
  switchField('allowMsgCounter', NACK.stream.allowMsgCounter),
  switchField('allowAtomicPublish', NACK.stream.allowAtomicPublish),
  switchField('allowMsgSchedules', NACK.stream.allowMsgSchedules),
  choiceField('persistMode', ['async', 'default'], 'default', 'the default persist mode', NACK.stream.persistMode),
];

/**
 * Consumer fields NACK sends only when set (consumer_controller.go:366-519). Always sent:
 * description, deliverSubject, deliverGroup, maxAckPending, maxWaiting, rateLimitBps,
 * maxRequestBatch, maxRequestMaxBytes, replicas, metadata (:339-351) and, through the CRD
 * defaults, ackPolicy, deliverPolicy with its start options, and replayPolicy.
 */
export const CONSUMER_CONDITIONAL_FIELDS: readonly ConditionalField[] = [
  // jsm.go's DefaultConsumer has a 30s ack wait (consumers.go:36); the CRD default is 1ns.
  durationField('ackWait', "jsm.go's 30s", 30n * SECOND_NANOS, NACK.consumer.ackWait),
  {
    field: 'filterSubject/filterSubjects',
    sent: (s) => filtersOf(s).length > 0,
    meaning: (s) => [...filtersOf(s)].sort(),
    show: (s) => (filtersOf(s).length > 0 ? JSON.stringify(filtersOf(s)) : '(unset)'),
    unsetMeans: 'every subject of the stream',
    source: NACK.consumer.filterSubjects,
  },
  switchField('flowControl', NACK.consumer.flowControl),
  durationField('heartbeatInterval', 'no heartbeats', 0n, NACK.consumer.heartbeatInterval),
  {
    // The server reads 0 (and anything below -1) as -1, unlimited (server/consumer.go:585-591).
    field: 'maxDeliver',
    sent: (s) => s.maxDeliver !== undefined && Number(s.maxDeliver) !== 0,
    meaning: (s) => (Number(s.maxDeliver) > 0 ? Number(s.maxDeliver) : -1),
    show: (s) => String(s.maxDeliver ?? '(unset)'),
    unsetMeans: 'unlimited deliveries',
    source: NACK.consumer.maxDeliver,
  },
  {
    field: 'backoff',
    sent: (s) => Array.isArray(s.backoff) && s.backoff.length > 0,
    meaning: (s) => (Array.isArray(s.backoff) ? s.backoff.map(String) : []),
    show: (s) => JSON.stringify(s.backoff ?? []),
    unsetMeans: 'no backoff',
    source: NACK.consumer.backoff,
  },
  {
    field: 'sampleFreq',
    sent: isNonEmpty('sampleFreq'),
    meaning: (s) => (isNonEmpty('sampleFreq')(s) ? Number(String(s.sampleFreq).replace(/%$/, '')) : 0),
    show: (s) => JSON.stringify(s.sampleFreq ?? ''),
    unsetMeans: 'no sampling',
    source: NACK.consumer.sampleFreq,
  },
  switchField('headersOnly', NACK.consumer.headersOnly),
  durationField('maxRequestExpires', 'no limit', 0n, NACK.consumer.maxRequestExpires),
  durationField('inactiveThreshold', 'never removed for inactivity (durable)', 0n, NACK.consumer.inactiveThreshold),
  switchField('memStorage', NACK.consumer.memStorage),
  {
    field: 'pauseUntil',
    sent: isNonEmpty('pauseUntil'),
    meaning: (s) => (isNonEmpty('pauseUntil')(s) ? Date.parse(String(s.pauseUntil)) : 0),
    show: (s) => JSON.stringify(s.pauseUntil ?? ''),
    unsetMeans: 'not paused',
    source: NACK.consumer.pauseUntil,
  },
  {
    // `pinned_client` is only applied with a pinnedTtl (consumer_controller.go:505-512).
    field: 'priorityPolicy/priorityGroups/pinnedTtl',
    sent: prioritySent,
    meaning: (s) =>
      prioritySent(s) ? { policy: s.priorityPolicy, groups: s.priorityGroups ?? [], ttl: s.pinnedTtl ?? '' } : 'none',
    show: (s) => JSON.stringify({ priorityPolicy: s.priorityPolicy ?? '', priorityGroups: s.priorityGroups ?? [] }),
    unsetMeans: 'no priority groups',
    source: NACK.consumer.priorityPolicy,
  },
];

function prioritySent(s: Spec): boolean {
  const policy = s.priorityPolicy;
  if (policy === 'pinned_client') return isNonEmpty('pinnedTtl')(s);
  return policy === 'overflow' || policy === 'prioritized';
}

/** Filter subjects of a consumer spec, whichever of the two fields holds them. */
export function filtersOf(spec: Spec): string[] {
  if (Array.isArray(spec.filterSubjects) && spec.filterSubjects.length > 0) return spec.filterSubjects.map(String);
  return typeof spec.filterSubject === 'string' && spec.filterSubject !== '' ? [spec.filterSubject] : [];
}

function placementOf(spec: Spec): { cluster: string; tags: string[] } {
  const p = (spec.placement ?? {}) as { cluster?: unknown; tags?: unknown };
  const cluster = typeof p.cluster === 'string' ? p.cluster : '';
  return { cluster, tags: Array.isArray(p.tags) ? p.tags.map(String) : [] };
}

/**
 * Fields whose new value NACK does not send, so the server keeps the old one: set before
 * (sent then), not set now, and meaning something else now.
 */
export function fieldsKeptOnUpdate(fields: readonly ConditionalField[], before: Spec, after: Spec): ConditionalField[] {
  return fields.filter((f) => f.sent(before) && !f.sent(after) && !sameJson(f.meaning(before), f.meaning(after)));
}

/** NACK sends the field now, and it means something else than before. */
export const sentAndChanged = (field: ConditionalField) => (before: Spec, after: Spec) =>
  field.sent(after) && !sameJson(field.meaning(before), field.meaning(after));

export function conditionalField(fields: readonly ConditionalField[], name: string): ConditionalField {
  const found = fields.find((f) => f.field === name);
  if (!found) throw new Error(`no conditional NACK field ${name}`);
  return found;
}

function definedOnly(spec: Spec): Spec {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
