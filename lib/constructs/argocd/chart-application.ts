// The Argo CD Application that installs one of the official nats-io/k8s charts (nats, nack) from its Helm
// repository at a pinned version with our generated values: a multi-source Application whose second source
// is only a `$values` reference to this git repository.
// @see https://argo-cd.readthedocs.io/en/stable/user-guide/multiple_sources/
import { Construct } from 'constructs';
import { Application } from '../../../imports/argoproj.io';
import { SYNC_RETRY, argoCdMetadata } from './argocd-sync';

export interface ChartApplicationProps {
  /** Application name. */
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly argoNamespace: string;
  readonly project: string;
  readonly destination: { readonly server: string; readonly namespace: string };
  /** Helm repository of the chart (nats-io/k8s for both `nats` and `nack`). */
  readonly chartRepoURL: string;
  /** Exact chart version (pinned: a range would let Argo CD upgrade on its own). */
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

/** What differs between the charts: the chart's name, its sync wave and the Helm options it needs. */
export interface ChartSource {
  readonly chart: string;
  readonly wave: number;
  readonly helmOptions: { readonly skipTests?: boolean; readonly skipCrds?: boolean };
}

export class ChartApplication extends Construct {
  public readonly name: string;
  public readonly resource: Application;

  constructor(scope: Construct, id: string, props: ChartApplicationProps, source: ChartSource) {
    super(scope, id);
    this.name = props.name;
    const VALUES_REF = 'values';
    this.resource = new Application(this, 'Resource', {
      metadata: argoCdMetadata(props.name, props.argoNamespace, source.wave),
      spec: {
        project: props.project,
        destination: { server: props.destination.server, namespace: props.destination.namespace },
        sources: [
          {
            repoUrl: props.chartRepoURL,
            chart: source.chart,
            targetRevision: props.chartVersion,
            helm: {
              releaseName: props.releaseName,
              // `$values` is the root of the `ref: values` source, whatever its path (keda-prom-argo.md (d)).
              valueFiles: [`$${VALUES_REF}/${props.valuesFile}`],
              ...source.helmOptions,
            },
          },
          // No `path`: this source only provides the values file; with a path it would render manifests too.
          { repoUrl: props.valuesRepoURL, targetRevision: props.valuesRevision, ref: VALUES_REF },
        ],
        syncPolicy: {
          automated: props.automated ? { prune: true, selfHeal: true } : undefined,
          // Whichever chart syncs first creates the environment's namespace.
          syncOptions: ['CreateNamespace=true'],
          retry: { limit: SYNC_RETRY.limit, backoff: { ...SYNC_RETRY.backoff } },
        },
      },
    });
  }
}
