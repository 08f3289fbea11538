import { Construct } from 'constructs';
import { Consumer, ConsumerSpecAckPolicy, ConsumerSpecDeliverPolicy, ConsumerSpecReplayPolicy } from '../imports/jetstream.nats.io';
import { checkInteger, checkJetStreamName, checkKubernetesName, checkOneOf, CheckTarget, toPositiveDuration } from './checks';
import { AckPolicy, ConsumerConfig, DeliverPolicy, ReplayPolicy } from './config';
import { fail } from './errors';
import { JetStreamStream } from './jetstream-stream';
import { toKubernetesName } from './names';
import { subjectIsSubsetOf, subjectSyntaxError } from './subjects';
import { Duration, goDuration } from './units';

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

  constructor(scope: Construct, id: string, props: JetStreamConsumerProps) {
    super(scope, id);
    const t: CheckTarget = { scope: this, resource: `Consumer "${props.name}" (stream "${props.stream.streamName}")` };
    this.stream = props.stream;
    this.durableName = checkJetStreamName(t, 'name', props.name);
    this.ackPolicy = checkOneOf(t, 'ackPolicy', props.ackPolicy ?? 'explicit', ['explicit', 'all', 'none']);
    this.deliverPolicy = checkOneOf(t, 'deliverPolicy', props.deliverPolicy ?? 'all', ['all', 'last', 'new', 'lastPerSubject']);
    this.replayPolicy = checkOneOf(t, 'replayPolicy', props.replayPolicy ?? 'instant', ['instant', 'original']);
    this.ackWait = toPositiveDuration(t, 'ackWait', props.ackWait ?? '30s');
    this.maxDeliver = checkInteger(t, 'maxDeliver', props.maxDeliver ?? 5, { min: 1 },
      'set maxDeliver to 1 or more (the number of delivery attempts before a message is given up)');
    this.maxAckPending = checkInteger(t, 'maxAckPending', props.maxAckPending ?? 1000, { min: 1 },
      'set maxAckPending to 1 or more (the server default is 1000)');
    this.filterSubjects = this.checkFilters(t, props.filterSubjects ?? []);

    if (props.deliverSubject !== undefined) {
      this.deliverSubject = this.checkDeliverSubject(t, props.deliverSubject);
    }
    if (props.maxRequestBatch !== undefined) {
      if (this.deliverSubject) {
        fail(this, { resource: t.resource, field: 'maxRequestBatch', value: props.maxRequestBatch, allowed: 'only on pull consumers', fix: 'remove maxRequestBatch or deliverSubject' });
      }
      this.maxRequestBatch = checkInteger(t, 'maxRequestBatch', props.maxRequestBatch, { min: 1 }, 'set a positive batch limit, or leave it out for none');
    }
    if (props.replicas !== undefined) {
      const streamReplicas = this.stream.replicas;
      const mustEqual = this.stream.retention !== 'limits';
      // Server 10126 (above the stream's) and 10134 (interest/workqueue must equal), nack.md §5.
      this.replicas = checkInteger(t, 'replicas', props.replicas, mustEqual ? { min: streamReplicas, max: streamReplicas } : { min: 1, max: streamReplicas },
        mustEqual ? `on a ${this.stream.retention} stream consumer replicas must equal the stream's ${streamReplicas}; remove replicas to inherit them`
          : `use at most the stream's ${streamReplicas} replicas, or remove replicas to inherit them`);
    }
    if (this.stream.retention === 'workqueue' && this.ackPolicy !== 'explicit') {
      fail(this, { resource: t.resource, field: 'ackPolicy', value: this.ackPolicy, allowed: '"explicit" on a workqueue stream (server error 10098)', fix: 'set ackPolicy to "explicit"' });
    }
    if (this.deliverPolicy === 'lastPerSubject' && this.filterSubjects.length === 0) {
      fail(this, { resource: t.resource, field: 'filterSubjects', value: props.filterSubjects, allowed: 'at least one filter subject with deliverPolicy "lastPerSubject"', fix: 'add a filter subject or choose another deliverPolicy' });
    }

    const kubernetesName = checkKubernetesName(t, 'name (as a Kubernetes name)', toKubernetesName(this.durableName));
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
        maxAckPending: this.maxAckPending,
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
    filters.forEach((filter, i) => {
      const field = `filterSubjects[${i}]`;
      const why = subjectSyntaxError(filter);
      if (why) {
        fail(this, { resource: t.resource, field, value: filter, allowed: 'a valid NATS subject', fix: `correct the subject (${why})` });
      }
      // Servers since 2.10 accept a filter outside the stream's subjects and deliver nothing (nack.md §5).
      if (!this.stream.subjects.some((s) => subjectIsSubsetOf(filter, s))) {
        fail(this, {
          resource: t.resource, field, value: filter,
          allowed: `a subject inside the stream's subjects ${JSON.stringify(this.stream.subjects)}`,
          fix: 'fix the filter (a filter outside the stream matches nothing and the server no longer says so) or point the consumer at the right stream',
        });
      }
      for (let j = 0; j < i; j++) {
        if (subjectIsSubsetOf(filter, filters[j]) || subjectIsSubsetOf(filters[j], filter)) {
          fail(this, { resource: t.resource, field, value: filter, allowed: `filters that do not overlap (it overlaps filterSubjects[${j}] "${filters[j]}", server error 10138)`, fix: 'remove the narrower filter' });
        }
      }
    });
    return filters;
  }

  private checkDeliverSubject(t: CheckTarget, subject: string): string {
    const why = subjectSyntaxError(subject) ?? (/[*>]/.test(subject) ? 'it contains a wildcard' : undefined);
    if (why) {
      fail(this, { resource: t.resource, field: 'deliverSubject', value: subject, allowed: 'a literal subject without wildcards (server error 10079)', fix: `correct it (${why})` });
    }
    if (this.stream.subjects.some((s) => subjectIsSubsetOf(subject, s))) {
      fail(this, { resource: t.resource, field: 'deliverSubject', value: subject, allowed: "a subject outside the stream's own subjects (a cycle otherwise, server error 10081)", fix: 'use a subject such as "deliver.<consumer>"' });
    }
    return subject;
  }
}
