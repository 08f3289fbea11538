// The live server config -> our terms mapping of `npm run status` and `npm run adopt`, against the NACK request
// model (test/support/nack-jetstream-api.ts): for every Stream and Consumer dist/ declares, the spec becomes the
// request NACK sends, the server reports that request with its defaults filled in, and our terms of that report
// are the declared spec again (in sync). Each comparison also has a case where it must find the drift.
import * as path from 'path';
import { listDistEnvironments, readDeclaredEnvironment } from '../../tools/live/declared-environment';
import { formatGoDuration } from '../../lib/config/go-duration';
import { consumerDrift, liveConsumerSpec, liveStreamSpec, streamDrift } from '../../tools/live/jetstream-terms';
import { adoptConsumer, adoptStream } from '../../tools/live/adopt-config';
import { consumerSpecToApiRequest, streamSpecToApiConfig } from '../support/nack-jetstream-api';
import {
  natsConsumerAdd,
  natsStreamAdd,
  SPEC_NATS_CLI_CONSUMERS,
  SPEC_NATS_CLI_STREAMS,
} from '../support/natscli-requests';

const DIST = path.join(__dirname, '..', '..', 'dist');

/**
 * What nats-server reports for a create request: the request with the defaults its create fills in
 * (server/stream.go checkStreamCfg: duplicate window 2m; server/consumer.go setConsumerConfigDefaults:
 * max_deliver -1, max_waiting 512 on pull, max_ack_pending 1000 with acks, ack_wait 30s).
 */
function serverReportsStream(request: Record<string, unknown>): Record<string, unknown> {
  return { duplicate_window: 120_000_000_000, max_msg_size: -1, ...request };
}
function serverReportsConsumer(config: Record<string, unknown>): Record<string, unknown> {
  const pull = !config.deliver_subject;
  return {
    ack_wait: 30_000_000_000,
    max_deliver: -1,
    ...(pull ? { max_waiting: 512 } : {}),
    ...(config.ack_policy !== 'none' ? { max_ack_pending: 1000 } : {}),
    ...config,
  };
}

const environments = listDistEnvironments(DIST).map((env) => readDeclaredEnvironment(DIST, env));

describe('server config in our terms, against the NACK request model, for every declared object of dist/', () => {
  test('dist/ declares streams and consumers', () => {
    expect(environments.flatMap((e) => e.streams).length).toBeGreaterThan(0);
    expect(environments.flatMap((e) => e.consumers).length).toBeGreaterThan(0);
  });

  for (const env of environments) {
    for (const stream of env.streams) {
      test(`${env.env} Stream ${stream.name}: spec -> NACK request -> server report -> our terms is in sync`, () => {
        const request = streamSpecToApiConfig(stream.spec as never) as unknown as Record<string, unknown>;
        const live = liveStreamSpec(serverReportsStream(request));
        expect(streamDrift(stream.spec, live)).toEqual([]);
        // and a changed field is found
        const bigger = liveStreamSpec({ ...serverReportsStream(request), max_bytes: Number(request.max_bytes) * 2 });
        expect(streamDrift(stream.spec, bigger).map((d) => d.field)).toEqual(['maxBytes']);
      });
    }
    for (const consumer of env.consumers) {
      test(`${env.env} Consumer ${consumer.name}: spec -> NACK request -> server report -> our terms is in sync`, () => {
        const request = consumerSpecToApiRequest(consumer.spec as never);
        const replicas = Number(env.streams.find((s) => s.name === consumer.stream)?.spec.replicas ?? 1);
        const reported = serverReportsConsumer(request.config as unknown as Record<string, unknown>);
        const both = { declared: replicas, live: replicas };
        expect(consumerDrift(consumer.spec, liveConsumerSpec(request.stream, reported), both)).toEqual([]);
        const changed = liveConsumerSpec(request.stream, { ...reported, ack_wait: 1, filter_subject: 'other.>' });
        expect(consumerDrift(consumer.spec, changed, both).map((d) => d.field)).toEqual([
          'ackWait',
          'filterSubject/filterSubjects',
        ]);
      });
    }
  }

  test('durations read back in our units: 604800000000000 ns is "168h", 60 s is "1m"', () => {
    expect(formatGoDuration(604_800_000_000_000)).toBe('168h');
    expect(formatGoDuration(60_000_000_000)).toBe('1m');
    expect(formatGoDuration(5_400_000_000_000)).toBe('1h30m');
    expect(formatGoDuration(0)).toBe('0s');
  });

  test('"168h" declared equals the server\'s 604800000000000 ns; "169h" does not', () => {
    const spec = { name: 's', subjects: ['s.>'], maxAge: '168h', maxBytes: 1024, storage: 'file', replicas: 1 };
    const request = streamSpecToApiConfig(spec as never) as unknown as Record<string, unknown>;
    expect(request.max_age).toBe(604_800_000_000_000);
    expect(streamDrift(spec, liveStreamSpec(serverReportsStream(request)))).toEqual([]);
    expect(streamDrift({ ...spec, maxAge: '169h' }, liveStreamSpec(serverReportsStream(request)))).toEqual([
      { field: 'maxAge', declared: '"169h"', live: '"168h"' },
    ]);
  });
});

describe('adopt: what the nats CLI makes, as config entries', () => {
  test("the spec's routing-decisions stream: 1GB is 1073741824 bytes, written back as 1GiB, allowDirect kept", () => {
    const { name, flags } = SPEC_NATS_CLI_STREAMS[0];
    const request = natsStreamAdd(name, flags);
    expect(request).toMatchObject({ max_bytes: 1_073_741_824, max_age: 604_800_000_000_000, num_replicas: 3 });
    expect(adoptStream(liveStreamSpec(request))).toEqual({
      config: {
        name: 'routing-decisions',
        subjects: ['routing.>'],
        retention: 'limits',
        storage: 'file',
        replicas: 3,
        discard: 'old',
        maxAge: '168h',
        maxBytes: '1GiB',
        allowDirect: true,
      },
      unexpressible: [],
    });
  });

  test('the spec consumers adopt exactly; an unlimited max deliver cannot be written and says so', () => {
    for (const c of SPEC_NATS_CLI_CONSUMERS) {
      const { body } = natsConsumerAdd(c.stream, c.durable, c.flags);
      const reported = serverReportsConsumer(body.config as Record<string, unknown>);
      expect(adoptConsumer(liveConsumerSpec(c.stream, reported)).unexpressible).toEqual([]);
    }
    const { body } = natsConsumerAdd('s', 'worker', {});
    const adopted = adoptConsumer(liveConsumerSpec('s', serverReportsConsumer(body.config as Record<string, unknown>)));
    expect(adopted.unexpressible.map((u) => u.field)).toEqual(['maxDeliver']);
  });

  test('a stream without a byte limit cannot be adopted as is', () => {
    const request = natsStreamAdd('free', { subjects: ['free.>'] });
    expect(adoptStream(liveStreamSpec(request)).unexpressible.map((u) => u.field)).toEqual(['maxBytes']);
  });
});
