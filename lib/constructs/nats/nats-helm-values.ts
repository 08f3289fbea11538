import { Construct } from 'constructs';
import { isCertificateDnsName, uncoveredHosts } from '../../config/certificate-names';
import { checkName, CheckTarget, literal, toByteSize } from '../../config/checks';
import { NatsClusterConfig, NatsTlsConfig } from '../../config/types';
import { fail } from '../../config/errors';
import { JetStreamStream } from '../jetstream/jetstream-stream';
import { HELM_RELEASE_NAME_RULE, KUBERNETES_NAME_RULES, STATEFUL_SET_NAME_RULE } from '../../config/names';
import { ByteSize, SizeInput } from '../../config/units';
import { checkClusterSize } from '../../config/resolve';

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
/** Memory the server itself needs beside its memory store. */
const SERVER_MEMORY = ByteSize.mebibytes(256);
const NATS_RESOURCE = 'NATS cluster (nats)';

/**
 * JetStream file store capacity (PVC) per node when the config sets none: the chart's own default
 * (`config.jetstream.fileStore.pvc.size: 10Gi`, ../shared/upstream/nats-chart-2.14.2/values.yaml:101).
 * Holds the spec's 6.5 GiB of streams with room for more.
 */
export const DEFAULT_FILE_STORAGE_SIZE = '10GiB';
/** When the streams outgrow the store, the size we suggest leaves this much room for further streams. */
const SUGGESTED_FILE_STORE_ROOM = 0.5;
/** Streams named in the "too small" error, largest first; the rest are counted. */
const STREAMS_NAMED_IN_ERRORS = 10;
/** KEDA's scaler source at the version we target, for links in error messages. */
const KEDA_SCALER_SOURCE = 'https://github.com/kedacore/keda/blob/v2.20.2/pkg/scalers/nats_jetstream_scaler.go';
/** Where the runbook for growing the volume lives (docs/operations.md). */
export const VOLUME_RESIZE_RUNBOOK = 'docs/operations.md#growing-the-jetstream-file-store';

const sumOf = (streams: readonly JetStreamStream[]) =>
  streams.reduce((acc, s) => acc.plus(s.maxBytes), ByteSize.bytes(0));

/** `the client URL (a), each pod (b, c)`: hosts grouped by why they are needed, in first-seen order. */
function describeByReason(names: ReadonlyArray<{ host: string; why: string }>): string {
  const byReason = new Map<string, string[]>();
  for (const { host, why } of names) byReason.set(why, [...(byReason.get(why) ?? []), host]);
  return [...byReason].map(([why, hosts]) => `${why} (${hosts.join(', ')})`).join(', ');
}

/** `8.5GiB`, `500MiB`: short sizes for messages (ByteSize#toString adds the byte count). */
export function shortSize(size: ByteSize): string {
  for (const [unit, bytes] of [
    ['TiB', 1024 ** 4],
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (size.bytes >= bytes) return `${Number((size.bytes / bytes).toFixed(2))}${unit}`;
  }
  return `${size.bytes}B`;
}

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
  /** ScaledObjects read /jsz on the monitor port (their certificate names are then checked). @default true */
  readonly kedaReadsMonitor?: boolean;
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
  /** `max_file_store` of each node: 95% of the PVC. */
  public readonly fileStoreMax: ByteSize;
  /** PVC size of each node: `nats.fileStorageSize`, fixed per environment. */
  public readonly fileStoragePvc: ByteSize;
  public readonly memoryStoreMax: ByteSize;
  /** Memory request and limit of each NATS server container. */
  public readonly memoryLimit: ByteSize;
  public readonly tokenSecret: { readonly name: string; readonly key: string };
  /** Whether KEDA reads the monitor port (there are ScaledObjects). */
  public readonly kedaReadsMonitor: boolean;
  /** Undefined when TLS is off. */
  public readonly tls?: NatsTls;
  private readonly props: NatsHelmValuesProps;

  constructor(scope: Construct, id: string, props: NatsHelmValuesProps) {
    super(scope, id);
    this.props = props;
    const t: CheckTarget = { scope: this, resource: NATS_RESOURCE };
    this.namespace = props.namespace;
    this.releaseName = this.checkReleaseName(t, props.releaseName ?? 'nats');
    this.chartVersion = props.chartVersion ?? DEFAULT_NATS_CHART_VERSION;
    this.replicas = checkClusterSize(this, props.replicas);
    this.tokenSecret = props.tokenSecret ?? { name: 'nats-auth', key: 'token' };
    this.kedaReadsMonitor = props.kedaReadsMonitor ?? true;
    this.tls = this.resolveTls(t, props.tls);

    const memoryHeadroom = props.memoryStoreHeadroom ?? 0.25;
    if (!(memoryHeadroom >= 0 && memoryHeadroom <= 10)) {
      fail(this, {
        resource: t.resource,
        field: 'nats.memoryStoreHeadroom',
        value: memoryHeadroom,
        allowed: 'a fraction from 0 to 10, e.g. 0.25 for 25%',
        fix: `write ${literal('nats.memoryStoreHeadroom', 0.25)}`,
      });
    }
    // Each node reserves the full maxBytes of every stream it hosts (tooling.md §2: 6.5 GiB per
    // node for the spec's R3 streams). Placement is the server's choice (an R1 stream may land on
    // any node), so every node must be able to hold all of them.
    const fileStreams = props.streams.filter((s) => s.storage === 'file');
    const memoryStreams = props.streams.filter((s) => s.storage === 'memory');
    this.fileStoreRequired = sumOf(fileStreams);
    this.memoryStoreMax = sumOf(memoryStreams)
      .times(1 + memoryHeadroom)
      .roundUpTo(MIB);

    // The file store is a fixed, per-environment capacity, never derived from the streams: the chart
    // writes it into the StatefulSet's volumeClaimTemplates, which Kubernetes never updates
    // (helm.md §6, nats-io/k8s#723), so a derived size would break the sync whenever a stream is added.
    this.fileStoragePvc = toByteSize(t, 'nats.fileStorageSize', props.fileStorageSize ?? DEFAULT_FILE_STORAGE_SIZE);
    this.fileStoreMax = ByteSize.bytes(
      Math.floor((this.fileStoragePvc.bytes * FILE_STORE_SHARE_OF_PVC) / MIB.bytes) * MIB.bytes,
    );
    if (this.fileStoreRequired.bytes > this.fileStoreMax.bytes) {
      this.failFileStoreTooSmall(t, fileStreams, props.fileStorageSize);
    }

    this.memoryLimit = toByteSize(t, 'nats.resources.memory', props.resources?.memory ?? '2GiB', '4GiB');
    this.checkMemory(t, props, memoryHeadroom);
  }

  /**
   * The memory streams' store plus the server must fit in the container's memory. The error names the
   * streams that use it, largest first, and a stream that alone cannot fit is reported as that stream.
   */
  private checkMemory(t: CheckTarget, props: NatsHelmValuesProps, headroom: number): void {
    const available = this.memoryLimit.bytes - SERVER_MEMORY.bytes;
    if (this.memoryStoreMax.bytes <= available) return;
    const memoryStreams = props.streams
      .filter((s) => s.storage === 'memory')
      .sort((a, b) => b.maxBytes.bytes - a.maxBytes.bytes);
    const largest = memoryStreams[0];
    const limitText = props.resources?.memory ?? '2GiB';
    // Enough memory for the store as configured (with headroom) and the server, rounded up to whole GiB.
    const needed = ByteSize.bytes(this.memoryStoreMax.bytes + SERVER_MEMORY.bytes).roundUpTo(GIB);
    if (largest && largest.maxBytes.times(1 + headroom).roundUpTo(MIB).bytes > available) {
      const fits = ByteSize.bytes(Math.max(MIB.bytes, Math.floor(available / (1 + headroom) / MIB.bytes) * MIB.bytes));
      fail(this, {
        resource: `Stream "${largest.streamName}"`,
        field: 'maxBytes',
        value: largest.maxBytes.toString(),
        allowed:
          `at most ${fits} for a memory stream: every NATS server holds it in memory ` +
          `(plus ${Math.round(headroom * 100)}% ` +
          `headroom) within nats.resources.memory (${limitText}), of which ` +
          `${SERVER_MEMORY} is kept for the server itself`,
        fix:
          `write ${literal('maxBytes', `${fits.toQuantity()}B`)}, or ${literal('storage', 'file')}, ` +
          `or more memory for NATS: ${literal('nats.resources.memory', `${needed.toQuantity()}B`)}`,
      });
    }
    const listed = memoryStreams.map((s) => `"${s.streamName}" ${s.maxBytes.toQuantity()}B`).join(', ');
    fail(this, {
      resource: t.resource,
      field: 'nats.resources.memory',
      value: limitText,
      allowed:
        `more than the memory streams' store (${this.memoryStoreMax}: ${listed}, plus ` +
        `${Math.round(headroom * 100)}% headroom) plus ${SERVER_MEMORY} for the server`,
      fix:
        `write ${literal('nats.resources.memory', `${needed.toQuantity()}B`)}, ` +
        `or lower the maxBytes of the memory streams (${listed})`,
    });
  }

  /**
   * The release name must be a Helm release name, and the chart's fullname made from it names a
   * StatefulSet and Services (`<fullname>`, `<fullname>-headless`): a DNS-1035 label of at most 52 characters.
   */
  private checkReleaseName(t: CheckTarget, releaseName: string): string {
    checkName(t, 'nats.releaseName', releaseName, HELM_RELEASE_NAME_RULE, { fallback: 'nats' });
    const fullname = fullnameOf(releaseName);
    const why = STATEFUL_SET_NAME_RULE.error(fullname);
    if (why) {
      const shorter =
        releaseName
          .replace(/[^a-z0-9-]+/g, '-')
          .replace(/^[^a-z]+/, '')
          .slice(0, 40)
          .replace(/-+$/, '') || 'nats';
      fail(this, {
        resource: t.resource,
        field: 'nats.releaseName',
        value: releaseName,
        allowed:
          `a name whose chart fullname ("${fullname}": the release name, with "-nats" ` +
          `appended unless it contains "nats") ` +
          `names the StatefulSet and the Services: ${STATEFUL_SET_NAME_RULE.allowed}`,
        fix: `rename it (the fullname ${why}), e.g. ${literal('nats.releaseName', shorter)}`,
      });
    }
    return releaseName;
  }

  /**
   * The streams do not fit the file store. Names the field, a size to set as the config writes it,
   * and the streams that fill it, largest first.
   */
  private failFileStoreTooSmall(
    t: CheckTarget,
    fileStreams: readonly JetStreamStream[],
    given: SizeInput | undefined,
  ): never {
    const share = FILE_STORE_SHARE_OF_PVC;
    const minimum = this.fileStoreRequired.times(1 / share).roundUpTo(GIB);
    const suggested = this.fileStoreRequired.times((1 + SUGGESTED_FILE_STORE_ROOM) / share).roundUpTo(GIB);
    const largestFirst = [...fileStreams].sort((a, b) => b.maxBytes.bytes - a.maxBytes.bytes);
    const named = largestFirst
      .slice(0, STREAMS_NAMED_IN_ERRORS)
      .map((s) => `"${s.streamName}" ${shortSize(s.maxBytes)}`);
    const more = largestFirst.length - named.length;
    const suggestedLiteral = `${suggested.bytes / GIB.bytes}GiB`;
    fail(this, {
      resource: t.resource,
      field: 'nats.fileStorageSize',
      value: given ?? DEFAULT_FILE_STORAGE_SIZE,
      allowed:
        `a file store that holds every file stream's maxBytes on each node (placement is the server's choice): ` +
        `the file streams reserve ${shortSize(this.fileStoreRequired)} ` +
        `(${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}), ` +
        `but max_file_store is ${Math.round(share * 100)}% of ` +
        `${shortSize(this.fileStoragePvc)} = ${shortSize(this.fileStoreMax)}` +
        (given === undefined ? ` (${DEFAULT_FILE_STORAGE_SIZE} is the default when fileStorageSize is not set)` : '') +
        '; ' +
        `at least ${minimum.bytes / GIB.bytes}GiB is needed`,
      fix:
        `write ${literal('nats.fileStorageSize', suggestedLiteral)} in the ` +
        `environment's config (${Math.round(SUGGESTED_FILE_STORE_ROOM * 100)}% room ` +
        `for further streams), or lower the streams' maxBytes. On a running cluster a ` +
        `larger volume means expanding the PVCs ` +
        `first: ${VOLUME_RESIZE_RUNBOOK}`,
    });
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
        fail(this, {
          resource: t.resource,
          field: 'nats.tls.monitor',
          value: true,
          allowed: 'true only with nats.tls.enabled (the monitor port reuses the client certificate)',
          fix: `write ${literal('nats.tls.enabled', true)}, or ${literal('nats.tls.monitor', false)}`,
        });
      }
      return undefined;
    }
    const fullname = this.fullname;
    const secretName = (field: string, name: string) => checkName(t, field, name, KUBERNETES_NAME_RULES.Secret);
    const clientSecretName = secretName('nats.tls.clientSecretName', tls.clientSecretName ?? `${fullname}-client-tls`);
    const resolved: NatsTls = {
      clientSecretName,
      routeSecretName: secretName('nats.tls.routeSecretName', tls.routeSecretName ?? `${fullname}-route-tls`),
      caSecretName: secretName('nats.tls.caSecretName', tls.caSecretName ?? clientSecretName),
      monitor: tls.monitor ?? false,
      monitorDomain: tls.monitorDomain ?? 'localhost',
    };
    if (resolved.monitor || tls.clientCertificateDnsNames !== undefined) {
      this.checkClientCertificateNames(t, resolved, tls.clientCertificateDnsNames);
    }
    return resolved;
  }

  /**
   * Names a client must find in the client certificate, with why. With `monitor` on the same
   * certificate serves 8222 (the chart's `config.monitor.tls` reuses `config.nats.tls`, helm.md
   * §1(e)) and Go clients verify it: KEDA at the headless Service, then at `<pod>.<headless>` for
   * the consumer leader when clustered (its HTTP client has no skip-verify: kedacore/keda v2.20.2
   * pkg/scalers/nats_jetstream_scaler.go:134, pkg/util/tls_config.go:101-107; the node URL:
   * nats_jetstream_scaler.go:405-420), and the exporter sidecar at `monitorDomain`.
   */
  private requiredCertificateNames(tls: NatsTls): Array<{ host: string; why: string }> {
    const names = [{ host: this.clientHost, why: 'the client URL workloads use' }];
    if (!tls.monitor) return names;
    names.push({ host: tls.monitorDomain, why: "the exporter sidecar's monitorDomain" });
    if (this.kedaReadsMonitor) {
      names.push({ host: this.headlessServiceHost, why: "KEDA's natsServerMonitoringEndpoint" });
      // A single server is never walked: KEDA stops at cluster_size <= 1 (nats_jetstream_scaler.go:185).
      const pods = this.replicas > 1 ? this.replicas : 0;
      for (let i = 0; i < pods; i++) {
        const pod = `${this.fullname}-${i}.${this.headlessServiceHost}`;
        names.push({ host: pod, why: 'each pod, where KEDA reads the consumer leader' });
      }
    }
    return names;
  }

  /**
   * Synth cannot read the certificate, so with monitor TLS the config must state its names, and they
   * must cover every name the monitor port is verified against; otherwise KEDA fails every poll
   * with an x509 error and never scales.
   */
  private checkClientCertificateNames(t: CheckTarget, tls: NatsTls, given: readonly string[] | undefined): void {
    const field = 'nats.tls.clientCertificateDnsNames';
    const required = this.requiredCertificateNames(tls);
    const headless = this.headlessServiceHost;
    const suggested = [
      ...new Set([
        this.fullname,
        `${this.fullname}.${this.namespace}`,
        `${this.fullname}.${this.namespace}.svc`,
        this.clientHost,
        ...(tls.monitor ? [tls.monitorDomain] : []),
        ...(tls.monitor && this.kedaReadsMonitor ? [headless, `*.${headless}`] : []),
      ]),
    ];
    const literal = `nats: { tls: { ..., clientCertificateDnsNames: [${suggested.map((n) => `'${n}'`).join(', ')}] } }`;
    const secret = `Secret "${tls.clientSecretName}"`;
    const malformed = (given ?? []).find((name) => !isCertificateDnsName(name));
    if (malformed !== undefined) {
      fail(this, {
        resource: t.resource,
        field,
        value: given,
        allowed:
          'DNS names as the certificate lists them (no scheme, port or path; a wildcard only as the whole ' +
          `first label), not "${malformed}"`,
        fix: `write the names as in the certificate's dnsNames, e.g. ${literal}`,
      });
    }
    const missing = uncoveredHosts(
      given ?? [],
      required.map((r) => r.host),
    );
    if (given !== undefined && missing.length === 0) return;
    const servesMonitor = tls.monitor ? ', which nats.tls.monitor also serves on port 8222' : '';
    const orDropMonitor = tls.monitor ? ', or drop nats.tls.monitor (KEDA then reads the monitor port over http)' : '';
    const kedaReason =
      tls.monitor && this.kedaReadsMonitor
        ? 'KEDA verifies the monitor certificate and has no option to skip that ' +
          `(${KEDA_SCALER_SOURCE}#L134); it reads /jsz and /varz at the headless Service, then /jsz at each pod ` +
          'under it ' +
          `(${KEDA_SCALER_SOURCE}#L405-L420). `
        : '';
    fail(this, {
      resource: t.resource,
      field,
      value: given,
      allowed:
        `the DNS names of the certificate in ${secret}${servesMonitor}; ` +
        `they must cover ${describeByReason(required)}. ${kedaReason}` +
        (given === undefined
          ? 'Synth cannot read the certificate, so the config states its names'
          : `Not covered: ${missing.join(', ')}`),
      fix:
        "issue the certificate with these names (cert-manager: the Certificate's dnsNames, docs/operations.md#tls) " +
        `and list them: ${literal}${orDropMonitor}`,
    });
  }

  /** The chart's `nats.fullname` (helm.md §2): the release name if it contains "nats", else `<release>-nats`. */
  get fullname(): string {
    return fullnameOf(this.releaseName);
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

  /** The chart's client Service: `<fullname>.<ns>.svc.cluster.local`. */
  get clientHost(): string {
    return `${this.fullname}.${this.namespace}.svc.cluster.local`;
  }

  /** Client URL for workloads in the cluster. */
  get clientUrl(): string {
    return `nats://${this.clientHost}:${CLIENT_PORT}`;
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
            pvc: { enabled: true, size: this.fileStoragePvc.toQuantity(), storageClassName: props.storageClassName },
            maxSize: this.fileStoreMax.toQuantity(),
          },
          memoryStore:
            this.memoryStoreMax.bytes > 0
              ? { enabled: true, maxSize: this.memoryStoreMax.toQuantity() }
              : { enabled: false },
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
      natsBox:
        (props.natsBox ?? true) ? { enabled: true, container: { env: { NATS_TOKEN: tokenEnv } } } : { enabled: false },
    };
  }
}

/** The chart's `nats.fullname` (helm.md §2): the release name if it contains "nats", else `<release>-nats`. */
function fullnameOf(releaseName: string): string {
  return releaseName.includes('nats') ? releaseName : `${releaseName}-nats`;
}
