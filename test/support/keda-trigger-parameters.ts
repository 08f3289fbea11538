// Lints KEDA trigger metadata against KEDA's own machine-readable parameter list
// (shared/reference/keda-scaler-parameters.json, from kedacore/keda schema/generated/scalers-schema.json).
// Needed because KEDA silently ignores unknown metadata keys: a typo such as `lagthreshold` quietly
// gives the default of 10 (keda-prom-argo.md (a) "Trigger metadata fields"), and no CRD schema can
// see it (the CRD only says every value is a string).
import * as fs from 'fs';
import { closestName, SchemaViolation } from './schema-validation';

export interface KedaScalerParameter {
  readonly name: string;
  readonly type: string;
  readonly optional?: boolean;
  readonly default?: string;
  readonly metadataVariableReadable?: boolean;
  readonly triggerAuthenticationVariableReadable?: boolean;
}

export type KedaScalerParameters = ReadonlyMap<string, ReadonlyArray<KedaScalerParameter>>;

export interface KedaTrigger {
  readonly type?: unknown;
  readonly metadata?: unknown;
  readonly authenticationRef?: unknown;
}

/** Scaler type -> its parameters, from keda-scaler-parameters.json. */
export function readKedaScalerParameters(file: string): KedaScalerParameters {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    scalers: Array<{ type: string; parameters: KedaScalerParameter[] }>;
  };
  return new Map(doc.scalers.map((s) => [s.type, s.parameters]));
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's strconv.ParseInt(s, 10, 64), which KEDA's typed config uses for int64 fields. */
export function isGoInt64(value: string): boolean {
  if (!/^[+-]?\d+$/.test(value)) return false;
  const n = BigInt(value);
  return n >= INT64_MIN && n <= INT64_MAX;
}

interface ValueRule {
  readonly expected: string;
  readonly accepts: (value: string) => boolean;
}

/**
 * What KEDA parses each value as, beyond "a string" (nats_jetstream_scaler.go, keda-prom-argo.md (a)).
 * useHttps is held to "true"/"false": Go's ParseBool would also take "1" or "T", which reads badly in review.
 */
export const VALUE_RULES: Readonly<Record<string, Readonly<Record<string, ValueRule>>>> = {
  'nats-jetstream': {
    lagThreshold: { expected: 'an int64 in a string, e.g. "10"', accepts: isGoInt64 },
    activationLagThreshold: { expected: 'an int64 in a string, e.g. "0"', accepts: isGoInt64 },
    useHttps: { expected: '"true" or "false"', accepts: (v) => v === 'true' || v === 'false' },
    // host:port of the monitor port, no scheme and no path: the scaler adds both.
    natsServerMonitoringEndpoint: {
      expected: 'host:port with no scheme and no path',
      accepts: (v) => /^[^/:\s]+:\d{1,5}$/.test(v),
    },
  },
};

/**
 * Parameter rules the list cannot express. nats-jetstream: account and accountID are both
 * "optional" in the list, but the scaler fails with "no account name or id given" when neither is
 * set (keda-prom-argo.md (a)); either may come from a TriggerAuthentication.
 */
export const ONE_OF_REQUIRED: Readonly<Record<string, ReadonlyArray<ReadonlyArray<string>>>> = {
  'nats-jetstream': [['account', 'accountID']],
};

/**
 * Everything wrong with one trigger's metadata. `path` is the JSON pointer of the trigger
 * (`/spec/triggers/0`); violations point at `<path>/metadata/<key>`.
 */
export function checkTriggerMetadata(
  trigger: KedaTrigger,
  parameters: KedaScalerParameters,
  path: string,
): SchemaViolation[] {
  const type = trigger.type;
  if (typeof type !== 'string') return [{ path: `${path}/type`, message: 'trigger type must be a string' }];
  const params = parameters.get(type);
  if (!params) {
    return [
      {
        path: `${path}/type`,
        message:
          `no parameter list for scaler "${type}" in keda-scaler-parameters.json (known: ` +
          `${[...parameters.keys()].join(', ')})`,
      },
    ];
  }
  const metadata = trigger.metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    return [{ path: `${path}/metadata`, message: 'trigger metadata must be a map of strings' }];
  }
  const entries = Object.entries(metadata as Record<string, unknown>);
  const byName = new Map(params.map((p) => [p.name, p]));
  const hasAuthRef = trigger.authenticationRef !== undefined;
  const violations: SchemaViolation[] = [];

  for (const [key, value] of entries) {
    const at = `${path}/metadata/${key}`;
    const param = byName.get(key);
    if (!param) {
      const suggestion = closestName(key, byName.keys());
      violations.push({
        path: at,
        message:
          `unknown ${type} metadata key "${key}": KEDA ignores it silently` +
          (suggestion ? ` (did you mean "${suggestion}"?)` : ` (known: ${params.map((p) => p.name).join(', ')})`),
      });
      continue;
    }
    if (param.metadataVariableReadable === false) {
      violations.push({
        path: at,
        message: `"${key}" cannot be set in trigger metadata for ${type}; only in a TriggerAuthentication`,
      });
    }
    if (typeof value !== 'string') {
      violations.push({
        path: at,
        message:
          `value must be a string (KEDA reads trigger metadata as map[string]string), ` +
          `got ${JSON.stringify(value)} (${typeof value})`,
      });
      continue;
    }
    const rule = VALUE_RULES[type]?.[key];
    if (rule && !rule.accepts(value)) {
      violations.push({ path: at, message: `"${value}" is not what KEDA expects for ${key}: ${rule.expected}` });
    }
  }

  const present = new Set(entries.map(([key]) => key));
  const fromAuthentication = (p: KedaScalerParameter) => hasAuthRef && p.triggerAuthenticationVariableReadable === true;
  for (const p of params) {
    const required = p.optional !== true && p.default === undefined;
    if (required && !present.has(p.name) && !fromAuthentication(p)) {
      violations.push({
        path: `${path}/metadata/${p.name}`,
        message: `required ${type} metadata key "${p.name}" is missing`,
      });
    }
  }
  for (const group of ONE_OF_REQUIRED[type] ?? []) {
    const satisfied = group.some(
      (name) => present.has(name) || fromAuthentication(byName.get(name) ?? { name, type: 'string' }),
    );
    if (!satisfied) {
      violations.push({
        path: `${path}/metadata`,
        message: `${type} needs one of ${group.map((n) => `"${n}"`).join(' or ')}`,
      });
    }
  }
  return violations;
}

/** Every trigger of a ScaledObject or ScaledJob (`spec.triggers`), checked. */
export function checkScalerTriggers(object: unknown, parameters: KedaScalerParameters): SchemaViolation[] {
  const triggers = (object as { spec?: { triggers?: unknown } } | undefined)?.spec?.triggers;
  if (!Array.isArray(triggers) || triggers.length === 0)
    return [{ path: '/spec/triggers', message: 'a scaler needs at least one trigger' }];
  return triggers.flatMap((trigger, i) =>
    checkTriggerMetadata(trigger as KedaTrigger, parameters, `/spec/triggers/${i}`),
  );
}
