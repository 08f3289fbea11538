import { Construct } from 'constructs';
import { Application } from '../../../imports/argoproj.io';
import { ARGOCD_WAVES, SYNC_RETRY, SYNC_WAVE_ANNOTATION } from './argocd-sync';

export interface NackChartApplicationProps {
  /** Application name. */
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly argoNamespace: string;
  readonly project: string;
  /** The environment's cluster and namespace: the controller runs there and manages only that namespace. */
  readonly destination: { readonly server: string; readonly namespace: string };
  /** Helm repository of the `nack` chart (nats-io/k8s, the same repository as the `nats` chart). */
  readonly chartRepoURL: string;
  /** Exact chart version (pinned, like the NATS chart). */
  readonly chartVersion: string;
  readonly releaseName: string;
  /** Git repository holding the values file. */
  readonly valuesRepoURL: string;
  readonly valuesRevision: string;
  /** Path of the values file from the repository root, e.g. `dist/prod/helm/nack-values.yaml`. */
  readonly valuesFile: string;
  /** Sync automatically, with prune and self-heal. */
  readonly automated: boolean;
}

/**
 * An Argo CD Application that installs the environment's own NACK controller from the official
 * `nack` chart at a pinned version with our generated values (lib/constructs/jetstream/nack-helm-values.ts: control
 * loop, restricted to the environment's namespace, namespaced RBAC), as a multi-source
 * Application like the NATS chart's (lib/constructs/argocd/argocd-nats-application.ts).
 *
 * `helm.skipCrds: true`: the chart ships NACK's CRDs in its `crds/` folder, which Argo CD applies
 * unless told not to. CRDs are cluster-wide, so several environments in one cluster would have
 * several Applications owning the same CRDs and fighting over them (and deleting one Application
 * with a cascade would delete every Stream of every environment). They are installed once per
 * cluster instead (lib/constructs/argocd/argocd-nack-crds-application.ts).
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/helm/ (skipCrds, argoproj/argo-cd#8012)
 */
export class NackChartApplication extends Construct {
  public readonly name: string;
  public readonly resource: Application;

  constructor(scope: Construct, id: string, props: NackChartApplicationProps) {
    super(scope, id);
    this.name = props.name;
    const VALUES_REF = 'values';
    this.resource = new Application(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.argoNamespace,
        annotations: { [SYNC_WAVE_ANNOTATION]: String(ARGOCD_WAVES.nackApplication) },
      },
      spec: {
        project: props.project,
        destination: { server: props.destination.server, namespace: props.destination.namespace },
        sources: [
          {
            repoUrl: props.chartRepoURL,
            chart: 'nack',
            targetRevision: props.chartVersion,
            helm: {
              releaseName: props.releaseName,
              valueFiles: [`$${VALUES_REF}/${props.valuesFile}`],
              skipCrds: true,
            },
          },
          // No `path`: this source only provides the values file.
          { repoUrl: props.valuesRepoURL, targetRevision: props.valuesRevision, ref: VALUES_REF },
        ],
        syncPolicy: {
          automated: props.automated ? { prune: true, selfHeal: true } : undefined,
          syncOptions: ['CreateNamespace=true'],
          retry: { limit: SYNC_RETRY.limit, backoff: { ...SYNC_RETRY.backoff } },
        },
      },
    });
  }
}
