import { Construct } from 'constructs';
import { ScaledObject, ScaledObjectSpecFallbackBehavior } from '../../../imports/keda.sh';
import { ResolvedScaler } from '../../config/resolve-scaler';
import { JetStreamConsumer } from '../jetstream/jetstream-consumer';

export interface JetStreamScaledObjectProps {
  readonly scaler: ResolvedScaler;
  /** The Consumer object of the scaler's pull consumer (`scaler.consumer`). */
  readonly consumer: JetStreamConsumer;
  /** `host:port` of a NATS monitoring endpoint from which every pod is reachable by name (the headless Service). */
  readonly monitoringEndpoint: string;
  /** NATS account; `$G` with token auth and no accounts (helm.md §1c). */
  readonly account: string;
  /** Query the monitoring endpoint over HTTPS. @default false */
  readonly useHttps?: boolean;
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
  public readonly target: string;
  public readonly resource: ScaledObject;

  constructor(scope: Construct, id: string, props: JetStreamScaledObjectProps) {
    super(scope, id);
    const s = (this.model = props.scaler);
    this.consumer = props.consumer;
    this.target = s.target;
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
              natsServerMonitoringEndpoint: props.monitoringEndpoint,
              account: props.account,
              stream: s.consumer.stream.name,
              consumer: s.consumer.name,
              lagThreshold: String(s.lagThreshold),
              activationLagThreshold: String(s.activationLagThreshold),
              useHttps: String(props.useHttps ?? false),
            },
          },
        ],
      },
    });
  }
}
