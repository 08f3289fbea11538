// The NetworkPolicies around the NATS server pods, checked by what they mean: a small evaluator
// of Kubernetes NetworkPolicy ingress semantics (policies selecting a pod add up; a pod selected
// by an Ingress policy admits only what some rule allows; a peer without namespaceSelector is the
// policy's own namespace) answers "may this pod reach that port?" for the people who need to.
import { ENVIRONMENTS } from '../../config';
import { EnvironmentConfig } from '../../lib/config/types';
import { ConfigError } from '../../lib/config/errors';
import { KubeObject, objectsOfKind, synthEnvironment } from '../support/synth';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
}
interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: unknown;
}
interface Pod {
  namespace: string;
  labels: Record<string, string>;
}

/** Labels the NATS chart gives its server pods and nats-box (helm.md §2). */
const NATS_SERVER: Record<string, string> = {
  'app.kubernetes.io/name': 'nats',
  'app.kubernetes.io/instance': 'nats',
  'app.kubernetes.io/component': 'nats',
  'statefulset.kubernetes.io/pod-name': 'nats-0',
};
const NATS_BOX: Record<string, string> = {
  'app.kubernetes.io/name': 'nats',
  'app.kubernetes.io/instance': 'nats',
  'app.kubernetes.io/component': 'nats-box',
};
/** KEDA chart operator pod (kedacore/charts keda/templates/manager/deployment.yaml) and metrics apiserver. */
const KEDA_OPERATOR: Record<string, string> = { app: 'keda-operator', 'app.kubernetes.io/name': 'keda-operator' };
const KEDA_METRICS_APISERVER: Record<string, string> = {
  app: 'keda-operator-metrics-apiserver',
  'app.kubernetes.io/name': 'keda-operator-metrics-apiserver',
};
/** prometheus-operator's Prometheus pods. */
const PROMETHEUS: Record<string, string> = {
  'app.kubernetes.io/name': 'prometheus',
  prometheus: 'kube-prometheus-stack-prometheus',
};
const WORKER: Record<string, string> = { app: 'overmind-api' };
/**
 * The NACK controller pod as the nack chart 0.33.2 renders it with our values (useLegacyNames
 * false, global.labels); test/charts/nack-chart.test.ts checks these against the real chart.
 */
const NACK: Record<string, string> = {
  'app.kubernetes.io/name': 'nack',
  'app.kubernetes.io/instance': 'nack',
  'app.kubernetes.io/part-of': 'overmind-nats',
  'overmind.dev/component': 'nack',
};

function matches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  if (selector.matchExpressions?.length) throw new Error('matchExpressions not expected in our policies');
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/**
 * Kubernetes semantics for ingress to `target` on `port` from `source` (namespaces carry kubernetes.io/metadata.name).
 */
function allowed(policies: KubeObject[], source: Pod, target: Pod, port: number): boolean {
  const selecting = policies.filter(
    (p) =>
      p.metadata.namespace === target.namespace &&
      matches(p.spec.podSelector, target.labels) &&
      (p.spec.policyTypes ?? ['Ingress']).includes('Ingress'),
  );
  if (selecting.length === 0) return true;
  const nsLabels = { 'kubernetes.io/metadata.name': source.namespace };
  return selecting.some((p) =>
    (p.spec.ingress ?? []).some((rule: { from?: Peer[]; ports?: Array<{ port: number; protocol?: string }> }) => {
      const portOk =
        !rule.ports ||
        rule.ports.length === 0 ||
        rule.ports.some((x) => x.port === port && (x.protocol ?? 'TCP') === 'TCP');
      const fromOk =
        !rule.from ||
        rule.from.length === 0 ||
        rule.from.some((peer) => {
          if (peer.ipBlock) return false;
          const nsOk = peer.namespaceSelector
            ? matches(peer.namespaceSelector, nsLabels)
            : source.namespace === p.metadata.namespace;
          return nsOk && matches(peer.podSelector, source.labels);
        });
      return portOk && fromOk;
    }),
  );
}

const envConfig = (name: string): EnvironmentConfig => ENVIRONMENTS.find((e) => e.name === name)!;
const PORTS = [4222, 6222, 8222, 7777];

describe.each(ENVIRONMENTS.map((e) => e.name))('environment %s', (env) => {
  const config = envConfig(env);
  const ns = config.namespace!;
  const { objects } = synthEnvironment(config);
  const policies = objectsOfKind(objects, 'NetworkPolicy');
  const natsPod: Pod = { namespace: ns, labels: NATS_SERVER };
  const reach = (source: Pod) => PORTS.filter((port) => allowed(policies, source, natsPod, port));
  const clustered = (config.nats?.replicas ?? 3) > 1;

  test('networking.k8s.io/v1 ingress policies selecting only the NATS server pods (component nats, never nats-box)', () => {
    expect(policies.length).toBe(clustered ? 4 : 3);
    for (const p of policies) {
      expect(p.apiVersion).toBe('networking.k8s.io/v1');
      expect(p.metadata.namespace).toBe(ns);
      expect(p.spec.policyTypes).toEqual(['Ingress']);
      expect(p.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe('nats');
      expect(matches(p.spec.podSelector, NATS_BOX)).toBe(false);
    }
  });

  test.each([
    {
      what: "a workload in the environment's namespace (default client namespace)",
      source: { namespace: ns, labels: WORKER },
      ports: [4222],
    },
    { what: 'nats-box (in-namespace tools)', source: { namespace: ns, labels: NATS_BOX }, ports: [4222, 8222] },
    { what: "the environment's NACK controller", source: { namespace: ns, labels: NACK }, ports: [4222] },
    {
      what: 'a NACK installed elsewhere (another controller must not manage this namespace)',
      source: { namespace: 'nack', labels: NACK },
      ports: [],
    },
    { what: 'the KEDA operator', source: { namespace: 'keda', labels: KEDA_OPERATOR }, ports: [8222] },
    {
      what: "KEDA's metrics apiserver (asks the operator, never NATS)",
      source: { namespace: 'keda', labels: KEDA_METRICS_APISERVER },
      ports: [],
    },
    { what: 'Prometheus', source: { namespace: 'monitoring', labels: PROMETHEUS }, ports: [7777] },
    {
      what: 'another pod in the monitoring namespace',
      source: { namespace: 'monitoring', labels: { app: 'grafana' } },
      ports: [],
    },
    { what: 'a pod in an unrelated namespace', source: { namespace: 'default', labels: WORKER }, ports: [] },
    {
      what: 'a KEDA-labelled pod outside the KEDA namespace',
      source: { namespace: 'default', labels: KEDA_OPERATOR },
      ports: [],
    },
  ] as Array<{ what: string; source: Pod; ports: number[] }>)(
    '$what reaches exactly ports $ports',
    ({ source, ports }) => {
      expect(reach(source)).toEqual(ports);
    },
  );

  test('routes on 6222 only between NATS server pods', () => {
    const otherServer: Pod = {
      namespace: ns,
      labels: { ...NATS_SERVER, 'statefulset.kubernetes.io/pod-name': 'nats-1' },
    };
    // A NATS pod is also in the client namespace by default, so 4222 is open to it too; 6222 is what matters.
    expect(allowed(policies, otherServer, natsPod, 6222)).toBe(clustered);
    expect(allowed(policies, { namespace: ns, labels: NATS_BOX }, natsPod, 6222)).toBe(false);
    expect(allowed(policies, { namespace: ns, labels: WORKER }, natsPod, 6222)).toBe(false);
  });
});

describe('configured client namespaces and pods, KEDA and Prometheus', () => {
  const config: EnvironmentConfig = {
    ...envConfig('prod'),
    network: {
      clientNamespaces: ['overmind-workers'],
      clientPodSelectors: [
        { namespace: 'analytics', podLabels: { app: 'analytics' } },
        { podLabels: { app: 'overmind-api' } },
      ],
      kedaNamespace: 'autoscaling',
      prometheusNamespace: 'observability',
      prometheusPodLabels: { app: 'prom' },
    },
  };
  const { objects } = synthEnvironment(config);
  const policies = objectsOfKind(objects, 'NetworkPolicy');
  const natsPod: Pod = { namespace: 'overmind-prod', labels: NATS_SERVER };
  const reach = (source: Pod) => PORTS.filter((port) => allowed(policies, source, natsPod, port));

  test.each([
    {
      what: 'any pod of a listed client namespace',
      source: { namespace: 'overmind-workers', labels: { app: 'anything' } },
      ports: [4222],
    },
    {
      what: 'a selected pod in another namespace',
      source: { namespace: 'analytics', labels: { app: 'analytics', tier: 'x' } },
      ports: [4222],
    },
    {
      what: 'an unselected pod in that namespace',
      source: { namespace: 'analytics', labels: { app: 'other' } },
      ports: [],
    },
    {
      what: 'a selected pod in the NATS namespace',
      source: { namespace: 'overmind-prod', labels: { app: 'overmind-api' } },
      ports: [4222],
    },
    {
      what: 'an unselected pod in the NATS namespace (no longer a client namespace)',
      source: { namespace: 'overmind-prod', labels: { app: 'other' } },
      ports: [],
    },
    { what: 'nats-box still (tools)', source: { namespace: 'overmind-prod', labels: NATS_BOX }, ports: [4222, 8222] },
    {
      what: "the environment's NACK controller (its namespace is no longer a client namespace)",
      source: { namespace: 'overmind-prod', labels: NACK },
      ports: [4222],
    },
    { what: 'a NACK pod in another namespace', source: { namespace: 'nack', labels: NACK }, ports: [] },
    {
      what: 'the KEDA operator in its configured namespace',
      source: { namespace: 'autoscaling', labels: KEDA_OPERATOR },
      ports: [8222],
    },
    {
      what: 'the KEDA operator in the default keda namespace',
      source: { namespace: 'keda', labels: KEDA_OPERATOR },
      ports: [],
    },
    {
      what: 'Prometheus with configured labels',
      source: { namespace: 'observability', labels: { app: 'prom' } },
      ports: [7777],
    },
  ] as Array<{ what: string; source: Pod; ports: number[] }>)(
    '$what reaches exactly ports $ports',
    ({ source, ports }) => {
      expect(reach(source)).toEqual(ports);
    },
  );

  test('network.enabled: false emits no NetworkPolicy', () => {
    const off = synthEnvironment({ ...envConfig('dev'), network: { enabled: false } });
    expect(objectsOfKind(off.objects, 'NetworkPolicy')).toEqual([]);
  });

  test.each([
    [
      'an empty pod selector',
      { clientPodSelectors: [{ namespace: 'x', podLabels: {} }] },
      'network.clientPodSelectors[0].podLabels',
      '{}',
    ],
    [
      'a client namespace that is not a Kubernetes name',
      { clientNamespaces: ['Bad_NS'] },
      'network.clientNamespaces[0]',
      '"Bad_NS"',
    ],
    [
      'a KEDA namespace that is not a Kubernetes name',
      { kedaNamespace: 'keda system' },
      'network.kedaNamespace',
      '"keda system"',
    ],
  ] as Array<[string, EnvironmentConfig['network'], string, string]>)(
    'fails when %s',
    (_what, network, field, value) => {
      let error: unknown;
      try {
        synthEnvironment({ ...envConfig('prod'), network });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain(`field "${field}" has invalid value ${value}`);
    },
  );
});
