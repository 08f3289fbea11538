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

export interface FencedAppProjectProps {
  readonly name: string;
  readonly argoNamespace: string;
  readonly description: string;
  readonly sourceRepos: readonly string[];
  readonly destination: { readonly server: string; readonly namespace: string };
  /** The only cluster-scoped objects its Applications may deploy. */
  readonly clusterResources: readonly ClusterResource[];
  /** Refuse every namespaced object (`namespaceResourceBlacklist` of every kind). @default false */
  readonly noNamespacedObjects?: boolean;
}

/** An AppProject that allows only the given repositories, destination and cluster-scoped kinds. */
export class FencedAppProject extends Construct {
  public readonly name: string;
  public readonly resource: AppProject;

  constructor(scope: Construct, id: string, props: FencedAppProjectProps) {
    super(scope, id);
    this.name = props.name;
    this.resource = new AppProject(this, 'Resource', {
      metadata: argoCdMetadata(props.name, props.argoNamespace, ARGOCD_WAVES.project),
      spec: {
        description: props.description,
        sourceRepos: [...new Set(props.sourceRepos)],
        destinations: [{ server: props.destination.server, namespace: props.destination.namespace }],
        clusterResourceWhitelist: props.clusterResources.map((r) => ({ ...r })),
        ...(props.noNamespacedObjects ? { namespaceResourceBlacklist: [{ group: '*', kind: '*' }] } : {}),
      },
    });
  }
}

export interface OvermindAppProjectProps {
  /** AppProject name. */
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly argoNamespace: string;
  readonly description: string;
  /** Repositories the Applications may read: our git repository and the NATS chart's Helm repository. */
  readonly sourceRepos: readonly string[];
  /** The one cluster and namespace the environment deploys to. */
  readonly destination: { readonly server: string; readonly namespace: string };
}

/**
 * An Argo CD `argoproj.io/v1alpha1` AppProject that fences one environment's Applications: only
 * our repositories as sources, only the environment's namespace as destination, and no
 * cluster-scoped objects except the Namespace that `CreateNamespace=true` creates. Namespaced
 * kinds are all allowed (the project sets no namespaceResourceWhitelist), because the NATS chart
 * decides what it renders.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
 */
export class OvermindAppProject extends FencedAppProject {
  constructor(scope: Construct, id: string, props: OvermindAppProjectProps) {
    super(scope, id, { ...props, clusterResources: [{ group: '', kind: 'Namespace' }] });
  }
}
