import { Construct } from 'constructs';
import { Application } from '../../../imports/argoproj.io';
import { ARGOCD_WAVES, SYNC_RETRY, argoCdMetadata } from './argocd-sync';

/** NACK's own repository: `deploy/crds.yml` at a release tag is the CRD file the chart copies (nack.md issue 9). */
export const NACK_GIT_REPO_URL = 'https://github.com/nats-io/nack.git';
/** Folder and file of NACK's CRDs in that repository. */
export const NACK_CRDS_PATH = 'deploy';
export const NACK_CRDS_FILE = 'crds.yml';

export interface NackCrdsApplicationProps {
  /** Application name (one per cluster). */
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly argoNamespace: string;
  readonly project: string;
  /** API server URL of the cluster. */
  readonly destinationServer: string;
  /** NACK release tag, e.g. `v0.22.4`: the CRDs must match the controller the charts run. */
  readonly nackVersion: string;
  /** Sync automatically (self-heal, never prune). */
  readonly automated: boolean;
}

/**
 * An Argo CD Application that installs NACK's CRDs (`jetstream.nats.io`: Stream, Consumer,
 * Account, KeyValue, ObjectStore, ...) into one cluster, from `deploy/crds.yml` of
 * github.com/nats-io/nack at a pinned tag (the file `nack` chart 0.33.2 ships in its `crds/`, and
 * ../shared/crds/nack-crds.yaml is a copy of). Emitted once per destination cluster, however many
 * environments share it: CRDs are cluster-scoped, so exactly one Application owns them, while each
 * environment's NACK Application skips them (lib/constructs/argocd/argocd-nack-application.ts).
 *
 * - `ServerSideApply=true`: the Stream and Consumer CRDs are large; server-side apply has no
 *   262144-byte `last-applied-configuration` limit (keda-prom-argo.md (d)).
 * - `FailOnSharedResource=true`: if another Application already manages these CRDs (a platform's
 *   own NACK install), the sync fails and says so instead of the two fighting over them.
 * - automated sync never prunes, and the Application has no resources finalizer: deleting a CRD
 *   deletes every object of its kind in every namespace, so a CRD is only ever removed by a person.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/
 */
export class NackCrdsApplication extends Construct {
  public readonly name: string;
  public readonly resource: Application;

  constructor(scope: Construct, id: string, props: NackCrdsApplicationProps) {
    super(scope, id);
    this.name = props.name;
    this.resource = new Application(this, 'Resource', {
      metadata: argoCdMetadata(props.name, props.argoNamespace, ARGOCD_WAVES.nackCrdsApplication),
      spec: {
        project: props.project,
        // Cluster-scoped objects only: no destination namespace.
        destination: { server: props.destinationServer },
        source: {
          repoUrl: NACK_GIT_REPO_URL,
          targetRevision: props.nackVersion,
          path: NACK_CRDS_PATH,
          // deploy/ also holds rbac.yml (a cluster-wide controller) and examples/: only the CRDs.
          directory: { recurse: false, include: NACK_CRDS_FILE },
        },
        syncPolicy: {
          automated: props.automated ? { prune: false, selfHeal: true } : undefined,
          syncOptions: ['ServerSideApply=true', 'FailOnSharedResource=true'],
          retry: { limit: SYNC_RETRY.limit, backoff: { ...SYNC_RETRY.backoff } },
        },
      },
    });
  }
}
