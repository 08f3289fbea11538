// Validates custom resources against the openAPIV3Schema of their CRD version, read from the
// pinned CRD files (shared/crds/: NACK v0.22.4, KEDA v2.20.2, prometheus-operator v0.93.0,
// Argo CD v3.5.1; keda-prom-argo.md "Versions read"), the way `kubectl apply --validate=strict`
// and the API server would judge them:
// - unknown fields FAIL: the API server silently prunes them from CRs, so a misspelled field is a
//   setting that quietly never applies. `additionalProperties: false` is injected wherever a
//   schema lists `properties` and neither sets additionalProperties nor preserves unknown fields;
// - `x-kubernetes-int-or-string` is integer|string, `x-kubernetes-preserve-unknown-fields` keeps
//   the subtree open, `nullable` admits null;
// - `metadata` is checked by OBJECT_META_SCHEMA (CRD schemas do not describe it);
// - only served versions count; a kind/version without a CRD is a violation, never a skip;
// - CEL rules (`x-kubernetes-validations`) are evaluated when listed in KNOWN_CEL_RULES, and a
//   rule not listed there is a violation, so a CRD update that adds one is noticed;
// - `x-kubernetes-list-type` set/map lists must not repeat an item or a map key.
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import Ajv, { ValidateFunction } from 'ajv';
import { apiGroupOf, apiVersionOnly } from './dist';
import { crdsDir } from './shared';
import { cloneJson, createKubernetesAjv, OBJECT_META_SCHEMA, SchemaViolation, toViolations } from './schema-validation';

/** The CRD files of crdsDir(), in the order they are searched. */
export const CRD_FILES = [
  'nack-crds.yaml',
  'keda-crds.yaml',
  'prometheus-operator-crds.yaml',
  'argocd-crds.yaml',
] as const;

type JsonSchema = Record<string, any>;

export interface CrdVersion {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly served: boolean;
  /** CRD file name the schema came from. */
  readonly file: string;
  /** The openAPIV3Schema exactly as in the CRD file. */
  readonly openAPIV3Schema: JsonSchema;
}

/**
 * CEL rules (x-kubernetes-validations) re-stated in TypeScript, keyed by the exact rule text.
 * keda-crds.yaml ScaledObject spec: "minReplicaCount must be less than or equal to maxReplicaCount"
 * (maxReplicaCount defaults to 100; keda-prom-argo.md (a) "ScaledObject knobs").
 */
export const KNOWN_CEL_RULES: Readonly<Record<string, (self: any) => boolean>> = {
  '!has(self.minReplicaCount) || self.minReplicaCount <= (has(self.maxReplicaCount) ? self.maxReplicaCount : 100)': (
    self,
  ) =>
    self.minReplicaCount === undefined ||
    self.minReplicaCount <= (self.maxReplicaCount !== undefined ? self.maxReplicaCount : 100),
};

/** Reads every CRD version of the CRD files. */
export function readCrdVersions(dir = crdsDir(), files: ReadonlyArray<string> = CRD_FILES): CrdVersion[] {
  const out: CrdVersion[] = [];
  for (const file of files) {
    for (const doc of yaml.loadAll(fs.readFileSync(path.join(dir, file), 'utf8')) as any[]) {
      if (!doc || doc.kind !== 'CustomResourceDefinition') continue;
      for (const v of doc.spec.versions ?? []) {
        const schema = v.schema?.openAPIV3Schema;
        if (!schema) throw new Error(`${file}: ${doc.spec.names.kind} ${v.name} has no openAPIV3Schema`);
        out.push({
          group: doc.spec.group,
          version: v.name,
          kind: doc.spec.names.kind,
          served: v.served === true,
          file,
          openAPIV3Schema: schema,
        });
      }
    }
  }
  return out;
}

/**
 * The CRD schema made strict (see the file comment). Returns a new schema; the input is untouched.
 * `root` adds the object-level rules: apiVersion/kind fixed to this version, metadata checked.
 */
export function toStrictCrdSchema(
  openAPIV3Schema: JsonSchema,
  root?: { apiVersion: string; kind: string },
): JsonSchema {
  const schema = strictNode(cloneJson(openAPIV3Schema));
  if (root) {
    schema.type = 'object';
    schema.properties = {
      ...(schema.properties ?? {}),
      apiVersion: { type: 'string', const: root.apiVersion },
      kind: { type: 'string', const: root.kind },
      metadata: OBJECT_META_SCHEMA,
    };
    schema.required = [...new Set(['apiVersion', 'kind', 'metadata', ...(schema.required ?? [])])];
    schema.additionalProperties = false;
  }
  return schema;
}

function strictNode(node: JsonSchema): JsonSchema {
  if (typeof node !== 'object' || node === null) return node;
  if (node['x-kubernetes-int-or-string'] === true) {
    node.type = ['integer', 'string'];
    // The usual companion anyOf [{type: integer}, {type: string}] says the same thing in three error lines.
    const types = Array.isArray(node.anyOf) ? node.anyOf.map((b: JsonSchema) => JSON.stringify(b)).sort() : [];
    if (types.length === 2 && types[0] === '{"type":"integer"}' && types[1] === '{"type":"string"}') delete node.anyOf;
  }
  if (node.nullable === true) {
    if (typeof node.type === 'string') node.type = [node.type, 'null'];
    if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum = [...node.enum, null];
  }
  if (node['x-kubernetes-embedded-resource'] === true && node.properties) {
    // An embedded object always has apiVersion/kind/metadata, whether or not its schema lists them.
    node.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      ...node.properties,
    };
  }
  // anyOf/allOf/oneOf/not are left alone: in a structural schema their branches only restate
  // parts of the node (here: int-or-string's {type: integer}|{type: string}), so closing a branch
  // to its own few properties would reject valid objects.
  for (const key of ['items', 'additionalProperties']) {
    if (node[key] && typeof node[key] === 'object')
      node[key] = Array.isArray(node[key]) ? node[key].map(strictNode) : strictNode(node[key]);
  }
  if (node.properties && typeof node.properties === 'object') {
    for (const name of Object.keys(node.properties)) node.properties[name] = strictNode(node.properties[name]);
    if (node.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) {
      node.additionalProperties = false;
    }
  }
  return node;
}

/** An error reported by one of our custom ajv keywords, in ajv's own shape. */
interface KeywordError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message: string;
}

/** Custom ajv keyword: evaluates the CEL rules of KNOWN_CEL_RULES, fails on any other rule. */
function addCelKeyword(ajv: Ajv): void {
  ajv.addKeyword({
    keyword: 'x-kubernetes-validations',
    schemaType: 'array',
    errors: true,
    validate: function celRules(
      rules: Array<{ rule: string; message?: string }>,
      data: unknown,
      _schema?: unknown,
      ctx?: { instancePath: string },
    ) {
      const errors: KeywordError[] = [];
      for (const { rule, message } of rules) {
        const check = KNOWN_CEL_RULES[rule];
        const instancePath = ctx?.instancePath ?? '';
        if (!check) {
          errors.push({
            keyword: 'x-kubernetes-validations',
            instancePath,
            schemaPath: '',
            params: { rule },
            message: `CEL rule not evaluated by these tests, add it to KNOWN_CEL_RULES: ${rule}`,
          });
        } else if (!check(data)) {
          errors.push({
            keyword: 'x-kubernetes-validations',
            instancePath,
            schemaPath: '',
            params: { rule },
            message: `CEL rule failed: ${message ?? rule}`,
          });
        }
      }
      (celRules as unknown as { errors: unknown[] }).errors = errors;
      return errors.length === 0;
    },
  });
}

/**
 * Custom ajv keyword: list semantics the API server enforces. `x-kubernetes-list-type: set` items
 * must be unique; `map` items must be unique by their `x-kubernetes-list-map-keys` (a duplicate
 * port name, a second endpoint with the same key, is rejected with "Duplicate value").
 */
function addListTypeKeyword(ajv: Ajv): void {
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-type',
    schemaType: 'string',
    errors: true,
    validate: function listType(
      type: string,
      data: unknown,
      parentSchema?: JsonSchema,
      ctx?: { instancePath: string },
    ) {
      const errors: KeywordError[] = [];
      if (Array.isArray(data) && (type === 'set' || type === 'map')) {
        const keys: string[] = type === 'map' ? (parentSchema?.['x-kubernetes-list-map-keys'] ?? []) : [];
        const seen = new Map<string, number>();
        data.forEach((item, index) => {
          const identity = JSON.stringify(
            type === 'map' ? keys.map((k) => (item as Record<string, unknown>)?.[k] ?? null) : item,
          );
          const first = seen.get(identity);
          if (first !== undefined) {
            const what = type === 'map' ? `same ${keys.join('+')} ${identity}` : 'same value';
            errors.push({
              keyword: 'x-kubernetes-list-type',
              instancePath: `${ctx?.instancePath ?? ''}/${index}`,
              schemaPath: '',
              params: { type },
              message: `duplicate list item (${what} as item ${first})`,
            });
          } else {
            seen.set(identity, index);
          }
        });
      }
      (listType as unknown as { errors: unknown[] }).errors = errors;
      return errors.length === 0;
    },
  });
}

/**
 * Every CRD version of the CRD files, with strict validators compiled on first use and cached
 * (one catalog per test file: Argo CD's Application schema alone takes a noticeable compile).
 */
export class CrdSchemaCatalog {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly versions: ReadonlyArray<CrdVersion> = readCrdVersions()) {
    this.ajv = createKubernetesAjv();
    addCelKeyword(this.ajv);
    addListTypeKeyword(this.ajv);
  }

  /** The CRD version for an apiVersion and kind, served or not; undefined when no CRD defines it. */
  lookup(apiVersion: string, kind: string): CrdVersion | undefined {
    const group = apiGroupOf(apiVersion);
    const version = apiVersionOnly(apiVersion);
    return this.versions.find((v) => v.group === group && v.version === version && v.kind === kind);
  }

  /** Kinds (group/Kind) with a CRD here. */
  kinds(): string[] {
    return [...new Set(this.versions.map((v) => `${v.group}/${v.kind}`))].sort();
  }

  /** Everything the API server would reject or prune in this object; [] when it is valid. */
  validate(object: { apiVersion?: unknown; kind?: unknown }): SchemaViolation[] {
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      return [{ path: '', message: 'not a Kubernetes object: apiVersion and kind must be strings' }];
    }
    const crd = this.lookup(apiVersion, kind);
    if (!crd) {
      const sameKind = this.versions.filter((v) => v.kind === kind).map((v) => `${v.group}/${v.version}`);
      return [
        {
          path: '',
          message:
            `no CRD schema for ${kind} ${apiVersion} in ${CRD_FILES.join(', ')}` +
            (sameKind.length ? ` (that kind exists as ${sameKind.join(', ')})` : ''),
        },
      ];
    }
    if (!crd.served)
      return [
        {
          path: '/apiVersion',
          message: `${apiVersion} ${kind} is not served by its CRD (${crd.file}): the API server rejects it`,
        },
      ];
    const validateFn = this.validatorFor(crd);
    if (validateFn(object)) return [];
    return toViolations(validateFn.errors, `${kind} ${apiVersion} (${crd.file})`);
  }

  private validatorFor(crd: CrdVersion): ValidateFunction {
    const key = `${crd.group}/${crd.version}/${crd.kind}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      const apiVersion = crd.group ? `${crd.group}/${crd.version}` : crd.version;
      fn = this.ajv.compile(toStrictCrdSchema(crd.openAPIV3Schema, { apiVersion, kind: crd.kind }));
      this.compiled.set(key, fn);
    }
    return fn;
  }
}
