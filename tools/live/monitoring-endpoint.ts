// The NATS monitoring endpoint as doctor reads it: from outside Kubernetes (NATS_MONITOR_URL, default what
// `kubectl port-forward svc/nats 8222` gives), with the exact request KEDA's nats-jetstream scaler sends
// (kedacore/keda v2.20.2 pkg/scalers/nats_jetstream_scaler.go, cited as scaler.go:<line>).
import * as http from 'http';
import * as https from 'https';
import { CannotRun, firstLine } from './cannot-run';

export const DEFAULT_MONITOR_URL = 'http://127.0.0.1:8222';

/** NATS_MONITOR_URL: one or more comma-separated `http(s)://host:port` (one per server finds each leader). */
export function monitorUrlsOf(environment: NodeJS.ProcessEnv): string[] {
  const value = environment.NATS_MONITOR_URL?.trim() || DEFAULT_MONITOR_URL;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      let url: URL;
      try {
        url = new URL(s);
      } catch {
        throw new CannotRun(`NATS_MONITOR_URL: "${s}" is not a URL; give e.g. ${DEFAULT_MONITOR_URL}`);
      }
      if (!/^https?:$/.test(url.protocol) || url.username || url.password || url.pathname.length > 1 || url.search) {
        throw new CannotRun(`NATS_MONITOR_URL: "${s}" must be http(s)://host:port, e.g. ${DEFAULT_MONITOR_URL}`);
      }
      return `${url.protocol}//${url.host}`;
    });
}

/** Go's url.QueryEscape: all but [A-Za-z0-9-_.~] percent-encoded, a space as "+". */
function goQueryEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * The path and query of KEDA's /jsz request: url.Values{acc, consumers, config}.Encode() sorts the keys, so
 * `jsz?acc=%24G&config=true&consumers=true` (scaler.go:343-362).
 */
export function kedaJszPath(accountID: string): string {
  return `/jsz?acc=${goQueryEscape(accountID)}&config=true&consumers=true`;
}

/** The URL KEDA builds: scheme from useHttps, host = natsServerMonitoringEndpoint (scaler.go:343-362). */
export function kedaJszUrl(useHttps: boolean, endpoint: string, accountID: string): string {
  return `${useHttps ? 'https' : 'http'}://${endpoint}${kedaJszPath(accountID)}`;
}

/**
 * The node URL KEDA asks when the nodes do not advertise client URLs (the NATS chart's default): the first
 * DNS label of a route URL of /varz cluster.urls is taken as the server's name, and prefixed to the
 * endpoint's host (scaler.go:232-237, 405-420).
 */
export function kedaNodeNameOfRoute(routeUrl: string): string {
  return routeUrl.split('.')[0];
}

export function kedaNodeUrlByName(useHttps: boolean, endpoint: string, node: string, accountID: string): string {
  return kedaJszUrl(useHttps, `${node}.${endpoint}`, accountID);
}

/** What doctor reads of /jsz (nats-server server/monitor.go JSInfo, MetaClusterInfo, AccountDetail). */
export interface JszAnswer {
  server_name?: string;
  disabled?: boolean;
  meta_cluster?: {
    name?: string;
    leader?: string;
    cluster_size?: number;
    replicas?: Array<{ name?: string; current?: boolean; offline?: boolean; active?: number; lag?: number }>;
  };
  account_details?: Array<{
    id?: string;
    name?: string;
    stream_detail?: Array<{
      name?: string;
      consumer_detail?: Array<{
        name?: string;
        num_pending?: number;
        num_ack_pending?: number;
        cluster?: { leader?: string };
      }>;
    }>;
  }>;
}

/** What doctor reads of /varz (server/monitor.go Varz: server_name, connect_urls, cluster.urls). */
export interface VarzAnswer {
  server_name?: string;
  connect_urls?: string[];
  cluster?: { name?: string; urls?: string[] };
}

/** One GET with a hard timeout and no keep-alive; rejects on a network error, an HTTP error or non-JSON. */
export function getJson<T>(url: string, timeoutMs: number): Promise<T> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 400) return reject(new Error(`HTTP ${res.statusCode}`));
        try {
          resolve(JSON.parse(body) as T);
        } catch {
          reject(new Error('the answer is not JSON'));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** One server's monitoring answers, read once per doctor run. */
export interface MonitorNode {
  /** The NATS_MONITOR_URL entry. */
  readonly base: string;
  readonly varz?: VarzAnswer;
  /** /jsz with KEDA's query, per account id. */
  readonly jsz: ReadonlyMap<string, JszAnswer>;
  /** Why it could not be read, one line. */
  readonly error?: string;
}

/** Reads /varz and KEDA's /jsz (for each account id) from every NATS_MONITOR_URL entry. */
export async function readMonitorNodes(
  bases: readonly string[],
  accountIDs: readonly string[],
  timeoutMs: number,
): Promise<MonitorNode[]> {
  return Promise.all(
    bases.map(async (base): Promise<MonitorNode> => {
      try {
        const varz = await getJson<VarzAnswer>(`${base}/varz`, timeoutMs);
        const jsz = new Map<string, JszAnswer>();
        for (const id of accountIDs) jsz.set(id, await getJson<JszAnswer>(`${base}${kedaJszPath(id)}`, timeoutMs));
        return { base, varz, jsz };
      } catch (err) {
        return { base, jsz: new Map(), error: firstLine(err) };
      }
    }),
  );
}
