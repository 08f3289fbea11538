import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../imports/monitoring.coreos.com';
import { CheckTarget, checkInteger, toPositiveDuration } from './checks';
import { AlertSeverity, AlertsConfig, ConsumerAlertConfig, StreamAlertConfig } from './config';
import { fail } from './errors';
import {
  CONSUMER_KEY_LABELS, EXPORTER_METRIC as M, promSelector, RECORDED as R, scrapeJobOf, STREAM_KEY_LABELS,
} from './exporter-metrics';
import { JetStreamConsumer } from './jetstream-consumer';
import { JetStreamScaledObject } from './jetstream-scaled-object';
import { JetStreamStream } from './jetstream-stream';
import { NatsHelmValues } from './nats-helm-values';
import { NatsMetricsService } from './nats-metrics-service';
import { Duration, DurationInput, parseDuration, promDuration } from './units';

/**
 * Every alert with its default threshold, `for` and severity: the one table to review.
 * Thresholds marked "config" can be overridden per consumer/stream (`alerts`) or for the whole
 * environment (`monitoring.alerts`). Queries and their reasons: keda-prom-argo.md (c).
 */
export const ALERT_DEFAULTS = {
  /** config `maxLag`/`for`: lag high AND still growing (deriv over `growthWindow`). */
  consumerLag: { alert: 'NatsConsumerLagGrowing', severity: 'critical', for: '10m', growthWindow: '10m', maxLagWithoutScaler: 10_000, scalerCapacityMultiple: 10 },
  /** lag above lagThreshold x maxReplicas: the HPA wants more than maxReplicas. Only for consumers a scaler targets. */
  scalerSaturated: { alert: 'NatsConsumerScalerSaturated', severity: 'warning', for: '15m' },
  /** config `ackPendingRatio` of the consumer's maxAckPending (delivery stops at 100%). */
  ackPending: { alert: 'NatsConsumerAckPendingHigh', severity: 'warning', for: '10m', ratio: 0.9 },
  /** config `maxRedelivered`: messages currently marked for redelivery (a gauge). */
  redeliveries: { alert: 'NatsConsumerRedeliveriesHigh', severity: 'warning', for: '15m', maxRedelivered: 100 },
  /** Proxy (no exporter metric exists): redeliveries never dropped to 0 for max(minWindow, maxDeliver x ackWait). */
  maxDeliver: { alert: 'NatsConsumerMaxDeliverLikely', severity: 'warning', for: '5m', minWindow: '5m' },
  /** config `nearLimitRatio`/`for`; critical with discard "new" (publishes are then rejected). */
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
  readonly lagFor: Duration;
  readonly ackPendingRatio: number;
  readonly maxRedelivered: number;
  /** lagThreshold x maxReplicas of the scaler on the consumer, if any. */
  readonly scalerCapacity?: number;
}

export interface StreamThresholds {
  readonly nearLimitRatio: number;
  readonly for: Duration;
}

/**
 * A prometheus-operator `monitoring.coreos.com/v1` PrometheusRule for one environment:
 * recording rules first (leader-only figures aggregated to stable labels, so a leader move
 * neither double counts nor resets `for:`; keda-prom-argo.md (b),(c)), then one alert per
 * consumer, stream and server concern, thresholds per object from the config.
 * Every selector names the exporter's `job` and the environment's `namespace`, so two
 * environments in one Prometheus never record the same series.
 */
export class NatsAlertRules extends Construct {
  public readonly name: string;
  /** The rule groups exactly as rendered (`spec`), for `promtool check rules`. */
  public readonly groups: readonly RuleGroupJson[];
  public readonly consumerThresholds: ReadonlyMap<string, ConsumerThresholds>;
  public readonly streamThresholds: ReadonlyMap<string, StreamThresholds>;
  public readonly resource: PrometheusRule;
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
    const fileStorageRatio = checkRatio(envTarget, 'monitoring.alerts.fileStorageRatio', alerts.fileStorageRatio ?? ALERT_DEFAULTS.fileStorage.ratio);

    const scalerByConsumer = new Map<JetStreamConsumer, JetStreamScaledObject>();
    for (const scaler of props.scalers ?? []) scalerByConsumer.set(scaler.consumer, scaler);

    const consumerThresholds = new Map<string, ConsumerThresholds>();
    const consumerRules = props.consumers.flatMap(({ consumer, alerts: own }) => {
      const t: CheckTarget = { scope: this, resource: `Consumer "${consumer.durableName}" (stream "${consumer.stream.streamName}")` };
      const mine = checkConsumerAlerts(t, 'alerts', own ?? {});
      const scaler = scalerByConsumer.get(consumer);
      const scalerCapacity = scaler ? scaler.lagThreshold * scaler.maxReplicas : undefined;
      const thresholds: ConsumerThresholds = {
        maxLag: mine.maxLag ?? envConsumer.maxLag ??
          (scalerCapacity !== undefined ? ALERT_DEFAULTS.consumerLag.scalerCapacityMultiple * scalerCapacity : ALERT_DEFAULTS.consumerLag.maxLagWithoutScaler),
        lagFor: mine.for ?? envConsumer.for ?? parse(ALERT_DEFAULTS.consumerLag.for),
        ackPendingRatio: mine.ackPendingRatio ?? envConsumer.ackPendingRatio ?? ALERT_DEFAULTS.ackPending.ratio,
        maxRedelivered: mine.maxRedelivered ?? envConsumer.maxRedelivered ?? ALERT_DEFAULTS.redeliveries.maxRedelivered,
        scalerCapacity,
      };
      consumerThresholds.set(consumer.durableName, thresholds);
      return this.consumerAlerts(consumer, thresholds, scaler);
    });

    const streamThresholds = new Map<string, StreamThresholds>();
    const streamRules = props.streams.flatMap(({ stream, alerts: own }) => {
      const t: CheckTarget = { scope: this, resource: `Stream "${stream.streamName}"` };
      const mine = checkStreamAlerts(t, 'alerts', own ?? {});
      const thresholds: StreamThresholds = {
        nearLimitRatio: mine.nearLimitRatio ?? envStream.nearLimitRatio ?? ALERT_DEFAULTS.streamBytes.ratio,
        for: mine.for ?? envStream.for ?? parse(ALERT_DEFAULTS.streamBytes.for),
      };
      streamThresholds.set(stream.streamName, thresholds);
      return this.streamAlerts(stream, thresholds);
    });

    this.consumerThresholds = consumerThresholds;
    this.streamThresholds = streamThresholds;
    this.groups = [
      { name: 'overmind-nats.recording', rules: this.recordingRules() },
      { name: 'overmind-nats.consumers', rules: consumerRules },
      { name: 'overmind-nats.streams', rules: streamRules },
      { name: 'overmind-nats.servers', rules: this.serverAlerts(fileStorageRatio) },
    ].filter((g) => g.rules.length > 0);

    this.resource = new PrometheusRule(this, 'Resource', {
      metadata: { name: this.name, labels: props.prometheusSelectorLabels },
      spec: {
        groups: this.groups.map((g) => ({
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

  private recordingRules(): RuleJson[] {
    const consumerBy = `max by (${CONSUMER_KEY_LABELS.join(', ')})`;
    const streamBy = `max by (${STREAM_KEY_LABELS.join(', ')})`;
    const consumerLeader = this.exporterSelector(['is_consumer_leader', 'true']);
    const streamLeader = this.exporterSelector(['is_stream_leader', 'true']);
    const ns = promSelector([['namespace', this.namespace]]);
    return [
      { record: R.consumerNumPending, expr: `${consumerBy} (${M.consumerNumPending}${consumerLeader})` },
      { record: R.consumerNumAckPending, expr: `${consumerBy} (${M.consumerNumAckPending}${consumerLeader})` },
      { record: R.consumerNumRedelivered, expr: `${consumerBy} (${M.consumerNumRedelivered}${consumerLeader})` },
      { record: R.consumerDeliveredStreamSeq, expr: `${consumerBy} (${M.consumerDeliveredStreamSeq}${consumerLeader})` },
      // KEDA's lag (keda-prom-argo.md (a)): what the scaler divides by lagThreshold.
      { record: R.consumerLag, expr: `${R.consumerNumPending}${ns} + ${R.consumerNumAckPending}${ns}` },
      { record: R.streamTotalBytes, expr: `${streamBy} (${M.streamTotalBytes}${streamLeader})` },
      // Limits are -1 when unlimited: dropped, so ratios only exist for limited streams.
      { record: R.streamLimitBytes, expr: `${streamBy} (${M.streamLimitBytes}${streamLeader} > 0)` },
      { record: R.streamTotalMessages, expr: `${streamBy} (${M.streamTotalMessages}${streamLeader})` },
      { record: R.streamLimitMessages, expr: `${streamBy} (${M.streamLimitMessages}${streamLeader} > 0)` },
    ];
  }

  private consumerAlerts(consumer: JetStreamConsumer, th: ConsumerThresholds, scaler: JetStreamScaledObject | undefined): RuleJson[] {
    const stream = consumer.stream.streamName;
    const name = consumer.durableName;
    const sel = promSelector([['namespace', this.namespace], ['stream_name', stream], ['consumer_name', name]]);
    const what = `consumer "${name}" on stream "${stream}" (${this.props.environment})`;
    // The series already carry these; as rule labels they also make each rule unique (promtool's duplicate-rule lint).
    const identity = { stream_name: stream, consumer_name: name };
    const info = this.natsCli(`consumer info ${stream} ${name}`);
    const lagRunbook = [
      `1. Check the consumer: ${info} (Unprocessed = pending, Outstanding Acks = ack pending).`,
      ...(scaler
        ? [
          `2. Check KEDA scaling: kubectl get hpa -n ${this.namespace}; kubectl describe scaledobject -n ${this.namespace} ${scaler.resource.name} (Ready and Fallback conditions).`,
          `3. KEDA owns the replicas of "${scaler.target}" (max ${scaler.maxReplicas}): raise maxReplicas in the config, or pin a count for now with kubectl annotate scaledobject -n ${this.namespace} ${scaler.resource.name} autoscaling.keda.sh/paused-replicas=<n>. A plain kubectl scale is undone by the HPA.`,
        ]
        : [
          '2. No KEDA scaler targets this consumer.',
          `3. Scale its workers by hand if needed (kubectl scale deployment <workers> --replicas=5 -n ${this.namespace}), or add a scaler to the config.`,
        ]),
      '4. Look at the workers\' logs for slow or failing processing (every failure is redelivered after ackWait).',
    ].join('\n');
    const lagWindow = ALERT_DEFAULTS.consumerLag.growthWindow;
    const rules: RuleJson[] = [
      this.alert(ALERT_DEFAULTS.consumerLag, {
        expr: `${R.consumerLag}${sel} > ${th.maxLag} and deriv(${R.consumerLag}${sel}[${lagWindow}]) > 0`,
        extraLabels: identity,
        for: th.lagFor,
        summary: `NATS ${what}: lag above ${th.maxLag} and still growing`,
        description: `Pending plus ack-pending messages on the consumer leader (the lag KEDA scales on) have been above ${th.maxLag} ` +
          `and rising (deriv over ${lagWindow}) for ${promDuration(th.lagFor)}: the workers are not keeping up` +
          (scaler ? ` even though KEDA may scale "${scaler.target}" up to ${scaler.maxReplicas} replicas.` : '.'),
        runbook: lagRunbook,
      }),
    ];
    if (scaler && th.scalerCapacity !== undefined) {
      rules.push(this.alert(ALERT_DEFAULTS.scalerSaturated, {
        expr: `${R.consumerLag}${sel} > ${th.scalerCapacity}`,
        extraLabels: { ...identity, scaledobject: scaler.resource.name, workload: scaler.target },
        summary: `NATS ${what}: lag beyond what KEDA absorbs at ${scaler.maxReplicas} replicas of "${scaler.target}"`,
        description: `Lag has stayed above lagThreshold ${scaler.lagThreshold} x maxReplicas ${scaler.maxReplicas} = ${th.scalerCapacity}: ` +
          `the HPA asks for more than ${scaler.maxReplicas} replicas of "${scaler.target}" and is capped, so the backlog drains only as fast as ${scaler.maxReplicas} workers allow.`,
        runbook: lagRunbook,
      }));
    }
    if (consumer.ackPolicy !== 'none') {
      const ackPendingLimit = Math.ceil(th.ackPendingRatio * consumer.maxAckPending);
      const maxDeliverWindow = Duration.millis(Math.max(parse(ALERT_DEFAULTS.maxDeliver.minWindow).toMilliseconds(), consumer.maxDeliver * consumer.ackWait.toMilliseconds()));
      rules.push(
        this.alert(ALERT_DEFAULTS.ackPending, {
          expr: `${R.consumerNumAckPending}${sel} >= ${ackPendingLimit}`,
          extraLabels: identity,
          summary: `NATS ${what}: ack pending near maxAckPending ${consumer.maxAckPending}`,
          description: `${ackPendingLimit} or more messages (${Math.round(th.ackPendingRatio * 100)}% of maxAckPending ${consumer.maxAckPending}) are delivered but not acked. ` +
            'At maxAckPending the server stops delivering to this consumer, so the backlog grows while workers hold messages.',
          runbook: [
            `1. ${info}: compare Outstanding Acks with Max Ack Pending.`,
            `2. Workers may be stuck or slow to ack (ackWait ${promDuration(consumer.ackWait)}): check their logs and restarts (kubectl get pods -n ${this.namespace}).`,
            '3. If the workers are healthy and simply busy, raise maxAckPending (or scale the workers) in the config.',
          ].join('\n'),
        }),
        this.alert(ALERT_DEFAULTS.redeliveries, {
          expr: `${R.consumerNumRedelivered}${sel} > ${th.maxRedelivered}`,
          extraLabels: identity,
          summary: `NATS ${what}: more than ${th.maxRedelivered} messages awaiting redelivery`,
          description: `More than ${th.maxRedelivered} messages are currently marked for redelivery (a gauge, not a rate): workers fail, nak, or miss the ackWait of ${promDuration(consumer.ackWait)}. ` +
            `Each message is tried at most maxDeliver ${consumer.maxDeliver} times.`,
          runbook: [
            `1. ${info}: Redelivered Messages and the ack floor.`,
            '2. Look for poison messages or timeouts in the workers\' logs; a handler slower than ackWait is redelivered while still working.',
            '3. Raise ackWait in the config if processing legitimately takes longer.',
          ].join('\n'),
        }),
        this.alert(ALERT_DEFAULTS.maxDeliver, {
          expr: `min_over_time(${R.consumerNumRedelivered}${sel}[${promDuration(maxDeliverWindow)}]) > 0`,
          extraLabels: identity,
          summary: `NATS ${what}: messages are probably reaching maxDeliver ${consumer.maxDeliver} and being dropped`,
          description: `Redeliveries have not dropped to zero for ${promDuration(maxDeliverWindow)} (maxDeliver ${consumer.maxDeliver} x ackWait ${promDuration(consumer.ackWait)}, at least ${ALERT_DEFAULTS.maxDeliver.minWindow}), ` +
            'long enough for a message to use all its attempts; after the last one the server gives it up for this consumer. ' +
            'This is a proxy: the exporter has no metric for terminated deliveries. The exact signal is the advisory ' +
            `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${name}, which Prometheus does not see. ` +
            'It can also fire when different messages keep failing in turn.',
          runbook: [
            `1. Watch the advisories: ${this.natsCli(`sub '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${name}'`)} (each names the stream sequence given up).`,
            `2. Read a given-up message: ${this.natsCli(`stream get ${stream} <stream_seq>`)}.`,
            '3. Fix the worker or the message, then republish it if it must be processed.',
          ].join('\n'),
        }),
      );
    }
    return rules;
  }

  private streamAlerts(stream: JetStreamStream, th: StreamThresholds): RuleJson[] {
    const sel = promSelector([['namespace', this.namespace], ['stream_name', stream.streamName]]);
    const what = `stream "${stream.streamName}" (${this.props.environment})`;
    const discardNew = stream.discard === 'new';
    const effect = discardNew
      ? 'With discard "new" the server then rejects publishes to the stream.'
      : `With discard "old" the server then drops the oldest messages, so the stream keeps less than its maxAge${stream.maxAge ? ` of ${promDuration(stream.maxAge)}` : ''}.`;
    const runbook = (limit: string) => [
      `1. ${this.natsCli(`stream info ${stream.streamName}`)}: State (messages, bytes) against ${limit}.`,
      '2. Check that the consumers keep up (consumer lag alerts) and that publishers are not flooding the stream.',
      `3. Raise the stream's ${limit} in the config (the NATS PVC is sized from the sum of maxBytes) or shorten maxAge.`,
    ].join('\n');
    const pct = `${Math.round(th.nearLimitRatio * 100)}%`;
    const severity = (d: { severity: AlertSeverity; severityDiscardNew: AlertSeverity }) => (discardNew ? d.severityDiscardNew : d.severity);
    const rules: RuleJson[] = [
      this.alert(ALERT_DEFAULTS.streamBytes, {
        expr: `${R.streamTotalBytes}${sel} / ${R.streamLimitBytes}${sel} > ${th.nearLimitRatio}`,
        extraLabels: { stream_name: stream.streamName },
        for: th.for,
        severity: severity(ALERT_DEFAULTS.streamBytes),
        summary: `NATS ${what}: above ${pct} of maxBytes ${stream.maxBytes.toQuantity()}`,
        description: `The stream leader holds more than ${pct} of the stream's maxBytes (${stream.maxBytes}). ${effect}`,
        runbook: runbook('maxBytes'),
      }),
    ];
    if (stream.maxMsgs !== undefined) {
      rules.push(this.alert(ALERT_DEFAULTS.streamMessages, {
        expr: `${R.streamTotalMessages}${sel} / ${R.streamLimitMessages}${sel} > ${th.nearLimitRatio}`,
        extraLabels: { stream_name: stream.streamName },
        for: th.for,
        severity: severity(ALERT_DEFAULTS.streamMessages),
        summary: `NATS ${what}: above ${pct} of maxMsgs ${stream.maxMsgs}`,
        description: `The stream leader holds more than ${pct} of the stream's maxMsgs (${stream.maxMsgs}). ${effect}`,
        runbook: runbook('maxMsgs'),
      }));
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
          '3. Lower streams\' maxBytes or raise nats.fileStorageSize in the config (a PVC size change means recreating the StatefulSet, nats-io/k8s#723).',
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
    rule: {
      expr: string; for?: Duration; severity?: AlertSeverity; extraLabels?: Record<string, string>;
      summary: string; description: string; runbook: string;
    },
  ): RuleJson {
    const base = this.props.alerts?.runbookBaseUrl;
    return {
      alert: defaults.alert,
      expr: rule.expr,
      for: promDuration(rule.for ?? parse(defaults.for)),
      labels: {
        ...this.props.alerts?.labels,
        ...rule.extraLabels,
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

/** A duration of ALERT_DEFAULTS (a literal of ours, so a bad one is a bug, not a config error). */
function parse(text: string): Duration {
  const d = parseDuration(text);
  if (!d) throw new Error(`ALERT_DEFAULTS has an invalid duration "${text}"`);
  return d;
}

interface CheckedConsumerAlerts { maxLag?: number; for?: Duration; ackPendingRatio?: number; maxRedelivered?: number }
interface CheckedStreamAlerts { nearLimitRatio?: number; for?: Duration }

function checkConsumerAlerts(t: CheckTarget, prefix: string, c: ConsumerAlertConfig): CheckedConsumerAlerts {
  return {
    maxLag: c.maxLag === undefined ? undefined : checkInteger(t, `${prefix}.maxLag`, c.maxLag, { min: 1 }, 'set maxLag to a whole number of messages, e.g. 1000'),
    for: optionalDuration(t, `${prefix}.for`, c.for),
    ackPendingRatio: c.ackPendingRatio === undefined ? undefined : checkRatio(t, `${prefix}.ackPendingRatio`, c.ackPendingRatio),
    maxRedelivered: c.maxRedelivered === undefined ? undefined : checkInteger(t, `${prefix}.maxRedelivered`, c.maxRedelivered, { min: 1 }, 'set maxRedelivered to a whole number of messages, e.g. 100'),
  };
}

function checkStreamAlerts(t: CheckTarget, prefix: string, s: StreamAlertConfig): CheckedStreamAlerts {
  return {
    nearLimitRatio: s.nearLimitRatio === undefined ? undefined : checkRatio(t, `${prefix}.nearLimitRatio`, s.nearLimitRatio),
    for: optionalDuration(t, `${prefix}.for`, s.for),
  };
}

function optionalDuration(t: CheckTarget, field: string, input: DurationInput | undefined): Duration | undefined {
  if (input === undefined) return undefined;
  const d = toPositiveDuration(t, field, input);
  if (d.toMilliseconds() % 1000 !== 0) {
    fail(t.scope, { resource: t.resource, field, value: input, allowed: 'whole seconds, e.g. "10m" (Prometheus evaluates rules every few seconds at best)', fix: `write ${field} as e.g. "10m"` });
  }
  return d;
}

function checkRatio(t: CheckTarget, field: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
    fail(t.scope, { resource: t.resource, field, value, allowed: 'a fraction greater than 0 and at most 1, e.g. 0.85 for 85%', fix: `set ${field} to a fraction such as 0.85` });
  }
  return value;
}
