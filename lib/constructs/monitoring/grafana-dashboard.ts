import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { NatsAlertRules } from './alert-rules';
import { ALERTS } from './alert-table';
import {
  CONFIG_SERIES as C,
  EXPORTER_METRIC as M,
  exporterSelector,
  Matcher,
  recordedSelector,
  scrapeJobOf,
} from './exporter-metrics';
import { JetStreamStream } from '../jetstream/jetstream-stream';
import { NatsHelmValues } from '../nats/nats-helm-values';
import { NatsMetricsService } from '../nats/nats-metrics-service';

/** Grafana 10/11 dashboard JSON model version. */
export const DASHBOARD_SCHEMA_VERSION = 39;
/** The label kube-prometheus-stack's Grafana sidecar loads dashboards by (`sidecar.dashboards.label`/`labelValue`). */
export const DEFAULT_GRAFANA_DASHBOARD_LABELS: Readonly<Record<string, string>> = { grafana_dashboard: '1' };
/**
 * Above this many streams the repeated stream row starts collapsed: with "All" selected Grafana
 * would otherwise load 5 panels per stream at once; a collapsed row queries only when opened.
 */
export const EXPANDED_STREAM_ROWS_MAX = 10;

export interface GrafanaDashboardProps {
  readonly environment: string;
  readonly nats: NatsHelmValues;
  readonly metricsService: NatsMetricsService;
  /** The configured streams: the options of the `stream` variable. */
  readonly streams: readonly JetStreamStream[];
  /**
   * Threshold lines come from the alert rules' threshold series (`overmind:*:threshold`), so
   * panels and alerts agree. @default - no threshold lines
   */
  readonly alertRules?: NatsAlertRules;
  /** @default DEFAULT_GRAFANA_DASHBOARD_LABELS */
  readonly labels?: Record<string, string>;
}

interface Target {
  expr: string;
  legendFormat: string;
  /** Drawn as a dashed line without fill: a limit or threshold, not a measurement. */
  line?: boolean;
}
interface PanelSpec {
  title: string;
  description?: string;
  type: 'timeseries' | 'stat';
  unit?: string;
  targets: Target[];
  /** Stat panels: red below this value, green from it. */
  okFrom?: number;
  /** Stat panels: show the series name (e.g. the leader) instead of the value. */
  showName?: boolean;
  width: number;
  height?: number;
}
interface RowSpec {
  title: string;
  panels: PanelSpec[];
  /** Repeat the row (and its panels) for every selected value of this variable. */
  repeat?: string;
  collapsed?: boolean;
}

/**
 * A Grafana dashboard for one environment, shipped as a ConfigMap Grafana's sidecar loads
 * (label `grafana_dashboard: "1"`): a JetStream overview, ONE stream row that Grafana repeats for
 * every selected value of the `stream` variable (its options are the configured streams), with
 * panels per consumer by `consumer_name` (filtered by the `consumer` variable, whose values
 * Prometheus lists for the selected streams), and server health.
 * Its size does not grow with the consumers and only by one variable option per stream (a
 * ConfigMap holds at most 1 MiB). Queries read exporter metrics directly (leader series only,
 * keda-prom-argo.md (b)), so the figures work without the recording rules; only the threshold
 * lines need the alert rules' threshold series.
 * Deterministic JSON: ids in order, streams sorted by name, keys sorted, no timestamps.
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
      metadata: {
        name: `${props.nats.fullname}-dashboard`,
        labels: { ...(props.labels ?? DEFAULT_GRAFANA_DASHBOARD_LABELS) },
      },
      data: { [this.fileName]: `${JSON.stringify(sortKeysDeep(this.dashboard), null, 2)}\n` },
    });
  }

  /** Exporter series of this environment. */
  private sel(...extra: Matcher[]): string {
    return exporterSelector(this.job, this.namespace, ...extra);
  }

  private build(props: GrafanaDashboardProps): Record<string, unknown> {
    const streamNames = props.streams.map((s) => s.model.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const js = this.sel();
    // `=~`: Grafana regex-escapes the values of a multi-value variable, and gives `.*` for All.
    const selectedStreams = ['stream_name', '$stream', '=~'] as const;
    const selectedConsumers = ['consumer_name', '$consumer', '=~'] as const;
    const leaderStream = this.sel(selectedStreams, ['is_stream_leader', 'true']);
    const perStream = (metric: string, filter = '') => `max by (stream_name) (${metric}${leaderStream}${filter})`;
    /** A stream's usage and its limit (limits are -1 when unset: dropped). */
    const againstLimit = (what: string, unit: string, total: string, limitName: string, limit: string) =>
      timeseries(`$stream: ${what} and ${limitName}`, 12, unit, [
        { expr: perStream(total), legendFormat: what },
        { expr: perStream(limit, ' > 0'), legendFormat: limitName, line: true },
      ]);
    const leaderConsumer = this.sel(selectedStreams, selectedConsumers, ['is_consumer_leader', 'true']);
    const perConsumer = (metric: string) => `max by (consumer_name) (${metric}${leaderConsumer})`;
    // Threshold lines need the alert rules' threshold series.
    const lines = props.alertRules !== undefined;
    const dashed = (alert: { alert: string }, rest: string) =>
      lines ? ` Dashed: the alert threshold (${alert.alert})${rest}` : '';
    const selectedThresholds = recordedSelector(this.namespace, selectedStreams, selectedConsumers);
    const thresholdLine = (series: string, legend = 'alert threshold'): Target[] =>
      lines
        ? [
            {
              expr: `max by (consumer_name) (${series}${selectedThresholds})`,
              legendFormat: `{{consumer_name}} ${legend}`,
              line: true,
            },
          ]
        : [];
    const consumerPanel = (title: string, width: number, description: string, expr: string, ...more: Target[]) =>
      timeseries(title, width, 'short', [{ expr, legendFormat: '{{consumer_name}}' }, ...more], description);
    const metaLeader = this.sel(['is_meta_leader', 'true']);
    const storageUsed = `${M.varzJetStreamStatsStorage}${js} / (${M.varzJetStreamConfigMaxStorage}${js} > 0)`;
    const streamsNote = 'Streams JetStream reports; the configured ones are the options of the stream variable.';
    const rows: RowSpec[] = [
      {
        title: 'JetStream overview',
        panels: [
          stat('Servers with JetStream', `count(${M.serverJetStreamDisabled}${js} == 0)`, 'servers', {
            okFrom: props.nats.replicas,
            description: `Expected ${props.nats.replicas}.`,
          }),
          stat(
            'Meta leader',
            `max by (meta_leader) (${M.serverJetStreamDisabled}${metaLeader} == 0)`,
            '{{meta_leader}}',
            {
              showName: true,
              description: `Empty: no meta leader (${ALERTS.noMetaLeader.alert}).`,
            },
          ),
          stat('Streams', `max(${M.serverTotalStreams}${js})`, 'streams', { description: streamsNote }),
          stat('Consumers', `max(${M.serverTotalConsumers}${js})`, 'consumers'),
          timeseries('Messages per stream', 8, 'short', [
            { expr: perStream(M.streamTotalMessages), legendFormat: '{{stream_name}}' },
          ]),
          timeseries('Bytes per stream', 8, 'bytes', [
            { expr: perStream(M.streamTotalBytes), legendFormat: '{{stream_name}}' },
          ]),
          timeseries('File storage used per server', 8, 'percentunit', [
            { expr: storageUsed, legendFormat: '{{pod}}' },
          ]),
        ],
      },
      {
        title: 'Stream $stream',
        repeat: 'stream',
        collapsed: streamNames.length > EXPANDED_STREAM_ROWS_MAX,
        panels: [
          againstLimit('messages', 'short', M.streamTotalMessages, 'maxMsgs', M.streamLimitMessages),
          againstLimit('bytes', 'bytes', M.streamTotalBytes, 'maxBytes', M.streamLimitBytes),
          consumerPanel(
            '$stream: lag per consumer (pending + ack pending)',
            24,
            'The lag KEDA scales on, from each consumer leader.' +
              dashed(
                ALERTS.consumerLag,
                ' and, for consumers a KEDA scaler targets, its capacity lagThreshold x maxReplicas.',
              ),
            `${perConsumer(M.consumerNumPending)} + ${perConsumer(M.consumerNumAckPending)}`,
            ...thresholdLine(C.consumerMaxLag.threshold),
            ...thresholdLine(C.consumerScalerCapacity, 'scaler capacity'),
          ),
          consumerPanel(
            '$stream: ack pending per consumer',
            12,
            "Delivered, not yet acked. Delivery stops at the consumer's maxAckPending." +
              dashed(ALERTS.ackPending, ', ackPendingRatio of maxAckPending.'),
            perConsumer(M.consumerNumAckPending),
            ...thresholdLine(C.consumerAckPendingLimit.threshold),
          ),
          consumerPanel(
            '$stream: messages awaiting redelivery per consumer',
            12,
            'Messages currently marked for redelivery (a gauge).' + dashed(ALERTS.redeliveries, '.'),
            perConsumer(M.consumerNumRedelivered),
            ...thresholdLine(C.consumerMaxRedelivered.threshold),
          ),
        ],
      },
      {
        title: 'Server health',
        panels: [
          perPod('Exporter scraped (up)', 'short', `up${js}`),
          perPod('Client connections', 'short', `${M.varzConnections}${js}`),
          perPod('Routes', 'short', `${M.varzRoutes}${js}`),
          perPod('Memory', 'bytes', `${M.varzMem}${js}`),
          perPod('CPU (% of one core)', 'percent', `${M.varzCpu}${js}`),
          perPod('Slow consumers (cumulative)', 'short', `${M.varzSlowConsumers}${js}`),
          timeseries('Messages in/out per second', 24, 'short', [
            { expr: `sum(rate(${M.varzInMsgs}${js}[5m]))`, legendFormat: 'in' },
            { expr: `sum(rate(${M.varzOutMsgs}${js}[5m]))`, legendFormat: 'out' },
          ]),
        ],
      },
    ];

    // Both variables: any number of values, "All" selected by default.
    const multiAll = {
      multi: true,
      includeAll: true,
      allValue: '.*',
      current: { selected: true, text: ['All'], value: ['$__all'] },
      hide: 0,
      skipUrlSync: false,
      options: [],
    };
    const leaderSelector = this.sel(selectedStreams, ['is_consumer_leader', 'true']);
    const consumerQuery = `label_values(${M.consumerNumPending}${leaderSelector}, consumer_name)`;
    return {
      annotations: { list: [] },
      description:
        `NATS JetStream of Overmind, environment ${props.environment} (namespace ` +
        `${this.namespace}). Generated by overmind-nats from config/; edits in Grafana ` +
        `are lost.`,
      editable: false,
      graphTooltip: 1,
      id: null,
      links: [],
      panels: layout(rows),
      refresh: '30s',
      schemaVersion: DASHBOARD_SCHEMA_VERSION,
      tags: ['nats', 'jetstream', 'overmind', props.environment],
      templating: {
        list: [
          {
            name: 'datasource',
            label: 'Data source',
            type: 'datasource',
            query: 'prometheus',
            current: {},
            hide: 0,
            refresh: 1,
            options: [],
            regex: '',
          },
          {
            // Custom, not a Prometheus query: a configured stream has its row even before it has metrics.
            name: 'stream',
            label: 'Stream',
            type: 'custom',
            description: 'The streams of the config (config/).',
            // Grafana splits a custom variable's query at commas; `\,` keeps one in a value.
            query: streamNames.map((n) => n.replace(/,/g, '\\,')).join(','),
            // No options: Grafana builds a custom variable's options from `query` on load (legacy `processVariable`
            // -> updateCustomVariableOptions; Scenes' CustomVariable), so saved options would only repeat it.
            ...multiAll,
          },
          {
            // The consumers Prometheus sees on the selected streams, so a new consumer needs no dashboard change.
            name: 'consumer',
            label: 'Consumer',
            type: 'query',
            datasource: DATASOURCE,
            description: 'Consumers of the selected streams, as the exporter reports them.',
            definition: consumerQuery,
            query: consumerQuery,
            refresh: 2,
            sort: 1,
            regex: '',
            ...multiAll,
          },
        ],
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

/**
 * Rows of panels to Grafana's 24-column grid: ids from 1 in order, panels wrap left to right.
 * A collapsed row holds its panels in `panels` (positioned as if open), as Grafana saves it.
 */
function layout(rows: RowSpec[]): unknown[] {
  const out: unknown[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    const panels: unknown[] = [];
    const { title, repeat, collapsed = false } = row;
    out.push({
      collapsed,
      gridPos: { h: 1, w: 24, x: 0, y },
      id: id++,
      panels: collapsed ? panels : [],
      repeat,
      title,
      type: 'row',
    });
    let [x, top, bottom] = [0, y + 1, y + 1];
    for (const p of row.panels) {
      const h = p.height ?? 8;
      if (x + p.width > 24) [x, top] = [0, bottom];
      panels.push(panel(p, id++, { h, w: p.width, x, y: top }));
      x += p.width;
      bottom = Math.max(bottom, top + h);
    }
    if (!collapsed) out.push(...panels);
    y = collapsed ? y + 1 : bottom;
  }
  return out;
}

function panel(p: PanelSpec, id: number, gridPos: Record<'h' | 'w' | 'x' | 'y', number>): Record<string, unknown> {
  const steps: { color: string; value: number | null }[] = [
    { color: p.okFrom === undefined ? 'green' : 'red', value: null },
  ];
  if (p.okFrom !== undefined) steps.push({ color: 'green', value: p.okFrom });
  const isStat = p.type === 'stat';
  const refId = (i: number) => String.fromCharCode(65 + i);
  const dashedLine = [
    { id: 'custom.lineStyle', value: { dash: [10, 10], fill: 'dash' } },
    { id: 'custom.fillOpacity', value: 0 },
  ];
  const lineOverrides = p.targets.flatMap((t, i) =>
    t.line ? [{ matcher: { id: 'byFrameRefID', options: refId(i) }, properties: dashedLine }] : [],
  );
  return {
    datasource: DATASOURCE,
    description: p.description ?? '',
    fieldConfig: {
      defaults: {
        unit: p.unit ?? 'short',
        thresholds: { mode: 'absolute', steps },
        ...(isStat ? {} : { custom: { thresholdsStyle: { mode: 'off' }, fillOpacity: 10, lineWidth: 1 } }),
      },
      overrides: lineOverrides,
    },
    gridPos,
    id,
    options: isStat
      ? {
          colorMode: 'value',
          graphMode: 'none',
          reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
          textMode: p.showName ? 'name' : 'auto',
        }
      : {
          legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
          tooltip: { mode: 'multi', sort: 'none' },
        },
    targets: p.targets.map(({ expr, legendFormat }, i) => ({
      datasource: DATASOURCE,
      expr,
      legendFormat,
      refId: refId(i),
    })),
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

function timeseries(title: string, width: number, unit: string, targets: Target[], description?: string): PanelSpec {
  return { title, type: 'timeseries', width, unit, targets, description };
}

/** A quarter-width, short stat panel of one figure. */
function stat(title: string, expr: string, legendFormat: string, more: Partial<PanelSpec> = {}): PanelSpec {
  return { title, type: 'stat', width: 6, height: 4, targets: [{ expr, legendFormat }], ...more };
}

/** A third-width time series with one line per NATS server pod. */
function perPod(title: string, unit: string, expr: string): PanelSpec {
  return timeseries(title, 8, unit, [{ expr, legendFormat: '{{pod}}' }]);
}
