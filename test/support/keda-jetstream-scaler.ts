// KEDA's nats-jetstream scaler, re-implemented in TypeScript so the live tests can check what it
// would read from our cluster and what the HPA would then decide. Source of truth:
// keda-prom-argo.md (a) (kedacore/keda pkg/scalers/nats_jetstream_scaler.go, v2.20.2).
import { httpGetJson } from './nats-cluster';

/** The scaler's parsed trigger metadata (KEDA requires every metadata value to be a string). */
export interface NatsJetStreamScalerMetadata {
  natsServerMonitoringEndpoint: string;
  /** Sent as `acc=`: accountID if given, otherwise account. */
  account: string;
  stream: string;
  consumer: string;
  lagThreshold: number;
  activationLagThreshold: number;
  useHttps: boolean;
}

function int64(key: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new Error(`error parsing ${key}: ${JSON.stringify(value)} is not an int64`);
  return Number(value);
}

/**
 * KEDA's metadata rules: endpoint, stream and consumer required; `account` or `accountID` required
 * (the docs' "$G by default" is not in the code); lagThreshold default 10, activation default 0.
 */
export function parseScalerMetadata(metadata: Record<string, unknown>): NatsJetStreamScalerMetadata {
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new Error(`trigger metadata ${key} must be a string (the KEDA CRD types metadata as map[string]string), got ${JSON.stringify(value)}`);
  }
  const md = metadata as Record<string, string | undefined>;
  const required = (key: string): string => {
    const v = md[key];
    if (!v) throw new Error(`no ${key} given`);
    return v;
  };
  const account = md.accountID || md.account;
  if (!account) throw new Error('no account name or id given');
  return {
    natsServerMonitoringEndpoint: required('natsServerMonitoringEndpoint'),
    account,
    stream: required('stream'),
    consumer: required('consumer'),
    lagThreshold: int64('lagThreshold', md.lagThreshold, 10),
    activationLagThreshold: int64('activationLagThreshold', md.activationLagThreshold, 0),
    useHttps: md.useHttps === 'true',
  };
}

/** `/jsz?acc=<account>&config=true&consumers=true`, as Go's url.Values would encode it ($G -> %24G). */
export function jszQuery(account: string): string {
  return `jsz?acc=${encodeURIComponent(account)}&config=true&consumers=true`;
}

/** The parts of a /jsz answer the scaler decodes (its own cut-down structs). */
export interface JszResponse {
  server_name?: string;
  meta_cluster?: { leader?: string; cluster_size?: number };
  account_details?: Array<{
    id?: string;
    name: string;
    stream_detail?: Array<{
      name: string;
      state?: { messages: number; last_seq: number };
      consumer_detail?: Array<{
        name: string;
        num_pending: number;
        num_ack_pending: number;
        num_redelivered?: number;
        num_waiting?: number;
        cluster?: { leader?: string };
      }>;
    }>;
  }>;
}

interface VarzResponse {
  server_name: string;
  connect_urls?: string[];
  cluster?: { urls?: string[] };
}

export type ConsumerDetail = NonNullable<NonNullable<NonNullable<JszResponse['account_details']>[number]['stream_detail']>[number]['consumer_detail']>[number];

/** Account matching as KEDA's IsAccount: id equals the account or name equals it. */
export function findConsumer(jsz: JszResponse, account: string, stream: string, consumer: string): ConsumerDetail | undefined {
  const acc = jsz.account_details?.find((a) => a.id === account || a.name === account);
  const st = acc?.stream_detail?.find((s) => s.name === stream);
  return st?.consumer_detail?.find((c) => c.name === consumer);
}

export interface ScalerReading {
  /** num_pending + num_ack_pending of the consumer, as reported by the consumer leader's node. */
  lag: number;
  /** lag > activationLagThreshold (strictly). */
  active: boolean;
  /** The consumer leader's server_name. */
  leader: string;
  /** Monitoring base URL the lag was read from. */
  readFrom: string;
  clusterSize: number;
}

/**
 * How the scaler turns a node's advertised client URL into that node's monitoring base URL.
 * KEDA: the host of the connect URL plus the port of `natsServerMonitoringEndpoint`. On one
 * loopback host every node has the same host, so the live tests pass a port-based mapping.
 */
export type MonitorUrlForConnectUrl = (connectUrl: string, meta: NatsJetStreamScalerMetadata) => string;

export const kedaMonitorUrlForConnectUrl: MonitorUrlForConnectUrl = (connectUrl, meta) => {
  const host = connectUrl.split(':')[0];
  const port = meta.natsServerMonitoringEndpoint.split(':')[1];
  return `${meta.useHttps ? 'https' : 'http'}://${port ? `${host}:${port}` : host}`;
};

/**
 * One scaler instance (KEDA keeps one per trigger and caches the leader's URL between polls).
 * Algorithm (keda-prom-argo.md (a) "Clustered NATS"): GET /jsz on the endpoint (or the cached
 * leader); if the consumer is found and its leader is unchanged, use that answer. Otherwise, when
 * meta_cluster.cluster_size > 1, GET /varz on the endpoint, walk connect_urls, GET each node's
 * /varz for its server_name and its /jsz, and use the node whose name is the consumer's leader.
 */
export class KedaJetStreamScaler {
  private cachedLeader = '';
  private cachedLeaderUrl = '';

  constructor(
    readonly meta: NatsJetStreamScalerMetadata,
    private readonly monitorUrlFor: MonitorUrlForConnectUrl = kedaMonitorUrlForConnectUrl,
  ) {}

  private get baseUrl(): string {
    return `${this.meta.useHttps ? 'https' : 'http'}://${this.meta.natsServerMonitoringEndpoint}`;
  }

  async getMetricsAndActivity(): Promise<ScalerReading> {
    const { account, stream, consumer } = this.meta;
    const firstUrl = this.cachedLeaderUrl || this.baseUrl;
    const first = await httpGetJson<JszResponse>(`${firstUrl}/${jszQuery(account)}`);
    const clusterSize = first.meta_cluster?.cluster_size ?? 0;
    const found = findConsumer(first, account, stream, consumer);
    if (!found) {
      this.cachedLeader = '';
      this.cachedLeaderUrl = '';
    }
    const leader = found?.cluster?.leader ?? '';
    // Unchanged leader, already read from its node: done.
    if (found && this.cachedLeaderUrl && leader === this.cachedLeader) return this.reading(found, leader, firstUrl, clusterSize);

    if (clusterSize <= 1) {
      // keda#7657 / PR #7668: a missing consumer is an error (it used to fall back to last_seq).
      if (!found) throw new Error(`consumer ${JSON.stringify(consumer)} not found in stream ${JSON.stringify(stream)}`);
      return this.reading(found, leader, firstUrl, clusterSize);
    }

    const varz = await httpGetJson<VarzResponse>(`${this.baseUrl}/varz`);
    for (const connectUrl of varz.connect_urls ?? []) {
      const nodeUrl = this.monitorUrlFor(connectUrl, this.meta);
      const nodeVarz = await httpGetJson<VarzResponse>(`${nodeUrl}/varz`);
      const nodeJsz = await httpGetJson<JszResponse>(`${nodeUrl}/${jszQuery(account)}`);
      const detail = findConsumer(nodeJsz, account, stream, consumer);
      if (detail && nodeVarz.server_name === detail.cluster?.leader) {
        this.cachedLeader = nodeVarz.server_name;
        this.cachedLeaderUrl = nodeUrl;
        return this.reading(detail, nodeVarz.server_name, nodeUrl, clusterSize);
      }
    }
    throw new Error(`leader node not found for consumer ${consumer}`);
  }

  private reading(detail: ConsumerDetail, leader: string, readFrom: string, clusterSize: number): ScalerReading {
    const lag = detail.num_pending + detail.num_ack_pending;
    return { lag, active: lag > this.meta.activationLagThreshold, leader, readFrom, clusterSize };
  }
}

export interface ReplicaBounds {
  /** ScaledObject spec.minReplicaCount. @default 0 */
  minReplicaCount?: number;
  /** ScaledObject spec.maxReplicaCount. @default 100 */
  maxReplicaCount?: number;
}

/**
 * Replicas KEDA + HPA converge to for one nats-jetstream trigger with the default AverageValue
 * metric type: inactive -> minReplicaCount (KEDA scales to it after cooldownPeriod); active ->
 * ceil(lag / lagThreshold) clamped to [max(min, 1), max] (with min 0 the HPA's own minimum is 1).
 * The HPA's 10% tolerance band around the current replica count is not modelled: this is the
 * steady-state target.
 */
export function desiredReplicas(reading: Pick<ScalerReading, 'lag' | 'active'>, lagThreshold: number, bounds: ReplicaBounds): number {
  const min = bounds.minReplicaCount ?? 0;
  const max = bounds.maxReplicaCount ?? 100;
  if (lagThreshold <= 0) throw new Error(`lagThreshold must be > 0, got ${lagThreshold}`);
  if (!reading.active) return min;
  const wanted = Math.ceil(reading.lag / lagThreshold);
  return Math.min(max, Math.max(min, 1, wanted));
}
