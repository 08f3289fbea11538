// A real N-node nats-server JetStream cluster on 127.0.0.1, for the live tests and for
// `npm run local`. Each node runs the nats.conf that the real NATS chart renders for an environment
// (test/support/nats-chart.ts), changed only where loopback requires it (test/support/nats-conf.ts),
// with NATS_TOKEN and SERVER_NAME in its environment as in the pod. Readiness rules and timings:
// ../shared/reference/tooling.md §1, §4. Everything it starts is stopped by PID: by stop(), and
// (SIGKILL) on process exit as a last resort.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { connect, ConnectionOptions, JetStreamManager, NatsConnection } from 'nats';
import { checkNatsToken, generateNatsToken } from '../../lib/config/nats-token';
import { findExecutable } from './executables';
import { ChartInfo } from '../../tools/helm/helm-tools';
import { renderNatsChart, whyNatsChartUnavailable } from './nats-chart';
import { describeIfAvailable } from './requirements';
import {
  chartClusterSize,
  formatNatsConf,
  loopbackNatsConf,
  NatsConfMap,
  natsSizeToBytes,
  parseChartNatsConf,
} from './nats-conf';

export const NATS_SERVER_INSTALL_HINT = 'apt-get update && apt-get install -y nats-server';

/** Poll interval and cap for every wait (tooling.md §1: 0.25 s poll, 30 s cap). */
export const POLL_INTERVAL_MS = 250;
export const READY_TIMEOUT_MS = 30_000;
/** Graceful stop budget before SIGKILL (tooling.md §1 "Stop"). */
export const STOP_GRACE_MS = 10_000;

/**
 * The nats-server binary: $NATS_SERVER_BIN, then PATH, then /usr/sbin (where Debian puts it,
 * often not on a non-root PATH). Undefined when absent.
 */
export function findNatsServer(): string | undefined {
  return findExecutable('nats-server', 'NATS_SERVER_BIN', ['/usr/sbin', '/usr/local/bin']);
}

let cachedVersion: string | undefined;

/** `v2.9.10` on this machine (tooling.md TL;DR). */
export function natsServerVersion(): string {
  if (cachedVersion) return cachedVersion;
  const bin = findNatsServer();
  if (!bin) throw new Error(`nats-server not found; install it with: ${NATS_SERVER_INSTALL_HINT}`);
  const out = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  cachedVersion = /v\d+\.\d+\.\d+\S*/.exec(out)?.[0] ?? out.trim();
  return cachedVersion;
}

/** True when the installed nats-server is at least `major.minor` (server behaviour differs by version). */
export function natsServerAtLeast(major: number, minor: number): boolean {
  const [maj, min] = natsServerVersion().replace(/^v/, '').split('.').map(Number);
  return maj > major || (maj === major && min >= minor);
}

/**
 * `describe` when nats-server is installed and the real NATS chart can be rendered (each node runs
 * its nats.conf). Otherwise the live tests are skipped with a loud notice, except under CI=true,
 * where they fail saying what is missing (CI always installs nats-server and has ../shared).
 */
export function skipUnlessNatsServer(
  find: () => string | undefined = findNatsServer,
  whyNoChart: () => string | undefined = whyNatsChartUnavailable,
): jest.Describe {
  const noChart = find() ? whyNoChart() : undefined;
  return describeIfAvailable(
    find() && !noChart
      ? undefined
      : noChart
        ? `the live cluster runs the nats.conf of the real NATS chart, but ${noChart}.`
        : `nats-server is not installed (not on PATH, not in /usr/sbin). Install it ` +
          `with:\n    ${NATS_SERVER_INSTALL_HINT}\n` +
          '(or set NATS_SERVER_BIN to its path). The live JetStream tests need it.',
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` every `intervalMs` until it returns a value other than undefined, or throws after
 * `timeoutMs` with the last error seen. Every wait in the live tests goes through here.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = READY_TIMEOUT_MS,
  intervalMs = POLL_INTERVAL_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() + intervalMs > deadline) break;
    await sleep(intervalMs);
  }
  const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
}

/** True if `promise` settles within `ms`; the timer is cleared either way (no stray handles). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** GET a JSON document with a hard timeout and no keep-alive (no open handles after the tests). */
export function httpGetJson<T = unknown>(url: string, timeoutMs = 2000): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 400)
          return reject(new Error(`GET ${url}: HTTP ${res.statusCode} ${body.slice(0, 200)}`));
        try {
          resolve(JSON.parse(body) as T);
        } catch (e) {
          reject(new Error(`GET ${url}: not JSON (${(e as Error).message})`));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** The default environment: prod's chart config is a 3-node cluster with the largest stores. */
export const DEFAULT_CLUSTER_ENVIRONMENT = 'prod';

export interface NatsClusterOptions {
  /**
   * The environment whose chart-rendered nats.conf every node runs; it also sets the number of
   * nodes (its cluster routes) and the JetStream limits. @default DEFAULT_CLUSTER_ENVIRONMENT
   */
  readonly environment?: string;
  /** Expected number of servers: start fails when the environment's config is for another size. */
  readonly nodes?: number;
  /**
   * Drop the chart's `cluster.no_advertise: true`, so each node advertises its client port in
   * INFO and /varz connect_urls (which KEDA's scaler walks). @default false: as the chart renders it
   */
  readonly advertise?: boolean;
  /** Base ports to try first (node i gets base+i); any taken port falls back to a free one. */
  readonly preferredPorts?: { readonly client: number; readonly cluster: number; readonly monitor: number };
  /** Client token (checked with lib/config/nats-token.ts); a fresh `npm run -s token` one by default. */
  readonly token?: string;
  /** @default - the upstream chart in ../shared (test/support/nats-chart.ts) */
  readonly chart?: ChartInfo;
  /** server_name of each node ($SERVER_NAME), e.g. the chart's pod names nats-0, nats-1, ... @default n1..nN */
  readonly nodeNames?: readonly string[];
  /** Per-node changes on top of the loopback chart config (e.g. the chart's route names). @default none */
  readonly nodeConfig?: (node: NatsNodeInfo, nodes: readonly NatsNodeInfo[]) => NatsNodeConfigOverrides;
}

/** Changes to one node's config file, applied after the loopback edits of nats-conf.ts. */
export interface NatsNodeConfigOverrides {
  /** Extra top-level settings, e.g. `{ client_advertise: '10.244.0.10:4222' }`. */
  readonly settings?: Readonly<NatsConfMap>;
  /** `cluster.routes`, instead of the loopback route to every node. */
  readonly routes?: readonly string[];
}

/** What the chart's nats.conf gives a cluster: servers and per-node JetStream limits in bytes. */
export interface ChartClusterCapacity {
  readonly nodes: number;
  readonly maxFileStoreBytes: number;
  readonly maxMemoryStoreBytes: number;
}

/** The environment's chart-rendered nats.conf, parsed. */
export function chartNatsConf(environment: string, chart?: ChartInfo): NatsConfMap {
  return parseChartNatsConf(renderNatsChart(environment, { chart }).natsConf);
}

/** Servers and store limits of a cluster started with `environment`'s chart config. */
export function chartClusterCapacity(environment: string, chart?: ChartInfo): ChartClusterCapacity {
  const conf = chartNatsConf(environment, chart);
  const jetstream = conf.jetstream as NatsConfMap;
  return {
    nodes: chartClusterSize(conf),
    maxFileStoreBytes: natsSizeToBytes(jetstream.max_file_store),
    maxMemoryStoreBytes: natsSizeToBytes(jetstream.max_memory_store),
  };
}

export interface NatsNodeInfo {
  /** `server_name` (from $SERVER_NAME, as the chart sets it from the pod name), also the raft peer name: n1, n2, ... */
  readonly name: string;
  readonly clientPort: number;
  readonly clusterPort: number;
  readonly monitorPort: number;
  readonly storeDir: string;
  readonly pidFile: string;
  readonly configFile: string;
  readonly logFile: string;
}

interface NatsNode extends NatsNodeInfo {
  process?: ChildProcess;
  exited?: Promise<void>;
}

/** Clusters not yet stopped: SIGKILLed synchronously if the process exits without stop(). */
const liveClusters = new Set<NatsCluster>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const cluster of liveClusters) cluster.killAllSync();
  });
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** `count` distinct free loopback ports: bind port 0 `count` times, read the ports, release them. */
async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const srv = net.createServer();
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve());
      });
      servers.push(srv);
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** Subset of `/jsz` this harness reads. */
interface JszSummary {
  meta_cluster?: { name?: string; leader?: string; cluster_size?: number };
}

export class NatsCluster {
  /** Starts `nodes` servers and resolves when every node is ready (see `waitUntilReady`). */
  static async start(options: NatsClusterOptions = {}): Promise<NatsCluster> {
    const bin = findNatsServer();
    if (!bin) throw new Error(`nats-server not found; install it with: ${NATS_SERVER_INSTALL_HINT}`);
    const cluster = new NatsCluster(bin, options);
    liveClusters.add(cluster);
    installExitHook();
    try {
      await cluster.prepare();
      for (const node of cluster.nodes) cluster.spawnNode(node);
      await Promise.all(cluster.nodes.map((n) => cluster.waitUntilReady(n.name)));
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  readonly token: string;
  /** The environment whose chart config the nodes run. */
  readonly environment: string;
  /** The chart-rendered nats.conf before the loopback edits. */
  readonly chartConf: NatsConfMap;
  readonly size: number;
  readonly capacity: ChartClusterCapacity;
  private tempRoot = '';
  private readonly nodes: NatsNode[] = [];
  private stopped = false;

  private constructor(
    private readonly bin: string,
    private readonly options: NatsClusterOptions,
  ) {
    this.environment = options.environment ?? DEFAULT_CLUSTER_ENVIRONMENT;
    this.chartConf = chartNatsConf(this.environment, options.chart);
    this.capacity = chartClusterCapacity(this.environment, options.chart);
    this.size = this.capacity.nodes;
    if (options.nodes !== undefined && options.nodes !== this.size) {
      throw new Error(
        `nodes: ${options.nodes} asked for, but the chart config of environment ${this.environment} ` +
          `is for ${this.size}`,
      );
    }
    if (options.token !== undefined) {
      const verdict = checkNatsToken(options.token);
      if (!verdict.accepted) throw new Error(`token: ${verdict.reason}`);
    }
    this.token = options.token ?? generateNatsToken();
  }

  /** The chart's cluster name (`cluster.name`), or undefined for a single server. */
  get clusterName(): string | undefined {
    const cluster = this.chartConf.cluster as NatsConfMap | undefined;
    return cluster ? String(cluster.name) : undefined;
  }

  /** Temp folder with configs, logs and stores; removed by stop() (kept if KEEP_NATS_TMP is set). */
  get tempDir(): string {
    return this.tempRoot;
  }

  /** Node names, n1..nN. */
  get nodeNames(): string[] {
    return this.nodes.map((n) => n.name);
  }

  node(name: string): NatsNodeInfo {
    return this.mustGet(name);
  }

  isRunning(name: string): boolean {
    return this.mustGet(name).process !== undefined;
  }

  /** PID of a running node, undefined when it is stopped. */
  pid(name: string): number | undefined {
    return this.mustGet(name).process?.pid;
  }

  /** `nats://127.0.0.1:<port>` of every node (running or not: clients reconnect). */
  clientUrls(): string[] {
    return this.nodes.map((n) => `nats://127.0.0.1:${n.clientPort}`);
  }

  monitorUrl(name: string): string {
    return `http://127.0.0.1:${this.node(name).monitorPort}`;
  }

  monitorUrls(): string[] {
    return this.nodes.map((n) => `http://127.0.0.1:${n.monitorPort}`);
  }

  /** A client with the cluster token that fails over quickly (250 ms between reconnects). */
  connect(extra: Partial<ConnectionOptions> = {}): Promise<NatsConnection> {
    return connect({
      servers: this.clientUrls(),
      token: this.token,
      name: 'overmind-nats-live-test',
      timeout: 2000,
      reconnectTimeWait: 250,
      maxReconnectAttempts: -1,
      ...extra,
    });
  }

  /** GET `<monitor>/<endpoint>` on one node, parsed. */
  monitor<T = unknown>(name: string, endpointWithQuery: string): Promise<T> {
    return httpGetJson<T>(`${this.monitorUrl(name)}/${endpointWithQuery.replace(/^\//, '')}`);
  }

  /** Last `lines` lines of a node's log, for failure messages. */
  logTail(name: string, lines = 20): string {
    try {
      return fs.readFileSync(this.node(name).logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /**
   * Ready means (tooling.md §1): `/healthz?js-enabled-only=true` ok, `/routez` num_routes equal to
   * the number of other running nodes, and `/jsz` with a meta leader and cluster_size N. Only the
   * meta leader lists meta_cluster.replicas in 2.9.10, so that is not waited for.
   */
  async waitUntilReady(name: string, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const node = this.mustGet(name);
    const expectedRoutes = this.nodes.filter((n) => n.process && n.name !== name).length;
    try {
      await waitFor(
        `${name} to be ready`,
        async () => {
          if (!node.process) throw new Error(`${name} is not running`);
          const health = await this.monitor<{ status?: string }>(name, 'healthz?js-enabled-only=true');
          if (health.status !== 'ok') return undefined;
          const routez = await this.monitor<{ num_routes?: number }>(name, 'routez');
          if (routez.num_routes !== expectedRoutes) return undefined;
          if (this.size > 1) {
            const jsz = await this.monitor<JszSummary>(name, 'jsz');
            if (!jsz.meta_cluster?.leader || jsz.meta_cluster.cluster_size !== this.size) return undefined;
          }
          return true;
        },
        timeoutMs,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- ${name} log tail ---\n${this.logTail(name)}`);
    }
  }

  /** Graceful stop of one node: SIGTERM, up to 10 s, then SIGKILL (tooling.md §1, §4 rolling restart). */
  async stopNode(name: string): Promise<void> {
    const node = this.mustGet(name);
    await this.terminate(node, 'SIGTERM');
  }

  /** Sends `signal` (SIGKILL simulates a crash, tooling.md §4) and waits until the node is gone. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.terminate(this.mustGet(name), signal);
  }

  /** (Re)starts a stopped node on its old ports and store, and waits until it is ready. */
  async startNode(name: string, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const node = this.mustGet(name);
    if (node.process) throw new Error(`${name} is already running`);
    this.spawnNode(node);
    await this.waitUntilReady(name, timeoutMs);
  }

  /**
   * Polls stream info until the stream has a leader, and returns its name. After restarts a stream
   * can lack a leader long after the meta leader is back (26.6 s once, tooling.md §1).
   */
  async waitForStreamLeader(jsm: JetStreamManager, stream: string, timeoutMs = READY_TIMEOUT_MS): Promise<string> {
    return waitFor(
      `a leader for stream ${stream}`,
      async () => {
        const info = await jsm.streams.info(stream);
        return info.cluster?.leader || this.standaloneLeader();
      },
      timeoutMs,
    );
  }

  /** Same for a consumer: the consumer leader is the only node with a true num_pending (tooling.md §3). */
  async waitForConsumerLeader(
    jsm: JetStreamManager,
    stream: string,
    consumer: string,
    timeoutMs = READY_TIMEOUT_MS,
  ): Promise<string> {
    return waitFor(
      `a leader for consumer ${stream}/${consumer}`,
      async () => {
        const info = await jsm.consumers.info(stream, consumer);
        return info.cluster?.leader || this.standaloneLeader();
      },
      timeoutMs,
    );
  }

  /** Stops every node (SIGTERM, 10 s, SIGKILL) and removes the temp folder. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.nodes.map((n) => this.terminate(n, 'SIGTERM')));
    liveClusters.delete(this);
    if (this.tempRoot && !process.env.KEEP_NATS_TMP) fs.rmSync(this.tempRoot, { recursive: true, force: true });
  }

  /** Last resort on process exit: synchronous SIGKILL of every node, then remove the temp folder. */
  killAllSync(): void {
    for (const node of this.nodes) {
      if (node.process?.pid && node.process.exitCode === null && node.process.signalCode === null) {
        try {
          process.kill(node.process.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    if (this.tempRoot && !process.env.KEEP_NATS_TMP) fs.rmSync(this.tempRoot, { recursive: true, force: true });
  }

  /** A single server (dev's chart config has no cluster block) reports no raft leader: it is the leader. */
  private standaloneLeader(): string | undefined {
    return this.size === 1 ? this.nodes[0].name : undefined;
  }

  private mustGet(name: string): NatsNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name} (nodes: ${this.nodeNames.join(', ')})`);
    return node;
  }

  private async prepare(): Promise<void> {
    this.tempRoot = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'overmind-nats-'));
    const ports = await this.choosePorts(this.options.preferredPorts);
    const names = this.options.nodeNames;
    if (names && names.length !== this.size)
      throw new Error(`nodeNames must name all ${this.size} nodes, got ${names.length}`);
    for (let i = 0; i < this.size; i++) {
      const name = names?.[i] ?? `n${i + 1}`;
      const storeDir = path.join(this.tempRoot, 'data', name);
      fs.mkdirSync(storeDir, { recursive: true });
      const node: NatsNode = {
        name,
        ...ports[i],
        storeDir,
        pidFile: path.join(this.tempRoot, `${name}.pid`),
        configFile: path.join(this.tempRoot, `${name}.conf`),
        logFile: path.join(this.tempRoot, `${name}.log`),
      };
      this.nodes.push(node);
    }
    for (const node of this.nodes) fs.writeFileSync(node.configFile, this.renderConfig(node));
  }

  private async choosePorts(
    preferred: NatsClusterOptions['preferredPorts'],
  ): Promise<Array<Pick<NatsNodeInfo, 'clientPort' | 'clusterPort' | 'monitorPort'>>> {
    const random = await freePorts(3 * this.size);
    const result: Array<Pick<NatsNodeInfo, 'clientPort' | 'clusterPort' | 'monitorPort'>> = [];
    for (let i = 0; i < this.size; i++) {
      const fallback = { clientPort: random[3 * i], clusterPort: random[3 * i + 1], monitorPort: random[3 * i + 2] };
      if (preferred) {
        const wanted = {
          clientPort: preferred.client + i,
          clusterPort: preferred.cluster + i,
          monitorPort: preferred.monitor + i,
        };
        const free = await Promise.all(Object.values(wanted).map(isPortFree));
        result.push(free.every(Boolean) ? wanted : fallback);
      } else {
        result.push(fallback);
      }
    }
    return result;
  }

  /** The chart's nats.conf for this environment, with the loopback edits of nats-conf.ts. */
  private renderConfig(node: NatsNode): string {
    const conf = loopbackNatsConf(this.chartConf, node, {
      routePorts: this.nodes.map((n) => n.clusterPort),
      advertise: this.options.advertise,
    });
    const overrides = this.options.nodeConfig?.(node, this.nodes) ?? {};
    if (overrides.routes) (conf.cluster as NatsConfMap).routes = [...overrides.routes];
    Object.assign(conf, overrides.settings ?? {});
    const header =
      `# ${node.name}: the nats.conf the NATS chart renders for environment ${this.environment}, ` +
      'with loopback listen addresses, routes, store and pid file (test/support/nats-conf.ts)\n';
    return header + formatNatsConf(conf);
  }

  private spawnNode(node: NatsNode): void {
    // Only what the config reads from the environment, as the chart's container env provides it.
    const env = { NATS_TOKEN: this.token, SERVER_NAME: node.name };
    const child = spawn(this.bin, ['-c', node.configFile, '-l', node.logFile], { stdio: 'ignore', env });
    node.process = child;
    node.exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        if (node.process === child) node.process = undefined;
        resolve();
      });
      child.once('error', () => {
        if (node.process === child) node.process = undefined;
        resolve();
      });
    });
  }

  private async terminate(node: NatsNode, signal: NodeJS.Signals): Promise<void> {
    const child = node.process;
    if (!child || !node.exited) return;
    child.kill(signal);
    if (!(await settlesWithin(node.exited, STOP_GRACE_MS))) {
      child.kill('SIGKILL');
      await settlesWithin(node.exited, STOP_GRACE_MS);
    }
  }
}
