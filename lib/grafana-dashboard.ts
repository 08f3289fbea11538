import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { NatsAlertRules } from './alert-rules';
import { EXPORTER_METRIC as M, promSelector, scrapeJobOf } from './exporter-metrics';
import { JetStreamConsumer } from './jetstream-consumer';
import { JetStreamStream } from './jetstream-stream';
import { NatsHelmValues } from './nats-helm-values';
import { NatsMetricsService } from './nats-metrics-service';

/** Grafana 10/11 dashboard JSON model version. */
export const DASHBOARD_SCHEMA_VERSION = 39;
/** The label kube-prometheus-stack's Grafana sidecar loads dashboards by (`sidecar.dashboards.label`/`labelValue`). */
export const DEFAULT_GRAFANA_DASHBOARD_LABELS: Readonly<Record<string, string>> = { grafana_dashboard: '1' };

export interface GrafanaDashboardProps {
  readonly environment: string;
  readonly nats: NatsHelmValues;
  readonly metricsService: NatsMetricsService;
  readonly streams: readonly JetStreamStream[];
  readonly consumers: readonly JetStreamConsumer[];
  /** Thresholds drawn as lines come from the alert rules, so panels and alerts agree. @default - no threshold lines */
  readonly alertRules?: NatsAlertRules;
  /** @default DEFAULT_GRAFANA_DASHBOARD_LABELS */
  readonly labels?: Record<string, string>;
}

interface Target { expr: string; legendFormat: string }
interface PanelSpec {
  title: string;
  description?: string;
  type: 'timeseries' | 'stat';
  unit?: string;
  targets: Target[];
  /** Red line(s) at these values. */
  thresholds?: number[];
  /** Stat panels: red below this value, green from it. */
  okFrom?: number;
  /** Stat panels: show the series name (e.g. the leader) instead of the value. */
  showName?: boolean;
  width: number;
  height?: number;
}

/**
 * A Grafana dashboard for one environment, shipped as a ConfigMap Grafana's sidecar loads
 * (label `grafana_dashboard: "1"`): a JetStream overview, a row per stream with a panel per
 * consumer's lag and ack pending, and server health. Built from the same streams and consumers
 * as the alerts, so a new consumer gets its panels too. Queries read exporter metrics directly
 * (leader series only, keda-prom-argo.md (b)), so the dashboard works without the recording rules.
 * Deterministic JSON: ids in order, streams and consumers sorted by name, keys sorted, no timestamps.
 */
export class GrafanaDashboard extends Construct {
  public readonly uid: string;
  public readonly fileName: string;
  /** The dashboard JSON model. */
  public readonly dashboard: Record<string, unknown>;
  public readonly resource: k8s.KubeConfigMap;
  private readonly job: string;
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    this.job = scrapeJobOf(props.metricsService);
    this.namespace = props.nats.namespace;
    this.uid = `overmind-nats-${props.environment}`;
    this.fileName = `${this.uid}.json`;
    this.dashboard = this.build(props);
    this.resource = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { name: `${props.nats.fullname}-dashboard`, labels: { ...(props.labels ?? DEFAULT_GRAFANA_DASHBOARD_LABELS) } },
      data: { [this.fileName]: `${JSON.stringify(sortKeysDeep(this.dashboard), null, 2)}\n` },
    });
  }

  private sel(...extra: Array<readonly [string, string]>): string {
    return promSelector([['job', this.job], ['namespace', this.namespace], ...extra]);
  }

  private build(props: GrafanaDashboardProps): Record<string, unknown> {
    const byName = <T>(name: (x: T) => string) => (a: T, b: T) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
    const streams = [...props.streams].sort(byName((s) => s.streamName));
    const rows: Array<{ title: string; panels: PanelSpec[] }> = [];
    const leaderStream = this.sel(['is_stream_leader', 'true']);
    const js = this.sel();

    rows.push({
      title: 'JetStream overview',
      panels: [
        { title: 'Servers with JetStream', type: 'stat', width: 6, height: 4, targets: [{ expr: `count(${M.serverJetStreamDisabled}${js} == 0)`, legendFormat: 'servers' }], okFrom: props.nats.replicas, description: `Expected ${props.nats.replicas}.` },
        { title: 'Meta leader', type: 'stat', width: 6, height: 4, targets: [{ expr: `max by (meta_leader) (${M.serverJetStreamDisabled}${this.sel(['is_meta_leader', 'true'])} == 0)`, legendFormat: '{{meta_leader}}' }], showName: true, description: 'Empty: no meta leader (NatsJetStreamNoMetaLeader).' },
        { title: 'Streams', type: 'stat', width: 6, height: 4, targets: [{ expr: `max(${M.serverTotalStreams}${js})`, legendFormat: 'streams' }] },
        { title: 'Consumers', type: 'stat', width: 6, height: 4, targets: [{ expr: `max(${M.serverTotalConsumers}${js})`, legendFormat: 'consumers' }] },
        { title: 'Messages per stream', type: 'timeseries', width: 8, unit: 'short', targets: [{ expr: `max by (stream_name) (${M.streamTotalMessages}${leaderStream})`, legendFormat: '{{stream_name}}' }] },
        { title: 'Bytes per stream', type: 'timeseries', width: 8, unit: 'bytes', targets: [{ expr: `max by (stream_name) (${M.streamTotalBytes}${leaderStream})`, legendFormat: '{{stream_name}}' }] },
        { title: 'File storage used per server', type: 'timeseries', width: 8, unit: 'percentunit', targets: [{ expr: `${M.varzJetStreamStatsStorage}${js} / (${M.varzJetStreamConfigMaxStorage}${js} > 0)`, legendFormat: '{{pod}}' }] },
      ],
    });

    for (const stream of streams) {
      const s = this.sel(['stream_name', stream.streamName], ['is_stream_leader', 'true']);
      const panels: PanelSpec[] = [
        { title: `${stream.streamName}: messages`, type: 'timeseries', width: 12, unit: 'short', targets: [{ expr: `max by (stream_name) (${M.streamTotalMessages}${s})`, legendFormat: 'messages' }], thresholds: stream.maxMsgs !== undefined ? [stream.maxMsgs] : undefined },
        { title: `${stream.streamName}: bytes and maxBytes`, type: 'timeseries', width: 12, unit: 'bytes', targets: [{ expr: `max by (stream_name) (${M.streamTotalBytes}${s})`, legendFormat: 'bytes' }, { expr: `max by (stream_name) (${M.streamLimitBytes}${s} > 0)`, legendFormat: 'maxBytes' }] },
      ];
      const consumers = props.consumers.filter((c) => c.stream === stream).sort(byName((c) => c.durableName));
      for (const consumer of consumers) {
        const c = this.sel(['stream_name', stream.streamName], ['consumer_name', consumer.durableName], ['is_consumer_leader', 'true']);
        const th = props.alertRules?.consumerThresholds.get(consumer.durableName);
        const lagLines = th ? [th.maxLag, ...(th.scalerCapacity !== undefined ? [th.scalerCapacity] : [])] : undefined;
        panels.push(
          {
            title: `${consumer.durableName}: lag (pending + ack pending)`, type: 'timeseries', width: 12, unit: 'short',
            description: 'The lag KEDA scales on, from the consumer leader.' + (th ? ` Lines: alert threshold ${th.maxLag}` + (th.scalerCapacity !== undefined ? `, scaler capacity ${th.scalerCapacity} (lagThreshold x maxReplicas).` : '.') : ''),
            targets: [
              { expr: `max by (consumer_name) (${M.consumerNumPending}${c})`, legendFormat: 'pending' },
              { expr: `max by (consumer_name) (${M.consumerNumAckPending}${c})`, legendFormat: 'ack pending' },
            ],
            thresholds: lagLines,
          },
          {
            title: `${consumer.durableName}: ack pending and redeliveries`, type: 'timeseries', width: 12, unit: 'short',
            description: `Delivery stops at maxAckPending ${consumer.maxAckPending} (line). Redelivered: messages currently awaiting redelivery.`,
            targets: [
              { expr: `max by (consumer_name) (${M.consumerNumAckPending}${c})`, legendFormat: 'ack pending' },
              { expr: `max by (consumer_name) (${M.consumerNumRedelivered}${c})`, legendFormat: 'redelivered' },
            ],
            thresholds: [consumer.maxAckPending],
          },
        );
      }
      rows.push({ title: `Stream ${stream.streamName}`, panels });
    }

    rows.push({
      title: 'Server health',
      panels: [
        { title: 'Exporter scraped (up)', type: 'timeseries', width: 8, unit: 'short', targets: [{ expr: `up${js}`, legendFormat: '{{pod}}' }] },
        { title: 'Client connections', type: 'timeseries', width: 8, unit: 'short', targets: [{ expr: `${M.varzConnections}${js}`, legendFormat: '{{pod}}' }] },
        { title: 'Routes', type: 'timeseries', width: 8, unit: 'short', targets: [{ expr: `${M.varzRoutes}${js}`, legendFormat: '{{pod}}' }] },
        { title: 'Memory', type: 'timeseries', width: 8, unit: 'bytes', targets: [{ expr: `${M.varzMem}${js}`, legendFormat: '{{pod}}' }] },
        { title: 'CPU (% of one core)', type: 'timeseries', width: 8, unit: 'percent', targets: [{ expr: `${M.varzCpu}${js}`, legendFormat: '{{pod}}' }] },
        { title: 'Slow consumers (cumulative)', type: 'timeseries', width: 8, unit: 'short', targets: [{ expr: `${M.varzSlowConsumers}${js}`, legendFormat: '{{pod}}' }] },
        { title: 'Messages in/out per second', type: 'timeseries', width: 24, unit: 'short', targets: [{ expr: `sum(rate(${M.varzInMsgs}${js}[5m]))`, legendFormat: 'in' }, { expr: `sum(rate(${M.varzOutMsgs}${js}[5m]))`, legendFormat: 'out' }] },
      ],
    });

    return {
      annotations: { list: [] },
      description: `NATS JetStream of Overmind, environment ${props.environment} (namespace ${this.namespace}). Generated by overmind-nats from config/; edits in Grafana are lost.`,
      editable: false,
      graphTooltip: 1,
      id: null,
      links: [],
      panels: layout(rows),
      refresh: '30s',
      schemaVersion: DASHBOARD_SCHEMA_VERSION,
      tags: ['nats', 'jetstream', 'overmind', props.environment],
      templating: {
        list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0, refresh: 1, options: [], regex: '' }],
      },
      time: { from: 'now-6h', to: 'now' },
      timepicker: {},
      timezone: 'browser',
      title: `Overmind NATS JetStream (${props.environment})`,
      uid: this.uid,
      version: 1,
    };
  }
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/** Rows of panels to Grafana's 24-column grid: ids from 1 in order, panels wrap left to right. */
function layout(rows: Array<{ title: string; panels: PanelSpec[] }>): unknown[] {
  const out: unknown[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    out.push({ collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, id: id++, panels: [], title: row.title, type: 'row' });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const p of row.panels) {
      const h = p.height ?? 8;
      if (x + p.width > 24) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      out.push(panel(p, id++, { h, w: p.width, x, y }));
      x += p.width;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return out;
}

function panel(p: PanelSpec, id: number, gridPos: { h: number; w: number; x: number; y: number }): Record<string, unknown> {
  const steps = p.okFrom !== undefined
    ? [{ color: 'red', value: null }, { color: 'green', value: p.okFrom }]
    : [{ color: 'green', value: null }, ...(p.thresholds ?? []).map((value) => ({ color: 'red', value }))];
  const isStat = p.type === 'stat';
  return {
    datasource: DATASOURCE,
    description: p.description ?? '',
    fieldConfig: {
      defaults: {
        unit: p.unit ?? 'short',
        thresholds: { mode: 'absolute', steps },
        ...(isStat ? {} : { custom: { thresholdsStyle: { mode: p.thresholds ? 'line' : 'off' }, fillOpacity: 10, lineWidth: 1 } }),
      },
      overrides: [],
    },
    gridPos,
    id,
    options: isStat
      ? { colorMode: 'value', graphMode: 'none', reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, textMode: p.showName ? 'name' : 'auto' }
      : { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
    targets: p.targets.map((t, i) => ({ datasource: DATASOURCE, expr: t.expr, legendFormat: t.legendFormat, refId: String.fromCharCode(65 + i) })),
    title: p.title,
    type: p.type,
  };
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
