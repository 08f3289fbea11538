// The changes `npm run plan` refuses without an acknowledgement, with the reason a reviewer needs.
// Sources: nack.md §0 (summary), §3 (what NACK and nats-server do on update: server-side
// immutability), §4 (deletion). Absent fields are read with NACK's CRD defaults, because that
// is what the API server stores (storage absent = memory, ackPolicy absent = none).
import { NACK_CONSUMER_CRD_DEFAULTS, NACK_STREAM_CRD_DEFAULTS, parseGoDuration } from './nack-jetstream-api';
import type { Finding, PlanResource, ResourceChange, Severity } from './plan';

/** Kind and apiVersion of the Helm values pseudo-resource (lib/plan-sources.ts). */
export const HELM_VALUES_KIND = 'HelmValues';
export const HELM_VALUES_API_VERSION = 'overmind-nats/helm-values';

const NACK_API_VERSION = 'jetstream.nats.io/v1beta2';
/** Where NACK (control loop) deletes the stream on finalization unless `preventDelete` is set. */
const NACK_STREAM_DELETE_SOURCE =
  'https://github.com/nats-io/nack/blob/v0.22.4/internal/controller/stream_controller.go#L146-L171';

export interface RuleContext {
  readonly before: readonly PlanResource[];
  readonly after: readonly PlanResource[];
}

type RawFinding = Omit<Finding, 'acknowledgement'>;
type Spec = Record<string, unknown>;

const isStream = (r: PlanResource) => r.apiVersion === NACK_API_VERSION && r.kind === 'Stream';
const isConsumer = (r: PlanResource) => r.apiVersion === NACK_API_VERSION && r.kind === 'Consumer';
const specOf = (r: PlanResource): Spec => (r.body.spec ?? {}) as Spec;
const id = (r: PlanResource) => `${r.env}/${r.kind}/${r.name}`;
const show = (v: unknown) => (v === undefined ? '(unset)' : typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

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
  if (isStream(subject)) return streamFindings(change);
  if (isConsumer(subject)) return consumerFindings(change, context);
  if (subject.kind === HELM_VALUES_KIND && subject.apiVersion === HELM_VALUES_API_VERSION) return helmValuesFindings(change);
  return [];
}

// ---------------------------------------------------------------------------------------------
// Streams

/** Stream fields nats-server refuses to change at all (nack.md §0.7, §3). */
const STREAM_IMMUTABLE_FIELDS: readonly string[] = ['mirror', 'persistMode', 'allowMsgCounter'];
/** Switches that may go on but never off (nack.md §3; NACK itself only turns booleans on). */
const STREAM_ONE_WAY_SWITCHES: readonly string[] = ['sealed', 'denyDelete', 'denyPurge', 'allowMsgTtl', 'allowMsgSchedules'];
/** Limits whose lowering makes JetStream delete stored messages at once. */
const STREAM_LIMITS: ReadonlyArray<{ field: string; unit: string }> = [
  { field: 'maxAge', unit: 'age' },
  { field: 'maxBytes', unit: 'bytes' },
  { field: 'maxMsgs', unit: 'messages' },
  { field: 'maxMsgsPerSubject', unit: 'messages per subject' },
];

function streamFindings(change: ResourceChange): RawFinding[] {
  const out: RawFinding[] = [];
  const add = (severity: Severity, rule: string, resource: PlanResource, message: string) => out.push({ severity, rule, resource: id(resource), message });
  const { before, after } = change;

  if (change.type === 'removed' && before) {
    const name = specOf(before).name;
    if (specOf(before).preventDelete === true) {
      add('blocking', 'stream.removed', before,
        `Removing Stream "${name}": its object has preventDelete, so deleting it leaves the JetStream stream and ` +
        `its messages on the server (${NACK_STREAM_DELETE_SOURCE}), no longer managed by NACK: it keeps capturing ` +
        'its subjects and holding its storage. Argo CD will not prune the object (Prune=false). To drop the data, ' +
        'back it up if it matters (`nats stream backup`), then `nats stream rm`.');
    } else {
      add('blocking', 'stream.removed', before,
        `Removing Stream "${name}" makes NACK delete the JetStream stream and every message in it ` +
        `(${NACK_STREAM_DELETE_SOURCE}). Argo CD will not prune it (the CR carries Prune=false), but ` +
        '`kubectl apply --prune` or deleting the CR would. Back the stream up first (`nats stream backup`) if its ' +
        'messages matter.');
    }
    return out;
  }
  if (!before || !after) return out;
  const a = streamSpec(specOf(before));
  const b = streamSpec(specOf(after));

  if (a.preventDelete === true && b.preventDelete !== true) {
    add('blocking', 'stream.preventDelete', after,
      `spec.preventDelete true → ${show(specOf(after).preventDelete)}: without it NACK deletes stream "${b.name}" ` +
      'and every message in it as soon as the Stream object is deleted, by `kubectl delete`, a deleted namespace ' +
      `or any prune; Argo CD's Prune=false and Delete=false stop only Argo CD (${NACK_STREAM_DELETE_SOURCE}). ` +
      'Keep preventDelete: true.');
  }

  if (a.name !== b.name) {
    add('blocking', 'stream.renamed', after,
      `Stream name "${a.name}" → "${b.name}": JetStream cannot rename a stream, so NACK creates a new, empty stream "${b.name}" ` +
      `and "${a.name}" stays on the server with its messages${change.type === 'renamed' && a.preventDelete !== true
        ? ' until its CR is deleted, which deletes them (nack.md §4)' : ', orphaned (nack.md §0.7, §4)'}. ` +
      'While both exist they capture the same subjects, which nats-server refuses (10065).');
  } else if (change.type === 'renamed' || before.namespace !== after.namespace) {
    add('blocking', 'stream.object-renamed', after,
      `Stream "${a.name}" moves from object ${before.namespace ?? ''}/${before.name} to ${after.namespace ?? ''}/${after.name}: ` +
      (a.preventDelete === true
        ? `both objects manage stream "${a.name}" until the old one is deleted (its preventDelete keeps the ` +
          'messages then); should the old object lose preventDelete first, deleting it deletes the stream the new ' +
          'one manages. Keep the object name.'
        : `deleting the old CR makes NACK delete stream "${a.name}", the very stream the new CR manages, with its ` +
          'messages (NACK deletes by stream name, nack.md §4). Keep the object name.'));
  }
  if (a.storage !== b.storage) {
    add('blocking', 'stream.storage', after,
      `spec.storage ${show(a.storage)} → ${show(b.storage)}: nats-server cannot change a stream's storage type (error 10052, nack.md §3). ` +
      'NACK marks the CR Errored and retries while the stream keeps its old storage; applying it means deleting and re-creating the stream, losing its messages.');
  }
  if (a.retention !== b.retention) {
    if (a.retention === 'workqueue' || b.retention === 'workqueue') {
      add('blocking', 'stream.retention', after,
        `spec.retention ${show(a.retention)} → ${show(b.retention)}: nats-server refuses to change retention to or from workqueue (nack.md §3). ` +
        'Only deleting and re-creating the stream applies it, losing its messages.');
    } else if (b.retention === 'interest') {
      add('warning', 'stream.retention', after,
        `spec.retention ${show(a.retention)} → "interest": allowed since nats-server 2.10, but from then on a message is removed once every consumer has acknowledged it, ` +
        'and messages no current consumer is interested in may be removed at once.');
    }
  }
  for (const { field, unit } of STREAM_LIMITS) {
    const oldLimit = limitOf(field, a[field]);
    const newLimit = limitOf(field, b[field]);
    if (oldLimit === undefined || newLimit === undefined) continue; // unparsable: the synth validation reports it
    if (newLimit < oldLimit) {
      add('blocking', `stream.${field}-shrink`, after,
        `spec.${field} ${show(a[field] ?? 'unlimited')} → ${show(b[field])}: JetStream applies a lower limit at once and deletes the oldest stored messages beyond it. ` +
        `How much is stored cannot be known offline, so any lower ${unit} limit is treated as losing data; raising or removing a limit is safe.`);
    }
  }
  for (const field of STREAM_IMMUTABLE_FIELDS) {
    if (!sameValue(a[field], b[field])) {
      add('blocking', `stream.${field}`, after, `spec.${field} ${show(a[field])} → ${show(b[field])}: nats-server does not allow changing ${field} on an existing stream (nack.md §3).`);
    }
  }
  for (const field of STREAM_ONE_WAY_SWITCHES) {
    if (a[field] === true && b[field] !== true) {
      add('blocking', `stream.${field}`, after,
        `spec.${field} true → ${show(b[field])}: nats-server never turns ${field} off again, and NACK only ever turns switches on (nack.md §3).`);
    }
  }
  const dropped = asStrings(a.subjects).filter((s) => !asStrings(b.subjects).includes(s));
  if (dropped.length > 0 && a.name === b.name) {
    add('warning', 'stream.subjects-removed', after,
      `Subjects ${dropped.map((s) => `"${s}"`).join(', ')} leave the stream: publishes to them are no longer stored (publishers get no ack), ` +
      'while messages already stored stay until they age out.');
  }
  return out;
}

function streamSpec(spec: Spec): Spec {
  return { ...NACK_STREAM_CRD_DEFAULTS, ...stripUndefined(spec) };
}

/** A limit as a comparable number; Infinity for "no limit"; undefined when unreadable. */
function limitOf(field: string, value: unknown): number | undefined {
  if (field === 'maxAge') {
    if (value === undefined || value === '' || value === null) return Infinity;
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

/**
 * Consumer fields nats-server cannot change (`checkNewConsumerConfig`, nack.md §3). Missing
 * ones read as the CRD default, else as unset.
 */
const CONSUMER_IMMUTABLE_FIELDS: readonly string[] = [
  'deliverPolicy', 'optStartSeq', 'optStartTime', 'ackPolicy', 'replayPolicy', 'heartbeatInterval', 'flowControl', 'memStorage', 'maxWaiting',
];

function consumerFindings(change: ResourceChange, context: RuleContext): RawFinding[] {
  const out: RawFinding[] = [];
  const add = (severity: Severity, rule: string, resource: PlanResource, message: string) => out.push({ severity, rule, resource: id(resource), message });
  const { before, after } = change;
  const recreate = 'Applying it means deleting and re-creating the consumer, which loses its delivery position and pending acks; ' +
    'NACK instead marks the CR Errored and keeps the old consumer (nack.md §3).';

  if (change.type === 'removed' && before) {
    const spec = specOf(before);
    const retention = retentionOf(String(spec.streamName), before.env, context.before);
    const durable = `"${String(spec.durableName)}" on stream "${String(spec.streamName)}"`;
    if (retention === 'interest') {
      add('blocking', 'consumer.removed', before,
        `Removing durable consumer ${durable} deletes it (nack.md §4); on an interest stream, messages only it still needed are deleted with it.`);
    } else {
      add('warning', 'consumer.removed', before,
        `Removing durable consumer ${durable} deletes it with its delivery position and pending acks (nack.md §4)` +
        (retention === 'workqueue' ? '; its share of the work queue is left unconsumed.' : '; adding it back replays from its deliverPolicy.'));
    }
    return out;
  }
  if (!before || !after) return out;
  const a = { ...NACK_CONSUMER_CRD_DEFAULTS, ...stripUndefined(specOf(before)) } as Spec;
  const b = { ...NACK_CONSUMER_CRD_DEFAULTS, ...stripUndefined(specOf(after)) } as Spec;

  if (a.durableName !== b.durableName) {
    add('blocking', 'consumer.renamed', after,
      `Durable name "${a.durableName}" → "${b.durableName}": NACK creates a new consumer "${b.durableName}" that starts from its deliverPolicy ` +
      `(${show(b.deliverPolicy)}: the workers see the stream again from there) and ` +
      (change.type === 'renamed' ? `deletes "${a.durableName}" with its position when the old CR goes (nack.md §4).` : `leaves "${a.durableName}" orphaned on the server (nack.md §0.7, §4).`));
  } else if (change.type === 'renamed' || before.namespace !== after.namespace) {
    add('blocking', 'consumer.object-renamed', after,
      `Consumer "${a.durableName}" moves from object ${before.namespace ?? ''}/${before.name} to ${after.namespace ?? ''}/${after.name}: deleting the old CR makes NACK ` +
      'delete the durable the new CR manages (NACK deletes by name, nack.md §4); it comes back empty, from its deliverPolicy. Keep the object name.');
  }
  if (a.streamName !== b.streamName) {
    add('blocking', 'consumer.streamName', after,
      `spec.streamName ${show(a.streamName)} → ${show(b.streamName)}: a consumer belongs to its stream; NACK creates a new consumer on "${b.streamName}" ` +
      `and the one on "${a.streamName}" stays behind (nack.md §0.7).`);
  }
  for (const field of CONSUMER_IMMUTABLE_FIELDS) {
    if (!sameValue(a[field], b[field])) {
      add('blocking', `consumer.${field}`, after, `spec.${field} ${show(a[field])} → ${show(b[field])}: nats-server cannot change a consumer's ${field}. ${recreate}`);
    }
  }
  if (Boolean(a.deliverSubject) !== Boolean(b.deliverSubject)) {
    add('blocking', 'consumer.push-pull', after,
      `${a.deliverSubject ? 'push → pull' : 'pull → push'} (spec.deliverSubject ${show(a.deliverSubject)} → ${show(b.deliverSubject)}): nats-server cannot turn a pull consumer into a push consumer or back. ${recreate}`);
  }
  return out;
}

function retentionOf(streamName: string, env: string, resources: readonly PlanResource[]): string | undefined {
  const stream = resources.find((r) => r.env === env && isStream(r) && specOf(r).name === streamName);
  return stream ? String(streamSpec(specOf(stream)).retention) : undefined;
}

function filtersOf(spec: Spec): string[] {
  if (Array.isArray(spec.filterSubjects) && spec.filterSubjects.length > 0) return asStrings(spec.filterSubjects);
  return typeof spec.filterSubject === 'string' && spec.filterSubject !== '' ? [spec.filterSubject] : [];
}

// ---------------------------------------------------------------------------------------------
// NATS Helm values

/** Values the chart renders into the StatefulSet's volumeClaimTemplates, which Kubernetes never updates. */
const PVC_TEMPLATE_VALUES = ['config.jetstream.fileStore.pvc.size', 'config.jetstream.fileStore.pvc.storageClassName'];

function helmValuesFindings(change: ResourceChange): RawFinding[] {
  if (change.type !== 'changed' || !change.before || !change.after) return [];
  const out: RawFinding[] = [];
  const a = change.before.body;
  const b = change.after.body;
  for (const valuePath of PVC_TEMPLATE_VALUES) {
    const oldValue = getPath(a, valuePath);
    const newValue = getPath(b, valuePath);
    if (!sameValue(oldValue, newValue)) {
      out.push({
        severity: 'blocking', rule: 'helm.volume-claim-template', resource: id(change.after),
        message: `${valuePath} ${show(oldValue)} → ${show(newValue)}: the chart writes this into the NATS StatefulSet's volumeClaimTemplates, which Kubernetes ` +
          'refuses to update ("updates to statefulset spec for fields other than ... are forbidden"), so the Helm upgrade or Argo CD sync fails. ' +
          'Resize the existing PVCs yourself (if the StorageClass allows expansion), then delete the StatefulSet with `--cascade=orphan` and sync.',
      });
    }
  }
  const oldReplicas = getPath(a, 'config.cluster.replicas');
  const newReplicas = getPath(b, 'config.cluster.replicas') ?? (getPath(b, 'config.cluster.enabled') === false ? 1 : undefined);
  if (typeof oldReplicas === 'number' && typeof newReplicas === 'number' && newReplicas < oldReplicas) {
    out.push({
      severity: 'warning', rule: 'helm.cluster-shrink', resource: id(change.after),
      message: `NATS servers ${oldReplicas} → ${newReplicas}: the removed servers' JetStream data goes with their pods; move stream replicas off them ` +
        '(lower stream replicas or `nats server raft peer-remove`) before the StatefulSet shrinks.',
    });
  }
  return out;
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

function stripUndefined(spec: Spec): Spec {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
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
