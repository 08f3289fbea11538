import { Construct } from 'constructs';
import {
  Consumer,
  ConsumerSpecAckPolicy,
  ConsumerSpecDeliverPolicy,
  ConsumerSpecReplayPolicy,
} from '../../../imports/jetstream.nats.io';
import { ResolvedConsumer } from '../../config/resolve-consumer';
import { goDuration } from '../../config/units';
import { JetStreamStream } from './jetstream-stream';

export interface JetStreamConsumerProps {
  readonly consumer: ResolvedConsumer;
  /** The Stream object of the consumer's stream (`consumer.stream`). */
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
  public readonly model: ResolvedConsumer;
  public readonly stream: JetStreamStream;
  public readonly resource: Consumer;

  constructor(scope: Construct, id: string, props: JetStreamConsumerProps) {
    super(scope, id);
    const c = (this.model = props.consumer);
    this.stream = props.stream;
    this.resource = new Consumer(this, 'Resource', {
      metadata: { name: c.kubernetesName },
      spec: {
        account: this.stream.account,
        streamName: c.stream.name,
        durableName: c.name,
        description: c.description,
        // One filter goes in filterSubject: jsm.go would send a single filterSubjects entry that way anyway.
        filterSubject: c.filterSubjects.length === 1 ? c.filterSubjects[0] : undefined,
        filterSubjects: c.filterSubjects.length > 1 ? [...c.filterSubjects] : undefined,
        ackPolicy: c.ackPolicy as ConsumerSpecAckPolicy,
        ackWait: goDuration(c.ackWait),
        maxDeliver: c.maxDeliver,
        maxAckPending: c.sendsMaxAckPending ? c.maxAckPending : undefined,
        maxRequestBatch: c.maxRequestBatch,
        deliverPolicy: c.deliverPolicy as ConsumerSpecDeliverPolicy,
        replayPolicy: c.replayPolicy as ConsumerSpecReplayPolicy,
        replicas: c.replicas,
        deliverSubject: c.deliverSubject,
      },
    });
  }
}
