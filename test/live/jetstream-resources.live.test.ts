// Issue #3 part 2: the Streams and Consumers we ship, created on a real 3-node JetStream cluster
// the way NACK (control-loop) would create them, then read back from the server.
import type { ConsumerConfig, JetStreamManager, NatsConnection } from 'nats';
import { goDurationToNanos } from '../../lib/config/go-duration';
import { consumerSpecToApiRequest, streamSpecToApiConfig } from '../support/nack-jetstream-api';
import { EnvManifests, loadEnvironments, SPEC_CONSUMERS, SPEC_REPLICAS, SPEC_STREAMS } from '../support/dist-manifests';
import {
  apiErrorOf,
  applyEnvironment,
  createConsumer,
  createStream,
  deleteStreams,
  fieldsKnownToServer,
  LIVE_CLUSTER_CAPACITY,
  LIVE_CLUSTER_OPTIONS,
  whyEnvironmentDoesNotFit,
} from '../support/jetstream-apply';
import { reportLiveChecks } from '../support/live-report';
import { NatsCluster, natsServerAtLeast, skipUnlessNatsServer } from '../support/nats-cluster';

jest.setTimeout(60_000);

const describeLive = skipUnlessNatsServer();
const environments: EnvManifests[] = loadEnvironments();
const GiB = 1024 ** 3;

describeLive('NACK Streams and Consumers from dist/ on a live 3-node JetStream cluster', () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    cluster = await NatsCluster.start(LIVE_CLUSTER_OPTIONS);
    nc = await cluster.connect();
    jsm = await nc.jetstreamManager();
  });

  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  reportLiveChecks('test/live/jetstream-resources.live.test.ts');

  test('dist/ has environments with Streams and Consumers to check', () => {
    expect(environments.length).toBeGreaterThan(0);
    for (const env of environments) {
      expect({ env: env.env, streams: env.streams.length > 0, consumers: env.consumers.length > 0 }).toEqual({
        env: env.env,
        streams: true,
        consumers: true,
      });
    }
  });

  for (const env of environments) {
    // An environment that does not fit the test cluster is a failure, never a skip: a new
    // environment must be checked too (raise LIVE_CLUSTER_CAPACITY or the test cluster's stores).
    const misfit = whyEnvironmentDoesNotFit(env, LIVE_CLUSTER_CAPACITY);
    if (misfit) {
      test(`environment ${env.env} fits the 3-node test cluster`, () => {
        throw new Error(`environment ${env.env} does not fit the 3-node test cluster: ${misfit}`);
      });
      continue;
    }

    describe(`environment ${env.env}`, () => {
      beforeAll(async () => {
        await applyEnvironment(nc, env);
      });

      // Streams of different environments share subjects, so each environment gets a clean slate.
      afterAll(async () => {
        await deleteStreams(
          jsm,
          env.streams.map((s) => s.spec.name),
        );
      });

      test('the spec topology is there: every spec stream and consumer, with its subjects and filter', () => {
        expect(env.streams.map((s) => s.spec.name).sort()).toEqual(
          expect.arrayContaining(SPEC_STREAMS.map((s) => s.name)),
        );
        expect(env.consumers.map((c) => c.spec.durableName).sort()).toEqual(
          expect.arrayContaining(SPEC_CONSUMERS.map((c) => c.durable)),
        );
      });

      for (const stream of env.streams) {
        const spec = stream.spec;
        test(`Stream ${spec.name}: the server stores what the manifest intends`, async () => {
          const sent = streamSpecToApiConfig(spec);
          const info = await jsm.streams.info(spec.name);
          const cfg = info.config as unknown as Record<string, unknown>;
          // Everything we sent is what the server kept (no silent rewrite of our values).
          expect(cfg).toMatchObject(fieldsKnownToServer(sent, natsServerAtLeast));
          // And what we sent is what the manifest says, in server units.
          expect(cfg.subjects).toEqual(spec.subjects);
          expect(cfg.retention).toBe(spec.retention ?? 'limits');
          expect(cfg.storage).toBe(spec.storage);
          expect(cfg.max_bytes).toBe(spec.maxBytes);
          if (spec.maxAge && goDurationToNanos(spec.maxAge) > 0)
            expect(cfg.max_age).toBe(goDurationToNanos(spec.maxAge));
          expect(cfg.num_replicas).toBe(spec.replicas ?? 1);
          // The replicas really exist: a leader plus R-1 peers (tooling.md §1).
          expect(info.cluster?.leader).toMatch(/^n\d$/);
          expect(info.cluster?.replicas ?? []).toHaveLength((spec.replicas ?? 1) - 1);

          const expected = SPEC_STREAMS.find((s) => s.name === spec.name);
          if (expected) {
            expect(cfg.subjects).toEqual(expected.subjects);
            expect(cfg.max_age).toBe(expected.maxAgeNs);
            expect(cfg.storage).toBe('file'); // spec: "Storage: File (persistent)"; the CRD default would be memory
            if (env.env === 'prod') expect(cfg.max_bytes).toBe(expected.prodMaxBytes);
            if (SPEC_REPLICAS[env.env] !== undefined) expect(cfg.num_replicas).toBe(SPEC_REPLICAS[env.env]);
          }
        });

        test(
          `Stream ${spec.name}: its subjects are exclusive, a second stream on them is ` + `rejected (10065)`,
          async () => {
            const copy = { ...streamSpecToApiConfig(spec), name: `${spec.name}-copy` };
            const err = await apiErrorOf(createStream(nc, copy));
            expect(err.err_code).toBe(10065);
            expect(err.description).toMatch(/subjects overlap with an existing stream/);
          },
        );
      }

      for (const consumer of env.consumers) {
        const spec = consumer.spec;
        test(
          `Consumer ${spec.streamName}/${spec.durableName}: the server stores what the ` + `manifest intends`,
          async () => {
            const { config: sent } = consumerSpecToApiRequest(spec);
            const info = await jsm.consumers.info(spec.streamName, spec.durableName);
            const cfg = info.config as unknown as Record<string, unknown>;
            expect(cfg).toMatchObject(fieldsKnownToServer(sent, natsServerAtLeast));
            expect(cfg.durable_name).toBe(spec.durableName);
            expect(cfg.ack_policy).toBe(spec.ackPolicy);
            expect(cfg.ack_wait).toBe(goDurationToNanos(spec.ackWait!));
            if (spec.maxDeliver) expect(cfg.max_deliver).toBe(spec.maxDeliver);
            const filters = spec.filterSubjects ?? (spec.filterSubject ? [spec.filterSubject] : []);
            if (filters.length === 1) expect(cfg.filter_subject).toBe(filters[0]);
            if (spec.maxRequestBatch) expect(cfg.max_batch).toBe(spec.maxRequestBatch);
            // num_replicas 0 = inherit: the consumer has as many peers as its stream (tooling.md §2).
            const streamReplicas = env.streams.find((s) => s.spec.name === spec.streamName)?.spec.replicas ?? 1;
            expect(info.cluster?.replicas ?? []).toHaveLength((spec.replicas || streamReplicas) - 1);

            const expected = SPEC_CONSUMERS.find((c) => c.durable === spec.durableName);
            if (expected) {
              expect(info.stream_name).toBe(expected.stream);
              expect(cfg.filter_subject).toBe(expected.filter);
              expect(cfg.ack_policy).toBe('explicit');
              expect(cfg.max_deliver).toBe(expected.maxDeliver);
              expect(cfg.ack_wait).toBe(expected.ackWaitNs);
              if ('maxBatch' in expected) expect(cfg.max_batch).toBe(expected.maxBatch);
              expect(cfg.deliver_subject).toBeUndefined(); // spec: pull consumers
            }
          },
        );
      }
    });
  }

  // Server-side facts our synth-time validation relies on (tooling.md §2, nack.md §0, §5).
  describe('server facts behind our validation rules', () => {
    const scratch: string[] = [];
    afterAll(async () => {
      await deleteStreams(jsm, scratch);
    });

    const add = async (cfg: Record<string, unknown>) => {
      scratch.push(cfg.name as string);
      return (await createStream(nc, cfg)) as { config: Record<string, unknown> };
    };

    test(
      "a narrower stream inside another stream's wildcard is rejected too (10065): " + 'subjects must not overlap',
      async () => {
        await add(
          streamSpecToApiConfig({
            name: 'fact-wide',
            subjects: ['fact.>'],
            storage: 'file',
            maxAge: '1h',
          }) as unknown as Record<string, unknown>,
        );
        const err = await apiErrorOf(add({ name: 'fact-narrow', subjects: ['fact.model.>'], storage: 'file' }));
        expect(err).toMatchObject({ err_code: 10065 });
      },
    );

    test('max_age is nanoseconds: a value meant as 7 days in ms is accepted silently as 0.6 s', async () => {
      const info = await add({ name: 'fact-ms', subjects: ['factms.>'], storage: 'file', max_age: 604_800_000 });
      expect(info.config.max_age).toBe(604_800_000);
      expect(goDurationToNanos('168h')).toBe(604_800_000_000_000);
    });

    test('more replicas than nodes is rejected (10005): replicas must not exceed the cluster size', async () => {
      const err = await apiErrorOf(add({ name: 'fact-r4', subjects: ['factr4.>'], storage: 'file', num_replicas: 4 }));
      expect(err.err_code).toBe(10005);
      expect(err.description).toMatch(/no suitable peers for placement/);
    });

    test(
      "max_bytes beyond a node's max_file_store is rejected (10005): the file store " + 'must cover every stream',
      async () => {
        // One GiB more than each node's max_file_store (from the chart-rendered config the cluster runs).
        const maxBytes = cluster.capacity.maxFileStoreBytes + GiB;
        const err = await apiErrorOf(
          add({ name: 'fact-big', subjects: ['factbig.>'], storage: 'file', num_replicas: 3, max_bytes: maxBytes }),
        );
        expect(err.err_code).toBe(10005);
        expect(err.description).toMatch(/insufficient storage/);
      },
    );

    test(
      'a Stream CR without maxAge or storage becomes a 1-year, memory stream (CL ' +
        'create + CRD defaults), which the chart config refuses',
      async () => {
        const cfg = streamSpecToApiConfig({ name: 'fact-defaults', subjects: ['factdef.>'] });
        expect(cfg.max_age).toBe(31_536_000_000_000_000);
        expect(cfg.storage).toBe('memory');
        // Our values disable the chart's memory store when no stream uses memory, and the chart then renders
        // max_memory_store: 0 (nats-2.14.2 files/config/jetstream.yaml:8), which nats-server takes as "none"
        // (server/opts.go: maxMemSet): a Stream CR that forgets `storage: file` is refused, not silently kept in RAM.
        expect(cluster.capacity.maxMemoryStoreBytes).toBe(0);
        const err = await apiErrorOf(add(cfg as unknown as Record<string, unknown>));
        expect(err.description).toMatch(/insufficient memory resources/);
      },
    );

    test('a Stream CR with maxAge "0s" has no age limit: NACK sends 0 (stream_controller.go:359-365)', async () => {
      const cfg = streamSpecToApiConfig({
        name: 'fact-unlimited',
        subjects: ['factunl.>'],
        storage: 'file',
        maxAge: '0s',
      });
      const info = await add(cfg as unknown as Record<string, unknown>);
      expect(info.config.max_age).toBe(0);
    });

    test('a Consumer CR without ackWait gets ack_wait 1 ns on the server (CRD default, nats-io/nack#136)', async () => {
      const request = consumerSpecToApiRequest({
        durableName: 'fact-no-ackwait',
        streamName: 'fact-wide',
        ackPolicy: 'explicit',
      });
      await createConsumer(nc, request);
      const { stream } = request;
      const info = await jsm.consumers.info(stream, 'fact-no-ackwait');
      expect(info.config.ack_wait).toBe(1);
    });

    test(
      "a consumer filter outside its stream's subjects: 10093 on 2.9, accepted " + '(matching nothing) from 2.10',
      async () => {
        const request = jsm.consumers.add('fact-wide', {
          durable_name: 'fact-bad-filter',
          ack_policy: 'explicit',
          filter_subject: 'elsewhere.>',
        } as Partial<ConsumerConfig>);
        if (!natsServerAtLeast(2, 10)) {
          const err = await apiErrorOf(request);
          expect(err.err_code).toBe(10093);
        } else {
          await expect(request).resolves.toBeDefined();
        }
      },
    );
  });
});
