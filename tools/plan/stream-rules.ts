// What a change of a NACK Stream does on the server (severities: tools/plan/plan-rules.ts).
import { parseGoDuration } from '../../lib/config/go-duration';
import { conditionalField, sentAndChanged, STREAM_CONDITIONAL_FIELDS, withStreamDefaults } from './nack-control-loop';
import type { Findings, PlanResource, RefusedChange, ResourceChange, RuleContext, Spec } from './plan-types';
import { asStrings, isConsumer, reportKept, reportRefused, show, specOf } from './plan-rules';
import { KUBERNETES, NACK, SERVER } from './upstream-sources';

/** Limits whose lowering makes JetStream delete stored messages at once. */
const STREAM_LIMITS: ReadonlyArray<{ field: string; unit: string }> = [
  { field: 'maxAge', unit: 'age' },
  { field: 'maxBytes', unit: 'bytes' },
  { field: 'maxMsgs', unit: 'messages' },
  { field: 'maxMsgsPerSubject', unit: 'messages per subject' },
];

/** A stream NACK creates without maxAge gets jsm.go's one-year template value. */
const JSM_DEFAULT_MAX_AGE_NANOS = parseGoDuration('8760h');

const STORAGE_REFUSED: RefusedChange = {
  name: 'storage',
  changed: (a, b) => a.storage !== b.storage,
  refusal:
    "nats-server cannot change a stream's storage type (error 10052). NACK marks the CR Errored and retries while " +
    'the stream keeps its old storage; applying it means deleting and re-creating the stream, losing its messages.',
  sources: [SERVER.stream.storageImmutable, NACK.streamErrored],
};

/** Settings nats-server fixes when a stream is created (or turns only one way), refused when NACK sends a change. */
const FIXED_AT_CREATE: readonly RefusedChange[] = [
  {
    name: 'mirror',
    changed: sentAndChanged(conditionalField(STREAM_CONDITIONAL_FIELDS, 'mirror')),
    refusal: 'nats-server does not allow changing the mirror of an existing stream (10055).',
    sources: [SERVER.stream.mirror, NACK.stream.mirror],
  },
  {
    name: 'persistMode',
    changed: sentAndChanged(conditionalField(STREAM_CONDITIONAL_FIELDS, 'persistMode')),
    refusal: 'nats-server does not allow changing the persist mode of an existing stream.',
    sources: [SERVER.stream.persistMode, NACK.stream.persistMode],
  },
  {
    name: 'allowMsgCounter',
    changed: (a, b) => b.allowMsgCounter === true && a.allowMsgCounter !== true,
    shown: () => 'spec.allowMsgCounter false → true',
    refusal: 'nats-server does not allow turning message counters on for an existing stream.',
    sources: [SERVER.stream.allowMsgCounter, NACK.stream.allowMsgCounter],
  },
];

export function streamFindings(change: ResourceChange, context: RuleContext, report: Findings): void {
  const { before, after } = change;
  if (change.type === 'removed' && before) return streamRemoved(before, report);
  if (!before || !after) return;
  const a = withStreamDefaults(specOf(before));
  const b = withStreamDefaults(specOf(after));

  if (a.preventDelete === true && b.preventDelete !== true) {
    report.blocking(
      'stream.preventDelete',
      `spec.preventDelete true → ${show(specOf(after).preventDelete)}: without it NACK deletes stream "${b.name}" ` +
        'and every message in it as soon as the Stream object is deleted, by `kubectl delete`, a deleted namespace ' +
        "or any prune; Argo CD's Prune=false and Delete=false stop only Argo CD. Keep preventDelete: true.",
      [NACK.streamDelete, KUBERNETES.argoCdSyncOptions],
    );
  }
  if (a.name !== b.name) {
    const orphaned =
      change.type === 'renamed' && a.preventDelete !== true
        ? ' until its CR is deleted, which deletes them'
        : ', orphaned';
    report.blocking(
      'stream.renamed',
      `Stream name "${a.name}" → "${b.name}": JetStream cannot rename a stream, so NACK creates a new, empty stream ` +
        `"${b.name}" and "${a.name}" stays on the server with its messages${orphaned}. ` +
        'While both exist they capture the same subjects, which nats-server refuses (10065).',
      [NACK.streamCreate, NACK.streamDelete, SERVER.subjectOverlap],
    );
    return; // a new stream: nothing below concerns the old one
  }
  if (change.type === 'renamed' || before.namespace !== after.namespace) {
    report.blocking(
      'stream.object-renamed',
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
  reportRefused(report, 'stream', a, b, [STORAGE_REFUSED]);
  retentionFindings(report, after, a, b, context);
  limitFindings(report, a, b);
  reportRefused(report, 'stream', a, b, FIXED_AT_CREATE);
  reportKept(report, 'stream', STREAM_CONDITIONAL_FIELDS, a, b, (field) =>
    field.field === 'discardPerSubject' && b.discard !== 'new'
      ? {
          text:
            'Worse: with discard "old" and the kept discard_new_per_subject, nats-server refuses the whole update, ' +
            'so nothing else in it applies either.',
          source: SERVER.stream.discardNewPerSubject,
        }
      : undefined,
  );
  const dropped = asStrings(a.subjects).filter((s) => !asStrings(b.subjects).includes(s));
  if (dropped.length > 0) {
    report.warning(
      'stream.subjects-removed',
      `Subjects ${dropped.map((s) => `"${s}"`).join(', ')} leave the stream: publishes to them are no longer ` +
        'stored (publishers get no ack), while messages already stored stay until they age out.',
      [SERVER.stream.subjectsRemoved],
    );
  }
}

function streamRemoved(before: PlanResource, report: Findings): void {
  const name = specOf(before).name;
  report.blocking(
    'stream.removed',
    specOf(before).preventDelete === true
      ? `Removing Stream "${name}": its object has preventDelete, so deleting it leaves the JetStream stream and ` +
          'its messages on the server, no longer managed by NACK: it keeps capturing its subjects and holding its ' +
          'storage. Argo CD will not prune the object (Prune=false). To drop the data, back it up if it matters ' +
          '(`nats stream backup`), then `nats stream rm`.'
      : `Removing Stream "${name}" makes NACK delete the JetStream stream and every message in it. Argo CD will not ` +
          'prune it (the CR carries Prune=false), but `kubectl apply --prune` or deleting the CR would. ' +
          'Back the stream up first (`nats stream backup`) if its messages matter.',
    [NACK.streamDelete],
  );
}

function retentionFindings(report: Findings, after: PlanResource, a: Spec, b: Spec, context: RuleContext): void {
  if (a.retention === b.retention) return;
  if (a.retention === 'workqueue' || b.retention === 'workqueue') {
    report.blocking(
      'stream.retention',
      `spec.retention ${show(a.retention)} → ${show(b.retention)}: nats-server refuses to change retention to or ` +
        'from workqueue; NACK marks the CR Errored and retries. Only deleting and re-creating the stream applies ' +
        'it, losing its messages.',
      [SERVER.stream.retentionWorkqueue, NACK.streamErrored],
    );
    return;
  }
  if (b.retention !== 'interest') return; // interest → limits keeps every message
  report.blocking(
    'stream.retention',
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
    report.blocking(
      'stream.retention-consumer-replicas',
      `nats-server refuses the switch to interest while consumer ${list(stillMismatched)} has replicas set ` +
        `to another count than the stream's ${b.replicas}: NACK marks the Stream Errored and retries for ever. ` +
        `Remove replicas from the consumer (it then follows the stream) or set it to ${b.replicas}.`,
      sources,
    );
  } else if (untilUpdated.length > 0) {
    report.warning(
      'stream.retention-consumer-replicas',
      `nats-server refuses the switch to interest until consumer ${list(untilUpdated)} is updated to the stream's ` +
        `${b.replicas} replicas (Streams sync before Consumers): NACK marks the Stream Errored and applies it on a ` +
        'later retry.',
      sources,
    );
  }
}

function limitFindings(report: Findings, a: Spec, b: Spec): void {
  for (const { field, unit } of STREAM_LIMITS) {
    // What the server holds after the update: NACK sends maxAge and maxMsgsPerSubject only when set.
    const conditional = STREAM_CONDITIONAL_FIELDS.find((f) => f.field === field);
    const requested = conditional && !conditional.sent(b) ? a[field] : b[field];
    const oldLimit = limitOf(field, a[field]);
    const newLimit = limitOf(field, requested);
    if (oldLimit === undefined || newLimit === undefined) continue; // unparsable: the synth validation reports it
    if (newLimit >= oldLimit) continue;
    report.blocking(
      `stream.${field}-shrink`,
      `spec.${field} ${show(a[field] === '' ? '8760h (jsm.go default)' : a[field])} → ${show(b[field])}: ` +
        'JetStream applies a lower limit at once and deletes the oldest stored messages beyond it. ' +
        `How much is stored cannot be known offline, so any lower ${unit} limit is treated as losing data; ` +
        'raising or removing a limit is safe.',
      [SERVER.stream.storeUpdate, SERVER.fileStoreLimits],
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
