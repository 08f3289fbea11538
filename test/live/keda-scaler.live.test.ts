// Issue #3 part 2: the KEDA ScaledObjects we ship, evaluated against a live cluster with KEDA's
// own nats-jetstream algorithm (test/support/keda-jetstream-scaler.ts, kedacore/keda v2.20.2
// pkg/scalers/nats_jetstream_scaler.go): lag = num_pending + num_ack_pending read from the consumer
// leader's /jsz, HPA AverageValue. The cluster is started as the NATS chart starts it (server names
// = pod names, `no_advertise: true`, the chart's route URLs; test/support/chart-like-cluster.ts), so
// the scaler finds the leader through /varz cluster.urls as it does in Kubernetes, and its requests
// to the chart's host names (`nats-0.nats-headless.<ns>.svc.cluster.local:8222`) are answered by the
// loopback servers. The advertised-URL branch runs on a second, small cluster at the end.
import { AckPolicy, JetStreamClient, JetStreamManager, JsMsg, NatsConnection, StringCodec } from 'nats';
import { ALL_EVENT_SUBJECTS, sampleEvent } from '../support/event-schemas';
import { consumerSpecToApiRequest } from '../support/nack-jetstream-api';
import { subjectIsSubsetOf } from '../../lib/config/subjects';
import {
  advertisedOptions,
  ChartNames,
  chartHostMap,
  chartNoAdvertiseOptions,
  fakePodIp,
  headlessServiceHost,
  kedaUrlFetch,
} from '../support/chart-like-cluster';
import { EnvManifests, K8sObject, loadEnvironments, ScaledObjectSpec } from '../support/dist-manifests';
import {
  applyEnvironment,
  deleteStreams,
  LIVE_CLUSTER_CAPACITY,
  LIVE_CLUSTER_OPTIONS,
  whyEnvironmentDoesNotFit,
} from '../support/jetstream-apply';
import {
  desiredReplicas,
  findConsumer,
  jszQuery,
  JszResponse,
  KedaJetStreamScaler,
  NatsJetStreamScalerMetadata,
  parseScalerMetadata,
  ScalerReading,
} from '../support/keda-jetstream-scaler';
import { reportLiveChecks } from '../support/live-report';
import { NatsCluster, natsServerAtLeast, skipUnlessNatsServer, waitFor } from '../support/nats-cluster';

jest.setTimeout(60_000);

const describeLive = skipUnlessNatsServer();
const environments: EnvManifests[] = loadEnvironments().filter(
  (env) => !whyEnvironmentDoesNotFit(env, LIVE_CLUSTER_CAPACITY),
);
/** Keep every phase cheap: never publish more than this many messages for one trigger. */
const MAX_MESSAGES_PER_PHASE = 20_000;
const sc = StringCodec();

interface JetStreamTrigger {
  scaledObject: K8sObject<ScaledObjectSpec>;
  metadata: Record<string, string>;
}

function jetStreamTriggers(env: EnvManifests): JetStreamTrigger[] {
  return env.scaledObjects.flatMap((so) =>
    so.spec.triggers
      .filter((t) => t.type === 'nats-jetstream')
      .map((t) => ({ scaledObject: so, metadata: t.metadata })),
  );
}

async function publishMany(js: JetStreamClient, subject: string, count: number, firstSeq: number): Promise<void> {
  const window = 256; // bounded in-flight acks (tooling.md §3)
  for (let start = 0; start < count; start += window) {
    const batch: Array<Promise<unknown>> = [];
    for (let i = start; i < Math.min(count, start + window); i++) {
      const event = sampleEvent(subject, firstSeq + i);
      batch.push(js.publish(subject, sc.encode(JSON.stringify(event.payload)), { msgID: event.msgId }));
    }
    await Promise.all(batch);
  }
}

/** Exactly `count` messages with fetch() batches (bounded: 20 rounds of at most 2 s). */
async function fetchExactly(js: JetStreamClient, stream: string, durable: string, count: number): Promise<JsMsg[]> {
  const consumer = await js.consumers.get(stream, durable);
  const out: JsMsg[] = [];
  for (let round = 0; round < 20 && out.length < count; round++) {
    const batch = await consumer.fetch({ max_messages: Math.min(1000, count - out.length), expires: 2000 });
    for await (const m of batch) out.push(m);
  }
  if (out.length !== count) throw new Error(`fetched ${out.length} of ${count} messages from ${stream}/${durable}`);
  return out;
}

async function ackAll(messages: JsMsg[]): Promise<void> {
  for (const m of messages) await m.ackAck();
}

/** The chart's names for the namespace a ScaledObject lives in (the chart and our objects share it). */
function chartNamesOf(scaledObject: K8sObject<ScaledObjectSpec>): ChartNames {
  return { namespace: scaledObject.metadata.namespace! };
}

/** A node to answer the headless Service: not the consumer leader, not the harness's seed (chartNoAdvertiseOptions). */
function endpointNodeFor(cluster: NatsCluster, leader: string): string {
  return cluster.nodeNames.find((n) => n !== leader && n !== cluster.nodeNames[0])!;
}

describeLive('KEDA nats-jetstream triggers from dist/ on a 3-node cluster started as the NATS chart starts it', () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let js: JetStreamClient;
  /** The scaler with dist/'s own trigger metadata, its HTTP requests answered by the loopback servers. */
  const scalerFor = (meta: NatsJetStreamScalerMetadata, names: ChartNames, endpointNode: string, log?: string[]) =>
    new KedaJetStreamScaler(meta, kedaUrlFetch(cluster, chartHostMap(names, cluster.nodeNames, endpointNode), log));
  /** KEDA's URL for a pod's /jsz in the no_advertise branch: `<pod>.<endpoint>` (scaler.go:405-420). */
  const nodeJszUrl = (node: string, meta: NatsJetStreamScalerMetadata) =>
    `http://${node}.${meta.natsServerMonitoringEndpoint}/${jszQuery(meta.accountID)}`;
  const metaFor = (names: ChartNames, stream: string, consumer: string) =>
    parseScalerMetadata({
      natsServerMonitoringEndpoint: `${headlessServiceHost(names)}:8222`,
      account: '$G',
      stream,
      consumer,
    });

  beforeAll(async () => {
    cluster = await NatsCluster.start(chartNoAdvertiseOptions({ namespace: 'overmind' }, LIVE_CLUSTER_OPTIONS));
    nc = await cluster.connect();
    jsm = await nc.jetstreamManager();
    js = nc.jetstream();
  });

  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  reportLiveChecks('test/live/keda-scaler.live.test.ts');

  test('dist/ has nats-jetstream triggers to evaluate', () => {
    expect(environments.flatMap(jetStreamTriggers).length).toBeGreaterThan(0);
  });

  test("servers answer as the chart's: no connect_urls; cluster.urls = chart route hosts (label = name)", async () => {
    type Varz = { server_name: string; connect_urls?: string[]; cluster: { urls: string[] } };
    for (const node of cluster.nodeNames.slice(1)) {
      const varz = await cluster.monitor<Varz>(node, 'varz');
      expect({ node, connectUrls: varz.connect_urls, urls: varz.cluster.urls }).toEqual({
        node,
        connectUrls: undefined,
        urls: cluster.nodeNames.map((pod) => `${pod}.nats-headless:6222`),
      });
      expect(varz.server_name).toBe(node);
    }
  });

  // Environments without a scaler have nothing to evaluate here: they are left out, not skipped,
  // and the test above fails if that leaves none.
  for (const env of environments.filter((e) => jetStreamTriggers(e).length > 0)) {
    const triggers = jetStreamTriggers(env);
    describe(`environment ${env.env}`, () => {
      beforeAll(async () => {
        await applyEnvironment(nc, env);
      });

      afterAll(async () => {
        await deleteStreams(
          jsm,
          env.streams.map((s) => s.spec.name),
        );
      });

      for (const { scaledObject, metadata } of triggers) {
        const name = `${scaledObject.metadata.name} (${metadata.stream}/${metadata.consumer})`;
        const names = chartNamesOf(scaledObject);

        test(`${name}: metadata KEDA accepts, on the chart's headless Service, naming a consumer we ship`, () => {
          const meta = parseScalerMetadata(metadata);
          expect(meta.accountID).toBe('$G'); // the default account of a nats-server without accounts
          expect(meta.natsServerMonitoringEndpoint).toBe(`${headlessServiceHost(names)}:8222`);
          expect(meta.lagThreshold).toBeGreaterThan(0);
          const consumer = env.consumers.find((c) => c.spec.durableName === meta.consumer);
          expect({ consumer: meta.consumer, stream: consumer?.spec.streamName }).toEqual({
            consumer: meta.consumer,
            stream: meta.stream,
          });
        });

        test(
          `${name}: lag from the consumer leader drives ceil(lag / lagThreshold) ` + `replicas, then back to min`,
          async () => {
            const meta = parseScalerMetadata(metadata);
            const bounds = {
              minReplicaCount: scaledObject.spec.minReplicaCount,
              maxReplicaCount: scaledObject.spec.maxReplicaCount,
            };
            const min = bounds.minReplicaCount ?? 0;
            const max = bounds.maxReplicaCount ?? 100;
            const consumerSpec = env.consumers.find((c) => c.spec.durableName === meta.consumer)!.spec;
            const { config } = consumerSpecToApiRequest(consumerSpec);
            const filters = config.filter_subjects ?? (config.filter_subject ? [config.filter_subject] : ['>']);
            const streamSubjects = env.streams.find((s) => s.spec.name === meta.stream)!.spec.subjects ?? [];
            const inStream = ALL_EVENT_SUBJECTS.filter((s) => streamSubjects.some((f) => subjectIsSubsetOf(s, f)));
            const counted = inStream.find((s) => filters.some((f) => subjectIsSubsetOf(s, f)));
            const ignored = inStream.find((s) => !filters.some((f) => subjectIsSubsetOf(s, f)));
            expect(counted).toBeDefined();

            await jsm.streams.purge(meta.stream);
            const leader = await cluster.waitForConsumerLeader(jsm, meta.stream, meta.consumer);
            // The headless Service answered by a node that is NOT the consumer leader: discovery must find it.
            const scaler = scalerFor(meta, names, endpointNodeFor(cluster, leader));

            let seq = 1;
            let pending = 0;
            let ackPending = 0;
            /** Reads until the scaler sees the expected lag (bounded), then checks the reading in full. */
            const expectReading = async (what: string) => {
              const expectedLag = pending + ackPending;
              const reading = await waitFor<ScalerReading>(
                `${what}: lag ${expectedLag}`,
                async () => {
                  const r = await scaler.getMetricsAndActivity();
                  return r.lag === expectedLag ? r : undefined;
                },
                10_000,
              );
              const info = await jsm.consumers.info(meta.stream, meta.consumer);
              expect({
                what,
                lag: reading.lag,
                api: info.num_pending + info.num_ack_pending,
                ackPending: info.num_ack_pending,
              }).toEqual({
                what,
                lag: expectedLag,
                api: expectedLag,
                ackPending,
              });
              expect({
                what,
                leader: reading.leader,
                readFrom: reading.readFrom,
                clusterSize: reading.clusterSize,
              }).toEqual({
                what,
                leader: info.cluster?.leader,
                readFrom: nodeJszUrl(info.cluster!.leader!, meta),
                clusterSize: cluster.size,
              });
              expect(reading.active).toBe(expectedLag > meta.activationLagThreshold);
              return reading;
            };
            const expectReplicas = (reading: ScalerReading, replicas: number) => {
              expect({ lag: reading.lag, replicas: desiredReplicas(reading, meta.lagThreshold, bounds) }).toEqual({
                lag: reading.lag,
                replicas,
              });
            };

            // 0. Empty: inactive, the HPA holds minReplicaCount. The first poll discovers the leader
            // through cluster.urls (no_advertise), as KEDA does against the chart.
            const empty = await expectReading('empty');
            expectReplicas(empty, min);
            expect(empty.discovery).toBe('cluster-urls');

            // 1. A backlog worth `target` replicas (strictly above min when the bounds allow it).
            const target = Math.min(max, Math.max(min + 1, 2));
            const backlog = Math.min(MAX_MESSAGES_PER_PHASE, meta.lagThreshold * (target - 1) + 1);
            await publishMany(js, counted!, backlog, seq);
            seq += backlog;
            pending += backlog;
            if (ignored) {
              // Same stream, outside the consumer's filter: must not count as this consumer's lag.
              await publishMany(js, ignored, 7, seq);
              seq += 7;
            }
            expectReplicas(
              await expectReading('backlog'),
              Math.min(max, Math.max(min, 1, Math.ceil(backlog / meta.lagThreshold))),
            );

            // 2. Delivered but not acked still counts (keda#3787): pending moves to ack_pending, lag unchanged.
            const inFlight = await fetchExactly(js, meta.stream, meta.consumer, Math.min(5, pending));
            pending -= inFlight.length;
            ackPending += inFlight.length;
            await expectReading('in flight');

            // 3. Acked work leaves the lag.
            await ackAll(inFlight);
            ackPending = 0;
            const firstAcked = await fetchExactly(js, meta.stream, meta.consumer, Math.min(meta.lagThreshold, pending));
            await ackAll(firstAcked);
            pending -= firstAcked.length;
            const afterAck = await expectReading('after acks');
            expectReplicas(
              afterAck,
              pending > meta.activationLagThreshold
                ? Math.min(max, Math.max(min, 1, Math.ceil(pending / meta.lagThreshold)))
                : min,
            );

            // Why KEDA must ask the leader: followers' /jsz keep a stale num_pending (tooling.md §3,
            // measured on 2.9.10 only, so asserted only there).
            const consumerLeader = afterAck.leader;
            const replicaNodes =
              (await jsm.consumers.info(meta.stream, meta.consumer)).cluster?.replicas?.map((r) => r.name) ?? [];
            for (const follower of natsServerAtLeast(2, 10) ? [] : replicaNodes) {
              const jsz = await cluster.monitor<JszResponse>(follower, jszQuery(meta.accountID));
              const stale = findConsumer(jsz, meta);
              expect(stale).toBeDefined();
              // Higher than the truth: a KEDA reading a follower would scale out for work already done.
              expect({ follower, leader: consumerLeader, staleHigh: stale!.num_pending! > pending }).toEqual({
                follower,
                leader: consumerLeader,
                staleHigh: true,
              });
            }

            // 4. A backlog beyond maxReplicaCount is capped at max.
            const overflow = meta.lagThreshold * max + 1 - pending;
            if (overflow > 0 && overflow <= MAX_MESSAGES_PER_PHASE) {
              await publishMany(js, counted!, overflow, seq);
              seq += overflow;
              pending += overflow;
              expectReplicas(await expectReading('beyond max'), max);
            }

            // 5. Everything consumed: lag 0, inactive, back to minReplicaCount.
            await ackAll(await fetchExactly(js, meta.stream, meta.consumer, pending));
            pending = 0;
            expectReplicas(await expectReading('drained'), min);
          },
        );
      }
    });
  }

  describe('the cached leader across a leader move (stepdown), as in scaler.go:158-183', () => {
    const names: ChartNames = { namespace: 'overmind-prod' };
    const stream = 'keda-cache';
    const consumer = 'keda-cache-worker';
    const meta = metaFor(names, stream, consumer);
    const endpointJsz = `http://${meta.natsServerMonitoringEndpoint}/${jszQuery('$G')}`;
    const endpointVarz = `http://${meta.natsServerMonitoringEndpoint}/varz`;
    let held: JsMsg[] = [];

    /**
     * Until `node`'s own /jsz names `leader` as the consumer leader (and shows `lag`, when given):
     * then KEDA's next poll is deterministic. A follower's figures may lag behind (tooling.md §3).
     */
    const nodeSees = (node: string, leader: string, lag?: number) =>
      waitFor(`${node} to report leader ${leader}`, async () => {
        const detail = findConsumer(await cluster.monitor<JszResponse>(node, jszQuery('$G')), meta);
        const lagOk = lag === undefined || (detail?.num_pending ?? 0) + (detail?.num_ack_pending ?? 0) === lag;
        return detail?.cluster?.leader === leader && lagOk ? true : undefined;
      });

    beforeAll(async () => {
      await jsm.streams.add({ name: stream, subjects: ['kedacache.>'], num_replicas: 3 });
      await jsm.consumers.add(stream, { durable_name: consumer, ack_policy: AckPolicy.Explicit, ack_wait: 300e9 });
      for (let i = 0; i < 30; i++) await js.publish('kedacache.event', sc.encode(String(i)));
      held = await fetchExactly(js, stream, consumer, 4); // 26 pending + 4 ack pending
    });

    afterAll(async () => {
      await deleteStreams(jsm, [stream]);
    });

    test('polls read the cached leader only; after a stepdown KEDA walks cluster.urls to the new one', async () => {
      const leader = await cluster.waitForConsumerLeader(jsm, stream, consumer);
      await nodeSees(leader, leader, 30);
      const endpointNode = endpointNodeFor(cluster, leader);
      const log: string[] = [];
      const scaler = scalerFor(meta, names, endpointNode, log);
      const walkTo = (target: string) =>
        cluster.nodeNames.slice(0, cluster.nodeNames.indexOf(target) + 1).map((n) => nodeJszUrl(n, meta));

      const first = await scaler.getMetricsAndActivity();
      expect(first.requests).toEqual([endpointJsz, endpointVarz, ...walkTo(leader)]);
      expect(first).toMatchObject({ lag: 30, leader, readFrom: nodeJszUrl(leader, meta), discovery: 'cluster-urls' });
      const cached = await scaler.getMetricsAndActivity();
      expect(cached.requests).toEqual([nodeJszUrl(leader, meta)]);

      await nc.request(`$JS.API.CONSUMER.LEADER.STEPDOWN.${stream}.${consumer}`, undefined, { timeout: 5000 });
      const newLeader = await waitFor('a new consumer leader', async () => {
        const now = (await jsm.consumers.info(stream, consumer)).cluster?.leader;
        return now && now !== leader ? now : undefined;
      });
      await nodeSees(leader, newLeader); // the old leader names the new one
      await nodeSees(newLeader, newLeader, 30);

      const moved = await scaler.getMetricsAndActivity();
      expect(moved.requests).toEqual([nodeJszUrl(leader, meta), endpointVarz, ...walkTo(newLeader)]);
      const info = await jsm.consumers.info(stream, consumer);
      expect(moved).toMatchObject({
        lag: info.num_pending + info.num_ack_pending,
        leader: newLeader,
        readFrom: nodeJszUrl(newLeader, meta),
      });
      expect(moved.lag).toBe(30);
      expect((await scaler.getMetricsAndActivity()).requests).toEqual([nodeJszUrl(newLeader, meta)]);
      expect(log.every((url) => new URL(url).hostname.endsWith(headlessServiceHost(names)))).toBe(true);
      await ackAll(held);
    });
  });

  test('the scaler fails like KEDA when the consumer does not exist (no silent last_seq fallback)', async () => {
    const names: ChartNames = { namespace: 'overmind-prod' };
    const meta = metaFor(names, 'no-such-stream', 'no-such-consumer');
    const log: string[] = [];
    await expect(scalerFor(meta, names, cluster.nodeNames[1], log).getMetricsAndActivity()).rejects.toThrow(
      /leader node not found for consumer no-such-consumer/,
    );
    expect(log.slice(2)).toEqual(cluster.nodeNames.map((n) => nodeJszUrl(n, meta))); // every pod asked
  });
});

describeLive("KEDA's other branch: nodes that advertise client URLs (/varz connect_urls)", () => {
  const names: ChartNames = { namespace: 'overmind-prod' };
  const stream = 'keda-advertised';
  const consumer = 'keda-advertised-worker';
  let cluster: NatsCluster;
  let nc: NatsConnection;

  beforeAll(async () => {
    cluster = await NatsCluster.start(advertisedOptions(names, LIVE_CLUSTER_OPTIONS));
    nc = await cluster.connect();
  });

  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  reportLiveChecks('test/live/keda-scaler.live.test.ts (advertised)');

  test("each connect URL's host, endpoint port: /varz names the node, the leader's /jsz gives the lag", async () => {
    const jsm = await nc.jetstreamManager();
    const js = nc.jetstream();
    await jsm.streams.add({ name: stream, subjects: ['kedaadv.>'], num_replicas: 3 });
    await jsm.consumers.add(stream, { durable_name: consumer, ack_policy: AckPolicy.Explicit });
    for (let i = 0; i < 12; i++) await js.publish('kedaadv.event', sc.encode(String(i)));
    const leader = await cluster.waitForConsumerLeader(jsm, stream, consumer);
    const endpointNode = cluster.nodeNames.find((n) => n !== leader)!;
    const meta = parseScalerMetadata({
      natsServerMonitoringEndpoint: `${headlessServiceHost(names)}:8222`,
      account: '$G',
      stream,
      consumer,
    });
    const hosts = chartHostMap(names, cluster.nodeNames, endpointNode);
    const newScaler = () => new KedaJetStreamScaler(meta, kedaUrlFetch(cluster, hosts));
    const scaler = newScaler();
    const leaderJsz = `http://${fakePodIp(cluster.nodeNames.indexOf(leader))}:8222/${jszQuery('$G')}`;
    const first = await waitFor(
      'the advertised branch to read lag 12 from the leader',
      async () => {
        const r = await scaler.getMetricsAndActivity();
        return r.lag === 12 ? r : undefined;
      },
      10_000,
    );
    expect(first).toMatchObject({ lag: 12, leader, readFrom: leaderJsz, clusterSize: 3 });
    const next = await scaler.getMetricsAndActivity();
    expect(next).toMatchObject({ lag: 12, leader, readFrom: leaderJsz, discovery: 'none' });
    expect(next.requests).toEqual([leaderJsz]); // later polls: the cached leader only
    const fresh = await newScaler().getMetricsAndActivity();
    expect(fresh.discovery).toBe('advertised');
    expect(fresh.requests.slice(0, 3)).toEqual([
      `http://${meta.natsServerMonitoringEndpoint}/${jszQuery('$G')}`,
      `http://${meta.natsServerMonitoringEndpoint}/varz`,
      expect.stringMatching(/^http:\/\/10\.244\.0\.\d+:8222\/varz$/), // a node's own /varz, for its name
    ]);
    await deleteStreams(jsm, [stream]);
  });
});
