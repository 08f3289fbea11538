import { Construct } from 'constructs';
import { ClusterResource, FencedAppProject } from './argocd-project';

export type { ClusterResource };

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
export class ClusterAppProject extends FencedAppProject {
  constructor(scope: Construct, id: string, props: ClusterAppProjectProps) {
    super(scope, id, {
      ...props,
      destination: { server: props.destinationServer, namespace: '*' },
      noNamespacedObjects: true,
    });
  }
}
