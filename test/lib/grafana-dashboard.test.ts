// The Grafana dashboard ConfigMap: loadable by Grafana's sidecar, valid dashboard JSON, queries
// that name only metrics the exporter really exports (keda-prom-argo.md (b), test oracle in
// test/support/exporter-metrics.ts), and panels for every stream and consumer of the config.
import { ENVIRONMENTS } from '../../config';
import { EnvironmentConfig } from '../../lib/config';
import { OVERMIND_CONSUMERS, OVERMIND_STREAMS } from '../../lib/overmind-topology';
import { EXPORTED_METRICS, selectorsIn } from '../support/exporter-metrics';
import { KubeObject, objectsOfKind, synthEnvironment } from '../support/synth';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Array<{ expr: string; refId: string; datasource: { type: string; uid: string } }>;
  fieldConfig?: { defaults: { thresholds: { steps: Array<{ value: number | null }> } } };
  datasource?: { type: string; uid: string };
}

const envConfig = (name: string): EnvironmentConfig => ENVIRONMENTS.find((e) => e.name === name)!;
const dashboardConfigMaps = (objects: KubeObject[]) => objectsOfKind(objects, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard !== undefined);

function dashboardOf(objects: KubeObject[]): { configMap: KubeObject; json: string; dashboard: any } {
  const maps = dashboardConfigMaps(objects);
  expect(maps).toHaveLength(1);
  const entries = Object.entries(maps[0].data as Record<string, string>);
  expect(entries).toHaveLength(1);
  return { configMap: maps[0], json: entries[0][1], dashboard: JSON.parse(entries[0][1]) };
}

describe.each(ENVIRONMENTS.map((e) => e.name))('environment %s', (env) => {
  const config = envConfig(env);
  const { objects } = synthEnvironment(config);
  const { configMap, json, dashboard } = dashboardOf(objects);
  const panels: Panel[] = dashboard.panels;
  const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  test('a ConfigMap with the label Grafana\'s sidecar loads (grafana_dashboard: "1") and a .json key', () => {
    expect(configMap.metadata.labels!.grafana_dashboard).toBe('1');
    expect(configMap.metadata.namespace).toBe(config.namespace);
    expect(Object.keys(configMap.data)[0]).toBe(`overmind-nats-${env}.json`);
    // kubectl's client-side apply keeps the object in an annotation limited to 262144 bytes (keda-prom-argo.md (d)).
    expect(Buffer.byteLength(json)).toBeLessThan(200_000);
  });

  test('valid dashboard JSON: schemaVersion, uid, title, no id, datasource variable, deterministic text', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toBe(`overmind-nats-${env}`);
    expect(dashboard.uid.length).toBeLessThanOrEqual(40); // Grafana's uid limit
    expect(dashboard.title).toContain(env);
    expect(dashboard.id).toBeNull();
    expect(dashboard.templating.list).toEqual([expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' })]);
    expect(json).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/); // no timestamps
    expect(JSON.stringify(JSON.parse(json), null, 2) + '\n').toBe(json);
    const again = dashboardOf(synthEnvironment(config).objects).json;
    expect(again).toBe(json);
  });

  test('panel ids are unique positive integers; gridPos fits the 24-column grid without overlaps', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(Number.isInteger(p.id) && p.id > 0).toBe(true);
      const { h, w, x, y } = p.gridPos;
      expect(x >= 0 && w > 0 && x + w <= 24 && y >= 0 && h > 0).toBe(true);
    }
    for (let i = 0; i < panels.length; i++) {
      for (let j = i + 1; j < panels.length; j++) {
        const a = panels[i].gridPos;
        const b = panels[j].gridPos;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect({ a: panels[i].title, b: panels[j].title, overlap }).toEqual({ a: panels[i].title, b: panels[j].title, overlap: false });
      }
    }
  });

  test('every query names only metrics the exporter exports, with labels they carry, scoped to this environment', () => {
    expect(queries.length).toBeGreaterThan(10);
    for (const q of queries) {
      const uses = selectorsIn(q.expr);
      expect(uses.length).toBeGreaterThan(0);
      for (const use of uses) {
        expect({ ...q, metric: use.metric, exported: EXPORTED_METRICS.has(use.metric) }).toEqual({ ...q, metric: use.metric, exported: true });
        for (const label of use.labels) expect({ metric: use.metric, label, known: EXPORTED_METRICS.get(use.metric)!.includes(label) }).toEqual({ metric: use.metric, label, known: true });
      }
      expect(q.expr).toContain(`namespace="${config.namespace}"`);
      expect(q.expr).toContain('job="nats-metrics"');
      if (/nats_consumer_/.test(q.expr)) expect(q.expr).toContain('is_consumer_leader="true"');
      if (/nats_stream_/.test(q.expr)) expect(q.expr).toContain('is_stream_leader="true"');
    }
  });

  test('every target uses the datasource variable and has a unique refId within its panel', () => {
    for (const p of panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      const refIds = p.targets!.map((t) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const t of p.targets!) expect(t.datasource).toEqual(p.datasource);
    }
  });

  test('rows: JetStream overview, one per stream, server health; a lag and an ack-pending panel per consumer', () => {
    const rows = panels.filter((p) => p.type === 'row').map((p) => p.title);
    const streams = (config.streams ?? OVERMIND_STREAMS).map((s) => s.name);
    expect(rows).toEqual(['JetStream overview', ...[...streams].sort().map((s) => `Stream ${s}`), 'Server health']);
    for (const c of config.consumers ?? OVERMIND_CONSUMERS) {
      const lag = panels.find((p) => p.title === `${c.name}: lag (pending + ack pending)`)!;
      expect(lag).toBeDefined();
      expect(lag.targets!.map((t) => t.expr).join(' ')).toMatch(new RegExp(`nats_consumer_num_pending\\{[^}]*consumer_name="${c.name}"`));
      const ack = panels.find((p) => p.title === `${c.name}: ack pending and redeliveries`)!;
      expect(ack.targets!.map((t) => t.expr).join(' ')).toMatch(new RegExp(`nats_consumer_num_ack_pending\\{[^}]*stream_name="${c.stream}",consumer_name="${c.name}"`));
      // The panel sits in its stream's row.
      const rowBefore = panels.filter((p) => p.type === 'row' && p.id < lag.id).pop()!;
      expect(rowBefore.title).toBe(`Stream ${c.stream}`);
      // maxAckPending line (server default 1000).
      expect(ack.fieldConfig!.defaults.thresholds.steps.map((s) => s.value)).toContain(c.maxAckPending ?? 1000);
    }
  });
});

test('a new consumer in the config gets its panels with no other change', () => {
  const config: EnvironmentConfig = {
    ...envConfig('prod'),
    consumers: [...OVERMIND_CONSUMERS, { name: 'audit-consumer', stream: 'llm-requests', filterSubjects: ['llm.request.failed'] }],
  };
  const { dashboard } = dashboardOf(synthEnvironment(config).objects);
  const titles = (dashboard.panels as Panel[]).map((p) => p.title);
  expect(titles).toContain('audit-consumer: lag (pending + ack pending)');
  expect(titles).toContain('audit-consumer: ack pending and redeliveries');
});

test('custom sidecar labels from monitoring.grafanaDashboardLabels', () => {
  const { objects } = synthEnvironment({ ...envConfig('dev'), monitoring: { grafanaDashboardLabels: { grafana_dashboard: 'overmind' } } });
  expect(dashboardConfigMaps(objects)[0].metadata.labels!.grafana_dashboard).toBe('overmind');
});
