import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { EXPORTER_PORT, EXPORTER_PORT_NAME, NatsHelmValues } from './nats-helm-values';

export interface NatsMetricsServiceProps {
  readonly nats: NatsHelmValues;
}

/**
 * A Service in front of the NATS exporter sidecars, so a ServiceMonitor can scrape them: the
 * chart exposes port 7777 on no Service (nats-io/k8s#877, helm.md §3 option 2).
 * It selects the server pods by the chart's selector labels (with `component: nats`, so never
 * nats-box) and carries a `component: metrics` label of its own, so ServiceMonitors select it and
 * not the chart's Services.
 */
export class NatsMetricsService extends Construct {
  public readonly name: string;
  /** Labels on the Service itself, for the ServiceMonitor's selector. */
  public readonly serviceLabels: Record<string, string>;
  public readonly resource: k8s.KubeService;

  constructor(scope: Construct, id: string, props: NatsMetricsServiceProps) {
    super(scope, id);
    this.name = `${props.nats.fullname}-metrics`;
    this.serviceLabels = {
      'app.kubernetes.io/component': 'metrics',
      'app.kubernetes.io/instance': props.nats.releaseName,
      'app.kubernetes.io/name': 'nats',
    };
    this.resource = new k8s.KubeService(this, 'Resource', {
      metadata: { name: this.name, labels: this.serviceLabels },
      spec: {
        // Headless: Prometheus scrapes each pod's exporter, not a load-balanced one.
        clusterIp: 'None',
        selector: props.nats.serverSelectorLabels,
        ports: [{ name: EXPORTER_PORT_NAME, port: EXPORTER_PORT, targetPort: k8s.IntOrString.fromString(EXPORTER_PORT_NAME), protocol: 'TCP', appProtocol: 'http' }],
      },
    });
  }
}
