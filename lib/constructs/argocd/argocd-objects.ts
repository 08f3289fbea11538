// The AppProjects and Applications we emit. They share one shape: a name in Argo CD's namespace with its sync
// wave, a project, a destination, and a sync policy with retries.
import { Construct } from 'constructs';
import {
  AppProject,
  Application,
  ApplicationSpec,
  ApplicationSpecIgnoreDifferences,
} from '../../../imports/argoproj.io';
import { SYNC_WAVE_ANNOTATION } from './argocd-sync';

/**
 * Waves of the objects in dist/<env>/argocd/ (and dist/clusters/<cluster>/argocd/), for an app-of-apps that syncs
 * that folder: the project first, then the NATS and NACK charts (side by side: the controller starts without NATS
 * and retries) or in a cluster folder the NACK CRDs, then the manifests that need both. Between Applications a wave
 * waits for health only with the Application health check restored in argocd-cm (keda-prom-argo.md (d);
 * docs/gitops.md shows it).
 */
export const ARGOCD_WAVES = { project: 0, charts: 1, manifests: 2 } as const;

/**
 * Retries for every Application: CRs fail to apply until their operator's CRDs exist, and Streams fail until NATS
 * is up; both resolve by themselves within minutes.
 */
const SYNC_RETRY = { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };

function argoCdMetadata(name: string, argoNamespace: string, wave: number) {
  return { name, namespace: argoNamespace, annotations: { [SYNC_WAVE_ANNOTATION]: String(wave) } };
}

/** A cluster-scoped kind an AppProject may deploy, optionally only objects whose name matches a glob. */
export interface ClusterResource {
  readonly group: string;
  readonly kind: string;
  /** Go filepath.Match glob on the object's name (Argo CD 3.x). @default - any name */
  readonly name?: string;
}

export interface FencedAppProjectProps {
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly argoNamespace: string;
  readonly description: string;
  /** Repositories the Applications may read. */
  readonly sourceRepos: readonly string[];
  readonly destination: { readonly server: string; readonly namespace: string };
  /** The only cluster-scoped objects its Applications may deploy. */
  readonly clusterResources: readonly ClusterResource[];
  /** Refuse every namespaced object (`namespaceResourceBlacklist` of every kind). @default false */
  readonly noNamespacedObjects?: boolean;
}

/**
 * An AppProject that allows only the given repositories, destination and cluster-scoped kinds.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
 */
export function fencedAppProject(scope: Construct, props: FencedAppProjectProps): AppProject {
  return new AppProject(scope, props.name, {
    metadata: argoCdMetadata(props.name, props.argoNamespace, ARGOCD_WAVES.project),
    spec: {
      description: props.description,
      sourceRepos: [...new Set(props.sourceRepos)],
      destinations: [{ ...props.destination }],
      clusterResourceWhitelist: props.clusterResources.map((r) => ({ ...r })),
      ...(props.noNamespacedObjects ? { namespaceResourceBlacklist: [{ group: '*', kind: '*' }] } : {}),
    },
  });
}

export interface ArgoCdApplicationProps {
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly argoNamespace: string;
  readonly project: string;
  /** Without a namespace for an Application of cluster-scoped objects only. */
  readonly destination: { readonly server: string; readonly namespace?: string };
  /** Sync automatically, with self-heal and (unless `prune` is false) prune. */
  readonly automated: boolean;
}

/** What differs between our Applications: their source(s), wave and sync options. */
type ApplicationParts = Pick<ApplicationSpec, 'source' | 'sources' | 'ignoreDifferences'> & {
  readonly wave: number;
  readonly syncOptions: string[];
  /** @default true */
  readonly prune?: boolean;
};

export function argoCdApplication(scope: Construct, props: ArgoCdApplicationProps, parts: ApplicationParts) {
  const { wave, syncOptions, prune = true, ...sources } = parts;
  return new Application(scope, props.name, {
    metadata: argoCdMetadata(props.name, props.argoNamespace, wave),
    spec: {
      project: props.project,
      destination: { ...props.destination },
      ...sources,
      syncPolicy: {
        automated: props.automated ? { prune, selfHeal: true } : undefined,
        syncOptions,
        retry: { limit: SYNC_RETRY.limit, backoff: { ...SYNC_RETRY.backoff } },
      },
    },
  });
}

export interface ChartApplicationProps extends ArgoCdApplicationProps {
  readonly destination: { readonly server: string; readonly namespace: string };
  /** Helm repository of the chart (nats-io/k8s for both `nats` and `nack`). */
  readonly chartRepoURL: string;
  readonly chart: string;
  /** Exact chart version (pinned: a range would let Argo CD upgrade on its own). */
  readonly chartVersion: string;
  /** Helm release name; the chart names its objects from it (helm.md §2). */
  readonly releaseName: string;
  /** Git repository holding the values file. */
  readonly valuesRepoURL: string;
  readonly valuesRevision: string;
  /** Path of the values file from the repository root, e.g. `dist/prod/helm/nats-values.yaml`. */
  readonly valuesFile: string;
  readonly helmOptions: { readonly skipTests?: boolean; readonly skipCrds?: boolean };
}

/**
 * An Application that installs one of the official nats-io/k8s charts (nats, nack) from its Helm repository at a
 * pinned version with our generated values: a multi-source Application whose second source is only a `$values`
 * reference to this git repository (keda-prom-argo.md (d)). The values file sits in dist/<env>/helm/, outside the
 * manifests Application's directory path, where Argo CD would fail on a file that is not a Kubernetes object.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/multiple_sources/
 */
export function chartApplication(scope: Construct, props: ChartApplicationProps): Application {
  const VALUES_REF = 'values';
  return argoCdApplication(scope, props, {
    wave: ARGOCD_WAVES.charts,
    sources: [
      {
        repoUrl: props.chartRepoURL,
        chart: props.chart,
        targetRevision: props.chartVersion,
        helm: {
          releaseName: props.releaseName,
          // `$values` is the root of the `ref: values` source, whatever its path (keda-prom-argo.md (d)).
          valueFiles: [`$${VALUES_REF}/${props.valuesFile}`],
          ...props.helmOptions,
        },
      },
      // No `path`: this source only provides the values file; with a path it would render manifests too.
      { repoUrl: props.valuesRepoURL, targetRevision: props.valuesRevision, ref: VALUES_REF },
    ],
    // Whichever chart syncs first creates the environment's namespace.
    syncOptions: ['CreateNamespace=true'],
  });
}

/** A workload KEDA scales: its replica count belongs to KEDA's HPA, not to git. */
export interface ScaledWorkload {
  readonly kind: string;
  readonly name: string;
}

export interface ManifestsApplicationProps extends ArgoCdApplicationProps {
  readonly destination: { readonly server: string; readonly namespace: string };
  readonly repoURL: string;
  readonly targetRevision: string;
  /** Folder of one-object YAML files from the repository root, e.g. `dist/prod/manifests`. */
  readonly path: string;
  /** Workloads our ScaledObjects scale. */
  readonly scaledWorkloads: readonly ScaledWorkload[];
}

/**
 * An Application that applies the synthesized manifests folder (NACK Streams and Consumers, monitoring, KEDA
 * ScaledObjects) as a plain directory source. Inside it the objects' own sync-wave annotations order the sync
 * (lib/constructs/argocd/apply-order.ts).
 *
 * Sync options: `ServerSideApply=true` because generated objects such as dashboards and rule groups can outgrow the
 * 262144-byte last-applied annotation of a client-side apply (keda-prom-argo.md (d)); `PruneLast=true` so a removed
 * consumer goes only after everything else is healthy; `RespectIgnoreDifferences=true` so the replica rule below
 * also holds during a sync. CRs carry `SkipDryRunOnMissingResource=true` themselves, and retry covers CRDs that
 * arrive later.
 *
 * KEDA and Argo CD must not fight over replicas: the scaled Deployments should omit `spec.replicas`
 * (keda-prom-argo.md (a)). They are not ours, so we cannot enforce that; the Application ignores `/spec/replicas` of
 * each scaled workload in case it is ever deployed here, and docs/gitops.md gives the same block for the
 * Application that deploys the workloads.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/directory/
 */
export function manifestsApplication(scope: Construct, props: ManifestsApplicationProps): Application {
  return argoCdApplication(scope, props, {
    wave: ARGOCD_WAVES.manifests,
    source: {
      repoUrl: props.repoURL,
      targetRevision: props.targetRevision,
      path: props.path,
      // One object per file, nothing else in the folder (the Helm values live in ../helm/).
      directory: { recurse: false, include: '*.yaml' },
    },
    ignoreDifferences: replicaIgnores(props.scaledWorkloads, props.destination.namespace),
    syncOptions: ['CreateNamespace=true', 'ServerSideApply=true', 'PruneLast=true', 'RespectIgnoreDifferences=true'],
  });
}

/** `ignoreDifferences` entries that leave each scaled workload's replica count to KEDA. */
function replicaIgnores(
  workloads: readonly ScaledWorkload[],
  namespace: string,
): ApplicationSpecIgnoreDifferences[] | undefined {
  if (workloads.length === 0) return undefined;
  const byKey = new Map(workloads.map((w) => [`${w.kind}/${w.name}`, w]));
  return [...byKey.keys()]
    .sort((a, b) => a.localeCompare(b))
    .map((key) => ({ group: 'apps', ...byKey.get(key)!, namespace, jsonPointers: ['/spec/replicas'] }));
}
