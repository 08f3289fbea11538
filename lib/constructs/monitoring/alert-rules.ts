import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../../imports/monitoring.coreos.com';
import { CheckTarget, checkInteger, literal, toPositiveDuration } from '../../config/checks';
import { AlertSeverity, AlertsConfig, ConsumerAlertConfig, StreamAlertConfig } from '../../config/types';
import { fail } from '../../config/errors';
import {
  CONFIG_SERIES as C, CONSUMER_KEY_LABELS, CONSUMER_THRESHOLD_KEYS, EXPORTER_METRIC as M, MatchOp, promSelector, RECORDED as R,
  scrapeJobOf, STREAM_KEY_LABELS, STREAM_THRESHOLD_KEYS,
} from './exporter-metrics';
import { JetStreamConsumer } from '../jetstream/jetstream-consumer';
import { JetStreamScaledObject } from '../keda/jetstream-scaled-object';
import { JetStreamStream } from '../jetstream/jetstream-stream';
import { NatsHelmValues, VOLUME_RESIZE_RUNBOOK } from '../nats/nats-helm-values';
import { NatsMetricsService } from '../nats/nats-metrics-service';
import { Duration, DurationInput, parseDuration, promDuration } from '../../config/units';

/**
 * Every alert with its default threshold, `for` and severity: the one table to review.
 * Thresholds marked "config" can be set per consumer/stream (`alerts`) or for the whole
 * environment (`monitoring.alerts`); `for` only for the whole environment (one rule per alert).
 * Queries and their reasons: keda-prom-argo.md (c).
 */
export const ALERT_DEFAULTS = {
  /** config `maxLag` (and environment-wide `for`): lag high AND still growing (deriv over `growthWindow`). */
  consumerLag: { alert: 'NatsConsumerLagGrowing', severity: 'critical', for: '10m', growthWindow: '10m', maxLagWithoutScaler: 10_000, scalerCapacityMultiple: 10 },
  /** lag above lagThreshold x maxReplicas: the HPA wants more than maxReplicas. Only for consumers a scaler targets. */
  scalerSaturated: { alert: 'NatsConsumerScalerSaturated', severity: 'warning', for: '15m' },
  /** config `ackPendingRatio` of the consumer's maxAckPending (delivery stops at 100%). */
  ackPending: { alert: 'NatsConsumerAckPendingHigh', severity: 'warning', for: '10m', ratio: 0.9 },
  /** config `maxRedelivered`: messages currently marked for redelivery (a gauge). */
  redeliveries: { alert: 'NatsConsumerRedeliveriesHigh', severity: 'warning', for: '15m', maxRedelivered: 100 },
  /** Proxy (no exporter metric exists): redeliveries never dropped to 0 for max(minWindow, maxDeliver x ackWait). */
  maxDeliver: { alert: 'NatsConsumerMaxDeliverLikely', severity: 'warning', for: '5m', minWindow: '5m' },
  /** config `nearLimitRatio` (and environment-wide `for`); critical with discard "new" (publishes are then rejected). */
  streamBytes: { alert: 'NatsStreamNearMaxBytes', severity: 'warning', severityDiscardNew: 'critical', for: '15m', ratio: 0.85 },
  /** As streamBytes, for streams with maxMsgs; ratio and `for` are the stream's (streamBytes defaults). */
  streamMessages: { alert: 'NatsStreamNearMaxMessages', severity: 'warning', severityDiscardNew: 'critical', for: '15m' },
  /** config `monitoring.alerts.fileStorageRatio` of a node's max_file_store. */
  fileStorage: { alert: 'NatsServerFileStorageHigh', severity: 'warning', for: '15m', ratio: 0.85 },
  noMetaLeader: { alert: 'NatsJetStreamNoMetaLeader', severity: 'critical', for: '2m' },
  jetStreamDisabled: { alert: 'NatsJetStreamDisabled', severity: 'critical', for: '5m' },
  /** Fewer servers report JetStream than nats.replicas; a clustered meta group survives one loss. */
  serverMissing: { alert: 'NatsServerMissing', severity: 'warning', severitySingleServer: 'critical', for: '5m' },
  exporterDown: { alert: 'NatsExporterDown', severity: 'warning', for: '5m' },
  metricsAbsent: { alert: 'NatsMetricsAbsent', severity: 'warning', for: '10m' },
} as const;

/** Alert names in table order (for docs and tests). */
export const ALERT_NAMES: readonly string[] = Object.values(ALERT_DEFAULTS).map((d) => d.alert);

/**
 * Largest rule list (as JSON) in one threshold PrometheusRule. Far below Kubernetes' 1 MiB
 * object limit, and below the 262144 bytes of kubectl's client-side `last-applied-configuration`
 * annotation, so each object also applies without server-side apply.
 */
export const MAX_THRESHOLD_RULES_JSON_BYTES = 150 * 1024;

/** A rule as Prometheus reads it (the PrometheusRule's `spec.groups[].rules[]`). */
export interface RuleJson {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export interface RuleGroupJson {
  readonly name: string;
  readonly rules: readonly RuleJson[];
}

/** One PrometheusRule object as rendered. */
export interface RuleObject {
  readonly name: string;
  readonly groups: readonly RuleGroupJson[];
  readonly resource: PrometheusRule;
}

export interface StreamAlertTarget {
  readonly stream: JetStreamStream;
  /** The stream's own `alerts` from the config. @default - environment defaults */
  readonly alerts?: StreamAlertConfig;
}

export interface ConsumerAlertTarget {
  readonly consumer: JetStreamConsumer;
  /** The consumer's own `alerts` from the config. @default - environment defaults */
  readonly alerts?: ConsumerAlertConfig;
}

export interface NatsAlertRulesProps {
  readonly environment: string;
  readonly nats: NatsHelmValues;
  /** The exporter's Service; its name is the `job` label (single source: scrapeJobOf). */
  readonly metricsService: NatsMetricsService;
  readonly streams: readonly StreamAlertTarget[];
  readonly consumers: readonly ConsumerAlertTarget[];
  /** KEDA scalers: a scaled consumer's lag threshold derives from lagThreshold x maxReplicas. @default - none */
  readonly scalers?: readonly JetStreamScaledObject[];
  /** Labels Prometheus' `ruleSelector` matches (monitoring.prometheusSelectorLabels). */
  readonly prometheusSelectorLabels: Record<string, string>;
  /** @default - see AlertsConfig */
  readonly alerts?: AlertsConfig;
}

/** Effective thresholds of one consumer after defaults, environment settings and its own. */
export interface ConsumerThresholds {
  readonly maxLag: number;
  /** ceil(ackPendingRatio x maxAckPending); undefined without acks (ackPolicy none). */
  readonly ackPendingLimit?: number;
  /** undefined without acks. */
  readonly maxRedelivered?: number;
  /** max(5m, maxDeliver x ackWait) in whole seconds; undefined without acks. */
  readonly maxDeliverWindowSeconds?: number;
  /** lagThreshold x maxReplicas of the scaler on the consumer, if any. */
  readonly scalerCapacity?: number;
}

export interface StreamThresholds {
  readonly nearLimitRatio: number;
}

/** Names and thresholds as Prometheus' alert templates see them (docs: prometheus.io "Templating"). */
const T_CONSUMER = '{{ $labels.consumer_name }}';
const T_STREAM = '{{ $labels.stream_name }}';
const T_VALUE_COUNT = '{{ printf "%.0f" $value }}';

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
  /** Name of the object with the recording rules and alerts. */
  public readonly name: string;
  /** Its rule groups exactly as rendered (`spec`), for `promtool check rules`. */
  public readonly groups: readonly RuleGroupJson[];
  public readonly resource: PrometheusRule;
  /** The threshold objects, in order. */
  public readonly thresholdObjects: readonly RuleObject[];
  public readonly consumerThresholds: ReadonlyMap<string, ConsumerThresholds>;
  public readonly streamThresholds: ReadonlyMap<string, StreamThresholds>;
  /** Environment-wide `for` of the lag alert and of the stream alerts. */
  public readonly lagFor: Duration;
  public readonly streamFor: Duration;
  private readonly namespace: string;
  private readonly job: string;
  private readonly props: NatsAlertRulesProps;

  constructor(scope: Construct, id: string, props: NatsAlertRulesProps) {
    super(scope, id);
    this.props = props;
    this.namespace = props.nats.namespace;
    this.job = scrapeJobOf(props.metricsService);
    this.name = `${props.nats.fullname}-alerts`;

    const envTarget: CheckTarget = { scope: this, resource: 'Monitoring (monitoring.alerts)' };
    const alerts = props.alerts ?? {};
    const envConsumer = checkConsumerAlerts(envTarget, 'monitoring.alerts.consumers', alerts.consumers ?? {});
    const envStream = checkStreamAlerts(envTarget, 'monitoring.alerts.streams', alerts.streams ?? {});
    this.lagFor = optionalDuration(envTarget, 'monitoring.alerts.consumers.for', alerts.consumers?.for) ?? parse(ALERT_DEFAULTS.consumerLag.for);
    this.streamFor = optionalDuration(envTarget, 'monitoring.alerts.streams.for', alerts.streams?.for) ?? parse(ALERT_DEFAULTS.streamBytes.for);
    const fileStorageRatio = checkRatio(envTarget, 'monitoring.alerts.fileStorageRatio', alerts.fileStorageRatio ?? ALERT_DEFAULTS.fileStorage.ratio);

    const scalerByConsumer = new Map<JetStreamConsumer, JetStreamScaledObject>();
    for (const scaler of props.scalers ?? []) scalerByConsumer.set(scaler.consumer, scaler);
    const minWindowSeconds = parse(ALERT_DEFAULTS.maxDeliver.minWindow).toSeconds();

    const consumerThresholds = new Map<string, ConsumerThresholds>();
    for (const { consumer, alerts: own } of props.consumers) {
      const t: CheckTarget = { scope: this, resource: `Consumer "${consumer.durableName}" (stream "${consumer.stream.streamName}")` };
      rejectPerObjectFor(t, own, 'monitoring.alerts.consumers.for');
      const mine = checkConsumerAlerts(t, 'alerts', own ?? {});
      const scaler = scalerByConsumer.get(consumer);
      const scalerCapacity = scaler ? scaler.lagThreshold * scaler.maxReplicas : undefined;
      const acked = consumer.ackPolicy !== 'none';
      const ackPendingRatio = mine.ackPendingRatio ?? envConsumer.ackPendingRatio ?? ALERT_DEFAULTS.ackPending.ratio;
      consumerThresholds.set(consumer.durableName, {
        maxLag: mine.maxLag ?? envConsumer.maxLag ??
          (scalerCapacity !== undefined ? ALERT_DEFAULTS.consumerLag.scalerCapacityMultiple * scalerCapacity : ALERT_DEFAULTS.consumerLag.maxLagWithoutScaler),
        ackPendingLimit: acked ? Math.ceil(ackPendingRatio * consumer.maxAckPending) : undefined,
        maxRedelivered: acked ? mine.maxRedelivered ?? envConsumer.maxRedelivered ?? ALERT_DEFAULTS.redeliveries.maxRedelivered : undefined,
        maxDeliverWindowSeconds: acked ? Math.max(minWindowSeconds, Math.ceil(consumer.maxDeliver * consumer.ackWait.toMilliseconds() / 1000)) : undefined,
        scalerCapacity,
      });
    }

    const streamThresholds = new Map<string, StreamThresholds>();
    for (const { stream, alerts: own } of props.streams) {
      const t: CheckTarget = { scope: this, resource: `Stream "${stream.streamName}"` };
      rejectPerObjectFor(t, own, 'monitoring.alerts.streams.for');
      const mine = checkStreamAlerts(t, 'alerts', own ?? {});
      streamThresholds.set(stream.streamName, { nearLimitRatio: mine.nearLimitRatio ?? envStream.nearLimitRatio ?? ALERT_DEFAULTS.streamBytes.ratio });
    }
    this.consumerThresholds = consumerThresholds;
    this.streamThresholds = streamThresholds;

    const all = [...consumerThresholds.values()];
    const baselines: Baselines = {
      maxLag: mostCommon(all.map((c) => c.maxLag)),
      ackPendingLimit: mostCommon(all.map((c) => c.ackPendingLimit)),
      maxRedelivered: mostCommon(all.map((c) => c.maxRedelivered)),
      maxDeliverWindowSeconds: mostCommon(all.map((c) => c.maxDeliverWindowSeconds)),
      nearLimitRatio: mostCommon([...streamThresholds.values()].map((s) => s.nearLimitRatio)),
    };
    // Consumers with acks are exactly those with a max-deliver window.
    const windows = all.map((c) => c.maxDeliverWindowSeconds).filter((w): w is number => w !== undefined);
    const longestWindowSeconds = windows.reduce((a, b) => Math.max(a, b), minWindowSeconds);

    const perObjectBundles = this.perObjectRuleBundles(baselines, scalerByConsumer);
    const overridden = new Set(perObjectBundles.flatMap((bundle) => bundle.map((r) => r.record!)));
    this.groups = [
      { name: 'overmind-nats.recording', rules: [...this.recordingRules(), ...this.thresholdRules(baselines, overridden)] },
      { name: 'overmind-nats.consumers', rules: this.consumerAlerts(props.consumers.length > 0, scalerByConsumer.size > 0, windows.length > 0, longestWindowSeconds) },
      { name: 'overmind-nats.streams', rules: this.streamAlerts(props.streams.map((s) => s.stream)) },
      { name: 'overmind-nats.servers', rules: this.serverAlerts(fileStorageRatio) },
    ].filter((g) => g.rules.length > 0);
    this.resource = this.ruleObject('Resource', this.name, this.groups);

    const chunks = packInChunks(perObjectBundles, MAX_THRESHOLD_RULES_JSON_BYTES);
    this.thresholdObjects = chunks.map((rules, i) => {
      const name = `${props.nats.fullname}-alert-thresholds-${i + 1}`;
      const groups = [{ name: `overmind-nats.thresholds.${i + 1}`, rules }];
      return { name, groups, resource: this.ruleObject(`Thresholds${i + 1}`, name, groups) };
    });
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

  /** Series of this environment's exporter: `{job="nats-metrics",namespace="overmind-prod",...}`. */
  private exporterSelector(...extra: Array<readonly [string, string]>): string {
    return promSelector([['job', this.job], ['namespace', this.namespace], ...extra]);
  }

  /** Series recorded by our rules: scoped by namespace, as two environments may share a Prometheus. */
  private ns(...extra: Array<readonly [string, string] | readonly [string, string, MatchOp]>): string {
    return promSelector([['namespace', this.namespace], ...extra]);
  }

  private recordingRules(): RuleJson[] {
    const consumerBy = `max by (${CONSUMER_KEY_LABELS.join(', ')})`;
    const streamBy = `max by (${STREAM_KEY_LABELS.join(', ')})`;
    const consumerLeader = this.exporterSelector(['is_consumer_leader', 'true']);
    const streamLeader = this.exporterSelector(['is_stream_leader', 'true']);
    const ns = this.ns();
    return [
      { record: R.consumerNumPending, expr: `${consumerBy} (${M.consumerNumPending}${consumerLeader})` },
      { record: R.consumerNumAckPending, expr: `${consumerBy} (${M.consumerNumAckPending}${consumerLeader})` },
      { record: R.consumerNumRedelivered, expr: `${consumerBy} (${M.consumerNumRedelivered}${consumerLeader})` },
      { record: R.consumerDeliveredStreamSeq, expr: `${consumerBy} (${M.consumerDeliveredStreamSeq}${consumerLeader})` },
      // KEDA's lag (keda-prom-argo.md (a)): what the scaler divides by lagThreshold.
      { record: R.consumerLag, expr: `${R.consumerNumPending}${ns} + ${R.consumerNumAckPending}${ns}` },
      // When the leader last had nothing to redeliver: the max-deliver proxy compares it with each
      // consumer's own window, which a range selector `[w]` cannot take from a series.
      { record: R.consumerRedeliveredZeroAt, expr: `timestamp(${R.consumerNumRedelivered}${ns} == 0)` },
      { record: R.streamTotalBytes, expr: `${streamBy} (${M.streamTotalBytes}${streamLeader})` },
      // Limits are -1 when unlimited: dropped, so ratios only exist for limited streams.
      { record: R.streamLimitBytes, expr: `${streamBy} (${M.streamLimitBytes}${streamLeader} > 0)` },
      { record: R.streamTotalMessages, expr: `${streamBy} (${M.streamTotalMessages}${streamLeader})` },
      { record: R.streamLimitMessages, expr: `${streamBy} (${M.streamLimitMessages}${streamLeader} > 0)` },
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
    const onConsumer = `on (${CONSUMER_THRESHOLD_KEYS.join(', ')})`;
    const onStream = `on (${STREAM_THRESHOLD_KEYS.join(', ')})`;
    const everyConsumer = `${consumerBy} (${C.consumerInfo}${this.ns()})`;
    const ackedConsumer = `${consumerBy} (${C.consumerInfo}${this.ns(['ack_policy', 'none', '!='])})`;
    const effective = (series: { threshold: string; override: string }, baseline: number | undefined, on: string, objects: string): RuleJson[] => {
      // No baseline: no object has this threshold (e.g. no consumer with acks), so neither has an override.
      if (baseline === undefined) return [];
      const fallback = `${baseline} * ${objects}`;
      return [{ record: series.threshold, expr: overridden.has(series.override) ? `${series.override}${this.ns()} or ${on} ${fallback}` : fallback }];
    };
    return [
      ...effective(C.consumerMaxLag, b.maxLag, onConsumer, everyConsumer),
      ...effective(C.consumerAckPendingLimit, b.ackPendingLimit, onConsumer, ackedConsumer),
      ...effective(C.consumerMaxRedelivered, b.maxRedelivered, onConsumer, ackedConsumer),
      ...effective(C.consumerMaxDeliverWindow, b.maxDeliverWindowSeconds, onConsumer, ackedConsumer),
      ...effective(C.streamNearLimitRatio, b.nearLimitRatio, onStream, `max by (${STREAM_THRESHOLD_KEYS.join(', ')}) (${C.streamInfo}${this.ns()})`),
    ];
  }

  /**
   * Per stream, in config order: its `:info` and overrides, then those of its consumers (info,
   * overrides, scaler capacity). These are the only rules that grow with the config.
   */
  private perObjectRuleBundles(b: Baselines, scalerByConsumer: ReadonlyMap<JetStreamConsumer, JetStreamScaledObject>): RuleJson[][] {
    const consumersByStream = new Map<JetStreamStream, JetStreamConsumer[]>();
    for (const { consumer } of this.props.consumers) {
      const list = consumersByStream.get(consumer.stream) ?? [];
      list.push(consumer);
      consumersByStream.set(consumer.stream, list);
    }
    const series = (record: string, value: number, labels: Record<string, string>): RuleJson => ({ record, expr: `vector(${value})`, labels });
    const override = (s: { override: string }, value: number | undefined, baseline: number | undefined, labels: Record<string, string>): RuleJson[] =>
      (value === undefined || value === baseline ? [] : [series(s.override, value, labels)]);
    return this.props.streams.map(({ stream }) => {
      const streamLabels = { namespace: this.namespace, stream_name: stream.streamName };
      const rules: RuleJson[] = [
        series(C.streamInfo, 1, { ...streamLabels, discard: stream.discard }),
        ...override(C.streamNearLimitRatio, this.streamThresholds.get(stream.streamName)!.nearLimitRatio, b.nearLimitRatio, streamLabels),
      ];
      for (const consumer of consumersByStream.get(stream) ?? []) {
        const th = this.consumerThresholds.get(consumer.durableName)!;
        const labels = { ...streamLabels, consumer_name: consumer.durableName };
        const scaler = scalerByConsumer.get(consumer);
        rules.push(
          series(C.consumerInfo, 1, { ...labels, ack_policy: consumer.ackPolicy }),
          ...override(C.consumerMaxLag, th.maxLag, b.maxLag, labels),
          ...override(C.consumerAckPendingLimit, th.ackPendingLimit, b.ackPendingLimit, labels),
          ...override(C.consumerMaxRedelivered, th.maxRedelivered, b.maxRedelivered, labels),
          ...override(C.consumerMaxDeliverWindow, th.maxDeliverWindowSeconds, b.maxDeliverWindowSeconds, labels),
          ...(scaler ? [series(C.consumerScalerCapacity, th.scalerCapacity!, { ...labels, scaledobject: scaler.resource.name, workload: scaler.target })] : []),
        );
      }
      return rules;
    });
  }

  /** `{{ ... }}` printing a threshold series' value for the alert's consumer or stream (template function `query`); empty if it has none. */
  private lookup(series: string, keys: readonly string[], format: string): string {
    return `{{ with ${queryFor(series, keys)} }}{{ . | first | value | ${format} }}{{ end }}`;
  }

  private consumerAlerts(anyConsumer: boolean, anyScaler: boolean, anyAcked: boolean, longestWindowSeconds: number): RuleJson[] {
    if (!anyConsumer) return [];
    const ns = this.ns();
    const on = `on (${CONSUMER_THRESHOLD_KEYS.join(', ')})`;
    const what = `consumer "${T_CONSUMER}" on stream "${T_STREAM}" (${this.props.environment})`;
    const info = this.natsCli(`consumer info ${T_STREAM} ${T_CONSUMER}`);
    const count = (series: string) => this.lookup(series, CONSUMER_THRESHOLD_KEYS, 'printf "%.0f"');
    const maxLag = count(C.consumerMaxLag.threshold);
    // The scaler's names come from its capacity series' labels (absent: no scaler on this consumer).
    const withScaler = (then: string, otherwise: string) =>
      `{{ with ${queryFor(C.consumerScalerCapacity, CONSUMER_THRESHOLD_KEYS)} }}{{ with first . }}${then}{{ end }}{{ else }}${otherwise}{{ end }}`;
    const lagRunbook = [
      `1. Check the consumer: ${info} (Unprocessed = pending, Outstanding Acks = ack pending).`,
      withScaler(
        [
          `2. Check KEDA scaling: kubectl get hpa -n ${this.namespace}; kubectl describe scaledobject -n ${this.namespace} {{ .Labels.scaledobject }} (Ready and Fallback conditions).`,
          `3. KEDA owns the replicas of "{{ .Labels.workload }}": raise maxReplicas in the config, or pin a count for now with kubectl annotate scaledobject -n ${this.namespace} {{ .Labels.scaledobject }} autoscaling.keda.sh/paused-replicas=<n>. A plain kubectl scale is undone by the HPA.`,
        ].join('\n'),
        [
          '2. No KEDA scaler targets this consumer.',
          `3. Scale its workers by hand if needed (kubectl scale deployment <workers> --replicas=5 -n ${this.namespace}), or add a scaler to the config.`,
        ].join('\n'),
      ),
      '4. Look at the workers\' logs for slow or failing processing (every failure is redelivered after ackWait).',
    ].join('\n');
    const lagWindow = ALERT_DEFAULTS.consumerLag.growthWindow;
    const rules: RuleJson[] = [
      this.alert(ALERT_DEFAULTS.consumerLag, {
        expr: `${R.consumerLag}${ns} > ${on} group_left () ${C.consumerMaxLag.threshold}${ns} and deriv(${R.consumerLag}${ns}[${lagWindow}]) > 0`,
        for: this.lagFor,
        summary: `NATS ${what}: lag ${T_VALUE_COUNT} above ${maxLag} and still growing`,
        description: `Pending plus ack-pending messages on the consumer leader (the lag KEDA scales on) have been above the consumer's threshold of ${maxLag} ` +
          `and rising (deriv over ${lagWindow}) for ${promDuration(this.lagFor)}: the workers are not keeping up. ` +
          withScaler(
            `KEDA scales "{{ .Labels.workload }}" (ScaledObject {{ .Labels.scaledobject }}) on this lag and absorbs up to {{ printf "%.0f" .Value }} (lagThreshold x maxReplicas).`,
            'No KEDA scaler targets this consumer.',
          ),
        runbook: lagRunbook,
      }),
    ];
    if (anyScaler) {
      rules.push(this.alert(ALERT_DEFAULTS.scalerSaturated, {
        // group_left copies the scaler's names onto the alert, for routing and the runbook.
        expr: `${R.consumerLag}${ns} > ${on} group_left (scaledobject, workload) ${C.consumerScalerCapacity}${ns}`,
        summary: `NATS ${what}: lag beyond what KEDA absorbs at maxReplicas of "{{ $labels.workload }}"`,
        description: `Lag (${T_VALUE_COUNT}) has stayed above ${count(C.consumerScalerCapacity)}, lagThreshold x maxReplicas of ScaledObject {{ $labels.scaledobject }}: ` +
          'the HPA asks for more than maxReplicas replicas of "{{ $labels.workload }}" and is capped, so the backlog drains only as fast as maxReplicas workers allow.',
        runbook: lagRunbook,
      }));
    }
    if (anyAcked) {
      const window = this.lookup(C.consumerMaxDeliverWindow.threshold, CONSUMER_THRESHOLD_KEYS, 'humanizeDuration');
      const advisory = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${T_STREAM}.${T_CONSUMER}`;
      // The range covers the longest window of the environment; each consumer then compares the
      // last time it had nothing to redeliver with its own window: min_over_time(x[window]) > 0, per consumer.
      const longest = promDuration(Duration.seconds(longestWindowSeconds));
      rules.push(
        this.alert(ALERT_DEFAULTS.ackPending, {
          expr: `${R.consumerNumAckPending}${ns} >= ${on} group_left () ${C.consumerAckPendingLimit.threshold}${ns}`,
          summary: `NATS ${what}: ack pending ${T_VALUE_COUNT} near maxAckPending`,
          description: `${T_VALUE_COUNT} messages are delivered but not acked, at or above the consumer's threshold of ${count(C.consumerAckPendingLimit.threshold)} (its ackPendingRatio of maxAckPending). ` +
            'At maxAckPending the server stops delivering to this consumer, so the backlog grows while workers hold messages.',
          runbook: [
            `1. ${info}: compare Outstanding Acks with Max Ack Pending.`,
            `2. Workers may be stuck or slow to ack (within ackWait): check their logs and restarts (kubectl get pods -n ${this.namespace}).`,
            '3. If the workers are healthy and simply busy, raise maxAckPending (or scale the workers) in the config.',
          ].join('\n'),
        }),
        this.alert(ALERT_DEFAULTS.redeliveries, {
          expr: `${R.consumerNumRedelivered}${ns} > ${on} group_left () ${C.consumerMaxRedelivered.threshold}${ns}`,
          summary: `NATS ${what}: ${T_VALUE_COUNT} messages awaiting redelivery, more than ${count(C.consumerMaxRedelivered.threshold)}`,
          description: `${T_VALUE_COUNT} messages are currently marked for redelivery (a gauge, not a rate), more than the consumer's threshold of ${count(C.consumerMaxRedelivered.threshold)}: ` +
            'workers fail, nak, or miss the ackWait. Each message is tried at most maxDeliver times.',
          runbook: [
            `1. ${info}: Redelivered Messages, the ack floor, ackWait and maxDeliver.`,
            '2. Look for poison messages or timeouts in the workers\' logs; a handler slower than ackWait is redelivered while still working.',
            '3. Raise ackWait in the config if processing legitimately takes longer.',
          ].join('\n'),
        }),
        this.alert(ALERT_DEFAULTS.maxDeliver, {
          expr: `(${R.consumerNumRedelivered}${ns} > 0 and ${on} ${C.consumerMaxDeliverWindow.threshold}${ns}) ` +
            `unless ${on} (max_over_time(${R.consumerRedeliveredZeroAt}${ns}[${longest}]) + ${on} group_left () ${C.consumerMaxDeliverWindow.threshold}${ns} > time())`,
          summary: `NATS ${what}: messages are probably reaching maxDeliver and being dropped`,
          description: `Redeliveries have not dropped to zero for ${window} (the consumer's maxDeliver x ackWait, at least ${ALERT_DEFAULTS.maxDeliver.minWindow}), ` +
            'long enough for a message to use all its attempts; after the last one the server gives it up for this consumer. ' +
            'This is a proxy: the exporter has no metric for terminated deliveries. The exact signal is the advisory ' +
            `${advisory}, which Prometheus does not see. It can also fire when different messages keep failing in turn.`,
          runbook: [
            `1. Watch the advisories: ${this.natsCli(`sub '${advisory}'`)} (each names the stream sequence given up).`,
            `2. Read a given-up message: ${this.natsCli(`stream get ${T_STREAM} <stream_seq>`)}.`,
            '3. Fix the worker or the message, then republish it if it must be processed.',
          ].join('\n'),
        }),
      );
    }
    return rules;
  }

  /** One rule per alert and severity in use: discard "new" rejects publishes at the limit (critical), "old" drops history. */
  private streamAlerts(streams: readonly JetStreamStream[]): RuleJson[] {
    const ns = this.ns();
    const on = `on (${STREAM_THRESHOLD_KEYS.join(', ')})`;
    const what = `stream "${T_STREAM}" (${this.props.environment})`;
    const ratio = this.lookup(C.streamNearLimitRatio.threshold, STREAM_THRESHOLD_KEYS, 'humanizePercentage');
    const fileStoreNote = ' (all file streams\' maxBytes must fit nats.fileStorageSize)';
    const runbook = (limit: string) => [
      `1. ${this.natsCli(`stream info ${T_STREAM}`)}: State (messages, bytes) against ${limit}.`,
      '2. Check that the consumers keep up (consumer lag alerts) and that publishers are not flooding the stream.',
      `3. Raise the stream's ${limit} in the config${limit === 'maxBytes' ? fileStoreNote : ''} or shorten maxAge.`,
    ].join('\n');
    const rules: RuleJson[] = [];
    for (const discard of ['old', 'new'] as const) {
      if (!streams.some((s) => s.discard === discard)) continue;
      const discardSelector = this.ns(['discard', 'new', discard === 'new' ? '=' : '!=']);
      const onlyThese = `and ${on} ${C.streamInfo}${discardSelector}`;
      const effect = discard === 'new'
        ? 'With discard "new" the server then rejects publishes to the stream.'
        : 'With discard "old" the server then drops the oldest messages, so the stream keeps less than its maxAge promises.';
      const severity = (d: { severity: AlertSeverity; severityDiscardNew: AlertSeverity }) => (discard === 'new' ? d.severityDiscardNew : d.severity);
      const limitOf = (series: string, format: string) => this.lookup(series, STREAM_THRESHOLD_KEYS, format);
      rules.push(
        this.alert(ALERT_DEFAULTS.streamBytes, {
          expr: `${R.streamTotalBytes}${ns} / ${R.streamLimitBytes}${ns} > ${on} group_left () ${C.streamNearLimitRatio.threshold}${ns} ${onlyThese}`,
          for: this.streamFor,
          severity: severity(ALERT_DEFAULTS.streamBytes),
          summary: `NATS ${what}: {{ $value | humanizePercentage }} of maxBytes ${limitOf(R.streamLimitBytes, 'humanize1024')}B`,
          description: `The stream leader holds more than the stream's threshold of ${ratio} of its maxBytes (${limitOf(R.streamLimitBytes, 'humanize1024')}B). ${effect}`,
          runbook: runbook('maxBytes'),
        }),
        this.alert(ALERT_DEFAULTS.streamMessages, {
          expr: `${R.streamTotalMessages}${ns} / ${R.streamLimitMessages}${ns} > ${on} group_left () ${C.streamNearLimitRatio.threshold}${ns} ${onlyThese}`,
          for: this.streamFor,
          severity: severity(ALERT_DEFAULTS.streamMessages),
          summary: `NATS ${what}: {{ $value | humanizePercentage }} of maxMsgs ${limitOf(R.streamLimitMessages, 'printf "%.0f"')}`,
          description: `The stream leader holds more than the stream's threshold of ${ratio} of its maxMsgs (${limitOf(R.streamLimitMessages, 'printf "%.0f"')}). ${effect}`,
          runbook: runbook('maxMsgs'),
        }),
      );
    }
    return rules;
  }

  private serverAlerts(fileStorageRatio: number): RuleJson[] {
    const nats = this.props.nats;
    const sel = this.exporterSelector();
    const env = this.props.environment;
    const pods = `kubectl get pods -n ${this.namespace} -l app.kubernetes.io/name=nats,app.kubernetes.io/component=nats,app.kubernetes.io/instance=${nats.releaseName}`;
    const logs = `kubectl logs -n ${this.namespace} statefulset/${nats.fullname} -c nats`;
    const connectionRunbook = [
      `1. Verify NATS is running: ${pods}.`,
      `2. Check the logs: ${logs} (add --previous after a crash).`,
      `3. A pod stuck in CreateContainerConfigError usually lacks the token Secret: kubectl get secret ${nats.tokenSecret.name} -n ${this.namespace} (see docs/operations.md).`,
      `4. Test connectivity: ${this.natsCli('pub test.subject "hello"')}.`,
    ].join('\n');
    const pct = `${Math.round(fileStorageRatio * 100)}%`;
    return [
      this.alert(ALERT_DEFAULTS.fileStorage, {
        expr: `${M.varzJetStreamStatsStorage}${sel} / (${M.varzJetStreamConfigMaxStorage}${sel} > 0) > ${fileStorageRatio}`,
        summary: `NATS (${env}): a server's JetStream file storage is above ${pct} of max_file_store`,
        description: `A NATS server uses more than ${pct} of its JetStream file store (max_file_store ${nats.fileStoreMax}, PVC ${nats.fileStoragePvc.toQuantity()}). ` +
          'When it is full, streams placed on it stop accepting messages.',
        runbook: [
          `1. ${this.natsCli('server report jetstream')}: storage per server.`,
          `2. ${this.natsCli('stream report')}: which streams hold the bytes.`,
          '3. Lower streams\' maxBytes, or raise nats.fileStorageSize in the config after expanding the PVCs ' +
            `(the StatefulSet's volumeClaimTemplates cannot change in place; runbook: ${VOLUME_RESIZE_RUNBOOK}).`,
        ].join('\n'),
      }),
      this.alert(ALERT_DEFAULTS.noMetaLeader, {
        expr: `count by (namespace) (${M.serverJetStreamDisabled}${sel} == 0) unless count by (namespace) (${M.serverJetStreamDisabled}${this.exporterSelector(['is_meta_leader', 'true'])})`,
        summary: `NATS (${env}): no JetStream meta leader`,
        description: 'JetStream servers are up but none claims meta leadership: the meta group has no quorum. ' +
          'Streams and consumers cannot be created, updated or deleted (NACK fails), and placement stops.',
        runbook: [
          `1. ${this.natsCli('server report jetstream')}: the meta group, its leader and lagging peers.`,
          `2. Verify NATS is running: ${pods}.`,
          `3. Quorum needs ${Math.floor(nats.replicas / 2) + 1} of ${nats.replicas} servers; bring missing pods back (PVC or node problems) before anything else.`,
        ].join('\n'),
      }),
      this.alert(ALERT_DEFAULTS.jetStreamDisabled, {
        expr: `${M.serverJetStreamDisabled}${sel} == 1`,
        summary: `NATS (${env}): JetStream is disabled on a server`,
        description: 'A NATS server runs without JetStream, usually after a storage problem (full or unwritable /data).',
        runbook: `${connectionRunbook}\n5. Check the JetStream PVC: kubectl get pvc -n ${this.namespace}.`,
      }),
      this.alert(ALERT_DEFAULTS.serverMissing, {
        expr: `count by (namespace) (${M.serverJetStreamDisabled}${sel} == 0) < ${nats.replicas} or absent(${M.serverJetStreamDisabled}${sel})`,
        severity: nats.replicas > 1 ? ALERT_DEFAULTS.serverMissing.severity : ALERT_DEFAULTS.serverMissing.severitySingleServer,
        summary: `NATS (${env}): fewer than ${nats.replicas} NATS servers report JetStream`,
        description: `The environment runs ${nats.replicas} NATS server(s) but fewer report metrics with JetStream enabled: a server is down, ` +
          'not ready, or its exporter cannot reach it (the exporter then drops its samples and `up` stays 1).' +
          (nats.replicas > 1 ? ` JetStream keeps quorum while ${Math.floor(nats.replicas / 2) + 1} are up.` : ' This is the only server: clients are cut off.'),
        runbook: connectionRunbook,
      }),
      this.alert(ALERT_DEFAULTS.exporterDown, {
        expr: `up${sel} == 0`,
        summary: `NATS (${env}): Prometheus cannot scrape a NATS exporter`,
        description: `Prometheus fails to scrape the prom-exporter sidecar (port 7777, job "${this.job}"): the NATS metrics and every alert above are blind for that server.`,
        runbook: [
          `1. ${pods}: is the prom-exporter container ready?`,
          `2. kubectl logs -n ${this.namespace} statefulset/${nats.fullname} -c prom-exporter.`,
          `3. NetworkPolicy ${nats.fullname}-allow-metrics must admit Prometheus' pods (network.prometheusNamespace/prometheusPodLabels).`,
        ].join('\n'),
      }),
      this.alert(ALERT_DEFAULTS.metricsAbsent, {
        expr: `absent(up${sel})`,
        summary: `NATS (${env}): Prometheus scrapes no NATS exporter at all`,
        description: `No target of job "${this.job}" exists in namespace ${this.namespace}: the ServiceMonitor is not selected by Prometheus, the metrics Service has no endpoints, or NATS is not installed.`,
        runbook: [
          `1. kubectl get servicemonitor,service,endpoints -n ${this.namespace} ${this.job}.`,
          `2. The ServiceMonitor's labels must match the Prometheus serviceMonitorSelector (monitoring.prometheusSelectorLabels: ${JSON.stringify(this.props.prometheusSelectorLabels)}).`,
          `3. ${pods}.`,
        ].join('\n'),
      }),
    ];
  }

  private alert(
    defaults: { readonly alert: string; readonly severity: AlertSeverity; readonly for: string },
    rule: { expr: string; for?: Duration; severity?: AlertSeverity; summary: string; description: string; runbook: string },
  ): RuleJson {
    const base = this.props.alerts?.runbookBaseUrl;
    return {
      alert: defaults.alert,
      expr: rule.expr,
      for: promDuration(rule.for ?? parse(defaults.for)),
      labels: {
        ...this.props.alerts?.labels,
        severity: rule.severity ?? defaults.severity,
        environment: this.props.environment,
        namespace: this.namespace,
      },
      annotations: {
        summary: rule.summary,
        description: rule.description,
        runbook: rule.runbook,
        ...(base ? { runbook_url: `${base}#${defaults.alert.toLowerCase()}` } : {}),
      },
    };
  }

  /** A nats CLI command an operator can paste: through nats-box (which has the token), or a port-forward. */
  private natsCli(args: string): string {
    const box = this.props.nats.natsBoxDeployment;
    return box
      ? `kubectl exec -n ${this.namespace} deploy/${box} -- nats ${args}`
      : `nats --server nats://localhost:4222 ${args} (after kubectl port-forward -n ${this.namespace} svc/${this.props.nats.fullname} 4222, with NATS_TOKEN set)`;
  }
}

interface Baselines {
  readonly maxLag?: number;
  readonly ackPendingLimit?: number;
  readonly maxRedelivered?: number;
  readonly maxDeliverWindowSeconds?: number;
  readonly nearLimitRatio?: number;
}

/** The template expression `query "<series>{namespace=...,stream_name=...}"` for the alert's own labels. */
function queryFor(series: string, keys: readonly string[]): string {
  return `printf "${series}{${keys.map((k) => `${k}=%q`).join(',')}}" ${keys.map((k) => `$labels.${k}`).join(' ')} | query`;
}

/** The most frequent value (the smallest among equals), undefined when there is none: the baseline that needs no per-object series. */
function mostCommon(values: ReadonlyArray<number | undefined>): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | undefined;
  for (const [value, n] of counts) {
    const bestCount = best === undefined ? 0 : counts.get(best)!;
    if (n > bestCount || (n === bestCount && value < best!)) best = value;
  }
  return best;
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

/** A duration of ALERT_DEFAULTS (a literal of ours, so a bad one is a bug, not a config error). */
function parse(text: string): Duration {
  const d = parseDuration(text);
  if (!d) throw new Error(`ALERT_DEFAULTS has an invalid duration "${text}"`);
  return d;
}

/** `for` is one per alert rule, and there is one rule for all consumers (or streams). */
function rejectPerObjectFor(t: CheckTarget, own: object | undefined, environmentField: string): void {
  const value = (own as { for?: unknown } | undefined)?.for;
  if (value === undefined) return;
  fail(t.scope, {
    resource: t.resource, field: 'alerts.for', value,
    allowed: `no per-object for: one alert rule serves every object, so its for is environment-wide (${environmentField})`,
    fix: `remove alerts.for here, and write ${literal(environmentField, value)}`,
  });
}

interface CheckedConsumerAlerts { maxLag?: number; ackPendingRatio?: number; maxRedelivered?: number }
interface CheckedStreamAlerts { nearLimitRatio?: number }

function checkConsumerAlerts(t: CheckTarget, prefix: string, c: ConsumerAlertConfig): CheckedConsumerAlerts {
  return {
    maxLag: c.maxLag === undefined ? undefined : checkInteger(t, `${prefix}.maxLag`, c.maxLag, { min: 1 }, `write ${literal(`${prefix}.maxLag`, 1000)} (a whole number of messages)`),
    ackPendingRatio: c.ackPendingRatio === undefined ? undefined : checkRatio(t, `${prefix}.ackPendingRatio`, c.ackPendingRatio),
    maxRedelivered: c.maxRedelivered === undefined ? undefined : checkInteger(t, `${prefix}.maxRedelivered`, c.maxRedelivered, { min: 1 }, `write ${literal(`${prefix}.maxRedelivered`, 100)} (a whole number of messages)`),
  };
}

function checkStreamAlerts(t: CheckTarget, prefix: string, s: StreamAlertConfig): CheckedStreamAlerts {
  return {
    nearLimitRatio: s.nearLimitRatio === undefined ? undefined : checkRatio(t, `${prefix}.nearLimitRatio`, s.nearLimitRatio),
  };
}

function optionalDuration(t: CheckTarget, field: string, input: DurationInput | undefined): Duration | undefined {
  if (input === undefined) return undefined;
  const d = toPositiveDuration(t, field, input, undefined, '10m');
  if (d.toMilliseconds() % 1000 !== 0) {
    fail(t.scope, {
      resource: t.resource,
      field,
      value: input,
      allowed: 'whole seconds, e.g. "10m" (Prometheus evaluates rules every few seconds at best)',
      fix: `write ${literal(field, '10m')}`,
    });
  }
  return d;
}

function checkRatio(t: CheckTarget, field: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
    fail(t.scope, {
      resource: t.resource,
      field,
      value,
      allowed: 'a fraction greater than 0 and at most 1, e.g. 0.85 for 85%',
      fix: `write ${literal(field, 0.85)}`,
    });
  }
  return value;
}
