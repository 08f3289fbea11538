// The thin PrometheusRule construct: the alert table (alert-table.ts) and the resolved per-object thresholds
// (alert-thresholds.ts) become the environment's recording rules, one rule per alert, and threshold objects.
import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../../imports/monitoring.coreos.com';
import { ResolvedAlerts } from '../../config/resolve-alerts';
import { AlertSeverity } from '../../config/types';
import { Duration, promDuration } from '../../config/units';
import { JetStreamConsumer } from '../jetstream/jetstream-consumer';
import { JetStreamStream } from '../jetstream/jetstream-stream';
import { JetStreamScaledObject } from '../keda/jetstream-scaled-object';
import { NatsHelmValues, VOLUME_RESIZE_RUNBOOK } from '../nats/nats-helm-values';
import { NatsMetricsService } from '../nats/nats-metrics-service';
import { ALERT_DEFAULTS, alertRule, AlertText, RuleGroupJson, RuleJson } from './alert-table';
import {
  Baselines,
  ConsumerAlertTarget,
  ConsumerThresholds,
  resolveAlertThresholds,
  StreamAlertTarget,
  StreamThresholds,
} from './alert-thresholds';
import {
  CONFIG_SERIES as C,
  CONSUMER_KEY_LABELS,
  CONSUMER_THRESHOLD_KEYS,
  EXPORTER_METRIC as M,
  MatchOp,
  promSelector,
  RECORDED as R,
  scrapeJobOf,
  STREAM_KEY_LABELS,
  STREAM_THRESHOLD_KEYS,
} from './exporter-metrics';

export { ALERT_DEFAULTS, ALERT_NAMES } from './alert-table';
export type { RuleGroupJson, RuleJson } from './alert-table';
export type { ConsumerAlertTarget, ConsumerThresholds, StreamAlertTarget, StreamThresholds } from './alert-thresholds';

/**
 * Largest rule list (as JSON) in one threshold PrometheusRule. Far below Kubernetes' 1 MiB
 * object limit, and below the 262144 bytes of kubectl's client-side `last-applied-configuration`
 * annotation, so each object also applies without server-side apply.
 */
export const MAX_THRESHOLD_RULES_JSON_BYTES = 150 * 1024;

/** One PrometheusRule object as rendered. */
export interface RuleObject {
  readonly name: string;
  readonly groups: readonly RuleGroupJson[];
  readonly resource: PrometheusRule;
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
  /** `monitoring.alerts`, checked. @default - see AlertsConfig */
  readonly alerts?: ResolvedAlerts;
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

    const thresholds = resolveAlertThresholds(this, props);
    const { scalerByConsumer, baselines, fileStorageRatio, longestWindowSeconds } = thresholds;
    this.lagFor = thresholds.lagFor;
    this.streamFor = thresholds.streamFor;
    this.consumerThresholds = thresholds.consumerThresholds;
    this.streamThresholds = thresholds.streamThresholds;

    const perObjectBundles = this.perObjectRuleBundles(baselines, scalerByConsumer);
    const overridden = new Set(perObjectBundles.flatMap((bundle) => bundle.map((r) => r.record!)));
    this.groups = [
      {
        name: 'overmind-nats.recording',
        rules: [...this.recordingRules(), ...this.thresholdRules(baselines, overridden)],
      },
      {
        name: 'overmind-nats.consumers',
        rules: this.consumerAlerts(
          props.consumers.length > 0,
          scalerByConsumer.size > 0,
          thresholds.anyAcked,
          longestWindowSeconds,
        ),
      },
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
      {
        record: R.consumerDeliveredStreamSeq,
        expr: `${consumerBy} (${M.consumerDeliveredStreamSeq}${consumerLeader})`,
      },
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
    const effective = (
      series: { threshold: string; override: string },
      baseline: number | undefined,
      on: string,
      objects: string,
    ): RuleJson[] => {
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
      ...effective(C.consumerMaxLag, b.maxLag, onConsumer, everyConsumer),
      ...effective(C.consumerAckPendingLimit, b.ackPendingLimit, onConsumer, ackedConsumer),
      ...effective(C.consumerMaxRedelivered, b.maxRedelivered, onConsumer, ackedConsumer),
      ...effective(C.consumerMaxDeliverWindow, b.maxDeliverWindowSeconds, onConsumer, ackedConsumer),
      ...effective(
        C.streamNearLimitRatio,
        b.nearLimitRatio,
        onStream,
        `max by (${STREAM_THRESHOLD_KEYS.join(', ')}) (${C.streamInfo}${this.ns()})`,
      ),
    ];
  }

  /**
   * Per stream, in config order: its `:info` and overrides, then those of its consumers (info,
   * overrides, scaler capacity). These are the only rules that grow with the config.
   */
  private perObjectRuleBundles(
    b: Baselines,
    scalerByConsumer: ReadonlyMap<JetStreamConsumer, JetStreamScaledObject>,
  ): RuleJson[][] {
    const consumersByStream = new Map<JetStreamStream, JetStreamConsumer[]>();
    for (const { consumer } of this.props.consumers) {
      const list = consumersByStream.get(consumer.stream) ?? [];
      list.push(consumer);
      consumersByStream.set(consumer.stream, list);
    }
    const series = (record: string, value: number, labels: Record<string, string>): RuleJson => ({
      record,
      expr: `vector(${value})`,
      labels,
    });
    const override = (
      s: { override: string },
      value: number | undefined,
      baseline: number | undefined,
      labels: Record<string, string>,
    ): RuleJson[] => (value === undefined || value === baseline ? [] : [series(s.override, value, labels)]);
    return this.props.streams.map(({ stream }) => {
      const streamLabels = { namespace: this.namespace, stream_name: stream.streamName };
      const rules: RuleJson[] = [
        series(C.streamInfo, 1, { ...streamLabels, discard: stream.discard }),
        ...override(
          C.streamNearLimitRatio,
          this.streamThresholds.get(stream.streamName)!.nearLimitRatio,
          b.nearLimitRatio,
          streamLabels,
        ),
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
          ...(scaler
            ? [
                series(C.consumerScalerCapacity, th.scalerCapacity!, {
                  ...labels,
                  scaledobject: scaler.resource.name,
                  workload: scaler.target,
                }),
              ]
            : []),
        );
      }
      return rules;
    });
  }

  /**
   * `{{ ... }}` printing a threshold series' value for the alert's consumer or stream (template function `query`);
   * empty if it has none.
   */
  private lookup(series: string, keys: readonly string[], format: string): string {
    return `{{ with ${queryFor(series, keys)} }}{{ . | first | value | ${format} }}{{ end }}`;
  }

  private consumerAlerts(
    anyConsumer: boolean,
    anyScaler: boolean,
    anyAcked: boolean,
    longestWindowSeconds: number,
  ): RuleJson[] {
    if (!anyConsumer) return [];
    const ns = this.ns();
    const on = `on (${CONSUMER_THRESHOLD_KEYS.join(', ')})`;
    const what = `consumer "${T_CONSUMER}" on stream "${T_STREAM}" (${this.props.environment})`;
    const info = this.natsCli(`consumer info ${T_STREAM} ${T_CONSUMER}`);
    const count = (series: string) => this.lookup(series, CONSUMER_THRESHOLD_KEYS, 'printf "%.0f"');
    const maxLag = count(C.consumerMaxLag.threshold);
    // The scaler's names come from its capacity series' labels (absent: no scaler on this consumer).
    const withScaler = (then: string, otherwise: string) =>
      `{{ with ${queryFor(C.consumerScalerCapacity, CONSUMER_THRESHOLD_KEYS)} }}{{ ` +
      `with first . }}${then}{{ end }}{{ else }}${otherwise}{{ end }}`;
    const lagRunbook = [
      `1. Check the consumer: ${info} (Unprocessed = pending, Outstanding Acks = ack pending).`,
      withScaler(
        [
          `2. Check KEDA scaling: kubectl get hpa -n ${this.namespace}; kubectl describe ` +
            `scaledobject -n ${this.namespace} {{ .Labels.scaledobject }} (Ready and ` +
            `Fallback conditions).`,
          `3. KEDA owns the replicas of "{{ .Labels.workload }}": raise maxReplicas in ` +
            `the config, or pin a count for now with kubectl annotate scaledobject -n ` +
            `${this.namespace} {{ .Labels.scaledobject }} ` +
            `autoscaling.keda.sh/paused-replicas=<n>. A plain kubectl scale is undone by ` +
            `the HPA.`,
        ].join('\n'),
        [
          '2. No KEDA scaler targets this consumer.',
          `3. Scale its workers by hand if needed (kubectl scale deployment <workers> ` +
            `--replicas=5 -n ${this.namespace}), or add a scaler to the config.`,
        ].join('\n'),
      ),
      "4. Look at the workers' logs for slow or failing processing (every failure is redelivered after ackWait).",
    ].join('\n');
    const lagWindow = ALERT_DEFAULTS.consumerLag.growthWindow;
    const rules: RuleJson[] = [
      this.alert(ALERT_DEFAULTS.consumerLag, {
        expr:
          `${R.consumerLag}${ns} > ${on} group_left () ` +
          `${C.consumerMaxLag.threshold}${ns} and ` +
          `deriv(${R.consumerLag}${ns}[${lagWindow}]) > 0`,
        for: this.lagFor,
        summary: `NATS ${what}: lag ${T_VALUE_COUNT} above ${maxLag} and still growing`,
        description:
          `Pending plus ack-pending messages on the consumer leader (the lag KEDA scales ` +
          `on) have been above the consumer's threshold of ${maxLag} ` +
          `and rising (deriv over ${lagWindow}) for ${promDuration(this.lagFor)}: the workers are not keeping up. ` +
          withScaler(
            `KEDA scales "{{ .Labels.workload }}" (ScaledObject {{ .Labels.scaledobject ` +
              `}}) on this lag and absorbs up to {{ printf "%.0f" .Value }} (lagThreshold x ` +
              `maxReplicas).`,
            'No KEDA scaler targets this consumer.',
          ),
        runbook: lagRunbook,
      }),
    ];
    if (anyScaler) {
      rules.push(
        this.alert(ALERT_DEFAULTS.scalerSaturated, {
          // group_left copies the scaler's names onto the alert, for routing and the runbook.
          expr: `${R.consumerLag}${ns} > ${on} group_left (scaledobject, workload) ${C.consumerScalerCapacity}${ns}`,
          summary: `NATS ${what}: lag beyond what KEDA absorbs at maxReplicas of "{{ $labels.workload }}"`,
          description:
            `Lag (${T_VALUE_COUNT}) has stayed above ${count(C.consumerScalerCapacity)}, ` +
            `lagThreshold x maxReplicas of ScaledObject {{ $labels.scaledobject }}: ` +
            'the HPA asks for more than maxReplicas replicas of "{{ $labels.workload }}" ' +
            'and is capped, so the backlog drains only as fast as maxReplicas workers ' +
            'allow.',
          runbook: lagRunbook,
        }),
      );
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
          description:
            `${T_VALUE_COUNT} messages are delivered but not acked, at or above the ` +
            `consumer's threshold of ${count(C.consumerAckPendingLimit.threshold)} (its ` +
            `ackPendingRatio of maxAckPending). ` +
            'At maxAckPending the server stops delivering to this consumer, so the backlog ' +
            'grows while workers hold messages.',
          runbook: [
            `1. ${info}: compare Outstanding Acks with Max Ack Pending.`,
            `2. Workers may be stuck or slow to ack (within ackWait): check their logs and ` +
              `restarts (kubectl get pods -n ${this.namespace}).`,
            '3. If the workers are healthy and simply busy, raise maxAckPending (or scale the workers) in the config.',
          ].join('\n'),
        }),
        this.alert(ALERT_DEFAULTS.redeliveries, {
          expr: `${R.consumerNumRedelivered}${ns} > ${on} group_left () ${C.consumerMaxRedelivered.threshold}${ns}`,
          summary:
            `NATS ${what}: ${T_VALUE_COUNT} messages awaiting redelivery, more than ` +
            `${count(C.consumerMaxRedelivered.threshold)}`,
          description:
            `${T_VALUE_COUNT} messages are currently marked for redelivery (a gauge, not a ` +
            `rate), more than the consumer's threshold of ` +
            `${count(C.consumerMaxRedelivered.threshold)}: ` +
            'workers fail, nak, or miss the ackWait. Each message is tried at most maxDeliver times.',
          runbook: [
            `1. ${info}: Redelivered Messages, the ack floor, ackWait and maxDeliver.`,
            "2. Look for poison messages or timeouts in the workers' logs; a handler " +
              'slower than ackWait is redelivered while still working.',
            '3. Raise ackWait in the config if processing legitimately takes longer.',
          ].join('\n'),
        }),
        this.alert(ALERT_DEFAULTS.maxDeliver, {
          expr:
            `(${R.consumerNumRedelivered}${ns} > 0 and ${on} ${C.consumerMaxDeliverWindow.threshold}${ns}) ` +
            `unless ${on} (max_over_time(${R.consumerRedeliveredZeroAt}${ns}[${longest}]) ` +
            `+ ${on} group_left () ${C.consumerMaxDeliverWindow.threshold}${ns} > time())`,
          summary: `NATS ${what}: messages are probably reaching maxDeliver and being dropped`,
          description:
            `Redeliveries have not dropped to zero for ${window} (the consumer's ` +
            `maxDeliver x ackWait, at least ${ALERT_DEFAULTS.maxDeliver.minWindow}), ` +
            'long enough for a message to use all its attempts; after the last one the ' +
            'server gives it up for this consumer. ' +
            'This is a proxy: the exporter has no metric for terminated deliveries. The exact signal is the advisory ' +
            `${advisory}, which Prometheus does not see. It can also fire when different ` +
            `messages keep failing in turn.`,
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

  /**
   * One rule per alert and severity in use: discard "new" rejects publishes at the limit (critical), "old" drops
   * history.
   */
  private streamAlerts(streams: readonly JetStreamStream[]): RuleJson[] {
    const ns = this.ns();
    const on = `on (${STREAM_THRESHOLD_KEYS.join(', ')})`;
    const what = `stream "${T_STREAM}" (${this.props.environment})`;
    const ratio = this.lookup(C.streamNearLimitRatio.threshold, STREAM_THRESHOLD_KEYS, 'humanizePercentage');
    const fileStoreNote = " (all file streams' maxBytes must fit nats.fileStorageSize)";
    const runbook = (limit: string) =>
      [
        `1. ${this.natsCli(`stream info ${T_STREAM}`)}: State (messages, bytes) against ${limit}.`,
        '2. Check that the consumers keep up (consumer lag alerts) and that publishers are not flooding the stream.',
        `3. Raise the stream's ${limit} in the config${limit === 'maxBytes' ? fileStoreNote : ''} or shorten maxAge.`,
      ].join('\n');
    const rules: RuleJson[] = [];
    for (const discard of ['old', 'new'] as const) {
      if (!streams.some((s) => s.discard === discard)) continue;
      const discardSelector = this.ns(['discard', 'new', discard === 'new' ? '=' : '!=']);
      const onlyThese = `and ${on} ${C.streamInfo}${discardSelector}`;
      const effect =
        discard === 'new'
          ? 'With discard "new" the server then rejects publishes to the stream.'
          : 'With discard "old" the server then drops the oldest messages, so the stream ' +
            'keeps less than its maxAge promises.';
      const severity = (d: { severity: AlertSeverity; severityDiscardNew: AlertSeverity }) =>
        discard === 'new' ? d.severityDiscardNew : d.severity;
      const limitOf = (series: string, format: string) => this.lookup(series, STREAM_THRESHOLD_KEYS, format);
      rules.push(
        this.alert(ALERT_DEFAULTS.streamBytes, {
          expr:
            `${R.streamTotalBytes}${ns} / ${R.streamLimitBytes}${ns} > ${on} group_left () ` +
            `${C.streamNearLimitRatio.threshold}${ns} ${onlyThese}`,
          for: this.streamFor,
          severity: severity(ALERT_DEFAULTS.streamBytes),
          summary:
            `NATS ${what}: {{ $value | humanizePercentage }} of maxBytes ` +
            `${limitOf(R.streamLimitBytes, 'humanize1024')}B`,
          description:
            `The stream leader holds more than the stream's threshold of ${ratio} of its ` +
            `maxBytes (${limitOf(R.streamLimitBytes, 'humanize1024')}B). ${effect}`,
          runbook: runbook('maxBytes'),
        }),
        this.alert(ALERT_DEFAULTS.streamMessages, {
          expr:
            `${R.streamTotalMessages}${ns} / ${R.streamLimitMessages}${ns} > ${on} ` +
            `group_left () ${C.streamNearLimitRatio.threshold}${ns} ${onlyThese}`,
          for: this.streamFor,
          severity: severity(ALERT_DEFAULTS.streamMessages),
          summary:
            `NATS ${what}: {{ $value | humanizePercentage }} of maxMsgs ` +
            `${limitOf(R.streamLimitMessages, 'printf "%.0f"')}`,
          description:
            `The stream leader holds more than the stream's threshold of ${ratio} of its ` +
            `maxMsgs (${limitOf(R.streamLimitMessages, 'printf "%.0f"')}). ${effect}`,
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
    const pods =
      `kubectl get pods -n ${this.namespace} -l ` +
      `app.kubernetes.io/name=nats,app.kubernetes.io/component=nats,app.kubernetes.io/instance=${nats.releaseName}`;
    const logs = `kubectl logs -n ${this.namespace} statefulset/${nats.fullname} -c nats`;
    const connectionRunbook = [
      `1. Verify NATS is running: ${pods}.`,
      `2. Check the logs: ${logs} (add --previous after a crash).`,
      `3. A pod stuck in CreateContainerConfigError usually lacks the token Secret: ` +
        `kubectl get secret ${nats.tokenSecret.name} -n ${this.namespace} (see ` +
        `docs/operations.md).`,
      `4. Test connectivity: ${this.natsCli('pub test.subject "hello"')}.`,
    ].join('\n');
    const pct = `${Math.round(fileStorageRatio * 100)}%`;
    return [
      this.alert(ALERT_DEFAULTS.fileStorage, {
        expr:
          `${M.varzJetStreamStatsStorage}${sel} / ` +
          `(${M.varzJetStreamConfigMaxStorage}${sel} > 0) > ${fileStorageRatio}`,
        summary: `NATS (${env}): a server's JetStream file storage is above ${pct} of max_file_store`,
        description:
          `A NATS server uses more than ${pct} of its JetStream file store ` +
          `(max_file_store ${nats.fileStoreMax}, PVC ` +
          `${nats.fileStoragePvc.toQuantity()}). ` +
          'When it is full, streams placed on it stop accepting messages.',
        runbook: [
          `1. ${this.natsCli('server report jetstream')}: storage per server.`,
          `2. ${this.natsCli('stream report')}: which streams hold the bytes.`,
          "3. Lower streams' maxBytes, or raise nats.fileStorageSize in the config after expanding the PVCs " +
            `(the StatefulSet's volumeClaimTemplates cannot change in place; runbook: ${VOLUME_RESIZE_RUNBOOK}).`,
        ].join('\n'),
      }),
      this.alert(ALERT_DEFAULTS.noMetaLeader, {
        expr:
          `count by (namespace) (${M.serverJetStreamDisabled}${sel} == 0) unless count ` +
          `by (namespace) (${M.serverJetStreamDisabled}${this.exporterSelector(['is_meta_leader', 'true'])})`,
        summary: `NATS (${env}): no JetStream meta leader`,
        description:
          'JetStream servers are up but none claims meta leadership: the meta group has no quorum. ' +
          'Streams and consumers cannot be created, updated or deleted (NACK fails), and placement stops.',
        runbook: [
          `1. ${this.natsCli('server report jetstream')}: the meta group, its leader and lagging peers.`,
          `2. Verify NATS is running: ${pods}.`,
          `3. Quorum needs ${Math.floor(nats.replicas / 2) + 1} of ${nats.replicas} ` +
            `servers; bring missing pods back (PVC or node problems) before anything else.`,
        ].join('\n'),
      }),
      this.alert(ALERT_DEFAULTS.jetStreamDisabled, {
        expr: `${M.serverJetStreamDisabled}${sel} == 1`,
        summary: `NATS (${env}): JetStream is disabled on a server`,
        description:
          'A NATS server runs without JetStream, usually after a storage problem (full or unwritable /data).',
        runbook: `${connectionRunbook}\n5. Check the JetStream PVC: kubectl get pvc -n ${this.namespace}.`,
      }),
      this.alert(ALERT_DEFAULTS.serverMissing, {
        expr:
          `count by (namespace) (${M.serverJetStreamDisabled}${sel} == 0) < ` +
          `${nats.replicas} or absent(${M.serverJetStreamDisabled}${sel})`,
        severity:
          nats.replicas > 1 ? ALERT_DEFAULTS.serverMissing.severity : ALERT_DEFAULTS.serverMissing.severitySingleServer,
        summary: `NATS (${env}): fewer than ${nats.replicas} NATS servers report JetStream`,
        description:
          `The environment runs ${nats.replicas} NATS server(s) but fewer report metrics ` +
          `with JetStream enabled: a server is down, ` +
          'not ready, or its exporter cannot reach it (the exporter then drops its samples and `up` stays 1).' +
          (nats.replicas > 1
            ? ` JetStream keeps quorum while ${Math.floor(nats.replicas / 2) + 1} are up.`
            : ' This is the only server: clients are cut off.'),
        runbook: connectionRunbook,
      }),
      this.alert(ALERT_DEFAULTS.exporterDown, {
        expr: `up${sel} == 0`,
        summary: `NATS (${env}): Prometheus cannot scrape a NATS exporter`,
        description:
          `Prometheus fails to scrape the prom-exporter sidecar (port 7777, job ` +
          `"${this.job}"): the NATS metrics and every alert above are blind for that ` +
          `server.`,
        runbook: [
          `1. ${pods}: is the prom-exporter container ready?`,
          `2. kubectl logs -n ${this.namespace} statefulset/${nats.fullname} -c prom-exporter.`,
          `3. NetworkPolicy ${nats.fullname}-allow-metrics must admit Prometheus' pods ` +
            `(network.prometheusNamespace/prometheusPodLabels).`,
        ].join('\n'),
      }),
      this.alert(ALERT_DEFAULTS.metricsAbsent, {
        expr: `absent(up${sel})`,
        summary: `NATS (${env}): Prometheus scrapes no NATS exporter at all`,
        description:
          `No target of job "${this.job}" exists in namespace ${this.namespace}: the ` +
          `ServiceMonitor is not selected by Prometheus, the metrics Service has no ` +
          `endpoints, or NATS is not installed.`,
        runbook: [
          `1. kubectl get servicemonitor,service,endpoints -n ${this.namespace} ${this.job}.`,
          `2. The ServiceMonitor's labels must match the Prometheus ` +
            `serviceMonitorSelector (monitoring.prometheusSelectorLabels: ` +
            `${JSON.stringify(this.props.prometheusSelectorLabels)}).`,
          `3. ${pods}.`,
        ].join('\n'),
      }),
    ];
  }

  private alert(
    defaults: { readonly alert: string; readonly severity: AlertSeverity; readonly for: string },
    rule: AlertText,
  ): RuleJson {
    return alertRule(defaults, rule, {
      environment: this.props.environment,
      namespace: this.namespace,
      alerts: this.props.alerts,
    });
  }

  /** A nats CLI command an operator can paste: through nats-box (which has the token), or a port-forward. */
  private natsCli(args: string): string {
    const box = this.props.nats.natsBoxDeployment;
    return box
      ? `kubectl exec -n ${this.namespace} deploy/${box} -- nats ${args}`
      : `nats --server nats://localhost:4222 ${args} (after kubectl port-forward -n ` +
          `${this.namespace} svc/${this.props.nats.fullname} 4222, with NATS_TOKEN set)`;
  }
}

/** The template expression `query "<series>{namespace=...,stream_name=...}"` for the alert's own labels. */
function queryFor(series: string, keys: readonly string[]): string {
  const format = `${series}{${keys.map((k) => `${k}=%q`).join(',')}}`;
  return `printf "${format}" ${keys.map((k) => `$labels.${k}`).join(' ')} | query`;
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
