// The optional rendered-Helm path of synth (charts/nats-rendered-chart.ts, cdk8s's Helm construct)
// with the REAL helm binary (v3.17.3, extracted from an npm package by scripts/install-helm.js,
// helm.md §4) and the REAL NATS chart 2.14.2 (../shared/upstream/nats-chart-2.14.2). Checks that
// what we emit beside the chart (metrics Service, ServiceMonitor, KEDA endpoint) points at what the
// chart renders through this path too (test/charts/nats-chart-wiring.test.ts checks `helm template`).
import * as fs from 'fs';
import * as os from 'os';
import * as yaml from 'js-yaml';
import { dev } from '../../config/dev';
import { prod } from '../../config/prod';
import { DistFile } from '../../tools/dist/dist-writer';
import { readChartInfo } from '../../tools/helm/helm-tools';
import { synthesize } from '../../main';
import { describeWithNatsChart, renderNatsChart, upstreamNatsChartDir } from '../support/nats-chart';

import { installHelm as install } from '../support/install-helm';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: any;
};

const describeChart = describeWithNatsChart();
const helmExecutable = install().target;
const chart = readChartInfo(upstreamNatsChartDir())!;

function render(env = prod): { files: DistFile[]; rendered: Obj[]; manifests: Obj[] } {
  const files = synthesize([env], { natsChart: chart, helmExecutable });
  const load = (prefix: string) =>
    files.filter((f) => f.path.startsWith(prefix)).map((f) => yaml.load(f.content) as Obj);
  return { files, rendered: load(`${env.name}/rendered/`), manifests: load(`${env.name}/manifests/`) };
}

const find = (objects: Obj[], kind: string, name?: string) => {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found)
    throw new Error(`no ${kind} ${name ?? ''} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};
const isSubset = (subset: Record<string, string>, of: Record<string, string>) =>
  Object.entries(subset).every(([k, v]) => of[k] === v);

describeChart('NATS chart rendered into dist/<env>/rendered/ (cdk8s Helm construct, real helm, real chart)', () => {
  const prodOut = render(prod);
  const statefulSet = find(prodOut.rendered, 'StatefulSet');
  const podLabels: Record<string, string> = statefulSet.spec.template.metadata.labels;

  test("renders the chart's objects with our values into their own folder, in the environment namespace", () => {
    expect(
      prodOut.files
        .filter((f) => f.path.startsWith('prod/rendered/'))
        .map((f) => f.path)
        .sort(),
    ).toEqual([
      'prod/rendered/05-configmap-nats-config.yaml',
      'prod/rendered/10-service-nats-headless.yaml',
      'prod/rendered/10-service-nats.yaml',
      'prod/rendered/45-deployment-nats-box.yaml',
      'prod/rendered/45-poddisruptionbudget-nats.yaml',
      'prod/rendered/45-secret-nats-box-contexts.yaml',
      'prod/rendered/45-statefulset-nats.yaml',
    ]);
    for (const o of prodOut.rendered) expect(o.metadata.namespace).toBe('overmind-prod');
    expect(statefulSet.metadata.name).toBe('nats');
    expect(statefulSet.spec.replicas).toBe(3); // config.cluster.replicas from our values
    expect(podLabels['app.kubernetes.io/part-of']).toBe('overmind-nats'); // global.labels from our values
  });

  test("the servers' nats.conf is the one `helm template` renders from dist/prod/helm/nats-values.yaml", () => {
    const configMap = find(prodOut.rendered, 'ConfigMap', 'nats-config') as Obj & { data: Record<string, string> };
    expect(configMap.data['nats.conf']).toBe(renderNatsChart('prod').natsConf);
    expect(configMap.data['nats.conf']).toMatch(/"token": \$NATS_TOKEN\n/);
  });

  test("--skip-tests drops the chart's helm-test Pod", () => {
    expect(prodOut.rendered.filter((o) => o.kind === 'Pod')).toEqual([]);
  });

  test('our metrics Service selects exactly the NATS server pods, on a port they expose', () => {
    const metrics = find(prodOut.manifests, 'Service', 'nats-metrics');
    expect(isSubset(metrics.spec.selector, podLabels)).toBe(true);
    const box = find(prodOut.rendered, 'Deployment', 'nats-box');
    expect(isSubset(metrics.spec.selector, box.spec.template.metadata.labels)).toBe(false); // not nats-box (helm.md §2)
    const containerPorts: string[] = statefulSet.spec.template.spec.containers.flatMap((c: any) =>
      (c.ports ?? []).map((p: any) => p.name),
    );
    for (const port of metrics.spec.ports) expect(containerPorts).toContain(port.targetPort);
  });

  test('the ServiceMonitor selects our metrics Service and scrapes its named port', () => {
    const metrics = find(prodOut.manifests, 'Service', 'nats-metrics');
    const monitor = find(prodOut.manifests, 'ServiceMonitor');
    expect(isSubset(monitor.spec.selector.matchLabels, metrics.metadata.labels!)).toBe(true);
    expect(metrics.spec.ports.map((p: any) => p.name)).toContain(monitor.spec.endpoints[0].port);
    for (const service of prodOut.rendered.filter((o) => o.kind === 'Service')) {
      const selected = isSubset(monitor.spec.selector.matchLabels, service.metadata.labels ?? {});
      expect(selected).toBe(false); // the chart's own Services have no prom-metrics port
    }
  });

  test('the KEDA endpoint host is the rendered headless Service that governs the StatefulSet, on its monitor port', () => {
    const scaler = find(prodOut.manifests, 'ScaledObject');
    const endpoint: string = scaler.spec.triggers[0].metadata.natsServerMonitoringEndpoint;
    const [host, port] = endpoint.split(':');
    const headless = find(prodOut.rendered, 'Service', statefulSet.spec.serviceName);
    expect(headless.spec.clusterIP).toBe('None');
    expect(host).toBe(`${headless.metadata.name}.${headless.metadata.namespace}.svc.cluster.local`);
    expect(headless.spec.ports).toContainEqual(expect.objectContaining({ name: 'monitor', port: Number(port) }));
    expect(isSubset(headless.spec.selector, podLabels)).toBe(true);
  });

  test('a single-server environment renders one pod without the cluster port', () => {
    const devOut = render(dev);
    const sts = find(devOut.rendered, 'StatefulSet');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.template.spec.containers[0].ports.map((p: any) => p.name)).toEqual(['nats', 'monitor']);
  });

  test('rendering leaves no cdk8s-helm-* folders in the temp dir', () => {
    const before = fs
      .readdirSync(os.tmpdir())
      .filter((n) => n.startsWith('cdk8s-helm-') || n.startsWith('overmind-helm-')).length;
    render(dev);
    const after = fs
      .readdirSync(os.tmpdir())
      .filter((n) => n.startsWith('cdk8s-helm-') || n.startsWith('overmind-helm-')).length;
    expect(after).toBeLessThanOrEqual(before);
  });

  test('fails when the chart on disk is not the version the config pins', () => {
    expect(() => synthesize([prod], { natsChart: { ...chart, version: '2.12.1' }, helmExecutable })).toThrow(
      /field "nats\.chartVersion" has invalid value "2\.14\.2".*"nats" 2\.12\.1/,
    );
  });
});
