// The Grafana dashboard ConfigMap: loadable by Grafana's sidecar, valid dashboard JSON, queries
// that name only metrics the exporter really exports (keda-prom-argo.md (b), test oracle in
// test/support/exporter-metrics.ts) or threshold series our rules record, and a stream row that
// Grafana repeats for every configured stream (the `stream` variable) with panels per consumer.
import { ENVIRONMENTS } from '../../config';
import { EnvironmentConfig } from '../../lib/config/types';
import { OVERMIND_CONSUMERS, OVERMIND_STREAMS } from '../../lib/config/overmind-topology';
import { EXPORTED_METRICS, selectorsIn } from '../support/exporter-metrics';
import { KubeObject, objectsOfKind, synthEnvironment } from '../support/synth';

interface Target {
  expr: string;
  refId: string;
  legendFormat: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  fieldConfig?: {
    defaults: { thresholds: { steps: Array<{ value: number | null }> } };
    overrides: Array<{ matcher: { id: string; options: string }; properties: Array<{ id: string }> }>;
  };
  datasource?: { type: string; uid: string };
  repeat?: string;
  collapsed?: boolean;
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query: string;
  definition?: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  options: unknown[];
  current: unknown;
}

/**
 * Series our alert rules record from the config, which threshold lines may read besides the
 * exporter's metrics (written out here, not imported: the test also checks that the rules record them).
 */
const THRESHOLD_SERIES = new Set([
  'overmind:consumer_max_lag:threshold',
  'overmind:consumer_scaler_capacity:threshold',
  'overmind:consumer_ack_pending_limit:threshold',
  'overmind:consumer_max_redelivered:threshold',
]);

const envConfig = (name: string): EnvironmentConfig => ENVIRONMENTS.find((e) => e.name === name)!;
const dashboardConfigMaps = (objects: KubeObject[]) =>
  objectsOfKind(objects, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard !== undefined);

function dashboardOf(objects: KubeObject[]): { configMap: KubeObject; json: string; dashboard: any } {
  const maps = dashboardConfigMaps(objects);
  expect(maps).toHaveLength(1);
  const entries = Object.entries(maps[0].data as Record<string, string>);
  expect(entries).toHaveLength(1);
  return { configMap: maps[0], json: entries[0][1], dashboard: JSON.parse(entries[0][1]) };
}
/** Top-level panels plus those a collapsed row holds. */
const allPanels = (dashboard: any): Panel[] => (dashboard.panels as Panel[]).flatMap((p) => [p, ...(p.panels ?? [])]);
const variable = (dashboard: any, name: string): Variable =>
  (dashboard.templating.list as Variable[]).find((v) => v.name === name)!;
/** The values of a Grafana custom variable, split as Grafana splits `query` (commas, `\,` escaped). */
const customValues = (v: Variable): string[] =>
  (v.query.match(/(?:\\,|[^,])+/g) ?? []).map((s) => s.replace(/\\,/g, ','));
/** The panels of the repeated stream row, open or collapsed. */
function streamRowPanels(dashboard: any): { row: Panel; panels: Panel[] } {
  const top = dashboard.panels as Panel[];
  const i = top.findIndex((p) => p.type === 'row' && p.repeat === 'stream');
  const row = top[i];
  if (row.collapsed) return { row, panels: row.panels! };
  const next = top.findIndex((p, j) => j > i && p.type === 'row');
  return { row, panels: top.slice(i + 1, next) };
}

describe.each(ENVIRONMENTS.map((e) => e.name))('environment %s', (env) => {
  const config = envConfig(env);
  const { objects } = synthEnvironment(config);
  const { configMap, json, dashboard } = dashboardOf(objects);
  const panels = allPanels(dashboard);
  const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
  const recordedByRules = new Set(
    objectsOfKind(objects, 'PrometheusRule').flatMap((o) =>
      o.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.record)),
    ),
  );

  test('a ConfigMap with the label Grafana\'s sidecar loads (grafana_dashboard: "1") and a .json key', () => {
    expect(configMap.metadata.labels!.grafana_dashboard).toBe('1');
    expect(configMap.metadata.namespace).toBe(config.namespace);
    expect(Object.keys(configMap.data)[0]).toBe(`overmind-nats-${env}.json`);
    // kubectl's client-side apply keeps the object in an annotation limited to 262144 bytes (keda-prom-argo.md (d)).
    expect(Buffer.byteLength(json)).toBeLessThan(200_000);
  });

  test('valid dashboard JSON: schemaVersion, uid, title, no id, variables, deterministic text', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toBe(`overmind-nats-${env}`);
    expect(dashboard.uid.length).toBeLessThanOrEqual(40); // Grafana's uid limit
    expect(dashboard.title).toContain(env);
    expect(dashboard.id).toBeNull();
    expect(dashboard.templating.list.map((v: Variable) => [v.name, v.type])).toEqual([
      ['datasource', 'datasource'],
      ['stream', 'custom'],
      ['consumer', 'query'],
    ]);
    expect(variable(dashboard, 'datasource')).toEqual(expect.objectContaining({ query: 'prometheus' }));
    expect(json).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/); // no timestamps
    expect(JSON.stringify(JSON.parse(json), null, 2) + '\n').toBe(json);
    const again = dashboardOf(synthEnvironment(config).objects).json;
    expect(again).toBe(json);
  });

  test('the stream variable offers exactly the configured streams, multi-select with All', () => {
    const stream = variable(dashboard, 'stream');
    expect(customValues(stream)).toEqual((config.streams ?? OVERMIND_STREAMS).map((s) => s.name).sort());
    expect(stream).toEqual(
      expect.objectContaining({
        multi: true,
        includeAll: true,
        allValue: '.*',
        current: { selected: true, text: ['All'], value: ['$__all'] },
      }),
    );
  });

  test('the consumer variable lists the consumers of the selected streams from the exporter, chained on $stream', () => {
    const consumer = variable(dashboard, 'consumer');
    expect(consumer.query).toBe(
      `label_values(nats_consumer_num_pending{job="nats-metrics",namespace="${config.namespace}",stream_name=~"$stream",is_consumer_leader="true"}, consumer_name)`,
    );
    expect(consumer.definition).toBe(consumer.query);
    expect(consumer).toEqual(
      expect.objectContaining({
        multi: true,
        includeAll: true,
        allValue: '.*',
        datasource: { type: 'prometheus', uid: '${datasource}' },
      }),
    );
    const metric = /^label_values\(([a-z_]+)\{/.exec(consumer.query)![1];
    expect(EXPORTED_METRICS.get(metric)).toContain('consumer_name');
  });

  test('panel ids are unique positive integers; gridPos fits the 24-column grid without overlaps', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(Number.isInteger(p.id) && p.id > 0).toBe(true);
      const { h, w, x, y } = p.gridPos;
      expect(x >= 0 && w > 0 && x + w <= 24 && y >= 0 && h > 0).toBe(true);
    }
    // Open rows' panels share one grid; a collapsed row's panels are placed as if it were open.
    const grids = [
      dashboard.panels as Panel[],
      ...(dashboard.panels as Panel[]).filter((p) => p.collapsed).map((p) => p.panels!),
    ];
    for (const grid of grids) {
      for (let i = 0; i < grid.length; i++) {
        for (let j = i + 1; j < grid.length; j++) {
          const a = grid[i].gridPos;
          const b = grid[j].gridPos;
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect({ a: grid[i].title, b: grid[j].title, overlap }).toEqual({
            a: grid[i].title,
            b: grid[j].title,
            overlap: false,
          });
        }
      }
    }
  });

  test(
    'every query names only metrics the exporter exports (with labels they carry) ' +
      'or threshold series our rules record, scoped to this environment',
    () => {
      expect(queries.length).toBeGreaterThan(10);
      for (const q of queries) {
        const uses = selectorsIn(q.expr);
        expect(uses.length).toBeGreaterThan(0);
        for (const use of uses) {
          if (THRESHOLD_SERIES.has(use.metric)) {
            expect({ ...q, metric: use.metric, recorded: recordedByRules.has(use.metric) }).toEqual({
              ...q,
              metric: use.metric,
              recorded: true,
            });
            continue;
          }
          expect({ ...q, metric: use.metric, exported: EXPORTED_METRICS.has(use.metric) }).toEqual({
            ...q,
            metric: use.metric,
            exported: true,
          });
          for (const label of use.labels)
            expect({ metric: use.metric, label, known: EXPORTED_METRICS.get(use.metric)!.includes(label) }).toEqual({
              metric: use.metric,
              label,
              known: true,
            });
          expect(q.expr).toContain('job="nats-metrics"');
        }
        expect(q.expr).toContain(`namespace="${config.namespace}"`);
        if (/nats_consumer_/.test(q.expr)) expect(q.expr).toContain('is_consumer_leader="true"');
        if (/nats_stream_/.test(q.expr)) expect(q.expr).toContain('is_stream_leader="true"');
      }
    },
  );

  test('every target uses the datasource variable and has a unique refId within its panel', () => {
    for (const p of panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      const refIds = p.targets!.map((t) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const t of p.targets!) expect(t.datasource).toEqual(p.datasource);
    }
  });

  test(
    'rows: JetStream overview, ONE stream row repeated over $stream, server ' +
      'health; the dashboard names no stream or consumer',
    () => {
      const rows = (dashboard.panels as Panel[]).filter((p) => p.type === 'row');
      expect(rows.map((p) => [p.title, p.repeat])).toEqual([
        ['JetStream overview', undefined],
        ['Stream $stream', 'stream'],
        ['Server health', undefined],
      ]);
      // Names appear only as the stream variable's options: panels are per $stream and by consumer_name.
      const withoutVariables = JSON.stringify({ ...dashboard, templating: undefined });
      for (const name of [
        ...(config.streams ?? OVERMIND_STREAMS).map((s) => s.name),
        ...(config.consumers ?? OVERMIND_CONSUMERS).map((c) => c.name),
      ]) {
        expect({
          name,
          named: withoutVariables.includes(`"${name}"`) || withoutVariables.includes(`=\\"${name}\\"`),
        }).toEqual({ name, named: false });
      }
    },
  );

  test(
    'the stream row: messages and bytes with their limits, lag, ack pending and ' +
      'redeliveries per consumer with threshold lines',
    () => {
      const { row, panels: inRow } = streamRowPanels(dashboard);
      expect(row.collapsed).toBe(false); // few streams: open
      const byTitle = new Map(inRow.map((p) => [p.title, p]));
      expect([...byTitle.keys()]).toEqual([
        '$stream: messages and maxMsgs',
        '$stream: bytes and maxBytes',
        '$stream: lag per consumer (pending + ack pending)',
        '$stream: ack pending per consumer',
        '$stream: messages awaiting redelivery per consumer',
      ]);
      for (const p of inRow) for (const t of p.targets!) expect(t.expr).toContain('stream_name=~"$stream"');
      const lag = byTitle.get('$stream: lag per consumer (pending + ack pending)')!;
      expect(lag.targets!.map((t) => t.legendFormat)).toEqual([
        '{{consumer_name}}',
        '{{consumer_name}} alert threshold',
        '{{consumer_name}} scaler capacity',
      ]);
      expect(lag.targets![0].expr).toMatch(
        /^max by \(consumer_name\) \(nats_consumer_num_pending\{[^}]*consumer_name=~"\$consumer"[^}]*\}\) \+ max by \(consumer_name\) \(nats_consumer_num_ack_pending\{/,
      );
      expect(lag.targets![1].expr).toContain('overmind:consumer_max_lag:threshold{');
      expect(byTitle.get('$stream: ack pending per consumer')!.targets![1].expr).toContain(
        'overmind:consumer_ack_pending_limit:threshold{',
      );
      expect(byTitle.get('$stream: messages awaiting redelivery per consumer')!.targets![1].expr).toContain(
        'overmind:consumer_max_redelivered:threshold{',
      );
      // Limits and thresholds are dashed lines: one override per such query.
      for (const p of inRow) {
        const lineRefIds = p
          .targets!.filter((t) => / (alert threshold|scaler capacity)$|^max(Bytes|Msgs)$/.test(t.legendFormat))
          .map((t) => t.refId);
        expect(p.fieldConfig!.overrides.map((o) => o.matcher)).toEqual(
          lineRefIds.map((refId) => ({ id: 'byFrameRefID', options: refId })),
        );
      }
    },
  );
});

test('a new consumer in the config needs no dashboard change: the consumer variable finds it', () => {
  const base = dashboardOf(synthEnvironment(envConfig('prod')).objects).json;
  const config: EnvironmentConfig = {
    ...envConfig('prod'),
    consumers: [
      ...OVERMIND_CONSUMERS,
      { name: 'audit-consumer', stream: 'llm-requests', filterSubjects: ['llm.request.failed'] },
    ],
  };
  expect(dashboardOf(synthEnvironment(config).objects).json).toBe(base);
});

test('a new stream in the config becomes an option of the stream variable, and only that changes', () => {
  const base = dashboardOf(synthEnvironment(envConfig('prod')).objects).dashboard;
  const config: EnvironmentConfig = {
    ...envConfig('prod'),
    streams: [...OVERMIND_STREAMS, { name: 'audit', subjects: ['audit.>'], maxBytes: '100MB' }],
  };
  const grown = dashboardOf(synthEnvironment(config).objects).dashboard;
  expect(customValues(variable(grown, 'stream'))).toEqual([
    'audit',
    'llm-requests',
    'memory-events',
    'routing-decisions',
  ]);
  const withoutStreams = (d: any) => ({
    ...d,
    templating: { list: d.templating.list.map((v: Variable) => ({ ...v, query: v.name === 'stream' ? '' : v.query })) },
  });
  expect(withoutStreams(grown)).toEqual(withoutStreams(base));
});

test('many streams: the repeated row starts collapsed (opened rows load their panels), still one row', () => {
  const streams = Array.from({ length: 20 }, (_, i) => ({ name: `s${i}`, subjects: [`s${i}.>`], maxBytes: '10MB' }));
  const { dashboard } = dashboardOf(
    synthEnvironment({ ...envConfig('prod'), streams, consumers: [], scalers: [] }).objects,
  );
  const { row, panels } = streamRowPanels(dashboard);
  expect(row.collapsed).toBe(true);
  expect(panels).toHaveLength(5);
  expect(customValues(variable(dashboard, 'stream'))).toHaveLength(20);
  // Server health follows directly below the collapsed row.
  const health = (dashboard.panels as Panel[]).find((p) => p.title === 'Server health')!;
  expect(health.gridPos.y).toBe(row.gridPos.y + 1);
});

test('stream names with a comma stay one option (Grafana splits custom values at unescaped commas)', () => {
  const streams = [...OVERMIND_STREAMS.slice(0, 1), { name: 'a,b', subjects: ['ab.>'], maxBytes: '10MB' }];
  // JetStream allows "," in names (lib/config/names.ts); the Kubernetes name becomes "a-b".
  const { dashboard } = dashboardOf(
    synthEnvironment({ ...envConfig('prod'), streams, consumers: OVERMIND_CONSUMERS.slice(0, 2) }).objects,
  );
  expect(variable(dashboard, 'stream').query).toBe('a\\,b,routing-decisions');
  expect(customValues(variable(dashboard, 'stream'))).toEqual(['a,b', 'routing-decisions']);
});

test('custom sidecar labels from monitoring.grafanaDashboardLabels', () => {
  const { objects } = synthEnvironment({
    ...envConfig('dev'),
    monitoring: { grafanaDashboardLabels: { grafana_dashboard: 'overmind' } },
  });
  expect(dashboardConfigMaps(objects)[0].metadata.labels!.grafana_dashboard).toBe('overmind');
});
