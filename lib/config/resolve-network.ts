// `network` of the config resolved: who may reach which NATS port, every namespace and label checked.
import { checkLabels, checkName, CheckTarget, literal } from './checks';
import { fail } from './errors';
import { KUBERNETES_NAME_RULES } from './names';
import { ResolvedNats, serverSelectorLabels } from './resolve-nats';
import { NetworkConfig, NetworkPeerConfig } from './types';

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
    fail(t.scope, {
      resource: t.resource,
      field: labelsField,
      value: peer.podLabels,
      allowed: 'at least one label (an empty selector would admit every pod of the namespace)',
      fix:
        `name the pods' labels, e.g. ${literal(labelsField, { 'app.kubernetes.io/name': 'my-app' })}, or list the ` +
        `whole namespace in network.clientNamespaces instead`,
    });
  }
  return { namespace, podLabels: checkLabels(t, labelsField, peer.podLabels, { 'app.kubernetes.io/name': 'my-app' }) };
}
