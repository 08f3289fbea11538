import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { EXPORTER_PORT, EXPORTER_PORT_NAME, NatsHelmValues } from './nats-helm-values';

/**
 * The label ServiceMonitors select our metrics Service by. Ours (`overmind.dev/`), so nothing
 * else writes it: Argo CD's label tracking (the 2.x default, an option in 3.x) sets
 * `app.kubernetes.io/instance` on every object it manages to the Application's name, and a
 * selector on that label would stop matching, and scraping stop, without any error.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/resource_tracking/
 */
export const METRICS_SERVICE_LABEL = 'overmind.dev/metrics-service';

export interface NatsMetricsServiceProps {
  readonly nats: NatsHelmValues;
}

/**
 * A Service in front of the NATS exporter sidecars, so a ServiceMonitor can scrape them: the
 * chart exposes port 7777 on no Service (nats-io/k8s#877, helm.md §3 option 2).
 * It selects the server pods by the chart's selector labels (with `component: nats`, so never
 * nats-box; pod labels, which Argo CD never rewrites). ServiceMonitors select it by
 * METRICS_SERVICE_LABEL, which no chart Service carries.
 */
export class NatsMetricsService extends Construct {
  public readonly name: string;
  /** Labels on the Service itself. */
  public readonly serviceLabels: Record<string, string>;
  /** The subset of `serviceLabels` a ServiceMonitor selects on: only labels we own. */
  public readonly monitorSelectorLabels: Record<string, string>;
  public readonly resource: k8s.KubeService;

  constructor(scope: Construct, id: string, props: NatsMetricsServiceProps) {
    super(scope, id);
    this.name = `${props.nats.fullname}-metrics`;
    this.monitorSelectorLabels = { [METRICS_SERVICE_LABEL]: this.name };
    // No app.kubernetes.io/instance: Argo CD label tracking would overwrite it with the Application name.
    this.serviceLabels = {
      'app.kubernetes.io/component': 'metrics',
      'app.kubernetes.io/name': 'nats',
      ...this.monitorSelectorLabels,
    };
    this.resource = new k8s.KubeService(this, 'Resource', {
      metadata: { name: this.name, labels: this.serviceLabels },
      spec: {
        // Headless: Prometheus scrapes each pod's exporter, not a load-balanced one.
        clusterIp: 'None',
        selector: props.nats.serverSelectorLabels,
        ports: [
          {
            name: EXPORTER_PORT_NAME,
            port: EXPORTER_PORT,
            targetPort: k8s.IntOrString.fromString(EXPORTER_PORT_NAME),
            protocol: 'TCP',
            appProtocol: 'http',
          },
        ],
      },
    });
  }
}
