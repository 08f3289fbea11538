// `npm run doctor` without a server: its arguments (exit 2, one line), its table and JSON, and the judgments
// of the checks that need no server (lag, ScaledObject conditions, KEDA's /jsz URL and leader lookup).
// The live cases are in test/live/doctor.live.test.ts.
import type { ConsumerInfo } from 'nats';
import { DOCTOR_USAGE, report, run } from '../../tools/live/doctor-command';
import {
  DoctorCheck,
  judgeScaledObject,
  kedaMonitoringCheck,
  lagCheck,
  metaLeaderCheck,
} from '../../tools/live/doctor-checks';
import type { DeclaredConsumer, DeclaredEnvironment, DeclaredScaler } from '../../tools/live/declared-environment';
import { kedaJszPath, MonitorNode } from '../../tools/live/monitoring-endpoint';
import { DIST_ROOT } from '../support/dist';
import { jszQuery } from '../support/keda-jetstream-scaler';

async function doctorOffline(argv: string[], environment: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, DIST_ROOT, {
    environment,
    out: { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

describe('doctor arguments: exit 2 with one line', () => {
  test.each([
    [['--env'], /^--env needs an environment name/],
    [['--env', 'nowhere'], /^no environment "nowhere" in .*: one of dev, prod, staging/],
    [[], /^--env is required: one of dev, prod, staging/],
    [['--env', 'dev', '--verbose'], /^unknown argument "--verbose"/],
    [['--env', 'dev', '--interval'], /^--interval needs seconds from 0 to 60, got ""/],
    [['--env', 'dev', '--interval', 'soon'], /^--interval needs seconds from 0 to 60, got "soon"/],
    [['--env', 'dev', '--interval=-1'], /^--interval needs seconds/],
    [['--env', 'dev', '--interval', '61'], /^--interval 61 is too long: at most 60 seconds/],
  ])('%j', async (argv, reason) => {
    const r = await doctorOffline(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(reason);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('a NATS_MONITOR_URL that is not http(s)://host:port is refused before connecting', async () => {
    const r = await doctorOffline(['--env', 'dev'], { NATS_MONITOR_URL: 'http://127.0.0.1:8222/jsz' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'NATS_MONITOR_URL: "http://127.0.0.1:8222/jsz" must be http(s)://host:port, e.g. http://127.0.0.1:8222\n',
    );
  });

  test('--help prints the usage with the environment doctor reads, exit 0', async () => {
    const r = await doctorOffline(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${DOCTOR_USAGE}\n`);
    for (const word of ['NATS_URL', 'NATS_TOKEN', 'NATS_MONITOR_URL', '--interval', 'port-forward svc/nats 8222']) {
      expect(r.stdout).toContain(word);
    }
  });
});

const declared: DeclaredEnvironment = {
  env: 'dev',
  namespace: 'overmind-dev',
  streams: [],
  consumers: [],
  scalers: [],
};
const check = (name: string, result: DoctorCheck['result']): DoctorCheck => ({
  check: name,
  result,
  finding: `${name} finding`,
  fix: result === 'ok' || result === 'skipped' ? '' : `${name} fix`,
});

describe('doctor report', () => {
  test('a table for people: check, result, finding, fix, then the counts', () => {
    const r = report(
      declared,
      'nats://127.0.0.1:4222',
      ['http://127.0.0.1:8222'],
      [check('stream a', 'ok'), check('consumer a/b', 'fail')],
    );
    expect(r.text.split('\n')).toEqual([
      'doctor dev (namespace overmind-dev) against nats://127.0.0.1:4222, monitoring http://127.0.0.1:8222',
      '',
      'check         result  finding               fix',
      '------------  ------  --------------------  ----------------',
      'stream a      ok      stream a finding',
      'consumer a/b  fail    consumer a/b finding  consumer a/b fix',
      '',
      '1 ok, 0 warn, 1 fail, 0 skipped: found something to fix',
      '',
    ]);
    expect(r.foundProblems).toBe(true);
  });

  test('JSON for machines: every check and the counts', () => {
    const checks = [check('stream a', 'ok'), check('secret nats-auth', 'skipped')];
    const r = report(declared, 'nats://x:4222', ['http://x:8222'], checks);
    expect(r.json).toEqual({
      env: 'dev',
      namespace: 'overmind-dev',
      server: 'nats://x:4222',
      monitor: ['http://x:8222'],
      checks,
      summary: { ok: 1, warn: 0, fail: 0, skipped: 1 },
    });
  });

  test.each([
    ['ok', false],
    ['skipped', false],
    ['warn', true],
    ['fail', true],
  ] as const)('one %s check: found something = %s', (result, found) => {
    expect(report(declared, 's', ['m'], [check('stream a', 'ok'), check('x', result)]).foundProblems).toBe(found);
  });
});

const consumer: DeclaredConsumer = { file: 'f', spec: {}, name: 'api-consumer', stream: 'routing-decisions' };
const scaler: DeclaredScaler = {
  file: 'f',
  name: 'api-scaler-nats',
  stream: 'routing-decisions',
  consumer: 'api-consumer',
  lagThreshold: 10,
  activationLagThreshold: 0,
  monitoringEndpoint: 'nats-headless.overmind-prod.svc.cluster.local:8222',
  account: '$G',
  useHttps: false,
};
const sample = (pending: number, ackPending = 0) => ({
  consumer,
  info: { num_pending: pending, num_ack_pending: ackPending } as ConsumerInfo,
});

describe('lag: num_pending + num_ack_pending against lagThreshold, sampled twice', () => {
  test.each([
    [8, 9, [scaler], 'ok', 'lag 8 -> 9 in 1 s: growing; at most lagThreshold 10 (ScaledObject api-scaler-nats)'],
    [12, 20, [scaler], 'fail', 'lag 12 -> 20 in 1 s: growing; above lagThreshold 10 (ScaledObject api-scaler-nats)'],
    [
      30,
      20,
      [scaler],
      'ok',
      'lag 30 -> 20 in 1 s: draining; above lagThreshold 10 (ScaledObject api-scaler-nats), KEDA scales up',
    ],
    [20, 20, [scaler], 'warn', 'lag 20, unchanged in 1 s; above lagThreshold 10 (ScaledObject api-scaler-nats)'],
    [1, 5, [], 'warn', 'lag 1 -> 5 in 1 s: growing; no scaler'],
    [5, 5, [], 'ok', 'lag 5, unchanged in 1 s; no scaler'],
  ] as const)('%d then %d', (before, after, scalers, result, finding) => {
    const judged = lagCheck(sample(before), sample(after), scalers, 1000, 'overmind-prod');
    expect(judged).toMatchObject({ check: 'lag routing-decisions/api-consumer', result, finding });
  });

  test('ack pending counts as lag, as KEDA counts it', () => {
    expect(lagCheck(sample(5, 6), sample(5, 6), [scaler], 0, 'ns')).toMatchObject({
      result: 'warn',
      finding: 'lag 11 (one sample); above lagThreshold 10 (ScaledObject api-scaler-nats)',
    });
  });
});

describe('ScaledObject conditions', () => {
  test.each([
    [
      [
        { type: 'Ready', status: 'True' },
        { type: 'Active', status: 'True' },
      ],
      'ok',
      /^Ready and Active/,
    ],
    [
      [
        { type: 'Ready', status: 'True' },
        { type: 'Active', status: 'False' },
      ],
      'ok',
      /^Ready, not Active/,
    ],
    [
      [{ type: 'Ready', status: 'False', message: 'error parsing nats metadata' }],
      'fail',
      /^not Ready \(False\): error parsing/,
    ],
    [[], 'fail', /^not Ready \(no condition\)/],
    [
      [
        { type: 'Ready', status: 'True' },
        { type: 'Fallback', status: 'True', reason: 'FallbackExists' },
      ],
      'warn',
      /Fallback/,
    ],
  ] as const)('%j -> %s', (conditions, result, finding) => {
    expect(judgeScaledObject('scaledobject s', conditions)).toMatchObject({
      result,
      finding: expect.stringMatching(finding),
    });
  });
});

describe("the monitoring endpoint as KEDA asks it (KEDA's own model is the oracle)", () => {
  test.each(['$G', 'ACC ONE', 'a*b~c'])('account %j: the same query as KEDA', (account) => {
    expect(kedaJszPath(account)).toBe(`/${jszQuery(account)}`);
  });

  const jsz = (leader: string) => ({
    meta_cluster: { leader: 'nats-0', cluster_size: 3 },
    account_details: [
      {
        id: '$G',
        name: '$G',
        stream_detail: [
          {
            name: 'routing-decisions',
            consumer_detail: [{ name: 'api-consumer', num_pending: 4, num_ack_pending: 1, cluster: { leader } }],
          },
        ],
      },
    ],
  });
  const node = (serverName: string, leader: string, routes: string[]): MonitorNode => ({
    base: `http://${serverName}:8222`,
    varz: { server_name: serverName, cluster: { urls: routes } },
    jsz: new Map([['$G', jsz(leader)]]),
  });
  const chartRoutes = ['nats-0.nats-headless:6222', 'nats-1.nats-headless:6222', 'nats-2.nats-headless:6222'];

  test('in a cluster, the leader among the names KEDA takes from cluster.urls: ok, with the URL KEDA reads', () => {
    const judged = kedaMonitoringCheck(scaler, [
      node('nats-0', 'nats-1', chartRoutes),
      node('nats-1', 'nats-1', chartRoutes),
    ]);
    expect(judged.result).toBe('ok');
    expect(judged.finding).toContain(
      'KEDA finds the consumer leader nats-1 at ' +
        'http://nats-1.nats-headless.overmind-prod.svc.cluster.local:8222/jsz?acc=%24G&config=true&consumers=true; ' +
        'lag 5 on the leader',
    );
  });

  test('server names that are not the route host names: KEDA does not find the leader, fail', () => {
    const loopbackRoutes = ['127.0.0.1:6223', '127.0.0.1:6224'];
    const judged = kedaMonitoringCheck(scaler, [node('n1', 'n2', loopbackRoutes)]);
    expect(judged.result).toBe('fail');
    expect(judged.finding).toContain('leader node not found for consumer api-consumer');
    expect(judged.finding).toContain('(127, 127)');
  });

  test('the consumer missing from the answer: fail, as KEDA errs', () => {
    const answer = node('nats-0', 'nats-0', chartRoutes);
    const other = { ...scaler, consumer: 'gone-consumer' };
    expect(kedaMonitoringCheck(other, [answer])).toMatchObject({
      result: 'fail',
      finding: expect.stringContaining('answers without consumer gone-consumer'),
    });
  });

  test('no monitoring answer: warn and say how to port-forward', () => {
    const unreachable: MonitorNode = { base: 'http://127.0.0.1:1', jsz: new Map(), error: 'connect ECONNREFUSED' };
    expect(kedaMonitoringCheck(scaler, [unreachable])).toMatchObject({
      result: 'warn',
      fix: expect.stringContaining('kubectl port-forward -n <ns> svc/nats 8222'),
    });
  });
});

describe('meta leader: what the leader says of its peers, and which servers did not answer', () => {
  const peer = (name: string, current = true) => ({ name, current, active: 200_000_000 });
  const server = (name: string, peers?: ReturnType<typeof peer>[]): MonitorNode => ({
    base: `http://${name}:8222`,
    varz: { server_name: name },
    jsz: new Map([['$G', { meta_cluster: { leader: 'nats-0', cluster_size: 3, replicas: peers } }]]),
  });
  const silent: MonitorNode = { base: 'http://nats-2:8222', jsz: new Map(), error: 'connect ECONNREFUSED' };

  test('every server answers and the leader sees its peers current: ok', () => {
    const judged = metaLeaderCheck([
      server('nats-0', [peer('nats-1'), peer('nats-2')]),
      server('nats-1'),
      server('nats-2'),
    ]);
    expect(judged).toMatchObject({ result: 'ok', finding: 'meta leader nats-0 of 3; peers nats-1, nats-2 current' });
  });

  test('a server that stopped answering before the leader noticed: warn, naming it', () => {
    // nats-server keeps a peer current until lostQuorumInterval has passed since it was last seen.
    const judged = metaLeaderCheck([server('nats-0', [peer('nats-1'), peer('nats-2')]), server('nats-1'), silent]);
    expect(judged.result).toBe('warn');
    expect(judged.finding).toContain('no answer from http://nats-2:8222');
  });

  test('the leader sees a peer not current: fail, naming it and the server that did not answer', () => {
    const judged = metaLeaderCheck([
      server('nats-0', [peer('nats-1'), peer('nats-2', false)]),
      server('nats-1'),
      silent,
    ]);
    expect(judged.result).toBe('fail');
    expect(judged.finding).toMatch(/replica on nats-2 not current.*no answer from http:\/\/nats-2:8222/);
  });
});
