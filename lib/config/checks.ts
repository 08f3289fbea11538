// Small validators the constructs share. Each throws a ConfigError naming the environment,
// resource, field and value, what is allowed and a fix the config accepts as written.
import { IConstruct } from 'constructs';
import { fail } from './errors';
import {
  JETSTREAM_MAX_NAME_LENGTH,
  JETSTREAM_NAME_RULE,
  jetStreamNameError,
  LABEL_KEY_RULE,
  LABEL_VALUE_RULE,
  NameRule,
  suggestName,
} from './names';
import { ByteSize, Duration, DurationInput, isDuration, parseDuration, SizeInput } from './units';

/** Identifies what is being checked: `scope` gives the environment, `resource` the object. */
export interface CheckTarget {
  readonly scope: IConstruct | string;
  readonly resource: string;
}

/** A value as a TypeScript config writes it: `"7d"`, `5`, `["orders.>"]`, `{ release: "prom" }`. */
export function formatLiteral(value: unknown, quote: '"' | "'" = '"'): string {
  const text = (s: string) =>
    quote === '"' ? JSON.stringify(s) : `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) return `[${value.map((v) => formatLiteral(v, quote)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : text(k));
    const entries = Object.entries(value).map(([k, v]) => `${key(k)}: ${formatLiteral(v, quote)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return String(value);
}

/**
 * `field: value` exactly as the config writes it, for a fix: `literal('maxDeliver', 5)` is `maxDeliver: 5`,
 * a nested field is written nested, `literal('nats.resources.memory', '4GiB')` is
 * `nats: { resources: { memory: "4GiB" } }`, and an item of a list as a list: `literal('clientNamespaces[1]', 'web')`
 * is `clientNamespaces: ["web"]`. Every fix carries one, so it can be pasted into the config.
 */
export function literal(field: string, value: unknown): string {
  const segments = field
    .split(' ')[0]
    .split('.')
    .map((segment) => {
      const [, key, index] = /^([^[]*)((?:\[[^\]]*\])*)$/.exec(segment) ?? [segment, segment, ''];
      return { key, isListItem: /\[\d+\]$/.test(index) };
    });
  let text = '';
  const inner: unknown = value;
  for (let i = segments.length - 1; i >= 0; i--) {
    const { key, isListItem } = segments[i];
    const rendered =
      i === segments.length - 1
        ? formatLiteral(isListItem ? [inner] : inner)
        : isListItem
          ? `[{ ${text} }]`
          : `{ ${text} }`;
    text = `${key}: ${rendered}`;
  }
  return text;
}

/** Throws the ConfigError of `t`'s resource for `field` and `value`, with what is allowed and the fix. */
export function reject(t: CheckTarget, field: string, value: unknown, says: { allowed: string; fix: string }): never {
  return fail(t.scope, { resource: t.resource, field, value, ...says });
}

/** `check(value)`, or undefined when the value is not set. */
export function ifSet<T, R>(value: T | undefined, check: (value: T) => R): R | undefined {
  return value === undefined ? undefined : check(value);
}

/** An integer within `min` and `max`; the fix is `write <field>: <example><note>`. */
export function checkInteger(
  t: CheckTarget,
  field: string,
  value: number,
  { min, max, example, note = '' }: { min?: number; max?: number; example: number; note?: string },
): number {
  if (Number.isInteger(value) && !(min !== undefined && value < min) && !(max !== undefined && value > max)) {
    return value;
  }
  const allowed =
    min !== undefined && max !== undefined
      ? min === max
        ? `exactly ${min}`
        : `an integer from ${min} to ${max}`
      : min !== undefined
        ? `an integer of at least ${min}`
        : max !== undefined
          ? `an integer of at most ${max}`
          : 'an integer';
  return reject(t, field, value, { allowed, fix: `write ${literal(field, example)}${note}` });
}

export function checkOneOf<T extends string>(
  t: CheckTarget,
  field: string,
  value: T,
  allowed: readonly T[],
  suggestion: T = allowed[0],
): T {
  if (allowed.includes(value)) return value;
  return reject(t, field, value, {
    allowed: `one of ${allowed.map((a) => `"${a}"`).join(', ')}`,
    fix: `write ${literal(field, suggestion)}, or another of the allowed values`,
  });
}

/** Parses a DurationInput, failing with the field's name when it is not a duration. */
export function toDuration(t: CheckTarget, field: string, input: DurationInput, example = '30s'): Duration {
  if (isDuration(input)) return input;
  return (
    (typeof input === 'string' ? parseDuration(input) : undefined) ??
    reject(t, field, input, {
      allowed:
        'a duration such as "30s", "1h30m", "24h", "7d" or "500ms" (units ms, s, m, h, d, w), or a cdk8s Duration',
      fix: `write it with a number and a unit, e.g. ${literal(field, example)}`,
    })
  );
}

/** A duration that must be strictly positive (and at least `min` when given). */
export function toPositiveDuration(
  t: CheckTarget,
  field: string,
  input: DurationInput,
  min?: { duration: Duration; why: string },
  example = '30s',
): Duration {
  const duration = toDuration(t, field, input, example);
  const ms = duration.toMilliseconds();
  if (ms <= 0 || (min && ms < min.duration.toMilliseconds())) {
    const least = min ? `${min.duration.toMilliseconds()}ms` : undefined;
    reject(t, field, input, {
      allowed: least ? `a duration of at least ${least} (${min!.why})` : 'a duration greater than zero',
      fix: `write ${literal(field, example)}, or another duration of at least ${least ?? '1ms'}`,
    });
  }
  return duration;
}

export function toByteSize(t: CheckTarget, field: string, input: SizeInput, example = '1GB'): ByteSize {
  if (input instanceof ByteSize) return input;
  return (
    (typeof input === 'string' ? ByteSize.parse(input) : undefined) ??
    reject(t, field, input, {
      allowed:
        'a size such as "500MB", "1GB", "5GiB" or a plain byte count (NATS convention: 1GB = 1024^3 bytes; ' +
        'bare "G"/"M"/"K" are refused because nats-server reads 1G as 10^9)',
      fix: `write it with a binary unit, e.g. ${literal(field, example)}`,
    })
  );
}

export function checkJetStreamName(t: CheckTarget, field: string, name: string): string {
  const why = jetStreamNameError(name);
  if (!why) return name;
  const suggestion =
    (typeof name === 'string' ? name : '')
      .replace(/[ \t\r\n\f.*>/\\]+/g, '-')
      .slice(0, JETSTREAM_MAX_NAME_LENGTH)
      .replace(/^-+|-+$/g, '') || 'orders';
  return reject(t, field, name, {
    allowed: JETSTREAM_NAME_RULE,
    fix: `rename it (${why}), e.g. ${literal(field, suggestion)}`,
  });
}

/**
 * Checks a name against the rule of its kind (lib/config/names.ts). `fallback` is the example the fix gives when
 * no close valid name can be derived from the given one.
 */
export function checkName(
  t: CheckTarget,
  field: string,
  name: string,
  rule: NameRule,
  options: { fallback?: string; startWithLetter?: boolean; maxLength?: number } = {},
): string {
  const why = typeof name === 'string' ? rule.error(name) : 'it is not a string';
  if (!why) return name;
  const suggestion = suggestName(name, rule, options) ?? options.fallback ?? 'my-app';
  return reject(t, field, name, {
    allowed: rule.allowed,
    fix: `rename it (${why}), e.g. ${literal(field, suggestion)}`,
  });
}

/** Labels we put on objects or selectors: each key and value must be a valid Kubernetes label key and value. */
export function checkLabels(
  t: CheckTarget,
  field: string,
  labels: unknown,
  example: Record<string, string>,
): Record<string, string> {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    reject(t, field, labels, {
      allowed: 'an object of label keys to string values',
      fix: `write e.g. ${literal(field, example)}`,
    });
  }
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    const keyError = LABEL_KEY_RULE.error(key);
    if (keyError) {
      reject(t, `${field}["${key}"]`, key, {
        allowed: LABEL_KEY_RULE.allowed,
        fix: `rename the key (${keyError}), e.g. ${literal(field, example)}`,
      });
    }
    const valueError = typeof value === 'string' ? LABEL_VALUE_RULE.error(value) : 'it is not a string';
    if (valueError) {
      const fixed =
        typeof value !== 'string'
          ? ''
          : value
              .replace(/[^-A-Za-z0-9_.]+/g, '-')
              .slice(0, 63)
              .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
      reject(t, `${field}["${key}"]`, value, {
        allowed: LABEL_VALUE_RULE.allowed,
        fix:
          `change the value (${valueError}), e.g. ` +
          literal(field, { ...(labels as Record<string, string>), [key]: fixed || 'value' }),
      });
    }
  }
  return labels as Record<string, string>;
}
