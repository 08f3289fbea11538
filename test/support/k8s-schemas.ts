// Validates core Kubernetes objects (Service, NetworkPolicy, ConfigMap, ...) offline, in two
// layers, because no npm package that loads in CommonJS on Node 20 ships the Kubernetes OpenAPI
// definitions as plain JSON schema (tooling.md §5: no kubeconform/kubeval on npm; kubernetes-models
// 5.x is ESM-only and wants Node >= 22, keda-prom-argo.md "npm model packages"):
//
// 1. Structure, strict (unknown fields FAIL, like `kubectl apply --validate=strict`): a JSON
//    schema built from the jsii assembly (`.jsii`) of cdk8s-plus-28 (Kubernetes 1.28.0) and
//    cdk8s-plus-33 (Kubernetes 1.33.0). `cdk8s import` generated those types from the Kubernetes
//    OpenAPI definitions; the assembly keeps every definition's fields with their original JSON
//    names (docs.custom.schema "io.k8s.api.core.v1.ServiceSpec#ports"), required-ness and
//    JSON types. It drops enums, formats and integer-vs-number, hence layer 2.
// 2. Values (enums, int32, required, types), not strict: the ajv validators that
//    kubernetes-models 4.5.1 (CommonJS) precompiled from the Kubernetes 1.27.1 OpenAPI spec. They
//    never reject unknown fields, so fields newer than 1.27 pass here and are judged by layer 1.
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { createKubernetesAjv, OBJECT_META_SCHEMA, SchemaViolation, toViolations } from './schema-validation';
import { createRequire } from 'module';

/** Loads a module by a path computed at run time (a package's generated files). */
const requireFile = createRequire(__filename);

/** cdk8s-plus packages whose generated k8s types give the strict structure (layer 1). */
export const STRUCTURE_SOURCES = ['cdk8s-plus-28', 'cdk8s-plus-33'] as const;
/**
 * Package whose precompiled validators check values (layer 2), and the Kubernetes version it was built from (its README
 * badge).
 */
export const VALUE_SOURCE = { package: 'kubernetes-models', kubernetesVersion: '1.27.1' } as const;

type JsonSchema = Record<string, any>;

interface JsiiTypeRef {
  primitive?: 'string' | 'number' | 'boolean' | 'any' | 'date' | 'json';
  fqn?: string;
  collection?: { kind: 'array' | 'map'; elementtype: JsiiTypeRef };
  union?: { types: JsiiTypeRef[] };
}
interface JsiiProperty {
  name: string;
  optional?: boolean;
  static?: boolean;
  type: JsiiTypeRef;
  docs?: { custom?: { schema?: string } };
}
interface JsiiType {
  fqn: string;
  name: string;
  kind: 'interface' | 'class' | 'enum';
  datatype?: boolean;
  namespace?: string;
  properties?: JsiiProperty[];
  docs?: { custom?: { schema?: string } };
}

function packageDir(pkg: string): string {
  return path.dirname(require.resolve(`${pkg}/package.json`));
}

function readAssembly(pkg: string): { types: Record<string, JsiiType> } {
  const dir = packageDir(pkg);
  const assembly = JSON.parse(fs.readFileSync(path.join(dir, '.jsii'), 'utf8'));
  // Newer jsii writes a redirect to a compressed assembly.
  if (assembly.schema === 'jsii/file-redirect') {
    const raw = fs.readFileSync(path.join(dir, assembly.filename));
    return JSON.parse((assembly.compression === 'gzip' ? zlib.gunzipSync(raw) : raw).toString('utf8'));
  }
  return assembly;
}

/** Original JSON field name: cdk8s renames a few (hostIP -> hostIp, $ref -> ref). */
function jsonName(property: JsiiProperty): string {
  const schema = property.docs?.custom?.schema;
  return schema?.includes('#') ? schema.slice(schema.indexOf('#') + 1) : property.name;
}

/** The Kubernetes object types of one cdk8s-plus package as strict JSON schema (one ajv `definitions` document). */
export class KubernetesStructureSchemas {
  readonly kubernetesVersion: string;
  private readonly definitions: Record<string, JsonSchema> = {};
  /** `apiVersion kind` -> jsii fqn of the props struct of its Kube* class. */
  private readonly byGvk = new Map<string, string>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly schemaId: string;

  constructor(
    readonly sourcePackage: string,
    private readonly ajv: Ajv,
  ) {
    const description: string =
      JSON.parse(fs.readFileSync(path.join(packageDir(sourcePackage), 'package.json'), 'utf8')).description ?? '';
    const match = /Kubernetes (\d+\.\d+\.\d+)/.exec(description);
    if (!match) throw new Error(`${sourcePackage}: no "Kubernetes x.y.z" in its package.json description`);
    this.kubernetesVersion = match[1];

    const { types } = readAssembly(sourcePackage);
    for (const type of Object.values(types)) {
      if (type.namespace !== 'k8s') continue;
      if (type.kind === 'interface' && type.datatype) this.definitions[type.fqn] = this.structSchema(type);
    }
    // The Kube* classes carry apiVersion/kind as a static GVK; their props struct is the object.
    const k8s = requireFile(path.join(packageDir(sourcePackage), 'lib', 'imports', 'k8s.js')) as Record<
      string,
      { GVK?: { apiVersion: string; kind: string } }
    >;
    for (const [className, cls] of Object.entries(k8s)) {
      const gvk = cls?.GVK;
      const propsFqn = `${sourcePackage}.k8s.${className}Props`;
      if (gvk && this.definitions[propsFqn]) this.byGvk.set(`${gvk.apiVersion} ${gvk.kind}`, propsFqn);
    }
    if (this.byGvk.size === 0) throw new Error(`${sourcePackage}: found no Kube* classes with a GVK`);
    this.schemaId = `${sourcePackage}-k8s`;
    this.ajv.addSchema({ $id: this.schemaId, definitions: this.definitions });
  }

  /** True when this Kubernetes version has the kind at that apiVersion. */
  has(apiVersion: string, kind: string): boolean {
    return this.byGvk.has(`${apiVersion} ${kind}`);
  }

  /** Kinds known here, as `apiVersion kind`. */
  gvks(): string[] {
    return [...this.byGvk.keys()].sort();
  }

  validate(object: { apiVersion: string; kind: string }): SchemaViolation[] {
    const name = `Kubernetes ${this.kubernetesVersion} ${object.kind} ${object.apiVersion} (${this.sourcePackage})`;
    const key = `${object.apiVersion} ${object.kind}`;
    const propsFqn = this.byGvk.get(key);
    if (!propsFqn)
      return [
        {
          path: '',
          message:
            `Kubernetes ${this.kubernetesVersion} has no ${object.kind} in ` +
            `${object.apiVersion} (${this.sourcePackage})`,
        },
      ];
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile({
        allOf: [
          { $ref: `${this.schemaId}#/definitions/${propsFqn}` },
          // apiVersion/kind are not in the props struct (the Kube* class adds them from its GVK).
          {
            properties: { apiVersion: { const: object.apiVersion }, kind: { const: object.kind } },
            required: ['apiVersion', 'kind'],
          },
        ],
      });
      this.compiled.set(key, fn);
    }
    if (fn(object)) return [];
    return toViolations(fn.errors, name);
  }

  private structSchema(type: JsiiType): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const p of type.properties ?? []) {
      if (p.static) continue;
      const name = jsonName(p);
      properties[name] = this.typeSchema(p.type);
      if (!p.optional) required.push(name);
    }
    if (/^Kube\w+Props$/.test(type.name)) {
      // An object root: apiVersion and kind are fields of the object, fixed in validate().
      properties.apiVersion = { type: 'string' };
      properties.kind = { type: 'string' };
    }
    return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false };
  }

  private typeSchema(ref: JsiiTypeRef): JsonSchema {
    if (ref.primitive) {
      switch (ref.primitive) {
        case 'string':
          return { type: 'string' };
        case 'number':
          return { type: 'number' };
        case 'boolean':
          return { type: 'boolean' };
        case 'date':
          return { type: 'string', format: 'date-time' };
        default:
          return {};
      }
    }
    if (ref.collection) {
      const items = this.typeSchema(ref.collection.elementtype);
      return ref.collection.kind === 'array'
        ? { type: 'array', items }
        : { type: 'object', additionalProperties: items };
    }
    if (ref.union) return { anyOf: ref.union.types.map((t) => this.typeSchema(t)) };
    const fqn = ref.fqn ?? '';
    const simpleName = fqn.slice(fqn.lastIndexOf('.') + 1);
    if (simpleName === 'IntOrString') return { type: ['integer', 'string'] };
    if (simpleName === 'Quantity') return { type: ['string', 'number'] };
    if (fqn.startsWith(`${this.sourcePackage}.k8s.`)) return { $ref: `#/definitions/${fqn}` };
    // Enums and anything else outside the generated structs: a string the value layer judges.
    return {};
  }
}

/** Value layer: kubernetes-models' precompiled validator for a kind, or undefined when it has none. */
export function valueValidatorFor(apiVersion: string, kind: string): ((data: unknown) => ErrorObject[]) | undefined {
  const modulePath = `${VALUE_SOURCE.package}/${apiVersion}`;
  let mod: Record<string, unknown>;
  try {
    mod = requireFile(modulePath);
  } catch {
    return undefined;
  }
  const cls = mod[kind];
  // Each model module exports the class under its kind and under its definition id (IoK8sApiCoreV1Service).
  const schemaId = Object.keys(mod).find((k) => k.startsWith('IoK8s') && mod[k] === cls);
  if (!cls || !schemaId) return undefined;
  // _schemas/ is not in the package's exports map: load the file by path (the package root holds index.js).
  const schemaFile = path.join(path.dirname(require.resolve(VALUE_SOURCE.package)), '_schemas', `${schemaId}.js`);
  const { validate } = requireFile(schemaFile) as {
    validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
  };
  return (data) => (validate(data) ? [] : [...(validate.errors ?? [])]);
}

/**
 * Both layers plus the ObjectMeta rules, for every structure source. An object whose kind none of
 * them knows is a violation (a kind with no schema must fail, never be skipped).
 */
export class CoreKubernetesValidator {
  readonly structures: KubernetesStructureSchemas[];
  private readonly metadataValidator: ValidateFunction;

  constructor(sources: ReadonlyArray<string> = STRUCTURE_SOURCES) {
    const ajv = createKubernetesAjv();
    this.structures = sources.map((pkg) => new KubernetesStructureSchemas(pkg, ajv));
    this.metadataValidator = ajv.compile(OBJECT_META_SCHEMA);
  }

  /** True when at least one structure source has this apiVersion and kind (a core Kubernetes kind). */
  isCoreKind(apiVersion: string, kind: string): boolean {
    return this.structures.some((s) => s.has(apiVersion, kind));
  }

  validate(object: { apiVersion?: unknown; kind?: unknown; metadata?: unknown }): SchemaViolation[] {
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      return [{ path: '', message: 'not a Kubernetes object: apiVersion and kind must be strings' }];
    }
    const violations: SchemaViolation[] = [];
    for (const structure of this.structures) violations.push(...structure.validate({ ...object, apiVersion, kind }));
    const values = valueValidatorFor(apiVersion, kind);
    if (!values) {
      violations.push({
        path: '',
        message: `${VALUE_SOURCE.package} (Kubernetes ${VALUE_SOURCE.kubernetesVersion}) has no ${kind} ${apiVersion}`,
      });
    } else {
      violations.push(
        ...toViolations(
          values(object),
          `Kubernetes ${VALUE_SOURCE.kubernetesVersion} ${kind} ${apiVersion} (${VALUE_SOURCE.package})`,
        ),
      );
    }
    if (!this.metadataValidator(object.metadata)) {
      violations.push(
        ...toViolations(this.metadataValidator.errors, 'ObjectMeta').map((v) => ({ ...v, path: `/metadata${v.path}` })),
      );
    }
    return dedupeByPath(violations);
  }
}

/** Several layers often report the same unknown field; keep each message, but list each once. */
function dedupeByPath(violations: SchemaViolation[]): SchemaViolation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = `${v.path}\u0000${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
