import { Construct } from 'constructs';
import { ScaledObject, ScaledObjectSpecFallbackBehavior } from '../../../imports/keda.sh';
import { ResolvedScaler } from '../../config/resolve-scaler';
import { JetStreamConsumer } from '../jetstream/jetstream-consumer';
import { NatsHelmValues } from '../nats/nats-helm-values';

export interface JetStreamScaledObjectProps {
  readonly scaler: ResolvedScaler;
  /** The Consumer object of the scaler's pull consumer (`scaler.consumer`). */
  readonly consumer: JetStreamConsumer;
  /** The NATS cluster KEDA reads the lag from, at its monitoring endpoint (over HTTPS with nats.tls.monitor). */
  readonly nats: NatsHelmValues;
}

/**
 * A KEDA `keda.sh/v1alpha1` ScaledObject with a `nats-jetstream` trigger.
 *
 * KEDA computes lag as `num_pending + num_ack_pending` on the consumer leader and targets
 * `lagThreshold` per replica (AverageValue). Every metadata value is a string: the CRD says
 * `additionalProperties: {type: string}` (keda-prom-argo.md (a)).
 *
 * @see https://keda.sh/docs/scalers/nats-jetstream/
 */
export class JetStreamScaledObject extends Construct {
  public readonly model: ResolvedScaler;
  public readonly consumer: JetStreamConsumer;
  public readonly resource: ScaledObject;

  constructor(scope: Construct, id: string, props: JetStreamScaledObjectProps) {
    super(scope, id);
    const s = (this.model = props.scaler);
    this.consumer = props.consumer;
    this.resource = new ScaledObject(this, 'Resource', {
      metadata: { name: s.name },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: s.targetKind, name: s.target },
        minReplicaCount: s.minReplicas,
        maxReplicaCount: s.maxReplicas,
        pollingInterval: s.pollingIntervalSeconds,
        cooldownPeriod: s.cooldownPeriodSeconds,
        // While the lag cannot be read (NATS down, leader moving), hold a safe size instead of freezing.
        fallback: {
          failureThreshold: 3,
          replicas: s.fallbackReplicas,
          behavior: ScaledObjectSpecFallbackBehavior.CURRENT_REPLICAS_IF_HIGHER,
        },
        triggers: [
          {
            type: 'nats-jetstream',
            metadata: {
              natsServerMonitoringEndpoint: props.nats.monitoringEndpoint,
              // Token auth without accounts: the global account (helm.md §1c).
              account: '$G',
              stream: s.consumer.stream.name,
              consumer: s.consumer.name,
              lagThreshold: String(s.lagThreshold),
              activationLagThreshold: String(s.activationLagThreshold),
              useHttps: String(props.nats.model.tls?.monitor ?? false),
            },
          },
        ],
      },
    });
  }
}
