// Bad inputs that NACK, KEDA or nats-server would reject, or worse silently accept, must fail the
// synth with an error naming environment, resource, field, value, what is allowed and the fix.
import { ConsumerConfig, EnvironmentConfig, ScalerConfig, StreamConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { OVERMIND_CONSUMERS, OVERMIND_SCALERS, OVERMIND_STREAMS } from '../../lib/overmind-topology';
import { synthEnvironment } from '../support/synth';

const streams = (change: (s: StreamConfig[]) => StreamConfig[]) => change(OVERMIND_STREAMS.map((s) => ({ ...s })));
const withStream = (name: string, patch: Partial<StreamConfig>) => streams((all) => all.map((s) => (s.name === name ? { ...s, ...patch } : s)));
const withConsumer = (name: string, patch: Partial<ConsumerConfig>) => OVERMIND_CONSUMERS.map((c) => (c.name === name ? { ...c, ...patch } : c));
const withScaler = (patch: Partial<ScalerConfig>) => OVERMIND_SCALERS.map((s) => ({ ...s, ...patch }));

interface BadInput {
  readonly what: string;
  readonly config: Omit<EnvironmentConfig, 'name'>;
  /** Resource, field and value the message must name. */
  readonly resource: string;
  readonly field: string;
  readonly value: string;
  /** A phrase of the "allowed" or "fix" part. */
  readonly hint: RegExp;
}

const BAD_INPUTS: BadInput[] = [
  ...['routing.decisions', 'routing decisions', 'routing*', 'routing>', 'routing/decisions', 'routing\\decisions'].map((name): BadInput => ({
    what: `stream name ${JSON.stringify(name)}`,
    config: { streams: withStream('routing-decisions', { name }), consumers: [], scalers: [] },
    resource: `Stream "${name}"`, field: 'name', value: JSON.stringify(name), hint: /without whitespace, "\.", "\*", ">", "\/" or "\\"/,
  })),
  {
    what: 'consumer name with a dot', config: { consumers: withConsumer('api-consumer', { name: 'api.consumer' }), scalers: [] },
    resource: 'Consumer "api.consumer"', field: 'name', value: '"api.consumer"', hint: /rename it/,
  },
  {
    what: 'subjects that overlap another stream', config: { streams: [...OVERMIND_STREAMS, { name: 'models', subjects: ['routing.model.>'], maxBytes: '1GB' }] },
    resource: 'Stream "models"', field: 'subjects[0]', value: '"routing.model.>"', hint: /overlaps "routing\.>" of stream "routing-decisions".*10065/,
  },
  {
    what: 'a wildcard subject crossing another stream', config: { streams: [...OVERMIND_STREAMS, { name: 'x-events', subjects: ['*.x'], maxBytes: '1GB' }] },
    resource: 'Stream "x-events"', field: 'subjects[0]', value: '"*.x"', hint: /overlaps/,
  },
  {
    what: 'subjects that overlap within one stream', config: { streams: withStream('llm-requests', { subjects: ['llm.>', 'llm.request.failed'] }) },
    resource: 'Stream "llm-requests"', field: 'subjects[1]', value: '"llm.request.failed"', hint: /another subject of the same stream/,
  },
  {
    what: 'an invalid subject', config: { streams: withStream('llm-requests', { subjects: ['llm..x'] }), consumers: [], scalers: [] },
    resource: 'Stream "llm-requests"', field: 'subjects[0]', value: '"llm..x"', hint: /empty token/,
  },
  {
    what: 'a consumer filter outside its stream (accepted silently by servers since 2.10)',
    config: { consumers: withConsumer('consolidation-consumer', { filterSubjects: ['memories.consolidated'] }) },
    resource: 'Consumer "consolidation-consumer" (stream "memory-events")', field: 'filterSubjects[0]', value: '"memories.consolidated"', hint: /inside the stream's subjects \["memory\.>"\]/,
  },
  {
    what: 'stream replicas above 5', config: { nats: { replicas: 7 }, streams: withStream('llm-requests', { replicas: 6 }) },
    resource: 'Stream "llm-requests"', field: 'replicas', value: '6', hint: /from 1 to 5.*nats-server allows 5/,
  },
  {
    what: 'stream replicas above the cluster size', config: { nats: { replicas: 1 }, streams: withStream('memory-events', { replicas: 3 }) },
    resource: 'Stream "memory-events"', field: 'replicas', value: '3', hint: /from 1 to 1.*1 NATS server/,
  },
  {
    what: 'consumer replicas above the stream\'s', config: { nats: { replicas: 3 }, streams: withStream('llm-requests', { replicas: 1 }), consumers: withConsumer('metrics-consumer', { replicas: 3 }) },
    resource: 'Consumer "metrics-consumer"', field: 'replicas', value: '3', hint: /at most the stream's 1 replicas/,
  },
  {
    what: 'max deliver 0', config: { consumers: withConsumer('api-consumer', { maxDeliver: 0 }) },
    resource: 'Consumer "api-consumer"', field: 'maxDeliver', value: '0', hint: /at least 1/,
  },
  {
    what: 'ack wait zero', config: { consumers: withConsumer('api-consumer', { ackWait: '0s' }) },
    resource: 'Consumer "api-consumer"', field: 'ackWait', value: '"0s"', hint: /positive/,
  },
  {
    what: 'an unparseable ack wait', config: { consumers: withConsumer('api-consumer', { ackWait: '30 seconds' }) },
    resource: 'Consumer "api-consumer"', field: 'ackWait', value: '"30 seconds"', hint: /number and a unit/,
  },
  {
    what: 'an unparseable max age', config: { streams: withStream('routing-decisions', { maxAge: 'a week' }) },
    resource: 'Stream "routing-decisions"', field: 'maxAge', value: '"a week"', hint: /"168h" or "7d"/,
  },
  {
    what: 'a max age under the server minimum', config: { streams: withStream('routing-decisions', { maxAge: '50ms' }) },
    resource: 'Stream "routing-decisions"', field: 'maxAge', value: '"50ms"', hint: /at least 100ms/,
  },
  {
    what: 'an ambiguous size "1G" (10^9 in nats-server config)', config: { streams: withStream('routing-decisions', { maxBytes: '1G' }) },
    resource: 'Stream "routing-decisions"', field: 'maxBytes', value: '"1G"', hint: /bare "G"\/"M"\/"K" are refused/,
  },
  {
    what: 'an unparseable size', config: { streams: withStream('routing-decisions', { maxBytes: 'big' }) },
    resource: 'Stream "routing-decisions"', field: 'maxBytes', value: '"big"', hint: /"1GB"/,
  },
  {
    what: 'a stream without max bytes', config: { streams: withStream('routing-decisions', { maxBytes: undefined as unknown as string }) },
    resource: 'Stream "routing-decisions"', field: 'maxBytes', value: '(not set)', hint: /must hold the sum of all streams \(nats\.fileStorageSize\)/,
  },
  {
    what: 'a storage PVC too small for the streams it must hold', config: { nats: { fileStorageSize: '4GB' } },
    resource: 'NATS cluster (nats)', field: 'nats.fileStorageSize', value: '"4GB"',
    hint: /reserve 6\.49GiB \("memory-events" 5GiB, .*at least 7GiB.*set nats: \{ fileStorageSize: '11GiB' \}/,
  },
  {
    what: 'streams that outgrow the default file store (10GiB, never sized from the streams)',
    config: { streams: withStream('memory-events', { maxBytes: '9GB' }) },
    resource: 'NATS cluster (nats)', field: 'nats.fileStorageSize', value: '"10GiB"',
    hint: /reserve 10\.49GiB \("memory-events" 9GiB, .*10GiB is the default.*fileStorageSize: '17GiB'/,
  },
  {
    what: 'a 2-node NATS cluster', config: { nats: { replicas: 2 } },
    resource: 'NATS cluster (nats)', field: 'nats.replicas', value: '2', hint: /majority/,
  },
  {
    what: 'a consumer of a stream that does not exist', config: { consumers: withConsumer('api-consumer', { stream: 'routing' }) },
    resource: 'Consumer "api-consumer"', field: 'stream', value: '"routing"', hint: /one of the environment's streams: "routing-decisions"/,
  },
  {
    what: 'a scaler on a consumer that does not exist', config: { scalers: withScaler({ consumer: 'api' }) },
    resource: 'ScaledObject "api-scaler-nats"', field: 'consumer', value: '"api"', hint: /"api-consumer"/,
  },
  {
    what: 'a scaler on a push consumer', config: { consumers: withConsumer('api-consumer', { deliverSubject: 'deliver.api' }) },
    resource: 'ScaledObject "api-scaler-nats"', field: 'consumer', value: '"api-consumer"', hint: /a pull consumer/,
  },
  ...[0, -1, 2.5].map((lagThreshold): BadInput => ({
    what: `lag threshold ${lagThreshold}`, config: { scalers: withScaler({ lagThreshold }) },
    resource: 'ScaledObject "api-scaler-nats"', field: 'lagThreshold', value: String(lagThreshold), hint: /integer of at least 1/,
  })),
  {
    what: 'min replicas above max replicas', config: { scalers: withScaler({ minReplicas: 5, maxReplicas: 3 }) },
    resource: 'ScaledObject "api-scaler-nats"', field: 'maxReplicas', value: '3', hint: /at least minReplicas \(5\)/,
  },
  {
    what: 'a polling interval that is not whole seconds', config: { scalers: withScaler({ pollingInterval: '1500ms' }) },
    resource: 'ScaledObject "api-scaler-nats"', field: 'pollingInterval', value: '"1500ms"', hint: /whole seconds/,
  },
  {
    what: 'a non-explicit ack policy on a workqueue stream', config: { streams: withStream('llm-requests', { retention: 'workqueue' }), consumers: withConsumer('metrics-consumer', { ackPolicy: 'none' }) },
    resource: 'Consumer "metrics-consumer"', field: 'ackPolicy', value: '"none"', hint: /10098/,
  },
  {
    what: 'two streams with the same name', config: { streams: [...OVERMIND_STREAMS, { ...OVERMIND_STREAMS[0], subjects: ['other.>'] }] },
    resource: 'Stream "routing-decisions"', field: 'name', value: '"routing-decisions"', hint: /unique/,
  },
  {
    what: 'a duplicate duration window longer than max age', config: { streams: withStream('llm-requests', { maxAge: '1m', duplicateWindow: '2m' }) },
    resource: 'Stream "llm-requests"', field: 'duplicateWindow', value: '"2m"', hint: /at most maxAge \(1m\)/,
  },
  {
    what: 'an unknown retention', config: { streams: withStream('llm-requests', { retention: 'forever' as never }) },
    resource: 'Stream "llm-requests"', field: 'retention', value: '"forever"', hint: /"limits", "interest", "workqueue"/,
  },
];

describe('fails at synth time with an actionable error', () => {
  test.each(BAD_INPUTS.map((c) => [c.what, c] as const))('fails when %s', (_what, bad) => {
    let error: unknown;
    try {
      synthEnvironment({ name: 'staging', ...bad.config });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('[environment staging]');
    expect(message).toContain(bad.resource);
    expect(message).toContain(`field "${bad.field}"`);
    expect(message).toContain(`invalid value ${bad.value}`);
    expect(message).toMatch(/Allowed: .+\. Fix: .+/);
    expect(message).toMatch(bad.hint);
  });

  test('fails when the environment name is not a valid folder and namespace name', () => {
    expect(() => synthEnvironment({ name: 'Prod EU' })).toThrow(/\[environment Prod EU\] Environment "Prod EU": field "name" has invalid value "Prod EU"/);
  });
});
