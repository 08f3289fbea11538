// Alerts as data (kube-prometheus mixin style): every alert as one row of ALERTS, with its name, default severity,
// `for` and thresholds, and its expression, summary, description and runbook as functions of the environment and its
// resolved per-object thresholds (alert-thresholds.ts). alert-rules.ts turns the rows into PrometheusRules; the
// dashboard names alerts from the rows. Queries and their reasons: keda-prom-argo.md (c).
import type { AlertsConfig, AlertSeverity, DiscardPolicy } from '../../config/types';
import { Duration, parseDuration, promDuration } from '../../config/units';
import { NatsHelmValues, VOLUME_RESIZE_RUNBOOK } from '../nats/nats-helm-values';
import type { AlertThresholds } from './alert-thresholds';
import {
  CONFIG_SERIES as C,
  CONSUMER_THRESHOLD_KEYS,
  EXPORTER_METRIC as M,
  exporterSelector,
  ON_CONSUMER,
  ON_STREAM,
  recordedSelector,
  RECORDED as R,
  STREAM_THRESHOLD_KEYS,
} from './exporter-metrics';

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

/** What the rows of the table read: one environment, its NATS release and its resolved thresholds. */
export interface AlertContext {
  readonly environment: string;
  readonly namespace: string;
  /** The exporter's `job` label (scrapeJobOf). */
  readonly job: string;
  readonly nats: NatsHelmValues;
  readonly prometheusSelectorLabels: Record<string, string>;
  readonly alerts?: AlertsConfig;
  readonly thresholds: AlertThresholds;
  /** Stream rules: the discard policy of the streams this rule covers (one rule per policy in use). */
  readonly discard?: DiscardPolicy;
}

type Text = (c: AlertContext) => string;

/** One alert: a row of the table. */
export interface AlertDefinition {
  readonly alert: string;
  /** The rule group: stream rules are repeated per discard policy in use. */
  readonly group: 'consumers' | 'streams' | 'servers';
  readonly severity: AlertSeverity;
  /** Severity of the rule for discard "new" streams (the server then rejects publishes). */
  readonly severityDiscardNew?: AlertSeverity;
  /** Severity when the environment runs a single NATS server. */
  readonly severitySingleServer?: AlertSeverity;
  readonly for: string;
  /** The environment-wide `for` of the config, where it has one (one rule serves every object). */
  readonly configuredFor?: (t: AlertThresholds) => Duration;
  /** Whether the environment gets the rule at all. @default - always */
  readonly when?: (c: AlertContext) => boolean;
  readonly expr: Text;
  readonly summary: Text;
  readonly description: Text;
  /** The operator's steps, one a line (annotation `runbook`); the link (`runbook_url`) is runbookUrl's. */
  readonly runbook: (c: AlertContext) => readonly string[];
}

/**
 * The link to an alert's section of docs/operations.md (its `### <alert>` heading, as GitHub anchors it), given
 * that file's URL on the user's git host (`monitoring.alerts.runbookBaseUrl`).
 */
export function runbookUrl(docsUrl: string, row: AlertDefinition): string {
  return `${docsUrl}#${row.alert.toLowerCase()}`;
}

/** Names and thresholds as Prometheus' alert templates see them (docs: prometheus.io "Templating"). */
const T_CONSUMER = '{{ $labels.consumer_name }}';
const T_STREAM = '{{ $labels.stream_name }}';
const T_VALUE_COUNT = '{{ printf "%.0f" $value }}';

/** The template expression `query "<series>{namespace=...,stream_name=...}"` for the alert's own labels. */
function queryFor(series: string, keys: readonly string[]): string {
  const format = `${series}{${keys.map((k) => `${k}=%q`).join(',')}}`;
  return `printf "${format}" ${keys.map((k) => `$labels.${k}`).join(' ')} | query`;
}

/** `{{ ... }}` printing a threshold series' value for the alert's object (template function `query`); empty if none. */
function lookup(series: string, keys: readonly string[], format: string): string {
  return `{{ with ${queryFor(series, keys)} }}{{ . | first | value | ${format} }}{{ end }}`;
}

const countOf = (series: string) => lookup(series, CONSUMER_THRESHOLD_KEYS, 'printf "%.0f"');
const streamFigure = (series: string, format: string) => lookup(series, STREAM_THRESHOLD_KEYS, format);

/** The scaler's names come from its capacity series' labels (absent: no scaler on this consumer). */
const withScaler = (then: string, otherwise: string) =>
  `{{ with ${queryFor(C.consumerScalerCapacity, CONSUMER_THRESHOLD_KEYS)} }}{{ ` +
  `with first . }}${then}{{ end }}{{ else }}${otherwise}{{ end }}`;

/** A nats CLI command an operator can paste: through nats-box (which has the token), or a port-forward. */
function natsCli(c: AlertContext, args: string): string {
  const box = c.nats.natsBoxDeployment;
  return box
    ? `kubectl exec -n ${c.namespace} deploy/${box} -- nats ${args}`
    : `nats --server nats://localhost:4222 ${args} (after kubectl port-forward -n ` +
        `${c.namespace} svc/${c.nats.fullname} 4222, with NATS_TOKEN set)`;
}

const ns = (c: AlertContext) => recordedSelector(c.namespace);
const exporter = (c: AlertContext) => exporterSelector(c.job, c.namespace);
const consumerWhat = (c: AlertContext) => `consumer "${T_CONSUMER}" on stream "${T_STREAM}" (${c.environment})`;
const consumerInfo = (c: AlertContext) => natsCli(c, `consumer info ${T_STREAM} ${T_CONSUMER}`);
/** `<figure> <op> <the consumer's threshold>`, copying the `copied` labels of the threshold series onto the alert. */
const perConsumer = (c: AlertContext, figure: string, op: '>' | '>=', threshold: string, copied = '') =>
  `${figure}${ns(c)} ${op} ${ON_CONSUMER} group_left (${copied}) ${threshold}${ns(c)}`;
const anyConsumer = (c: AlertContext) => c.thresholds.consumerThresholds.size > 0;
const anyAcked = (c: AlertContext) => c.thresholds.anyAcked;

const lagRunbook = (c: AlertContext) => [
  `1. Check the consumer: ${consumerInfo(c)} (Unprocessed = pending, Outstanding Acks = ack pending).`,
  withScaler(
    [
      `2. Check KEDA scaling: kubectl get hpa -n ${c.namespace}; kubectl describe ` +
        `scaledobject -n ${c.namespace} {{ .Labels.scaledobject }} (Ready and Fallback conditions).`,
      `3. KEDA owns the replicas of "{{ .Labels.workload }}": raise maxReplicas in the config, or pin a count ` +
        `for now with kubectl annotate scaledobject -n ${c.namespace} {{ .Labels.scaledobject }} ` +
        `autoscaling.keda.sh/paused-replicas=<n>. A plain kubectl scale is undone by the HPA.`,
    ].join('\n'),
    [
      '2. No KEDA scaler targets this consumer.',
      `3. Scale its workers by hand if needed (kubectl scale deployment <workers> ` +
        `--replicas=5 -n ${c.namespace}), or add a scaler to the config.`,
    ].join('\n'),
  ),
  "4. Look at the workers' logs for slow or failing processing (every failure is redelivered after ackWait).",
];

/** The stream rules of one discard policy cover only the streams with it. */
const streamThreshold = (c: AlertContext) =>
  `${ON_STREAM} group_left () ${C.streamNearLimitRatio.threshold}${ns(c)} and ${ON_STREAM} ` +
  `${C.streamInfo}${recordedSelector(c.namespace, ['discard', 'new', c.discard === 'new' ? '=' : '!='])}`;
const streamWhat = (c: AlertContext) => `stream "${T_STREAM}" (${c.environment})`;
const STREAM_ABOVE_RATIO =
  `The stream leader holds more than the stream's threshold of ` +
  `${streamFigure(C.streamNearLimitRatio.threshold, 'humanizePercentage')} of its `;
const discardEffect = (c: AlertContext) =>
  c.discard === 'new'
    ? 'With discard "new" the server then rejects publishes to the stream.'
    : 'With discard "old" the server then drops the oldest messages, so the stream keeps less than its maxAge ' +
      'promises.';
const streamRunbook = (c: AlertContext, limit: 'maxBytes' | 'maxMsgs') => [
  `1. ${natsCli(c, `stream info ${T_STREAM}`)}: State (messages, bytes) against ${limit}.`,
  '2. Check that the consumers keep up (consumer lag alerts) and that publishers are not flooding the stream.',
  `3. Raise the stream's ${limit} in the config` +
    `${limit === 'maxBytes' ? " (all file streams' maxBytes must fit nats.fileStorageSize)" : ''} or shorten maxAge.`,
];

const pods = (c: AlertContext) =>
  `kubectl get pods -n ${c.namespace} -l app.kubernetes.io/name=nats,app.kubernetes.io/component=nats,` +
  `app.kubernetes.io/instance=${c.nats.releaseName}`;
const connectionRunbook = (c: AlertContext) => [
  `1. Verify NATS is running: ${pods(c)}.`,
  `2. Check the logs: kubectl logs -n ${c.namespace} statefulset/${c.nats.fullname} -c nats (add --previous ` +
    `after a crash).`,
  `3. A pod stuck in CreateContainerConfigError usually lacks the token Secret: ` +
    `kubectl get secret ${c.nats.tokenSecret.name} -n ${c.namespace} (see docs/operations.md).`,
  `4. Test connectivity: ${natsCli(c, 'pub test.subject "hello"')}.`,
];
const quorum = (c: AlertContext) => Math.floor(c.nats.replicas / 2) + 1;
const jetStreamServers = (c: AlertContext) => `count by (namespace) (${M.serverJetStreamDisabled}${exporter(c)} == 0)`;
const fileStoragePercent = (c: AlertContext) => `${Math.round(c.thresholds.fileStorageRatio * 100)}%`;

const MAX_DELIVERIES_ADVISORY = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${T_STREAM}.${T_CONSUMER}`;
const LAG_GROWTH_WINDOW = '10m';
const MAX_DELIVER_MIN_WINDOW = '5m';

/** A row's name, rule group, default severity and `for`. */
function row(alert: string, group: AlertDefinition['group'], severity: AlertSeverity, forText: string) {
  return { alert, group, severity, for: forText };
}

/** Every alert, in the order of the rules: the one table to review (docs/operations.md lists it for users). */
export const ALERTS = {
  /** config `maxLag` (and environment-wide `for`): lag high AND still growing (deriv over `growthWindow`). */
  consumerLag: {
    ...row('NatsConsumerLagGrowing', 'consumers', 'critical', '10m'),
    configuredFor: (t) => t.lagFor,
    growthWindow: LAG_GROWTH_WINDOW,
    maxLagWithoutScaler: 10_000,
    scalerCapacityMultiple: 10,
    when: anyConsumer,
    expr: (c) =>
      `${perConsumer(c, R.consumerLag, '>', C.consumerMaxLag.threshold)} and ` +
      `deriv(${R.consumerLag}${ns(c)}[${LAG_GROWTH_WINDOW}]) > 0`,
    summary: (c) =>
      `NATS ${consumerWhat(c)}: lag ${T_VALUE_COUNT} above ${countOf(C.consumerMaxLag.threshold)} and still growing`,
    description: (c) =>
      `Pending plus ack-pending messages on the consumer leader (the lag KEDA scales on) have been above the ` +
      `consumer's threshold of ${countOf(C.consumerMaxLag.threshold)} and rising (deriv over ` +
      `${LAG_GROWTH_WINDOW}) for ${promDuration(c.thresholds.lagFor)}: the workers are not keeping up. ` +
      withScaler(
        `KEDA scales "{{ .Labels.workload }}" (ScaledObject {{ .Labels.scaledobject }}) on this lag and absorbs ` +
          `up to {{ printf "%.0f" .Value }} (lagThreshold x maxReplicas).`,
        'No KEDA scaler targets this consumer.',
      ),
    runbook: lagRunbook,
  },
  /** lag above lagThreshold x maxReplicas: the HPA wants more than maxReplicas. Only for consumers a scaler targets. */
  scalerSaturated: {
    ...row('NatsConsumerScalerSaturated', 'consumers', 'warning', '15m'),
    when: (c) => anyConsumer(c) && c.thresholds.scalerByConsumer.size > 0,
    // group_left copies the scaler's names onto the alert, for routing and the runbook.
    expr: (c) => perConsumer(c, R.consumerLag, '>', C.consumerScalerCapacity, 'scaledobject, workload'),
    summary: (c) => `NATS ${consumerWhat(c)}: lag beyond what KEDA absorbs at maxReplicas of "{{ $labels.workload }}"`,
    description: () =>
      `Lag (${T_VALUE_COUNT}) has stayed above ${countOf(C.consumerScalerCapacity)}, ` +
      `lagThreshold x maxReplicas of ScaledObject {{ $labels.scaledobject }}: ` +
      'the HPA asks for more than maxReplicas replicas of "{{ $labels.workload }}" and is capped, so the backlog ' +
      'drains only as fast as maxReplicas workers allow.',
    runbook: lagRunbook,
  },
  /** config `ackPendingRatio` of the consumer's maxAckPending (delivery stops at 100%). */
  ackPending: {
    ...row('NatsConsumerAckPendingHigh', 'consumers', 'warning', '10m'),
    ratio: 0.9,
    when: anyAcked,
    expr: (c) => perConsumer(c, R.consumerNumAckPending, '>=', C.consumerAckPendingLimit.threshold),
    summary: (c) => `NATS ${consumerWhat(c)}: ack pending ${T_VALUE_COUNT} near maxAckPending`,
    description: () =>
      `${T_VALUE_COUNT} messages are delivered but not acked, at or above the consumer's threshold of ` +
      `${countOf(C.consumerAckPendingLimit.threshold)} (its ackPendingRatio of maxAckPending). ` +
      'At maxAckPending the server stops delivering to this consumer, so the backlog grows while workers hold ' +
      'messages.',
    runbook: (c) => [
      `1. ${consumerInfo(c)}: compare Outstanding Acks with Max Ack Pending.`,
      `2. Workers may be stuck or slow to ack (within ackWait): check their logs and restarts ` +
        `(kubectl get pods -n ${c.namespace}).`,
      '3. If the workers are healthy and simply busy, raise maxAckPending (or scale the workers) in the config.',
    ],
  },
  /** config `maxRedelivered`: messages currently marked for redelivery (a gauge). */
  redeliveries: {
    ...row('NatsConsumerRedeliveriesHigh', 'consumers', 'warning', '15m'),
    maxRedelivered: 100,
    when: anyAcked,
    expr: (c) => perConsumer(c, R.consumerNumRedelivered, '>', C.consumerMaxRedelivered.threshold),
    summary: (c) =>
      `NATS ${consumerWhat(c)}: ${T_VALUE_COUNT} messages awaiting redelivery, more than ` +
      `${countOf(C.consumerMaxRedelivered.threshold)}`,
    description: () =>
      `${T_VALUE_COUNT} messages are currently marked for redelivery (a gauge, not a rate), more than the ` +
      `consumer's threshold of ${countOf(C.consumerMaxRedelivered.threshold)}: ` +
      'workers fail, nak, or miss the ackWait. Each message is tried at most maxDeliver times.',
    runbook: (c) => [
      `1. ${consumerInfo(c)}: Redelivered Messages, the ack floor, ackWait and maxDeliver.`,
      "2. Look for poison messages or timeouts in the workers' logs; a handler " +
        'slower than ackWait is redelivered while still working.',
      '3. Raise ackWait in the config if processing legitimately takes longer.',
    ],
  },
  /** Proxy (no exporter metric exists): redeliveries never dropped to 0 for max(minWindow, maxDeliver x ackWait). */
  maxDeliver: {
    ...row('NatsConsumerMaxDeliverLikely', 'consumers', 'warning', '5m'),
    minWindow: MAX_DELIVER_MIN_WINDOW,
    when: anyAcked,
    // The range covers the longest window of the environment; each consumer then compares the last time it had
    // nothing to redeliver with its own window: min_over_time(x[window]) > 0, per consumer.
    expr: (c) =>
      `(${R.consumerNumRedelivered}${ns(c)} > 0 and ${ON_CONSUMER} ${C.consumerMaxDeliverWindow.threshold}${ns(c)}) ` +
      `unless ${ON_CONSUMER} (max_over_time(${R.consumerRedeliveredZeroAt}${ns(c)}` +
      `[${promDuration(Duration.seconds(c.thresholds.longestWindowSeconds))}]) ` +
      `+ ${ON_CONSUMER} group_left () ${C.consumerMaxDeliverWindow.threshold}${ns(c)} > time())`,
    summary: (c) => `NATS ${consumerWhat(c)}: messages are probably reaching maxDeliver and being dropped`,
    description: () =>
      `Redeliveries have not dropped to zero for ` +
      `${lookup(C.consumerMaxDeliverWindow.threshold, CONSUMER_THRESHOLD_KEYS, 'humanizeDuration')} (the ` +
      `consumer's maxDeliver x ackWait, at least ${MAX_DELIVER_MIN_WINDOW}), long enough for a message to use ` +
      'all its attempts; after the last one the server gives it up for this consumer. ' +
      'This is a proxy: the exporter has no metric for terminated deliveries. The exact signal is the advisory ' +
      `${MAX_DELIVERIES_ADVISORY}, which Prometheus does not see. It can also fire when different ` +
      `messages keep failing in turn.`,
    runbook: (c) => [
      `1. Watch the advisories: ${natsCli(c, `sub '${MAX_DELIVERIES_ADVISORY}'`)} (each names the stream ` +
        `sequence given up).`,
      `2. Read a given-up message: ${natsCli(c, `stream get ${T_STREAM} <stream_seq>`)}.`,
      '3. Fix the worker or the message, then republish it if it must be processed.',
    ],
  },
  /** config `nearLimitRatio` (and environment-wide `for`). */
  streamBytes: {
    ...row('NatsStreamNearMaxBytes', 'streams', 'warning', '15m'),
    severityDiscardNew: 'critical',
    configuredFor: (t) => t.streamFor,
    ratio: 0.85,
    expr: (c) => `${R.streamTotalBytes}${ns(c)} / ${R.streamLimitBytes}${ns(c)} > ${streamThreshold(c)}`,
    summary: (c) =>
      `NATS ${streamWhat(c)}: {{ $value | humanizePercentage }} of maxBytes ` +
      `${streamFigure(R.streamLimitBytes, 'humanize1024')}B`,
    description: (c) =>
      `${STREAM_ABOVE_RATIO}maxBytes (${streamFigure(R.streamLimitBytes, 'humanize1024')}B). ${discardEffect(c)}`,
    runbook: (c) => streamRunbook(c, 'maxBytes'),
  },
  /** As streamBytes, for streams with maxMsgs; ratio and `for` are the stream's (streamBytes defaults). */
  streamMessages: {
    ...row('NatsStreamNearMaxMessages', 'streams', 'warning', '15m'),
    severityDiscardNew: 'critical',
    configuredFor: (t) => t.streamFor,
    expr: (c) => `${R.streamTotalMessages}${ns(c)} / ${R.streamLimitMessages}${ns(c)} > ${streamThreshold(c)}`,
    summary: (c) =>
      `NATS ${streamWhat(c)}: {{ $value | humanizePercentage }} of maxMsgs ` +
      `${streamFigure(R.streamLimitMessages, 'printf "%.0f"')}`,
    description: (c) =>
      `${STREAM_ABOVE_RATIO}maxMsgs (${streamFigure(R.streamLimitMessages, 'printf "%.0f"')}). ${discardEffect(c)}`,
    runbook: (c) => streamRunbook(c, 'maxMsgs'),
  },
  /** config `monitoring.alerts.fileStorageRatio` of a node's max_file_store. */
  fileStorage: {
    ...row('NatsServerFileStorageHigh', 'servers', 'warning', '15m'),
    ratio: 0.85,
    expr: (c) =>
      `${M.varzJetStreamStatsStorage}${exporter(c)} / (${M.varzJetStreamConfigMaxStorage}${exporter(c)} > 0) > ` +
      `${c.thresholds.fileStorageRatio}`,
    summary: (c) =>
      `NATS (${c.environment}): a server's JetStream file storage is above ${fileStoragePercent(c)} of max_file_store`,
    description: (c) =>
      `A NATS server uses more than ${fileStoragePercent(c)} of its JetStream file store (max_file_store ` +
      `${c.nats.fileStoreMax}, PVC ${c.nats.fileStoragePvc.toQuantity()}). ` +
      'When it is full, streams placed on it stop accepting messages.',
    runbook: (c) => [
      `1. ${natsCli(c, 'server report jetstream')}: storage per server.`,
      `2. ${natsCli(c, 'stream report')}: which streams hold the bytes.`,
      "3. Lower streams' maxBytes, or raise nats.fileStorageSize in the config after expanding the PVCs " +
        `(the StatefulSet's volumeClaimTemplates cannot change in place; runbook: ${VOLUME_RESIZE_RUNBOOK}).`,
    ],
  },
  noMetaLeader: {
    ...row('NatsJetStreamNoMetaLeader', 'servers', 'critical', '2m'),
    expr: (c) =>
      `${jetStreamServers(c)} unless count by (namespace) ` +
      `(${M.serverJetStreamDisabled}${exporterSelector(c.job, c.namespace, ['is_meta_leader', 'true'])})`,
    summary: (c) => `NATS (${c.environment}): no JetStream meta leader`,
    description: () =>
      'JetStream servers are up but none claims meta leadership: the meta group has no quorum. ' +
      'Streams and consumers cannot be created, updated or deleted (NACK fails), and placement stops.',
    runbook: (c) => [
      `1. ${natsCli(c, 'server report jetstream')}: the meta group, its leader and lagging peers.`,
      `2. Verify NATS is running: ${pods(c)}.`,
      `3. Quorum needs ${quorum(c)} of ${c.nats.replicas} servers; bring missing pods back (PVC or node ` +
        `problems) before anything else.`,
    ],
  },
  jetStreamDisabled: {
    ...row('NatsJetStreamDisabled', 'servers', 'critical', '5m'),
    expr: (c) => `${M.serverJetStreamDisabled}${exporter(c)} == 1`,
    summary: (c) => `NATS (${c.environment}): JetStream is disabled on a server`,
    description: () =>
      'A NATS server runs without JetStream, usually after a storage problem (full or unwritable /data).',
    runbook: (c) => [...connectionRunbook(c), `5. Check the JetStream PVC: kubectl get pvc -n ${c.namespace}.`],
  },
  /** Fewer servers report JetStream than nats.replicas; a clustered meta group survives one loss. */
  serverMissing: {
    ...row('NatsServerMissing', 'servers', 'warning', '5m'),
    severitySingleServer: 'critical',
    expr: (c) => `${jetStreamServers(c)} < ${c.nats.replicas} or absent(${M.serverJetStreamDisabled}${exporter(c)})`,
    summary: (c) => `NATS (${c.environment}): fewer than ${c.nats.replicas} NATS servers report JetStream`,
    description: (c) =>
      `The environment runs ${c.nats.replicas} NATS server(s) but fewer report metrics with JetStream enabled: ` +
      'a server is down, not ready, or its exporter cannot reach it (the exporter then drops its samples and ' +
      '`up` stays 1).' +
      (c.nats.replicas > 1
        ? ` JetStream keeps quorum while ${quorum(c)} are up.`
        : ' This is the only server: clients are cut off.'),
    runbook: connectionRunbook,
  },
  exporterDown: {
    ...row('NatsExporterDown', 'servers', 'warning', '5m'),
    expr: (c) => `up${exporter(c)} == 0`,
    summary: (c) => `NATS (${c.environment}): Prometheus cannot scrape a NATS exporter`,
    description: (c) =>
      `Prometheus fails to scrape the prom-exporter sidecar (port 7777, job "${c.job}"): the NATS metrics and ` +
      `every alert above are blind for that server.`,
    runbook: (c) => [
      `1. ${pods(c)}: is the prom-exporter container ready?`,
      `2. kubectl logs -n ${c.namespace} statefulset/${c.nats.fullname} -c prom-exporter.`,
      `3. NetworkPolicy ${c.nats.fullname}-allow-metrics must admit Prometheus' pods ` +
        `(network.prometheusNamespace/prometheusPodLabels).`,
    ],
  },
  metricsAbsent: {
    ...row('NatsMetricsAbsent', 'servers', 'warning', '10m'),
    expr: (c) => `absent(up${exporter(c)})`,
    summary: (c) => `NATS (${c.environment}): Prometheus scrapes no NATS exporter at all`,
    description: (c) =>
      `No target of job "${c.job}" exists in namespace ${c.namespace}: the ServiceMonitor is not selected by ` +
      `Prometheus, the metrics Service has no endpoints, or NATS is not installed.`,
    runbook: (c) => [
      `1. kubectl get servicemonitor,service,endpoints -n ${c.namespace} ${c.job}.`,
      `2. The ServiceMonitor's labels must match the Prometheus serviceMonitorSelector ` +
        `(monitoring.prometheusSelectorLabels: ${JSON.stringify(c.prometheusSelectorLabels)}).`,
      `3. ${pods(c)}.`,
    ],
  },
  // Other keys of a row (e.g. `ratio`) are its default thresholds, which alert-thresholds.ts resolves per object.
} as const satisfies Record<string, AlertDefinition & Record<string, unknown>>;

/** A duration of ALERTS (a literal of ours, so a bad one is a bug, not a config error). */
export function parse(text: string): Duration {
  const d = parseDuration(text);
  if (!d) throw new Error(`ALERTS has an invalid duration "${text}"`);
  return d;
}
