import { Construct } from 'constructs';
import { ScaledObject, ScaledObjectSpecFallbackBehavior } from '../../../imports/keda.sh';
import { checkInteger, checkName, checkOneOf, CheckTarget, literal, toDuration } from '../../config/checks';
import { SCALE_TARGET_KINDS, ScalerConfig } from '../../config/types';
import { fail } from '../../config/errors';
import { JetStreamConsumer } from '../jetstream/jetstream-consumer';
import { KUBERNETES_NAME_RULES } from '../../config/names';
import { wholeSeconds } from '../../config/units';

export interface JetStreamScaledObjectProps extends Omit<ScalerConfig, 'consumer'> {
  /** The pull consumer whose lag drives scaling. */
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
  public readonly consumer: JetStreamConsumer;
  public readonly target: string;
  public readonly lagThreshold: number;
  public readonly activationLagThreshold: number;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  public readonly fallbackReplicas: number;
  public readonly resource: ScaledObject;

  constructor(scope: Construct, id: string, props: JetStreamScaledObjectProps) {
    super(scope, id);
    const name = props.name ?? `${props.target}-nats-scaler`;
    const t: CheckTarget = { scope: this, resource: `ScaledObject "${name}" (scaler of "${props.target}")` };
    const targetKind = checkOneOf(t, 'targetKind', props.targetKind ?? 'Deployment', SCALE_TARGET_KINDS);
    this.target = checkName(t, 'target', props.target, KUBERNETES_NAME_RULES[targetKind], { fallback: 'my-worker' });
    checkName(t, 'name', name, KUBERNETES_NAME_RULES.ScaledObject, {
      fallback: 'my-worker-nats-scaler',
      maxLength: 54,
    });
    this.consumer = props.consumer;
    if (!this.consumer.isPull) {
      fail(this, {
        resource: t.resource,
        field: 'consumer',
        value: this.consumer.durableName,
        allowed:
          `a pull consumer (no deliverSubject): "${this.consumer.durableName}" pushes to ` +
          `"${this.consumer.deliverSubject}", ` +
          'so its workers do not pull from a shared backlog that KEDA could measure',
        fix: `remove deliverSubject from Consumer "${this.consumer.durableName}", or scale on another pull consumer`,
      });
    }
    this.lagThreshold = checkInteger(
      t,
      'lagThreshold',
      props.lagThreshold ?? 10,
      { min: 1 },
      `write ${literal('lagThreshold', 10)} (a whole number of pending messages per replica)`,
    );
    this.activationLagThreshold = checkInteger(
      t,
      'activationLagThreshold',
      props.activationLagThreshold ?? 0,
      { min: 0 },
      `write ${literal('activationLagThreshold', 0)} (or another whole number of messages)`,
    );
    this.minReplicas = checkInteger(
      t,
      'minReplicas',
      props.minReplicas ?? 1,
      { min: 0 },
      `write ${literal('minReplicas', 1)} (or 0 to scale to zero)`,
    );
    this.maxReplicas = checkInteger(
      t,
      'maxReplicas',
      props.maxReplicas ?? 10,
      { min: Math.max(1, this.minReplicas) },
      `write ${literal('maxReplicas', Math.max(1, this.minReplicas))} or more: at ` +
        `least minReplicas (${this.minReplicas}) and at least 1`,
    );
    const defaultFallback = Math.min(this.maxReplicas, Math.max(this.minReplicas, 2));
    this.fallbackReplicas = checkInteger(
      t,
      'fallbackReplicas',
      props.fallbackReplicas ?? defaultFallback,
      { min: this.minReplicas, max: this.maxReplicas },
      `write ${literal('fallbackReplicas', defaultFallback)}: a value from minReplicas ` +
        `(${this.minReplicas}) to maxReplicas (${this.maxReplicas})`,
    );
    const pollingInterval = this.seconds(t, 'pollingInterval', props.pollingInterval ?? '15s', 1);
    const cooldownPeriod = this.seconds(t, 'cooldownPeriod', props.cooldownPeriod ?? '300s', 0);

    this.resource = new ScaledObject(this, 'Resource', {
      metadata: { name },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: targetKind, name: this.target },
        minReplicaCount: this.minReplicas,
        maxReplicaCount: this.maxReplicas,
        pollingInterval,
        cooldownPeriod,
        // While the lag cannot be read (NATS down, leader moving), hold a safe size instead of freezing.
        fallback: {
          failureThreshold: 3,
          replicas: this.fallbackReplicas,
          behavior: ScaledObjectSpecFallbackBehavior.CURRENT_REPLICAS_IF_HIGHER,
        },
        triggers: [
          {
            type: 'nats-jetstream',
            metadata: {
              natsServerMonitoringEndpoint: props.monitoringEndpoint,
              account: props.account,
              stream: this.consumer.stream.streamName,
              consumer: this.consumer.durableName,
              lagThreshold: String(this.lagThreshold),
              activationLagThreshold: String(this.activationLagThreshold),
              useHttps: String(props.useHttps ?? false),
            },
          },
        ],
      },
    });
  }

  private seconds(
    t: CheckTarget,
    field: string,
    input: NonNullable<ScalerConfig['pollingInterval']>,
    min: number,
  ): number {
    const secs = wholeSeconds(toDuration(t, field, input));
    if (secs === undefined || secs < min) {
      fail(this, {
        resource: t.resource,
        field,
        value: input,
        allowed: `whole seconds, at least ${min}s (KEDA takes an integer of seconds)`,
        fix: `write ${literal(field, field === 'cooldownPeriod' ? '300s' : '30s')}`,
      });
    }
    return secs;
  }
}
