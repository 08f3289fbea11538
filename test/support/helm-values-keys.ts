// Checks our values for the NATS Helm chart against the chart's default values.yaml
// (shared/reference/nats-chart-values.yaml, chart 2.14.2): the chart has no values.schema.json
// and Helm ignores unknown keys, so a misspelled key (`promExporter.enabeld`) is a setting that
// silently never applies (helm.md §0). The default values are the only machine-checkable list of
// keys: every key path we set must exist there, with the same type where the default has one.
import { closestName, SchemaViolation } from './schema-validation';

/**
 * Keys whose whole subtree is free-form wherever they appear: `merge` is deep-merged into the
 * generated object and `patch` is a JSON-Patch list (helm.md §1). Their shape is still checked
 * (merge a map, patch a list) because the defaults say so.
 */
export const FREE_FORM_KEYS = new Set(['merge', 'patch']);

type Values = Record<string, unknown>;

function kindOf(value: unknown): 'null' | 'list' | 'map' | 'string' | 'number' | 'boolean' | 'other' {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'map';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return typeof value as 'string' | 'number' | 'boolean';
  return 'other';
}

/**
 * `config.jetstream.enabled`, with keys that contain dots quoted:
 * `podTemplate.topologySpreadConstraints["kubernetes.io/hostname"]`.
 */
export function valuesPath(segments: ReadonlyArray<string>): string {
  return segments
    .map((s, i) => (/^[A-Za-z0-9_-]+$/.test(s) ? (i === 0 ? s : `.${s}`) : `[${JSON.stringify(s)}]`))
    .join('');
}

/**
 * Every key of `values` that the chart does not know, and every value whose type differs from the
 * default's. Rules, from how the chart reads its values:
 * - a key absent from the defaults fails with its path;
 * - under `merge`/`patch`, and under a key whose default is an empty map `{}` (env maps such as
 *   `container.env`, `global.labels`, `podTemplate.topologySpreadConstraints`, `container.resources`),
 *   keys are free-form: only the map itself is checked to be a map;
 * - a default of null/empty (`maxSize:`) gives no type: any value is accepted;
 * - a boolean, number or string default requires the same type (a boolean stays a boolean);
 * - a list default requires a list (lists are replaced whole, their items are not compared).
 */
export function checkValuesKeys(values: unknown, defaults: unknown, segments: string[] = []): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  const at = valuesPath(segments);
  const expected = kindOf(defaults);
  const actual = kindOf(values);

  if (expected === 'null' || actual === 'null') return violations; // no type to compare / explicit null unsets
  if (expected !== actual) {
    violations.push({
      path: at,
      message:
        `must be a ${expected} like the chart's default (${JSON.stringify(defaults)}), ` +
        `got ${actual} ${JSON.stringify(values)}`,
    });
    return violations;
  }
  if (expected !== 'map') return violations;

  const defaultMap = defaults as Values;
  const last = segments[segments.length - 1];
  if (FREE_FORM_KEYS.has(last) || Object.keys(defaultMap).length === 0) return violations;

  for (const [key, value] of Object.entries(values as Values)) {
    const childSegments = [...segments, key];
    if (!Object.prototype.hasOwnProperty.call(defaultMap, key)) {
      const suggestion = closestName(key, Object.keys(defaultMap));
      violations.push({
        path: valuesPath(childSegments),
        message:
          `unknown key: not in the chart's default values, so Helm ignores it` +
          (suggestion
            ? ` (did you mean "${valuesPath([...segments, suggestion])}"?)`
            : ` (keys here: ${Object.keys(defaultMap).join(', ')})`),
      });
      continue;
    }
    violations.push(...checkValuesKeys(value, defaultMap[key], childSegments));
  }
  return violations;
}
