// The KEDA nats-jetstream scaler model (test/support/keda-jetstream-scaler.ts) against /varz and /jsz
// documents recorded from nats-server (test/fixtures/keda-scaler/, made by record.ts there), for each
// branch of KEDA's leader discovery and its leader cache across polls (kedacore/keda v2.20.2
// pkg/scalers/nats_jetstream_scaler.go:158-266, "scaler.go" below). The same model against live
// servers: test/live/keda-scaler.live.test.ts.
import advertisedRecording from '../fixtures/keda-scaler/advertised.json';
import noAdvertiseRecording from '../fixtures/keda-scaler/no-advertise.json';
import standaloneRecording from '../fixtures/keda-scaler/standalone.json';
import { chartHostMap, fakePodIp, HostMap, headlessServiceHost } from '../support/chart-like-cluster';
import {
  ConsumerDetail,
  desiredReplicas,
  FetchJson,
  findConsumer,
  jszQuery,
  JszResponse,
  KedaJetStreamScaler,
  parseScalerMetadata,
  StreamDetail,
} from '../support/keda-jetstream-scaler';

type NodeDocs = { varz: unknown; jsz: unknown };
type Phase = Record<string, NodeDocs>;
interface Recording {
  consumerLeader: string;
  consumerLeaderAfterStepdown?: string;
  phases: Record<string, Phase>;
}

const NAMES = { namespace: 'overmind-prod' };
const ENDPOINT = `${headlessServiceHost(NAMES)}:8222`; // what our ScaledObjects carry
const JSZ = jszQuery('$G');
const nodeJsz = (pod: string) => `http://${pod}.${ENDPOINT}/${JSZ}`;
const endpointJsz = `http://${ENDPOINT}/${JSZ}`;
const endpointVarz = `http://${ENDPOINT}/varz`;
const META = parseScalerMetadata({
  natsServerMonitoringEndpoint: ENDPOINT,
  account: '$G',
  stream: 'routing-decisions',
  consumer: 'api-consumer',
});

/**
 * Serves the recorded documents at KEDA's URLs. `phase` can be switched between polls; a node in
 * `unreachable` fails like a pod that does not answer.
 */
class RecordedCluster {
  phase: Phase;
  readonly unreachable = new Set<string>();

  constructor(
    private readonly recording: Recording,
    phase: string,
    private readonly hosts: HostMap,
  ) {
    this.phase = this.docs(phase);
  }

  docs(phase: string): Phase {
    const docs = this.recording.phases[phase];
    if (!docs) throw new Error(`no phase ${phase} in the recording`);
    return docs;
  }

  readonly fetch: FetchJson = async (url) => {
    const parsed = new URL(url);
    const node = this.hosts.get(parsed.host);
    if (!node) throw new Error(`dial tcp: lookup ${parsed.hostname}: no such host`);
    if (this.unreachable.has(node)) throw new Error(`dial tcp ${parsed.host}: connect: connection refused`);
    if (parsed.pathname === '/varz') return this.phase[node].varz;
    if (`${parsed.pathname.slice(1)}${parsed.search}` === JSZ) return this.phase[node].jsz;
    throw new Error(`unexpected request ${url}`);
  };
}

/** A copy of every node's /jsz with `change` applied to each consumer (and `streams` to each stream list). */
interface JszEdit {
  consumer?: (c: ConsumerDetail) => void;
  streams?: (s: StreamDetail[]) => StreamDetail[];
}

function editJsz(phase: Phase, edit: JszEdit): Phase {
  const copy = JSON.parse(JSON.stringify(phase)) as Phase;
  for (const docs of Object.values(copy)) {
    for (const account of (docs.jsz as JszResponse).account_details ?? []) {
      if (edit.streams) account.stream_detail = edit.streams(account.stream_detail ?? []);
      for (const stream of account.stream_detail ?? []) {
        for (const c of stream.consumer_detail ?? []) edit.consumer?.(c);
      }
    }
  }
  return copy;
}

/** As if the chart's serverNamePrefix were set: server (and so leader) names no longer equal the pod names. */
const withServerNamePrefix = (phase: Phase, prefix: string) =>
  editJsz(phase, {
    consumer: (c) => {
      c.cluster = { ...c.cluster, leader: `${prefix}${c.cluster?.leader}` };
    },
  });

describe('parseScalerMetadata (KEDA trigger metadata rules, scaler.go:37-51, 139-156)', () => {
  const base = { natsServerMonitoringEndpoint: ENDPOINT, account: '$G', stream: 's', consumer: 'c' };

  test('defaults: lagThreshold 10, activationLagThreshold 0, http; accountID falls back to account', () => {
    expect(parseScalerMetadata(base)).toEqual({
      ...base,
      accountID: '$G',
      lagThreshold: 10,
      activationLagThreshold: 0,
      useHttps: false,
    });
  });

  test('accountID is sent as acc= and matched with the id, account with the name (scaler.go:476-478)', () => {
    const meta = parseScalerMetadata({ ...base, accountID: 'ABC' });
    expect(meta).toMatchObject({ account: '$G', accountID: 'ABC' });
    const jsz: JszResponse = {
      account_details: [
        {
          id: 'XYZ',
          name: '$G',
          stream_detail: [{ name: 's', consumer_detail: [{ name: 'c', num_pending: 1 }] }],
        },
      ],
    };
    expect(findConsumer(jsz, meta)?.num_pending).toBe(1); // by name
    expect(findConsumer(jsz, { ...meta, account: '' })).toBeUndefined(); // neither id nor name
  });

  test('fails when no account is given (the docs\' "$G by default" is not in the code)', () => {
    const { account: _omit, ...noAccount } = base;
    expect(() => parseScalerMetadata(noAccount)).toThrow(/no account name or id given/);
  });

  test('fails when a value is not a string (the CRD types metadata as strings)', () => {
    expect(() => parseScalerMetadata({ ...base, lagThreshold: 10 })).toThrow(/lagThreshold must be a string/);
  });

  test('fails when lagThreshold is not an int64', () => {
    expect(() => parseScalerMetadata({ ...base, lagThreshold: '1e3' })).toThrow(/error parsing lagThreshold/);
  });
});

describe('the URLs KEDA builds (scaler.go:343-420)', () => {
  test('/jsz with sorted, Go-encoded parameters ($G -> %24G)', () => {
    expect(new KedaJetStreamScaler(META).monitoringURL).toBe(
      'http://nats-headless.overmind-prod.svc.cluster.local:8222/jsz?acc=%24G&config=true&consumers=true',
    );
    expect(jszQuery('a b!')).toBe('jsz?acc=a+b%21&config=true&consumers=true');
  });

  test('useHttps switches every URL to https', () => {
    const scaler = new KedaJetStreamScaler({ ...META, useHttps: true });
    expect(scaler.monitoringURL).toMatch(/^https:\/\/nats-headless\./);
  });
});

describe('no_advertise, as the NATS chart runs: nodes from /varz cluster.urls (scaler.go:196-237)', () => {
  const recording = noAdvertiseRecording as Recording;
  const pods = ['nats-0', 'nats-1', 'nats-2'];
  const leader = recording.consumerLeader;
  const newLeader = recording.consumerLeaderAfterStepdown!;
  // The endpoint (the headless Service) answered by a pod that leads nothing, and is not the harness's seed.
  const endpointNode = pods.find((p) => p !== leader && p !== newLeader && p !== 'nats-0')!;
  const setup = () => {
    const cluster = new RecordedCluster(recording, 'backlog', chartHostMap(NAMES, pods, endpointNode));
    return { cluster, scaler: new KedaJetStreamScaler(META, cluster.fetch) };
  };
  /** KEDA walks cluster.urls in order and stops at the leader. */
  const walkTo = (target: string) => pods.slice(0, pods.indexOf(target) + 1).map(nodeJsz);

  test("the recording is the chart's answer: no connect_urls, cluster.urls are the chart's route hosts", () => {
    type Varz = { connect_urls?: string[]; cluster: { urls: string[] } };
    const varz = recording.phases.backlog[endpointNode].varz as Varz;
    expect(varz.connect_urls).toBeUndefined();
    expect(varz.cluster.urls).toEqual(pods.map((pod) => `${pod}.nats-headless:6222`));
    expect(endpointNode).toBeDefined();
  });

  test('first poll: /jsz, /varz on the endpoint, then <label>.<endpoint> per route host until the leader', async () => {
    const { scaler } = setup();
    const reading = await scaler.getMetricsAndActivity();
    expect(reading.requests).toEqual([endpointJsz, endpointVarz, ...walkTo(leader)]);
    // The leader's own figures: 20 pending + 5 delivered unacked (a follower here says 25 + 0).
    expect(reading).toMatchObject({
      lag: 25,
      active: true,
      leader,
      readFrom: nodeJsz(leader),
      clusterSize: 3,
      discovery: 'cluster-urls',
    });
    expect(scaler.cache).toEqual({ consumerLeader: leader, monitoringLeaderURL: nodeJsz(leader), clusterSize: 3 });
  });

  test("next poll: only the cached leader's /jsz, while it names itself leader (scaler.go:181-183)", async () => {
    const { scaler } = setup();
    await scaler.getMetricsAndActivity();
    const reading = await scaler.getMetricsAndActivity();
    expect(reading.requests).toEqual([nodeJsz(leader)]);
    expect(reading).toMatchObject({ lag: 25, leader, readFrom: nodeJsz(leader), discovery: 'none' });
  });

  test('after a leader move the old leader names the new one: KEDA walks again, caches the new leader', async () => {
    const { cluster, scaler } = setup();
    await scaler.getMetricsAndActivity();
    cluster.phase = cluster.docs('after-stepdown');
    const moved = await scaler.getMetricsAndActivity();
    expect(moved.requests).toEqual([nodeJsz(leader), endpointVarz, ...walkTo(newLeader)]);
    expect(moved).toMatchObject({
      lag: 25,
      leader: newLeader,
      readFrom: nodeJsz(newLeader),
      discovery: 'cluster-urls',
    });
    expect((await scaler.getMetricsAndActivity()).requests).toEqual([nodeJsz(newLeader)]);
  });

  test('a failed walk after a move caches the new name with the old URL: next poll trusts the old node', async () => {
    const { cluster, scaler } = setup();
    await scaler.getMetricsAndActivity();
    cluster.phase = cluster.docs('after-stepdown');
    cluster.unreachable.add(newLeader);
    await expect(scaler.getMetricsAndActivity()).rejects.toThrow(/connection refused/);
    // setNATSJetStreamMonitoringData (scaler.go:268-292) took the new name from the old leader's
    // answer, but only a successful walk replaces the URL.
    expect(scaler.cache).toEqual({ consumerLeader: newLeader, monitoringLeaderURL: nodeJsz(leader), clusterSize: 3 });
    const stale = await scaler.getMetricsAndActivity();
    expect(stale.requests).toEqual([nodeJsz(leader)]);
    // Read from the follower: its num_ack_pending lags behind (20 + 0 instead of 20 + 5).
    expect(stale).toMatchObject({ lag: 20, leader: newLeader, readFrom: nodeJsz(leader), discovery: 'none' });
  });

  test('consumer deleted: the cache is dropped, the walk finds no leader (no last_seq fallback)', async () => {
    const { cluster, scaler } = setup();
    await scaler.getMetricsAndActivity();
    cluster.phase = cluster.docs('consumer-deleted');
    const failed = scaler.getMetricsAndActivity();
    await expect(failed).rejects.toThrow('leader node not found for consumer api-consumer');
    expect(scaler.cache).toEqual({ consumerLeader: '', monitoringLeaderURL: '', clusterSize: 3 });
    // The next poll starts from the endpoint again.
    const log: string[] = [];
    const again = new KedaJetStreamScaler(META, async (url) => {
      log.push(url);
      return cluster.fetch(url);
    });
    await expect(again.getMetricsAndActivity()).rejects.toThrow('leader node not found');
    expect(log).toEqual([endpointJsz, endpointVarz, ...pods.map(nodeJsz)]);
  });

  test("server names other than the route hosts' first label (chart serverNamePrefix) break discovery", async () => {
    const { cluster, scaler } = setup();
    cluster.phase = withServerNamePrefix(cluster.docs('backlog'), 'overmind-');
    await expect(scaler.getMetricsAndActivity()).rejects.toThrow('leader node not found for consumer api-consumer');
  });

  test('an endpoint KEDA cannot resolve fails the poll', async () => {
    const { cluster } = setup();
    const clientService = 'nats.overmind-prod.svc.cluster.local:8222'; // not a host the test serves
    const scaler = new KedaJetStreamScaler({ ...META, natsServerMonitoringEndpoint: clientService }, cluster.fetch);
    await expect(scaler.getMetricsAndActivity()).rejects.toThrow(/no such host/);
  });
});

describe('advertised client URLs: nodes from /varz connect_urls, names from their /varz (scaler.go:210-231)', () => {
  const recording = advertisedRecording as Recording;
  const pods = ['nats-0', 'nats-1', 'nats-2'];
  const leader = recording.consumerLeader;
  const endpointNode = pods.find((p) => p !== leader)!;

  test("each connect URL's host with the endpoint port: /varz for the name, then /jsz, until the leader", async () => {
    const cluster = new RecordedCluster(recording, 'backlog', chartHostMap(NAMES, pods, endpointNode));
    const scaler = new KedaJetStreamScaler(META, cluster.fetch);
    const connectUrls = (recording.phases.backlog[endpointNode].varz as { connect_urls: string[] }).connect_urls;
    const hosts = connectUrls.map((u) => u.split(':')[0]);
    const leaderHost = fakePodIp(pods.indexOf(leader));
    expect(hosts).toContain(leaderHost);
    const walked = hosts
      .slice(0, hosts.indexOf(leaderHost) + 1)
      .flatMap((h) => [`http://${h}:8222/varz`, `http://${h}:8222/${JSZ}`]);
    const reading = await scaler.getMetricsAndActivity();
    expect(reading.requests).toEqual([endpointJsz, endpointVarz, ...walked]);
    expect(reading).toMatchObject({
      lag: 25,
      leader,
      readFrom: `http://${leaderHost}:8222/${JSZ}`,
      discovery: 'advertised',
    });
    expect((await scaler.getMetricsAndActivity()).requests).toEqual([`http://${leaderHost}:8222/${JSZ}`]);
  });
});

describe('a single server (dev): no meta cluster, no discovery (scaler.go:185)', () => {
  const recording = standaloneRecording as Recording;
  const setup = () => {
    const cluster = new RecordedCluster(recording, 'backlog', chartHostMap(NAMES, ['nats-0'], 'nats-0'));
    return { cluster, scaler: new KedaJetStreamScaler(META, cluster.fetch) };
  };
  /** v2.14.2 gives a lone server's consumer cluster.leader = its own name (server/jetstream_cluster.go:10705-10710). */
  const asServer2_14 = (phase: Phase) =>
    editJsz(phase, {
      consumer: (c) => {
        c.cluster = { leader: 'nats-0' };
      },
    });
  const withoutStream = (phase: Phase) => editJsz(phase, { streams: () => [] });

  test('one /jsz request per poll, lag from it', async () => {
    const { scaler } = setup();
    const reading = await scaler.getMetricsAndActivity();
    expect(reading).toMatchObject({
      lag: 25,
      active: true,
      clusterSize: 0,
      discovery: 'none',
      requests: [endpointJsz],
    });
  });

  test("consumer deleted: an error, not the stream's last_seq (keda#7657)", async () => {
    const { cluster, scaler } = setup();
    await scaler.getMetricsAndActivity();
    cluster.phase = cluster.docs('consumer-deleted');
    await expect(scaler.getMetricsAndActivity()).rejects.toThrow(
      'consumer "api-consumer" not found in stream "routing-decisions"',
    );
  });

  test('v2.14.2 answers cache the leader name; a deleted consumer invalidates it: "stream not found"', async () => {
    const { cluster, scaler } = setup();
    cluster.phase = asServer2_14(cluster.docs('backlog'));
    expect((await scaler.getMetricsAndActivity()).leader).toBe('nats-0');
    cluster.phase = asServer2_14(cluster.docs('consumer-deleted'));
    await expect(scaler.getMetricsAndActivity()).rejects.toThrow('stream not found');
  });

  test('a deleted stream: with no cached leader (v2.9 answers) KEDA keeps the last stream and lag', async () => {
    const { cluster, scaler } = setup();
    await scaler.getMetricsAndActivity();
    cluster.phase = withoutStream(cluster.docs('consumer-deleted'));
    expect((cluster.phase['nats-0'].jsz as JszResponse).account_details![0].stream_detail).toEqual([]);
    expect((await scaler.getMetricsAndActivity()).lag).toBe(25);
    // With v2.14.2's answers the cached leader is dropped with the stream.
    const fresh = setup();
    fresh.cluster.phase = asServer2_14(fresh.cluster.docs('backlog'));
    await fresh.scaler.getMetricsAndActivity();
    fresh.cluster.phase = withoutStream(fresh.cluster.docs('consumer-deleted'));
    await expect(fresh.scaler.getMetricsAndActivity()).rejects.toThrow('stream not found');
  });

  test('active only when the lag is strictly above activationLagThreshold (scaler.go:466)', async () => {
    const { cluster } = setup();
    const activeWith = async (activationLagThreshold: number) => {
      const scaler = new KedaJetStreamScaler({ ...META, activationLagThreshold }, cluster.fetch);
      return (await scaler.getMetricsAndActivity()).active;
    };
    expect(await activeWith(25)).toBe(false); // lag 25
    expect(await activeWith(24)).toBe(true);
  });
});

describe('desiredReplicas (HPA AverageValue on lag)', () => {
  const bounds = { minReplicaCount: 2, maxReplicaCount: 20 };
  test.each([
    [0, false, 2], // inactive: minReplicaCount
    [1, true, 2], // ceil(1/10) = 1, but not below min
    [21, true, 3],
    [200, true, 20],
    [201, true, 20], // capped at max
    [10_000, true, 20],
  ])('lag %i (active %s) with threshold 10 -> %i replicas', (lag, active, replicas) => {
    expect(desiredReplicas({ lag, active }, 10, bounds)).toBe(replicas);
  });

  test('with minReplicaCount 0 an active trigger still runs at least 1 replica, an inactive one 0', () => {
    expect(desiredReplicas({ lag: 1, active: true }, 10, { minReplicaCount: 0, maxReplicaCount: 5 })).toBe(1);
    expect(desiredReplicas({ lag: 5, active: false }, 10, { minReplicaCount: 0, maxReplicaCount: 5 })).toBe(0);
  });

  test('KEDA defaults when the ScaledObject omits the bounds: min 0, max 100', () => {
    expect(desiredReplicas({ lag: 5000, active: true }, 10, {})).toBe(100);
  });

  test('fails when lagThreshold is not positive', () => {
    expect(() => desiredReplicas({ lag: 1, active: true }, 0, bounds)).toThrow(/lagThreshold must be > 0, got 0/);
  });
});
