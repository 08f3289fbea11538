import { Construct } from 'constructs';
import { ARGOCD_WAVES } from './argocd-sync';
import { ChartApplication, ChartApplicationProps } from './chart-application';

export type NackChartApplicationProps = ChartApplicationProps;

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
export class NackChartApplication extends ChartApplication {
  constructor(scope: Construct, id: string, props: NackChartApplicationProps) {
    // NACK's CRDs are installed once per cluster (see above), never by this Application.
    super(scope, id, props, { chart: 'nack', wave: ARGOCD_WAVES.nackApplication, helmOptions: { skipCrds: true } });
  }
}
