// One consumer of the config resolved against its resolved stream: defaults applied, units parsed, and every rule
// nats-server (v2.14.2) holds one consumer to checked. Rules across the consumers of a stream are in cross-checks.ts.
import {
  checkInteger,
  checkJetStreamName,
  checkOneOf,
  CheckTarget,
  ifSet,
  literal,
  reject,
  toPositiveDuration,
} from './checks';
import { toKubernetesName } from './names';
import { checkConsumerAlerts, rejectPerObjectFor } from './resolve-alerts';
import { checkDescription, checkKubernetesName, ResolvedStream } from './resolve-stream';
import { subjectIsSubsetOf, subjectSyntaxError } from './subjects';
import { ACK_POLICIES, ConsumerConfig, DELIVER_POLICIES, REPLAY_POLICIES } from './types';

const CONSUMER_GO = 'https://github.com/nats-io/nats-server/blob/v2.14.2/server/consumer.go';

/** A durable consumer with its defaults applied, its values checked, and the stream it reads. */
export type ResolvedConsumer = ReturnType<typeof resolveConsumer>;

export function resolveConsumer(environment: string, props: ConsumerConfig, stream: ResolvedStream) {
  const t: CheckTarget = { scope: environment, resource: `Consumer "${props.name}" (stream "${stream.name}")` };
  const name = checkJetStreamName(t, 'name', props.name);
  if (props.description !== undefined) checkDescription(t, props.description);
  const ackPolicy = checkOneOf(t, 'ackPolicy', props.ackPolicy ?? 'explicit', ACK_POLICIES);
  const deliverPolicy = checkOneOf(t, 'deliverPolicy', props.deliverPolicy ?? 'all', DELIVER_POLICIES);
  const replayPolicy = checkOneOf(t, 'replayPolicy', props.replayPolicy ?? 'instant', REPLAY_POLICIES);
  // A negative ack wait is refused (consumer.go:750-751); 0 would be NACK's 1ns CRD default, not the server's 30s.
  const ackWait = toPositiveDuration(t, 'ackWait', props.ackWait ?? '30s');
  // 0 or a negative value means "redeliver forever" to the server (consumer.go:586-591): a poison message then loops.
  const maxDeliver = checkInteger(t, 'maxDeliver', props.maxDeliver ?? 5, {
    min: 1,
    example: 5,
    note: ' (the number of delivery attempts before a message is given up)',
  });
  const maxAckPending = checkInteger(t, 'maxAckPending', props.maxAckPending ?? 1000, {
    min: 1,
    example: 1000,
    note: ' (the server default)',
  });
  const filterSubjects = checkFilters(t, stream, props.filterSubjects ?? []);
  const deliverSubject = ifSet(props.deliverSubject, (subject) => checkDeliverSubject(t, stream, name, subject));
  // Without acks nothing is pending: a push consumer with ackPolicy none and maxAckPending is refused
  // (error 10082, consumer.go:802-803), so the default is not sent then (sendsMaxAckPending false).
  const sendsMaxAckPending = ackPolicy !== 'none' || props.maxAckPending !== undefined;
  if (ackPolicy === 'none' && deliverSubject !== undefined && props.maxAckPending !== undefined) {
    reject(t, 'maxAckPending', props.maxAckPending, {
      allowed: `not set on a push consumer with ackPolicy "none" (error 10082, ${CONSUMER_GO}#L803)`,
      fix: `remove maxAckPending, or write ${literal('ackPolicy', 'explicit')}`,
    });
  }
  if (props.maxRequestBatch !== undefined && deliverSubject) {
    reject(t, 'maxRequestBatch', props.maxRequestBatch, {
      allowed: 'only on pull consumers (a push consumer sends without requests)',
      fix: 'remove maxRequestBatch, or remove deliverSubject',
    });
  }
  // A negative batch is refused (error 10114, consumer.go:825-826); 0 means no limit: leave the field out for that.
  const maxRequestBatch = ifSet(props.maxRequestBatch, (value) =>
    checkInteger(t, 'maxRequestBatch', value, {
      min: 1,
      example: 100,
      note: ', or leave maxRequestBatch out for no limit',
    }),
  );
  // Server 10126 (above the stream's, consumer.go:719-720) and 10134 (interest/workqueue must equal,
  // consumer.go:731-733).
  const mustEqual = stream.retention !== 'limits';
  const replicas = ifSet(props.replicas, (value) =>
    checkInteger(t, 'replicas', value, {
      min: mustEqual ? stream.replicas : 1,
      max: stream.replicas,
      example: stream.replicas,
      note: mustEqual
        ? `, or remove replicas to inherit them: on a ${stream.retention} stream ` +
          `consumer replicas must equal the stream's (error 10134, ${CONSUMER_GO}#L733)`
        : " or fewer, or remove replicas to inherit them: consumer replicas cannot exceed the stream's " +
          `(error 10126, ${CONSUMER_GO}#L720)`,
    }),
  );
  // Work-queue rules on one consumer: consumer.go:1139-1147 (and the clustered pre-check
  // jetstream_cluster.go:9480-9488); a pull consumer without acks is refused earlier, as 10084 (consumer.go:810-811).
  if (stream.retention === 'workqueue' && ackPolicy !== 'explicit') {
    reject(t, 'ackPolicy', ackPolicy, {
      allowed:
        `"explicit" on a workqueue stream (server error 10098, ${CONSUMER_GO}#L1142; ` +
        `10084 for a pull consumer without acks)`,
      fix: `write ${literal('ackPolicy', 'explicit')}`,
    });
  }
  if (stream.retention === 'workqueue' && deliverPolicy !== 'all') {
    reject(t, 'deliverPolicy', deliverPolicy, {
      allowed: `"all" on a workqueue stream (server error 10101, ${CONSUMER_GO}#L1146)`,
      fix: `write ${literal('deliverPolicy', 'all')}`,
    });
  }
  if (deliverPolicy === 'lastPerSubject' && filterSubjects.length === 0) {
    reject(t, 'filterSubjects', props.filterSubjects, {
      allowed:
        'at least one filter subject with deliverPolicy "lastPerSubject" ' +
        `(server error 10094, ${CONSUMER_GO}#L921)`,
      fix: `write ${literal('filterSubjects', [stream.subjects[0]])}, or ${literal('deliverPolicy', 'all')}`,
    });
  }

  const kubernetesName = checkKubernetesName(t, name, 'Consumer', 'worker');
  rejectPerObjectFor(t, props.alerts, 'consumers');
  const alerts = checkConsumerAlerts(t, 'alerts', props.alerts);
  return {
    name,
    kubernetesName,
    stream,
    description: props.description,
    filterSubjects,
    ackPolicy,
    ackWait,
    maxDeliver,
    maxAckPending,
    sendsMaxAckPending,
    maxRequestBatch,
    deliverPolicy,
    replayPolicy,
    replicas,
    deliverSubject,
    alerts,
  };
}

function checkFilters(t: CheckTarget, stream: ResolvedStream, filters: string[]): string[] {
  const streamSubjects = literal('filterSubjects', [...stream.subjects]);
  if (!Array.isArray(filters)) {
    reject(t, 'filterSubjects', filters, { allowed: 'a list of NATS subjects', fix: `write ${streamSubjects}` });
  }
  filters.forEach((filter, i) => {
    const field = `filterSubjects[${i}]`;
    const why = typeof filter === 'string' ? subjectSyntaxError(filter) : 'it is not a string';
    if (why) {
      // An empty filter is 10139 (consumer.go:870-873), any other invalid one 10052 (consumer.go:878-881).
      reject(t, field, filter, {
        allowed: 'a valid NATS subject (server error 10139 or 10052)',
        fix: `correct the subject (${why}), e.g. ${streamSubjects}`,
      });
    }
    // Servers since 2.10 accept a filter outside the stream's subjects and deliver nothing (nack.md §5).
    if (!stream.subjects.some((s) => subjectIsSubsetOf(filter, s))) {
      reject(t, field, filter, {
        allowed:
          `a subject inside the stream's subjects ${JSON.stringify(stream.subjects)} (a filter outside the stream ` +
          'matches nothing, and nats-server no longer says so)',
        fix: `write a filter inside the stream, e.g. ${streamSubjects}, or point the consumer at the right stream`,
      });
    }
    // consumer.go:879-886: filters must not overlap (the server compares them with subjectIsSubsetMatch).
    const j = filters.findIndex((f, k) => k < i && (subjectIsSubsetOf(filter, f) || subjectIsSubsetOf(f, filter)));
    if (j >= 0) {
      const broader = subjectIsSubsetOf(filter, filters[j]) ? filters[j] : filter;
      const kept = filters.filter(
        (f, k) => k === filters.indexOf(f) && (f === broader || !subjectIsSubsetOf(f, broader)),
      );
      reject(t, field, filter, {
        allowed:
          `filters that do not overlap (it overlaps filterSubjects[${j}] ` +
          `"${filters[j]}", server error 10138, ${CONSUMER_GO}#L884)`,
        fix: `remove the narrower filter: ${literal('filterSubjects', kept)}`,
      });
    }
  });
  return filters;
}

function checkDeliverSubject(t: CheckTarget, stream: ResolvedStream, name: string, subject: string): string {
  const example = literal('deliverSubject', `deliver.${toKubernetesName(name) || 'consumer'}`);
  const why =
    typeof subject !== 'string'
      ? 'it is not a string'
      : (subjectSyntaxError(subject) ?? (/[*>]/.test(subject) ? 'it contains a wildcard' : undefined));
  if (why) {
    reject(t, 'deliverSubject', subject, {
      allowed: `a literal subject without wildcards (server errors 10079 and 10112, ${CONSUMER_GO}#L791)`,
      fix: `correct it (${why}), e.g. ${example}`,
    });
  }
  if (stream.subjects.some((s) => subjectIsSubsetOf(subject, s))) {
    reject(t, 'deliverSubject', subject, {
      allowed:
        `a subject outside the stream's own subjects (a cycle otherwise, server error ` + `10081, ${CONSUMER_GO}#L797)`,
      fix: `write ${example}`,
    });
  }
  return subject;
}
