import { Construct } from 'constructs';
import { checkInteger, checkKubernetesName, CheckTarget, toByteSize } from './checks';
import { NatsClusterConfig, NatsTlsConfig } from './config';
import { fail } from './errors';
import { JetStreamStream } from './jetstream-stream';
import { ByteSize } from './units';

/** The chart version our values are written and checked against (helm.md §0). */
export const DEFAULT_NATS_CHART_VERSION = '2.14.2';
export const CLIENT_PORT = 4222;
export const CLUSTER_PORT = 6222;
export const MONITOR_PORT = 8222;
export const EXPORTER_PORT = 7777;
/** Container port name of the chart's exporter sidecar (helm.md §2). */
export const EXPORTER_PORT_NAME = 'prom-metrics';
/** NATS sizes the file store from `max_file_store`; a formatted disk is smaller than its claim (nats-io/k8s#717). */
const FILE_STORE_SHARE_OF_PVC = 0.95;
const GIB = ByteSize.gibibytes(1);
const MIB = ByteSize.mebibytes(1);

/** TLS as resolved from `nats.tls` (helm.md §1(e)); only Secret names, never key material. */
export interface NatsTls {
  readonly clientSecretName: string;
  /** Unused on a single server (no routes). */
  readonly routeSecretName: string;
  readonly caSecretName: string;
  /** The monitor port 8222 speaks HTTPS (KEDA `useHttps`, exporter `https://<monitorDomain>:8222`). */
  readonly monitor: boolean;
  readonly monitorDomain: string;
}

export interface NatsHelmValuesProps extends NatsClusterConfig {
  readonly namespace: string;
  /** Every stream the cluster must hold; sizes the JetStream stores. */
  readonly streams: readonly JetStreamStream[];
}

/**
 * Values for the official NATS Helm chart (nats-io/k8s `nats`, 2.x), keys as in helm.md §1 and
 * the chart's own `values.yaml`. Not a Kubernetes object: the chart renders those. Also the
 * single place that knows the names and labels the chart gives its objects, so the KEDA
 * endpoint and our Service selectors follow the release name.
 */
export class NatsHelmValues extends Construct {
  public readonly releaseName: string;
  public readonly chartVersion: string;
  public readonly namespace: string;
  public readonly replicas: number;
  /** Bytes every node may have to reserve for streams (the sum over file streams). */
  public readonly fileStoreRequired: ByteSize;
  /** `max_file_store` of each node. */
  public readonly fileStoreMax: ByteSize;
  /** PVC size of each node. */
  public readonly fileStoragePvc: ByteSize;
  public readonly memoryStoreMax: ByteSize;
  /** Memory request and limit of each NATS server container. */
  public readonly memoryLimit: ByteSize;
  public readonly tokenSecret: { readonly name: string; readonly key: string };
  /** Undefined when TLS is off. */
  public readonly tls?: NatsTls;
  private readonly props: NatsHelmValuesProps;

  constructor(scope: Construct, id: string, props: NatsHelmValuesProps) {
    super(scope, id);
    this.props = props;
    const t: CheckTarget = { scope: this, resource: 'NATS cluster (nats)' };
    this.namespace = props.namespace;
    this.releaseName = checkKubernetesName(t, 'nats.releaseName', props.releaseName ?? 'nats');
    this.chartVersion = props.chartVersion ?? DEFAULT_NATS_CHART_VERSION;
    this.replicas = checkInteger(t, 'nats.replicas', props.replicas ?? 3, { min: 1 }, 'use 1 (a single server) or 3 or more');
    if (this.replicas === 2) {
      // A JetStream meta group of 2 loses quorum when either node is down.
      fail(this, { resource: t.resource, field: 'nats.replicas', value: 2, allowed: '1, or 3 or more (JetStream needs a majority of servers)', fix: 'use 3 servers, or 1 for a small environment' });
    }
    this.tokenSecret = props.tokenSecret ?? { name: 'nats-auth', key: 'token' };
    this.tls = this.resolveTls(t, props.tls);

    const headroom = props.storageHeadroom ?? 0.25;
    if (!(headroom >= 0 && headroom <= 10)) {
      fail(this, { resource: t.resource, field: 'nats.storageHeadroom', value: headroom, allowed: 'a fraction from 0 to 10, e.g. 0.25 for 25%', fix: 'set storageHeadroom to a fraction' });
    }
    // Each node reserves the full maxBytes of every stream it hosts (tooling.md §2: 6.5 GiB per
    // node for the spec's R3 streams). Placement is the server's choice, so plan for all of them.
    const sum = (storage: string) => props.streams.filter((s) => s.storage === storage).reduce((acc, s) => acc.plus(s.maxBytes), ByteSize.bytes(0));
    this.fileStoreRequired = sum('file');
    const memoryRequired = sum('memory');
    this.memoryStoreMax = memoryRequired.times(1 + headroom).roundUpTo(MIB);

    if (props.fileStorageSize !== undefined) {
      this.fileStoragePvc = toByteSize(t, 'nats.fileStorageSize', props.fileStorageSize);
      const usable = this.fileStoragePvc.times(FILE_STORE_SHARE_OF_PVC);
      if (usable.bytes < this.fileStoreRequired.bytes) {
        const needed = this.fileStoreRequired.times(1 / FILE_STORE_SHARE_OF_PVC).roundUpTo(GIB);
        fail(this, {
          resource: t.resource, field: 'nats.fileStorageSize', value: props.fileStorageSize,
          allowed: `at least ${needed.toQuantity()}: the file streams reserve ${this.fileStoreRequired} on every node, ` +
            `and ${Math.round(FILE_STORE_SHARE_OF_PVC * 100)}% of the PVC is given to JetStream`,
          fix: `raise nats.fileStorageSize to ${needed.toQuantity()} or more, lower the streams' maxBytes, or leave fileStorageSize out to size it automatically`,
        });
      }
    } else {
      this.fileStoragePvc = this.fileStoreRequired.times((1 + headroom) / FILE_STORE_SHARE_OF_PVC).roundUpTo(GIB);
    }
    this.fileStoreMax = ByteSize.bytes(Math.floor(this.fileStoragePvc.bytes * FILE_STORE_SHARE_OF_PVC / MIB.bytes) * MIB.bytes);

    this.memoryLimit = toByteSize(t, 'nats.resources.memory', props.resources?.memory ?? '2GiB');
    if (this.memoryLimit.bytes < this.memoryStoreMax.bytes + ByteSize.mebibytes(256).bytes) {
      fail(this, {
        resource: t.resource, field: 'nats.resources.memory', value: props.resources?.memory ?? '2GiB',
        allowed: `more than the memory streams' store (${this.memoryStoreMax}) plus 256MiB for the server`,
        fix: 'raise nats.resources.memory or lower the memory streams\' maxBytes',
      });
    }
  }

  /** The chart's nats-box Deployment (`<fullname>-box`, helm.md §2), or undefined when disabled. */
  get natsBoxDeployment(): string | undefined {
    return (this.props.natsBox ?? true) ? `${this.fullname}-box` : undefined;
  }

  /** Labels of the nats-box pod: the chart's selector labels with `component: nats-box` (helm.md §2). */
  get natsBoxSelectorLabels(): Record<string, string> {
    return { ...this.serverSelectorLabels, 'app.kubernetes.io/component': 'nats-box' };
  }

  /** Whether `/jsz` and `/varz` on 8222 are served over HTTPS (KEDA's `useHttps`). */
  get monitorUsesHttps(): boolean {
    return this.tls?.monitor ?? false;
  }

  private resolveTls(t: CheckTarget, tls: NatsTlsConfig | undefined): NatsTls | undefined {
    if (!tls?.enabled) {
      if (tls?.monitor) {
        // The chart's monitor TLS reuses config.nats.tls (helm.md §1(e)).
        fail(this, { resource: t.resource, field: 'nats.tls.monitor', value: true, allowed: 'true only with nats.tls.enabled (the monitor port reuses the client certificate)', fix: 'set nats.tls.enabled: true or drop nats.tls.monitor' });
      }
      return undefined;
    }
    const fullname = this.fullname;
    const clientSecretName = checkKubernetesName(t, 'nats.tls.clientSecretName', tls.clientSecretName ?? `${fullname}-client-tls`);
    return {
      clientSecretName,
      routeSecretName: checkKubernetesName(t, 'nats.tls.routeSecretName', tls.routeSecretName ?? `${fullname}-route-tls`),
      caSecretName: checkKubernetesName(t, 'nats.tls.caSecretName', tls.caSecretName ?? clientSecretName),
      monitor: tls.monitor ?? false,
      monitorDomain: tls.monitorDomain ?? 'localhost',
    };
  }

  /** The chart's `nats.fullname` (helm.md §2): the release name if it contains "nats", else `<release>-nats`. */
  get fullname(): string {
    return this.releaseName.includes('nats') ? this.releaseName : `${this.releaseName}-nats`;
  }

  /** Labels the chart puts on every selector of the NATS server pods; `component: nats` excludes nats-box. */
  get serverSelectorLabels(): Record<string, string> {
    return {
      'app.kubernetes.io/component': 'nats',
      'app.kubernetes.io/instance': this.releaseName,
      'app.kubernetes.io/name': 'nats',
    };
  }

  /** The headless Service governing the StatefulSet: `<pod>.<this>` resolves to each pod. */
  get headlessServiceHost(): string {
    return `${this.fullname}-headless.${this.namespace}.svc.cluster.local`;
  }

  /**
   * Where KEDA reads `/jsz`. The headless Service, not the client Service: KEDA finds the
   * consumer leader as `<pod>.<endpoint host>` (keda-prom-argo.md (a)); the spec's `nats:8222`
   * breaks that in a cluster and the client Service does not even expose 8222.
   */
  get monitoringEndpoint(): string {
    return `${this.headlessServiceHost}:${MONITOR_PORT}`;
  }

  /** Client URL for workloads in the cluster. */
  get clientUrl(): string {
    return `nats://${this.fullname}.${this.namespace}.svc.cluster.local:${CLIENT_PORT}`;
  }

  /** The values document, keys in the chart's own layout. */
  get values(): Record<string, unknown> {
    const props = this.props;
    const cpu = props.resources?.cpu ?? '500m';
    const memory = this.memoryLimit;
    const tokenEnv = { valueFrom: { secretKeyRef: { name: this.tokenSecret.name, key: this.tokenSecret.key } } };
    const clustered = this.replicas > 1;
    const tls = this.tls;
    return {
      // The templates set metadata.namespace only with namespaceOverride (helm.md §2).
      namespaceOverride: this.namespace,
      global: { labels: { 'app.kubernetes.io/part-of': 'overmind-nats' } },
      config: {
        cluster: clustered
          ? { enabled: true, replicas: this.replicas, tls: tls ? { enabled: true, secretName: tls.routeSecretName } : undefined }
          : { enabled: false },
        nats: tls ? { tls: { enabled: true, secretName: tls.clientSecretName } } : undefined,
        jetstream: {
          enabled: true,
          fileStore: {
            enabled: true,
            dir: '/data',
            pvc: { enabled: true, size: this.fileStoragePvc.toQuantity(), storageClassName: props.storageClassName },
            maxSize: this.fileStoreMax.toQuantity(),
          },
          memoryStore: this.memoryStoreMax.bytes > 0 ? { enabled: true, maxSize: this.memoryStoreMax.toQuantity() } : { enabled: false },
        },
        monitor: { enabled: true, port: MONITOR_PORT, tls: tls?.monitor ? { enabled: true } : undefined },
        // nats-server reads $NATS_TOKEN from its environment at start; the token never reaches git. It parses
        // the value as config syntax, so the token must have the shape lib/nats-token.ts describes.
        merge: { authorization: { token: '<< $NATS_TOKEN >>' } },
      },
      container: {
        env: {
          NATS_TOKEN: tokenEnv,
          // About 80% of the memory limit, as the chart README advises.
          GOMEMLIMIT: `${Math.floor(memory.bytes * 0.8 / MIB.bytes)}MiB`,
        },
        resources: {
          requests: { cpu, memory: memory.toQuantity() },
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
      natsBox: (props.natsBox ?? true) ? { enabled: true, container: { env: { NATS_TOKEN: tokenEnv } } } : { enabled: false },
    };
  }
}
