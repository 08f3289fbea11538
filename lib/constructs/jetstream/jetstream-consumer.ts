import { Construct } from 'constructs';
import {
  Consumer,
  ConsumerSpecAckPolicy,
  ConsumerSpecDeliverPolicy,
  ConsumerSpecReplayPolicy,
} from '../../../imports/jetstream.nats.io';
import {
  checkInteger,
  checkJetStreamName,
  checkName,
  checkOneOf,
  CheckTarget,
  literal,
  toPositiveDuration,
} from '../../config/checks';
import {
  ACK_POLICIES,
  AckPolicy,
  ConsumerConfig,
  DELIVER_POLICIES,
  DeliverPolicy,
  REPLAY_POLICIES,
  ReplayPolicy,
} from '../../config/types';
import { fail } from '../../config/errors';
import { checkDescription, JetStreamStream } from './jetstream-stream';
import { KUBERNETES_NAME_RULES, toKubernetesName } from '../../config/names';
import { subjectIsSubsetOf, subjectSyntaxError } from '../../config/subjects';
import { Duration, goDuration } from '../../config/units';

const CONSUMER_GO = 'https://github.com/nats-io/nats-server/blob/v2.14.2/server/consumer.go';

export interface JetStreamConsumerProps extends Omit<ConsumerConfig, 'stream'> {
  /** The stream this consumer reads. */
  readonly stream: JetStreamStream;
}

/**
 * A durable JetStream consumer, rendered as a NACK `jetstream.nats.io/v1beta2` Consumer.
 *
 * Always emits `ackPolicy` and `ackWait`: the CRD defaults them to `none` and `1ns`, which
 * would turn off acks or redeliver almost at once (nats-io/nack#136, nack.md §0).
 * `spec.account` is its stream's: NACK resolves it in the consumer's own namespace
 * (nats-io/nack v0.22.4 internal/controller/jetstream_controller.go:156-165).
 */
export class JetStreamConsumer extends Construct {
  public readonly durableName: string;
  public readonly stream: JetStreamStream;
  /** Empty means every subject of the stream. */
  public readonly filterSubjects: readonly string[];
  public readonly ackPolicy: AckPolicy;
  public readonly ackWait: Duration;
  public readonly maxDeliver: number;
  public readonly maxAckPending: number;
  public readonly maxRequestBatch?: number;
  public readonly deliverPolicy: DeliverPolicy;
  public readonly replayPolicy: ReplayPolicy;
  /** Undefined means inherit the stream's replicas. */
  public readonly replicas?: number;
  public readonly deliverSubject?: string;
  public readonly resource: Consumer;
  /**
   * False for a consumer without acks that does not set maxAckPending: the server would refuse it on a push consumer.
   */
  private readonly emitsMaxAckPending: boolean;

  constructor(scope: Construct, id: string, props: JetStreamConsumerProps) {
    super(scope, id);
    const t: CheckTarget = { scope: this, resource: `Consumer "${props.name}" (stream "${props.stream.streamName}")` };
    this.stream = props.stream;
    this.durableName = checkJetStreamName(t, 'name', props.name);
    if (props.description !== undefined) checkDescription(t, props.description);
    this.ackPolicy = checkOneOf(t, 'ackPolicy', props.ackPolicy ?? 'explicit', ACK_POLICIES);
    this.deliverPolicy = checkOneOf(t, 'deliverPolicy', props.deliverPolicy ?? 'all', DELIVER_POLICIES);
    this.replayPolicy = checkOneOf(t, 'replayPolicy', props.replayPolicy ?? 'instant', REPLAY_POLICIES);
    // A negative ack wait is refused (consumer.go:750-751); 0 would be NACK's 1ns CRD default, not the server's 30s.
    this.ackWait = toPositiveDuration(t, 'ackWait', props.ackWait ?? '30s');
    // 0 or a negative value means "redeliver forever" to the server (consumer.go:586-591): a poison message then loops.
    this.maxDeliver = checkInteger(
      t,
      'maxDeliver',
      props.maxDeliver ?? 5,
      { min: 1 },
      `write ${literal('maxDeliver', 5)} (the number of delivery attempts before a message is given up)`,
    );
    this.maxAckPending = checkInteger(
      t,
      'maxAckPending',
      props.maxAckPending ?? 1000,
      { min: 1 },
      `write ${literal('maxAckPending', 1000)} (the server default)`,
    );
    this.filterSubjects = this.checkFilters(t, props.filterSubjects ?? []);

    if (props.deliverSubject !== undefined) {
      this.deliverSubject = this.checkDeliverSubject(t, props.deliverSubject);
    }
    // Without acks nothing is pending: a push consumer with ackPolicy none and maxAckPending is refused
    // (error 10082, consumer.go:802-803), so the default is not sent then.
    this.emitsMaxAckPending = this.ackPolicy !== 'none' || props.maxAckPending !== undefined;
    if (this.ackPolicy === 'none' && this.deliverSubject !== undefined && props.maxAckPending !== undefined) {
      fail(this, {
        resource: t.resource,
        field: 'maxAckPending',
        value: props.maxAckPending,
        allowed: `not set on a push consumer with ackPolicy "none" (error 10082, ${CONSUMER_GO}#L803)`,
        fix: `remove maxAckPending, or write ${literal('ackPolicy', 'explicit')}`,
      });
    }
    if (props.maxRequestBatch !== undefined) {
      if (this.deliverSubject) {
        fail(this, {
          resource: t.resource,
          field: 'maxRequestBatch',
          value: props.maxRequestBatch,
          allowed: 'only on pull consumers (a push consumer sends without requests)',
          fix: 'remove maxRequestBatch, or remove deliverSubject',
        });
      }
      // A negative batch is refused (error 10114, consumer.go:825-826); 0 means no limit: leave the field out for that.
      this.maxRequestBatch = checkInteger(
        t,
        'maxRequestBatch',
        props.maxRequestBatch,
        { min: 1 },
        `write ${literal('maxRequestBatch', 100)}, or leave maxRequestBatch out for no limit`,
      );
    }
    if (props.replicas !== undefined) {
      const streamReplicas = this.stream.replicas;
      const mustEqual = this.stream.retention !== 'limits';
      // Server 10126 (above the stream's, consumer.go:719-720) and 10134 (interest/workqueue must equal,
      // consumer.go:731-733).
      this.replicas = checkInteger(
        t,
        'replicas',
        props.replicas,
        mustEqual ? { min: streamReplicas, max: streamReplicas } : { min: 1, max: streamReplicas },
        mustEqual
          ? `write ${literal('replicas', streamReplicas)}, or remove replicas to inherit ` +
              `them: on a ${this.stream.retention} stream ` +
              `consumer replicas must equal the stream's (error 10134, ${CONSUMER_GO}#L733)`
          : `write ${literal('replicas', streamReplicas)} or fewer, or remove replicas to ` +
              `inherit them: consumer replicas cannot ` +
              `exceed the stream's (error 10126, ${CONSUMER_GO}#L720)`,
      );
    }
    if (this.stream.retention === 'workqueue') {
      // Work-queue rules on one consumer: consumer.go:1139-1147 (and the clustered pre-check
      // jetstream_cluster.go:9480-9488);
      // a pull consumer without acks is refused earlier, as 10084 (consumer.go:810-811).
      if (this.ackPolicy !== 'explicit') {
        fail(this, {
          resource: t.resource,
          field: 'ackPolicy',
          value: this.ackPolicy,
          allowed:
            `"explicit" on a workqueue stream (server error 10098, ${CONSUMER_GO}#L1142; ` +
            `10084 for a pull consumer without acks)`,
          fix: `write ${literal('ackPolicy', 'explicit')}`,
        });
      }
      if (this.deliverPolicy !== 'all') {
        fail(this, {
          resource: t.resource,
          field: 'deliverPolicy',
          value: this.deliverPolicy,
          allowed: `"all" on a workqueue stream (server error 10101, ${CONSUMER_GO}#L1146)`,
          fix: `write ${literal('deliverPolicy', 'all')}`,
        });
      }
    }
    if (this.deliverPolicy === 'lastPerSubject' && this.filterSubjects.length === 0) {
      fail(this, {
        resource: t.resource,
        field: 'filterSubjects',
        value: props.filterSubjects,
        allowed:
          `at least one filter subject with deliverPolicy "lastPerSubject" (server error ` +
          `10094, ${CONSUMER_GO}#L921)`,
        fix: `write ${literal('filterSubjects', [this.stream.subjects[0]])}, or ${literal('deliverPolicy', 'all')}`,
      });
    }

    const kubernetesName = checkName(
      t,
      'name (as a Kubernetes name)',
      toKubernetesName(this.durableName),
      KUBERNETES_NAME_RULES.Consumer,
      { fallback: 'worker' },
    );
    this.resource = new Consumer(this, 'Resource', {
      metadata: { name: kubernetesName },
      spec: {
        account: this.stream.account,
        streamName: this.stream.streamName,
        durableName: this.durableName,
        description: props.description,
        // One filter goes in filterSubject: jsm.go would send a single filterSubjects entry that way anyway.
        filterSubject: this.filterSubjects.length === 1 ? this.filterSubjects[0] : undefined,
        filterSubjects: this.filterSubjects.length > 1 ? [...this.filterSubjects] : undefined,
        ackPolicy: this.ackPolicy as ConsumerSpecAckPolicy,
        ackWait: goDuration(this.ackWait),
        maxDeliver: this.maxDeliver,
        maxAckPending: this.emitsMaxAckPending ? this.maxAckPending : undefined,
        maxRequestBatch: this.maxRequestBatch,
        deliverPolicy: this.deliverPolicy as ConsumerSpecDeliverPolicy,
        replayPolicy: this.replayPolicy as ConsumerSpecReplayPolicy,
        replicas: this.replicas,
        deliverSubject: this.deliverSubject,
      },
    });
  }

  /** A pull consumer has no deliver subject; KEDA's scaler only makes sense for those. */
  get isPull(): boolean {
    return this.deliverSubject === undefined;
  }

  get kubernetesName(): string {
    return this.resource.name;
  }

  private checkFilters(t: CheckTarget, filters: string[]): string[] {
    if (!Array.isArray(filters)) {
      fail(this, {
        resource: t.resource,
        field: 'filterSubjects',
        value: filters,
        allowed: 'a list of NATS subjects',
        fix: `write ${literal('filterSubjects', [...this.stream.subjects])}`,
      });
    }
    filters.forEach((filter, i) => {
      const field = `filterSubjects[${i}]`;
      const why = typeof filter === 'string' ? subjectSyntaxError(filter) : 'it is not a string';
      if (why) {
        // An empty filter is 10139 (consumer.go:870-873), any other invalid one 10052 (consumer.go:878-881).
        fail(this, {
          resource: t.resource,
          field,
          value: filter,
          allowed: 'a valid NATS subject (server error 10139 or 10052)',
          fix: `correct the subject (${why}), e.g. ${literal('filterSubjects', [...this.stream.subjects])}`,
        });
      }
      // Servers since 2.10 accept a filter outside the stream's subjects and deliver nothing (nack.md §5).
      if (!this.stream.subjects.some((s) => subjectIsSubsetOf(filter, s))) {
        fail(this, {
          resource: t.resource,
          field,
          value: filter,
          allowed:
            `a subject inside the stream's subjects ` +
            `${JSON.stringify(this.stream.subjects)} (a filter outside the stream ` +
            'matches nothing, and nats-server no longer says so)',
          fix:
            `write a filter inside the stream, e.g. ` +
            `${literal('filterSubjects', [...this.stream.subjects])}, or point the ` +
            `consumer at the right stream`,
        });
      }
      for (let j = 0; j < i; j++) {
        if (subjectIsSubsetOf(filter, filters[j]) || subjectIsSubsetOf(filters[j], filter)) {
          // consumer.go:879-886: filters must not overlap (the server compares them with subjectIsSubsetMatch).
          const broader = subjectIsSubsetOf(filter, filters[j]) ? filters[j] : filter;
          const kept = filters.filter(
            (f, k) => k === filters.indexOf(f) && (f === broader || !subjectIsSubsetOf(f, broader)),
          );
          fail(this, {
            resource: t.resource,
            field,
            value: filter,
            allowed:
              `filters that do not overlap (it overlaps filterSubjects[${j}] ` +
              `"${filters[j]}", server error 10138, ${CONSUMER_GO}#L884)`,
            fix: `remove the narrower filter: ${literal('filterSubjects', kept)}`,
          });
        }
      }
    });
    return filters;
  }

  private checkDeliverSubject(t: CheckTarget, subject: string): string {
    const example = `deliver.${toKubernetesName(this.durableName) || 'consumer'}`;
    const why =
      typeof subject !== 'string'
        ? 'it is not a string'
        : (subjectSyntaxError(subject) ?? (/[*>]/.test(subject) ? 'it contains a wildcard' : undefined));
    if (why) {
      fail(this, {
        resource: t.resource,
        field: 'deliverSubject',
        value: subject,
        allowed: `a literal subject without wildcards (server errors 10079 and 10112, ${CONSUMER_GO}#L791)`,
        fix: `correct it (${why}), e.g. ${literal('deliverSubject', example)}`,
      });
    }
    if (this.stream.subjects.some((s) => subjectIsSubsetOf(subject, s))) {
      fail(this, {
        resource: t.resource,
        field: 'deliverSubject',
        value: subject,
        allowed:
          `a subject outside the stream's own subjects (a cycle otherwise, server error ` +
          `10081, ${CONSUMER_GO}#L797)`,
        fix: `write ${literal('deliverSubject', example)}`,
      });
    }
    return subject;
  }
}
