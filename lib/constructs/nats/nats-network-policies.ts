import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';
import { AllowedPeer, ResolvedNetwork } from '../../config/resolve-nats';
import { CLIENT_PORT, CLUSTER_PORT, EXPORTER_PORT, MONITOR_PORT, NatsHelmValues } from './nats-helm-values';

export interface NatsNetworkPoliciesProps {
  readonly network: ResolvedNetwork;
  readonly nats: NatsHelmValues;
  /**
   * Labels of the environment's NACK controller pods, which run in the NATS namespace
   * (lib/constructs/jetstream/nack-helm-values.ts) and manage streams and consumers over 4222.
   */
  readonly nackPodLabels: Readonly<Record<string, string>>;
}

/**
 * Ingress NetworkPolicies (networking.k8s.io/v1) for the NATS server pods, one per port, all
 * selecting the chart's server pods (`component: nats`, so never nats-box). Policies add up: a
 * connection to a NATS pod is allowed only if one of them allows it, so:
 * - 4222 (clients): from the configured client namespaces and pods, the NACK controller pods of
 *   the environment's namespace, and in-namespace tools;
 * - 6222 (routes): only from the other NATS server pods (emitted when clustered);
 * - 8222 (monitor): only from the KEDA operator and in-namespace tools (nats-box);
 * - 7777 (exporter): only from Prometheus.
 *
 * Written with the cdk8s-plus-28 `NetworkPolicy` L2: pod and namespace peers, ports and the
 * Ingress policy type are all it needs, and it renders one peer per named namespace through the
 * `kubernetes.io/metadata.name` label. Egress is left open (the policies declare only Ingress).
 * Kubelet probes come from the node and are not subject to these policies in common CNIs.
 */
export class NatsNetworkPolicies extends Construct {
  public readonly policies: readonly kplus.NetworkPolicy[];
  /** Allowed sources per port, as rendered. */
  public readonly allowed: ReadonlyMap<number, readonly AllowedPeer[]>;

  constructor(scope: Construct, id: string, props: NatsNetworkPoliciesProps) {
    super(scope, id);
    const nats = props.nats;
    const ns = nats.namespace;
    const { clientNamespaces, clientPods, tools, keda, prometheus } = props.network;
    const nack: AllowedPeer = { namespace: ns, podLabels: { ...props.nackPodLabels } };
    const natsServers: AllowedPeer = { namespace: ns, podLabels: nats.serverSelectorLabels };

    const allowed = new Map<number, AllowedPeer[]>();
    const wholeClientNamespaces = clientNamespaces.map((n) => ({ namespace: n, podLabels: {} }));
    allowed.set(CLIENT_PORT, dedupe([...wholeClientNamespaces, ...clientPods, nack, ...tools]));
    if (nats.replicas > 1) allowed.set(CLUSTER_PORT, [natsServers]);
    allowed.set(MONITOR_PORT, dedupe([keda, ...tools]));
    allowed.set(EXPORTER_PORT, [prometheus]);
    this.allowed = allowed;

    const servers = kplus.Pods.select(this, 'NatsServers', { labels: nats.serverSelectorLabels });
    const names: Record<number, string> = {
      [CLIENT_PORT]: 'clients',
      [CLUSTER_PORT]: 'routes',
      [MONITOR_PORT]: 'monitor',
      [EXPORTER_PORT]: 'metrics',
    };
    this.policies = [...allowed.entries()].map(([port, peers]) => {
      const policy = new kplus.NetworkPolicy(this, `Allow${names[port]}`, {
        metadata: { name: `${nats.fullname}-allow-${names[port]}` },
        selector: servers,
        ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
      });
      peers.forEach((peer, i) =>
        policy.addIngressRule(this.peer(`${names[port]}${i}`, peer, ns), [kplus.NetworkPolicyPort.tcp(port)]),
      );
      return policy;
    });
  }

  /** A peer in the policy's own namespace renders without a namespaceSelector (same namespace). */
  private peer(id: string, peer: AllowedPeer, ownNamespace: string): kplus.INetworkPolicyPeer {
    const namespaces =
      peer.namespace === ownNamespace
        ? undefined
        : kplus.Namespaces.select(this, `${id}Ns`, { names: [peer.namespace] });
    if (Object.keys(peer.podLabels).length === 0) {
      return namespaces ?? kplus.Pods.all(this, `${id}Pods`);
    }
    return kplus.Pods.select(this, `${id}Pods`, { labels: { ...peer.podLabels }, namespaces });
  }
}

/** Drops repeats, and pod peers inside a namespace that is allowed whole. */
function dedupe(peers: AllowedPeer[]): AllowedPeer[] {
  const seen = new Set<string>();
  const wholeNamespaces = new Set(peers.filter((p) => Object.keys(p.podLabels).length === 0).map((p) => p.namespace));
  return peers.filter((p) => {
    if (Object.keys(p.podLabels).length > 0 && wholeNamespaces.has(p.namespace)) return false;
    const key = JSON.stringify([p.namespace, Object.entries(p.podLabels).sort()]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
