import { Construct } from 'constructs';
import { Application, ApplicationSpecIgnoreDifferences } from '../../../imports/argoproj.io';
import { ARGOCD_WAVES, SYNC_RETRY, argoCdMetadata } from './argocd-sync';

/** A workload KEDA scales: its replica count belongs to KEDA's HPA, not to git. */
export interface ScaledWorkload {
  readonly kind: string;
  readonly name: string;
}

export interface ManifestsApplicationProps {
  /** Application name. */
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly argoNamespace: string;
  readonly project: string;
  readonly destination: { readonly server: string; readonly namespace: string };
  readonly repoURL: string;
  readonly targetRevision: string;
  /** Folder of one-object YAML files from the repository root, e.g. `dist/prod/manifests`. */
  readonly path: string;
  /** Sync automatically, with prune and self-heal. */
  readonly automated: boolean;
  /** Workloads our ScaledObjects scale. @default - none */
  readonly scaledWorkloads?: readonly ScaledWorkload[];
}

/**
 * An Argo CD Application that applies the synthesized manifests folder (NACK Streams and
 * Consumers, monitoring, KEDA ScaledObjects) as a plain directory source. Inside it the objects'
 * own sync-wave annotations order the sync: Service, Streams, Consumers, monitoring, ScaledObjects
 * (lib/constructs/argocd/apply-order.ts).
 *
 * Sync options: `ServerSideApply=true` because generated objects such as dashboards and rule
 * groups can outgrow the 262144-byte last-applied annotation of a client-side apply
 * (keda-prom-argo.md (d)); `PruneLast=true` so a removed consumer goes only after everything else
 * is healthy; `RespectIgnoreDifferences=true` so the replica rule below also holds during a sync.
 * CRs carry `SkipDryRunOnMissingResource=true` themselves, and retry covers CRDs that arrive later.
 *
 * KEDA and Argo CD must not fight over replicas: the scaled Deployments should omit
 * `spec.replicas` (keda-prom-argo.md (a)). They are not ours, so we cannot enforce that; the
 * Application ignores `/spec/replicas` of each scaled workload in case it is ever deployed here,
 * and docs/gitops.md gives the same block for the Application that deploys the workloads.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/directory/
 */
export class ManifestsApplication extends Construct {
  public readonly name: string;
  public readonly resource: Application;

  constructor(scope: Construct, id: string, props: ManifestsApplicationProps) {
    super(scope, id);
    this.name = props.name;
    this.resource = new Application(this, 'Resource', {
      metadata: argoCdMetadata(props.name, props.argoNamespace, ARGOCD_WAVES.manifestsApplication),
      spec: {
        project: props.project,
        destination: { server: props.destination.server, namespace: props.destination.namespace },
        source: {
          repoUrl: props.repoURL,
          targetRevision: props.targetRevision,
          path: props.path,
          // One object per file, nothing else in the folder (the Helm values live in ../helm/).
          directory: { recurse: false, include: '*.yaml' },
        },
        ignoreDifferences: replicaIgnores(props.scaledWorkloads ?? [], props.destination.namespace),
        syncPolicy: {
          automated: props.automated ? { prune: true, selfHeal: true } : undefined,
          syncOptions: [
            'CreateNamespace=true',
            'ServerSideApply=true',
            'PruneLast=true',
            'RespectIgnoreDifferences=true',
          ],
          retry: { limit: SYNC_RETRY.limit, backoff: { ...SYNC_RETRY.backoff } },
        },
      },
    });
  }
}

/** `ignoreDifferences` entries that leave each scaled workload's replica count to KEDA. */
export function replicaIgnores(
  workloads: readonly ScaledWorkload[],
  namespace: string,
): ApplicationSpecIgnoreDifferences[] | undefined {
  if (workloads.length === 0) return undefined;
  const unique = [...new Map(workloads.map((w) => [`${w.kind}/${w.name}`, w])).values()].sort((a, b) =>
    `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`),
  );
  return unique.map((w) => ({
    group: 'apps',
    kind: w.kind,
    name: w.name,
    namespace,
    jsonPointers: ['/spec/replicas'],
  }));
}
