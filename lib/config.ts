// The typed description of one environment's event backbone: what a user writes.
// Environments differ only by data (config/), never by code. Field names follow NACK's CRD
// (maxAge, ackWait, maxDeliver, ...) so they can be looked up in NACK's docs/api.md.
import { DurationInput, SizeInput } from './units';

export type Retention = 'limits' | 'interest' | 'workqueue';
export type StorageType = 'file' | 'memory';
export type DiscardPolicy = 'old' | 'new';
export type AckPolicy = 'explicit' | 'all' | 'none';
export type DeliverPolicy = 'all' | 'last' | 'new' | 'lastPerSubject';
export type ReplayPolicy = 'instant' | 'original';
export type AlertSeverity = 'critical' | 'warning' | 'info';

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
   * Largest size of the stream. Required: every node reserves it in its file store, and the
   * NATS PVC is sized from the sum (an unbounded stream could fill the disk of every stream).
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
  /** Alert thresholds for this stream. @default - see StreamAlertConfig */
  readonly alerts?: StreamAlertConfig;
}

export interface StreamAlertConfig {
  /** Fraction of maxBytes (or maxMsgs) at which "stream near its limit" fires. @default 0.85 */
  readonly nearLimitRatio?: number;
  /** @default '15m' */
  readonly for?: DurationInput;
}

export interface ConsumerConfig {
  /** Durable name; also the Consumer object's name in Kubernetes (lowercased if needed). */
  readonly name: string;
  /** Name of the stream (from `streams`) it reads. */
  readonly stream: string;
  readonly description?: string;
  /** Subjects this consumer receives; each must lie inside the stream's subjects. @default - every subject of the stream */
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

export interface ConsumerAlertConfig {
  /** Backlog (pending + ack pending) that pages. @default - 10 x the scaler's lag threshold x max replicas, or 10000 */
  readonly maxLag?: number;
  /** How long the backlog must stay high and growing. @default '10m' */
  readonly for?: DurationInput;
  /** Fraction of maxAckPending at which "ack pending near the limit" fires. @default 0.9 */
  readonly ackPendingRatio?: number;
  /** Messages currently marked for redelivery that warn. @default 100 */
  readonly maxRedelivered?: number;
}

/** Scales a workload with KEDA on one consumer's lag (pending + ack pending on the consumer leader). */
export interface ScalerConfig {
  /** Workload to scale (a Deployment unless `targetKind` says otherwise). */
  readonly target: string;
  /** @default 'Deployment' */
  readonly targetKind?: 'Deployment' | 'StatefulSet';
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
  /** JetStream file-store PVC size per node. @default - the sum of every file stream's maxBytes plus `storageHeadroom` */
  readonly fileStorageSize?: SizeInput;
  /** Extra room on top of the streams' reservations, as a fraction. @default 0.25 */
  readonly storageHeadroom?: number;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default - see NatsResources */
  readonly resources?: NatsResources;
  /** Secret holding the client token, created outside git (see README). @default { name: 'nats-auth', key: 'token' } */
  readonly tokenSecret?: { readonly name: string; readonly key: string };
  /** Deploy the chart's nats-box tools pod. @default true */
  readonly natsBox?: boolean;
}

export interface MonitoringConfig {
  /** Labels Prometheus uses to select ServiceMonitors and rules. @default { release: 'kube-prometheus-stack' } */
  readonly prometheusSelectorLabels?: Record<string, string>;
  /** @default '30s' */
  readonly scrapeInterval?: DurationInput;
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
}
