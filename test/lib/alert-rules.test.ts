// The PrometheusRule generated per environment: real exporter metric names (keda-prom-argo.md (b)),
// leader-only figures, thresholds per consumer and stream from the config (keda-prom-argo.md (c)).
// promtool itself runs in alert-rules.promtool.test.ts.
import * as fs from 'fs';
import * as path from 'path';
import { ENVIRONMENTS } from '../../config';
import { ConsumerConfig, EnvironmentConfig, StreamConfig } from '../../lib/config';
import { ALERT_DEFAULTS } from '../../lib/alert-rules';
import { ConfigError } from '../../lib/errors';
import { OVERMIND_CONSUMERS, OVERMIND_STREAMS } from '../../lib/overmind-topology';
import { EXPORTED_METRICS, selectorsIn } from '../support/exporter-metrics';
import { REPO_ROOT } from '../support/shared';
import { findObject, KubeObject, objectsOfKind, synthEnvironment } from '../support/synth';

interface Rule { record?: string; alert?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface Group { name: string; rules: Rule[] }

const envConfig = (name: string): EnvironmentConfig => ENVIRONMENTS.find((e) => e.name === name)!;
const rulesOf = (objects: KubeObject[]): Group[] => {
  const rules = objectsOfKind(objects, 'PrometheusRule');
  expect(rules).toHaveLength(1);
  return rules[0].spec.groups;
};
const alerts = (groups: Group[]) => groups.flatMap((g) => g.rules).filter((r) => r.alert);
const alertFor = (groups: Group[], alert: string, labels: Record<string, string>) => {
  const found = alerts(groups).filter((r) => r.alert === alert && Object.entries(labels).every(([k, v]) => r.labels?.[k] === v));
  if (found.length !== 1) throw new Error(`expected one ${alert} ${JSON.stringify(labels)}, found ${found.length}`);
  return found[0];
};
/** The exporter's job label: the name of the Service the ServiceMonitor selects (prometheus-operator default, keda-prom-argo.md (b)). */
const scrapeJob = (objects: KubeObject[]): string => {
  const monitor = objectsOfKind(objects, 'ServiceMonitor')[0];
  expect(monitor.spec.jobLabel).toBeUndefined();
  const selected = objectsOfKind(objects, 'Service').filter((s) =>
    Object.entries(monitor.spec.selector.matchLabels as Record<string, string>).every(([k, v]) => s.metadata.labels?.[k] === v));
  expect(selected).toHaveLength(1);
  return selected[0].metadata.name;
};

describe.each(ENVIRONMENTS.map((e) => e.name))('environment %s', (env) => {
  const { objects } = synthEnvironment(envConfig(env));
  const groups = rulesOf(objects);
  const namespace = envConfig(env).namespace!;
  const job = scrapeJob(objects);
  const allRules = groups.flatMap((g) => g.rules);

  test('one PrometheusRule carrying the labels Prometheus selects rules by (monitoring.prometheusSelectorLabels)', () => {
    const rule = findObject(objects, 'PrometheusRule', 'nats-alerts');
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
  });

  test('recording rules come first, alerts after; every group named and non-empty', () => {
    expect(groups[0].rules.every((r) => r.record && !r.alert)).toBe(true);
    for (const g of groups.slice(1)) expect(g.rules.every((r) => r.alert && !r.record)).toBe(true);
    for (const g of groups) {
      expect(g.name).toMatch(/\S/);
      expect(g.rules.length).toBeGreaterThan(0);
    }
    expect(new Set(groups.map((g) => g.name)).size).toBe(groups.length);
  });

  test('every expr is one line', () => {
    for (const r of allRules) expect(r.expr).not.toMatch(/\n/);
  });

  test('every raw metric is one the chart\'s exporter exports (prefix nats, keda-prom-argo.md (b)) and carries the labels used', () => {
    const recorded = new Set(groups[0].rules.map((r) => r.record!));
    for (const r of allRules) {
      for (const use of selectorsIn(r.expr)) {
        if (recorded.has(use.metric)) continue;
        expect({ expr: r.expr, metric: use.metric, exported: EXPORTED_METRICS.has(use.metric) }).toEqual({ expr: r.expr, metric: use.metric, exported: true });
        for (const label of use.labels) expect({ metric: use.metric, label, known: EXPORTED_METRICS.get(use.metric)!.includes(label) }).toEqual({ metric: use.metric, label, known: true });
      }
    }
  });

  test(`raw selectors name job="<metrics Service>" and the environment's namespace, so two environments never mix`, () => {
    for (const r of allRules) {
      for (const match of r.expr.matchAll(/\b(nats_[a-z_]+|up)\{([^}]*)\}/g)) {
        expect(match[2]).toContain(`job="${job}"`);
        expect(match[2]).toContain(`namespace="${namespace}"`);
      }
      // Recorded series are scoped by namespace too (two PrometheusRules must not record the same series).
      for (const match of r.expr.matchAll(/\b(nats:[a-z_]+:leader)(\{[^}]*\})?/g)) expect(match[2] ?? '').toContain(`namespace="${namespace}"`);
    }
  });

  test('consumer and stream figures are the leader\'s only, aggregated to stable labels (keda-prom-argo.md (b))', () => {
    for (const r of groups[0].rules) {
      for (const use of selectorsIn(r.expr)) {
        if (use.metric.startsWith('nats_consumer_')) expect(r.expr).toContain('is_consumer_leader="true"');
        if (use.metric.startsWith('nats_stream_')) expect(r.expr).toContain('is_stream_leader="true"');
      }
      if (/nats_(consumer|stream)_/.test(r.expr)) {
        expect(r.expr).toMatch(/^max by \(namespace, account, stream_name(, consumer_name)?\) \(/);
        expect(r.expr).not.toMatch(/server_|pod|instance/);
      }
    }
    expect(groups[0].rules.find((r) => r.record === 'nats:consumer_lag:leader')!.expr)
      .toBe(`nats:consumer_num_pending:leader{namespace="${namespace}"} + nats:consumer_num_ack_pending:leader{namespace="${namespace}"}`);
  });

  test('every alert has a severity, summary, description, runbook text and a Prometheus duration in for', () => {
    for (const r of alerts(groups)) {
      expect(['critical', 'warning', 'info']).toContain(r.labels!.severity);
      expect(r.labels!.environment).toBe(env);
      expect(r.for).toMatch(/^(\d+(ms|s|m|h|d|w|y))+$/);
      for (const key of ['summary', 'description', 'runbook']) expect(r.annotations![key]).toMatch(/\S{3}/);
      // Static text: templates would make promtool's exact annotation comparison and reviewers' lives harder.
      expect(JSON.stringify(r.annotations)).not.toContain('{{');
    }
  });

  test('every stream and consumer of the config has its alerts; no rule names a missing one', () => {
    const config = envConfig(env);
    const streams = (config.streams ?? OVERMIND_STREAMS).map((s) => s.name);
    const consumers = (config.consumers ?? OVERMIND_CONSUMERS).map((c) => c.name);
    for (const c of consumers) {
      for (const alert of ['NatsConsumerLagGrowing', 'NatsConsumerAckPendingHigh', 'NatsConsumerRedeliveriesHigh', 'NatsConsumerMaxDeliverLikely']) {
        alertFor(groups, alert, { consumer_name: c });
      }
    }
    for (const s of streams) alertFor(groups, 'NatsStreamNearMaxBytes', { stream_name: s });
    for (const r of alerts(groups)) {
      if (r.labels!.consumer_name) expect(consumers).toContain(r.labels!.consumer_name);
      if (r.labels!.stream_name) expect(streams).toContain(r.labels!.stream_name);
    }
    for (const alert of ['NatsServerFileStorageHigh', 'NatsJetStreamNoMetaLeader', 'NatsJetStreamDisabled', 'NatsServerMissing', 'NatsExporterDown', 'NatsMetricsAbsent']) {
      expect(alerts(groups).filter((r) => r.alert === alert)).toHaveLength(1);
    }
  });

  test('the lag alert needs lag above its threshold AND growing; the scaler alert uses lagThreshold x maxReplicas', () => {
    const scaler = (envConfig(env).scalers ?? [])[0];
    const lag = alertFor(groups, 'NatsConsumerLagGrowing', { consumer_name: scaler.consumer });
    const capacity = scaler.lagThreshold! * scaler.maxReplicas!;
    expect(lag.expr).toContain(`nats:consumer_lag:leader{namespace="${namespace}",stream_name="routing-decisions",consumer_name="${scaler.consumer}"} > ${10 * capacity} and deriv(`);
    expect(lag.for).toBe('10m');
    expect(lag.labels!.severity).toBe('critical');
    const saturated = alertFor(groups, 'NatsConsumerScalerSaturated', { consumer_name: scaler.consumer });
    expect(saturated.expr).toMatch(new RegExp(`> ${capacity}$`));
    expect(saturated.labels).toMatchObject({ scaledobject: scaler.name, workload: scaler.target });
    // Unscaled consumers: the fixed default, and no scaler alert.
    expect(alertFor(groups, 'NatsConsumerLagGrowing', { consumer_name: 'analytics-consumer' }).expr).toMatch(/> 10000 and deriv/);
    expect(alerts(groups).filter((r) => r.alert === 'NatsConsumerScalerSaturated')).toHaveLength(1);
  });

  test('ack pending fires at 90% of the consumer\'s maxAckPending; max deliver window is maxDeliver x ackWait, at least 5m', () => {
    expect(alertFor(groups, 'NatsConsumerAckPendingHigh', { consumer_name: 'api-consumer' }).expr).toMatch(/ >= 900$/);
    // consolidation-consumer: maxDeliver 3 x ackWait 120s = 6m; api-consumer: 3 x 30s = 90s -> 5m.
    expect(alertFor(groups, 'NatsConsumerMaxDeliverLikely', { consumer_name: 'consolidation-consumer' }).expr).toMatch(/^min_over_time\(nats:consumer_num_redelivered:leader\{[^}]*\}\[6m\]\) > 0$/);
    expect(alertFor(groups, 'NatsConsumerMaxDeliverLikely', { consumer_name: 'api-consumer' }).expr).toContain('[5m]');
    expect(alertFor(groups, 'NatsConsumerMaxDeliverLikely', { consumer_name: 'api-consumer' }).annotations!.description).toMatch(/proxy.*MAX_DELIVERIES/);
  });

  test('no-meta-leader, server-missing and exporter alerts follow the cluster size', () => {
    const replicas = envConfig(env).nats!.replicas!;
    expect(alertFor(groups, 'NatsServerMissing', {}).expr).toContain(`== 0) < ${replicas} or absent(`);
    expect(alertFor(groups, 'NatsServerMissing', {}).labels!.severity).toBe(replicas > 1 ? 'warning' : 'critical');
    expect(alertFor(groups, 'NatsJetStreamNoMetaLeader', {}).expr).toContain('unless count by (namespace)');
    expect(alertFor(groups, 'NatsExporterDown', {}).expr).toBe(`up{job="${job}",namespace="${namespace}"} == 0`);
  });
});

describe('thresholds from the config', () => {
  const consumers = (patch: Record<string, ConsumerConfig['alerts']>): ConsumerConfig[] =>
    OVERMIND_CONSUMERS.map((c) => (patch[c.name] ? { ...c, alerts: patch[c.name] } : { ...c }));
  const streams = (patch: Record<string, Partial<StreamConfig>>): StreamConfig[] =>
    OVERMIND_STREAMS.map((s) => ({ ...s, ...patch[s.name] }));

  test('a consumer\'s own alerts override the environment\'s, which override the defaults, field by field', () => {
    const { objects } = synthEnvironment({
      ...envConfig('prod'),
      consumers: consumers({ 'metrics-consumer': { maxLag: 123, for: '3m', ackPendingRatio: 0.5, maxRedelivered: 7 } }),
      monitoring: { alerts: { consumers: { maxLag: 555, maxRedelivered: 9 } } },
    });
    const groups = rulesOf(objects);
    const own = (alert: string) => alertFor(groups, alert, { consumer_name: 'metrics-consumer' });
    expect(own('NatsConsumerLagGrowing').expr).toMatch(/> 123 and deriv/);
    expect(own('NatsConsumerLagGrowing').for).toBe('3m');
    expect(own('NatsConsumerAckPendingHigh').expr).toMatch(/>= 500$/);
    expect(own('NatsConsumerRedeliveriesHigh').expr).toMatch(/> 7$/);
    const env = (alert: string) => alertFor(groups, alert, { consumer_name: 'api-consumer' });
    expect(env('NatsConsumerLagGrowing').expr).toMatch(/> 555 and deriv/);
    expect(env('NatsConsumerRedeliveriesHigh').expr).toMatch(/> 9$/);
    expect(env('NatsConsumerAckPendingHigh').expr).toMatch(/>= 900$/);
  });

  test('stream ratio and for; maxMsgs adds the message alert; discard "new" makes them critical', () => {
    const { objects } = synthEnvironment({
      ...envConfig('prod'),
      streams: streams({ 'llm-requests': { maxMsgs: 1_000_000, discard: 'new', alerts: { nearLimitRatio: 0.7, for: '30m' } } }),
    });
    const groups = rulesOf(objects);
    const bytes = alertFor(groups, 'NatsStreamNearMaxBytes', { stream_name: 'llm-requests' });
    expect(bytes.expr).toBe('nats:stream_total_bytes:leader{namespace="overmind-prod",stream_name="llm-requests"} / nats:stream_limit_bytes:leader{namespace="overmind-prod",stream_name="llm-requests"} > 0.7');
    expect(bytes.for).toBe('30m');
    expect(bytes.labels!.severity).toBe('critical');
    expect(alertFor(groups, 'NatsStreamNearMaxMessages', { stream_name: 'llm-requests' }).expr).toMatch(/> 0\.7$/);
    expect(alertFor(groups, 'NatsStreamNearMaxBytes', { stream_name: 'memory-events' }).labels!.severity).toBe('warning');
    expect(alerts(groups).filter((r) => r.alert === 'NatsStreamNearMaxMessages')).toHaveLength(1);
  });

  test('a consumer without acks has no ack-pending, redelivery or max-deliver alert', () => {
    const { objects } = synthEnvironment({
      ...envConfig('prod'),
      consumers: OVERMIND_CONSUMERS.map((c) => (c.name === 'metrics-consumer' ? { ...c, ackPolicy: 'none' as const } : c)),
    });
    const mine = alerts(rulesOf(objects)).filter((r) => r.labels!.consumer_name === 'metrics-consumer').map((r) => r.alert);
    expect(mine).toEqual(['NatsConsumerLagGrowing']);
  });

  test('runbookBaseUrl adds runbook_url anchors, and docs/operations.md has a heading for every alert', () => {
    const { objects } = synthEnvironment({ ...envConfig('prod'), monitoring: { alerts: { runbookBaseUrl: 'https://git.example.com/overmind-nats/blob/main/docs/operations.md', labels: { team: 'overmind' } } } });
    const docs = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
    const anchors = new Set([...docs.matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    for (const r of alerts(rulesOf(objects))) {
      expect(r.labels!.team).toBe('overmind');
      const url = r.annotations!.runbook_url;
      expect(url).toBe(`https://git.example.com/overmind-nats/blob/main/docs/operations.md#${r.alert!.toLowerCase()}`);
      expect({ alert: r.alert, documented: anchors.has(url.split('#')[1]) }).toEqual({ alert: r.alert, documented: true });
    }
  });

  test('docs/operations.md\'s alert table lists every alert with its default severity and for (ALERT_DEFAULTS)', () => {
    const docs = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
    const rows = new Map([...docs.matchAll(/^\| (Nats\w+) \| ([^|]+) \|[^|]+\| ([^|]+) \|/gm)].map((m) => [m[1], { severity: m[2].trim(), for: m[3].trim() }]));
    for (const d of Object.values(ALERT_DEFAULTS)) {
      expect({ alert: d.alert, row: rows.get(d.alert) }).toEqual({ alert: d.alert, row: { severity: expect.stringMatching(new RegExp(`^${d.severity}`)), for: d.for } });
    }
    expect(rows.size).toBe(Object.keys(ALERT_DEFAULTS).length);
  });

  const BAD: Array<{ what: string; config: Partial<EnvironmentConfig>; resource: string; field: string; value: string }> = [
    { what: 'a consumer ackPendingRatio above 1', config: { consumers: consumers({ 'api-consumer': { ackPendingRatio: 1.5 } }) }, resource: 'Consumer "api-consumer"', field: 'alerts.ackPendingRatio', value: '1.5' },
    { what: 'a consumer maxLag of 0', config: { consumers: consumers({ 'api-consumer': { maxLag: 0 } }) }, resource: 'Consumer "api-consumer"', field: 'alerts.maxLag', value: '0' },
    { what: 'a consumer for that is not a duration', config: { consumers: consumers({ 'api-consumer': { for: 'soon' } }) }, resource: 'Consumer "api-consumer"', field: 'alerts.for', value: '"soon"' },
    { what: 'a stream nearLimitRatio of 0', config: { streams: streams({ 'llm-requests': { alerts: { nearLimitRatio: 0 } } }) }, resource: 'Stream "llm-requests"', field: 'alerts.nearLimitRatio', value: '0' },
    { what: 'an environment fileStorageRatio of 2', config: { monitoring: { alerts: { fileStorageRatio: 2 } } }, resource: 'Monitoring', field: 'monitoring.alerts.fileStorageRatio', value: '2' },
    { what: 'an environment consumer maxRedelivered of 0.5', config: { monitoring: { alerts: { consumers: { maxRedelivered: 0.5 } } } }, resource: 'Monitoring', field: 'monitoring.alerts.consumers.maxRedelivered', value: '0.5' },
  ];
  test.each(BAD)('fails when $what', ({ config, resource, field, value }) => {
    let error: unknown;
    try {
      synthEnvironment({ ...envConfig('prod'), ...config });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('[environment prod]');
    expect(message).toContain(resource);
    expect(message).toContain(`field "${field}" has invalid value ${value}`);
  });
});
