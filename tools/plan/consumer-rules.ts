// What a change of a NACK Consumer does on the server (severities: tools/plan/plan-rules.ts).
import { subjectIsSubsetOf } from '../../lib/config/subjects';
import {
  conditionalField,
  CONSUMER_CONDITIONAL_FIELDS,
  filtersOf,
  sentAndChanged,
  withConsumerDefaults,
} from './nack-control-loop';
import type { Findings, PlanResource, RefusedChange, ResourceChange, RuleContext, Spec } from './plan-types';
import { reportKept, reportRefused, retentionOf, sameValue, show, specOf } from './plan-rules';
import { NACK, SERVER } from './upstream-sources';

const RECREATE =
  'NACK marks the CR Errored and keeps the old consumer; applying it means deleting and re-creating the consumer, ' +
  'which loses its delivery position and pending acks.';
const cannotChange = (what: string) => `nats-server cannot change a consumer's ${what}. ${RECREATE}`;

/** Sent on every update (CRD defaults included). */
const alwaysSent = (name: 'deliverPolicy' | 'ackPolicy' | 'replayPolicy'): RefusedChange => ({
  name,
  changed: (a, b) => !sameValue(a[name], b[name]),
  refusal: cannotChange(name),
  sources: [SERVER.consumer[name], NACK.consumerErrored],
});

/** Sent only when set. */
function sentWhenSet(name: 'heartbeatInterval' | 'flowControl'): RefusedChange {
  const field = conditionalField(CONSUMER_CONDITIONAL_FIELDS, name);
  return {
    name,
    changed: sentAndChanged(field),
    shown: (a, b) => `spec.${name} ${field.show(a)} → ${field.show(b)}`,
    refusal: cannotChange(name),
    sources: [SERVER.consumer[name], field.source, NACK.consumerErrored],
  };
}

/** NACK sends the start options with their deliver policy (consumer_controller.go:383-393). */
const startOption = (policy: string, value: (spec: Spec) => number) => (a: Spec, b: Spec) =>
  a.deliverPolicy === b.deliverPolicy && b.deliverPolicy === policy && value(a) !== value(b);

/** Max waiting as the server reads it: NACK sends 0 for unset, which a pull consumer turns into 512. */
function maxWaitingOf(spec: Spec): number {
  const n = Number(spec.maxWaiting ?? 0);
  return !spec.deliverSubject && n <= 0 ? 512 : n;
}

/** Consumer changes nats-server refuses, in the order the plan reports them. */
const CONSUMER_REFUSED: readonly RefusedChange[] = [
  alwaysSent('deliverPolicy'),
  alwaysSent('ackPolicy'),
  alwaysSent('replayPolicy'),
  {
    name: 'optStartSeq',
    changed: startOption('byStartSequence', (s) => Number(s.optStartSeq ?? 0)),
    refusal: cannotChange('start sequence'),
    sources: [SERVER.consumer.optStartSeq, NACK.consumerDeliverPolicy],
  },
  {
    name: 'optStartTime',
    changed: startOption('byStartTime', (s) => Date.parse(String(s.optStartTime))),
    refusal: cannotChange('start time'),
    sources: [SERVER.consumer.optStartTime, NACK.consumerDeliverPolicy],
  },
  sentWhenSet('heartbeatInterval'),
  sentWhenSet('flowControl'),
  {
    // NACK always sends maxWaiting (consumer_controller.go:345); unset on a pull consumer means 512.
    name: 'maxWaiting',
    changed: (a, b) => maxWaitingOf(a) !== maxWaitingOf(b),
    shown: (a, b) =>
      `spec.maxWaiting ${show(a.maxWaiting)} → ${show(b.maxWaiting)} ` +
      `(the server reads ${maxWaitingOf(a)} → ${maxWaitingOf(b)})`,
    refusal: cannotChange('max waiting'),
    sources: [SERVER.consumer.maxWaiting, SERVER.consumer.maxWaitingDefault, NACK.consumerAlwaysSent],
  },
  {
    name: 'push-pull',
    changed: (a, b) => Boolean(a.deliverSubject) !== Boolean(b.deliverSubject),
    shown: (a, b) =>
      `${a.deliverSubject ? 'push → pull' : 'pull → push'} ` +
      `(spec.deliverSubject ${show(a.deliverSubject)} → ${show(b.deliverSubject)})`,
    refusal: `nats-server cannot turn a pull consumer into a push consumer or back. ${RECREATE}`,
    sources: [SERVER.consumer.pushPull, NACK.consumerAlwaysSent],
  },
];

export function consumerFindings(change: ResourceChange, context: RuleContext, report: Findings): void {
  const { before, after } = change;
  if (change.type === 'removed' && before) return consumerRemoved(before, context, report);
  if (!before || !after) return;
  const a = withConsumerDefaults(specOf(before));
  const b = withConsumerDefaults(specOf(after));

  if (a.durableName !== b.durableName) {
    report.blocking(
      'consumer.renamed',
      `Durable name "${a.durableName}" → "${b.durableName}": NACK creates a new consumer "${b.durableName}" that ` +
        `starts from its deliverPolicy (${show(b.deliverPolicy)}: the workers see the stream again from there) and ` +
        (change.type === 'renamed'
          ? `deletes "${a.durableName}" with its position when the old CR goes.`
          : `leaves "${a.durableName}" orphaned on the server.`),
      [NACK.consumerCreate, NACK.consumerDelete],
    );
    return;
  }
  if (change.type === 'renamed' || before.namespace !== after.namespace) {
    report.blocking(
      'consumer.object-renamed',
      `Consumer "${a.durableName}" moves from object ${before.namespace ?? ''}/${before.name} to ` +
        `${after.namespace ?? ''}/${after.name}: deleting the old CR makes NACK delete the durable the new CR ` +
        'manages (NACK deletes by name); it comes back empty, from its deliverPolicy. Keep the object name.',
      [NACK.consumerDelete],
    );
  }
  if (a.streamName !== b.streamName) {
    report.blocking(
      'consumer.streamName',
      `spec.streamName ${show(a.streamName)} → ${show(b.streamName)}: a consumer belongs to its stream; NACK ` +
        `creates a new consumer on "${b.streamName}" and the one on "${a.streamName}" stays behind.`,
      [NACK.consumerCreate],
    );
    return;
  }
  reportRefused(report, 'consumer', a, b, CONSUMER_REFUSED);
  const memStorage = conditionalField(CONSUMER_CONDITIONAL_FIELDS, 'memStorage');
  if (memStorage.meaning(a) !== memStorage.meaning(b)) {
    report.notApplied(
      'consumer.memStorage-not-applied',
      `Not applied: spec.memStorage ${memStorage.show(a)} → ${memStorage.show(b)}. ` +
        (b.memStorage === true
          ? "nats-server 2.14.2 accepts the update and records mem_storage, but a consumer's storage is chosen once, " +
            'when it is created, so its state stays where it is. '
          : 'NACK only sends memStorage when true, so the consumer keeps memory storage. ') +
        'Fix: keep memStorage as it was, or delete and re-create the consumer (which resets its position) to ' +
        'change it.',
      [memStorage.source, SERVER.consumer.updateCheck, SERVER.consumer.recordConfig, SERVER.consumerStorageAtCreate],
    );
  }
  const kept = CONSUMER_CONDITIONAL_FIELDS.filter((f) => f !== memStorage);
  reportKept(report, 'consumer', kept, a, b);
  filterOnInterestFindings(report, after, a, b, context);
}

function consumerRemoved(before: PlanResource, context: RuleContext, report: Findings): void {
  const spec = specOf(before);
  const retention = retentionOf(String(spec.streamName), before.env, context.before);
  const durable = `"${String(spec.durableName)}" on stream "${String(spec.streamName)}"`;
  if (retention === 'interest') {
    report.blocking(
      'consumer.removed',
      `Removing durable consumer ${durable} deletes it; on an interest stream, messages only it still needed are ` +
        'deleted with it.',
      [NACK.consumerDelete, SERVER.consumer.deleteInterestCleanup],
    );
  } else {
    report.warning(
      'consumer.removed',
      `Removing durable consumer ${durable} deletes it with its delivery position and pending acks` +
        (retention === 'workqueue'
          ? '; its share of the work queue is left unconsumed.'
          : '; adding it back replays from its deliverPolicy.'),
      [NACK.consumerDelete],
    );
  }
}

/** On an interest stream, a narrower filter makes the server delete what no consumer wants any more. */
function filterOnInterestFindings(report: Findings, after: PlanResource, a: Spec, b: Spec, context: RuleContext) {
  if (!sentAndChanged(conditionalField(CONSUMER_CONDITIONAL_FIELDS, 'filterSubject/filterSubjects'))(a, b)) return;
  if (retentionOf(String(b.streamName), after.env, context.after) !== 'interest') return;
  const oldFilters = filtersOf(a).length > 0 ? filtersOf(a) : ['>'];
  const lost = oldFilters.filter((old) => !filtersOf(b).some((f) => subjectIsSubsetOf(old, f)));
  if (lost.length === 0) return; // only wider: nothing loses interest
  report.blocking(
    'consumer.filter-interest',
    `The filter of "${b.durableName}" narrows (${lost.map((s) => `"${s}"`).join(', ')} no longer covered) ` +
      `on interest stream "${b.streamName}": ` +
      'right after the update nats-server deletes the stored messages no consumer is interested in any more. ' +
      'Back them up first, or add the consumer that should keep them before narrowing this one.',
    [SERVER.consumer.filterInterestCleanup, NACK.consumer.filterSubjects],
  );
}
