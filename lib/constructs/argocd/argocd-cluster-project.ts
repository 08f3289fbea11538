import { Construct } from 'constructs';
import { AppProject } from '../../../imports/argoproj.io';
import { ARGOCD_WAVES, argoCdMetadata } from './argocd-sync';

/** A cluster-scoped kind an AppProject may deploy, optionally only objects whose name matches a glob. */
export interface ClusterResource {
  readonly group: string;
  readonly kind: string;
  /** Go filepath.Match glob on the object's name (Argo CD 3.x). @default - any name */
  readonly name?: string;
}

export interface ClusterAppProjectProps {
  /** AppProject name. */
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly argoNamespace: string;
  readonly description: string;
  /** Repositories the Applications may read. */
  readonly sourceRepos: readonly string[];
  /** API server URL of the one cluster the Applications deploy to. */
  readonly destinationServer: string;
  /** The only cluster-scoped objects its Applications may deploy. */
  readonly clusterResources: readonly ClusterResource[];
}

/**
 * An Argo CD AppProject for what one cluster needs once, whatever environments it runs (NACK's
 * CRDs): only the given repositories, only that cluster, only the listed cluster-scoped objects
 * and **no namespaced object at all** (`namespaceResourceBlacklist` of every kind). The destination
 * namespace is `*` because cluster-scoped objects have none; the blacklist is what keeps the
 * project out of every namespace.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
 */
export class ClusterAppProject extends Construct {
  public readonly name: string;
  public readonly resource: AppProject;

  constructor(scope: Construct, id: string, props: ClusterAppProjectProps) {
    super(scope, id);
    this.name = props.name;
    this.resource = new AppProject(this, 'Resource', {
      metadata: argoCdMetadata(props.name, props.argoNamespace, ARGOCD_WAVES.project),
      spec: {
        description: props.description,
        sourceRepos: [...new Set(props.sourceRepos)],
        destinations: [{ server: props.destinationServer, namespace: '*' }],
        clusterResourceWhitelist: props.clusterResources.map((r) => ({ ...r })),
        namespaceResourceBlacklist: [{ group: '*', kind: '*' }],
      },
    });
  }
}
