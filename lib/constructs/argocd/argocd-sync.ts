// Argo CD sync metadata for everything we emit, decided in one place and set where the objects are built
// (every chart ends with `annotateForArgoCd(this)`), so what a test synthesizes is what lands in dist/, and
// the file prefixes that order `kubectl apply -f` and the Argo CD sync waves always agree: both are
// `syncWaveOf(object)`.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { applyOrderOf } from './apply-order';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/**
 * A CR whose CRD may not exist yet when Argo CD dry-runs the sync (NACK, KEDA or the Prometheus
 * operator installed by another Application, or later). It only skips the dry run; the apply
 * still fails until the CRD exists, so the Applications also retry (keda-prom-argo.md (d)).
 */
export const SKIP_DRY_RUN = 'SkipDryRunOnMissingResource=true';

/**
 * Stream CRs are never pruned or cascade-deleted by Argo CD. Without `preventDelete`, deleting a
 * Stream CR makes NACK delete the JetStream stream and every message in it (nack.md §4); every
 * Stream we emit sets `preventDelete: true` (lib/constructs/jetstream/jetstream-stream.ts), which also covers
 * `kubectl delete` and a deleted namespace, and this keeps the CR, so NACK keeps managing the
 * stream instead of leaving it orphaned. A stream removed from the config leaves the Application
 * OutOfSync ("requires pruning") until a person deletes the CR on purpose; `npm run plan` flags
 * the removal in the pull request as well. Consumers stay prunable: they hold delivery state, not
 * messages, and the plan flags their removal where it loses data.
 */
const KEEP_ON_PRUNE_AND_DELETE = ['Prune=false', 'Delete=false'];

/** Built-in API groups: '', one word, or ending in .k8s.io; any other group's kinds come from a CRD. */
const BUILT_IN_GROUP = /^$|^[a-z0-9-]+$|\.k8s\.io$/;
/**
 * Argo CD's own CRDs necessarily exist wherever Argo CD reads an Application, so its objects need
 * no dry-run skip. (`*.x-k8s.io` groups such as gateway.networking.x-k8s.io are CRDs and match.)
 */
const ALWAYS_INSTALLED_CRD_GROUPS = new Set(['argoproj.io']);

/** Kinds whose deletion loses data, so Argo CD must never prune or cascade-delete them. */
const PROTECTED_KINDS = new Set(['jetstream.nats.io/Stream']);

export interface KubernetesObjectLike {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly annotations?: Record<string, string>;
    readonly [k: string]: unknown;
  };
  readonly [k: string]: unknown;
}

export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** True for custom resources (kinds served from a CRD), whose CRD may be missing at dry-run time. */
export function isCustomResource(object: Pick<KubernetesObjectLike, 'apiVersion'>): boolean {
  const group = apiGroupOf(object.apiVersion);
  if (group.endsWith('.x-k8s.io')) return true;
  return !BUILT_IN_GROUP.test(group);
}

/**
 * The sync wave of an object: an explicit `argocd.argoproj.io/sync-wave` annotation (the Argo CD
 * Applications set theirs), else the APPLY_ORDER of its kind. Also the file-name prefix.
 */
export function syncWaveOf(object: KubernetesObjectLike): number {
  const explicit = object.metadata.annotations?.[SYNC_WAVE_ANNOTATION];
  if (explicit !== undefined) {
    const wave = Number(explicit);
    if (!Number.isInteger(wave)) {
      throw new Error(
        `${object.kind} "${object.metadata.name}": annotation ${SYNC_WAVE_ANNOTATION}="${explicit}" is not an integer`,
      );
    }
    return wave;
  }
  return applyOrderOf(object.kind);
}

/** The sync options an object needs in its annotation. */
function syncOptionsFor(object: KubernetesObjectLike): string[] {
  const options: string[] = [];
  if (isCustomResource(object) && !ALWAYS_INSTALLED_CRD_GROUPS.has(apiGroupOf(object.apiVersion)))
    options.push(SKIP_DRY_RUN);
  if (PROTECTED_KINDS.has(`${apiGroupOf(object.apiVersion)}/${object.kind}`)) options.push(...KEEP_ON_PRUNE_AND_DELETE);
  return options;
}

/**
 * A copy of `object` with its sync wave and sync options as annotations. Options already present
 * are kept (and ours appended once), so a construct can add its own.
 */
export function withArgoCdAnnotations<T extends KubernetesObjectLike>(object: T): T {
  const annotations: Record<string, string> = { ...(object.metadata.annotations ?? {}) };
  annotations[SYNC_WAVE_ANNOTATION] = String(syncWaveOf(object));
  const options = (annotations[SYNC_OPTIONS_ANNOTATION] ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const option of syncOptionsFor(object)) if (!options.includes(option)) options.push(option);
  if (options.length > 0) annotations[SYNC_OPTIONS_ANNOTATION] = options.join(',');
  // Keys sorted, as cdk8s writes metadata, so the annotations do not wander in diffs.
  const metadata = sortedKeys({ ...object.metadata, annotations: sortedKeys(annotations) });
  return { ...object, metadata };
}

/**
 * Sets the sync wave and sync options (withArgoCdAnnotations) on every object under `scope`. Only Argo CD's own
 * objects carry annotations of ours before this (their wave, argocd-objects.ts), so only theirs are read back:
 * metadata.toJson() resolves every field, a tenth of a 1,000-stream synth if done for every object.
 */
export function annotateForArgoCd(scope: IConstruct): void {
  for (const construct of scope.node.findAll()) {
    if (!(construct instanceof ApiObject)) continue;
    const { apiVersion, kind, name } = construct;
    const annotations: Record<string, string> | undefined = ALWAYS_INSTALLED_CRD_GROUPS.has(apiGroupOf(apiVersion))
      ? construct.metadata.toJson().annotations
      : undefined;
    const annotated = withArgoCdAnnotations({ apiVersion, kind, metadata: { name, annotations } });
    for (const [key, value] of Object.entries(annotated.metadata.annotations ?? {}))
      construct.metadata.addAnnotation(key, value);
  }
}

function sortedKeys<V>(record: Record<string, V>): Record<string, V> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
