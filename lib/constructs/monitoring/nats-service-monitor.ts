import { Construct } from 'constructs';
import { ServiceMonitor, ServiceMonitorSpecEndpointsScheme } from '../../../imports/monitoring.coreos.com';
import { EXPORTER_PORT_NAME } from '../nats/nats-helm-values';
import { NatsMetricsService } from '../nats/nats-metrics-service';
import { Duration, promDuration } from '../../config/units';

export interface NatsServiceMonitorProps {
  readonly service: NatsMetricsService;
  /** Labels the Prometheus `serviceMonitorSelector` matches. */
  readonly prometheusSelectorLabels: Record<string, string>;
  readonly scrapeInterval: Duration;
}

/**
 * A prometheus-operator `monitoring.coreos.com/v1` ServiceMonitor scraping the NATS exporter
 * (metric names `nats_*`, the chart runs it with `-prefix=nats`, keda-prom-argo.md (b)).
 * `job` becomes the metrics Service's name.
 */
export class NatsServiceMonitor extends Construct {
  public readonly resource: ServiceMonitor;

  constructor(scope: Construct, id: string, props: NatsServiceMonitorProps) {
    super(scope, id);
    this.resource = new ServiceMonitor(this, 'Resource', {
      metadata: { name: props.service.name, labels: props.prometheusSelectorLabels },
      spec: {
        // Only labels we own: Argo CD label tracking rewrites app.kubernetes.io/instance (nats-metrics-service.ts).
        selector: { matchLabels: props.service.monitorSelectorLabels },
        endpoints: [
          {
            port: EXPORTER_PORT_NAME,
            interval: promDuration(props.scrapeInterval),
            path: '/metrics',
            scheme: ServiceMonitorSpecEndpointsScheme.HTTP,
          },
        ],
      },
    });
  }
}
