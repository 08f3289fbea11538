// KEDA's nats-jetstream scaler, re-implemented in TypeScript so the tests can check what it would
// read from our cluster and what the HPA would then decide. It follows the code line by line, state
// included: kedacore/keda v2.20.2 pkg/scalers/nats_jetstream_scaler.go (cited below as `scaler.go:<line>`;
// summary in keda-prom-argo.md (a)). Every HTTP request goes through an injected `fetchJson(url)`, so a
// test can answer KEDA's own URLs (`http://nats-0.nats-headless.<ns>.svc.cluster.local:8222/jsz?...`)
// from loopback servers.
import { httpGetJson } from './nats-cluster';

/** The scaler's parsed trigger metadata (KEDA requires every metadata value to be a string). */
export interface NatsJetStreamScalerMetadata {
  natsServerMonitoringEndpoint: string;
  /** `account` as given ('' when absent); compared with an account's `name` (scaler.go:476-478). */
  account: string;
  /** `accountID`, or `account` when absent (scaler.go:149-151): sent as `acc=` and compared with `id`. */
  accountID: string;
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
 * KEDA's metadata rules (scaler.go:37-51, 139-156): endpoint, stream and consumer required; `account`
 * or `accountID` required (the docs' "$G by default" is not in the code); lagThreshold default 10,
 * activation default 0.
 */
export function parseScalerMetadata(metadata: Record<string, unknown>): NatsJetStreamScalerMetadata {
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new Error(
        `trigger metadata ${key} must be a string (the KEDA CRD types metadata as map[string]string), ` +
          `got ${JSON.stringify(value)}`,
      );
    }
  }
  const md = metadata as Record<string, string | undefined>;
  const required = (key: string): string => {
    const v = md[key];
    if (!v) throw new Error(`no ${key} given`);
    return v;
  };
  const account = md.account ?? '';
  if (account === '' && !md.accountID) throw new Error('no account name or id given'); // scaler.go:145-147
  return {
    natsServerMonitoringEndpoint: required('natsServerMonitoringEndpoint'),
    account,
    accountID: md.accountID || account,
    stream: required('stream'),
    consumer: required('consumer'),
    lagThreshold: int64('lagThreshold', md.lagThreshold, 10),
    activationLagThreshold: int64('activationLagThreshold', md.activationLagThreshold, 0),
    useHttps: md.useHttps === 'true',
  };
}

/** Go's url.QueryEscape: everything but [A-Za-z0-9-_.~] percent-encoded, space as "+". */
function goQueryEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** `jsz?acc=<id>&config=true&consumers=true`: url.Values.Encode sorts the keys (scaler.go:349-358); $G -> %24G. */
export function jszQuery(accountID: string): string {
  return `jsz?acc=${goQueryEscape(accountID)}&config=true&consumers=true`;
}

/** The parts of a /jsz answer the scaler decodes (its own cut-down structs, scaler.go:53-117). */
export interface JszResponse {
  server_name?: string;
  meta_cluster?: { leader?: string; cluster_size?: number };
  account_details?: AccountDetail[];
}

export interface AccountDetail {
  id?: string;
  name?: string;
  stream_detail?: StreamDetail[];
}

export interface StreamDetail {
  name?: string;
  state?: { messages?: number; last_seq?: number };
  consumer_detail?: ConsumerDetail[];
}

export interface ConsumerDetail {
  name?: string;
  num_pending?: number;
  num_ack_pending?: number;
  num_redelivered?: number;
  num_waiting?: number;
  cluster?: { leader?: string };
}

/** `/varz` as the scaler decodes it (scaler.go:58-66). */
export interface VarzResponse {
  server_name?: string;
  connect_urls?: string[];
  cluster?: { urls?: string[] };
}

/** Account matching as KEDA's IsAccount (scaler.go:476-478): id equals accountID, or name equals account. */
type AccountMatch = Pick<NatsJetStreamScalerMetadata, 'account' | 'accountID'>;
type ConsumerMatch = AccountMatch & Pick<NatsJetStreamScalerMetadata, 'stream' | 'consumer'>;

export function isAccount(meta: AccountMatch, account: AccountDetail): boolean {
  return (account.id ?? '') === meta.accountID || (account.name ?? '') === meta.account;
}

/** The consumer as the scaler would find it in one /jsz answer (first match by name, never by index). */
export function findConsumer(jsz: JszResponse, meta: ConsumerMatch): ConsumerDetail | undefined {
  for (const account of jsz.account_details ?? []) {
    if (!isAccount(meta, account)) continue;
    for (const stream of account.stream_detail ?? []) {
      if (stream.name !== meta.stream) continue;
      const found = (stream.consumer_detail ?? []).find((c) => c.name === meta.consumer);
      if (found) return found;
    }
  }
  return undefined;
}

/** What a GET returns, parsed; KEDA decodes the body whatever the status code (scaler.go:300-341). */
export type FetchJson = (url: string) => Promise<unknown>;

/** The default: a real GET (http only; the live tests run the monitor port without TLS). */
export const fetchJsonOverHttp: FetchJson = (url) => httpGetJson(url);

export interface ScalerReading {
  /** num_pending + num_ack_pending of the consumer in the stream the scaler kept (scaler.go:422-431). */
  lag: number;
  /** lag > activationLagThreshold, strictly (scaler.go:466). */
  active: boolean;
  /** The scaler's cached consumer leader name after the poll (`consumerLeader`). */
  leader: string;
  /** URL of the /jsz answer the lag was read from. */
  readFrom: string;
  /** meta_cluster.cluster_size of the last /jsz answer the scaler stored (0 on a server without clustering). */
  clusterSize: number;
  /** Which leader-discovery branch ran in this poll, if any. */
  discovery: 'none' | 'advertised' | 'cluster-urls';
  /** Every URL this poll requested, in order. */
  requests: readonly string[];
}

/** `host` and `Port()` of a Go url.URL's Host (net/url portOnly): the port as written, even 80. */
function splitHostPort(hostport: string): { host: string; port: string } {
  const colon = hostport.indexOf(':');
  if (colon === -1) return { host: hostport, port: '' };
  const bracket = hostport.indexOf(']:');
  if (bracket !== -1) return { host: hostport.slice(0, bracket + 1), port: hostport.slice(bracket + 2) };
  if (hostport.includes(']')) return { host: hostport, port: '' };
  return { host: hostport.slice(0, colon), port: hostport.slice(colon + 1) };
}

/** Go's net.JoinHostPort. */
function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's `&streamDetail{}`: what the scaler holds before its first successful read (scaler.go:132). */
const EMPTY_STREAM: StreamDetail = {};

/**
 * One scaler instance: KEDA keeps one per trigger, with its cached consumer leader name and leader
 * URL across polls. `getMetricsAndActivity` is one poll (scaler.go:448-467).
 */
export class KedaJetStreamScaler {
  /** `metadata.monitoringURL` (scaler.go:154, 343-362). */
  readonly monitoringURL: string;
  private readonly scheme: string;
  private readonly endpointPort: string;
  // The scaler's mutable state (scaler.go:31, 46-49), named as in Go.
  private stream: StreamDetail | null = EMPTY_STREAM;
  private streamReadFrom = '';
  private consumerLeader = '';
  private monitoringLeaderURL = '';
  private clusterSize = 0;
  private requests: string[] = [];
  private discovery: ScalerReading['discovery'] = 'none';

  constructor(
    readonly meta: NatsJetStreamScalerMetadata,
    private readonly fetchJson: FetchJson = fetchJsonOverHttp,
  ) {
    this.scheme = meta.useHttps ? 'https' : 'http';
    this.monitoringURL = `${this.scheme}://${meta.natsServerMonitoringEndpoint}/${jszQuery(meta.accountID)}`;
    this.endpointPort = splitHostPort(meta.natsServerMonitoringEndpoint).port;
  }

  /** The cached state KEDA carries to the next poll. */
  get cache(): { consumerLeader: string; monitoringLeaderURL: string; clusterSize: number } {
    const { consumerLeader, monitoringLeaderURL, clusterSize } = this;
    return { consumerLeader, monitoringLeaderURL, clusterSize };
  }

  /** One poll: the external metric (lag) and activity, or the error KEDA would report (scaler.go:448-467). */
  async getMetricsAndActivity(): Promise<ScalerReading> {
    this.requests = [];
    this.discovery = 'none';
    await this.getMonitoringData();
    if (this.stream === null) throw new Error('stream not found'); // scaler.go:454-456
    const lag = this.maxMsgLag();
    return {
      lag,
      active: lag > this.meta.activationLagThreshold,
      leader: this.consumerLeader,
      readFrom: this.streamReadFrom,
      clusterSize: this.clusterSize,
      discovery: this.discovery,
      requests: [...this.requests],
    };
  }

  /** getNATSJetstreamMonitoringData, scaler.go:158-266. */
  private async getMonitoringData(): Promise<void> {
    const cachedConsumerLeader = this.consumerLeader; // :160
    const monitoringURL = this.monitoringLeaderURL !== '' ? this.monitoringLeaderURL : this.monitoringURL; // :162-166
    let jsz = await this.get<JszResponse>(monitoringURL); // :168
    const consumerFound = this.setMonitoringData(jsz, monitoringURL, ''); // :173
    // :176-178 a cached leader that no longer shows the consumer: forget it (and the stream).
    if (cachedConsumerLeader !== '' && !consumerFound) this.invalidate();
    // :181-183 same leader name as last poll: trust this answer, wherever it came from.
    if (consumerFound && cachedConsumerLeader !== '' && cachedConsumerLeader === this.consumerLeader) return;
    if (this.clusterSize <= 1) return; // :185, :265

    const varz = await this.get<VarzResponse>(this.monitoringServerURL('')); // :186-194, /varz on the endpoint
    // :196-202 nodes advertise client URLs unless the cluster runs with no_advertise (the NATS chart's default).
    let clusterUrls = varz.connect_urls ?? [];
    const isNodeAdvertised = clusterUrls.length > 0;
    if (!isNodeAdvertised) clusterUrls = varz.cluster?.urls ?? [];
    this.discovery = isNodeAdvertised ? 'advertised' : 'cluster-urls';

    for (const clusterURL of clusterUrls) {
      // :204
      let node: string;
      let nodeURL: string;
      if (isNodeAdvertised) {
        // :210-231 host of the client URL, the endpoint's port; the node's name from its own /varz.
        const nodeHostname = clusterURL.split(':')[0];
        const nodeVarz = await this.get<VarzResponse>(this.monitoringServerURL(nodeHostname));
        node = nodeVarz.server_name ?? '';
        nodeURL = this.monitoringNodeURL(nodeHostname);
      } else {
        // :232-237 the first DNS label of the route URL is taken as the server name, and the node's
        // URL is `<label>.<endpoint host:port>`: nats-0.nats-headless:6222 -> nats-0.<endpoint>.
        node = clusterURL.split('.')[0];
        nodeURL = this.monitoringNodeURLByNode(node);
      }
      jsz = await this.get<JszResponse>(nodeURL); // :240
      for (const account of jsz.account_details ?? []) {
        // :245-261, every match, as nested loops
        if (!isAccount(this.meta, account)) continue;
        for (const stream of account.stream_detail ?? []) {
          if (stream.name !== this.meta.stream) continue;
          for (const consumer of stream.consumer_detail ?? []) {
            // :252 this node is the consumer leader
            if (consumer.name === this.meta.consumer && node === (consumer.cluster?.leader ?? '')) {
              this.setMonitoringData(jsz, nodeURL, nodeURL); // :253
              return;
            }
          }
        }
      }
    }
    throw new Error(`leader node not found for consumer ${this.meta.consumer}`); // :263
  }

  /** setNATSJetStreamMonitoringData, scaler.go:268-292: stores the stream even when the consumer is missing. */
  private setMonitoringData(jsz: JszResponse, readFrom: string, leaderURL: string): boolean {
    this.clusterSize = jsz.meta_cluster?.cluster_size ?? 0;
    for (const account of jsz.account_details ?? []) {
      if (!isAccount(this.meta, account)) continue;
      for (const stream of account.stream_detail ?? []) {
        if (stream.name !== this.meta.stream) continue;
        this.stream = stream;
        this.streamReadFrom = readFrom;
        for (const consumer of stream.consumer_detail ?? []) {
          if (consumer.name !== this.meta.consumer) continue;
          this.consumerLeader = consumer.cluster?.leader ?? '';
          if (leaderURL !== '') this.monitoringLeaderURL = leaderURL;
          return true;
        }
      }
    }
    return false;
  }

  /** scaler.go:294-298. */
  private invalidate(): void {
    this.consumerLeader = '';
    this.monitoringLeaderURL = '';
    this.stream = null;
  }

  /** getMaxMsgLag, scaler.go:422-431: the consumer in the stored stream, possibly from an earlier poll. */
  private maxMsgLag(): number {
    const consumer = (this.stream?.consumer_detail ?? []).find((c) => c.name === this.meta.consumer);
    if (!consumer) {
      const { consumer: name, stream } = this.meta;
      throw new Error(`consumer ${JSON.stringify(name)} not found in stream ${JSON.stringify(stream)}`);
    }
    return (consumer.num_pending ?? 0) + (consumer.num_ack_pending ?? 0);
  }

  /** getNATSJetStreamMonitoringServerURL, scaler.go:364-381: `/varz` on the endpoint, or on a host with its port. */
  private monitoringServerURL(nodeHostname: string): string {
    let host = this.meta.natsServerMonitoringEndpoint;
    if (nodeHostname !== '') host = this.withEndpointPort(nodeHostname);
    return `${this.scheme}://${host}/varz`;
  }

  /** getNATSJetStreamMonitoringNodeURL, scaler.go:383-403. */
  private monitoringNodeURL(nodeHostname: string): string {
    return `${this.scheme}://${this.withEndpointPort(nodeHostname)}/${jszQuery(this.meta.accountID)}`;
  }

  /** The host with the endpoint's port, if it has one (scaler.go:375-377, 391-393). */
  private withEndpointPort(host: string): string {
    return this.endpointPort !== '' ? joinHostPort(host, this.endpointPort) : host;
  }

  /** getNATSJetStreamMonitoringNodeURLByNode, scaler.go:405-420: `<node>.<endpoint host:port>`. */
  private monitoringNodeURLByNode(node: string): string {
    return `${this.scheme}://${node}.${this.meta.natsServerMonitoringEndpoint}/${jszQuery(this.meta.accountID)}`;
  }

  private async get<T>(url: string): Promise<T> {
    this.requests.push(url);
    return (await this.fetchJson(url)) as T;
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
export function desiredReplicas(
  reading: Pick<ScalerReading, 'lag' | 'active'>,
  lagThreshold: number,
  bounds: ReplicaBounds,
): number {
  const min = bounds.minReplicaCount ?? 0;
  const max = bounds.maxReplicaCount ?? 100;
  if (lagThreshold <= 0) throw new Error(`lagThreshold must be > 0, got ${lagThreshold}`);
  if (!reading.active) return min;
  const wanted = Math.ceil(reading.lag / lagThreshold);
  return Math.min(max, Math.max(min, 1, wanted));
}
