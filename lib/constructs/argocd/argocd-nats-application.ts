import { Construct } from 'constructs';
import { Application } from '../../../imports/argoproj.io';
import { ARGOCD_WAVES, SYNC_RETRY, SYNC_WAVE_ANNOTATION } from './argocd-sync';

export interface NatsChartApplicationProps {
  /** Application name. */
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly argoNamespace: string;
  readonly project: string;
  readonly destination: { readonly server: string; readonly namespace: string };
  /** Helm repository of the `nats` chart. */
  readonly chartRepoURL: string;
  /** Exact chart version (pinned: a range would let Argo CD upgrade NATS on its own). */
  readonly chartVersion: string;
  /** Helm release name; the chart names its objects from it (helm.md §2). */
  readonly releaseName: string;
  /** Git repository holding the values file. */
  readonly valuesRepoURL: string;
  readonly valuesRevision: string;
  /** Path of the values file from the repository root, e.g. `dist/prod/helm/nats-values.yaml`. */
  readonly valuesFile: string;
  /** Sync automatically, with prune and self-heal. */
  readonly automated: boolean;
}

/**
 * An Argo CD Application that installs the official NATS chart from its Helm repository at a
 * pinned version with our generated values: a multi-source Application whose second source is
 * only a `$values` reference to this git repository (keda-prom-argo.md (d)). The values file sits
 * in dist/<env>/helm/, outside the manifests Application's directory path, where Argo CD would
 * fail on a file that is not a Kubernetes object.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/multiple_sources/
 */
export class NatsChartApplication extends Construct {
  public readonly name: string;
  public readonly resource: Application;

  constructor(scope: Construct, id: string, props: NatsChartApplicationProps) {
    super(scope, id);
    this.name = props.name;
    const VALUES_REF = 'values';
    this.resource = new Application(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.argoNamespace,
        annotations: { [SYNC_WAVE_ANNOTATION]: String(ARGOCD_WAVES.natsApplication) },
      },
      spec: {
        project: props.project,
        destination: { server: props.destination.server, namespace: props.destination.namespace },
        sources: [
          {
            repoUrl: props.chartRepoURL,
            chart: 'nats',
            targetRevision: props.chartVersion,
            helm: {
              releaseName: props.releaseName,
              // `$values` is the root of the `ref: values` source, whatever its path (keda-prom-argo.md (d)).
              valueFiles: [`$${VALUES_REF}/${props.valuesFile}`],
              // The chart's request-reply test Pod is for `helm test`, not for a GitOps sync.
              skipTests: true,
            },
          },
          // No `path`: this source only provides the values file; with a path it would render manifests too.
          { repoUrl: props.valuesRepoURL, targetRevision: props.valuesRevision, ref: VALUES_REF },
        ],
        syncPolicy: {
          automated: props.automated ? { prune: true, selfHeal: true } : undefined,
          // NATS is the first thing in the namespace, so this Application creates it.
          syncOptions: ['CreateNamespace=true'],
          retry: { limit: SYNC_RETRY.limit, backoff: { ...SYNC_RETRY.backoff } },
        },
      },
    });
  }
}
