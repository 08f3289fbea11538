import { Construct } from 'constructs';
import { AppProject } from '../../../imports/argoproj.io';
import { ARGOCD_WAVES, argoCdMetadata } from './argocd-sync';

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
export class OvermindAppProject extends Construct {
  public readonly name: string;
  public readonly resource: AppProject;

  constructor(scope: Construct, id: string, props: OvermindAppProjectProps) {
    super(scope, id);
    this.name = props.name;
    this.resource = new AppProject(this, 'Resource', {
      metadata: argoCdMetadata(props.name, props.argoNamespace, ARGOCD_WAVES.project),
      spec: {
        description: props.description,
        sourceRepos: [...new Set(props.sourceRepos)],
        destinations: [{ server: props.destination.server, namespace: props.destination.namespace }],
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      },
    });
  }
}
