// The PrometheusRules generated per environment: real exporter metric names (keda-prom-argo.md (b)),
// leader-only figures, one generic rule per alert, and thresholds per consumer and stream from the
// config as small recorded series (keda-prom-argo.md (c): "the generator knows each Consumer's
// maxAckPending and each Stream's limits, so it can emit per-object thresholds").
// promtool itself runs in alert-rules.promtool.test.ts; the size property in alert-rules.size.test.ts.
import * as fs from 'fs';
import * as path from 'path';
import { ENVIRONMENTS } from '../../config';
import { ConsumerConfig, EnvironmentConfig, StreamConfig } from '../../lib/config/types';
import { ALERTS } from '../../lib/constructs/monitoring/alert-rules';
import { ConfigError } from '../../lib/config/errors';
import { OVERMIND_CONSUMERS, OVERMIND_STREAMS } from '../../lib/config/overmind-topology';
import { EXPORTED_METRICS, selectorsIn } from '../support/exporter-metrics';
import { REPO_ROOT } from '../support/shared';
import { findObject, KubeObject, objectsOfKind, synthEnvironment } from '../support/synth';
import type { RuleGroupJson, RuleJson } from '../../lib/constructs/monitoring/alert-table';

type Rule = RuleJson;
type Group = RuleGroupJson;

const envConfig = (name: string): EnvironmentConfig => ENVIRONMENTS.find((e) => e.name === name)!;
/** The object with the recording rules and the alerts. */
const mainGroups = (objects: KubeObject[]): Group[] => findObject(objects, 'PrometheusRule', 'nats-alerts').spec.groups;
const thresholdObjects = (objects: KubeObject[]) =>
  objectsOfKind(objects, 'PrometheusRule').filter((o) => o.metadata.name !== 'nats-alerts');
const thresholdRules = (objects: KubeObject[]): Rule[] =>
  thresholdObjects(objects).flatMap((o) => (o.spec.groups as Group[]).flatMap((g) => g.rules));
const everyRule = (objects: KubeObject[]): Rule[] =>
  objectsOfKind(objects, 'PrometheusRule').flatMap((o) => (o.spec.groups as Group[]).flatMap((g) => g.rules));
const alerts = (groups: Group[]) => groups.flatMap((g) => g.rules).filter((r) => r.alert);
const alertsNamed = (groups: Group[], alert: string) => alerts(groups).filter((r) => r.alert === alert);
const theAlert = (groups: Group[], alert: string) => {
  const found = alertsNamed(groups, alert);
  if (found.length !== 1) throw new Error(`expected one ${alert}, found ${found.length}`);
  return found[0];
};
/**
 * The exporter's job label: the name of the Service the ServiceMonitor selects (prometheus-operator default,
 * keda-prom-argo.md (b)).
 */
const scrapeJob = (objects: KubeObject[]): string => {
  const monitor = objectsOfKind(objects, 'ServiceMonitor')[0];
  expect(monitor.spec.jobLabel).toBeUndefined();
  const selected = objectsOfKind(objects, 'Service').filter((s) =>
    Object.entries(monitor.spec.selector.matchLabels as Record<string, string>).every(
      ([k, v]) => s.metadata.labels?.[k] === v,
    ),
  );
  expect(selected).toHaveLength(1);
  return selected[0].metadata.name;
};

type ThresholdKind =
  | 'consumer_max_lag'
  | 'consumer_ack_pending_limit'
  | 'consumer_max_redelivered'
  | 'consumer_max_deliver_window_seconds'
  | 'stream_near_limit_ratio';

/**
 * What `overmind:<kind>:threshold` holds for one consumer/stream, read off the rules the way
 * Prometheus evaluates `override or on (...) <baseline> * max by (...) (<info>{...})`: its own
 * `:override` series, else the baseline if an `:info` series passes the rule's filter.
 * (promtool evaluates the real rules in alert-rules.promtool.test.ts.)
 */
function thresholdOf(objects: KubeObject[], kind: ThresholdKind, labels: Record<string, string>): number | undefined {
  // The identity labels exactly: a stream's series has no consumer_name.
  const identity = (r: Rule) =>
    ['namespace', 'stream_name', 'consumer_name']
      .filter((k) => r.labels?.[k] !== undefined)
      .map((k) => `${k}=${r.labels![k]}`)
      .join(',');
  const wanted = ['namespace', 'stream_name', 'consumer_name']
    .filter((k) => labels[k] !== undefined)
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
  const matches = (r: Rule) => identity(r) === wanted;
  const perObject = thresholdRules(objects);
  const override = perObject.filter((r) => r.record === `overmind:${kind}:override` && matches(r));
  expect(override.length).toBeLessThanOrEqual(1);
  if (override.length === 1) return Number(/^vector\(([0-9.]+)\)$/.exec(override[0].expr)![1]);
  const rule = mainGroups(objects)[0].rules.find((r) => r.record === `overmind:${kind}:threshold`);
  if (!rule) return undefined;
  const fallback =
    /^(?:overmind:[a-z_]+:override\{[^}]*\} or on \([^)]*\) )?([0-9.]+) \* max by \([^)]*\) \((overmind:[a-z]+:info)\{([^}]*)\}\)$/.exec(
      rule.expr,
    );
  if (!fallback) return undefined;
  const [, baseline, info, filter] = fallback;
  const excludesNoAcks = filter.includes('ack_policy!="none"');
  const infos = perObject.filter(
    (r) => r.record === info && matches(r) && !(excludesNoAcks && r.labels!.ack_policy === 'none'),
  );
  return infos.length === 1 ? Number(baseline) : undefined;
}

describe.each(ENVIRONMENTS.map((e) => e.name))('environment %s', (env) => {
  const config = envConfig(env);
  const { objects } = synthEnvironment(config);
  const groups = mainGroups(objects);
  const namespace = config.namespace!;
  const job = scrapeJob(objects);
  const allRules = everyRule(objects);
  const recorded = new Set(allRules.filter((r) => r.record).map((r) => r.record!));

  test('every PrometheusRule carries the labels Prometheus selects rules by (monitoring.prometheusSelectorLabels)', () => {
    const rules = objectsOfKind(objects, 'PrometheusRule');
    expect(rules.map((r) => r.metadata.name)).toEqual(['nats-alerts', 'nats-alert-thresholds-1']);
    for (const rule of rules) {
      expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(rule.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    }
  });

  test(
    'recording rules come first, alerts after; group names unique across all ' +
      'objects (promtool loads them together)',
    () => {
      expect(groups[0].rules.every((r) => r.record && !r.alert)).toBe(true);
      for (const g of groups.slice(1)) expect(g.rules.every((r) => r.alert && !r.record)).toBe(true);
      const allGroups = objectsOfKind(objects, 'PrometheusRule').flatMap((o) => o.spec.groups as Group[]);
      for (const g of allGroups) {
        expect(g.name).toMatch(/\S/);
        expect(g.rules.length).toBeGreaterThan(0);
      }
      expect(new Set(allGroups.map((g) => g.name)).size).toBe(allGroups.length);
    },
  );

  test('one rule per alert: none names a stream or consumer', () => {
    for (const r of alerts(groups)) {
      expect(r.expr).not.toMatch(/stream_name="|consumer_name="/);
      expect(r.labels!.stream_name).toBeUndefined();
      expect(r.labels!.consumer_name).toBeUndefined();
    }
    for (const d of Object.values(ALERTS))
      expect({ alert: d.alert, rules: alertsNamed(groups, d.alert).length }).toEqual({ alert: d.alert, rules: 1 });
  });

  test('the threshold objects hold only recorded constants: vector(<number>) with a configured stream (and consumer)', () => {
    const streams = (config.streams ?? OVERMIND_STREAMS).map((s) => s.name);
    const consumers = new Map((config.consumers ?? OVERMIND_CONSUMERS).map((c) => [c.name, c.stream]));
    for (const r of thresholdRules(objects)) {
      expect(r.record).toMatch(/^overmind:[a-z_]+:(info|override|threshold)$/);
      expect(r.expr).toMatch(/^vector\([0-9.]+\)$/);
      expect(r.labels!.namespace).toBe(namespace);
      expect(streams).toContain(r.labels!.stream_name);
      if (r.labels!.consumer_name !== undefined)
        expect(consumers.get(r.labels!.consumer_name)).toBe(r.labels!.stream_name);
    }
  });

  test('every expr is one line', () => {
    for (const r of allRules) expect(r.expr).not.toMatch(/\n/);
  });

  test(
    "every raw metric is one the chart's exporter exports (prefix nats, " +
      'keda-prom-argo.md (b)) and carries the labels used',
    () => {
      for (const r of allRules) {
        for (const use of selectorsIn(r.expr)) {
          if (recorded.has(use.metric)) continue;
          expect({ expr: r.expr, metric: use.metric, exported: EXPORTED_METRICS.has(use.metric) }).toEqual({
            expr: r.expr,
            metric: use.metric,
            exported: true,
          });
          for (const label of use.labels)
            expect({ metric: use.metric, label, known: EXPORTED_METRICS.get(use.metric)!.includes(label) }).toEqual({
              metric: use.metric,
              label,
              known: true,
            });
        }
      }
    },
  );

  test(
    `raw selectors name job="<metrics Service>" and the environment's namespace, ` + `so two environments never mix`,
    () => {
      for (const r of allRules) {
        for (const match of r.expr.matchAll(/\b(nats_[a-z_]+|up)\{([^}]*)\}/g)) {
          expect(match[2]).toContain(`job="${job}"`);
          expect(match[2]).toContain(`namespace="${namespace}"`);
        }
        // Recorded series are scoped by namespace too (two PrometheusRules must not record or read each other's
        // series).
        for (const match of r.expr.matchAll(/\b((?:nats|overmind):[a-z_]+:[a-z_]+)(\{[^}]*\})?/g))
          expect(match[2] ?? '').toContain(`namespace="${namespace}"`);
      }
      // And every recorded series carries the namespace label, from its source or as a rule label.
      for (const r of thresholdRules(objects)) expect(r.labels!.namespace).toBe(namespace);
    },
  );

  test("consumer and stream figures are the leader's only, aggregated to stable labels (keda-prom-argo.md (b))", () => {
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
    expect(groups[0].rules.find((r) => r.record === 'nats:consumer_lag:leader')!.expr).toBe(
      `nats:consumer_num_pending:leader{namespace="${namespace}"} + ` +
        `nats:consumer_num_ack_pending:leader{namespace="${namespace}"}`,
    );
  });

  test(
    'alerts compare with the threshold series on (namespace, stream_name[, ' +
      'consumer_name]), never with a literal per object',
    () => {
      const consumerOn = 'on (namespace, stream_name, consumer_name) group_left';
      expect(theAlert(groups, 'NatsConsumerLagGrowing').expr).toBe(
        `nats:consumer_lag:leader{namespace="${namespace}"} > ${consumerOn} () ` +
          `overmind:consumer_max_lag:threshold{namespace="${namespace}"} ` +
          `and deriv(nats:consumer_lag:leader{namespace="${namespace}"}[10m]) > 0`,
      );
      expect(theAlert(groups, 'NatsConsumerScalerSaturated').expr).toContain(
        `> ${consumerOn} (scaledobject, workload) overmind:consumer_scaler_capacity:threshold{namespace="${namespace}"}`,
      );
      expect(theAlert(groups, 'NatsConsumerAckPendingHigh').expr).toContain(
        `>= ${consumerOn} () overmind:consumer_ack_pending_limit:threshold{`,
      );
      expect(theAlert(groups, 'NatsConsumerRedeliveriesHigh').expr).toContain(
        `> ${consumerOn} () overmind:consumer_max_redelivered:threshold{`,
      );
      expect(theAlert(groups, 'NatsStreamNearMaxBytes').expr).toContain(
        '> on (namespace, stream_name) group_left () overmind:stream_near_limit_ratio:threshold{',
      );
      // The max-deliver window is per consumer: the range covers the longest (consolidation-consumer: 3 x 120s = 6m).
      expect(theAlert(groups, 'NatsConsumerMaxDeliverLikely').expr).toContain(
        `max_over_time(nats:consumer_num_redelivered_zero:timestamp{namespace="${namespace}"}[6m]) + ${consumerOn} () overmind:consumer_max_deliver_window_seconds:threshold{`,
      );
    },
  );

  test('every alert has a severity, summary, description, runbook text and a Prometheus duration in for', () => {
    for (const r of alerts(groups)) {
      expect(['critical', 'warning', 'info']).toContain(r.labels!.severity);
      expect(r.labels!.environment).toBe(env);
      expect(r.for).toMatch(/^(\d+(ms|s|m|h|d|w|y))+$/);
      for (const key of ['summary', 'description', 'runbook']) expect(r.annotations![key]).toMatch(/\S{3}/);
    }
  });

  test('annotation templates use only labels the alert carries and look up only series our rules record', () => {
    const labelsOf = (r: Rule): string[] => {
      const base = ['namespace', 'account', 'stream_name'];
      if (r.alert === 'NatsConsumerScalerSaturated') return [...base, 'consumer_name', 'scaledobject', 'workload'];
      if (r.alert!.startsWith('NatsConsumer')) return [...base, 'consumer_name'];
      if (r.alert!.startsWith('NatsStream')) return base;
      return [];
    };
    for (const r of alerts(groups)) {
      const text = Object.values(r.annotations!).join('\n');
      for (const m of text.matchAll(/\$labels\.([a-z_]+)/g))
        expect({ alert: r.alert, label: m[1], carried: labelsOf(r).includes(m[1]) }).toEqual({
          alert: r.alert,
          label: m[1],
          carried: true,
        });
      for (const m of text.matchAll(/printf "([a-z_:]+)\{/g))
        expect({ alert: r.alert, series: m[1], recorded: recorded.has(m[1]) }).toEqual({
          alert: r.alert,
          series: m[1],
          recorded: true,
        });
      // Balanced actions: every {{ with }} / {{ if }} has its {{ end }} (promtool check rules parses them too).
      expect((text.match(/\{\{ (with|if|range) /g) ?? []).length).toBe((text.match(/\{\{ end \}\}/g) ?? []).length);
    }
  });

  test('every configured consumer and stream has an info series, and the threshold the config gives it', () => {
    const scaler = config.scalers![0];
    const capacity = scaler.lagThreshold! * scaler.maxReplicas!;
    // [maxLag, ackPendingLimit (0.9 x maxAckPending 1000), maxRedelivered, max-deliver window (max(5m, maxDeliver x
    // ackWait))]
    const expected: Record<string, [number, number, number, number]> = {
      'api-consumer': [10 * capacity, 900, 100, 300], // 3 x 30s
      'analytics-consumer': [10_000, 900, 100, 300], // 5 x 60s
      'consolidation-consumer': [10_000, 900, 100, 360], // 3 x 120s
      'metrics-consumer': [10_000, 900, 100, 300], // 3 x 30s
    };
    for (const c of config.consumers ?? OVERMIND_CONSUMERS) {
      const labels = { namespace, stream_name: c.stream, consumer_name: c.name };
      expect(
        thresholdRules(objects).filter(
          (r) => r.record === 'overmind:consumer:info' && r.labels!.consumer_name === c.name,
        ),
      ).toEqual([
        { record: 'overmind:consumer:info', expr: 'vector(1)', labels: { ...labels, ack_policy: 'explicit' } },
      ]);
      const got = (
        [
          'consumer_max_lag',
          'consumer_ack_pending_limit',
          'consumer_max_redelivered',
          'consumer_max_deliver_window_seconds',
        ] as const
      ).map((k) => thresholdOf(objects, k, labels));
      expect({ consumer: c.name, got }).toEqual({ consumer: c.name, got: expected[c.name] });
    }
    for (const s of config.streams ?? OVERMIND_STREAMS) {
      const labels = { namespace, stream_name: s.name };
      expect(
        thresholdRules(objects).filter((r) => r.record === 'overmind:stream:info' && r.labels!.stream_name === s.name),
      ).toEqual([{ record: 'overmind:stream:info', expr: 'vector(1)', labels: { ...labels, discard: 'old' } }]);
      expect(thresholdOf(objects, 'stream_near_limit_ratio', labels)).toBe(0.85);
    }
    // Only the scaled consumer has a capacity series, with the scaler's names for the alert.
    expect(thresholdRules(objects).filter((r) => r.record === 'overmind:consumer_scaler_capacity:threshold')).toEqual([
      {
        record: 'overmind:consumer_scaler_capacity:threshold',
        expr: `vector(${capacity})`,
        labels: {
          namespace,
          stream_name: 'routing-decisions',
          consumer_name: scaler.consumer,
          scaledobject: scaler.name,
          workload: scaler.target,
        },
      },
    ]);
  });

  test("only thresholds that differ from the environment's baseline get their own series", () => {
    const overrides = thresholdRules(objects)
      .filter((r) => r.record!.endsWith(':override'))
      .map((r) => `${r.record} ${r.labels!.consumer_name ?? r.labels!.stream_name}`);
    expect(overrides.sort()).toEqual([
      'overmind:consumer_max_deliver_window_seconds:override consolidation-consumer',
      'overmind:consumer_max_lag:override api-consumer',
    ]);
  });

  test('the lag alert fires above its threshold AND growing, after the environment-wide for; critical', () => {
    const lag = theAlert(groups, 'NatsConsumerLagGrowing');
    expect(lag.expr).toMatch(/ and deriv\(nats:consumer_lag:leader\{[^}]*\}\[10m\]\) > 0$/);
    expect(lag.for).toBe('10m');
    expect(lag.labels!.severity).toBe('critical');
    expect(theAlert(groups, 'NatsConsumerMaxDeliverLikely').annotations!.description).toMatch(/proxy.*MAX_DELIVERIES/);
  });

  test('no-meta-leader, server-missing and exporter alerts follow the cluster size', () => {
    const replicas = config.nats!.replicas!;
    expect(theAlert(groups, 'NatsServerMissing').expr).toContain(`== 0) < ${replicas} or absent(`);
    expect(theAlert(groups, 'NatsServerMissing').labels!.severity).toBe(replicas > 1 ? 'warning' : 'critical');
    expect(theAlert(groups, 'NatsJetStreamNoMetaLeader').expr).toContain('unless count by (namespace)');
    expect(theAlert(groups, 'NatsExporterDown').expr).toBe(`up{job="${job}",namespace="${namespace}"} == 0`);
  });
});

describe('thresholds from the config', () => {
  const consumers = (patch: Record<string, Partial<ConsumerConfig>>): ConsumerConfig[] =>
    OVERMIND_CONSUMERS.map((c) => ({ ...c, ...patch[c.name] }));
  const streams = (patch: Record<string, Partial<StreamConfig>>): StreamConfig[] =>
    OVERMIND_STREAMS.map((s) => ({ ...s, ...patch[s.name] }));
  const prodKeys = (consumer: string, stream: string) => ({
    namespace: 'overmind-prod',
    stream_name: stream,
    consumer_name: consumer,
  });

  test(
    "a consumer's own alerts override the environment's, which override the " +
      'defaults, field by field; for is environment-wide',
    () => {
      const { objects } = synthEnvironment({
        ...envConfig('prod'),
        consumers: consumers({
          'metrics-consumer': { alerts: { maxLag: 123, ackPendingRatio: 0.5, maxRedelivered: 7 } },
        }),
        monitoring: { alerts: { consumers: { maxLag: 555, maxRedelivered: 9, for: '3m' } } },
      });
      const own = prodKeys('metrics-consumer', 'llm-requests');
      expect(thresholdOf(objects, 'consumer_max_lag', own)).toBe(123);
      expect(thresholdOf(objects, 'consumer_ack_pending_limit', own)).toBe(500);
      expect(thresholdOf(objects, 'consumer_max_redelivered', own)).toBe(7);
      const envWide = prodKeys('api-consumer', 'routing-decisions');
      // the environment's maxLag beats the scaler-derived default
      expect(thresholdOf(objects, 'consumer_max_lag', envWide)).toBe(555);
      expect(thresholdOf(objects, 'consumer_max_redelivered', envWide)).toBe(9);
      expect(thresholdOf(objects, 'consumer_ack_pending_limit', envWide)).toBe(900);
      expect(theAlert(mainGroups(objects), 'NatsConsumerLagGrowing').for).toBe('3m');
    },
  );

  test("the ack-pending threshold follows the consumer's own maxAckPending", () => {
    const { objects } = synthEnvironment({
      ...envConfig('prod'),
      consumers: consumers({ 'analytics-consumer': { maxAckPending: 2000 } }),
    });
    expect(
      thresholdOf(objects, 'consumer_ack_pending_limit', prodKeys('analytics-consumer', 'routing-decisions')),
    ).toBe(1800);
    expect(thresholdOf(objects, 'consumer_ack_pending_limit', prodKeys('api-consumer', 'routing-decisions'))).toBe(900);
  });

  test(
    'stream ratio per stream and for environment-wide; discard "new" gets the ' +
      'critical rule, the others the warning one',
    () => {
      const { objects } = synthEnvironment({
        ...envConfig('prod'),
        streams: streams({ 'llm-requests': { maxMsgs: 1_000_000, discard: 'new', alerts: { nearLimitRatio: 0.7 } } }),
        monitoring: { alerts: { streams: { for: '30m' } } },
      });
      const groups = mainGroups(objects);
      expect(
        thresholdOf(objects, 'stream_near_limit_ratio', { namespace: 'overmind-prod', stream_name: 'llm-requests' }),
      ).toBe(0.7);
      expect(
        thresholdOf(objects, 'stream_near_limit_ratio', { namespace: 'overmind-prod', stream_name: 'memory-events' }),
      ).toBe(0.85);
      expect(
        thresholdRules(objects).find(
          (r) => r.record === 'overmind:stream:info' && r.labels!.stream_name === 'llm-requests',
        )!.labels!.discard,
      ).toBe('new');
      for (const alert of ['NatsStreamNearMaxBytes', 'NatsStreamNearMaxMessages']) {
        const rules = alertsNamed(groups, alert);
        expect(rules.map((r) => [r.labels!.severity, r.for])).toEqual([
          ['warning', '30m'],
          ['critical', '30m'],
        ]);
        expect(rules[0].expr).toMatch(
          /and on \(namespace, stream_name\) overmind:stream:info\{namespace="overmind-prod",discard!="new"\}$/,
        );
        expect(rules[1].expr).toMatch(
          /and on \(namespace, stream_name\) overmind:stream:info\{namespace="overmind-prod",discard="new"\}$/,
        );
      }
    },
  );

  test('a consumer without acks has no ack-pending, redelivery or max-deliver threshold, so those alerts skip it', () => {
    const { objects } = synthEnvironment({
      ...envConfig('prod'),
      consumers: consumers({ 'metrics-consumer': { ackPolicy: 'none' } }),
    });
    const keys = prodKeys('metrics-consumer', 'llm-requests');
    expect(
      thresholdRules(objects).find(
        (r) => r.record === 'overmind:consumer:info' && r.labels!.consumer_name === 'metrics-consumer',
      )!.labels!.ack_policy,
    ).toBe('none');
    expect(thresholdOf(objects, 'consumer_max_lag', keys)).toBe(10_000);
    for (const kind of [
      'consumer_ack_pending_limit',
      'consumer_max_redelivered',
      'consumer_max_deliver_window_seconds',
    ] as const) {
      expect({ kind, threshold: thresholdOf(objects, kind, keys) }).toEqual({ kind, threshold: undefined });
    }
  });

  test('a consumer or stream that is not in the config has no threshold, so no alert', () => {
    const { objects } = synthEnvironment(envConfig('prod'));
    expect(
      thresholdOf(objects, 'consumer_max_lag', prodKeys('someone-elses-consumer', 'routing-decisions')),
    ).toBeUndefined();
    expect(
      thresholdOf(objects, 'stream_near_limit_ratio', { namespace: 'overmind-prod', stream_name: 'KV_other' }),
    ).toBeUndefined();
  });

  test('adding streams and consumers leaves the alerts object unchanged: it does not grow with the config', () => {
    const base = synthEnvironment(envConfig('prod')).objects;
    const more = synthEnvironment({
      ...envConfig('prod'),
      streams: [...OVERMIND_STREAMS, { name: 'audit', subjects: ['audit.>'], maxBytes: '100MB' }],
      consumers: [...OVERMIND_CONSUMERS, { name: 'audit-consumer', stream: 'audit', maxDeliver: 3 }],
    }).objects;
    expect(findObject(more, 'PrometheusRule', 'nats-alerts')).toEqual(
      findObject(base, 'PrometheusRule', 'nats-alerts'),
    );
    expect(thresholdRules(more).length).toBe(thresholdRules(base).length + 2); // the new stream's and consumer's info
  });

  test('runbookBaseUrl adds runbook_url anchors, and docs/operations.md has a heading for every alert', () => {
    const { objects } = synthEnvironment({
      ...envConfig('prod'),
      monitoring: {
        alerts: {
          runbookBaseUrl: 'https://git.example.com/overmind-nats/blob/main/docs/operations.md',
          labels: { team: 'overmind' },
        },
      },
    });
    const docs = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
    const anchors = new Set(
      [...docs.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
        m[1]
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const r of alerts(mainGroups(objects))) {
      expect(r.labels!.team).toBe('overmind');
      const url = r.annotations!.runbook_url;
      expect(url).toBe(`https://git.example.com/overmind-nats/blob/main/docs/operations.md#${r.alert!.toLowerCase()}`);
      expect({ alert: r.alert, documented: anchors.has(url.split('#')[1]) }).toEqual({
        alert: r.alert,
        documented: true,
      });
    }
  });

  test("docs/operations.md's alert table lists every alert with its default severity and for (ALERTS)", () => {
    const docs = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
    const rows = new Map(
      [...docs.matchAll(/^\| (Nats\w+) \| ([^|]+) \|[^|]+\| ([^|]+) \|/gm)].map((m) => [
        m[1],
        { severity: m[2].trim(), for: m[3].trim() },
      ]),
    );
    for (const d of Object.values(ALERTS)) {
      expect({ alert: d.alert, row: rows.get(d.alert) }).toEqual({
        alert: d.alert,
        row: { severity: expect.stringMatching(new RegExp(`^${d.severity}`)), for: d.for },
      });
    }
    expect(rows.size).toBe(Object.keys(ALERTS).length);
  });

  const BAD: Array<{
    what: string;
    config: Partial<EnvironmentConfig>;
    resource: string;
    field: string;
    value: string;
    complaint?: string;
  }> = [
    {
      what: 'a consumer ackPendingRatio above 1',
      config: { consumers: consumers({ 'api-consumer': { alerts: { ackPendingRatio: 1.5 } } }) },
      resource: 'Consumer "api-consumer"',
      field: 'alerts.ackPendingRatio',
      value: '1.5',
    },
    {
      what: 'a consumer maxLag of 0',
      config: { consumers: consumers({ 'api-consumer': { alerts: { maxLag: 0 } } }) },
      resource: 'Consumer "api-consumer"',
      field: 'alerts.maxLag',
      value: '0',
    },
    // One rule serves every consumer, so `for` cannot differ per consumer (untyped configs could still pass it).
    {
      what: 'a consumer sets its own for (environment-wide only)',
      config: { consumers: consumers({ 'api-consumer': { alerts: { for: '5m' } as never } }) },
      resource: 'Consumer "api-consumer"',
      field: 'alerts.for',
      value: '"5m"',
      complaint: 'is not supported',
    },
    {
      what: 'a stream sets its own for (environment-wide only)',
      config: { streams: streams({ 'llm-requests': { alerts: { for: '5m' } as never } }) },
      resource: 'Stream "llm-requests"',
      field: 'alerts.for',
      value: '"5m"',
      complaint: 'is not supported',
    },
    {
      what: 'the environment consumer for is not a duration',
      config: { monitoring: { alerts: { consumers: { for: 'soon' } } } },
      resource: 'Monitoring',
      field: 'monitoring.alerts.consumers.for',
      value: '"soon"',
    },
    {
      what: 'a stream nearLimitRatio of 0',
      config: { streams: streams({ 'llm-requests': { alerts: { nearLimitRatio: 0 } } }) },
      resource: 'Stream "llm-requests"',
      field: 'alerts.nearLimitRatio',
      value: '0',
    },
    {
      what: 'an environment fileStorageRatio of 2',
      config: { monitoring: { alerts: { fileStorageRatio: 2 } } },
      resource: 'Monitoring',
      field: 'monitoring.alerts.fileStorageRatio',
      value: '2',
    },
    {
      what: 'an environment consumer maxRedelivered of 0.5',
      config: { monitoring: { alerts: { consumers: { maxRedelivered: 0.5 } } } },
      resource: 'Monitoring',
      field: 'monitoring.alerts.consumers.maxRedelivered',
      value: '0.5',
    },
  ];
  test.each(BAD)('fails when $what', ({ config, resource, field, value, complaint }) => {
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
    expect(message).toContain(
      complaint ? `field "${field}" ${complaint} (value ${value})` : `field "${field}" has invalid value ${value}`,
    );
  });
});
