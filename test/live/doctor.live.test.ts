// Issue #12: `npm run doctor` against a real 3-node cluster running prod's chart-rendered nats.conf, started
// as the NATS chart starts it (server names = pod names, the chart's routes: test/support/chart-like-cluster.ts)
// so that KEDA's leader lookup can be judged, with dist/prod applied as NACK would. Each case breaks one thing
// the spec's troubleshooting section names and checks that doctor names it, with the exit-code contract.
// KEDA's own algorithm (test/support/keda-jetstream-scaler.ts) is the oracle for the /jsz check.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { JetStreamManager, NatsConnection, StringCodec } from 'nats';
import { run } from '../../tools/live/doctor-command';
import type { DoctorCheck } from '../../tools/live/doctor-checks';
import {
  chartHostMap,
  chartNoAdvertiseOptions,
  headlessServiceHost,
  kedaUrlFetch,
} from '../support/chart-like-cluster';
import { DIST_ROOT } from '../support/dist';
import { loadEnvironment } from '../support/dist-manifests';
import { applyEnvironment, LIVE_CLUSTER_OPTIONS } from '../support/jetstream-apply';
import { jszQuery, KedaJetStreamScaler, parseScalerMetadata } from '../support/keda-jetstream-scaler';
import { reportLiveChecks } from '../support/live-report';
import { NatsCluster, skipUnlessNatsServer, waitFor } from '../support/nats-cluster';

jest.setTimeout(90_000);

const describeLive = skipUnlessNatsServer();
const ENV = 'prod';
const NAMES = { namespace: 'overmind-prod' };
const STREAM = 'routing-decisions';
const CONSUMER = 'api-consumer';
const sc = StringCodec();

interface DoctorRun {
  code: number;
  stdout: string;
  stderr: string;
  checks: DoctorCheck[];
}

describeLive('npm run doctor against a live cluster', () => {
  reportLiveChecks('doctor.live.test.ts');
  let cluster: NatsCluster;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let emptyDir: string;

  /** The environment a user would export: every node's client and monitor URL, the token, no kubectl. */
  function exports(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      NATS_URL: cluster.clientUrls().join(','),
      NATS_TOKEN: cluster.token,
      NATS_MONITOR_URL: cluster.monitorUrls().join(','),
      PATH: emptyDir,
      ...overrides,
    };
  }

  async function doctor(argv: string[], environment: NodeJS.ProcessEnv = exports()): Promise<DoctorRun> {
    let stdout = '';
    let stderr = '';
    const code = await run(['--env', ENV, ...argv], DIST_ROOT, {
      environment,
      out: { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) },
    });
    const checks = argv.includes('--json') && code !== 2 ? (JSON.parse(stdout).checks as DoctorCheck[]) : [];
    return { code, stdout, stderr, checks };
  }

  const checkNamed = (r: DoctorRun, name: string) => {
    const found = r.checks.find((c) => c.check === name);
    if (!found) throw new Error(`no check "${name}" in ${r.checks.map((c) => c.check).join(', ')}`);
    return found;
  };

  async function restoreEnvironment(): Promise<void> {
    await applyEnvironment(nc, loadEnvironment(ENV));
    for (const c of loadEnvironment(ENV).consumers) {
      await cluster.waitForConsumerLeader(jsm, c.spec.streamName, c.spec.durableName);
    }
  }

  beforeAll(async () => {
    emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-no-kubectl-'));
    cluster = await NatsCluster.start(chartNoAdvertiseOptions(NAMES, { ...LIVE_CLUSTER_OPTIONS }));
    nc = await cluster.connect();
    jsm = await nc.jetstreamManager();
    await restoreEnvironment();
  });

  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
    if (emptyDir) fs.rmSync(emptyDir, { recursive: true, force: true });
  });

  test('all well: every check ok, Kubernetes checks skipped without kubectl, exit 0', async () => {
    const r = await doctor(['--json', '--interval', '0.5']);
    expect(r.stderr).toBe('');
    const notOk = r.checks.filter((c) => c.result !== 'ok' && c.result !== 'skipped');
    expect(notOk).toEqual([]);
    expect(r.code).toBe(0);
    const declared = loadEnvironment(ENV);
    for (const s of declared.streams)
      expect(checkNamed(r, `stream ${s.spec.name}`).finding).toMatch(/^R3, leader nats-/);
    for (const c of declared.consumers) checkNamed(r, `consumer ${c.spec.streamName}/${c.spec.durableName}`);
    expect(checkNamed(r, 'meta leader').finding).toMatch(/^meta leader nats-\d of 3; peers .* current$/);
    for (const name of ['secret nats-auth', 'scaledobject api-scaler-nats']) {
      expect(checkNamed(r, name)).toMatchObject({ result: 'skipped', finding: expect.stringMatching(/not on PATH/) });
    }
  });

  test('the /jsz check asks the URL KEDA asks and names the leader KEDA finds', async () => {
    const so = loadEnvironment(ENV).scaledObjects.find((s) => s.metadata.name === 'api-scaler-nats');
    const meta = parseScalerMetadata(so!.spec.triggers[0].metadata);
    const pods = cluster.nodeNames;
    // The Service answered by a node other than the first (whose routes also list loopback: chart-like-cluster.ts).
    const scaler = new KedaJetStreamScaler(meta, kedaUrlFetch(cluster, chartHostMap(NAMES, pods, pods[1])));
    const reading = await scaler.getMetricsAndActivity();
    const r = await doctor(['--json', '--interval', '0']);
    const check = checkNamed(r, 'keda /jsz api-scaler-nats');
    expect(check.result).toBe('ok');
    expect(check.finding).toContain(`KEDA asks http://${headlessServiceHost(NAMES)}:8222/${jszQuery('$G')}`);
    expect(check.finding).toContain(`finds the consumer leader ${reading.leader} at ${reading.readFrom}`);
    expect(check.finding).toContain(`lag ${reading.lag} on the leader`);
  });

  test('a wrong token: exit 2, one line "authentication failed", no token printed', async () => {
    const wrong = `a${'0'.repeat(64)}`;
    const r = await doctor([], exports({ NATS_TOKEN: wrong }));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^authentication failed: .*refused the token in NATS_TOKEN.*\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).not.toContain(wrong);
    expect(r.stderr).not.toContain(cluster.token);
  });

  test('no server: exit 2 with one line naming the URL', async () => {
    const r = await doctor([], exports({ NATS_URL: 'nats://127.0.0.1:1' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cannot reach NATS at nats:\/\/127\.0\.0\.1:1: .*\n$/);
  });

  test('without a kubectl context the Kubernetes checks are skipped, saying why', async () => {
    const kubeconfig = path.join(emptyDir, 'empty-kubeconfig');
    fs.writeFileSync(kubeconfig, '');
    const r = await doctor(['--json', '--interval', '0'], exports({ PATH: process.env.PATH, KUBECONFIG: kubeconfig }));
    expect(r.code).toBe(0);
    for (const name of ['secret nats-auth', 'scaledobject api-scaler-nats']) {
      expect(checkNamed(r, name)).toMatchObject({
        result: 'skipped',
        finding: expect.stringMatching(/kubectl (has no current context|is not on PATH)/),
      });
    }
  });

  test('lag above lagThreshold and growing: the lag check fails, exit 1', async () => {
    const js = nc.jetstream();
    const subject = 'routing.model.selected';
    const publish = async (count: number) => {
      for (let i = 0; i < count; i++) await js.publish(subject, sc.encode(JSON.stringify({ requestId: `r${i}` })));
    };
    await publish(30); // lagThreshold is 10
    let publishing = true;
    let published = 0;
    // Keeps publishing while doctor samples, bounded in count and stopped right after.
    const background = (async () => {
      while (publishing && published < 2_000) {
        await publish(5);
        published += 5;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    let r: DoctorRun;
    try {
      r = await doctor(['--json', '--interval', '1']);
    } finally {
      publishing = false;
      await background;
    }
    const lag = checkNamed(r, `lag ${STREAM}/${CONSUMER}`);
    expect(lag.result).toBe('fail');
    expect(lag.finding).toMatch(
      /^lag (\d+) -> (\d+) in 1 s: growing; above lagThreshold 10 \(ScaledObject api-scaler-nats\)$/,
    );
    const [, before, after] = /^lag (\d+) -> (\d+)/.exec(lag.finding)!.map(Number);
    expect(before).toBeGreaterThan(10);
    expect(after).toBeGreaterThan(before);
    expect(lag.fix).toContain('kubectl get hpa -n overmind-prod');
    expect(r.code).toBe(1);
    await jsm.streams.purge(STREAM);
    const calm = await doctor(['--json', '--interval', '0.2']);
    expect(checkNamed(calm, `lag ${STREAM}/${CONSUMER}`)).toMatchObject({ result: 'ok' });
  });

  test('a declared stream and a declared consumer missing: both named, exit 1', async () => {
    await jsm.consumers.delete(STREAM, 'analytics-consumer');
    await jsm.streams.delete('llm-requests');
    try {
      const r = await doctor(['--json', '--interval', '0']);
      expect(r.code).toBe(1);
      expect(checkNamed(r, 'stream llm-requests')).toMatchObject({ result: 'fail', finding: 'not on the server' });
      expect(checkNamed(r, 'stream llm-requests').fix).toContain('dist/prod/manifests/20-stream-llm-requests.yaml');
      expect(checkNamed(r, `consumer ${STREAM}/analytics-consumer`)).toMatchObject({
        result: 'fail',
        finding: 'not on the server',
      });
      expect(checkNamed(r, 'consumer llm-requests/metrics-consumer').finding).toBe(
        'its stream llm-requests is not on the server',
      );
      expect(checkNamed(r, `stream ${STREAM}`).result).toBe('ok');
      const table = await doctor(['--interval', '0']);
      expect(table.code).toBe(1);
      expect(table.stdout).toMatch(/^stream llm-requests +fail +not on the server +NACK creates it from /m);
    } finally {
      await restoreEnvironment();
    }
  });

  test('a node down in the 3-node cluster: doctor names it, exit 1', async () => {
    const info = await jsm.streams.info(STREAM);
    const follower = info.cluster!.replicas![0].name;
    await cluster.kill(follower);
    try {
      // A crashed peer counts as not current after lostQuorumInterval (10 s); poll doctor, bounded.
      const r = await waitFor(
        `doctor to name ${follower}`,
        async () => {
          const attempt = await doctor(['--json', '--interval', '0']);
          return checkNamed(attempt, `stream ${STREAM}`).result === 'fail' ? attempt : undefined;
        },
        40_000,
        1_000,
      );
      expect(r.code).toBe(1);
      expect(checkNamed(r, `stream ${STREAM}`).finding).toMatch(
        new RegExp(`replica on ${follower} (offline|not current)`),
      );
      expect(checkNamed(r, 'meta leader').finding).toContain(`no answer from ${cluster.monitorUrl(follower)}`);
    } finally {
      await cluster.startNode(follower);
    }
  });
});
