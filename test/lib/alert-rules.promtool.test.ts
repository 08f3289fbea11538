// The generated rules through the real promtool (Debian `prometheus`): `promtool check rules` on
// every environment's rule groups (all PrometheusRule objects: the alerts and the threshold
// series), and `promtool test rules` unit tests with synthetic exporter series (labels as the
// chart's exporter sets them, keda-prom-argo.md (b)). Prometheus expands the annotation templates
// ({{ $labels.consumer_name }}, threshold lookups with `query`); the expected texts below are
// written out, so a template that renders the wrong name or number fails here.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ENVIRONMENTS } from '../../config';
import { EnvironmentConfig } from '../../lib/config/types';
import { describeWithPromtool, promtoolVersion, runPromtool } from '../support/promtool';
import { KubeObject, objectsOfKind, synthEnvironment } from '../support/synth';
import type { RuleGroupJson, RuleJson } from '../../lib/constructs/monitoring/alert-table';

type Rule = RuleJson;
type Group = RuleGroupJson;
interface Series {
  series: string;
  values: string;
}
interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}
interface AlertCheck {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpectedAlert[];
}
interface ExprCheck {
  expr: string;
  eval_time: string;
  exp_samples: Array<{ labels: string; value: number }>;
}
interface UnitTest {
  name: string;
  interval: string;
  input_series: Series[];
  alert_rule_test?: AlertCheck[];
  promql_expr_test?: ExprCheck[];
}

const envConfig = (name: string): EnvironmentConfig => ENVIRONMENTS.find((e) => e.name === name)!;

/**
 * Every rule group of the environment: the alerts object and the threshold objects, as Prometheus loads them together.
 */
function rulesOf(objects: KubeObject[]): Group[] {
  return objectsOfKind(objects, 'PrometheusRule').flatMap((o) => o.spec.groups as Group[]);
}

function labelsText(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

describeWithPromtool('alert rules through promtool', (promtool) => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-promtool-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test("promtool is the Debian prometheus package's", () => {
    expect(promtoolVersion(promtool)).toMatch(/^promtool, version \d+\.\d+/);
  });

  describe.each(ENVIRONMENTS.map((e) => e.name))('environment %s', (env) => {
    test("promtool check rules accepts every rule group, templates included (all PrometheusRules' specs)", () => {
      const { objects } = synthEnvironment(envConfig(env));
      const file = path.join(scratch, `check-${env}.yaml`);
      fs.writeFileSync(file, yaml.dump({ groups: rulesOf(objects) }, { lineWidth: -1 }));
      const result = runPromtool(promtool, ['check', 'rules', file]);
      expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
      expect(result.output).not.toMatch(/duplicate/i);
      expect(result.status).toBe(0);
    });
  });

  describe('promtool test rules (prod: 3 servers, api-consumer scaled by KEDA)', () => {
    const config = envConfig('prod');
    const { objects } = synthEnvironment(config);
    const groups = rulesOf(objects);
    const namespace = config.namespace!;
    const job = 'nats-metrics';
    const alert = (name: string): Rule => {
      const found = groups.flatMap((g) => g.rules).filter((r) => r.alert === name);
      if (found.length !== 1) throw new Error(`expected one ${name}, found ${found.length}`);
      return found[0];
    };

    const server = (i: number) => ({
      server_id: `NSERVER${i}`,
      server_name: `nats-${i}`,
      pod: `nats-${i}`,
      instance: `10.0.0.${i + 1}:7777`,
      cluster: 'nats',
      container: 'prom-exporter',
      endpoint: 'prom-metrics',
      service: job,
    });
    const consumerSeries = (
      metric: string,
      opts: { server: number; leader: boolean; consumer?: string; stream?: string },
      values: string,
    ): Series => ({
      series: `${metric}${labelsText({
        job,
        namespace,
        account: '$G',
        stream_name: opts.stream ?? 'routing-decisions',
        consumer_name: opts.consumer ?? 'api-consumer',
        ...server(opts.server),
        consumer_leader: `nats-${opts.leader ? opts.server : (opts.server + 1) % 3}`,
        is_consumer_leader: String(opts.leader),
        stream_leader: 'nats-0',
        is_stream_leader: String(opts.server === 0),
      })}`,
      values,
    });
    const streamSeries = (
      metric: string,
      opts: { server: number; leader: boolean; stream?: string },
      values: string,
    ): Series => ({
      series: `${metric}${labelsText({ job, namespace, account: '$G', stream_name: opts.stream ?? 'routing-decisions', ...server(opts.server), stream_leader: 'nats-0', is_stream_leader: String(opts.leader) })}`,
      values,
    });
    const jsDisabled = (i: number, metaLeader: number | undefined, values = '0x10'): Series => ({
      series: `nats_server_jetstream_disabled${labelsText({ job, namespace, ...server(i), meta_leader: metaLeader === undefined ? '' : `nats-${metaLeader}`, is_meta_leader: String(metaLeader === i) })}`,
      values,
    });
    /** A consumer's lag: pending as given, ack pending 0, on the leader (server 0). */
    const lagSeries = (consumer: string, pending: string, stream = 'routing-decisions'): Series[] => [
      consumerSeries('nats_consumer_num_pending', { server: 0, leader: true, consumer, stream }, pending),
      consumerSeries('nats_consumer_num_ack_pending', { server: 0, leader: true, consumer, stream }, '0x60'),
    ];
    const minute = (m: number) => `${m}m`;
    const rule = (name: string) => alert(name).labels!;
    const keys = (consumer: string, stream = 'routing-decisions') => ({
      account: '$G',
      namespace,
      stream_name: stream,
      consumer_name: consumer,
    });
    const kubectlNats = `kubectl exec -n ${namespace} deploy/nats-box -- nats`;

    // The thresholds prod's config gives (alert-rules.test.ts checks them against the config too):
    // api-consumer: 10 x lagThreshold 10 x maxReplicas 20; the others the default 10000.
    const API_MAX_LAG = 2000;
    const DEFAULT_MAX_LAG = 10_000;

    /**
     * What Prometheus renders for NatsConsumerLagGrowing, written out (Prometheus "Templating": $labels, $value,
     * query).
     */
    const lagFiring = (
      consumer: string,
      lag: number,
      threshold: number,
      scaler?: { workload: string; scaledobject: string; capacity: number },
    ): ExpectedAlert => ({
      exp_labels: { ...keys(consumer), ...rule('NatsConsumerLagGrowing') },
      exp_annotations: {
        summary:
          `NATS consumer "${consumer}" on stream "routing-decisions" (prod): lag ${lag} ` +
          `above ${threshold} and still growing`,
        description:
          `Pending plus ack-pending messages on the consumer leader (the lag KEDA scales ` +
          `on) have been above the consumer's threshold of ${threshold} ` +
          'and rising (deriv over 10m) for 10m: the workers are not keeping up. ' +
          (scaler
            ? `KEDA scales "${scaler.workload}" (ScaledObject ${scaler.scaledobject}) on ` +
              `this lag and absorbs up to ${scaler.capacity} (lagThreshold x maxReplicas).`
            : 'No KEDA scaler targets this consumer.'),
        runbook: [
          `1. Check the consumer: ${kubectlNats} consumer info routing-decisions ` +
            `${consumer} (Unprocessed = pending, Outstanding Acks = ack pending).`,
          ...(scaler
            ? [
                `2. Check KEDA scaling: kubectl get hpa -n ${namespace}; kubectl describe ` +
                  `scaledobject -n ${namespace} ${scaler.scaledobject} (Ready and Fallback ` +
                  `conditions).`,
                `3. KEDA owns the replicas of "${scaler.workload}": raise maxReplicas in the ` +
                  `config, or pin a count for now with kubectl annotate scaledobject -n ` +
                  `${namespace} ${scaler.scaledobject} autoscaling.keda.sh/paused-replicas=<n>. ` +
                  `A plain kubectl scale is undone by the HPA.`,
              ]
            : [
                '2. No KEDA scaler targets this consumer.',
                `3. Scale its workers by hand if needed (kubectl scale deployment <workers> ` +
                  `--replicas=5 -n ${namespace}), or add a scaler to the config.`,
              ]),
          "4. Look at the workers' logs for slow or failing processing (every failure is redelivered after ackWait).",
        ].join('\n'),
      },
    });
    const API_SCALER = { workload: 'overmind-api', scaledobject: 'api-scaler-nats', capacity: 200 };
    const LAG = 'NatsConsumerLagGrowing';
    // Pending grows by 100 a minute: above API_MAX_LAG from minute API_MAX_LAG/100 + 1, firing `for` (10m) later.
    const aboveFrom = Math.floor(API_MAX_LAG / 100) + 1;
    const forMinutes = Number(/^(\d+)m$/.exec(alert(LAG).for!)![1]);
    const firesAt = aboveFrom + forMinutes;

    const maxDeliverFiring = (consumer: string, stream: string, window: string): ExpectedAlert => ({
      exp_labels: { ...keys(consumer, stream), ...rule('NatsConsumerMaxDeliverLikely') },
      exp_annotations: {
        summary:
          `NATS consumer "${consumer}" on stream "${stream}" (prod): messages are ` +
          `probably reaching maxDeliver and being dropped`,
        description:
          `Redeliveries have not dropped to zero for ${window} (the consumer's maxDeliver x ackWait, at least 5m), ` +
          'long enough for a message to use all its attempts; after the last one the ' +
          'server gives it up for this consumer. ' +
          'This is a proxy: the exporter has no metric for terminated deliveries. The exact signal is the advisory ' +
          `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${consumer}, which ` +
          `Prometheus does not see. It can also fire when different messages keep ` +
          `failing in turn.`,
        runbook: [
          `1. Watch the advisories: ${kubectlNats} sub ` +
            `'$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${consumer}' (each ` +
            `names the stream sequence given up).`,
          `2. Read a given-up message: ${kubectlNats} stream get ${stream} <stream_seq>.`,
          '3. Fix the worker or the message, then republish it if it must be processed.',
        ].join('\n'),
      },
    });

    const GiB = 1024 ** 3;
    /** Server alerts have static annotations (nothing per object): compared as generated. */
    const staticFiring = (name: string, seriesLabels: Record<string, string>): ExpectedAlert => {
      const r = alert(name);
      if (JSON.stringify(r.annotations).includes('{{'))
        throw new Error(`${name} has templated annotations: write them out`);
      return { exp_labels: { ...seriesLabels, ...r.labels }, exp_annotations: r.annotations! };
    };

    const tests: UnitTest[] = [
      {
        name: 'every configured consumer and stream gets its threshold: own override or the environment baseline',
        interval: '1m',
        input_series: [],
        promql_expr_test: [
          {
            expr: 'overmind:consumer_max_lag:threshold',
            eval_time: '1m',
            exp_samples: [
              ['api-consumer', 'routing-decisions', API_MAX_LAG],
              ['analytics-consumer', 'routing-decisions', DEFAULT_MAX_LAG],
              ['consolidation-consumer', 'memory-events', DEFAULT_MAX_LAG],
              ['metrics-consumer', 'llm-requests', DEFAULT_MAX_LAG],
            ].map(([c, s, value]) => ({
              labels: `overmind:consumer_max_lag:threshold${labelsText({ namespace, stream_name: String(s), consumer_name: String(c) })}`,
              value: Number(value),
            })),
          },
          {
            // max(5m, maxDeliver x ackWait): consolidation-consumer 3 x 120s = 6m, the others 5m.
            expr: 'overmind:consumer_max_deliver_window_seconds:threshold',
            eval_time: '1m',
            exp_samples: [
              ['api-consumer', 'routing-decisions', 300],
              ['analytics-consumer', 'routing-decisions', 300],
              ['consolidation-consumer', 'memory-events', 360],
              ['metrics-consumer', 'llm-requests', 300],
            ].map(([c, s, value]) => ({
              labels: `overmind:consumer_max_deliver_window_seconds:threshold${labelsText({ namespace, stream_name: String(s), consumer_name: String(c) })}`,
              value: Number(value),
            })),
          },
          {
            expr: 'overmind:consumer_ack_pending_limit:threshold{consumer_name="api-consumer"}',
            eval_time: '1m',
            exp_samples: [
              {
                labels: `overmind:consumer_ack_pending_limit:threshold${labelsText({ namespace, stream_name: 'routing-decisions', consumer_name: 'api-consumer' })}`,
                value: 900,
              },
            ],
          },
          {
            expr: 'overmind:consumer_scaler_capacity:threshold',
            eval_time: '1m',
            exp_samples: [
              {
                labels: `overmind:consumer_scaler_capacity:threshold${labelsText({ namespace, stream_name: 'routing-decisions', consumer_name: 'api-consumer', scaledobject: 'api-scaler-nats', workload: 'overmind-api' })}`,
                value: 200,
              },
            ],
          },
          {
            expr: 'overmind:stream_near_limit_ratio:threshold',
            eval_time: '1m',
            exp_samples: ['routing-decisions', 'memory-events', 'llm-requests'].map((s) => ({
              labels: `overmind:stream_near_limit_ratio:threshold${labelsText({ namespace, stream_name: s })}`,
              value: 0.85,
            })),
          },
        ],
      },
      {
        name: 'lag above maxLag and growing: quiet until `for` has passed, then fires once with its names and numbers',
        interval: '1m',
        input_series: lagSeries('api-consumer', '0+100x60'),
        alert_rule_test: [
          { eval_time: minute(firesAt - 2), alertname: LAG, exp_alerts: [] },
          {
            eval_time: minute(firesAt + 2),
            alertname: LAG,
            exp_alerts: [lagFiring('api-consumer', (firesAt + 2) * 100, API_MAX_LAG, API_SCALER)],
          },
        ],
      },
      {
        name: 'two consumers with the same lag and different thresholds: each alerts on its own threshold',
        interval: '1m',
        // 400 a minute: above api-consumer's 2000 from minute 6 (fires at 16), above analytics-consumer's 10000 from
        // minute 26 (fires at 36).
        input_series: [...lagSeries('api-consumer', '0+400x60'), ...lagSeries('analytics-consumer', '0+400x60')],
        alert_rule_test: [
          { eval_time: '14m', alertname: LAG, exp_alerts: [] },
          { eval_time: '20m', alertname: LAG, exp_alerts: [lagFiring('api-consumer', 8000, API_MAX_LAG, API_SCALER)] },
          {
            eval_time: '34m',
            alertname: LAG,
            exp_alerts: [lagFiring('api-consumer', 13_600, API_MAX_LAG, API_SCALER)],
          },
          {
            eval_time: '40m',
            alertname: LAG,
            exp_alerts: [
              lagFiring('api-consumer', 16_000, API_MAX_LAG, API_SCALER),
              lagFiring('analytics-consumer', 16_000, DEFAULT_MAX_LAG),
            ],
          },
        ],
      },
      {
        name: 'lag high but shrinking: quiet',
        interval: '1m',
        input_series: [
          consumerSeries('nats_consumer_num_pending', { server: 0, leader: true }, `${API_MAX_LAG * 3}-20x60`),
          consumerSeries('nats_consumer_num_ack_pending', { server: 0, leader: true }, '500x60'),
        ],
        alert_rule_test: [
          { eval_time: minute(firesAt + 2), alertname: LAG, exp_alerts: [] },
          { eval_time: '60m', alertname: LAG, exp_alerts: [] },
        ],
      },
      {
        name: 'lag growing but below maxLag: quiet',
        interval: '1m',
        input_series: lagSeries('api-consumer', `0+${Math.floor(API_MAX_LAG / 120)}x60`),
        alert_rule_test: [{ eval_time: '60m', alertname: LAG, exp_alerts: [] }],
      },
      {
        name: 'a consumer that is not in the config has no threshold: quiet whatever its lag',
        interval: '1m',
        input_series: lagSeries('someone-elses-consumer', '0+1000x60'),
        alert_rule_test: [{ eval_time: '60m', alertname: LAG, exp_alerts: [] }],
      },
      {
        name: 'a follower\'s stale, growing figures are ignored (is_consumer_leader="false")',
        interval: '1m',
        input_series: [
          consumerSeries('nats_consumer_num_pending', { server: 0, leader: true }, '10x60'),
          consumerSeries('nats_consumer_num_ack_pending', { server: 0, leader: true }, '0x60'),
          consumerSeries('nats_consumer_num_pending', { server: 1, leader: false }, '0+100x60'),
          consumerSeries('nats_consumer_num_ack_pending', { server: 1, leader: false }, '0+100x60'),
        ],
        alert_rule_test: [{ eval_time: minute(firesAt + 2), alertname: LAG, exp_alerts: [] }],
      },
      {
        name: 'a leader move mid-incident neither resets `for` nor duplicates the alert',
        interval: '1m',
        input_series: [
          consumerSeries('nats_consumer_num_pending', { server: 0, leader: true }, `0+100x${aboveFrom + 1} stale`),
          consumerSeries('nats_consumer_num_ack_pending', { server: 0, leader: true }, `0x${aboveFrom + 1} stale`),
          consumerSeries(
            'nats_consumer_num_pending',
            { server: 1, leader: true },
            `_x${aboveFrom + 2} ${(aboveFrom + 2) * 100}+100x40`,
          ),
          consumerSeries('nats_consumer_num_ack_pending', { server: 1, leader: true }, `_x${aboveFrom + 2} 0x40`),
        ],
        alert_rule_test: [
          {
            eval_time: minute(firesAt + 2),
            alertname: LAG,
            exp_alerts: [lagFiring('api-consumer', (firesAt + 2) * 100, API_MAX_LAG, API_SCALER)],
          },
        ],
      },
      {
        name: "ack pending at 90% of maxAckPending for `for`: fires with the consumer's threshold",
        interval: '1m',
        input_series: [
          consumerSeries(
            'nats_consumer_num_ack_pending',
            { server: 0, leader: true, consumer: 'metrics-consumer', stream: 'llm-requests' },
            '950x20',
          ),
          consumerSeries(
            'nats_consumer_num_ack_pending',
            { server: 0, leader: true, consumer: 'api-consumer' },
            '899x20',
          ),
        ],
        alert_rule_test: [
          { eval_time: '8m', alertname: 'NatsConsumerAckPendingHigh', exp_alerts: [] },
          {
            eval_time: '12m',
            alertname: 'NatsConsumerAckPendingHigh',
            exp_alerts: [
              {
                exp_labels: { ...keys('metrics-consumer', 'llm-requests'), ...rule('NatsConsumerAckPendingHigh') },
                exp_annotations: {
                  summary:
                    'NATS consumer "metrics-consumer" on stream "llm-requests" (prod): ack pending ' +
                    '950 near maxAckPending',
                  description:
                    "950 messages are delivered but not acked, at or above the consumer's " +
                    'threshold of 900 (its ackPendingRatio of maxAckPending). ' +
                    'At maxAckPending the server stops delivering to this consumer, so the backlog ' +
                    'grows while workers hold messages.',
                  runbook: [
                    `1. ${kubectlNats} consumer info llm-requests metrics-consumer: compare ` +
                      `Outstanding Acks with Max Ack Pending.`,
                    `2. Workers may be stuck or slow to ack (within ackWait): check their logs and ` +
                      `restarts (kubectl get pods -n ${namespace}).`,
                    '3. If the workers are healthy and simply busy, raise maxAckPending (or scale ' +
                      'the workers) in the config.',
                  ].join('\n'),
                },
              },
            ],
          },
        ],
      },
      {
        name:
          'redeliveries never back to zero: each consumer alerts after its own window ' +
          '(5m; consolidation-consumer 6m) plus `for`',
        interval: '1m',
        // Nothing to redeliver until minute 10, then stuck at 2: api-consumer fires at 10 + 5 + 5,
        // consolidation-consumer at 10 + 6 + 5.
        input_series: [
          consumerSeries('nats_consumer_num_redelivered', { server: 0, leader: true }, '0x10 2x50'),
          consumerSeries(
            'nats_consumer_num_redelivered',
            { server: 0, leader: true, consumer: 'consolidation-consumer', stream: 'memory-events' },
            '0x10 2x50',
          ),
          // Redeliveries that drop to zero every 4 minutes never use up maxDeliver: quiet.
          consumerSeries(
            'nats_consumer_num_redelivered',
            { server: 0, leader: true, consumer: 'metrics-consumer', stream: 'llm-requests' },
            '2 2 2 0 2 2 2 0 2 2 2 0 2 2 2 0 2 2 2 0 2 2 2 0 2 2 2 0 2 2 2 0',
          ),
        ],
        alert_rule_test: [
          { eval_time: '19m', alertname: 'NatsConsumerMaxDeliverLikely', exp_alerts: [] },
          {
            eval_time: '20m',
            alertname: 'NatsConsumerMaxDeliverLikely',
            exp_alerts: [maxDeliverFiring('api-consumer', 'routing-decisions', '5m 0s')],
          },
          {
            eval_time: '22m',
            alertname: 'NatsConsumerMaxDeliverLikely',
            exp_alerts: [
              maxDeliverFiring('api-consumer', 'routing-decisions', '5m 0s'),
              maxDeliverFiring('consolidation-consumer', 'memory-events', '6m 0s'),
            ],
          },
        ],
      },
      {
        name: "stream leader above nearLimitRatio of maxBytes for `for`: fires; a follower's figures do not count",
        interval: '1m',
        input_series: [
          streamSeries('nats_stream_total_bytes', { server: 0, leader: true }, `${Math.ceil(0.9 * GiB)}x30`),
          streamSeries('nats_stream_limit_bytes', { server: 0, leader: true }, `${GiB}x30`),
          streamSeries('nats_stream_total_bytes', { server: 1, leader: false }, `${Math.ceil(0.9 * GiB)}x30`),
          streamSeries('nats_stream_limit_bytes', { server: 1, leader: false }, `${GiB}x30`),
          streamSeries(
            'nats_stream_total_bytes',
            { server: 1, leader: true, stream: 'memory-events' },
            `${Math.ceil(0.5 * GiB)}x30`,
          ),
          streamSeries(
            'nats_stream_limit_bytes',
            { server: 1, leader: true, stream: 'memory-events' },
            `${5 * GiB}x30`,
          ),
          streamSeries(
            'nats_stream_total_bytes',
            { server: 2, leader: false, stream: 'memory-events' },
            `${Math.ceil(4.9 * GiB)}x30`,
          ),
          streamSeries(
            'nats_stream_limit_bytes',
            { server: 2, leader: false, stream: 'memory-events' },
            `${5 * GiB}x30`,
          ),
        ],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'NatsStreamNearMaxBytes', exp_alerts: [] },
          {
            eval_time: '17m',
            alertname: 'NatsStreamNearMaxBytes',
            exp_alerts: [
              {
                exp_labels: {
                  account: '$G',
                  namespace,
                  stream_name: 'routing-decisions',
                  ...rule('NatsStreamNearMaxBytes'),
                },
                exp_annotations: {
                  summary: 'NATS stream "routing-decisions" (prod): 90% of maxBytes 1GiB',
                  description:
                    "The stream leader holds more than the stream's threshold of 85% of its maxBytes (1GiB). " +
                    'With discard "old" the server then drops the oldest messages, so the stream ' +
                    'keeps less than its maxAge promises.',
                  runbook: [
                    `1. ${kubectlNats} stream info routing-decisions: State (messages, bytes) against maxBytes.`,
                    '2. Check that the consumers keep up (consumer lag alerts) and that publishers ' +
                      'are not flooding the stream.',
                    "3. Raise the stream's maxBytes in the config (all file streams' maxBytes must " +
                      'fit nats.fileStorageSize) or shorten maxAge.',
                  ].join('\n'),
                },
              },
            ],
          },
        ],
      },
      {
        name: 'an unlimited stream (limit -1) never counts as near its limit',
        interval: '1m',
        input_series: [
          streamSeries('nats_stream_total_bytes', { server: 0, leader: true }, `${GiB}x30`),
          streamSeries('nats_stream_limit_bytes', { server: 0, leader: true }, '-1x30'),
        ],
        alert_rule_test: [{ eval_time: '20m', alertname: 'NatsStreamNearMaxBytes', exp_alerts: [] }],
      },
      {
        name: 'no server claims meta leadership: fires after `for`',
        interval: '1m',
        input_series: [jsDisabled(0, undefined), jsDisabled(1, undefined), jsDisabled(2, undefined)],
        alert_rule_test: [
          { eval_time: '1m', alertname: 'NatsJetStreamNoMetaLeader', exp_alerts: [] },
          {
            eval_time: '4m',
            alertname: 'NatsJetStreamNoMetaLeader',
            exp_alerts: [staticFiring('NatsJetStreamNoMetaLeader', { namespace })],
          },
        ],
      },
      {
        name: 'a meta leader exists: quiet; all 3 servers report: no server missing',
        interval: '1m',
        input_series: [jsDisabled(0, 1), jsDisabled(1, 1), jsDisabled(2, 1)],
        alert_rule_test: [
          { eval_time: '8m', alertname: 'NatsJetStreamNoMetaLeader', exp_alerts: [] },
          { eval_time: '8m', alertname: 'NatsServerMissing', exp_alerts: [] },
        ],
      },
      {
        name: 'one of 3 servers stops reporting: server missing fires after `for`',
        interval: '1m',
        input_series: [jsDisabled(0, 1, '0x20'), jsDisabled(1, 1, '0x20'), jsDisabled(2, 1, '0x2 stale')],
        alert_rule_test: [
          { eval_time: '4m', alertname: 'NatsServerMissing', exp_alerts: [] },
          {
            eval_time: '10m',
            alertname: 'NatsServerMissing',
            exp_alerts: [staticFiring('NatsServerMissing', { namespace })],
          },
        ],
      },
    ];

    test.each(tests.map((t) => [t.name, t] as const))('%s', (name, unit) => {
      const rulesFile = path.join(scratch, 'rules-prod.yaml');
      fs.writeFileSync(rulesFile, yaml.dump({ groups }, { lineWidth: -1 }));
      const testFile = path.join(scratch, `test-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.yaml`);
      // Prometheus runs groups independently, so a value read across groups may be one evaluation old; here
      // they run in data-flow order (thresholds, recording, alerts), so $value in the texts is exact.
      const groupEvalOrder = [
        ...groups.filter((g) => g.name.includes('.thresholds.')),
        ...groups.filter((g) => !g.name.includes('.thresholds.')),
      ].map((g) => g.name);
      fs.writeFileSync(
        testFile,
        yaml.dump(
          {
            rule_files: [path.basename(rulesFile)],
            evaluation_interval: '1m',
            group_eval_order: groupEvalOrder,
            tests: [unit],
          },
          { lineWidth: -1 },
        ),
      );
      const result = runPromtool(promtool, ['test', 'rules', testFile], scratch);
      expect(result.output).toMatch(/SUCCESS/);
      expect(result.status).toBe(0);
    });

    test(
      'the lag tests really depend on the threshold: the firing series passes it ' +
        'within the run, the quiet one never does',
      () => {
        // Guards against a vacuous pass.
        expect(aboveFrom * 100).toBeGreaterThan(API_MAX_LAG);
        expect(firesAt + 2).toBeLessThanOrEqual(60);
        expect(Math.floor(API_MAX_LAG / 120) * 60).toBeLessThanOrEqual(API_MAX_LAG);
        // Same lag, different thresholds: between the two at minute 20, above both at minute 40.
        expect(400 * 20).toBeGreaterThan(API_MAX_LAG);
        expect(400 * 20).toBeLessThan(DEFAULT_MAX_LAG);
      },
    );
  });
});
