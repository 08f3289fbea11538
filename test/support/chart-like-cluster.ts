// Loopback NATS clusters whose monitoring answers look like those KEDA's nats-jetstream scaler gets in
// Kubernetes, and a fetch that answers KEDA's URLs (`http://nats-0.nats-headless.<ns>.svc.cluster.local:8222/...`)
// from them. Used by the KEDA live test and by the script that records the scaler's fixtures.
import { FetchJson } from './keda-jetstream-scaler';
import { httpGetJson, NatsCluster, NatsClusterOptions, NatsNodeInfo } from './nats-cluster';

/** The monitor port every pod listens on; KEDA puts the endpoint's port on every node it asks. */
export const MONITOR_PORT_IN_CLUSTER = 8222;
/** The chart's port for routes (values.yaml `config.cluster.port`) and monitoring (`config.monitor.port`). */
const CHART_ROUTE_PORT = 6222;
const CHART_CLIENT_PORT = 4222;

/** Names as the chart derives them from its fullname (helm.md §2) in one namespace. */
export interface ChartNames {
  /** `nats.fullname`: StatefulSet name, cluster name, pod name prefix. @default 'nats' */
  readonly fullname?: string;
  readonly namespace: string;
}

/** `<fullname>-0`, `<fullname>-1`, ...: the StatefulSet's pods, whose names are the servers' names. */
export function chartPodNames(names: ChartNames, replicas: number): string[] {
  return Array.from({ length: replicas }, (_, i) => `${names.fullname ?? 'nats'}-${i}`);
}

/** `<fullname>-headless.<ns>.svc.cluster.local`: the Service our ScaledObjects point KEDA at. */
export function headlessServiceHost(names: ChartNames): string {
  return `${names.fullname ?? 'nats'}-headless.${names.namespace}.svc.cluster.local`;
}

/**
 * A cluster started as the NATS chart 2.14.2 starts it, as far as KEDA can tell: `server_name` is
 * the pod name (files/config/config.yaml:3, `$SERVER_NAME` = pod name), and the cluster block is
 * the chart's (files/config/cluster.yaml): `name: <fullname>`, `no_advertise: true` (values.yaml
 * `config.cluster.noAdvertise`), routes `nats://<pod>.<fullname>-headless:6222` for every pod.
 * Then `/varz` has no `connect_urls` and `cluster.urls` lists those route hosts (nats-server
 * v2.14.2 server/route.go:2756-2758, server/monitor.go:1737,1779-1785).
 *
 * Those host names do not resolve here, and the servers retry them in the background. The first
 * node alone additionally routes to the others over loopback, so that the cluster forms; the
 * others learn each other from it (route gossip). Its `cluster.urls` therefore also lists the
 * loopback routes, after the chart's: point KEDA's endpoint at another node to see exactly the
 * chart's answer.
 */
export function chartNoAdvertiseOptions(names: ChartNames, base: NatsClusterOptions = {}): NatsClusterOptions {
  const nodes = base.nodes ?? 3;
  const pods = chartPodNames(names, nodes);
  const chartRoutes = pods.map((pod) => `nats://${pod}.${names.fullname ?? 'nats'}-headless:${CHART_ROUTE_PORT}`);
  // The chart-rendered config (test/support/nats-conf.ts) already has the chart's cluster name and
  // `no_advertise: true`; only the routes go back to the chart's host names.
  return {
    ...base,
    nodes,
    nodeNames: pods,
    nodeConfig: (node: NatsNodeInfo, all: readonly NatsNodeInfo[]) => ({
      routes:
        node.name === pods[0]
          ? [...chartRoutes, ...all.filter((n) => n !== node).map((n) => `nats://127.0.0.1:${n.clusterPort}`)]
          : chartRoutes,
    }),
  };
}

/** The fake pod IP node `i` advertises in {@link advertisedOptions}. */
export function fakePodIp(index: number): string {
  return `10.244.0.${10 + index}`;
}

/**
 * The other branch of KEDA's discovery: nodes advertise client URLs (chart `noAdvertise: false`),
 * so `/varz` `connect_urls` lists `<pod IP>:4222` of every node. Each node advertises a fake pod IP
 * ({@link fakePodIp}), which {@link kedaUrlFetch} maps back to it.
 */
export function advertisedOptions(names: ChartNames, base: NatsClusterOptions = {}): NatsClusterOptions {
  const nodes = base.nodes ?? 3;
  const pods = chartPodNames(names, nodes);
  return {
    ...base,
    nodes,
    nodeNames: pods,
    advertise: true,
    nodeConfig: (node: NatsNodeInfo) => ({
      settings: { client_advertise: `${fakePodIp(pods.indexOf(node.name))}:${CHART_CLIENT_PORT}` },
    }),
  };
}

/** Where each host KEDA may ask lives: host (as in the URL, with port) -> node name. */
export type HostMap = ReadonlyMap<string, string>;

/**
 * The hosts of the chart's Services and pods in `names.namespace`: the headless Service itself
 * (answered by `endpointNode`, as one pod answers a Service), `<pod>.<headless>` for every pod,
 * and each pod's fake IP ({@link fakePodIp}, in the order of `pods`), all on the monitor port 8222.
 */
export function chartHostMap(names: ChartNames, pods: readonly string[], endpointNode: string): HostMap {
  const headless = headlessServiceHost(names);
  const map = new Map<string, string>([[`${headless}:${MONITOR_PORT_IN_CLUSTER}`, endpointNode]]);
  pods.forEach((pod, i) => {
    map.set(`${pod}.${headless}:${MONITOR_PORT_IN_CLUSTER}`, pod);
    map.set(`${fakePodIp(i)}:${MONITOR_PORT_IN_CLUSTER}`, pod);
  });
  return map;
}

/**
 * A FetchJson for the scaler model: KEDA's URL with its host replaced by the node's loopback monitor
 * address. An unknown host fails as an unresolvable name does for KEDA. `log` records every URL.
 */
export function kedaUrlFetch(cluster: NatsCluster, hosts: HostMap, log: string[] = []): FetchJson {
  return async (url) => {
    log.push(url);
    const parsed = new URL(url);
    const node = hosts.get(parsed.host);
    if (!node) throw new Error(`Get "${url}": dial tcp: lookup ${parsed.hostname}: no such host`);
    if (!cluster.isRunning(node)) throw new Error(`Get "${url}": connect: connection refused (${node} is stopped)`);
    return httpGetJson(`${cluster.monitorUrl(node)}${parsed.pathname}${parsed.search}`);
  };
}
