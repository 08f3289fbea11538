// Small validators the constructs share. Each throws a ConfigError naming the environment,
// resource, field and value, what is allowed and how to fix it.
import { IConstruct } from 'constructs';
import { fail } from './errors';
import { jetStreamNameError, JETSTREAM_NAME_RULE, kubernetesNameError, KUBERNETES_NAME_RULE } from './names';
import { ByteSize, Duration, DurationInput, isDuration, parseDuration, SizeInput } from './units';

/** Identifies what is being checked: `scope` gives the environment, `resource` the object. */
export interface CheckTarget {
  readonly scope: IConstruct;
  readonly resource: string;
}

export function checkInteger(
  t: CheckTarget,
  field: string,
  value: number,
  range: { min?: number; max?: number },
  fix: string,
): number {
  const { min, max } = range;
  const ok = Number.isInteger(value) && (min === undefined || value >= min) && (max === undefined || value <= max);
  if (!ok) {
    const allowed = min !== undefined && max !== undefined ? `an integer from ${min} to ${max}`
      : min !== undefined ? `an integer of at least ${min}`
        : max !== undefined ? `an integer of at most ${max}` : 'an integer';
    fail(t.scope, { resource: t.resource, field, value, allowed, fix });
  }
  return value;
}

export function checkOneOf<T extends string>(t: CheckTarget, field: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    fail(t.scope, {
      resource: t.resource,
      field,
      value,
      allowed: `one of ${allowed.map((a) => `"${a}"`).join(', ')}`,
      fix: `use one of the allowed values for ${field}`,
    });
  }
  return value;
}

/** Parses a DurationInput, failing with the field's name when it is not a duration. */
export function toDuration(t: CheckTarget, field: string, input: DurationInput): Duration {
  if (isDuration(input)) return input;
  const parsed = typeof input === 'string' ? parseDuration(input) : undefined;
  if (!parsed) {
    fail(t.scope, {
      resource: t.resource,
      field,
      value: input,
      allowed: 'a duration such as "30s", "1h30m", "24h", "7d" or "500ms" (units ms, s, m, h, d, w), or a cdk8s Duration',
      fix: `write ${field} with a number and a unit, e.g. "168h" or "7d"`,
    });
  }
  return parsed;
}

/** A duration that must be strictly positive (and at least `min` when given). */
export function toPositiveDuration(t: CheckTarget, field: string, input: DurationInput, min?: { duration: Duration; why: string }): Duration {
  const duration = toDuration(t, field, input);
  const ms = duration.toMilliseconds();
  if (ms <= 0 || (min && ms < min.duration.toMilliseconds())) {
    fail(t.scope, {
      resource: t.resource,
      field,
      value: input,
      allowed: min ? `a duration of at least ${min.duration.toMilliseconds()}ms (${min.why})` : 'a duration greater than zero',
      fix: `set ${field} to a positive duration such as "30s"`,
    });
  }
  return duration;
}

export function toByteSize(t: CheckTarget, field: string, input: SizeInput): ByteSize {
  if (input instanceof ByteSize) return input;
  const parsed = typeof input === 'string' ? ByteSize.parse(input) : undefined;
  if (!parsed) {
    fail(t.scope, {
      resource: t.resource,
      field,
      value: input,
      allowed: 'a size such as "500MB", "1GB", "5GiB" or a plain byte count (NATS convention: 1GB = 1024^3 bytes; ' +
        'bare "G"/"M"/"K" are refused because nats-server reads 1G as 10^9)',
      fix: `write ${field} with a binary unit, e.g. "1GB" or "1GiB", or use ByteSize.gibibytes(1)`,
    });
  }
  return parsed;
}

export function checkJetStreamName(t: CheckTarget, field: string, name: string): string {
  const why = jetStreamNameError(name);
  if (why) {
    fail(t.scope, {
      resource: t.resource,
      field,
      value: name,
      allowed: JETSTREAM_NAME_RULE,
      fix: `rename it (${why}); use letters, digits, "-" and "_", e.g. "${name.replace(/[\s.*>/\\]+/g, '-') || 'orders'}"`,
    });
  }
  return name;
}

export function checkKubernetesName(t: CheckTarget, field: string, name: string): string {
  const why = kubernetesNameError(name);
  if (why) {
    fail(t.scope, {
      resource: t.resource,
      field,
      value: name,
      allowed: KUBERNETES_NAME_RULE,
      fix: `rename it (${why}), e.g. "${name.toLowerCase().replace(/[^a-z0-9-.]+/g, '-').replace(/^-+|-+$/g, '') || 'my-app'}"`,
    });
  }
  return name;
}
