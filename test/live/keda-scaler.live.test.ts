// Issue #3 part 2: the KEDA ScaledObjects we ship, evaluated against a live cluster with KEDA's
// own nats-jetstream algorithm (test/support/keda-jetstream-scaler.ts, keda-prom-argo.md (a)):
// lag = num_pending + num_ack_pending read from the consumer leader's /jsz, HPA AverageValue.
import { JetStreamClient, JetStreamManager, JsMsg, NatsConnection, StringCodec } from 'nats';
import { ALL_EVENT_SUBJECTS, sampleEvent } from '../../lib/event-schemas';
import { consumerSpecToApiRequest } from '../../lib/nack-jetstream-api';
import { subjectIsSubsetOf } from '../../lib/subjects';
import { EnvManifests, K8sObject, loadEnvironments, ScaledObjectSpec } from '../support/dist-manifests';
import { applyEnvironment, deleteStreams, LIVE_CLUSTER_CAPACITY, LIVE_CLUSTER_OPTIONS, whyEnvironmentDoesNotFit } from '../support/jetstream-apply';
import {
  desiredReplicas,
  findConsumer,
  jszQuery,
  JszResponse,
  KedaJetStreamScaler,
  MonitorUrlForConnectUrl,
  parseScalerMetadata,
  ScalerReading,
} from '../support/keda-jetstream-scaler';
import { reportLiveChecks } from '../support/live-report';
import { NatsCluster, natsServerAtLeast, skipUnlessNatsServer, waitFor } from '../support/nats-cluster';

jest.setTimeout(60_000);

const describeLive = skipUnlessNatsServer();
const environments: EnvManifests[] = loadEnvironments().filter((env) => !whyEnvironmentDoesNotFit(env, LIVE_CLUSTER_CAPACITY));
/** Keep every phase cheap: never publish more than this many messages for one trigger. */
const MAX_MESSAGES_PER_PHASE = 20_000;
const sc = StringCodec();

interface JetStreamTrigger {
  scaledObject: K8sObject<ScaledObjectSpec>;
  metadata: Record<string, string>;
}

function jetStreamTriggers(env: EnvManifests): JetStreamTrigger[] {
  return env.scaledObjects.flatMap((so) =>
    so.spec.triggers.filter((t) => t.type === 'nats-jetstream').map((t) => ({ scaledObject: so, metadata: t.metadata })),
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

describeLive('KEDA nats-jetstream triggers from dist/ against a live 3-node cluster', () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let js: JetStreamClient;
  /** On one loopback host every node shares 127.0.0.1, so map each advertised client port to its monitor port. */
  let monitorUrlFor: MonitorUrlForConnectUrl;

  beforeAll(async () => {
    // advertise: this model walks /varz connect_urls, which the chart's `no_advertise: true` leaves empty.
    cluster = await NatsCluster.start({ ...LIVE_CLUSTER_OPTIONS, advertise: true });
    nc = await cluster.connect();
    jsm = await nc.jetstreamManager();
    js = nc.jetstream();
    monitorUrlFor = (connectUrl) => {
      const port = Number(connectUrl.split(':').pop());
      const node = cluster.nodeNames.map((n) => cluster.node(n)).find((n) => n.clientPort === port);
      if (!node) throw new Error(`no node advertises ${connectUrl}`);
      return cluster.monitorUrl(node.name);
    };
  });

  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  reportLiveChecks('test/live/keda-scaler.live.test.ts');

  test('dist/ has nats-jetstream triggers to evaluate', () => {
    expect(environments.flatMap(jetStreamTriggers).length).toBeGreaterThan(0);
  });

  for (const env of environments) {
    const triggers = jetStreamTriggers(env);
    (triggers.length > 0 ? describe : describe.skip)(`environment ${env.env}`, () => {
      beforeAll(async () => {
        await applyEnvironment(jsm, env);
      });

      afterAll(async () => {
        await deleteStreams(jsm, env.streams.map((s) => s.spec.name));
      });

      for (const { scaledObject, metadata } of triggers) {
        const name = `${scaledObject.metadata.name} (${metadata.stream}/${metadata.consumer})`;

        test(`${name}: trigger metadata is what KEDA accepts and names a consumer we ship`, () => {
          const meta = parseScalerMetadata(metadata);
          expect(meta.account).toBe('$G'); // the default account of a nats-server without accounts
          expect(meta.natsServerMonitoringEndpoint).toMatch(/^[a-z0-9.-]+:\d+$/); // host:port, no scheme, no path
          expect(meta.lagThreshold).toBeGreaterThan(0);
          const consumer = env.consumers.find((c) => c.spec.durableName === meta.consumer);
          expect({ consumer: meta.consumer, stream: consumer?.spec.streamName }).toEqual({ consumer: meta.consumer, stream: meta.stream });
        });

        test(`${name}: lag from the consumer leader drives ceil(lag / lagThreshold) replicas, then back to min`, async () => {
          const meta = parseScalerMetadata(metadata);
          const bounds = { minReplicaCount: scaledObject.spec.minReplicaCount, maxReplicaCount: scaledObject.spec.maxReplicaCount };
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
          // Point KEDA's endpoint at a node that is NOT the consumer leader: discovery must still find it.
          const endpointNode = cluster.nodeNames.find((n) => n !== leader)!;
          const scaler = new KedaJetStreamScaler(
            { ...meta, natsServerMonitoringEndpoint: cluster.monitorUrl(endpointNode).replace('http://', '') },
            monitorUrlFor,
          );

          let seq = 1;
          let pending = 0;
          let ackPending = 0;
          /** Reads until the scaler sees the expected lag (bounded), then checks the reading in full. */
          const expectReading = async (what: string) => {
            const expectedLag = pending + ackPending;
            const reading = await waitFor<ScalerReading>(`${what}: lag ${expectedLag}`, async () => {
              const r = await scaler.getMetricsAndActivity();
              return r.lag === expectedLag ? r : undefined;
            }, 10_000);
            const info = await jsm.consumers.info(meta.stream, meta.consumer);
            expect({ what, lag: reading.lag, api: info.num_pending + info.num_ack_pending, ackPending: info.num_ack_pending }).toEqual({
              what,
              lag: expectedLag,
              api: expectedLag,
              ackPending,
            });
            expect({ what, leader: reading.leader, readFrom: reading.readFrom, clusterSize: reading.clusterSize }).toEqual({
              what,
              leader: info.cluster?.leader,
              readFrom: cluster.monitorUrl(info.cluster!.leader!),
              clusterSize: cluster.size,
            });
            expect(reading.active).toBe(expectedLag > meta.activationLagThreshold);
            return reading;
          };
          const expectReplicas = (reading: ScalerReading, replicas: number) => {
            expect({ lag: reading.lag, replicas: desiredReplicas(reading, meta.lagThreshold, bounds) }).toEqual({ lag: reading.lag, replicas });
          };

          // 0. Empty: inactive, the HPA holds minReplicaCount.
          expectReplicas(await expectReading('empty'), min);

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
          expectReplicas(await expectReading('backlog'), Math.min(max, Math.max(min, 1, Math.ceil(backlog / meta.lagThreshold))));

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
          expectReplicas(afterAck, pending > meta.activationLagThreshold ? Math.min(max, Math.max(min, 1, Math.ceil(pending / meta.lagThreshold))) : min);

          // Why KEDA must ask the leader: followers' /jsz keep a stale num_pending (tooling.md §3,
          // measured on 2.9.10 only, so asserted only there).
          const consumerLeader = afterAck.leader;
          const replicaNodes = (await jsm.consumers.info(meta.stream, meta.consumer)).cluster?.replicas?.map((r) => r.name) ?? [];
          for (const follower of natsServerAtLeast(2, 10) ? [] : replicaNodes) {
            const jsz = await cluster.monitor<JszResponse>(follower, jszQuery(meta.account));
            const stale = findConsumer(jsz, meta.account, meta.stream, meta.consumer);
            expect(stale).toBeDefined();
            // Higher than the truth: a KEDA reading a follower would scale out for work already done.
            expect({ follower, leader: consumerLeader, staleHigh: stale!.num_pending > pending }).toEqual({
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
        });
      }
    });
  }

  test('the scaler algorithm fails like KEDA when the consumer does not exist (no silent last_seq fallback)', async () => {
    const scaler = new KedaJetStreamScaler(
      parseScalerMetadata({
        natsServerMonitoringEndpoint: cluster.monitorUrl('n1').replace('http://', ''),
        account: '$G',
        stream: 'no-such-stream',
        consumer: 'no-such-consumer',
      }),
      monitorUrlFor,
    );
    await expect(scaler.getMetricsAndActivity()).rejects.toThrow(/leader node not found for consumer no-such-consumer/);
  });
});
