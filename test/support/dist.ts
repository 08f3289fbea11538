// Reads what `npm run synth` wrote, as reviewers and Argo CD see it: every YAML file under
// dist/<env>/, discovered (never listed by hand), each document with the file it came from.
// Helm values files (dist/<env>/helm/) are documents for the chart, not Kubernetes objects.
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { REPO_ROOT } from './shared';

export const DIST_ROOT = path.join(REPO_ROOT, 'dist');

/** The folder under dist/<env>/ that holds Helm values files rather than manifests. */
export const HELM_VALUES_DIR = 'helm';

/** dist/clusters/<cluster>/: what each cluster needs once (charts/nack-cluster-chart.ts), not an environment. */
export const CLUSTERS_DIR = 'clusters';

/** A Kubernetes object as read from dist/: the fields every object must have, the rest untyped. */
export interface DistObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

/** One YAML document of dist/, with where it came from (for messages that point at the file). */
export interface DistDocument<T = unknown> {
  readonly env: string;
  /** Path relative to the repository root, forward slashes: `dist/prod/manifests/20-stream-x.yaml`. */
  readonly file: string;
  /** Position of the document in its file (0 for single-object files). */
  readonly index: number;
  readonly content: T;
}

/** Environments synthesized into dist/ (its sub-folders but clusters/), sorted. Throws when there are none. */
export function listEnvironments(distRoot = DIST_ROOT): string[] {
  const envs = fs.existsSync(distRoot)
    ? fs
        .readdirSync(distRoot, { withFileTypes: true })
        .filter((e) => e.isDirectory() && e.name !== CLUSTERS_DIR)
        .map((e) => e.name)
        .sort()
    : [];
  if (envs.length === 0)
    throw new Error(`no environment under ${distRoot}: run \`npm run synth\` first (dist/ is committed)`);
  return envs;
}

/** Every *.yaml / *.yml file under dist/<env>/ (recursively), repository-relative, sorted. */
export function listYamlFiles(env: string, distRoot = DIST_ROOT): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) files.push(path.relative(REPO_ROOT, full).split(path.sep).join('/'));
    }
  };
  walk(path.join(distRoot, env));
  return files.sort();
}

/** Every non-empty YAML document of a repository-relative file. */
export function loadDocuments(env: string, file: string): Array<DistDocument> {
  const docs = yaml.loadAll(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));
  return docs
    .map((content, index) => ({ env, file, index, content }))
    .filter((d) => d.content !== null && d.content !== undefined);
}

function isHelmValuesFile(env: string, file: string, distRoot: string): boolean {
  const relative = path.relative(path.join(distRoot, env), path.join(REPO_ROOT, file)).split(path.sep);
  return relative[0] === HELM_VALUES_DIR;
}

/**
 * Every document of dist/<env>/ outside helm/: all of them must be Kubernetes objects (Argo CD
 * fails a directory sync on anything else, keda-prom-argo.md (d)), so they are returned as such;
 * use `isKubernetesObject` to check that they really are.
 */
export function loadObjects(env: string, distRoot = DIST_ROOT): Array<DistDocument<DistObject>> {
  return listYamlFiles(env, distRoot)
    .filter((file) => !isHelmValuesFile(env, file, distRoot))
    .flatMap((file) => loadDocuments(env, file)) as Array<DistDocument<DistObject>>;
}

/** The cluster folders `clusters/<cluster>` of dist/, sorted (loadObjects takes them like an environment). */
export function listClusterFolders(distRoot = DIST_ROOT): string[] {
  const dir = path.join(distRoot, CLUSTERS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `${CLUSTERS_DIR}/${e.name}`)
    .sort();
}

/** Every object of every environment, and of every cluster folder. */
export function loadAllObjects(distRoot = DIST_ROOT): Array<DistDocument<DistObject>> {
  return [...listEnvironments(distRoot), ...listClusterFolders(distRoot)].flatMap((env) => loadObjects(env, distRoot));
}

/** The Helm values files of dist/<env>/helm/ (repository-relative), sorted; empty when there are none. */
export function listHelmValuesFiles(env: string, distRoot = DIST_ROOT): string[] {
  return listYamlFiles(env, distRoot).filter((file) => isHelmValuesFile(env, file, distRoot));
}

/** True when a document has the minimum of a Kubernetes object: string apiVersion and kind, metadata.name. */
export function isKubernetesObject(content: unknown): content is DistObject {
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return false;
  const o = content as Record<string, unknown>;
  const metadata = o.metadata as Record<string, unknown> | undefined;
  return typeof o.apiVersion === 'string' && typeof o.kind === 'string' && typeof metadata?.name === 'string';
}

/** The API group of an apiVersion ('' for the core group: `v1`). */
export function apiGroupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
}

/** The version part of an apiVersion (`v1beta2` of `jetstream.nats.io/v1beta2`). */
export function apiVersionOnly(apiVersion: string): string {
  return apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
}

/** Documents of one kind (and optionally name); `kind` may be `Kind` or `group/Kind`. */
export function objectsOfKind<T extends DistObject = DistObject>(
  docs: ReadonlyArray<DistDocument<DistObject>>,
  kind: string,
  name?: string,
): Array<DistDocument<T>> {
  const [group, bareKind] = kind.includes('/')
    ? [kind.slice(0, kind.lastIndexOf('/')), kind.slice(kind.lastIndexOf('/') + 1)]
    : [undefined, kind];
  return docs.filter(
    (d) =>
      d.content.kind === bareKind &&
      (group === undefined || apiGroupOf(d.content.apiVersion) === group) &&
      (name === undefined || d.content.metadata?.name === name),
  ) as Array<DistDocument<T>>;
}

/** The one object of a kind and name in a list of documents; throws, listing what there is, otherwise. */
export function findObject<T extends DistObject = DistObject>(
  docs: ReadonlyArray<DistDocument<DistObject>>,
  kind: string,
  name: string,
): DistDocument<T> {
  const found = objectsOfKind<T>(docs, kind, name);
  if (found.length !== 1) {
    const present = docs.map((d) => `${d.content.kind}/${d.content.metadata?.name}`).join(', ');
    throw new Error(`expected exactly one ${kind} "${name}", found ${found.length} among: ${present}`);
  }
  return found[0];
}

/** `dist/prod/manifests/x.yaml` or `dist/prod/manifests/x.yaml#2` for multi-document files. */
export function describeLocation(doc: DistDocument): string {
  return doc.index === 0 ? doc.file : `${doc.file}#${doc.index}`;
}
