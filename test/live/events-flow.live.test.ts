// Issue #3 part 2: the spec's events flow through the streams and durable pull consumers we ship.
// Every sample event of every subject is published with a msgID; each consumer must receive
// exactly the events its filter selects, decodable against its schema, once.
import { JetStreamClient, JetStreamManager, JsMsg, NatsConnection, StringCodec } from 'nats';
import { SampleEvent, sampleEvents, SCHEMA_GUARDS } from '../support/event-schemas';
import { consumerSpecToApiRequest } from '../support/nack-jetstream-api';
import { subjectIsSubsetOf } from '../../lib/config/subjects';
import { EnvManifests, loadEnvironments } from '../support/dist-manifests';
import {
  applyEnvironment,
  deleteStreams,
  LIVE_CLUSTER_CAPACITY,
  LIVE_CLUSTER_OPTIONS,
  whyEnvironmentDoesNotFit,
} from '../support/jetstream-apply';
import { reportLiveChecks } from '../support/live-report';
import { NatsCluster, skipUnlessNatsServer } from '../support/nats-cluster';

jest.setTimeout(60_000);

const describeLive = skipUnlessNatsServer();
const environments: EnvManifests[] = loadEnvironments().filter(
  (env) => !whyEnvironmentDoesNotFit(env, LIVE_CLUSTER_CAPACITY),
);
const EVENTS_PER_SUBJECT = 3;
const sc = StringCodec();

/** A literal subject matches a filter when it is inside it (lib/config/subjects.ts). */
const matches = (subject: string, filter: string) => subjectIsSubsetOf(subject, filter);

/**
 * Pulls with fetch() batches (not consume(): unacked prefetched messages would stay ack-pending
 * until ack_wait, tooling.md §3 pitfall) until `expected` messages arrived or a fetch comes back
 * empty; bounded to 20 fetches of at most 1 s each.
 */
async function fetchAll(js: JetStreamClient, stream: string, durable: string, expected: number): Promise<JsMsg[]> {
  const consumer = await js.consumers.get(stream, durable);
  const received: JsMsg[] = [];
  for (let round = 0; round < 20 && received.length < expected; round++) {
    const batch = await consumer.fetch({ max_messages: expected - received.length, expires: 1000 });
    let got = 0;
    for await (const m of batch) {
      received.push(m);
      got++;
    }
    if (got === 0) break;
  }
  return received;
}

describeLive('spec events through the dist/ streams and durable pull consumers (live)', () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let js: JetStreamClient;

  beforeAll(async () => {
    cluster = await NatsCluster.start(LIVE_CLUSTER_OPTIONS);
    nc = await cluster.connect();
    jsm = await nc.jetstreamManager();
    js = nc.jetstream();
  });

  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  reportLiveChecks('test/live/events-flow.live.test.ts');

  test('there is at least one environment to run', () => {
    expect(environments.length).toBeGreaterThan(0);
  });

  for (const env of environments) {
    describe(`environment ${env.env}`, () => {
      const events = sampleEvents(EVENTS_PER_SUBJECT);
      /** Subjects each durable actually received, filled by the per-consumer tests. */
      const receivedSubjects = new Map<string, Set<string>>();

      beforeAll(async () => {
        await applyEnvironment(nc, env);
      });

      afterAll(async () => {
        await deleteStreams(
          jsm,
          env.streams.map((s) => s.spec.name),
        );
      });

      test('every spec subject lands in exactly one stream, once, deduplicated by msgID', async () => {
        for (const event of events) {
          const owners = env.streams.filter((s) => (s.spec.subjects ?? []).some((f) => matches(event.subject, f)));
          expect({ subject: event.subject, owners: owners.length }).toEqual({ subject: event.subject, owners: 1 });
          const ack = await js.publish(event.subject, sc.encode(JSON.stringify(event.payload)), { msgID: event.msgId });
          expect({ subject: event.subject, stream: ack.stream, duplicate: ack.duplicate }).toEqual({
            subject: event.subject,
            stream: owners[0].spec.name,
            duplicate: false,
          });
        }
        // A retry with the same msgID inside the duplicate window is acked but not stored again.
        const retry = await js.publish(events[0].subject, sc.encode(JSON.stringify(events[0].payload)), {
          msgID: events[0].msgId,
        });
        expect(retry.duplicate).toBe(true);
        for (const stream of env.streams) {
          const stored = events.filter((e) => (stream.spec.subjects ?? []).some((f) => matches(e.subject, f))).length;
          expect({
            stream: stream.spec.name,
            messages: (await jsm.streams.info(stream.spec.name)).state.messages,
          }).toEqual({
            stream: stream.spec.name,
            messages: stored,
          });
        }
      });

      for (const consumer of env.consumers) {
        const spec = consumer.spec;
        test(`${spec.durableName} receives exactly what its filter selects, intact, and acks it`, async () => {
          const { config } = consumerSpecToApiRequest(spec);
          const filters = config.filter_subjects ?? (config.filter_subject ? [config.filter_subject] : ['>']);
          const streamSubjects = env.streams.find((s) => s.spec.name === spec.streamName)?.spec.subjects ?? [];
          const wanted: SampleEvent[] = events.filter(
            (e) => streamSubjects.some((f) => matches(e.subject, f)) && filters.some((f) => matches(e.subject, f)),
          );
          expect(wanted.length).toBeGreaterThan(0);

          const received = await fetchAll(js, spec.streamName, spec.durableName, wanted.length);
          const byId = new Map(wanted.map((e) => [e.msgId, e]));
          const seen = new Set<string>();
          for (const m of received) {
            const msgId = m.headers?.get('Nats-Msg-Id') ?? '';
            const sent = byId.get(msgId);
            expect({
              msgId,
              known: sent !== undefined,
              firstTime: !seen.has(msgId),
              redelivered: m.redelivered,
            }).toEqual({
              msgId,
              known: true,
              firstTime: true,
              redelivered: false,
            });
            seen.add(msgId);
            const payload: unknown = JSON.parse(sc.decode(m.data));
            expect(m.subject).toBe(sent!.subject);
            expect(SCHEMA_GUARDS[sent!.schema](payload)).toBe(true);
            expect(payload).toEqual(sent!.payload);
            expect(await m.ackAck()).toBe(true); // explicit ack, confirmed by the server
          }
          expect([...seen].sort()).toEqual(wanted.map((e) => e.msgId).sort());
          receivedSubjects.set(spec.durableName, new Set(received.map((m) => m.subject)));

          // Nothing left and nothing in flight: the consumer's lag is 0 after exact acks.
          const info = await jsm.consumers.info(spec.streamName, spec.durableName);
          expect({
            pending: info.num_pending,
            ackPending: info.num_ack_pending,
            delivered: info.delivered.consumer_seq,
          }).toEqual({
            pending: 0,
            ackPending: 0,
            delivered: wanted.length,
          });
        });
      }

      test(
        'spec routing: consolidation-consumer got only memory.consolidated; api, ' +
          'analytics and metrics got every subject of their stream',
        () => {
          const got = (durable: string) => [...(receivedSubjects.get(durable) ?? [])].sort();
          expect(got('consolidation-consumer')).toEqual(['memory.consolidated']);
          const routing = ['routing.cost.calculated', 'routing.fallback.triggered', 'routing.model.selected'];
          expect(got('api-consumer')).toEqual(routing);
          expect(got('analytics-consumer')).toEqual(routing); // independent durable cursor: the same events again
          expect(got('metrics-consumer')).toEqual([
            'llm.request.completed',
            'llm.request.failed',
            'llm.request.started',
          ]);
        },
      );
    });
  }
});
