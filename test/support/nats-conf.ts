// The nats.conf the NATS chart renders, as data, and its loopback variant for the local cluster.
//
// The chart writes its config as pretty JSON whose "raw" values (`<< $NATS_TOKEN >>`, `<< 8755Mi >>`
// in values) are left unquoted (nats-io/k8s nats-2.14.2 templates/_helpers.tpl:283-289,
// "nats.formatConfig"; ../shared/upstream/nats-chart-2.14.2). So: one value per line, and a value
// that is not JSON is raw. We parse it into a tree with raw values marked, change only what a
// loopback cluster needs, and write it back in the chart's own format.
export type NatsConfValue =
  string | number | boolean | null | RawValue | NatsConfValue[] | { [key: string]: NatsConfValue };
export type NatsConfMap = { [key: string]: NatsConfValue };

/** A value nats-server reads unquoted: a variable (`$NATS_TOKEN`) or a size (`8755Mi`). */
export class RawValue {
  constructor(readonly text: string) {}
}

const RAW_MARK = '\u0000raw:';

/** Parses the chart's nats.conf; throws on what the chart's format never produces (e.g. `include`). */
export function parseChartNatsConf(text: string): NatsConfMap {
  const lines = text.split('\n').map((line, i) => {
    const m = /^(\s*(?:"(?:[^"\\]|\\.)*":\s*)?)(.*?)(,?)$/.exec(line)!;
    const [, prefix, value, comma] = m;
    if (value === '' || value === '{' || value === '[' || value === '}' || value === ']') return line;
    try {
      JSON.parse(value);
      return line;
    } catch {
      if (/^include\b/.test(value)) {
        throw new Error(`nats.conf line ${i + 1}: include directives are not supported here`);
      }
      return `${prefix}${JSON.stringify(RAW_MARK + value)}${comma}`;
    }
  });
  return revive(JSON.parse(lines.join('\n'))) as NatsConfMap;
}

function revive(value: unknown): NatsConfValue {
  if (typeof value === 'string' && value.startsWith(RAW_MARK)) return new RawValue(value.slice(RAW_MARK.length));
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  }
  return value as NatsConfValue;
}

/** Writes a tree back in the chart's format (2-space JSON, raw values unquoted). */
export function formatNatsConf(conf: NatsConfMap): string {
  const json = JSON.stringify(conf, (_key, value) => (value instanceof RawValue ? RAW_MARK + value.text : value), 2);
  return `${json.replace(/"\\u0000raw:((?:[^"\\]|\\.)*)"/g, (_all, raw: string) => JSON.parse(`"${raw}"`))}\n`;
}

/** Where one node of the loopback cluster listens and keeps its files. */
export interface LoopbackNode {
  readonly clientPort: number;
  readonly clusterPort: number;
  readonly monitorPort: number;
  readonly storeDir: string;
  readonly pidFile: string;
}

export interface LoopbackOptions {
  /** Every node's cluster port, this node's included (the chart lists itself among its routes too). */
  readonly routePorts: readonly number[];
  /**
   * Drop `cluster.no_advertise` (the chart renders it true): on one host every node is 127.0.0.1, and
   * a test of KEDA's connect_urls walk needs the nodes to advertise their client ports. @default false
   */
  readonly advertise?: boolean;
}

/**
 * The chart's nats.conf with only what a cluster on 127.0.0.1 must change: listen host and ports
 * (client, monitor, cluster), the routes (`nats://<pod>.<headless>:6222` become loopback ports),
 * the store and pid file paths (the pod's /data and /var/run/nats). Everything else stays as the
 * chart rendered it, including `server_name: $SERVER_NAME` and `token: $NATS_TOKEN`, which the
 * server reads from its environment as in the pod. nats-server 2.9.10 (Debian) reads every key the
 * 2.14.2 chart renders for our values, so nothing else is adapted.
 */
export function loopbackNatsConf(chartConf: NatsConfMap, node: LoopbackNode, options: LoopbackOptions): NatsConfMap {
  const conf: NatsConfMap = structuredCloneConf(chartConf);
  const unsupported = ['tls', 'leafnodes', 'gateway', 'websocket', 'mqtt', 'https_port'].filter((k) => k in conf);
  if (unsupported.length > 0) {
    throw new Error(
      `the chart's nats.conf enables ${unsupported.join(', ')}, ` +
        'which a loopback cluster without certificates cannot run',
    );
  }
  conf.host = '127.0.0.1';
  conf.port = node.clientPort;
  expectKey(conf, 'http_port');
  conf.http_port = node.monitorPort; // monitoring listens on `host` (nats-server opts.go: HTTPHost defaults to Host)
  conf.pid_file = node.pidFile;
  const jetstream = expectMap(conf, 'jetstream');
  jetstream.store_dir = node.storeDir;
  if ('cluster' in conf) {
    const cluster = expectMap(conf, 'cluster');
    cluster.host = '127.0.0.1';
    cluster.port = node.clusterPort;
    const routes = cluster.routes;
    if (!Array.isArray(routes) || routes.length !== options.routePorts.length) {
      const count = Array.isArray(routes) ? routes.length : 0;
      throw new Error(
        `the chart's cluster.routes has ${count} routes, ` + `the loopback cluster ${options.routePorts.length} nodes`,
      );
    }
    cluster.routes = options.routePorts.map((p) => `nats://127.0.0.1:${p}`);
    if (options.advertise) delete cluster.no_advertise;
  } else if (options.routePorts.length > 1) {
    const asked = options.routePorts.length;
    throw new Error(`the chart's nats.conf has no cluster block, but ${asked} nodes were asked for`);
  }
  return conf;
}

/** Number of servers the chart's nats.conf is written for: its routes, or 1 without a cluster. */
export function chartClusterSize(conf: NatsConfMap): number {
  const cluster = conf.cluster;
  if (cluster === undefined) return 1;
  const routes = (cluster as NatsConfMap).routes;
  return Array.isArray(routes) ? routes.length : 1;
}

/** A size as nats-server reads it (conf/parse.go:301-350 suffixes; "Mi" = 1024², "M" = 1000²). */
export function natsSizeToBytes(value: NatsConfValue | undefined): number {
  if (typeof value === 'number') return value;
  const text = value instanceof RawValue ? value.text : String(value);
  const m = /^(\d+)([a-z]*)$/i.exec(text.trim());
  if (!m) throw new Error(`not a nats-server size: ${text}`);
  const powers: Record<string, number> = { k: 1, m: 2, g: 3, t: 4, p: 5, e: 6 };
  const suffix = m[2].toLowerCase();
  if (suffix === '') return Number(m[1]);
  const power = powers[suffix[0]];
  const binary = suffix.length > 1 && ['b', 'i', 'ib'].includes(suffix.slice(1));
  if (power === undefined || (suffix.length > 1 && !binary)) throw new Error(`not a nats-server size suffix: ${text}`);
  return Number(m[1]) * (binary ? 1024 : 1000) ** power;
}

function structuredCloneConf(conf: NatsConfMap): NatsConfMap {
  const copy = (v: NatsConfValue): NatsConfValue => {
    if (v instanceof RawValue) return new RawValue(v.text);
    if (Array.isArray(v)) return v.map(copy);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
    return v;
  };
  return copy(conf) as NatsConfMap;
}

function expectKey(conf: NatsConfMap, key: string): void {
  if (!(key in conf)) throw new Error(`the chart's nats.conf has no "${key}"`);
}

function expectMap(conf: NatsConfMap, key: string): NatsConfMap {
  const value = conf[key];
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof RawValue) {
    throw new Error(`the chart's nats.conf has no "${key}" block`);
  }
  return value;
}
