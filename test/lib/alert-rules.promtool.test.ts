// The generated rules through the real promtool (Debian `prometheus`): `promtool check rules` on
// every environment's rule groups, and `promtool test rules` unit tests with synthetic exporter
// series (labels as the chart's exporter sets them, keda-prom-argo.md (b)). The test files are
// generated here from the synthesized rules, so thresholds, `for` and annotations stay in sync.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ENVIRONMENTS } from '../../config';
import { EnvironmentConfig } from '../../lib/config';
import { describeWithPromtool, promtoolVersion, runPromtool } from '../support/promtool';
import { KubeObject, objectsOfKind, synthEnvironment } from '../support/synth';

interface Rule { record?: string; alert?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface Group { name: string; rules: Rule[] }
interface Series { series: string; values: string }
interface AlertCheck { eval_time: string; alertname: string; exp_alerts: Array<{ exp_labels: Record<string, string>; exp_annotations: Record<string, string> }> }
interface UnitTest { name: string; interval: string; input_series: Series[]; alert_rule_test: AlertCheck[] }

const envConfig = (name: string): EnvironmentConfig => ENVIRONMENTS.find((e) => e.name === name)!;

function rulesOf(objects: KubeObject[]): Group[] {
  return objectsOfKind(objects, 'PrometheusRule')[0].spec.groups;
}

/** The exporter's series for one server, with every volatile label a real scrape has (server_*, pod, instance, *_leader). */
function labelsText(labels: Record<string, string>): string {
  return `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

describeWithPromtool('alert rules through promtool', (promtool) => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-promtool-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test('promtool is the Debian prometheus package\'s', () => {
    expect(promtoolVersion(promtool)).toMatch(/^promtool, version \d+\.\d+/);
  });

  describe.each(ENVIRONMENTS.map((e) => e.name))('environment %s', (env) => {
    test('promtool check rules accepts the rule groups (the PrometheusRule\'s spec)', () => {
      const { objects } = synthEnvironment(envConfig(env));
      const file = path.join(scratch, `check-${env}.yaml`);
      fs.writeFileSync(file, yaml.dump({ groups: rulesOf(objects) }, { lineWidth: -1 }));
      const result = runPromtool(promtool, ['check', 'rules', file]);
      expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
      expect(result.status).toBe(0);
    });
  });

  describe('promtool test rules (prod: 3 servers, api-consumer scaled by KEDA)', () => {
    const config = envConfig('prod');
    const { objects } = synthEnvironment(config);
    const groups = rulesOf(objects);
    const namespace = config.namespace!;
    const job = 'nats-metrics';
    const alert = (name: string, labels: Record<string, string> = {}): Rule => {
      const found = groups.flatMap((g) => g.rules).filter((r) => r.alert === name && Object.entries(labels).every(([k, v]) => r.labels?.[k] === v));
      if (found.length !== 1) throw new Error(`expected one ${name} ${JSON.stringify(labels)}, found ${found.length}`);
      return found[0];
    };
    /** What promtool reports for a firing alert: the series' kept labels plus the rule's labels and static annotations. */
    const firing = (rule: Rule, seriesLabels: Record<string, string>) => ({ exp_labels: { ...seriesLabels, ...rule.labels }, exp_annotations: rule.annotations! });

    const server = (i: number) => ({ server_id: `NSERVER${i}`, server_name: `nats-${i}`, pod: `nats-${i}`, instance: `10.0.0.${i + 1}:7777`, cluster: 'nats', container: 'prom-exporter', endpoint: 'prom-metrics', service: job });
    const consumerSeries = (metric: string, opts: { server: number; leader: boolean; consumer?: string; stream?: string }, values: string): Series => ({
      series: `${metric}${labelsText({
        job, namespace, account: '$G', stream_name: opts.stream ?? 'routing-decisions', consumer_name: opts.consumer ?? 'api-consumer',
        ...server(opts.server), consumer_leader: `nats-${opts.leader ? opts.server : (opts.server + 1) % 3}`, is_consumer_leader: String(opts.leader),
        stream_leader: 'nats-0', is_stream_leader: String(opts.server === 0),
      })}`,
      values,
    });
    const streamSeries = (metric: string, opts: { server: number; leader: boolean; stream?: string }, values: string): Series => ({
      series: `${metric}${labelsText({ job, namespace, account: '$G', stream_name: opts.stream ?? 'routing-decisions', ...server(opts.server), stream_leader: 'nats-0', is_stream_leader: String(opts.leader) })}`,
      values,
    });
    const jsDisabled = (i: number, metaLeader: number | undefined, values = '0x10'): Series => ({
      series: `nats_server_jetstream_disabled${labelsText({ job, namespace, ...server(i), meta_leader: metaLeader === undefined ? '' : `nats-${metaLeader}`, is_meta_leader: String(metaLeader === i) })}`,
      values,
    });

    const lag = alert('NatsConsumerLagGrowing', { consumer_name: 'api-consumer' });
    const maxLag = Number(/> (\d+) and deriv/.exec(lag.expr)![1]);
    const lagKeys = { account: '$G', namespace, stream_name: 'routing-decisions', consumer_name: 'api-consumer' };
    const LAG = 'NatsConsumerLagGrowing';
    // Pending grows by 100 a minute: above maxLag from minute maxLag/100 + 1, firing `for` later.
    const aboveFrom = Math.floor(maxLag / 100) + 1;
    const forMinutes = Number(/^(\d+)m$/.exec(lag.for!)![1]);
    const firesAt = aboveFrom + forMinutes;
    const minute = (m: number) => `${m}m`;

    const nearBytes = alert('NatsStreamNearMaxBytes', { stream_name: 'routing-decisions' });
    const GiB = 1024 ** 3;
    const noLeader = alert('NatsJetStreamNoMetaLeader');
    const missing = alert('NatsServerMissing');

    const tests: UnitTest[] = [
      {
        name: 'lag above maxLag and growing: quiet until `for` has passed, then fires once',
        interval: '1m',
        input_series: [
          consumerSeries('nats_consumer_num_pending', { server: 0, leader: true }, '0+100x60'),
          consumerSeries('nats_consumer_num_ack_pending', { server: 0, leader: true }, '0x60'),
        ],
        alert_rule_test: [
          { eval_time: minute(firesAt - 2), alertname: LAG, exp_alerts: [] },
          { eval_time: minute(firesAt + 2), alertname: LAG, exp_alerts: [firing(lag, lagKeys)] },
        ],
      },
      {
        name: 'lag high but shrinking: quiet',
        interval: '1m',
        input_series: [
          consumerSeries('nats_consumer_num_pending', { server: 0, leader: true }, `${maxLag * 3}-20x60`),
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
        input_series: [
          consumerSeries('nats_consumer_num_pending', { server: 0, leader: true }, `0+${Math.floor(maxLag / 120)}x60`),
          consumerSeries('nats_consumer_num_ack_pending', { server: 0, leader: true }, '0x60'),
        ],
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
          consumerSeries('nats_consumer_num_pending', { server: 1, leader: true }, `_x${aboveFrom + 2} ${(aboveFrom + 2) * 100}+100x40`),
          consumerSeries('nats_consumer_num_ack_pending', { server: 1, leader: true }, `_x${aboveFrom + 2} 0x40`),
        ],
        alert_rule_test: [{ eval_time: minute(firesAt + 2), alertname: LAG, exp_alerts: [firing(lag, lagKeys)] }],
      },
      {
        name: 'stream leader above nearLimitRatio of maxBytes for `for`: fires; a follower\'s figures do not count',
        interval: '1m',
        input_series: [
          streamSeries('nats_stream_total_bytes', { server: 0, leader: true }, `${Math.ceil(0.9 * GiB)}x30`),
          streamSeries('nats_stream_limit_bytes', { server: 0, leader: true }, `${GiB}x30`),
          streamSeries('nats_stream_total_bytes', { server: 1, leader: false }, `${Math.ceil(0.9 * GiB)}x30`),
          streamSeries('nats_stream_limit_bytes', { server: 1, leader: false }, `${GiB}x30`),
          streamSeries('nats_stream_total_bytes', { server: 1, leader: true, stream: 'memory-events' }, `${Math.ceil(0.5 * GiB)}x30`),
          streamSeries('nats_stream_limit_bytes', { server: 1, leader: true, stream: 'memory-events' }, `${5 * GiB}x30`),
          streamSeries('nats_stream_total_bytes', { server: 2, leader: false, stream: 'memory-events' }, `${Math.ceil(4.9 * GiB)}x30`),
          streamSeries('nats_stream_limit_bytes', { server: 2, leader: false, stream: 'memory-events' }, `${5 * GiB}x30`),
        ],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'NatsStreamNearMaxBytes', exp_alerts: [] },
          { eval_time: '17m', alertname: 'NatsStreamNearMaxBytes', exp_alerts: [firing(nearBytes, { account: '$G', namespace, stream_name: 'routing-decisions' })] },
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
          { eval_time: '4m', alertname: 'NatsJetStreamNoMetaLeader', exp_alerts: [firing(noLeader, { namespace })] },
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
          { eval_time: '10m', alertname: 'NatsServerMissing', exp_alerts: [firing(missing, { namespace })] },
        ],
      },
    ];

    test.each(tests.map((t) => [t.name, t] as const))('%s', (name, unit) => {
      const rulesFile = path.join(scratch, 'rules-prod.yaml');
      fs.writeFileSync(rulesFile, yaml.dump({ groups }, { lineWidth: -1 }));
      const testFile = path.join(scratch, `test-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.yaml`);
      fs.writeFileSync(testFile, yaml.dump({ rule_files: [path.basename(rulesFile)], evaluation_interval: '1m', tests: [unit] }, { lineWidth: -1 }));
      const result = runPromtool(promtool, ['test', 'rules', testFile], scratch);
      expect(result.output).toMatch(/SUCCESS/);
      expect(result.status).toBe(0);
    });

    test('the lag test really depends on the threshold: with maxLag never reached it would stay quiet', () => {
      // Guards against a vacuous pass: the firing case's pending series exceeds maxLag within the run.
      expect(aboveFrom * 100).toBeGreaterThan(maxLag);
      expect(firesAt + 2).toBeLessThanOrEqual(60);
    });
  });
});
