// The thin PrometheusRule construct: the alert table (alert-table.ts) and the resolved per-object thresholds
// (alert-thresholds.ts) become the environment's recording rules, one rule per alert, and threshold objects.
import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../../imports/monitoring.coreos.com';
import { ResolvedAlerts } from '../../config/resolve-alerts';
import { promDuration } from '../../config/units';
import { JetStreamScaledObject } from '../keda/jetstream-scaled-object';
import { JetStreamConsumer } from '../jetstream/jetstream-consumer';
import { JetStreamStream } from '../jetstream/jetstream-stream';
import { NatsHelmValues } from '../nats/nats-helm-values';
import { NatsMetricsService } from '../nats/nats-metrics-service';
import { AlertContext, AlertDefinition, ALERTS, parse, RuleGroupJson, RuleJson, runbookUrl } from './alert-table';
import { AlertThresholds, Baselines, resolveAlertThresholds } from './alert-thresholds';
import {
  CONFIG_SERIES as C,
  CONSUMER_KEY_LABELS,
  CONSUMER_THRESHOLD_KEYS,
  EXPORTER_METRIC as M,
  exporterSelector,
  ON_CONSUMER,
  ON_STREAM,
  Matcher,
  RECORDED as R,
  recordedSelector,
  scrapeJobOf,
  STREAM_KEY_LABELS,
  STREAM_THRESHOLD_KEYS,
} from './exporter-metrics';

export { ALERTS } from './alert-table';

/**
 * Largest rule list (as JSON) in one threshold PrometheusRule. Far below Kubernetes' 1 MiB
 * object limit, and below the 262144 bytes of kubectl's client-side `last-applied-configuration`
 * annotation, so each object also applies without server-side apply.
 */
export const MAX_THRESHOLD_RULES_JSON_BYTES = 150 * 1024;

export interface NatsAlertRulesProps {
  readonly environment: string;
  readonly nats: NatsHelmValues;
  /** The exporter's Service; its name is the `job` label (single source: scrapeJobOf). */
  readonly metricsService: NatsMetricsService;
  readonly streams: readonly JetStreamStream[];
  readonly consumers: readonly JetStreamConsumer[];
  /** KEDA scalers: a scaled consumer's lag threshold derives from lagThreshold x maxReplicas. @default - none */
  readonly scalers?: readonly JetStreamScaledObject[];
  /** Labels Prometheus' `ruleSelector` matches (monitoring.prometheusSelectorLabels). */
  readonly prometheusSelectorLabels: Record<string, string>;
  /** `monitoring.alerts`, checked. @default - see AlertsConfig */
  readonly alerts?: ResolvedAlerts;
}

type Labels = Record<string, string>;
type ThresholdSeries = { readonly threshold: string; readonly override: string };

/** The thresholds each consumer may have its own of, with their series, in the order they are recorded. */
const PER_CONSUMER_THRESHOLDS = [
  { key: 'maxLag', series: C.consumerMaxLag, ackedOnly: false },
  { key: 'ackPendingLimit', series: C.consumerAckPendingLimit, ackedOnly: true },
  { key: 'maxRedelivered', series: C.consumerMaxRedelivered, ackedOnly: true },
  { key: 'maxDeliverWindowSeconds', series: C.consumerMaxDeliverWindow, ackedOnly: true },
] as const;

/**
 * The alerting and recording rules of one environment, as prometheus-operator
 * `monitoring.coreos.com/v1` PrometheusRules. Their size does not depend on the number of
 * streams and consumers (a backbone of 1,000 streams must still apply; Kubernetes refuses objects
 * over 1 MiB):
 *
 * - `<fullname>-alerts`: recording rules (leader-only figures aggregated to stable labels, so a
 *   leader move neither double counts nor resets `for:`; keda-prom-argo.md (b),(c)), then ONE
 *   rule per alert (per severity for the stream alerts), generic over the `stream_name` and
 *   `consumer_name` labels, with templated annotations;
 * - `<fullname>-alert-thresholds-<n>`: the per-object thresholds from the config as tiny
 *   recording rules (`vector(2000)` with the consumer's labels), packed in config order into
 *   objects of at most MAX_THRESHOLD_RULES_JSON_BYTES. Only values that differ from the
 *   environment's baseline (the most common one) get an `:override` series; one rule per kind
 *   in `-alerts` records the effective `:threshold` of every configured consumer/stream as
 *   `override or baseline x info`, and the alerts compare with that
 *   (`... > on (namespace, stream_name, consumer_name) group_left () <threshold>`).
 *
 * Every selector names the environment's `namespace` (and raw ones the exporter's `job`), so two
 * environments in one Prometheus never record or alert on each other's series.
 */
export class NatsAlertRules extends Construct {
  /** The object with the recording rules and alerts. */
  public readonly resource: PrometheusRule;
  /** The threshold objects, in order. */
  public readonly thresholdObjects: readonly PrometheusRule[];
  /** The per-object thresholds the rules record and compare with. */
  public readonly thresholds: AlertThresholds;
  private readonly namespace: string;
  private readonly job: string;
  private readonly props: NatsAlertRulesProps;

  constructor(scope: Construct, id: string, props: NatsAlertRulesProps) {
    super(scope, id);
    this.props = props;
    this.namespace = props.nats.namespace;
    this.job = scrapeJobOf(props.metricsService);
    this.thresholds = resolveAlertThresholds(props);

    const perObjectBundles = this.perObjectRuleBundles(this.thresholds.baselines);
    const overridden = new Set(perObjectBundles.flatMap((bundle) => bundle.map((r) => r.record!)));
    const context: AlertContext = { ...props, namespace: this.namespace, job: this.job, thresholds: this.thresholds };
    // One rule per stream alert and discard policy in use: the severity depends on it.
    const discards = (['old', 'new'] as const).filter((d) => props.streams.some((s) => s.model.discard === d));
    const contexts = {
      consumers: [context],
      streams: discards.map((discard) => ({ ...context, discard })),
      servers: [context],
    };
    const rows: readonly AlertDefinition[] = Object.values(ALERTS);
    const groups = [
      {
        name: 'overmind-nats.recording',
        rules: [...this.recordingRules(), ...this.thresholdRules(this.thresholds.baselines, overridden)],
      },
      ...(['consumers', 'streams', 'servers'] as const).map((group) => ({
        name: `overmind-nats.${group}`,
        rules: contexts[group].flatMap((c) =>
          rows.filter((row) => row.group === group && (row.when?.(c) ?? true)).map((row) => alertRule(row, c)),
        ),
      })),
    ].filter((g) => g.rules.length > 0);
    this.resource = this.ruleObject('Resource', `${props.nats.fullname}-alerts`, groups);
    this.thresholdObjects = packInChunks(perObjectBundles, MAX_THRESHOLD_RULES_JSON_BYTES).map((rules, i) =>
      this.ruleObject(`Thresholds${i + 1}`, `${props.nats.fullname}-alert-thresholds-${i + 1}`, [
        { name: `overmind-nats.thresholds.${i + 1}`, rules },
      ]),
    );
  }

  private ruleObject(id: string, name: string, groups: readonly RuleGroupJson[]): PrometheusRule {
    return new PrometheusRule(this, id, {
      metadata: { name, labels: this.props.prometheusSelectorLabels },
      spec: {
        groups: groups.map((g) => ({
          name: g.name,
          rules: g.rules.map((r) => ({ ...r, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr) })),
        })),
      },
    });
  }

  private ns(...extra: Matcher[]): string {
    return recordedSelector(this.namespace, ...extra);
  }

  private recordingRules(): RuleJson[] {
    const consumerBy = `max by (${CONSUMER_KEY_LABELS.join(', ')})`;
    const streamBy = `max by (${STREAM_KEY_LABELS.join(', ')})`;
    const consumerLeader = exporterSelector(this.job, this.namespace, ['is_consumer_leader', 'true']);
    const streamLeader = exporterSelector(this.job, this.namespace, ['is_stream_leader', 'true']);
    const ns = this.ns();
    const consumerFigures = [
      'consumerNumPending',
      'consumerNumAckPending',
      'consumerNumRedelivered',
      'consumerDeliveredStreamSeq',
    ] as const;
    // Limits are -1 when unlimited: dropped (`> 0`), so ratios only exist for limited streams.
    const streamFigure = (figure: keyof typeof R & keyof typeof M, limit = '') => ({
      record: R[figure],
      expr: `${streamBy} (${M[figure]}${streamLeader}${limit})`,
    });
    return [
      ...consumerFigures.map((f) => ({ record: R[f], expr: `${consumerBy} (${M[f]}${consumerLeader})` })),
      // KEDA's lag (keda-prom-argo.md (a)): what the scaler divides by lagThreshold.
      { record: R.consumerLag, expr: `${R.consumerNumPending}${ns} + ${R.consumerNumAckPending}${ns}` },
      // When the leader last had nothing to redeliver: the max-deliver proxy compares it with each
      // consumer's own window, which a range selector `[w]` cannot take from a series.
      { record: R.consumerRedeliveredZeroAt, expr: `timestamp(${R.consumerNumRedelivered}${ns} == 0)` },
      streamFigure('streamTotalBytes'),
      streamFigure('streamLimitBytes', ' > 0'),
      streamFigure('streamTotalMessages'),
      streamFigure('streamLimitMessages', ' > 0'),
    ];
  }

  /**
   * The effective threshold of every configured consumer/stream, one rule per kind:
   * its `:override` where the config recorded one, else the environment's baseline for every
   * object with an `:info` series. Objects that are not in the config get no threshold, so no alert.
   * An `:override` series is read only if some object records it, so every series a rule reads exists.
   */
  private thresholdRules(b: Baselines, overridden: ReadonlySet<string>): RuleJson[] {
    const consumerBy = `max by (${CONSUMER_THRESHOLD_KEYS.join(', ')})`;
    const everyConsumer = `${consumerBy} (${C.consumerInfo}${this.ns()})`;
    const ackedConsumer = `${consumerBy} (${C.consumerInfo}${this.ns(['ack_policy', 'none', '!='])})`;
    const everyStream = `max by (${STREAM_THRESHOLD_KEYS.join(', ')}) (${C.streamInfo}${this.ns()})`;
    const effective = (series: ThresholdSeries, on: string, objects: string, baseline?: number): RuleJson[] => {
      // No baseline: no object has this threshold (e.g. no consumer with acks), so neither has an override.
      if (baseline === undefined) return [];
      const fallback = `${baseline} * ${objects}`;
      return [
        {
          record: series.threshold,
          expr: overridden.has(series.override) ? `${series.override}${this.ns()} or ${on} ${fallback}` : fallback,
        },
      ];
    };
    return [
      ...PER_CONSUMER_THRESHOLDS.flatMap(({ key, series, ackedOnly }) =>
        effective(series, ON_CONSUMER, ackedOnly ? ackedConsumer : everyConsumer, b[key]),
      ),
      ...effective(C.streamNearLimitRatio, ON_STREAM, everyStream, b.nearLimitRatio),
    ];
  }

  /**
   * Per stream, in config order: its `:info` and overrides, then those of its consumers (info,
   * overrides, scaler capacity). These are the only rules that grow with the config.
   */
  private perObjectRuleBundles(b: Baselines): RuleJson[][] {
    const { scalerByConsumer, consumerThresholds, streamThresholds } = this.thresholds;
    const series = (record: string, value: number, labels: Labels): RuleJson => ({
      record,
      expr: `vector(${value})`,
      labels,
    });
    const override = (s: ThresholdSeries, labels: Labels, value?: number, baseline?: number): RuleJson[] =>
      value === undefined || value === baseline ? [] : [series(s.override, value, labels)];
    return this.props.streams.map((stream) => {
      const streamLabels = { namespace: this.namespace, stream_name: stream.model.name };
      const ratio = streamThresholds.get(stream.model.name)!.nearLimitRatio;
      const rules: RuleJson[] = [
        series(C.streamInfo, 1, { ...streamLabels, discard: stream.model.discard }),
        ...override(C.streamNearLimitRatio, streamLabels, ratio, b.nearLimitRatio),
      ];
      for (const consumer of this.props.consumers.filter((c) => c.stream === stream)) {
        const th = consumerThresholds.get(consumer.model.name)!;
        const labels = { ...streamLabels, consumer_name: consumer.model.name };
        const scaler = scalerByConsumer.get(consumer);
        rules.push(
          series(C.consumerInfo, 1, { ...labels, ack_policy: consumer.model.ackPolicy }),
          ...PER_CONSUMER_THRESHOLDS.flatMap(({ key, series }) => override(series, labels, th[key], b[key])),
        );
        const scalerLabels = scaler && { ...labels, scaledobject: scaler.resource.name, workload: scaler.model.target };
        if (scalerLabels) rules.push(series(C.consumerScalerCapacity, th.scalerCapacity!, scalerLabels));
      }
      return rules;
    });
  }
}

/**
 * Consecutive bundles (one per stream) into lists of at most `maxBytes` of rule JSON, in order;
 * a bundle larger than that on its own is split. Deterministic: the same config gives the same objects,
 * and appending streams to the config only touches the last object.
 */
function packInChunks(bundles: readonly RuleJson[][], maxBytes: number): RuleJson[][] {
  const chunks: RuleJson[][] = [];
  let current: RuleJson[] = [];
  let size = 0;
  const flush = () => {
    if (current.length > 0) chunks.push(current);
    current = [];
    size = 0;
  };
  for (const bundle of bundles) {
    const bundleSize = bundle.reduce((n, r) => n + JSON.stringify(r).length, 0);
    if (size + bundleSize > maxBytes) flush();
    for (const rule of bundle) {
      const ruleSize = JSON.stringify(rule).length;
      if (size + ruleSize > maxBytes) flush();
      current.push(rule);
      size += ruleSize;
    }
  }
  flush();
  return chunks;
}

/** A row of the alert table as the rule of one environment (and, for stream rules, one discard policy). */
function alertRule(row: AlertDefinition, c: AlertContext): RuleJson {
  const severity =
    (c.discard === 'new' ? row.severityDiscardNew : undefined) ??
    (c.nats.replicas > 1 ? undefined : row.severitySingleServer) ??
    row.severity;
  const docsUrl = c.alerts?.runbookBaseUrl;
  return {
    alert: row.alert,
    expr: row.expr(c),
    for: promDuration(row.configuredFor?.(c.thresholds) ?? parse(row.for)),
    labels: { ...c.alerts?.labels, severity, environment: c.environment, namespace: c.namespace },
    annotations: {
      summary: row.summary(c),
      description: row.description(c),
      runbook: row.runbook(c).join('\n'),
      ...(docsUrl ? { runbook_url: runbookUrl(docsUrl, row) } : {}),
    },
  };
}
