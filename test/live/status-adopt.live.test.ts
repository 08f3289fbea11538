// Issue 12: `npm run status` and `npm run adopt` against a real 3-node JetStream cluster running prod's
// chart-rendered nats.conf: in sync after applying dist/prod as NACK would; each drift class; a node down;
// lag above the scaler's threshold; and the spec's streams and consumers made by hand with the nats CLI's
// requests, adopted into config, synthesized, applied, and in sync without a changed field or a lost message.
import * as path from 'path';
import { JSONCodec, StringCodec } from 'nats';
import type { JetStreamManager, NatsConnection } from 'nats';
import { prod } from '../../config/prod';
import { ConsumerConfig, StreamConfig } from '../../lib/config/types';
import { DeclaredEnvironment, readDeclaredEnvironment } from '../../tools/live/declared-environment';
import { adoptFromLive } from '../../tools/live/adopt-command';
import { readLiveJetStream } from '../../tools/live/live-jetstream';
import { compareWithLive, formatStatus, hasProblems, StatusResult } from '../../tools/live/status-report';
import { run as runStatus } from '../../tools/live/status-command';
import { loadEnvironment } from '../support/dist-manifests';
import { NackConsumerSpec, NackStreamSpec } from '../support/nack-jetstream-api';
import { applyEnvironment, createStream, deleteStreams, LIVE_CLUSTER_OPTIONS } from '../support/jetstream-apply';
import { reportLiveChecks } from '../support/live-report';
import { NatsCluster, skipUnlessNatsServer, waitFor } from '../support/nats-cluster';
import {
  natsConsumerAdd,
  natsStreamAdd,
  SPEC_NATS_CLI_CONSUMERS,
  SPEC_NATS_CLI_STREAMS,
} from '../support/natscli-requests';
import { synthEnvironment } from '../support/synth';

jest.setTimeout(120_000);

const describeLive = skipUnlessNatsServer();
const DIST = path.join(__dirname, '..', '..', 'dist');
const ENV = 'prod';
const json = JSONCodec<Record<string, unknown>>();

describeLive('npm run status and npm run adopt on a live 3-node cluster (prod)', () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const declared = readDeclaredEnvironment(DIST, ENV);
  const manifests = loadEnvironment(ENV, DIST);

  beforeAll(async () => {
    cluster = await NatsCluster.start(LIVE_CLUSTER_OPTIONS);
    nc = await cluster.connect();
    jsm = await nc.jetstreamManager();
  });
  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });
  reportLiveChecks('test/live/status-adopt.live.test.ts');

  const status = async (against: DeclaredEnvironment = declared): Promise<StatusResult> =>
    compareWithLive(against, await readLiveJetStream(jsm), 'test');
  const clean = async () => {
    const names: string[] = [];
    for await (const name of jsm.streams.names()) names.push(name);
    await deleteStreams(jsm, names);
  };
  const applyDist = async () => {
    await clean();
    await applyEnvironment(nc, manifests);
    for (const s of declared.streams) await cluster.waitForStreamLeader(jsm, s.name);
    for (const c of declared.consumers) await cluster.waitForConsumerLeader(jsm, c.stream, c.name);
  };
  const apiRequest = async (subject: string, body: unknown) => {
    const reply = json.decode((await nc.request(subject, json.encode(body as Record<string, unknown>))).data);
    if (reply.error) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
    return reply;
  };
  const streamConfig = async (name: string) =>
    (await jsm.streams.info(name)).config as unknown as Record<string, unknown>;

  test('(a) after applying dist/prod as NACK would, every object is in sync and status exits 0', async () => {
    await applyDist();
    const result = await status();
    expect(result.streams.map((s) => [s.name, s.state])).toEqual(declared.streams.map((s) => [s.name, 'in sync']));
    expect(result.consumers.map((c) => [c.name, c.state])).toEqual(declared.consumers.map((c) => [c.name, 'in sync']));
    expect(hasProblems(result)).toBe(false);
    // Through the command itself: NATS_URL/NATS_TOKEN, exit 0, the table.
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    let code: number;
    try {
      code = await runStatus(['--env', ENV], DIST, {
        NATS_URL: cluster.clientUrls().join(','),
        NATS_TOKEN: cluster.token,
      });
    } finally {
      write.mockRestore();
    }
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/7 in sync, 0 drifted, 0 missing/);
    expect(out.join('')).not.toContain(cluster.token);
  });

  test('(b) drift: a mutable field, an immutable one, a field we do not set, one missing, one undeclared', async () => {
    await applyDist();
    // Mutable: analytics-consumer maxDeliver 5 -> 7 on the server (NACK sets it back).
    const analytics = await jsm.consumers.info('routing-decisions', 'analytics-consumer');
    await apiRequest('$JS.API.CONSUMER.CREATE.routing-decisions.analytics-consumer.routing.>', {
      stream_name: 'routing-decisions',
      config: { ...analytics.config, max_deliver: 7 },
    });
    // Immutable: api-consumer re-made with ack policy "all" (nats-server refuses to change it).
    const api = await jsm.consumers.info('routing-decisions', 'api-consumer');
    await jsm.consumers.delete('routing-decisions', 'api-consumer');
    await apiRequest('$JS.API.CONSUMER.CREATE.routing-decisions.api-consumer.routing.>', {
      stream_name: 'routing-decisions',
      config: { ...api.config, ack_policy: 'all' },
    });
    // A field our config never sets: max_msgs_per_subject 10 (NACK only sends it when > 0).
    await apiRequest('$JS.API.STREAM.UPDATE.llm-requests', {
      ...(await streamConfig('llm-requests')),
      max_msgs_per_subject: 10,
    });
    // Missing: metrics-consumer deleted. Undeclared: a stream and consumer made by hand.
    await jsm.consumers.delete('llm-requests', 'metrics-consumer');
    await createStream(nc, natsStreamAdd('handmade', { subjects: ['handmade.>'], maxBytes: '1MB', replicas: 1 }));
    const handmade = natsConsumerAdd('handmade', 'handmade-worker', { maxDeliver: 2 });
    await apiRequest(handmade.subject, handmade.body);

    const result = await status();
    const stream = (name: string) => result.streams.find((s) => s.name === name)!;
    const consumer = (name: string) => result.consumers.find((c) => c.name === name)!;
    expect(consumer('analytics-consumer').drift).toEqual([
      expect.objectContaining({ field: 'maxDeliver', declared: '5', live: '7', nack: 'applies' }),
    ]);
    expect(consumer('api-consumer').drift).toEqual([
      expect.objectContaining({ field: 'ackPolicy', declared: 'explicit', live: 'all', nack: 'blocking' }),
    ]);
    expect(consumer('api-consumer').drift[0].message).toMatch(/nats-server cannot change a consumer's ackPolicy/);
    expect(stream('llm-requests').drift).toEqual([
      expect.objectContaining({ field: 'maxMsgsPerSubject', live: '10', nack: 'not-applied' }),
    ]);
    expect(stream('llm-requests').drift[0].message).toMatch(/NACK only sends maxMsgsPerSubject when it is set/);
    expect(consumer('metrics-consumer').state).toBe('missing');
    expect(stream('handmade').state).toBe('undeclared');
    expect(consumer('handmade-worker').state).toBe('undeclared');
    expect(stream('routing-decisions').state).toBe('in sync');
    expect(result.summary).toMatchObject({ drifted: 3, missing: 1, undeclared: 2 });
    expect(hasProblems(result)).toBe(true);
  });

  test('(c) a node down: status shows the R3 streams with an offline or lagging replica', async () => {
    await applyDist();
    const victim = cluster.nodeNames.find((n) => n !== (cluster.nodeNames[0] as string))!;
    // Ask through a node that stays up.
    await cluster.kill(victim);
    try {
      const result = await waitFor('the stream leaders to see the node gone', async () => {
        const r = await status();
        return r.streams.every((s) => s.replicas && s.replicas.state !== 'current') ? r : undefined;
      });
      for (const s of result.streams) {
        expect(s.replicas?.configured).toBe(3);
        const down = s.replicas!.peers.find((p) => p.name === victim);
        // Either its leader lost it (offline / not current), or it was the leader and none is left yet.
        expect(down === undefined ? s.replicas!.state : !down.current || down.offline).toBeTruthy();
      }
      expect(hasProblems(result)).toBe(true);
    } finally {
      await cluster.startNode(victim);
    }
    const healed = await waitFor('every replica current again', async () => {
      const r = await status();
      return r.streams.every((s) => s.replicas?.state === 'current') ? r : undefined;
    });
    expect(healed.summary.replicasNotCurrent).toBe(0);
  });

  test("(d) lag above the scaler's lagThreshold", async () => {
    await applyDist();
    const js = nc.jetstream();
    const sc = StringCodec();
    for (let i = 0; i < 25; i++) await js.publish('routing.model.selected', sc.encode(`{"requestId":"r${i}"}`));
    const result = await status();
    const api = result.consumers.find((c) => c.name === 'api-consumer')!;
    expect(api.lag).toMatchObject({ pending: 25, ackPending: 0, lag: 25, lagThreshold: 10, aboveThreshold: true });
    expect(result.consumers.find((c) => c.name === 'analytics-consumer')!.lag).toMatchObject({
      lag: 25,
      aboveThreshold: false, // no scaler on it
    });
    expect(result.summary.lagAboveThreshold).toBe(1);
    // Shown, not a difference between declared and live: KEDA scales on it, and doctor judges it.
    expect(hasProblems(result)).toBe(false);
    expect(formatStatus(result)).toMatch(/25 pending.*> lagThreshold 10 of api-scaler-nats/);
  });

  test('(e) the spec made by hand with the nats CLI, adopted, synthesized, applied: in sync, nothing changed or lost', async () => {
    await clean();
    for (const s of SPEC_NATS_CLI_STREAMS) await createStream(nc, natsStreamAdd(s.name, s.flags));
    for (const c of SPEC_NATS_CLI_CONSUMERS) {
      const request = natsConsumerAdd(c.stream, c.durable, c.flags);
      await apiRequest(request.subject, request.body);
    }
    for (const s of SPEC_NATS_CLI_STREAMS) await cluster.waitForStreamLeader(jsm, s.name);
    const js = nc.jetstream();
    const subjects = ['routing.model.selected', 'memory.consolidated', 'llm.request.started'];
    for (const subject of subjects)
      for (let i = 0; i < 10; i++) await js.publish(subject, StringCodec().encode(`m${i}`));
    const snapshot = async () => {
      const live = await readLiveJetStream(jsm);
      return {
        streams: live.streams.map((s) => ({ config: s.info!.config, messages: s.info!.state.messages })),
        consumers: live.consumers.map((c) => ({ name: c.name, config: c.info!.config })),
      };
    };
    const before = await snapshot();
    expect(before.streams.map((s) => s.messages)).toEqual([10, 10, 10]);

    // adopt: against an environment that declares nothing, so everything is adopted.
    const nothing: DeclaredEnvironment = { ...declared, streams: [], consumers: [], scalers: [] };
    const adopted = adoptFromLive(nothing, await readLiveJetStream(jsm), 'test');
    expect([...adopted.streams, ...adopted.consumers].flatMap((o) => o.unexpressible)).toEqual([]);
    expect(adopted.typescript).toContain("maxBytes: '1GiB'");
    // The printed TypeScript, evaluated as it would be pasted into config/prod.ts.
    const pasted = new Function(`return {\n${adopted.typescript}\n};`)() as {
      streams: StreamConfig[];
      consumers: ConsumerConfig[];
    };
    const { objects } = synthEnvironment({ ...prod, streams: pasted.streams, consumers: pasted.consumers });
    const specs = (kind: string) =>
      objects.filter((o) => o.kind === kind && o.apiVersion.startsWith('jetstream.nats.io/'));
    const synthStreams = specs('Stream').map((o) => ({ spec: o.spec as NackStreamSpec }));
    const synthConsumers = specs('Consumer').map((o) => ({ spec: o.spec as NackConsumerSpec }));
    expect(synthStreams).toHaveLength(3);
    expect(synthConsumers).toHaveLength(4);

    // Apply as NACK would: the server takes a create for an existing stream only when nothing differs.
    await applyEnvironment(nc, { ...manifests, streams: synthStreams as never, consumers: synthConsumers as never });
    const synthDeclared: DeclaredEnvironment = {
      ...declared,
      streams: synthStreams.map((s) => ({ file: `stream-${s.spec.name}.yaml`, spec: s.spec, name: s.spec.name })),
      consumers: synthConsumers.map((c) => ({
        file: `consumer-${c.spec.durableName}.yaml`,
        spec: c.spec,
        name: c.spec.durableName,
        stream: c.spec.streamName,
      })),
      scalers: [],
    };
    const result = await status(synthDeclared);
    expect([...result.streams, ...result.consumers].map((o) => [o.name, o.state, o.drift])).toEqual(
      [...result.streams, ...result.consumers].map((o) => [o.name, 'in sync', []]),
    );
    expect(result.summary.inSync).toBe(7);
    const after = await snapshot();
    expect(after).toEqual(before); // no config field changed, no message lost
  });
});
