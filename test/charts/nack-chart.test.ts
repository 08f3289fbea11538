// The REAL nack chart (nats-io/k8s `nack` 0.33.2, ../shared/upstream/nack-chart-0.33.2) rendered by
// the REAL helm binary (v3.17.3 from an npm package, scripts/install-helm.js) with the values we
// generate, the way Argo CD renders it for our NACK Application (`helm template`, release `nack`,
// the environment's namespace, CRDs skipped). Checks that the controller runs as we intend: control
// loop, restricted to the environment's namespace, namespaced RBAC, no cluster-scoped objects, and
// pods our NetworkPolicy admits. Under CI=true a missing chart or helm fails; elsewhere it skips loudly.
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ENVIRONMENTS } from '../../config';
import { EnvironmentConfig } from '../../lib/config/types';
import { DistFile } from '../../tools/dist/dist-writer';
import { NACK_CHART_VERSION } from '../../lib/constructs/jetstream/nack-helm-values';
import { synthesize } from '../../main';
import {
  describeWithCharts,
  helmTemplate as renderChart,
  RenderedObject as Obj,
  upstreamChartDir,
} from '../support/helm-template';
import { crdsDir } from '../support/shared';

const CHART_DIR = upstreamChartDir('nack', NACK_CHART_VERSION);
const describeWithChart = describeWithCharts([CHART_DIR]);

/** Cluster-scoped kinds the chart can render: none may come from a per-environment release. */
const CLUSTER_SCOPED_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'Namespace']);

/** `helm template` as Argo CD runs it for our NACK Application: release `nack`, CRDs only with `includeCrds`. */
const helmTemplate = (values: unknown, namespace: string, options: { includeCrds?: boolean } = {}): Obj[] =>
  renderChart(CHART_DIR, 'nack', namespace, values, options);

const fileOf = (files: DistFile[], p: string) => {
  const found = files.find((f) => f.path === p);
  if (!found) throw new Error(`no ${p} among ${files.map((f) => f.path).join(', ')}`);
  return yaml.load(found.content) as any;
};
const describe1 = (o: Obj) => `${o.kind}/${o.metadata.name}`;
const find = (objects: Obj[], kind: string) => {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}, found ${found.length} among ${objects.map(describe1).join(', ')}`);
  }
  return found[0];
};
const containerOf = (objects: Obj[]) => find(objects, 'Deployment').spec.template.spec.containers[0];
const isSubset = (subset: Record<string, string>, of: Record<string, string>) =>
  Object.entries(subset).every(([k, v]) => of[k] === v);
const clusterScoped = (objects: Obj[]) => objects.filter((o) => CLUSTER_SCOPED_KINDS.has(o.kind)).map(describe1);

/** Whether an ingress NetworkPolicy admits a pod of `namespace` with `labels` on `port` (peers without a
 * namespaceSelector are in the policy's own namespace). */
function admits(policy: Obj, namespace: string, labels: Record<string, string>, port: number): boolean {
  return (policy.spec.ingress ?? []).some(
    (rule: any) =>
      (rule.ports ?? []).some((p: any) => p.port === port) &&
      (rule.from ?? []).some((peer: any) => {
        const nsOk = peer.namespaceSelector
          ? peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'] === namespace
          : policy.metadata.namespace === namespace;
        return nsOk && isSubset(peer.podSelector?.matchLabels ?? {}, labels);
      }),
  );
}

const environments = ENVIRONMENTS.map((e) => [e.name, e] as const);
describeWithChart.each(environments)('the real nack chart with the values of environment %s', (env, config) => {
  const files = synthesize([config], {});
  const values = fileOf(files, `${env}/helm/nack-values.yaml`);
  const namespace = config.namespace ?? `overmind-${env}`;
  const application = fileOf(files, `${env}/argocd/01-application-overmind-${env}-nack.yaml`);
  const chartSource = application.spec.sources.find((s: any) => s.chart === 'nack');
  let rendered: Obj[];
  beforeAll(() => {
    rendered = helmTemplate(values, namespace, { includeCrds: chartSource.helm.skipCrds !== true });
  });

  test('the Application installs that chart version as release "nack" in the namespace, without CRDs', () => {
    expect(chartSource.targetRevision).toBe(NACK_CHART_VERSION);
    expect(chartSource.helm.releaseName).toBe('nack');
    expect(chartSource.helm.skipCrds).toBe(true);
    expect(chartSource.helm.valueFiles).toEqual([`$values/dist/${env}/helm/nack-values.yaml`]);
    expect(application.spec.destination.namespace).toBe(namespace);
  });

  test('one controller Deployment in the namespace, in control-loop mode, restricted to that namespace', () => {
    const deployment = find(rendered, 'Deployment');
    expect(deployment.metadata.namespace).toBe(namespace);
    expect(deployment.spec.replicas).toBe(1);
    const container = containerOf(rendered);
    // The chart's appVersion; nack v0.22.2 and v0.22.4 have the same controller code
    // (lib/constructs/jetstream/nack-helm-values.ts).
    expect(container.image).toBe('natsio/jetstream-controller:0.22.2');
    expect(container.args).toContain('--control-loop');
    expect(container.args).toContain(`--namespace=${namespace}`);
    // No global server: -crd-connect satisfies main.go:88 and every connection comes from the Account.
    expect(container.args).toContain('-crd-connect');
    expect(container.args.filter((a: string) => /^--?s(=|$)/.test(a))).toEqual([]);
    expect(container.args.filter((a: string) => /^--?(creds|nkey|tls)/.test(a))).toEqual([]);
    // The chart renders the probes only in control-loop mode.
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 8081 });
  });

  test("namespaced RBAC: a Role and RoleBinding for the controller's ServiceAccount, nothing cluster-scoped", () => {
    expect(clusterScoped(rendered)).toEqual([]);
    const elsewhere = rendered.filter((o) => o.metadata.namespace !== namespace).map(describe1);
    expect(elsewhere).toEqual([]);
    const role = find(rendered, 'Role');
    const binding = find(rendered, 'RoleBinding');
    const serviceAccount = find(rendered, 'ServiceAccount');
    expect(binding.roleRef).toEqual({ kind: 'Role', name: role.metadata.name, apiGroup: 'rbac.authorization.k8s.io' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace }]);
    expect(find(rendered, 'Deployment').spec.template.spec.serviceAccountName).toBe(serviceAccount.metadata.name);
    // What the control loop reads and writes: the token Secret, the Account, Streams and Consumers.
    const can = (group: string, resource: string, verb: string) =>
      role.rules.some(
        (r: any) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
      );
    expect(can('', 'secrets', 'get')).toBe(true);
    for (const resource of ['accounts', 'streams', 'consumers', 'streams/status', 'consumers/status']) {
      expect({ resource, update: can('jetstream.nats.io', resource, 'update') }).toEqual({ resource, update: true });
    }
  });

  test('no CRDs from this release (they are installed once per cluster)', () => {
    expect(rendered.filter((o) => o.kind === 'CustomResourceDefinition')).toEqual([]);
  });

  test('controller pods carry labels the client NetworkPolicy admits on 4222, also outside client namespaces', () => {
    const podLabels: Record<string, string> = find(rendered, 'Deployment').spec.template.metadata.labels;
    const network = { ...config.network, clientNamespaces: ['overmind-workers'] };
    const restricted: EnvironmentConfig = { ...config, network };
    const policyFile = `${env}/manifests/05-networkpolicy-nats-allow-clients.yaml`;
    const policy = fileOf(synthesize([restricted], {}), policyFile) as Obj;
    expect(admits(policy, namespace, podLabels, 4222)).toBe(true);
    // the check can fail: the same pod in another namespace, or without our label, is not admitted
    expect(admits(policy, 'nack', podLabels, 4222)).toBe(false);
    expect(admits(policy, namespace, { ...podLabels, 'overmind.dev/component': 'other' }, 4222)).toBe(false);
  });
});

describeWithChart('the checks above can fail (the real chart, other values)', () => {
  const prod = ENVIRONMENTS.find((e) => e.name === 'prod')!;
  const values = fileOf(synthesize([prod], {}), 'prod/helm/nack-values.yaml');

  test('without namespaced: a ClusterRole and ClusterRoleBinding and no --namespace flag', () => {
    const rendered = helmTemplate({ ...values, namespaced: false }, 'overmind-prod');
    expect(clusterScoped(rendered).sort()).toEqual([
      'ClusterRole/jetstream-controller-cluster-role',
      'ClusterRoleBinding/jetstream-controller-cluster-role-binding',
    ]);
    expect(containerOf(rendered).args.some((a: string) => a.startsWith('--namespace'))).toBe(false);
  });

  test("without skipCrds (Argo CD then passes --include-crds): the chart's CRDs, equal to nack-crds.yaml", () => {
    const rendered = helmTemplate(values, 'overmind-prod', { includeCrds: true });
    const crds = rendered.filter((o) => o.kind === 'CustomResourceDefinition');
    const sharedCrds = (yaml.loadAll(fs.readFileSync(path.join(crdsDir(), 'nack-crds.yaml'), 'utf8')) as Obj[]).filter(
      (o) => o?.kind === 'CustomResourceDefinition',
    );
    const byName = (list: Obj[]) => [...list].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    expect(byName(crds)).toEqual(byName(sharedCrds)); // the schemas our dist/ objects are validated against
    expect(crds.map((c) => c.metadata.name)).toContain('accounts.jetstream.nats.io');
  });

  test('without controlLoop: legacy mode (no --control-loop: Accounts need --crd-connect, nothing is resynced)', () => {
    const legacy = { ...values, jetstream: { ...values.jetstream, controlLoop: false } };
    const rendered = helmTemplate(legacy, 'overmind-prod');
    expect(containerOf(rendered).args).not.toContain('--control-loop');
  });
});
