import { Construct } from 'constructs';
import { ARGOCD_WAVES } from './argocd-sync';
import { ChartApplication, ChartApplicationProps } from './chart-application';

export type NatsChartApplicationProps = ChartApplicationProps;

/**
 * An Argo CD Application that installs the official NATS chart from its Helm repository at a
 * pinned version with our generated values: a multi-source Application whose second source is
 * only a `$values` reference to this git repository (keda-prom-argo.md (d)). The values file sits
 * in dist/<env>/helm/, outside the manifests Application's directory path, where Argo CD would
 * fail on a file that is not a Kubernetes object.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/multiple_sources/
 */
export class NatsChartApplication extends ChartApplication {
  constructor(scope: Construct, id: string, props: NatsChartApplicationProps) {
    // The chart's request-reply test Pod is for `helm test`, not for a GitOps sync.
    super(scope, id, props, { chart: 'nats', wave: ARGOCD_WAVES.natsApplication, helmOptions: { skipTests: true } });
  }
}
