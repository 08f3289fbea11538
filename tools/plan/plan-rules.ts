// The changes `npm run plan` flags, each following the upstream code it names (links in
// tools/plan/upstream-sources.ts, shown with every finding):
// - blocking: nats-server, NACK or Kubernetes refuses the change, or it loses data;
// - not-applied: NACK (control loop) or nats-server accepts the change without doing it, so the
//   server keeps its old value (how NACK builds an update: tools/plan/nack-control-loop.ts);
// - warning: applied, but a reviewer should know what follows.
// Absent fields are read with NACK's CRD defaults, because that is what the API server stores
// (storage absent = memory, ackPolicy absent = none).
import { parseGoDuration } from '../../lib/config/go-duration';
import {
  ConditionalField,
  CONSUMER_CONDITIONAL_FIELDS,
  conditionalField,
  fieldsKeptOnUpdate,
  filtersOf,
  STREAM_CONDITIONAL_FIELDS,
  withConsumerDefaults,
  withStreamDefaults,
} from './nack-control-loop';
import type { Finding, PlanResource, ResourceChange, Severity } from './plan-types';
import { subjectIsSubsetOf } from '../../lib/config/subjects';
import { CHART, JSM, KUBERNETES, NACK, SERVER } from './upstream-sources';

/** Kind and apiVersion of the Helm values pseudo-resource (tools/plan/plan-sources.ts). */
export const HELM_VALUES_KIND = 'HelmValues';
export const HELM_VALUES_API_VERSION = 'overmind-nats/helm-values';

const NACK_API_VERSION = 'jetstream.nats.io/v1beta2';
const ARGOCD_API_VERSION = 'argoproj.io/v1alpha1';
/** The official chart's name (Chart.yaml), which its templates use as the default name. */
const NATS_CHART_NAME = 'nats';

export interface RuleContext {
  readonly before: readonly PlanResource[];
  readonly after: readonly PlanResource[];
}

type RawFinding = Omit<Finding, 'acknowledgement'>;
type Spec = Record<string, unknown>;
type Add = (
  severity: Severity,
  rule: string,
  resource: PlanResource,
  message: string,
  sources: readonly string[],
) => void;

const isStream = (r: PlanResource) => r.apiVersion === NACK_API_VERSION && r.kind === 'Stream';
const isConsumer = (r: PlanResource) => r.apiVersion === NACK_API_VERSION && r.kind === 'Consumer';
const isHelmValues = (r: PlanResource) => r.kind === HELM_VALUES_KIND && r.apiVersion === HELM_VALUES_API_VERSION;
/** The NATS chart's values (dist/<env>/helm/nats-values.yaml), not NACK's beside them. */
const isNatsValues = (r: PlanResource) => isHelmValues(r) && r.name === 'nats-values';
const specOf = (r: PlanResource): Spec => (r.body.spec ?? {}) as Spec;
const id = (r: PlanResource) => `${r.env}/${r.kind}/${r.name}`;
const show = (v: unknown) => (v === undefined ? '(unset)' : typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

function collector(out: RawFinding[]): Add {
  return (severity, rule, resource, message, sources) =>
    out.push({ severity, rule, resource: id(resource), message, sources });
}

/**
 * True when `candidate` (added) is `old` (removed) under a new object name: the same stream name
 * or the same subjects; the same durable, or the same stream and filter subjects. JetStream has
 * no rename, so these are reported (and judged) as renames rather than an unrelated add + remove.
 */
export function renameMatch(old: PlanResource, candidate: PlanResource): boolean {
  if (old.env !== candidate.env || old.apiVersion !== candidate.apiVersion || old.kind !== candidate.kind) return false;
  const a = specOf(old);
  const b = specOf(candidate);
  if (isStream(old)) return a.name === b.name || sameSet(a.subjects, b.subjects);
  if (isConsumer(old)) {
    return a.durableName === b.durableName || (a.streamName === b.streamName && sameSet(filtersOf(a), filtersOf(b)));
  }
  return false;
}

export function findingsFor(change: ResourceChange, context: RuleContext): RawFinding[] {
  const subject = (change.after ?? change.before)!;
  if (isStream(subject)) return streamFindings(change, context);
  if (isConsumer(subject)) return consumerFindings(change, context);
  if (isNatsValues(subject)) return helmValuesFindings(change, context);
  if (natsChartSource(subject)) return natsApplicationFindings(change, context);
  return [];
}

// ---------------------------------------------------------------------------------------------
// Fields NACK does not send on update: the server keeps them (shared by streams and consumers)

/** Switches nats-server itself never turns off again, with the line that refuses it. */
const SERVER_ONE_WAY: Readonly<Record<string, string>> = {
  sealed: SERVER.stream.sealed,
  denyDelete: SERVER.stream.denyDelete,
  denyPurge: SERVER.stream.denyPurge,
  allowMsgTtl: SERVER.stream.allowMsgTtl,
  allowMsgCounter: SERVER.stream.allowMsgCounter,
  allowMsgSchedules: SERVER.stream.allowMsgSchedules,
  flowControl: SERVER.consumer.flowControl,
  heartbeatInterval: SERVER.consumer.heartbeatInterval,
};

/** What to write instead, when the obvious fix ("set it explicitly") needs a value. */
const KEPT_FIX: Readonly<Record<string, string>> = {
  maxAge: 'set maxAge explicitly: "0s" for no age limit, or the age you want',
  duplicateWindow: 'set duplicateWindow explicitly, e.g. "2m" (the server default)',
  maxMsgsPerSubject:
    'set maxMsgsPerSubject to the limit you want; NACK cannot return a stream to unlimited, ' +
    'so for that edit the stream on the server (`nats stream edit <stream> --max-msgs-per-subject=-1`) ' +
    'and then drop the field',
  'filterSubject/filterSubjects':
    "list the subjects you want in filterSubjects (the stream's own subjects for all " +
    'of them), or delete and re-create the consumer, which resets its position',
  maxDeliver: 'set maxDeliver to the number you want (-1 for unlimited)',
  ackWait: 'set ackWait to the wait you want, e.g. "30s"',
  mirror:
    'a mirror can only be removed on the server (promoting it to a normal stream); do that with the nats CLI, ' +
    'then drop the field',
};

function keptMessage(kind: 'stream' | 'consumer', field: ConditionalField, a: Spec, b: Spec): string {
  const oneWay = SERVER_ONE_WAY[field.field];
  const lost = kind === 'stream' ? 'messages' : 'position';
  const explicit =
    `set ${field.field} explicitly to the value you want ` + `(left out, a new ${kind} would get ${field.unsetMeans})`;
  const fix = oneWay
    ? `Fix: keep ${field.field} as it was; nats-server refuses to undo it anyway, so only a new ${kind} ` +
      `(delete and re-create, losing its ${lost}) drops it.`
    : `Fix: ${KEPT_FIX[field.field] ?? explicit}.`;
  return (
    `Not applied: spec.${field.field} ${field.show(a)} → ${field.show(b)}, ` +
    `but NACK only sends ${field.field} when it is set, ` +
    `and it updates a ${kind} by applying the spec on top of the ${kind}'s current config on the server, ` +
    `so the server keeps ${field.show(a)}. ${fix}`
  );
}

function keptSources(kind: 'stream' | 'consumer', field: ConditionalField): string[] {
  const update =
    kind === 'stream' ? [NACK.streamUpdate, JSM.streamUpdateOverlay] : [NACK.consumerUpdate, JSM.consumerUpdateOverlay];
  const oneWay = SERVER_ONE_WAY[field.field];
  return [field.source, ...update, ...(oneWay ? [oneWay] : [])];
}

// ---------------------------------------------------------------------------------------------
// Streams

/** Limits whose lowering makes JetStream delete stored messages at once. */
const STREAM_LIMITS: ReadonlyArray<{ field: string; unit: string }> = [
  { field: 'maxAge', unit: 'age' },
  { field: 'maxBytes', unit: 'bytes' },
  { field: 'maxMsgs', unit: 'messages' },
  { field: 'maxMsgsPerSubject', unit: 'messages per subject' },
];

/** A stream NACK creates without maxAge gets jsm.go's one-year template value. */
const JSM_DEFAULT_MAX_AGE_NANOS = parseGoDuration('8760h');

function streamFindings(change: ResourceChange, context: RuleContext): RawFinding[] {
  const out: RawFinding[] = [];
  const add = collector(out);
  const { before, after } = change;

  if (change.type === 'removed' && before) {
    const name = specOf(before).name;
    if (specOf(before).preventDelete === true) {
      add(
        'blocking',
        'stream.removed',
        before,
        `Removing Stream "${name}": its object has preventDelete, so deleting it leaves the JetStream stream and ` +
          'its messages on the server, no longer managed by NACK: it keeps capturing its subjects and holding its ' +
          'storage. Argo CD will not prune the object (Prune=false). To drop the data, back it up if it matters ' +
          '(`nats stream backup`), then `nats stream rm`.',
        [NACK.streamDelete],
      );
    } else {
      add(
        'blocking',
        'stream.removed',
        before,
        `Removing Stream "${name}" makes NACK delete the JetStream stream and every message in it. ` +
          'Argo CD will not prune it (the CR carries Prune=false), but `kubectl apply ' +
          '--prune` or deleting the CR would. ' +
          'Back the stream up first (`nats stream backup`) if its messages matter.',
        [NACK.streamDelete],
      );
    }
    return out;
  }
  if (!before || !after) return out;
  const a = withStreamDefaults(specOf(before));
  const b = withStreamDefaults(specOf(after));

  if (a.preventDelete === true && b.preventDelete !== true) {
    add(
      'blocking',
      'stream.preventDelete',
      after,
      `spec.preventDelete true → ${show(specOf(after).preventDelete)}: without it NACK deletes stream "${b.name}" ` +
        'and every message in it as soon as the Stream object is deleted, by `kubectl delete`, a deleted namespace ' +
        "or any prune; Argo CD's Prune=false and Delete=false stop only Argo CD. Keep preventDelete: true.",
      [NACK.streamDelete, KUBERNETES.argoCdSyncOptions],
    );
  }

  if (a.name !== b.name) {
    add(
      'blocking',
      'stream.renamed',
      after,
      `Stream name "${a.name}" → "${b.name}": JetStream cannot rename a stream, so ` +
        `NACK creates a new, empty stream "${b.name}" ` +
        `and "${a.name}" stays on the server with its messages${
          change.type === 'renamed' && a.preventDelete !== true
            ? ' until its CR is deleted, which deletes them'
            : ', orphaned'
        }. ` +
        'While both exist they capture the same subjects, which nats-server refuses (10065).',
      [NACK.streamCreate, NACK.streamDelete, SERVER.subjectOverlap],
    );
    return out; // a new stream: nothing below concerns the old one
  }
  if (change.type === 'renamed' || before.namespace !== after.namespace) {
    add(
      'blocking',
      'stream.object-renamed',
      after,
      `Stream "${a.name}" moves from object ${before.namespace ?? ''}/${before.name} ` +
        `to ${after.namespace ?? ''}/${after.name}: ` +
        (a.preventDelete === true
          ? `both objects manage stream "${a.name}" until the old one is deleted (its preventDelete keeps the ` +
            'messages then); should the old object lose preventDelete first, deleting it deletes the stream the new ' +
            'one manages. Keep the object name.'
          : `deleting the old CR makes NACK delete stream "${a.name}" (NACK deletes by stream name), the very stream ` +
            'the new CR manages, with its messages. Keep the object name.'),
      [NACK.streamDelete],
    );
  }
  if (a.storage !== b.storage) {
    add(
      'blocking',
      'stream.storage',
      after,
      `spec.storage ${show(a.storage)} → ${show(b.storage)}: nats-server cannot ` +
        `change a stream's storage type (error 10052). ` +
        'NACK marks the CR Errored and retries while the stream keeps its old storage; ' +
        'applying it means deleting and re-creating the stream, losing its messages.',
      [SERVER.stream.storageImmutable, NACK.streamErrored],
    );
  }
  retentionFindings(add, after, a, b, context);
  for (const { field, unit } of STREAM_LIMITS) {
    // What the server holds after the update: NACK sends maxAge and maxMsgsPerSubject only when set.
    const conditional = STREAM_CONDITIONAL_FIELDS.find((f) => f.field === field);
    const requested = conditional && !conditional.sent(b) ? a[field] : b[field];
    const oldLimit = limitOf(field, a[field]);
    const newLimit = limitOf(field, requested);
    if (oldLimit === undefined || newLimit === undefined) continue; // unparsable: the synth validation reports it
    if (newLimit < oldLimit) {
      add(
        'blocking',
        `stream.${field}-shrink`,
        after,
        `spec.${field} ${show(a[field] === '' ? '8760h (jsm.go default)' : a[field])} → ${show(b[field])}: ` +
          'JetStream applies a lower limit at once and deletes the oldest stored messages beyond it. ' +
          `How much is stored cannot be known offline, so any lower ${unit} limit is ` +
          `treated as losing data; raising or removing a limit is safe.`,
        [SERVER.stream.storeUpdate, SERVER.fileStoreLimits],
      );
    }
  }
  const mirror = conditionalField(STREAM_CONDITIONAL_FIELDS, 'mirror');
  if (mirror.sent(b) && !sameValue(mirror.meaning(a), mirror.meaning(b))) {
    add(
      'blocking',
      'stream.mirror',
      after,
      `spec.mirror ${show(a.mirror)} → ${show(b.mirror)}: ` +
        'nats-server does not allow changing the mirror of an existing stream (10055).',
      [SERVER.stream.mirror, NACK.stream.mirror],
    );
  }
  const persist = conditionalField(STREAM_CONDITIONAL_FIELDS, 'persistMode');
  if (persist.sent(b) && persist.meaning(a) !== persist.meaning(b)) {
    add(
      'blocking',
      'stream.persistMode',
      after,
      `spec.persistMode ${show(a.persistMode)} → ${show(b.persistMode)}: ` +
        'nats-server does not allow changing the persist mode of an existing stream.',
      [SERVER.stream.persistMode, NACK.stream.persistMode],
    );
  }
  if (b.allowMsgCounter === true && a.allowMsgCounter !== true) {
    add(
      'blocking',
      'stream.allowMsgCounter',
      after,
      'spec.allowMsgCounter false → true: nats-server does not allow turning message counters on ' +
        'for an existing stream.',
      [SERVER.stream.allowMsgCounter, NACK.stream.allowMsgCounter],
    );
  }
  for (const field of fieldsKeptOnUpdate(STREAM_CONDITIONAL_FIELDS, a, b)) {
    let message = keptMessage('stream', field, a, b);
    const sources = keptSources('stream', field);
    if (field.field === 'discardPerSubject' && b.discard !== 'new') {
      message +=
        ' Worse: with discard "old" and the kept discard_new_per_subject, nats-server refuses ' +
        'the whole update, ' +
        'so nothing else in it applies either.';
      sources.push(SERVER.stream.discardNewPerSubject);
    }
    add('not-applied', `stream.${field.field}-not-applied`, after, message, sources);
  }
  const dropped = asStrings(a.subjects).filter((s) => !asStrings(b.subjects).includes(s));
  if (dropped.length > 0) {
    add(
      'warning',
      'stream.subjects-removed',
      after,
      `Subjects ${dropped.map((s) => `"${s}"`).join(', ')} leave the stream: ` +
        'publishes to them are no longer stored (publishers get no ack), ' +
        'while messages already stored stay until they age out.',
      [SERVER.stream.subjectsRemoved],
    );
  }
  return out;
}

function retentionFindings(add: Add, after: PlanResource, a: Spec, b: Spec, context: RuleContext): void {
  if (a.retention === b.retention) return;
  if (a.retention === 'workqueue' || b.retention === 'workqueue') {
    add(
      'blocking',
      'stream.retention',
      after,
      `spec.retention ${show(a.retention)} → ${show(b.retention)}: nats-server ` +
        `refuses to change retention to or from workqueue; ` +
        'NACK marks the CR Errored and retries. Only deleting and re-creating the ' +
        'stream applies it, losing its messages.',
      [SERVER.stream.retentionWorkqueue, NACK.streamErrored],
    );
    return;
  }
  if (b.retention !== 'interest') return; // interest → limits keeps every message
  add(
    'blocking',
    'stream.retention',
    after,
    `spec.retention ${show(a.retention)} → "interest": on the update nats-server walks every consumer's ` +
      'acknowledged messages and deletes at once those no other consumer still needs, and from then on removes each ' +
      'message as soon as every consumer has acknowledged it. Messages kept for replay or for consumers added ' +
      'later are gone. Back the stream up first (`nats stream backup`) if they matter.',
    [SERVER.stream.interestSwitch, SERVER.consumer.ackFloorRemoval],
  );
  // The server refuses the switch while a consumer has replicas set to another count than the stream's.
  const replicasOf = (r: PlanResource) => (typeof specOf(r).replicas === 'number' ? (specOf(r).replicas as number) : 0);
  const mismatched = (resources: readonly PlanResource[]) =>
    resources
      .filter((r) => r.env === after.env && isConsumer(r) && specOf(r).streamName === b.name)
      .filter((r) => replicasOf(r) > 0 && replicasOf(r) !== b.replicas);
  const stillMismatched = mismatched(context.after);
  const durables = new Set(stillMismatched.map((r) => specOf(r).durableName));
  const untilUpdated = mismatched(context.before).filter((r) => !durables.has(specOf(r).durableName));
  const list = (rs: PlanResource[]) =>
    rs.map((r) => `"${specOf(r).durableName}" (replicas ${replicasOf(r)})`).join(', ');
  const sources = [SERVER.stream.interestConsumerReplicas, NACK.streamErrored];
  if (stillMismatched.length > 0) {
    add(
      'blocking',
      'stream.retention-consumer-replicas',
      after,
      `nats-server refuses the switch to interest while consumer ${list(stillMismatched)} has replicas set ` +
        `to another count than the stream's ${b.replicas}: NACK marks the Stream Errored and retries for ever. ` +
        `Remove replicas from the consumer (it then follows the stream) or set it to ${b.replicas}.`,
      sources,
    );
  } else if (untilUpdated.length > 0) {
    add(
      'warning',
      'stream.retention-consumer-replicas',
      after,
      `nats-server refuses the switch to interest until consumer ${list(untilUpdated)} is updated to the stream's ` +
        `${b.replicas} replicas ` +
        '(Streams sync before Consumers): NACK marks the Stream Errored and applies it on a later retry.',
      sources,
    );
  }
}

/** A limit as a comparable number; Infinity for "no limit"; undefined when unreadable. */
function limitOf(field: string, value: unknown): number | undefined {
  if (field === 'maxAge') {
    if (value === undefined || value === '' || value === null) return Number(JSM_DEFAULT_MAX_AGE_NANOS);
    if (typeof value !== 'string') return undefined;
    try {
      const nanos = parseGoDuration(value);
      return nanos <= 0n ? Infinity : Number(nanos);
    } catch {
      return undefined;
    }
  }
  if (value === undefined || value === null) return Infinity;
  if (typeof value !== 'number') return undefined;
  return value <= 0 ? Infinity : value; // -1 (CRD default) and 0 mean unlimited
}

// ---------------------------------------------------------------------------------------------
// Consumers

/** Fields NACK sends on every update (CRD defaults included) that nats-server refuses to change. */
const CONSUMER_ALWAYS_SENT_IMMUTABLE: ReadonlyArray<{ field: string; source: string }> = [
  { field: 'deliverPolicy', source: SERVER.consumer.deliverPolicy },
  { field: 'ackPolicy', source: SERVER.consumer.ackPolicy },
  { field: 'replayPolicy', source: SERVER.consumer.replayPolicy },
];

/** Sent only when set, refused by the server when sent with another value. */
const CONSUMER_CONDITIONAL_IMMUTABLE: ReadonlyArray<{ field: string; source: string }> = [
  { field: 'heartbeatInterval', source: SERVER.consumer.heartbeatInterval },
  { field: 'flowControl', source: SERVER.consumer.flowControl },
];

function consumerFindings(change: ResourceChange, context: RuleContext): RawFinding[] {
  const out: RawFinding[] = [];
  const add = collector(out);
  const { before, after } = change;
  const recreate =
    'NACK marks the CR Errored and keeps the old consumer; applying it means deleting and re-creating the consumer, ' +
    'which loses its delivery position and pending acks.';

  if (change.type === 'removed' && before) {
    const spec = specOf(before);
    const retention = retentionOf(String(spec.streamName), before.env, context.before);
    const durable = `"${String(spec.durableName)}" on stream "${String(spec.streamName)}"`;
    if (retention === 'interest') {
      add(
        'blocking',
        'consumer.removed',
        before,
        `Removing durable consumer ${durable} deletes it; on an interest stream, ` +
          `messages only it still needed are deleted with it.`,
        [NACK.consumerDelete, SERVER.consumer.deleteInterestCleanup],
      );
    } else {
      add(
        'warning',
        'consumer.removed',
        before,
        `Removing durable consumer ${durable} deletes it with its delivery position and pending acks` +
          (retention === 'workqueue'
            ? '; its share of the work queue is left unconsumed.'
            : '; adding it back replays from its deliverPolicy.'),
        [NACK.consumerDelete],
      );
    }
    return out;
  }
  if (!before || !after) return out;
  const a = withConsumerDefaults(specOf(before));
  const b = withConsumerDefaults(specOf(after));

  if (a.durableName !== b.durableName) {
    add(
      'blocking',
      'consumer.renamed',
      after,
      `Durable name "${a.durableName}" → "${b.durableName}": NACK creates a new ` +
        `consumer "${b.durableName}" that starts from its deliverPolicy ` +
        `(${show(b.deliverPolicy)}: the workers see the stream again from there) and ` +
        (change.type === 'renamed'
          ? `deletes "${a.durableName}" with its position when the old CR goes.`
          : `leaves "${a.durableName}" orphaned on the server.`),
      [NACK.consumerCreate, NACK.consumerDelete],
    );
    return out;
  }
  if (change.type === 'renamed' || before.namespace !== after.namespace) {
    add(
      'blocking',
      'consumer.object-renamed',
      after,
      `Consumer "${a.durableName}" moves from object ` +
        `${before.namespace ?? ''}/${before.name} to ` +
        `${after.namespace ?? ''}/${after.name}: deleting the old CR makes NACK ` +
        'delete the durable the new CR manages (NACK deletes by name); it comes back ' +
        'empty, from its deliverPolicy. Keep the object name.',
      [NACK.consumerDelete],
    );
  }
  if (a.streamName !== b.streamName) {
    add(
      'blocking',
      'consumer.streamName',
      after,
      `spec.streamName ${show(a.streamName)} → ${show(b.streamName)}: a consumer ` +
        `belongs to its stream; NACK creates a new consumer on "${b.streamName}" ` +
        `and the one on "${a.streamName}" stays behind.`,
      [NACK.consumerCreate],
    );
    return out;
  }
  for (const { field, source } of CONSUMER_ALWAYS_SENT_IMMUTABLE) {
    if (!sameValue(a[field], b[field])) {
      add(
        'blocking',
        `consumer.${field}`,
        after,
        `spec.${field} ${show(a[field])} → ${show(b[field])}: nats-server cannot ` +
          `change a consumer's ${field}. ${recreate}`,
        [source, NACK.consumerErrored],
      );
    }
  }
  if (a.deliverPolicy === b.deliverPolicy) {
    // NACK sends the start options with their deliver policy (consumer_controller.go:383-393).
    if (b.deliverPolicy === 'byStartSequence' && Number(a.optStartSeq ?? 0) !== Number(b.optStartSeq ?? 0)) {
      add(
        'blocking',
        'consumer.optStartSeq',
        after,
        `spec.optStartSeq ${show(a.optStartSeq)} → ${show(b.optStartSeq)}: ` +
          `nats-server cannot change a consumer's start sequence. ${recreate}`,
        [SERVER.consumer.optStartSeq, NACK.consumerDeliverPolicy],
      );
    }
    const startTime = (spec: Spec) => Date.parse(String(spec.optStartTime));
    if (b.deliverPolicy === 'byStartTime' && startTime(a) !== startTime(b)) {
      add(
        'blocking',
        'consumer.optStartTime',
        after,
        `spec.optStartTime ${show(a.optStartTime)} → ${show(b.optStartTime)}: ` +
          `nats-server cannot change a consumer's start time. ${recreate}`,
        [SERVER.consumer.optStartTime, NACK.consumerDeliverPolicy],
      );
    }
  }
  for (const { field, source } of CONSUMER_CONDITIONAL_IMMUTABLE) {
    const f = conditionalField(CONSUMER_CONDITIONAL_FIELDS, field);
    if (f.sent(b) && !sameValue(f.meaning(a), f.meaning(b))) {
      add(
        'blocking',
        `consumer.${field}`,
        after,
        `spec.${field} ${f.show(a)} → ${f.show(b)}: nats-server cannot change a consumer's ${field}. ${recreate}`,
        [source, f.source, NACK.consumerErrored],
      );
    }
  }
  if (maxWaitingOf(a) !== maxWaitingOf(b)) {
    // NACK always sends maxWaiting (consumer_controller.go:345); unset on a pull consumer means 512.
    add(
      'blocking',
      'consumer.maxWaiting',
      after,
      `spec.maxWaiting ${show(a.maxWaiting)} → ${show(b.maxWaiting)} (the server reads ${maxWaitingOf(a)} → ` +
        `${maxWaitingOf(b)}): nats-server cannot change a consumer's max waiting. ${recreate}`,
      [SERVER.consumer.maxWaiting, SERVER.consumer.maxWaitingDefault, NACK.consumerAlwaysSent],
    );
  }
  if (Boolean(a.deliverSubject) !== Boolean(b.deliverSubject)) {
    add(
      'blocking',
      'consumer.push-pull',
      after,
      `${a.deliverSubject ? 'push → pull' : 'pull → push'} (spec.deliverSubject ` +
        `${show(a.deliverSubject)} → ${show(b.deliverSubject)}): ` +
        `nats-server cannot turn a pull consumer into a push consumer or back. ${recreate}`,
      [SERVER.consumer.pushPull, NACK.consumerAlwaysSent],
    );
  }
  const memStorage = conditionalField(CONSUMER_CONDITIONAL_FIELDS, 'memStorage');
  if (memStorage.meaning(a) !== memStorage.meaning(b)) {
    add(
      'not-applied',
      'consumer.memStorage-not-applied',
      after,
      `Not applied: spec.memStorage ${memStorage.show(a)} → ${memStorage.show(b)}. ` +
        (b.memStorage === true
          ? "nats-server 2.14.2 accepts the update and records mem_storage, but a consumer's storage is chosen once, " +
            'when it is created, so its state stays where it is. '
          : 'NACK only sends memStorage when true, so the consumer keeps memory storage. ') +
        'Fix: keep memStorage as it was, or delete and re-create the consumer (which ' +
        'resets its position) to change it.',
      [memStorage.source, SERVER.consumer.updateCheck, SERVER.consumer.recordConfig, SERVER.consumerStorageAtCreate],
    );
  }
  const kept = fieldsKeptOnUpdate(CONSUMER_CONDITIONAL_FIELDS, a, b).filter((f) => f.field !== 'memStorage');
  for (const field of kept) {
    const rule = `consumer.${field.field.split('/')[0]}-not-applied`;
    add('not-applied', rule, after, keptMessage('consumer', field, a, b), keptSources('consumer', field));
  }
  filterOnInterestFindings(add, after, a, b, context);
  return out;
}

/** On an interest stream, a narrower filter makes the server delete what no consumer wants any more. */
function filterOnInterestFindings(add: Add, after: PlanResource, a: Spec, b: Spec, context: RuleContext): void {
  const filters = conditionalField(CONSUMER_CONDITIONAL_FIELDS, 'filterSubject/filterSubjects');
  if (!filters.sent(b) || sameValue(filters.meaning(a), filters.meaning(b))) return;
  if (retentionOf(String(b.streamName), after.env, context.after) !== 'interest') return;
  const oldFilters = filtersOf(a).length > 0 ? filtersOf(a) : ['>'];
  const lost = oldFilters.filter((old) => !filtersOf(b).some((f) => subjectIsSubsetOf(old, f)));
  if (lost.length === 0) return; // only wider: nothing loses interest
  add(
    'blocking',
    'consumer.filter-interest',
    after,
    `The filter of "${b.durableName}" narrows (${lost.map((s) => `"${s}"`).join(', ')} no longer covered) ` +
      `on interest stream "${b.streamName}": ` +
      'right after the update nats-server deletes the stored messages no consumer is interested in any more. ' +
      'Back them up first, or add the consumer that should keep them before narrowing this one.',
    [SERVER.consumer.filterInterestCleanup, NACK.consumer.filterSubjects],
  );
}

/** Max waiting as the server reads it: NACK sends 0 for unset, which a pull consumer turns into 512. */
function maxWaitingOf(spec: Spec): number {
  const n = Number(spec.maxWaiting ?? 0);
  return !spec.deliverSubject && n <= 0 ? 512 : n;
}

function retentionOf(streamName: string, env: string, resources: readonly PlanResource[]): string | undefined {
  const stream = resources.find((r) => r.env === env && isStream(r) && specOf(r).name === streamName);
  return stream ? String(withStreamDefaults(specOf(stream)).retention) : undefined;
}

// ---------------------------------------------------------------------------------------------
// NATS Helm values and the Argo CD Application that installs the chart

/** Values the chart renders into the StatefulSet's volumeClaimTemplates, which Kubernetes never updates. */
const PVC_SIZE_VALUE = 'config.jetstream.fileStore.pvc.size';
const PVC_STORAGE_CLASS_VALUE = 'config.jetstream.fileStore.pvc.storageClassName';
/** Links for the volume findings: users read them in the pull request, so public docs only. */
const K8S_EXPAND_PVC_DOCS = KUBERNETES.expandPvc;
const K8S_DELETE_STATEFULSET_DOCS = KUBERNETES.deleteStatefulSet;
const VOLUME_RUNBOOK = 'docs/operations.md#growing-the-jetstream-file-store';
const STATEFULSET_REFUSES =
  "the chart writes it into the NATS StatefulSet's volumeClaimTemplates, which Kubernetes " +
  'refuses to update ("updates to statefulset spec for fields other than ... are forbidden"), so the Helm upgrade or ' +
  'Argo CD sync fails until the StatefulSet is recreated';

/**
 * The JetStream volume: its size is `nats.fileStorageSize`, fixed per environment, so only a
 * deliberate capacity change (or a StorageClass change) lands here, never a new stream.
 */
function volumeFindings(change: ResourceChange, a: Record<string, unknown>, b: Record<string, unknown>): RawFinding[] {
  const out: RawFinding[] = [];
  const sources = [
    CHART.volumeClaimTemplates,
    KUBERNETES.statefulSetStorage,
    KUBERNETES.expandPvc,
    KUBERNETES.deleteStatefulSet,
  ];
  const add = (message: string) => {
    out.push({
      severity: 'blocking',
      rule: 'helm.volume-claim-template',
      resource: id(change.after!),
      message,
      sources,
    });
  };
  const oldSize = getPath(a, PVC_SIZE_VALUE);
  const newSize = getPath(b, PVC_SIZE_VALUE);
  if (!sameValue(oldSize, newSize)) {
    const oldBytes = quantityBytes(oldSize);
    const newBytes = quantityBytes(newSize);
    if (oldBytes !== undefined && newBytes !== undefined && newBytes < oldBytes) {
      add(
        `${PVC_SIZE_VALUE} ${show(oldSize)} → ${show(newSize)}: a smaller JetStream volume. Kubernetes never ` +
          `shrinks a PVC (${K8S_EXPAND_PVC_DOCS}), and ${STATEFULSET_REFUSES}. The ` +
          `servers keep their larger volumes; ` +
          'only new ones would be smaller. Keep the size unless you mean to migrate the data to new volumes.',
      );
    } else {
      add(
        `${PVC_SIZE_VALUE} ${show(oldSize)} → ${show(newSize)}: the JetStream file store capacity ` +
          `(nats.fileStorageSize) changes; ${STATEFULSET_REFUSES}. Follow the runbook ${VOLUME_RUNBOOK}: expand ` +
          `each existing PVC in place (\`kubectl patch pvc\` to ${show(newSize)}; the StorageClass needs ` +
          `allowVolumeExpansion, ${K8S_EXPAND_PVC_DOCS}), then \`kubectl delete ` +
          `statefulset <name> --cascade=orphan\` ` +
          `so the pods keep running (${K8S_DELETE_STATEFULSET_DOCS}) and let Argo CD or ` +
          `helm recreate it, then verify. ` +
          'Acknowledge this finding once that is planned.',
      );
    }
  }
  const oldClass = getPath(a, PVC_STORAGE_CLASS_VALUE);
  const newClass = getPath(b, PVC_STORAGE_CLASS_VALUE);
  if (!sameValue(oldClass, newClass)) {
    add(
      `${PVC_STORAGE_CLASS_VALUE} ${show(oldClass)} → ${show(newClass)}: ${STATEFULSET_REFUSES}. Existing PVCs ` +
        "keep their StorageClass (a PVC's class cannot change); only volumes created afterwards get the new one, so " +
        'moving the data means new volumes.',
    );
  }
  return out;
}

/** Bytes of a Kubernetes quantity with a binary or plain suffix (`16Gi`, `972Mi`); undefined otherwise. */
function quantityBytes(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d+)(Ki|Mi|Gi|Ti)?$/.exec(value) : null;
  if (!match) return undefined;
  return Number(match[1]) * 1024 ** ['', 'Ki', 'Mi', 'Gi', 'Ti'].indexOf(match[2] ?? '');
}

function helmValuesFindings(change: ResourceChange, context: RuleContext): RawFinding[] {
  if (change.type !== 'changed' || !change.before || !change.after) return [];
  const a = change.before.body;
  const b = change.after.body;
  const out = volumeFindings(change, a, b);
  const add = collector(out);
  const oldReplicas = getPath(a, 'config.cluster.replicas');
  const newReplicas =
    getPath(b, 'config.cluster.replicas') ?? (getPath(b, 'config.cluster.enabled') === false ? 1 : undefined);
  if (typeof oldReplicas === 'number' && typeof newReplicas === 'number' && newReplicas < oldReplicas) {
    add(
      'warning',
      'helm.cluster-shrink',
      change.after,
      `NATS servers ${oldReplicas} → ${newReplicas}: the removed servers' JetStream ` +
        `data goes with their pods; move stream replicas off them ` +
        '(lower stream replicas or `nats server raft peer-remove`) before the StatefulSet shrinks.',
      [CHART.clusterReplicas, KUBERNETES.statefulSetPvcRetention],
    );
  }
  statefulSetIdentityFindings(add, change.after, context);
  return out;
}

/** A change of the Application that installs the nats chart, when the env's Helm values are unchanged. */
function natsApplicationFindings(change: ResourceChange, context: RuleContext): RawFinding[] {
  if (change.type !== 'changed' || !change.after) return [];
  const env = change.after.env;
  const values = (side: readonly PlanResource[]) => side.find((r) => r.env === env && isNatsValues(r));
  const [oldValues, newValues] = [values(context.before), values(context.after)];
  if (oldValues && newValues && diffsAt(oldValues.body, newValues.body)) return []; // the Helm values change reports it
  const out: RawFinding[] = [];
  statefulSetIdentityFindings(collector(out), change.after, context);
  return out;
}

/** What names the NATS StatefulSet and its volumes; a change of any of them makes a new, empty one. */
interface NatsStatefulSetIdentity {
  readonly releaseName?: string;
  readonly namespace?: string;
  readonly statefulSet?: string;
  readonly volumeClaimTemplate?: string;
  readonly storeDir?: string;
}

const IDENTITY_LABELS: Readonly<Record<keyof NatsStatefulSetIdentity, string>> = {
  releaseName: 'Helm release',
  namespace: 'namespace',
  statefulSet: 'StatefulSet',
  volumeClaimTemplate: 'volume claim template',
  storeDir: 'JetStream store_dir',
};

function statefulSetIdentityFindings(add: Add, reportOn: PlanResource, context: RuleContext): void {
  const a = natsIdentity(reportOn.env, context.before);
  const b = natsIdentity(reportOn.env, context.after);
  if (!a || !b) return;
  const changed = (Object.keys(IDENTITY_LABELS) as Array<keyof NatsStatefulSetIdentity>).filter(
    (k) => k !== 'releaseName' && a[k] !== undefined && b[k] !== undefined && a[k] !== b[k],
  );
  if (changed.length === 0) return;
  const what = changed.map((k) => `${IDENTITY_LABELS[k]} ${show(a[k])} → ${show(b[k])}`).join(', ');
  const release = ` (Helm release ${show(a.releaseName)} → ${show(b.releaseName)})`;
  const cause = a.releaseName === b.releaseName ? '' : release;
  const storeOnly = changed.length === 1 && changed[0] === 'storeDir';
  add(
    'blocking',
    'helm.statefulset-replaced',
    reportOn,
    (storeOnly
      ? `JetStream store_dir ${show(a.storeDir)} → ${show(b.storeDir)}: the NATS servers look for their ` +
        'JetStream data in a new, empty directory, '
      : `The NATS StatefulSet changes identity: ${what}${cause}. Kubernetes binds volumes by StatefulSet and claim ` +
        'template name (<claim template>-<StatefulSet>-<ordinal>), so the new StatefulSet starts on new, ' +
        'empty volumes, ') +
      'and every JetStream stream and message is gone (NACK re-creates the streams empty) while the old data ' +
      'stays behind unused. Keep the release name, namespace and chart names; to move for real, back up every stream ' +
      '(`nats stream backup`) and restore it after.',
    [
      CHART.fullname,
      CHART.defaultNames,
      CHART.namespace,
      CHART.statefulSet,
      storeOnly ? CHART.storeDir : CHART.volumeClaimTemplates,
      KUBERNETES.statefulSetStorage,
      ...(cause ? [KUBERNETES.argoCdReleaseName] : []),
    ],
  );
}

/**
 * The StatefulSet identity the chart renders for an environment, from its Helm values and the
 * Argo CD Application that installs it (release name, destination namespace). Follows the
 * chart's `nats.fullname`, `nats.namespace` and default names (templates/_helpers.tpl).
 */
function natsIdentity(env: string, resources: readonly PlanResource[]): NatsStatefulSetIdentity | undefined {
  const values = resources.find((r) => r.env === env && isNatsValues(r))?.body;
  if (!values) return undefined;
  const app = resources.find((r) => r.env === env && natsChartSource(r) !== undefined);
  const source = app ? natsChartSource(app) : undefined;
  // Argo CD's release name defaults to the Application's name.
  const helm = source?.helm as { releaseName?: unknown } | undefined;
  const releaseName = app ? String(helm?.releaseName ?? app.name) : undefined;
  const releaseNamespace = app ? (getPath(app.body, 'spec.destination.namespace') as string | undefined) : undefined;
  const str = (path: string) => {
    const v = getPath(values, path);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const name = trimName(str('nameOverride') ?? NATS_CHART_NAME);
  const fullnameOverride = str('fullnameOverride');
  const fromRelease = (release: string) => trimName(release.includes(name) ? release : `${release}-${name}`);
  const fullname =
    fullnameOverride !== undefined
      ? trimName(fullnameOverride)
      : releaseName === undefined
        ? undefined
        : fromRelease(releaseName);
  const jetstream = getPath(values, 'config.jetstream.enabled') === true;
  const fileStore = jetstream && getPath(values, 'config.jetstream.fileStore.enabled') !== false;
  const pvc = fileStore && getPath(values, 'config.jetstream.fileStore.pvc.enabled') !== false;
  return {
    releaseName,
    namespace: str('namespaceOverride') ?? releaseNamespace,
    statefulSet: str('statefulSet.name') ?? fullname,
    volumeClaimTemplate: !pvc
      ? '(none)'
      : (str('config.jetstream.fileStore.pvc.name') ?? (fullname === undefined ? undefined : `${fullname}-js`)),
    storeDir: fileStore ? (str('config.jetstream.fileStore.dir') ?? '/data') : '(none)',
  };
}

/** Helm's `trunc 63 | trimSuffix "-"`. */
function trimName(name: string): string {
  const cut = name.slice(0, 63);
  return cut.endsWith('-') ? cut.slice(0, -1) : cut;
}

/** The nats chart source of an Argo CD Application (`spec.source` or one of `spec.sources`). */
function natsChartSource(r: PlanResource): Record<string, unknown> | undefined {
  if (r.apiVersion !== ARGOCD_API_VERSION || r.kind !== 'Application') return undefined;
  const spec = specOf(r);
  const sources = [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])];
  const isNatsChart = (s: unknown): s is Record<string, unknown> =>
    typeof s === 'object' && s !== null && (s as { chart?: unknown }).chart === NATS_CHART_NAME;
  return sources.find(isNatsChart);
}

// ---------------------------------------------------------------------------------------------

function getPath(doc: Record<string, unknown>, dotted: string): unknown {
  let value: unknown = doc;
  for (const key of dotted.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function diffsAt(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function sameSet(a: unknown, b: unknown): boolean {
  const x = [...new Set(Array.isArray(a) ? a.map(String) : [])].sort();
  const y = [...new Set(Array.isArray(b) ? b.map(String) : [])].sort();
  return x.length > 0 && x.length === y.length && x.every((v, i) => v === y[i]);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
