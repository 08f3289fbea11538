// The NATS cluster of one environment resolved (nats.*): the chart's names, TLS, and the JetStream stores sized and
// checked against the resolved streams; and who may reach its ports (network.*).
import { isCertificateDnsName, uncoveredHosts } from './certificate-names';
import { checkInteger, checkLabels, checkName, CheckTarget, literal, reject, toByteSize } from './checks';
import { HELM_RELEASE_NAME_RULE, KUBERNETES_NAME_RULES, STATEFUL_SET_NAME_RULE } from './names';
import { ResolvedStream } from './resolve-stream';
import { NatsClusterConfig, NatsTlsConfig, NetworkConfig, NetworkPeerConfig } from './types';
import { ByteSize, SizeInput } from './units';

/** The chart version our values are written and checked against (helm.md §0). */
export const DEFAULT_NATS_CHART_VERSION = '2.14.2';
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

const sumOf = (streams: readonly ResolvedStream[]) =>
  streams.reduce((acc, s) => acc.plus(s.maxBytes), ByteSize.bytes(0));

/**
 * The number of NATS servers (`nats.replicas`), checked before anything that depends on it (stream
 * replicas), so a bad value is reported as `nats.replicas`, not as the streams' replicas.
 */
export function checkClusterSize(environment: string, replicas: number | undefined): number {
  const t: CheckTarget = { scope: environment, resource: NATS_RESOURCE };
  const size = checkInteger(t, 'nats.replicas', replicas ?? 3, {
    min: 1,
    example: 3,
    note: ' (or 1 for a single server without clustering)',
  });
  if (size === 2) {
    // A JetStream meta group of 2 loses quorum when either node is down.
    reject(t, 'nats.replicas', 2, {
      allowed: '1, or 3 or more (JetStream needs a majority of servers)',
      fix: `write ${literal('nats.replicas', 3)}, or ${literal('nats.replicas', 1)} for a small environment`,
    });
  }
  return size;
}

/** The chart's names of one release (helm.md §2), which the certificate names and our selectors follow. */
function natsHosts(namespace: string, releaseName: string, replicas: number, kedaReadsMonitor: boolean) {
  const fullname = fullnameOf(releaseName);
  // The chart's client Service, and the headless Service governing the StatefulSet (`<pod>.<it>` is each pod).
  const clientHost = `${fullname}.${namespace}.svc.cluster.local`;
  const headlessServiceHost = `${fullname}-headless.${namespace}.svc.cluster.local`;
  return { namespace, releaseName, fullname, replicas, kedaReadsMonitor, clientHost, headlessServiceHost };
}
type NatsHosts = ReturnType<typeof natsHosts>;

/** `nats` of the config with defaults applied and the JetStream stores sized, checked against the streams. */
export type ResolvedNats = ReturnType<typeof resolveNats>;

/** `replicas`: nats.replicas, checked; `kedaReadsMonitor`: there are ScaledObjects, which read the monitor port. */
export function resolveNats(
  environment: string,
  namespace: string,
  config: NatsClusterConfig,
  replicas: number,
  streams: readonly ResolvedStream[],
  kedaReadsMonitor: boolean,
) {
  const t: CheckTarget = { scope: environment, resource: NATS_RESOURCE };
  const hosts = natsHosts(namespace, checkReleaseName(t, config.releaseName ?? 'nats'), replicas, kedaReadsMonitor);
  const tls = resolveTls(t, hosts, config.tls);
  const memoryHeadroom = config.memoryStoreHeadroom ?? 0.25;
  if (!(memoryHeadroom >= 0 && memoryHeadroom <= 10)) {
    reject(t, 'nats.memoryStoreHeadroom', memoryHeadroom, {
      allowed: 'a fraction from 0 to 10, e.g. 0.25 for 25%',
      fix: `write ${literal('nats.memoryStoreHeadroom', 0.25)}`,
    });
  }
  // Each node reserves the full maxBytes of every stream it hosts (tooling.md §2: 6.5 GiB per
  // node for the spec's R3 streams). Placement is the server's choice (an R1 stream may land on
  // any node), so every node must be able to hold all of them.
  const fileStreams = streams.filter((s) => s.storage === 'file');
  // The file store (PVC) is a fixed, per-environment capacity, never derived from the streams: the chart
  // writes it into the StatefulSet's volumeClaimTemplates, which Kubernetes never updates
  // (helm.md §6, nats-io/k8s#723), so a derived size would break the sync whenever a stream is added.
  const fileStoragePvc = toByteSize(t, 'nats.fileStorageSize', config.fileStorageSize ?? DEFAULT_FILE_STORAGE_SIZE);
  const sizes = {
    /** Bytes every node may have to reserve for streams (the sum over file streams). */
    fileStoreRequired: sumOf(fileStreams),
    fileStoragePvc,
    /** `max_file_store` of each node: 95% of the PVC. */
    fileStoreMax: ByteSize.bytes(Math.floor((fileStoragePvc.bytes * FILE_STORE_SHARE_OF_PVC) / MIB.bytes) * MIB.bytes),
    memoryStoreMax: sumOf(streams.filter((s) => s.storage === 'memory'))
      .times(1 + memoryHeadroom)
      .roundUpTo(MIB),
    /** Memory request and limit of each NATS server container. */
    memoryLimit: toByteSize(t, 'nats.resources.memory', config.resources?.memory ?? '2GiB', '4GiB'),
  };
  if (sizes.fileStoreRequired.bytes > sizes.fileStoreMax.bytes) {
    failFileStoreTooSmall(t, sizes, fileStreams, config.fileStorageSize);
  }
  checkMemory(t, sizes, streams, String(config.resources?.memory ?? '2GiB'), memoryHeadroom);
  return {
    ...hosts,
    ...sizes,
    chartVersion: config.chartVersion ?? DEFAULT_NATS_CHART_VERSION,
    tokenSecret: config.tokenSecret ?? { name: 'nats-auth', key: 'token' },
    natsBox: config.natsBox ?? true,
    tls,
    cpu: config.resources?.cpu ?? '500m',
    storageClassName: config.storageClassName,
  };
}

/** Labels the chart puts on every selector of the NATS server pods; `component: nats` excludes nats-box. */
export function serverSelectorLabels(releaseName: string): Record<string, string> {
  return {
    'app.kubernetes.io/component': 'nats',
    'app.kubernetes.io/instance': releaseName,
    'app.kubernetes.io/name': 'nats',
  };
}

/**
 * The memory streams' store plus the server must fit in the container's memory. The error names the
 * streams that use it, largest first, and a stream that alone cannot fit is reported as that stream.
 */
function checkMemory(
  t: CheckTarget,
  n: Record<'memoryLimit' | 'memoryStoreMax', ByteSize>,
  streams: readonly ResolvedStream[],
  memoryText: string,
  headroom: number,
): void {
  const available = n.memoryLimit.bytes - SERVER_MEMORY.bytes;
  if (n.memoryStoreMax.bytes <= available) return;
  const memoryStreams = streams
    .filter((s) => s.storage === 'memory')
    .sort((a, b) => b.maxBytes.bytes - a.maxBytes.bytes);
  const largest = memoryStreams[0];
  // Enough memory for the store as configured (with headroom) and the server, rounded up to whole GiB.
  const needed = ByteSize.bytes(n.memoryStoreMax.bytes + SERVER_MEMORY.bytes).roundUpTo(GIB);
  if (largest && largest.maxBytes.times(1 + headroom).roundUpTo(MIB).bytes > available) {
    const fits = ByteSize.bytes(Math.max(MIB.bytes, Math.floor(available / (1 + headroom) / MIB.bytes) * MIB.bytes));
    reject({ scope: t.scope, resource: `Stream "${largest.name}"` }, 'maxBytes', largest.maxBytes.toString(), {
      allowed:
        `at most ${fits} for a memory stream: every NATS server holds it in memory ` +
        `(plus ${Math.round(headroom * 100)}% headroom) within nats.resources.memory (${memoryText}), of which ` +
        `${SERVER_MEMORY} is kept for the server itself`,
      fix:
        `write ${literal('maxBytes', `${fits.toQuantity()}B`)}, or ${literal('storage', 'file')}, ` +
        `or more memory for NATS: ${literal('nats.resources.memory', `${needed.toQuantity()}B`)}`,
    });
  }
  const listed = memoryStreams.map((s) => `"${s.name}" ${s.maxBytes.toQuantity()}B`).join(', ');
  reject(t, 'nats.resources.memory', memoryText, {
    allowed:
      `more than the memory streams' store (${n.memoryStoreMax}: ${listed}, plus ` +
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
function checkReleaseName(t: CheckTarget, releaseName: string): string {
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
    reject(t, 'nats.releaseName', releaseName, {
      allowed:
        `a name whose chart fullname ("${fullname}": the release name, with "-nats" ` +
        `appended unless it contains "nats") names the StatefulSet and the Services: ${STATEFUL_SET_NAME_RULE.allowed}`,
      fix: `rename it (the fullname ${why}), e.g. ${literal('nats.releaseName', shorter)}`,
    });
  }
  return releaseName;
}

/**
 * The streams do not fit the file store. Names the field, a size to set as the config writes it,
 * and the streams that fill it, largest first.
 */
function failFileStoreTooSmall(
  t: CheckTarget,
  n: Record<'fileStoreRequired' | 'fileStoragePvc' | 'fileStoreMax', ByteSize>,
  fileStreams: readonly ResolvedStream[],
  given: SizeInput | undefined,
): never {
  const share = FILE_STORE_SHARE_OF_PVC;
  const minimum = n.fileStoreRequired.times(1 / share).roundUpTo(GIB);
  const suggested = n.fileStoreRequired.times((1 + SUGGESTED_FILE_STORE_ROOM) / share).roundUpTo(GIB);
  const largestFirst = [...fileStreams].sort((a, b) => b.maxBytes.bytes - a.maxBytes.bytes);
  const named = largestFirst.slice(0, STREAMS_NAMED_IN_ERRORS).map((s) => `"${s.name}" ${shortSize(s.maxBytes)}`);
  const more = largestFirst.length - named.length;
  const suggestedLiteral = `${suggested.bytes / GIB.bytes}GiB`;
  reject(t, 'nats.fileStorageSize', given ?? DEFAULT_FILE_STORAGE_SIZE, {
    allowed:
      `a file store that holds every file stream's maxBytes on each node (placement is the server's choice): ` +
      `the file streams reserve ${shortSize(n.fileStoreRequired)} ` +
      `(${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}), ` +
      `but max_file_store is ${Math.round(share * 100)}% of ` +
      `${shortSize(n.fileStoragePvc)} = ${shortSize(n.fileStoreMax)}` +
      (given === undefined ? ` (${DEFAULT_FILE_STORAGE_SIZE} is the default when fileStorageSize is not set)` : '') +
      `; at least ${minimum.bytes / GIB.bytes}GiB is needed`,
    fix:
      `write ${literal('nats.fileStorageSize', suggestedLiteral)} in the ` +
      `environment's config (${Math.round(SUGGESTED_FILE_STORE_ROOM * 100)}% room ` +
      `for further streams), or lower the streams' maxBytes. On a running cluster a ` +
      `larger volume means expanding the PVCs first: ${VOLUME_RESIZE_RUNBOOK}`,
  });
}

function resolveTls(t: CheckTarget, h: NatsHosts, tls: NatsTlsConfig | undefined): NatsTls | undefined {
  if (!tls?.enabled) {
    if (tls?.monitor) {
      // The chart's monitor TLS reuses config.nats.tls (helm.md §1(e)).
      reject(t, 'nats.tls.monitor', true, {
        allowed: 'true only with nats.tls.enabled (the monitor port reuses the client certificate)',
        fix: `write ${literal('nats.tls.enabled', true)}, or ${literal('nats.tls.monitor', false)}`,
      });
    }
    return undefined;
  }
  const fullname = h.fullname;
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
    checkClientCertificateNames(t, h, resolved, tls.clientCertificateDnsNames);
  }
  return resolved;
}

/**
 * Names a client must find in the client certificate, with why. With `monitor` on the same certificate serves 8222 (the
 * chart's `config.monitor.tls` reuses `config.nats.tls`, helm.md §1(e)) and Go clients verify it: KEDA at the headless
 * Service, then at `<pod>.<headless>` for the consumer leader when clustered (its HTTP client has no skip-verify:
 * kedacore/keda v2.20.2 pkg/scalers/nats_jetstream_scaler.go:134, pkg/util/tls_config.go:101-107; the node URL:
 * nats_jetstream_scaler.go:405-420), and the exporter sidecar at `monitorDomain`.
 */
function requiredCertificateNames(h: NatsHosts, tls: NatsTls): Array<{ host: string; why: string }> {
  const names = [{ host: h.clientHost, why: 'the client URL workloads use' }];
  if (!tls.monitor) return names;
  names.push({ host: tls.monitorDomain, why: "the exporter sidecar's monitorDomain" });
  if (h.kedaReadsMonitor) {
    names.push({ host: h.headlessServiceHost, why: "KEDA's natsServerMonitoringEndpoint" });
    // A single server is never walked: KEDA stops at cluster_size <= 1 (nats_jetstream_scaler.go:185).
    const pods = h.replicas > 1 ? h.replicas : 0;
    for (let i = 0; i < pods; i++) {
      const pod = `${h.fullname}-${i}.${h.headlessServiceHost}`;
      names.push({ host: pod, why: 'each pod, where KEDA reads the consumer leader' });
    }
  }
  return names;
}

/**
 * Synth cannot read the certificate, so with monitor TLS the config must state its names, and they must cover every
 * name the monitor port is verified against; otherwise KEDA fails every poll with an x509 error and never scales.
 */
function checkClientCertificateNames(t: CheckTarget, h: NatsHosts, tls: NatsTls, given: readonly string[] | undefined) {
  const field = 'nats.tls.clientCertificateDnsNames';
  const required = requiredCertificateNames(h, tls);
  const headless = h.headlessServiceHost;
  const suggested = [
    ...new Set([
      h.fullname,
      `${h.fullname}.${h.namespace}`,
      `${h.fullname}.${h.namespace}.svc`,
      h.clientHost,
      ...(tls.monitor ? [tls.monitorDomain] : []),
      ...(tls.monitor && h.kedaReadsMonitor ? [headless, `*.${headless}`] : []),
    ]),
  ];
  const literal = `nats: { tls: { ..., clientCertificateDnsNames: [${suggested.map((n) => `'${n}'`).join(', ')}] } }`;
  const secret = `Secret "${tls.clientSecretName}"`;
  const malformed = (given ?? []).find((name) => !isCertificateDnsName(name));
  if (malformed !== undefined) {
    reject(t, field, given, {
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
    tls.monitor && h.kedaReadsMonitor
      ? 'KEDA verifies the monitor certificate and has no option to skip that ' +
        `(${KEDA_SCALER_SOURCE}#L134); it reads /jsz and /varz at the headless Service, then /jsz at each pod ` +
        `under it (${KEDA_SCALER_SOURCE}#L405-L420). `
      : '';
  reject(t, field, given, {
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
function fullnameOf(releaseName: string): string {
  return releaseName.includes('nats') ? releaseName : `${releaseName}-nats`;
}

/**
 * KEDA operator pods: the only KEDA component that runs scalers, so the one that reads `/jsz` (kedacore/charts
 * keda/templates/manager/deployment.yaml).
 */
export const DEFAULT_KEDA_POD_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/name': 'keda-operator' };
/**
 * Pods of a prometheus-operator managed Prometheus (`app.kubernetes.io/name: prometheus`, prometheus-operator
 * statefulset labels).
 */
export const DEFAULT_PROMETHEUS_POD_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'prometheus',
};

/** One allowed source of traffic, resolved (for docs and tests). */
export interface AllowedPeer {
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Empty: every pod of the namespace. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** The sources the NATS ports admit besides the NACK controller and the NATS servers (tools: nats-box by default). */
export type ResolvedNetwork = ReturnType<typeof resolveNetwork>;

export function resolveNetwork(environment: string, props: NetworkConfig, nats: ResolvedNats) {
  const ns = nats.namespace;
  const t: CheckTarget = { scope: environment, resource: 'Network policies (network)' };
  const namespaceField = (field: string, value: string) =>
    checkName(t, field, value, KUBERNETES_NAME_RULES.Namespace, { fallback: ns });
  const clientNamespaces = (props.clientNamespaces ?? [ns]).map((n, i) =>
    namespaceField(`network.clientNamespaces[${i}]`, n),
  );
  const clientPods = (props.clientPodSelectors ?? []).map((p, i) =>
    checkPeer(t, `network.clientPodSelectors[${i}]`, p, ns),
  );
  // nats-box: the chart's selector labels with `component: nats-box` (helm.md §2).
  const natsBox = { ...serverSelectorLabels(nats.releaseName), 'app.kubernetes.io/component': 'nats-box' };
  const defaultTools = nats.natsBox ? [natsBox] : [];
  const tools = (props.toolPodLabels ?? defaultTools).map((labels, i) =>
    checkPeer(t, `network.toolPodLabels[${i}]`, { podLabels: labels }, ns, `network.toolPodLabels[${i}]`),
  );
  // KEDA and Prometheus: `network.<name>Namespace` and `network.<name>PodLabels`.
  const peerOf = (name: 'keda' | 'prometheus', namespace: string, podLabels: Record<string, string>) =>
    checkPeer(
      t,
      `network.${name}PodLabels`,
      { namespace: namespaceField(`network.${name}Namespace`, namespace), podLabels },
      ns,
      `network.${name}PodLabels`,
    );
  return {
    clientNamespaces,
    clientPods,
    tools,
    keda: peerOf('keda', props.kedaNamespace ?? 'keda', props.kedaPodLabels ?? { ...DEFAULT_KEDA_POD_LABELS }),
    prometheus: peerOf(
      'prometheus',
      props.prometheusNamespace ?? 'monitoring',
      props.prometheusPodLabels ?? { ...DEFAULT_PROMETHEUS_POD_LABELS },
    ),
  };
}

function checkPeer(
  t: CheckTarget,
  field: string,
  peer: NetworkPeerConfig,
  defaultNamespace: string,
  labelsField = `${field}.podLabels`,
): AllowedPeer {
  const namespace = checkName(
    t,
    `${field}.namespace`,
    peer.namespace ?? defaultNamespace,
    KUBERNETES_NAME_RULES.Namespace,
    { fallback: defaultNamespace },
  );
  if (!peer.podLabels || Object.keys(peer.podLabels).length === 0) {
    reject(t, labelsField, peer.podLabels, {
      allowed: 'at least one label (an empty selector would admit every pod of the namespace)',
      fix:
        `name the pods' labels, e.g. ${literal(labelsField, { 'app.kubernetes.io/name': 'my-app' })}, or list the ` +
        `whole namespace in network.clientNamespaces instead`,
    });
  }
  return { namespace, podLabels: checkLabels(t, labelsField, peer.podLabels, { 'app.kubernetes.io/name': 'my-app' }) };
}
