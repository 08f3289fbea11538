// The typed description of one environment's event backbone: what a user writes.
// Environments differ only by data (config/), never by code. Field names follow NACK's CRD
// (maxAge, ackWait, maxDeliver, ...) so they can be looked up in NACK's docs/api.md.
import { DurationInput, SizeInput } from './units';

// Each enum has one source: the array (checks list it in errors), and the type derived from it.
export const RETENTIONS = ['limits', 'interest', 'workqueue'] as const;
export type Retention = (typeof RETENTIONS)[number];
export const STORAGE_TYPES = ['file', 'memory'] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];
export const DISCARD_POLICIES = ['old', 'new'] as const;
export type DiscardPolicy = (typeof DISCARD_POLICIES)[number];
export const ACK_POLICIES = ['explicit', 'all', 'none'] as const;
export type AckPolicy = (typeof ACK_POLICIES)[number];
export const DELIVER_POLICIES = ['all', 'last', 'new', 'lastPerSubject'] as const;
export type DeliverPolicy = (typeof DELIVER_POLICIES)[number];
export const REPLAY_POLICIES = ['instant', 'original'] as const;
export type ReplayPolicy = (typeof REPLAY_POLICIES)[number];
export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const SCALE_TARGET_KINDS = ['Deployment', 'StatefulSet'] as const;
export type ScaleTargetKind = (typeof SCALE_TARGET_KINDS)[number];

export interface StreamConfig {
  /** JetStream stream name; also the Stream object's name in Kubernetes (lowercased if needed). */
  readonly name: string;
  /** Subjects the stream captures; wildcards `*` and `>` allowed. Must not overlap another stream's. */
  readonly subjects: string[];
  readonly description?: string;
  /** @default 'limits' */
  readonly retention?: Retention;
  /** Oldest message kept. @default - no age limit (rendered as "0s" so NACK's 1-year default never applies) */
  readonly maxAge?: DurationInput;
  /**
   * Largest size of the stream. Required: every node reserves it in its file store, and the sum over all file streams
   * must fit `nats.fileStorageSize` (an unbounded stream could fill the disk of every stream).
   */
  readonly maxBytes: SizeInput;
  /** @default - no message count limit */
  readonly maxMsgs?: number;
  /** @default - no per-message size limit beyond the server's max_payload */
  readonly maxMsgSize?: SizeInput;
  /** @default 'file' (the spec's "File (persistent)"; NACK's CRD would default to memory) */
  readonly storage?: StorageType;
  /** @default - the cluster size, capped at 3 (the spec's R3; R1 on a single node) */
  readonly replicas?: number;
  /** @default 'old' */
  readonly discard?: DiscardPolicy;
  /** Window for de-duplicating by Nats-Msg-Id. @default - server default of 2 minutes, at most maxAge */
  readonly duplicateWindow?: DurationInput;
  /**
   * Serve direct gets (any replica answers `$JS.API.DIRECT.GET`); `nats stream add` turns it on by default, so
   * `npm run adopt` writes it for streams made that way. NACK only sends it when true, so turning it off needs
   * `nats stream edit --no-allow-direct` as well. @default false
   */
  readonly allowDirect?: boolean;
  /** Alert thresholds for this stream. @default - see StreamAlertConfig */
  readonly alerts?: StreamAlertConfig;
}

/**
 * One stream's alert thresholds. They become a small threshold series the environment's one
 * rule per alert compares with (docs/operations.md "Alerts"), so they can differ per stream;
 * timing (`for`) cannot, and is set environment-wide in `monitoring.alerts.streams.for`.
 */
export interface StreamAlertConfig {
  /** Fraction of maxBytes (or maxMsgs) at which "stream near its limit" fires. @default 0.85 */
  readonly nearLimitRatio?: number;
}

/** Environment-wide stream alert settings: every stream's default thresholds, and the `for` all streams share. */
export interface StreamAlertDefaults extends StreamAlertConfig {
  /** How long a stream must stay near its limit before "stream near its limit" fires. @default '15m' */
  readonly for?: DurationInput;
}

export interface ConsumerConfig {
  /** Durable name; also the Consumer object's name in Kubernetes (lowercased if needed). */
  readonly name: string;
  /** Name of the stream (from `streams`) it reads. */
  readonly stream: string;
  readonly description?: string;
  /**
   * Subjects this consumer receives; each must lie inside the stream's subjects. @default - every subject of the stream
   */
  readonly filterSubjects?: string[];
  /** @default 'explicit' (the CRD would default to none) */
  readonly ackPolicy?: AckPolicy;
  /** Time the server waits for an ack before redelivering. @default '30s' (the server's default; the CRD's is 1ns) */
  readonly ackWait?: DurationInput;
  /** Deliveries before a message is given up. @default 5 (bounded, so a poison message cannot loop forever) */
  readonly maxDeliver?: number;
  /** Messages in flight without an ack, after which delivery stops. @default 1000 (the server's default) */
  readonly maxAckPending?: number;
  /** Largest batch one pull request may ask for (pull consumers). @default - no limit */
  readonly maxRequestBatch?: number;
  /** @default 'all' */
  readonly deliverPolicy?: DeliverPolicy;
  /** @default 'instant' */
  readonly replayPolicy?: ReplayPolicy;
  /** @default - the stream's replicas */
  readonly replicas?: number;
  /** Subject to push messages to; set only for a push consumer. @default - a pull consumer */
  readonly deliverSubject?: string;
  /** Alert thresholds for this consumer. @default - see ConsumerAlertConfig */
  readonly alerts?: ConsumerAlertConfig;
}

/**
 * One consumer's alert thresholds. They become a small threshold series the environment's one
 * rule per alert compares with (docs/operations.md "Alerts"), so they can differ per consumer;
 * timing (`for`) cannot, and is set environment-wide in `monitoring.alerts.consumers.for`.
 */
export interface ConsumerAlertConfig {
  /**
   * Backlog (pending + ack pending, the lag KEDA scales on) above which "lag high and growing" pages.
   * @default - 10 x lagThreshold x maxReplicas of the KEDA scaler on this consumer (10 x what the
   * scaler absorbs at max replicas), or 10000 when no scaler targets it
   */
  readonly maxLag?: number;
  /** Fraction of maxAckPending at which "ack pending near the limit" fires. @default 0.9 */
  readonly ackPendingRatio?: number;
  /** Messages currently marked for redelivery that warn. @default 100 */
  readonly maxRedelivered?: number;
}

/** Environment-wide consumer alert settings: every consumer's default thresholds, and the `for` all consumers share. */
export interface ConsumerAlertDefaults extends ConsumerAlertConfig {
  /** How long a consumer's lag must stay high and growing before "lag growing" pages. @default '10m' */
  readonly for?: DurationInput;
}

/** Scales a workload with KEDA on one consumer's lag (pending + ack pending on the consumer leader). */
export interface ScalerConfig {
  /** Workload to scale (a Deployment unless `targetKind` says otherwise). */
  readonly target: string;
  /** @default 'Deployment' */
  readonly targetKind?: ScaleTargetKind;
  /** Durable name of the pull consumer whose lag drives scaling. */
  readonly consumer: string;
  /** Lag per replica (HPA AverageValue target). @default 10 (the spec's) */
  readonly lagThreshold?: number;
  /** Lag above which the workload wakes from zero. @default 0 */
  readonly activationLagThreshold?: number;
  /** @default 1 */
  readonly minReplicas?: number;
  /** @default 10 */
  readonly maxReplicas?: number;
  /** @default '15s' */
  readonly pollingInterval?: DurationInput;
  /** @default '300s' */
  readonly cooldownPeriod?: DurationInput;
  /** Replicas to hold while KEDA cannot read the lag. @default - max(minReplicas, 2) capped at maxReplicas */
  readonly fallbackReplicas?: number;
  /** ScaledObject name. @default - `<target>-nats-scaler` */
  readonly name?: string;
}

export interface NatsResources {
  /** @default '500m' */
  readonly cpu?: string;
  /** Memory request and limit (requests = limits, as the chart README advises). @default '2Gi' */
  readonly memory?: SizeInput;
}

export interface NatsClusterConfig {
  /** Helm release name; the chart's objects are named from it (`nats`, `nats-headless`). @default 'nats' */
  readonly releaseName?: string;
  /** Version of the nats-io/k8s `nats` chart the values are written for. @default '2.14.2' */
  readonly chartVersion?: string;
  /** NATS servers (StatefulSet replicas). 1 runs a single server without clustering. @default 3 */
  readonly replicas?: number;
  /**
   * JetStream file store capacity of each NATS server: the size of its PVC, of which 95% becomes `max_file_store`. A
   * fixed size per environment, never derived from the streams, because the chart writes it into the StatefulSet's
   * volumeClaimTemplates, which Kubernetes cannot change in place: adding a stream that fits changes no StatefulSet
   * field. Synth fails when the file streams' maxBytes add up to more than the store (every server may have to hold all
   * of them) and names the size to set. Raising it on a running cluster is a deliberate operation (`npm run plan` flags
   * it; runbook: docs/operations.md "Growing the JetStream file store"). @default '10GiB' (the NATS chart's own
   * default)
   */
  readonly fileStorageSize?: SizeInput;
  /**
   * Extra room of the memory store (`max_memory_store`) over the memory streams' maxBytes, as a fraction. @default 0.25
   */
  readonly memoryStoreHeadroom?: number;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default - see NatsResources */
  readonly resources?: NatsResources;
  /** Secret holding the client token, created outside git (see README). @default { name: 'nats-auth', key: 'token' } */
  readonly tokenSecret?: { readonly name: string; readonly key: string };
  /** Deploy the chart's nats-box tools pod. @default true */
  readonly natsBox?: boolean;
  /** TLS for clients and routes, from Secrets made outside git (e.g. by cert-manager). @default - see NatsTlsConfig */
  readonly tls?: NatsTlsConfig;
}

/**
 * TLS for the NATS listeners (chart keys `config.nats.tls`, `config.cluster.tls`, `tlsCA`,
 * `config.monitor.tls`, helm.md §1(e)). Each Secret is of type kubernetes.io/tls (`tls.crt`,
 * `tls.key`), as a cert-manager Certificate writes it; nothing here holds key material.
 */
export interface NatsTlsConfig {
  /** Serve clients (4222) and routes (6222) over TLS. @default false */
  readonly enabled?: boolean;
  /**
   * Secret with the client certificate (SANs `<fullname>`, `<fullname>.<ns>`, `<fullname>.<ns>.svc[.cluster.local]`;
   * with `monitor` also `<fullname>-headless.<ns>.svc.cluster.local`, `*.<fullname>-headless.<ns>.svc.cluster.local`
   * and `monitorDomain`: see `clientCertificateDnsNames`). @default '<fullname>-client-tls'
   */
  readonly clientSecretName?: string;
  /**
   * Secret with the route certificate (SAN `*.<fullname>-headless`, server and client auth). @default
   * '<fullname>-route-tls'
   */
  readonly routeSecretName?: string;
  /**
   * Secret whose `ca.crt` every TLS block trusts. @default - the client Secret (cert-manager writes the issuing CA to
   * its `ca.crt`)
   */
  readonly caSecretName?: string;
  /**
   * Serve the monitor port 8222 over HTTPS as well (chart `config.monitor.tls`, with the client certificate). KEDA then
   * reads `/jsz` and `/varz` with `useHttps: "true"`, verifies the certificate against the headless Service and each
   * pod's name under it, and must trust the CA; the exporter reads `https://<monitorDomain>:8222`. Requires
   * `clientCertificateDnsNames`. @default false
   */
  readonly monitor?: boolean;
  /**
   * Name the exporter sidecar uses for its own server when `monitor` is on: must resolve to the pod itself and be a SAN
   * of the client certificate. @default 'localhost'
   */
  readonly monitorDomain?: string;
  /**
   * The DNS names (SANs) of the certificate in `clientSecretName`, as issued (e.g. a cert-manager
   * Certificate's `dnsNames`). Required with `monitor`: that certificate then also serves port 8222,
   * and KEDA verifies it (its nats-jetstream scaler has no skip-verify option) at the headless
   * Service `<fullname>-headless.<ns>.svc.cluster.local` and at each pod under it
   * (`*.<fullname>-headless.<ns>.svc.cluster.local`), the exporter at `monitorDomain`. Synth cannot
   * read the certificate, so it checks these names cover all of them (and the client Service
   * `<fullname>.<ns>.svc.cluster.local`) and fails with the list to issue otherwise.
   * @default - not checked; required when `monitor` is on
   */
  readonly clientCertificateDnsNames?: string[];
}

export interface MonitoringConfig {
  /** Labels Prometheus uses to select ServiceMonitors and rules. @default { release: 'kube-prometheus-stack' } */
  readonly prometheusSelectorLabels?: Record<string, string>;
  /** @default '30s' */
  readonly scrapeInterval?: DurationInput;
  /** Alert thresholds for every stream, consumer and server. @default - see AlertsConfig */
  readonly alerts?: AlertsConfig;
  /**
   * Labels Grafana's dashboard sidecar selects ConfigMaps by. @default { grafana_dashboard: '1' }
   * (kube-prometheus-stack)
   */
  readonly grafanaDashboardLabels?: Record<string, string>;
}

/** Environment-wide alert settings; a stream's or consumer's own `alerts` override these field by field. */
export interface AlertsConfig {
  /** Defaults for every consumer, and the `for` of the lag alert. @default - see ConsumerAlertDefaults */
  readonly consumers?: ConsumerAlertDefaults;
  /** Defaults for every stream, and the `for` of the near-limit alerts. @default - see StreamAlertDefaults */
  readonly streams?: StreamAlertDefaults;
  /**
   * Fraction of a node's JetStream file store (max_file_store) in use at which "file storage near full" fires. @default
   * 0.85
   */
  readonly fileStorageRatio?: number;
  /**
   * Each alert gets `runbook_url: <runbookBaseUrl>#<anchor>` (e.g. docs/operations.md on your git host). @default - no
   * runbook_url (the `runbook` text annotation is always set)
   */
  readonly runbookBaseUrl?: string;
  /**
   * Labels added to every alert, for Alertmanager routing (`severity` and `environment` are always set). @default -
   * none
   */
  readonly labels?: Record<string, string>;
}

/** Pods (by labels) in one namespace. */
export interface NetworkPeerConfig {
  /** @default - the environment's namespace */
  readonly namespace?: string;
  /** Labels the pods must all have. */
  readonly podLabels: Record<string, string>;
}

/**
 * Who may reach the NATS server pods (NetworkPolicies). Namespaces are matched by the
 * `kubernetes.io/metadata.name` label Kubernetes sets on every namespace (1.21+).
 */
export interface NetworkConfig {
  /** Emit the NetworkPolicies. @default true */
  readonly enabled?: boolean;
  /** Namespaces whose pods may connect to the client port 4222. @default - the environment's namespace */
  readonly clientNamespaces?: string[];
  /** Further pods that may connect to 4222. @default - none */
  readonly clientPodSelectors?: NetworkPeerConfig[];
  /** Namespace of the KEDA operator (the KEDA component that reads `/jsz` on 8222). @default 'keda' */
  readonly kedaNamespace?: string;
  /** Labels of the KEDA operator pods. @default { 'app.kubernetes.io/name': 'keda-operator' } (kedacore/charts) */
  readonly kedaPodLabels?: Record<string, string>;
  /** Namespace of Prometheus, which scrapes the exporter on 7777. @default 'monitoring' */
  readonly prometheusNamespace?: string;
  /** Labels of the Prometheus pods. @default { 'app.kubernetes.io/name': 'prometheus' } (prometheus-operator) */
  readonly prometheusPodLabels?: Record<string, string>;
  /** In-namespace tool pods allowed on 4222 and 8222. @default - the chart's nats-box pod */
  readonly toolPodLabels?: Array<Record<string, string>>;
}

/** Everything one environment (dev, staging, prod, ...) needs. */
export interface EnvironmentConfig {
  /** Environment name: the folder under dist/. */
  readonly name: string;
  /** Namespace of every object. @default - `overmind-<name>` */
  readonly namespace?: string;
  /** @default - see NatsClusterConfig */
  readonly nats?: NatsClusterConfig;
  /** @default - the spec's streams (routing-decisions, memory-events, llm-requests) */
  readonly streams?: StreamConfig[];
  /** @default - the spec's consumers (api, analytics, consolidation, metrics) */
  readonly consumers?: ConsumerConfig[];
  /** @default - the spec's overmind-api scaler on api-consumer */
  readonly scalers?: ScalerConfig[];
  /** @default - see MonitoringConfig */
  readonly monitoring?: MonitoringConfig;
  /** @default - see NetworkConfig */
  readonly network?: NetworkConfig;
  /** How Argo CD deploys this environment; overrides config/gitops.ts field by field. @default - see GitOpsConfig */
  readonly gitops?: GitOpsConfig;
}

/**
 * Where Argo CD finds this project and where it deploys (dist/<env>/argocd/). The repository-wide
 * values live in config/gitops.ts (`repoURL` is required there); an environment overrides single
 * fields, e.g. prod tracking a release branch.
 */
export interface GitOpsConfig {
  /** Git repository Argo CD reads dist/ from (https://, ssh:// or git@host:path). @default - config/gitops.ts */
  readonly repoURL?: string;
  /** Branch, tag or commit Argo CD deploys. @default 'main' */
  readonly targetRevision?: string;
  /** Folder of dist/ inside the repository. @default 'dist' */
  readonly distPath?: string;
  /** Namespace Argo CD runs in; the Application and AppProject objects go there. @default 'argocd' */
  readonly argoNamespace?: string;
  /** AppProject of the environment's Applications. @default - `overmind-<env>` */
  readonly project?: string;
  /**
   * Cluster the Applications deploy to, as registered in Argo CD. @default 'https://kubernetes.default.svc' (Argo CD's
   * own cluster)
   */
  readonly destinationServer?: string;
  /**
   * Helm repository of the NATS chart (version: `nats.chartVersion`). @default
   * 'https://nats-io.github.io/k8s/helm/charts/'
   */
  readonly natsChartRepoURL?: string;
  /** Sync every commit automatically, with prune and self-heal; false leaves syncing to a person. @default true */
  readonly automatedSync?: boolean;
}
