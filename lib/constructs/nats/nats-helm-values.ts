import { Construct } from 'constructs';
import { ResolvedNats, serverSelectorLabels } from '../../config/resolve-nats';
import { ByteSize } from '../../config/units';

export { VOLUME_RESIZE_RUNBOOK } from '../../config/resolve-nats';
export const CLIENT_PORT = 4222;
export const CLUSTER_PORT = 6222;
export const MONITOR_PORT = 8222;
export const EXPORTER_PORT = 7777;
/** Container port name of the chart's exporter sidecar (helm.md §2). */
export const EXPORTER_PORT_NAME = 'prom-metrics';
const MIB = ByteSize.mebibytes(1);

/**
 * Values for the official NATS Helm chart (nats-io/k8s `nats`, 2.x), keys as in helm.md §1 and
 * the chart's own `values.yaml`. Not a Kubernetes object: the chart renders those. Also the
 * single place that knows the names and labels the chart gives its objects, so the KEDA
 * endpoint and our Service selectors follow the release name.
 */
export class NatsHelmValues extends Construct {
  public readonly model: ResolvedNats;
  public readonly releaseName: string;
  public readonly chartVersion: string;
  public readonly namespace: string;
  public readonly replicas: number;
  /** The chart's `nats.fullname` (helm.md §2). */
  public readonly fullname: string;
  public readonly tokenSecret: { readonly name: string; readonly key: string };
  /** `max_file_store` of each node and the PVC it is 95% of. */
  public readonly fileStoreMax: ByteSize;
  public readonly fileStoragePvc: ByteSize;

  constructor(scope: Construct, id: string, props: ResolvedNats) {
    super(scope, id);
    this.model = props;
    ({
      releaseName: this.releaseName,
      chartVersion: this.chartVersion,
      namespace: this.namespace,
      replicas: this.replicas,
      fullname: this.fullname,
      tokenSecret: this.tokenSecret,
      fileStoreMax: this.fileStoreMax,
      fileStoragePvc: this.fileStoragePvc,
    } = props);
  }

  /** The chart's nats-box Deployment (`<fullname>-box`, helm.md §2), or undefined when disabled. */
  get natsBoxDeployment(): string | undefined {
    return this.model.natsBox ? `${this.fullname}-box` : undefined;
  }

  get serverSelectorLabels(): Record<string, string> {
    return serverSelectorLabels(this.releaseName);
  }

  /**
   * Where KEDA reads `/jsz`. The headless Service, not the client Service: KEDA finds the
   * consumer leader as `<pod>.<endpoint host>` (keda-prom-argo.md (a)); the spec's `nats:8222`
   * breaks that in a cluster and the client Service does not even expose 8222.
   */
  get monitoringEndpoint(): string {
    return `${this.model.headlessServiceHost}:${MONITOR_PORT}`;
  }

  /** Client URL for workloads in the cluster. */
  get clientUrl(): string {
    return `nats://${this.model.clientHost}:${CLIENT_PORT}`;
  }

  /** The values document, keys in the chart's own layout. */
  get values(): Record<string, unknown> {
    const n = this.model;
    const memory = n.memoryLimit;
    const tokenEnv = { valueFrom: { secretKeyRef: { name: this.tokenSecret.name, key: this.tokenSecret.key } } };
    const clustered = this.replicas > 1;
    const tls = n.tls;
    return {
      // The templates set metadata.namespace only with namespaceOverride (helm.md §2).
      namespaceOverride: this.namespace,
      global: { labels: { 'app.kubernetes.io/part-of': 'overmind-nats' } },
      config: {
        cluster: clustered
          ? {
              enabled: true,
              replicas: this.replicas,
              tls: tls ? { enabled: true, secretName: tls.routeSecretName } : undefined,
            }
          : { enabled: false },
        nats: tls ? { tls: { enabled: true, secretName: tls.clientSecretName } } : undefined,
        jetstream: {
          enabled: true,
          fileStore: {
            enabled: true,
            dir: '/data',
            pvc: { enabled: true, size: n.fileStoragePvc.toQuantity(), storageClassName: n.storageClassName },
            maxSize: n.fileStoreMax.toQuantity(),
          },
          memoryStore:
            n.memoryStoreMax.bytes > 0 ? { enabled: true, maxSize: n.memoryStoreMax.toQuantity() } : { enabled: false },
        },
        monitor: { enabled: true, port: MONITOR_PORT, tls: tls?.monitor ? { enabled: true } : undefined },
        // nats-server reads $NATS_TOKEN from its environment at start; the token never reaches git. It parses
        // the value as config syntax, so the token must have the shape lib/config/nats-token.ts describes.
        merge: { authorization: { token: '<< $NATS_TOKEN >>' } },
      },
      container: {
        env: {
          NATS_TOKEN: tokenEnv,
          // About 80% of the memory limit, as the chart README advises.
          GOMEMLIMIT: `${Math.floor((memory.bytes * 0.8) / MIB.bytes)}MiB`,
        },
        resources: {
          requests: { cpu: n.cpu, memory: memory.toQuantity() },
          limits: { memory: memory.toQuantity() },
        },
      },
      // One CA for every tls block and nats-box's context (helm.md §1(e)).
      tlsCA: tls ? { enabled: true, secretName: tls.caSecretName, key: 'ca.crt' } : undefined,
      promExporter: {
        enabled: true,
        port: EXPORTER_PORT,
        // With monitor TLS the sidecar scrapes https://<monitorDomain>:8222/; the name must be a SAN (nats-io/k8s#785).
        monitorDomain: tls?.monitor ? tls.monitorDomain : undefined,
        // We emit our own metrics Service and ServiceMonitor instead of the chart's PodMonitor.
        podMonitor: { enabled: false },
      },
      podDisruptionBudget: { enabled: true },
      podTemplate: {
        topologySpreadConstraints: {
          'kubernetes.io/hostname': { maxSkew: 1, whenUnsatisfiable: clustered ? 'DoNotSchedule' : 'ScheduleAnyway' },
        },
      },
      natsBox: n.natsBox ? { enabled: true, container: { env: { NATS_TOKEN: tokenEnv } } } : { enabled: false },
    };
  }
}
