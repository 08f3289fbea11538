// What the CRD and core-Kubernetes validators share: one ajv 8 configuration with the OpenAPI
// formats Kubernetes schemas use, the ObjectMeta rules the API server applies to every object
// (CRD schemas do not describe metadata), and violations as "path: message" lines.
import Ajv, { ErrorObject } from 'ajv';

/** One reason an object would be rejected (or silently changed) by the API server. */
export interface SchemaViolation {
  /** JSON pointer into the object: `/spec/triggers/0/metadata/lagThreshold`; '' for the object itself. */
  readonly path: string;
  readonly message: string;
}

export function formatViolations(violations: ReadonlyArray<SchemaViolation>): string[] {
  return violations.map((v) => `${v.path || '/'}: ${v.message}`);
}

/**
 * The API server matches `pattern` with Go's regexp (RE2), which has inline flags JavaScript lacks:
 * prometheus-operator writes `^(?i)(abort|warn)?$`. A leading `(?i)` (after an optional `^`) becomes the `i` flag; any
 * other RE2-only syntax still throws at compile time, so it is noticed.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    const caseInsensitive = /^(\^?)\(\?i\)/;
    return caseInsensitive.test(pattern)
      ? new RegExp(pattern.replace(caseInsensitive, '$1'), `${flags}i`)
      : new RegExp(pattern, flags);
  },
  { code: 'goRegExp' },
);

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
// RFC 3339 as Kubernetes' metav1.Time accepts it (the API server parses with time.RFC3339).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * ajv for Kubernetes schemas. `strict: false` because OpenAPI v3 schemas carry `x-kubernetes-*`
 * annotations and keywords on types they do not apply to (NACK's `minLength` on an array); those
 * are ignored like the API server ignores them. Formats are registered on purpose: ajv throws on
 * a format it does not know, so a new format in a CRD update is noticed instead of skipped.
 */
export function createKubernetesAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, code: { regExp: goRegExp } });
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max,
  });
  // int64 beyond 2^53 cannot be told apart in a JS number; js-yaml reads such literals rounded.
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)),
  });
  return ajv;
}

// apimachinery validation: IsDNS1123Subdomain (object names), IsDNS1123Label (namespaces),
// IsQualifiedName (label and annotation keys), IsValidLabelValue.
const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const QUALIFIED_NAME = `(${DNS1123_SUBDOMAIN}/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]`;

/**
 * The metadata every object we emit may carry: what `kubectl apply` sends. Server-populated
 * fields (uid, resourceVersion, creationTimestamp, managedFields, ...) fail as unknown: they have
 * no place in git.
 */
export const OBJECT_META_SCHEMA = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 253, pattern: `^${DNS1123_SUBDOMAIN}$` },
    namespace: { type: 'string', maxLength: 63, pattern: `^${DNS1123_LABEL}$` },
    labels: {
      type: 'object',
      propertyNames: { maxLength: 317, pattern: `^${QUALIFIED_NAME}$` },
      additionalProperties: { type: 'string', maxLength: 63, pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$' },
    },
    annotations: {
      type: 'object',
      propertyNames: { maxLength: 317, pattern: `^${QUALIFIED_NAME}$` },
      additionalProperties: { type: 'string' },
    },
    finalizers: { type: 'array', items: { type: 'string' } },
    generateName: { type: 'string' },
    ownerReferences: { type: 'array', items: { type: 'object' } },
  },
} as const;

/** ajv errors as violations, with unknown fields named by their own path and duplicates dropped. */
export function toViolations(
  errors: ReadonlyArray<ErrorObject> | null | undefined,
  schemaName: string,
): SchemaViolation[] {
  const seen = new Set<string>();
  const out: SchemaViolation[] = [];
  for (const e of errors ?? []) {
    let v: SchemaViolation;
    if (e.keyword === 'additionalProperties') {
      const field = String((e.params as { additionalProperty: string }).additionalProperty);
      v = {
        path: `${e.instancePath}/${escapePointer(field)}`,
        message: `unknown field "${field}" (not in the ${schemaName} schema)`,
      };
    } else if (e.keyword === 'required') {
      const field = String((e.params as { missingProperty: string }).missingProperty);
      v = {
        path: `${e.instancePath}/${escapePointer(field)}`,
        message: `required field "${field}" is missing (${schemaName} schema)`,
      };
    } else if (e.keyword === 'enum') {
      v = {
        path: e.instancePath,
        message: `must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)} (${schemaName} schema)`,
      };
    } else {
      v = { path: e.instancePath, message: `${e.message ?? describeError(e)} (${schemaName} schema)` };
    }
    const key = `${v.path}\u0000${v.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

/** Message for errors of precompiled validators, which carry keyword and params but no message. */
function describeError(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return `must be ${params.type}`;
    case 'format':
      return `must match format "${params.format}"`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return `fails "${e.keyword}" ${JSON.stringify(params)}`;
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Deep copy of plain JSON data (schemas read from YAML), so transformations never touch a shared original. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The candidate closest to a misspelled name (case-insensitive edit distance <= 2), for "did you mean" hints. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
