import { Construct } from 'constructs';
import { Application } from '../../../imports/argoproj.io';
import { ARGOCD_WAVES, ArgoCdApplicationProps, argoCdApplication } from './argocd-objects';

/** NACK's own repository: `deploy/crds.yml` at a release tag is the CRD file the chart copies (nack.md issue 9). */
export const NACK_GIT_REPO_URL = 'https://github.com/nats-io/nack.git';
/** Folder and file of NACK's CRDs in that repository. */
export const NACK_CRDS_PATH = 'deploy';
export const NACK_CRDS_FILE = 'crds.yml';

/**
 * An Argo CD Application that installs NACK's CRDs (`jetstream.nats.io`: Stream, Consumer,
 * Account, KeyValue, ObjectStore, ...) into one cluster, from `deploy/crds.yml` of
 * github.com/nats-io/nack at a pinned tag (the file `nack` chart 0.33.2 ships in its `crds/`, and
 * ../shared/crds/nack-crds.yaml is a copy of). Emitted once per destination cluster, however many
 * environments share it: CRDs are cluster-scoped, so exactly one Application owns them, while each
 * environment's NACK Application skips them (`skipCrds`, charts/overmind-argocd-chart.ts).
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
export function nackCrdsApplication(
  scope: Construct,
  /** `nackVersion`: the NACK release tag, e.g. `v0.22.4`: the CRDs must match the controller the charts run. */
  props: ArgoCdApplicationProps & { readonly nackVersion: string },
): Application {
  return argoCdApplication(scope, props, {
    wave: ARGOCD_WAVES.charts,
    source: {
      repoUrl: NACK_GIT_REPO_URL,
      targetRevision: props.nackVersion,
      path: NACK_CRDS_PATH,
      // deploy/ also holds rbac.yml (a cluster-wide controller) and examples/: only the CRDs.
      directory: { recurse: false, include: NACK_CRDS_FILE },
    },
    syncOptions: ['ServerSideApply=true', 'FailOnSharedResource=true'],
    prune: false,
  });
}
