// One KEDA scaler of the config resolved against its resolved consumer: defaults applied, units parsed, checked.
// Rules across scalers (one per name, one per workload) are in cross-checks.ts.
import { checkInteger, checkName, checkOneOf, CheckTarget, literal, reject, toDuration } from './checks';
import { KUBERNETES_NAME_RULES } from './names';
import { ResolvedConsumer } from './resolve-consumer';
import { SCALE_TARGET_KINDS, ScalerConfig } from './types';
import { DurationInput, wholeSeconds } from './units';

/** A scaler with its defaults applied, its values checked, and the pull consumer whose lag drives it. */
export type ResolvedScaler = ReturnType<typeof resolveScaler>;

/** The resource name of a scaler in error messages, before anything of it is checked. */
export function scalerResource(scaler: { readonly name?: string; readonly target: string }): string {
  return `ScaledObject "${scaler.name ?? `${scaler.target}-nats-scaler`}" (scaler of "${scaler.target}")`;
}

export function resolveScaler(environment: string, props: ScalerConfig, consumer: ResolvedConsumer) {
  const name = props.name ?? `${props.target}-nats-scaler`;
  const t: CheckTarget = { scope: environment, resource: scalerResource(props) };
  const targetKind = checkOneOf(t, 'targetKind', props.targetKind ?? 'Deployment', SCALE_TARGET_KINDS);
  const target = checkName(t, 'target', props.target, KUBERNETES_NAME_RULES[targetKind], { fallback: 'my-worker' });
  checkName(t, 'name', name, KUBERNETES_NAME_RULES.ScaledObject, { fallback: 'my-worker-nats-scaler', maxLength: 54 });
  if (consumer.deliverSubject !== undefined) {
    reject(t, 'consumer', consumer.name, {
      allowed:
        `a pull consumer (no deliverSubject): "${consumer.name}" pushes to "${consumer.deliverSubject}", ` +
        'so its workers do not pull from a shared backlog that KEDA could measure',
      fix: `remove deliverSubject from Consumer "${consumer.name}", or scale on another pull consumer`,
    });
  }
  const lagThreshold = checkInteger(t, 'lagThreshold', props.lagThreshold ?? 10, {
    min: 1,
    example: 10,
    note: ' (a whole number of pending messages per replica)',
  });
  const activationLagThreshold = checkInteger(t, 'activationLagThreshold', props.activationLagThreshold ?? 0, {
    min: 0,
    example: 0,
    note: ' (or another whole number of messages)',
  });
  const minReplicas = checkInteger(t, 'minReplicas', props.minReplicas ?? 1, {
    min: 0,
    example: 1,
    note: ' (or 0 to scale to zero)',
  });
  const leastMax = Math.max(1, minReplicas);
  const maxReplicas = checkInteger(t, 'maxReplicas', props.maxReplicas ?? 10, {
    min: leastMax,
    example: leastMax,
    note: ` or more: at least minReplicas (${minReplicas}) and at least 1`,
  });
  const defaultFallback = Math.min(maxReplicas, Math.max(minReplicas, 2));
  const fallbackReplicas = checkInteger(t, 'fallbackReplicas', props.fallbackReplicas ?? defaultFallback, {
    min: minReplicas,
    max: maxReplicas,
    example: defaultFallback,
    note: `: a value from minReplicas (${minReplicas}) to maxReplicas (${maxReplicas})`,
  });
  return {
    name,
    target,
    targetKind,
    consumer,
    lagThreshold,
    activationLagThreshold,
    minReplicas,
    maxReplicas,
    fallbackReplicas,
    pollingIntervalSeconds: seconds(t, 'pollingInterval', props.pollingInterval ?? '15s', 1),
    cooldownPeriodSeconds: seconds(t, 'cooldownPeriod', props.cooldownPeriod ?? '300s', 0),
  };
}

/** KEDA takes an integer of seconds. */
function seconds(t: CheckTarget, field: string, input: DurationInput, min: number): number {
  const secs = wholeSeconds(toDuration(t, field, input));
  if (secs !== undefined && secs >= min) return secs;
  return reject(t, field, input, {
    allowed: `whole seconds, at least ${min}s (KEDA takes an integer of seconds)`,
    fix: `write ${literal(field, field === 'cooldownPeriod' ? '300s' : '30s')}`,
  });
}
