// Bad inputs that NACK, KEDA, Kubernetes or nats-server would reject, or worse silently accept, must fail
// the synth with an error naming environment, resource, field, value, what is allowed and a fix. Each row
// also carries the fix: the literal `field: value` (or `remove field`) the message must give, and the
// config with that literal applied, which must then synthesize.
import { ConsumerConfig, EnvironmentConfig, ScalerConfig, StreamConfig } from '../../lib/config/types';
import { ConfigError } from '../../lib/config/errors';
import { OVERMIND_CONSUMERS, OVERMIND_SCALERS, OVERMIND_STREAMS } from '../../lib/config/overmind-topology';
import { synthEnvironment } from '../support/synth';

type Config = Omit<EnvironmentConfig, 'name'>;
const streams = (change: (s: StreamConfig[]) => StreamConfig[]) => change(OVERMIND_STREAMS.map((s) => ({ ...s })));
const withStream = (name: string, patch: Partial<StreamConfig>) =>
  streams((all) => all.map((s) => (s.name === name ? { ...s, ...patch } : s)));
const withConsumer = (name: string, patch: Partial<ConsumerConfig>) =>
  OVERMIND_CONSUMERS.map((c) => (c.name === name ? { ...c, ...patch } : c));
const withScaler = (patch: Partial<ScalerConfig>) => OVERMIND_SCALERS.map((s) => ({ ...s, ...patch }));
/** A config object with a key its type does not have, as a spread or a JSON import would bring it. */
const withExtra = <T extends object>(object: T, extra: Record<string, unknown>): T => ({ ...object, ...extra });
const noWorkers = { consumers: [], scalers: [] };

interface BadInput {
  readonly what: string;
  readonly config: Config;
  /** Resource, field and value the message must name. */
  readonly resource: string;
  readonly field: string;
  readonly value: string;
  /** What the message says is wrong, when it is not the value (unknown fields). */
  readonly complaint?: string;
  /** A phrase of the "allowed" or "fix" part. */
  readonly hint: RegExp;
  /** The literal the fix must contain, and the config with it applied (which must synthesize). */
  readonly fix: { readonly literal: string; readonly config: Config };
}

const STREAM_NAMES: Array<[string, string]> = [
  ['routing.decisions', 'routing-decisions'],
  ['routing decisions', 'routing-decisions'],
  ['routing*', 'routing'],
  ['routing>', 'routing'],
  ['routing/decisions', 'routing-decisions'],
  ['routing\\decisions', 'routing-decisions'],
];

const BAD_INPUTS: BadInput[] = [
  ...STREAM_NAMES.map(([name, fixed]): BadInput => ({
    what: `stream name ${JSON.stringify(name)}`,
    config: { streams: withStream('routing-decisions', { name }), ...noWorkers },
    resource: `Stream "${name}"`,
    field: 'name',
    value: JSON.stringify(name),
    hint: /without spaces, tabs, line breaks, "\.", "\*", ">", "\/" or "\\"/,
    fix: {
      literal: `name: "${fixed}"`,
      config: { streams: withStream('routing-decisions', { name: fixed }), ...noWorkers },
    },
  })),
  {
    what: 'consumer name with a dot',
    config: { consumers: withConsumer('api-consumer', { name: 'api.consumer' }), scalers: [] },
    resource: 'Consumer "api.consumer"',
    field: 'name',
    value: '"api.consumer"',
    hint: /rename it/,
    fix: {
      literal: 'name: "api-consumer"',
      config: { consumers: withConsumer('api-consumer', { name: 'api-consumer' }), scalers: [] },
    },
  },
  {
    what: 'subjects that overlap another stream',
    config: { streams: [...OVERMIND_STREAMS, { name: 'models', subjects: ['routing.model.>'], maxBytes: '1GB' }] },
    resource: 'Stream "models"',
    field: 'subjects[0]',
    value: '"routing.model.>"',
    hint: /overlaps "routing\.>" of stream "routing-decisions".*10065/,
    fix: {
      literal: 'subjects: ["models.>"]',
      config: { streams: [...OVERMIND_STREAMS, { name: 'models', subjects: ['models.>'], maxBytes: '1GB' }] },
    },
  },
  {
    what: 'a wildcard subject crossing another stream',
    config: { streams: [...OVERMIND_STREAMS, { name: 'x-events', subjects: ['memory.*.x'], maxBytes: '1GB' }] },
    resource: 'Stream "x-events"',
    field: 'subjects[0]',
    value: '"memory.*.x"',
    hint: /overlaps "memory\.>"/,
    fix: {
      literal: 'subjects: ["x-events.>"]',
      config: { streams: [...OVERMIND_STREAMS, { name: 'x-events', subjects: ['x-events.>'], maxBytes: '1GB' }] },
    },
  },
  {
    what: 'subjects that overlap within one stream',
    config: { streams: withStream('llm-requests', { subjects: ['llm.>', 'llm.request.failed'] }) },
    resource: 'Stream "llm-requests"',
    field: 'subjects[1]',
    value: '"llm.request.failed"',
    hint: /another subject of the same stream/,
    fix: { literal: 'subjects: ["llm.>"]', config: { streams: withStream('llm-requests', { subjects: ['llm.>'] }) } },
  },
  {
    what: 'an invalid subject',
    config: { streams: withStream('llm-requests', { subjects: ['llm..x'] }), ...noWorkers },
    resource: 'Stream "llm-requests"',
    field: 'subjects[0]',
    value: '"llm..x"',
    hint: /empty token/,
    fix: {
      literal: 'subjects: ["llm.x"]',
      config: { streams: withStream('llm-requests', { subjects: ['llm.x'] }), ...noWorkers },
    },
  },
  {
    what: 'a leading wildcard, which also captures the JetStream API subjects (needs noAck, error 10052)',
    config: { streams: [...OVERMIND_STREAMS, { name: 'x-events', subjects: ['*.x'], maxBytes: '1GB' }] },
    resource: 'Stream "x-events"',
    field: 'subjects[0]',
    value: '"*.x"',
    hint: /\$JS\.>/,
    fix: {
      literal: 'subjects: ["orders.>"]',
      config: { streams: [...OVERMIND_STREAMS, { name: 'x-events', subjects: ['orders.>'], maxBytes: '1GB' }] },
    },
  },
  {
    what: 'a subject in the JetStream API space (needs noAck, error 10052)',
    config: { streams: withStream('llm-requests', { subjects: ['$JS.API.>'] }), ...noWorkers },
    resource: 'Stream "llm-requests"',
    field: 'subjects[0]',
    value: '"$JS.API.>"',
    hint: /outside the NATS API subjects \$JS\.>.*stream\.go#L2147/,
    fix: {
      literal: 'subjects: ["orders.>"]',
      config: { streams: withStream('llm-requests', { subjects: ['orders.>'] }), ...noWorkers },
    },
  },
  {
    what: 'a consumer filter outside its stream (accepted silently by servers since 2.10)',
    config: { consumers: withConsumer('consolidation-consumer', { filterSubjects: ['memories.consolidated'] }) },
    resource: 'Consumer "consolidation-consumer" (stream "memory-events")',
    field: 'filterSubjects[0]',
    value: '"memories.consolidated"',
    hint: /inside the stream's subjects \["memory\.>"\]/,
    fix: {
      literal: 'filterSubjects: ["memory.>"]',
      config: { consumers: withConsumer('consolidation-consumer', { filterSubjects: ['memory.>'] }) },
    },
  },
  {
    what: 'consumer filters that overlap each other (10138)',
    config: { consumers: withConsumer('api-consumer', { filterSubjects: ['routing.>', 'routing.model.selected'] }) },
    resource: 'Consumer "api-consumer"',
    field: 'filterSubjects[1]',
    value: '"routing.model.selected"',
    hint: /10138/,
    fix: {
      literal: 'filterSubjects: ["routing.>"]',
      config: { consumers: withConsumer('api-consumer', { filterSubjects: ['routing.>'] }) },
    },
  },
  {
    what: 'stream replicas above 5',
    config: { nats: { replicas: 7 }, streams: withStream('llm-requests', { replicas: 6 }) },
    resource: 'Stream "llm-requests"',
    field: 'replicas',
    value: '6',
    hint: /from 1 to 5.*nats-server allows 5/,
    fix: {
      literal: 'replicas: 5',
      config: { nats: { replicas: 7 }, streams: withStream('llm-requests', { replicas: 5 }) },
    },
  },
  {
    what: 'stream replicas above the cluster size',
    config: { nats: { replicas: 1 }, streams: withStream('memory-events', { replicas: 3 }) },
    resource: 'Stream "memory-events"',
    field: 'replicas',
    value: '3',
    hint: /exactly 1.*1 NATS server/,
    fix: {
      literal: 'replicas: 1',
      config: { nats: { replicas: 1 }, streams: withStream('memory-events', { replicas: 1 }) },
    },
  },
  {
    what: "no NATS servers (reported as nats.replicas, not as the streams' replicas)",
    config: { nats: { replicas: 0 } },
    resource: 'NATS cluster (nats)',
    field: 'nats.replicas',
    value: '0',
    hint: /integer of at least 1/,
    fix: { literal: 'nats: { replicas: 3 }', config: { nats: { replicas: 3 } } },
  },
  {
    what: 'a 2-node NATS cluster',
    config: { nats: { replicas: 2 } },
    resource: 'NATS cluster (nats)',
    field: 'nats.replicas',
    value: '2',
    hint: /majority/,
    fix: { literal: 'nats: { replicas: 3 }', config: { nats: { replicas: 3 } } },
  },
  {
    what: "consumer replicas above the stream's",
    config: {
      nats: { replicas: 3 },
      streams: withStream('llm-requests', { replicas: 1 }),
      consumers: withConsumer('metrics-consumer', { replicas: 3 }),
    },
    resource: 'Consumer "metrics-consumer"',
    field: 'replicas',
    value: '3',
    hint: /cannot exceed the stream's.*10126/,
    fix: {
      literal: 'replicas: 1',
      config: {
        nats: { replicas: 3 },
        streams: withStream('llm-requests', { replicas: 1 }),
        consumers: withConsumer('metrics-consumer', { replicas: 1 }),
      },
    },
  },
  {
    what: "consumer replicas unlike the stream's on an interest stream (10134)",
    config: {
      streams: withStream('llm-requests', { retention: 'interest' }),
      consumers: withConsumer('metrics-consumer', { replicas: 1 }),
    },
    resource: 'Consumer "metrics-consumer"',
    field: 'replicas',
    value: '1',
    hint: /exactly 3.*10134/,
    fix: {
      literal: 'replicas: 3',
      config: {
        streams: withStream('llm-requests', { retention: 'interest' }),
        consumers: withConsumer('metrics-consumer', { replicas: 3 }),
      },
    },
  },
  {
    what: 'max deliver 0',
    config: { consumers: withConsumer('api-consumer', { maxDeliver: 0 }) },
    resource: 'Consumer "api-consumer"',
    field: 'maxDeliver',
    value: '0',
    hint: /at least 1/,
    fix: { literal: 'maxDeliver: 5', config: { consumers: withConsumer('api-consumer', { maxDeliver: 5 }) } },
  },
  {
    what: 'ack wait zero',
    config: { consumers: withConsumer('api-consumer', { ackWait: '0s' }) },
    resource: 'Consumer "api-consumer"',
    field: 'ackWait',
    value: '"0s"',
    hint: /greater than zero/,
    fix: { literal: 'ackWait: "30s"', config: { consumers: withConsumer('api-consumer', { ackWait: '30s' }) } },
  },
  {
    what: 'an unparseable ack wait',
    config: { consumers: withConsumer('api-consumer', { ackWait: '30 seconds' }) },
    resource: 'Consumer "api-consumer"',
    field: 'ackWait',
    value: '"30 seconds"',
    hint: /number and a unit/,
    fix: { literal: 'ackWait: "30s"', config: { consumers: withConsumer('api-consumer', { ackWait: '30s' }) } },
  },
  {
    what: 'max ack pending on a push consumer without acks (10082)',
    config: {
      consumers: withConsumer('metrics-consumer', {
        deliverSubject: 'deliver.metrics',
        ackPolicy: 'none',
        maxAckPending: 100,
      }),
    },
    resource: 'Consumer "metrics-consumer"',
    field: 'maxAckPending',
    value: '100',
    hint: /10082/,
    fix: {
      literal: 'remove maxAckPending',
      config: { consumers: withConsumer('metrics-consumer', { deliverSubject: 'deliver.metrics', ackPolicy: 'none' }) },
    },
  },
  {
    what: 'a deliver subject inside the stream (a cycle, 10081)',
    config: { consumers: withConsumer('metrics-consumer', { deliverSubject: 'llm.out' }) },
    resource: 'Consumer "metrics-consumer"',
    field: 'deliverSubject',
    value: '"llm.out"',
    hint: /10081/,
    fix: {
      literal: 'deliverSubject: "deliver.metrics-consumer"',
      config: { consumers: withConsumer('metrics-consumer', { deliverSubject: 'deliver.metrics-consumer' }) },
    },
  },
  {
    what: 'deliver last per subject without a filter (10094)',
    config: { consumers: withConsumer('metrics-consumer', { deliverPolicy: 'lastPerSubject', filterSubjects: [] }) },
    resource: 'Consumer "metrics-consumer"',
    field: 'filterSubjects',
    value: '[]',
    hint: /10094/,
    fix: {
      literal: 'filterSubjects: ["llm.>"]',
      config: {
        consumers: withConsumer('metrics-consumer', { deliverPolicy: 'lastPerSubject', filterSubjects: ['llm.>'] }),
      },
    },
  },
  {
    what: 'an unparseable max age',
    config: { streams: withStream('routing-decisions', { maxAge: 'a week' }) },
    resource: 'Stream "routing-decisions"',
    field: 'maxAge',
    value: '"a week"',
    hint: /number and a unit/,
    fix: { literal: 'maxAge: "7d"', config: { streams: withStream('routing-decisions', { maxAge: '7d' }) } },
  },
  {
    what: 'a max age under the server minimum',
    config: { streams: withStream('routing-decisions', { maxAge: '50ms' }) },
    resource: 'Stream "routing-decisions"',
    field: 'maxAge',
    value: '"50ms"',
    hint: /at least 100ms/,
    fix: { literal: 'maxAge: "7d"', config: { streams: withStream('routing-decisions', { maxAge: '7d' }) } },
  },
  {
    what: 'a max age under the default duplicate window (pedantic error 10157)',
    config: { streams: withStream('llm-requests', { maxAge: '1m' }) },
    resource: 'Stream "llm-requests"',
    field: 'duplicateWindow',
    value: '(not set)',
    hint: /10157/,
    fix: {
      literal: 'duplicateWindow: "1m"',
      config: { streams: withStream('llm-requests', { maxAge: '1m', duplicateWindow: '1m' }) },
    },
  },
  {
    what: 'a duplicate window longer than max age',
    config: { streams: withStream('llm-requests', { maxAge: '1m', duplicateWindow: '2m' }) },
    resource: 'Stream "llm-requests"',
    field: 'duplicateWindow',
    value: '"2m"',
    hint: /at most maxAge \(1m;/,
    fix: {
      literal: 'duplicateWindow: "1m"',
      config: { streams: withStream('llm-requests', { maxAge: '1m', duplicateWindow: '1m' }) },
    },
  },
  {
    what: 'an ambiguous size "1G" (10^9 in nats-server config)',
    config: { streams: withStream('routing-decisions', { maxBytes: '1G' }) },
    resource: 'Stream "routing-decisions"',
    field: 'maxBytes',
    value: '"1G"',
    hint: /bare "G"\/"M"\/"K" are refused/,
    fix: { literal: 'maxBytes: "1GB"', config: { streams: withStream('routing-decisions', { maxBytes: '1GB' }) } },
  },
  {
    what: 'an unparseable size',
    config: { streams: withStream('routing-decisions', { maxBytes: 'big' }) },
    resource: 'Stream "routing-decisions"',
    field: 'maxBytes',
    value: '"big"',
    hint: /"1GB"/,
    fix: { literal: 'maxBytes: "1GB"', config: { streams: withStream('routing-decisions', { maxBytes: '1GB' }) } },
  },
  {
    what: 'a stream without max bytes',
    config: { streams: withStream('routing-decisions', { maxBytes: undefined as unknown as string }) },
    resource: 'Stream "routing-decisions"',
    field: 'maxBytes',
    value: '(not set)',
    hint: /must hold the sum of all streams \(nats\.fileStorageSize\)/,
    fix: { literal: 'maxBytes: "1GB"', config: { streams: withStream('routing-decisions', { maxBytes: '1GB' }) } },
  },
  {
    what: 'a max message count of 0 (no limit to the server)',
    config: { streams: withStream('routing-decisions', { maxMsgs: 0 }) },
    resource: 'Stream "routing-decisions"',
    field: 'maxMsgs',
    value: '0',
    hint: /at least 1/,
    fix: { literal: 'maxMsgs: 1000000', config: { streams: withStream('routing-decisions', { maxMsgs: 1000000 }) } },
  },
  {
    what: 'a max message size above max_payload',
    config: { streams: withStream('routing-decisions', { maxMsgSize: '8MB' }) },
    resource: 'Stream "routing-decisions"',
    field: 'maxMsgSize',
    value: '"8MB"',
    hint: /max_payload.*const\.go#L94/,
    fix: { literal: 'maxMsgSize: "1MB"', config: { streams: withStream('routing-decisions', { maxMsgSize: '1MB' }) } },
  },
  {
    what: 'a description longer than 4 KiB',
    config: { streams: withStream('routing-decisions', { description: 'x'.repeat(5000) }) },
    resource: 'Stream "routing-decisions"',
    field: 'description',
    value: `"${'x'.repeat(40)}..."`,
    hint: /at most 4096 bytes/,
    fix: {
      literal: 'description: "What the stream carries"',
      config: { streams: withStream('routing-decisions', { description: 'What the stream carries' }) },
    },
  },
  {
    what: 'a storage PVC too small for the streams it must hold',
    config: { nats: { fileStorageSize: '4GB' } },
    resource: 'NATS cluster (nats)',
    field: 'nats.fileStorageSize',
    value: '"4GB"',
    hint: /reserve 6\.49GiB \("memory-events" 5GiB, .*at least 7GiB/,
    fix: { literal: 'nats: { fileStorageSize: "11GiB" }', config: { nats: { fileStorageSize: '11GiB' } } },
  },
  {
    what: 'streams that outgrow the default file store (10GiB, never sized from the streams)',
    config: { streams: withStream('memory-events', { maxBytes: '9GB' }) },
    resource: 'NATS cluster (nats)',
    field: 'nats.fileStorageSize',
    value: '"10GiB"',
    hint: /reserve 10\.49GiB \("memory-events" 9GiB, .*10GiB is the default/,
    fix: {
      literal: 'nats: { fileStorageSize: "17GiB" }',
      config: { nats: { fileStorageSize: '17GiB' }, streams: withStream('memory-events', { maxBytes: '9GB' }) },
    },
  },
  {
    what: 'a memory stream larger than the NATS memory (named as the stream)',
    config: { streams: withStream('llm-requests', { storage: 'memory', maxBytes: '4GB' }) },
    resource: 'Stream "llm-requests"',
    field: 'maxBytes',
    value: '"4GiB (4294967296 bytes)"',
    hint: /at most 1433MiB \(1502609408 bytes\) for a memory stream/,
    fix: {
      literal: 'maxBytes: "1433MiB"',
      config: { streams: withStream('llm-requests', { storage: 'memory', maxBytes: '1433MiB' }) },
    },
  },
  {
    what: 'memory streams that together do not fit in the NATS memory',
    config: {
      streams: streams((all) =>
        all.map((s) => (s.name === 'routing-decisions' ? s : { ...s, storage: 'memory', maxBytes: '1GB' })),
      ),
    },
    resource: 'NATS cluster (nats)',
    field: 'nats.resources.memory',
    value: '"2GiB"',
    hint: /"memory-events" 1GiB, "llm-requests" 1GiB/,
    fix: {
      literal: 'nats: { resources: { memory: "3GiB" } }',
      config: {
        nats: { resources: { memory: '3GiB' } },
        streams: streams((all) =>
          all.map((s) => (s.name === 'routing-decisions' ? s : { ...s, storage: 'memory', maxBytes: '1GB' })),
        ),
      },
    },
  },
  {
    what: 'a consumer of a stream that does not exist',
    config: { consumers: withConsumer('api-consumer', { stream: 'routing' }) },
    resource: 'Consumer "api-consumer"',
    field: 'stream',
    value: '"routing"',
    hint: /one of the environment's streams: "routing-decisions"/,
    fix: {
      literal: 'stream: "routing-decisions"',
      config: { consumers: withConsumer('api-consumer', { stream: 'routing-decisions' }) },
    },
  },
  {
    what: 'a scaler on a consumer that does not exist',
    config: { scalers: withScaler({ consumer: 'api' }) },
    resource: 'ScaledObject "api-scaler-nats"',
    field: 'consumer',
    value: '"api"',
    hint: /"api-consumer"/,
    fix: { literal: 'consumer: "api-consumer"', config: { scalers: withScaler({ consumer: 'api-consumer' }) } },
  },
  {
    what: 'a scaler on a push consumer',
    config: { consumers: withConsumer('api-consumer', { deliverSubject: 'deliver.api' }) },
    resource: 'ScaledObject "api-scaler-nats"',
    field: 'consumer',
    value: '"api-consumer"',
    hint: /a pull consumer/,
    fix: { literal: 'remove deliverSubject', config: { consumers: withConsumer('api-consumer', {}) } },
  },
  ...[0, -1, 2.5].map((lagThreshold): BadInput => ({
    what: `lag threshold ${lagThreshold}`,
    config: { scalers: withScaler({ lagThreshold }) },
    resource: 'ScaledObject "api-scaler-nats"',
    field: 'lagThreshold',
    value: String(lagThreshold),
    hint: /integer of at least 1/,
    fix: { literal: 'lagThreshold: 10', config: { scalers: withScaler({ lagThreshold: 10 }) } },
  })),
  {
    what: 'min replicas above max replicas',
    config: { scalers: withScaler({ minReplicas: 5, maxReplicas: 3 }) },
    resource: 'ScaledObject "api-scaler-nats"',
    field: 'maxReplicas',
    value: '3',
    hint: /at least minReplicas \(5\)/,
    fix: { literal: 'maxReplicas: 5', config: { scalers: withScaler({ minReplicas: 5, maxReplicas: 5 }) } },
  },
  {
    what: 'a polling interval that is not whole seconds',
    config: { scalers: withScaler({ pollingInterval: '1500ms' }) },
    resource: 'ScaledObject "api-scaler-nats"',
    field: 'pollingInterval',
    value: '"1500ms"',
    hint: /whole seconds/,
    fix: { literal: 'pollingInterval: "30s"', config: { scalers: withScaler({ pollingInterval: '30s' }) } },
  },
  {
    what: "a scaled workload kind KEDA's scaleTargetRef here does not know",
    config: { scalers: withScaler({ targetKind: 'Job' as never }) },
    resource: 'ScaledObject "api-scaler-nats"',
    field: 'targetKind',
    value: '"Job"',
    hint: /"Deployment", "StatefulSet"/,
    fix: { literal: 'targetKind: "Deployment"', config: { scalers: withScaler({ targetKind: 'Deployment' }) } },
  },
  {
    what: "a ScaledObject name too long for KEDA's HPA name",
    config: { scalers: withScaler({ name: `api-${'x'.repeat(56)}` }) },
    resource: 'ScaledObject',
    field: 'name',
    value: `"api-${'x'.repeat(56)}"`,
    hint: /keda-hpa-<name>/,
    fix: {
      literal: `name: "api-${'x'.repeat(50)}"`,
      config: { scalers: withScaler({ name: `api-${'x'.repeat(50)}` }) },
    },
  },
  {
    what: 'a non-explicit ack policy on a workqueue stream (10098)',
    config: {
      streams: withStream('llm-requests', { retention: 'workqueue' }),
      consumers: withConsumer('metrics-consumer', { ackPolicy: 'none' }),
    },
    resource: 'Consumer "metrics-consumer"',
    field: 'ackPolicy',
    value: '"none"',
    hint: /10098/,
    fix: {
      literal: 'ackPolicy: "explicit"',
      config: {
        streams: withStream('llm-requests', { retention: 'workqueue' }),
        consumers: withConsumer('metrics-consumer', { ackPolicy: 'explicit' }),
      },
    },
  },
  {
    what: 'a deliver policy other than all on a workqueue stream (10101)',
    config: {
      streams: withStream('llm-requests', { retention: 'workqueue' }),
      consumers: withConsumer('metrics-consumer', { deliverPolicy: 'new' }),
    },
    resource: 'Consumer "metrics-consumer"',
    field: 'deliverPolicy',
    value: '"new"',
    hint: /10101/,
    fix: {
      literal: 'deliverPolicy: "all"',
      config: {
        streams: withStream('llm-requests', { retention: 'workqueue' }),
        consumers: withConsumer('metrics-consumer', { deliverPolicy: 'all' }),
      },
    },
  },
  {
    what: 'an unfiltered consumer beside another on a workqueue stream (10099)',
    config: {
      streams: withStream('routing-decisions', { retention: 'workqueue' }),
      consumers: OVERMIND_CONSUMERS.map((c) =>
        c.name === 'api-consumer'
          ? { ...c, filterSubjects: ['routing.model.>'] }
          : c.name === 'analytics-consumer'
            ? { ...c, filterSubjects: undefined }
            : c,
      ),
    },
    resource: 'Consumer "analytics-consumer" (stream "routing-decisions")',
    field: 'filterSubjects',
    value: '(not set)',
    hint: /10099/,
    fix: {
      literal: 'filterSubjects: ["routing.analytics-consumer.>"]',
      config: {
        streams: withStream('routing-decisions', { retention: 'workqueue' }),
        consumers: OVERMIND_CONSUMERS.map((c) =>
          c.name === 'api-consumer'
            ? { ...c, filterSubjects: ['routing.model.>'] }
            : c.name === 'analytics-consumer'
              ? { ...c, filterSubjects: ['routing.analytics-consumer.>'] }
              : c,
        ),
      },
    },
  },
  {
    what: 'overlapping filters of two consumers of a workqueue stream (10100)',
    config: {
      streams: withStream('routing-decisions', { retention: 'workqueue' }),
      consumers: OVERMIND_CONSUMERS.map((c) =>
        c.name === 'api-consumer'
          ? { ...c, filterSubjects: ['routing.model.>'] }
          : c.name === 'analytics-consumer'
            ? { ...c, filterSubjects: ['routing.*.selected'] }
            : c,
      ),
    },
    resource: 'Consumer "analytics-consumer" (stream "routing-decisions")',
    field: 'filterSubjects[0]',
    value: '"routing.*.selected"',
    hint: /"routing\.model\.>" of Consumer "api-consumer".*10100/,
    fix: {
      literal: 'filterSubjects: ["routing.analytics-consumer.>"]',
      config: {
        streams: withStream('routing-decisions', { retention: 'workqueue' }),
        consumers: OVERMIND_CONSUMERS.map((c) =>
          c.name === 'api-consumer'
            ? { ...c, filterSubjects: ['routing.model.>'] }
            : c.name === 'analytics-consumer'
              ? { ...c, filterSubjects: ['routing.analytics-consumer.>'] }
              : c,
        ),
      },
    },
  },
  {
    what: 'two streams with the same name',
    config: { streams: [...OVERMIND_STREAMS, { ...OVERMIND_STREAMS[0], subjects: ['other.>'] }] },
    resource: 'Stream "routing-decisions"',
    field: 'name',
    value: '"routing-decisions"',
    hint: /unique/,
    fix: {
      literal: 'name: "routing-decisions-2"',
      config: {
        streams: [...OVERMIND_STREAMS, { ...OVERMIND_STREAMS[0], name: 'routing-decisions-2', subjects: ['other.>'] }],
      },
    },
  },
  {
    what: 'an unknown retention',
    config: { streams: withStream('llm-requests', { retention: 'forever' as never }) },
    resource: 'Stream "llm-requests"',
    field: 'retention',
    value: '"forever"',
    hint: /"limits", "interest", "workqueue"/,
    fix: { literal: 'retention: "limits"', config: { streams: withStream('llm-requests', { retention: 'limits' }) } },
  },
  // Names, per kind of object.
  {
    what: 'a namespace with a dot (a DNS-1123 label)',
    config: { namespace: 'overmind.staging' },
    resource: 'Environment "staging"',
    field: 'namespace',
    value: '"overmind.staging"',
    hint: /DNS-1123 label.*no dots/,
    fix: { literal: 'namespace: "overmind-staging"', config: { namespace: 'overmind-staging' } },
  },
  {
    what: 'a release name whose chart fullname is too long for the StatefulSet',
    config: { nats: { releaseName: 'overmind-backbone-production-europe-west-cluster-01' } },
    resource: 'NATS cluster (nats)',
    field: 'nats.releaseName',
    value: '"overmind-backbone-production-europe-west-cluster-01"',
    hint: /kubernetes\/issues\/64023/,
    fix: {
      literal: 'nats: { releaseName: "overmind-backbone-production-europe-west" }',
      config: { nats: { releaseName: 'overmind-backbone-production-europe-west' } },
    },
  },
  {
    what: 'a release name starting with a digit (the Services would not be DNS-1035 labels)',
    config: { nats: { releaseName: '1nats' } },
    resource: 'NATS cluster (nats)',
    field: 'nats.releaseName',
    value: '"1nats"',
    hint: /DNS-1035/,
    fix: { literal: 'nats: { releaseName: "nats" }', config: { nats: { releaseName: 'nats' } } },
  },
  {
    what: 'a client namespace that is not a namespace name',
    config: { network: { clientNamespaces: ['apps.web'] } },
    resource: 'Network policies (network)',
    field: 'network.clientNamespaces[0]',
    value: '"apps.web"',
    hint: /DNS-1123 label/,
    fix: {
      literal: 'network: { clientNamespaces: ["apps-web"] }',
      config: { network: { clientNamespaces: ['apps-web'] } },
    },
  },
  {
    what: 'a Prometheus selector label value Kubernetes refuses',
    config: { monitoring: { prometheusSelectorLabels: { release: 'kube prometheus' } } },
    resource: 'Monitoring (monitoring)',
    field: 'monitoring.prometheusSelectorLabels["release"]',
    value: '"kube prometheus"',
    hint: /label value/,
    fix: {
      literal: 'monitoring: { prometheusSelectorLabels: { release: "kube-prometheus" } }',
      config: { monitoring: { prometheusSelectorLabels: { release: 'kube-prometheus' } } },
    },
  },
  {
    what: 'an alert label that would override the severity in silence',
    config: { monitoring: { alerts: { labels: { severity: 'page' } } } },
    resource: 'Monitoring (monitoring)',
    field: 'monitoring.alerts.labels["severity"]',
    value: '"severity"',
    hint: /every alert gets from this project/,
    fix: {
      literal: 'monitoring: { alerts: { labels: { team: "page" } } }',
      config: { monitoring: { alerts: { labels: { team: 'page' } } } },
    },
  },
  // Keys the config types do not have.
  {
    what: 'a typo in a consumer field',
    config: {
      consumers: OVERMIND_CONSUMERS.map((c) => (c.name === 'api-consumer' ? withExtra(c, { maxDelivr: 3 }) : c)),
    },
    resource: 'Consumer "api-consumer"',
    field: 'maxDelivr',
    value: '3',
    complaint: 'is not a known field',
    hint: /closest known field "maxDeliver"/,
    fix: { literal: 'maxDeliver: 3', config: { consumers: withConsumer('api-consumer', { maxDeliver: 3 }) } },
  },
  {
    what: 'a NACK consumer field this config does not support',
    config: {
      consumers: OVERMIND_CONSUMERS.map((c) => (c.name === 'api-consumer' ? withExtra(c, { memStorage: true }) : c)),
    },
    resource: 'Consumer "api-consumer"',
    field: 'memStorage',
    value: 'true',
    complaint: 'is not supported',
    hint: /jetstream_cluster\.go#L9245/,
    fix: { literal: 'remove memStorage', config: { consumers: withConsumer('api-consumer', {}) } },
  },
  {
    what: 'a NACK consumer field under its NACK name',
    config: {
      consumers: OVERMIND_CONSUMERS.map((c) =>
        c.name === 'metrics-consumer' ? withExtra({ ...c, filterSubjects: undefined }, { filterSubject: 'llm.>' }) : c,
      ),
    },
    resource: 'Consumer "metrics-consumer"',
    field: 'filterSubject',
    value: '"llm.>"',
    complaint: 'this config calls it "filterSubjects"',
    hint: /fields of ConsumerConfig/,
    fix: {
      literal: 'filterSubjects: ["llm.>"]',
      config: { consumers: withConsumer('metrics-consumer', { filterSubjects: ['llm.>'] }) },
    },
  },
  {
    what: 'a NACK stream field this config does not support',
    config: {
      streams: streams((all) =>
        all.map((s) => (s.name === 'llm-requests' ? withExtra(s, { maxMsgsPerSubject: 10 }) : s)),
      ),
    },
    resource: 'Stream "llm-requests"',
    field: 'maxMsgsPerSubject',
    value: '10',
    complaint: 'is not supported',
    hint: /does not model/,
    fix: { literal: 'remove maxMsgsPerSubject', config: { streams: withStream('llm-requests', {}) } },
  },
  {
    what: 'a KEDA field name on a scaler',
    config: { scalers: [withExtra({ ...OVERMIND_SCALERS[0] }, { minReplicaCount: 2 })] },
    resource: 'ScaledObject "api-scaler-nats"',
    field: 'minReplicaCount',
    value: '2',
    complaint: 'this config calls it "minReplicas"',
    hint: /fields of ScalerConfig/,
    fix: { literal: 'minReplicas: 2', config: { scalers: withScaler({ minReplicas: 2 }) } },
  },
  {
    what: 'a typo in a nested NATS field',
    config: { nats: { tls: withExtra({}, { enabeld: true }) } },
    resource: 'NATS cluster (nats)',
    field: 'nats.tls.enabeld',
    value: 'true',
    complaint: 'is not a known field',
    hint: /fields of NatsTlsConfig/,
    fix: { literal: 'nats: { tls: { enabled: true } }', config: { nats: { tls: { enabled: true } } } },
  },
  {
    what: 'a typo in an alert block',
    config: { monitoring: { alerts: { consumers: withExtra({}, { fr: '5m' }) } } },
    resource: 'Monitoring (monitoring)',
    field: 'monitoring.alerts.consumers.fr',
    value: '"5m"',
    complaint: 'is not a known field',
    hint: /closest known field "for"/,
    fix: {
      literal: 'monitoring: { alerts: { consumers: { for: "5m" } } }',
      config: { monitoring: { alerts: { consumers: { for: '5m' } } } },
    },
  },
  {
    what: 'a typo in a top-level field',
    config: withExtra({}, { scaler: [] }),
    resource: 'Environment "staging"',
    field: 'scaler',
    value: '[]',
    complaint: 'is not a known field',
    hint: /closest known field "scalers"/,
    fix: { literal: 'scalers: []', config: { scalers: [] } },
  },
];

function synthesizeError(config: Config): unknown {
  try {
    synthEnvironment({ name: 'staging', ...config });
    return undefined;
  } catch (e) {
    return e;
  }
}

/** Parses a fix literal: `remove key`, or `key: value` with the value in JSON (object keys possibly unquoted). */
function parseLiteral(text: string): { key: string; remove: true } | { key: string; remove: false; value: unknown } {
  const remove = /^remove (\w+)$/.exec(text);
  if (remove) return { key: remove[1], remove: true };
  const [, key, valueText] = /^(\w+): (.+)$/.exec(text) ?? [];
  if (key === undefined) throw new Error(`not a fix literal: ${text}`);
  return { key, remove: false, value: JSON.parse(valueText.replace(/([{,]\s*)([A-Za-z_$][\w$]*):/g, '$1"$2":')) };
}

/** True when `actual` has `expected`: equal, or for objects every key of `expected` contained in `actual`. */
function contains(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    return (
      actual !== null &&
      typeof actual === 'object' &&
      Object.entries(expected).every(([k, v]) => contains((actual as Record<string, unknown>)[k], v))
    );
  }
  return JSON.stringify(actual) === JSON.stringify(expected);
}

/** Every plain object inside `value`, at any depth. */
function objectsIn(value: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (Array.isArray(value)) value.forEach((v) => objectsIn(v, out));
  else if (value !== null && typeof value === 'object') {
    out.push(value as Record<string, unknown>);
    Object.values(value).forEach((v) => objectsIn(v, out));
  }
  return out;
}

describe('fails at synth time with an actionable error', () => {
  test.each(BAD_INPUTS.map((c) => [c.what, c] as const))('fails when %s', (_what, bad) => {
    const error = synthesizeError(bad.config);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('[environment staging]');
    expect(message).toContain(bad.resource);
    expect(message).toContain(`field "${bad.field}"`);
    if (bad.complaint) {
      expect(message).toContain(bad.complaint);
      expect(message).toContain(`(value ${bad.value})`);
    } else {
      expect(message).toContain(`invalid value ${bad.value}`);
    }
    expect(message).toMatch(/Allowed: .+\. Fix: .+/);
    expect(message).toMatch(bad.hint);
  });

  test('fails when the environment name is not a valid folder and namespace name', () => {
    expect(() => synthEnvironment({ name: 'Prod EU' })).toThrow(
      /\[environment Prod EU\] Environment "Prod EU": field "name" has invalid value "Prod EU"/,
    );
  });

  test('fails when the environment name is too long for the Grafana dashboard uid, and the fix fits', () => {
    const name = 'eu-west-production-canary-1';
    expect(() => synthEnvironment({ name })).toThrow(
      /field "name" has invalid value "eu-west-production-canary-1".*at most 26 characters.*Fix: .*name: "eu-west-production-canary"/,
    );
    expect(() => synthEnvironment({ name: 'eu-west-production-canary' })).not.toThrow();
  });
});

describe('problems of one kind are reported together', () => {
  test('two bad streams give one error listing both, each in its own format', () => {
    const bad = streams((all) =>
      all.map((s, i) => (i < 2 ? { ...s, retention: 'forever' as StreamConfig['retention'] } : s)),
    );
    const error = synthesizeError({ streams: bad, consumers: [], scalers: [] });
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => `${p.resource} ${p.field}`)).toEqual([
      `Stream "${bad[0].name}" retention`,
      `Stream "${bad[1].name}" retention`,
    ]);
    expect((error as Error).message).toMatch(
      /^2 problems:\n- \[environment staging\] Stream .*\n- \[environment staging\] Stream /,
    );
  });

  test('one bad stream gives exactly the one problem', () => {
    const error = synthesizeError({
      streams: withStream(OVERMIND_STREAMS[0].name, { retention: 'forever' as StreamConfig['retention'] }),
      ...noWorkers,
    });
    expect((error as ConfigError).problems).toHaveLength(1);
    expect((error as Error).message).toMatch(/^\[environment staging\] Stream/);
  });
});

describe('problems of every kind are reported together', () => {
  // The scaler reads api-consumer of routing-decisions, so the bad stream is another one.
  const badStream = { streams: withStream('memory-events', { maxAge: 'forever' }) };
  const unknownStream = { consumers: [...OVERMIND_CONSUMERS, { name: 'audit', stream: 'audit-log' }] };
  const badScaler = { scalers: withScaler({ lagThreshold: 0 }) };
  const badNetwork = { network: { kedaNamespace: 'KEDA' } };
  const messageOf = (config: Config) => (synthesizeError(config) as Error).message;

  test('a bad stream maxAge, an unknown stream reference, a bad scaler and a bad network give one error', () => {
    const error = synthesizeError({ ...badStream, ...unknownStream, ...badScaler, ...badNetwork });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => `${p.resource} ${p.field}`)).toEqual([
      'Stream "memory-events" maxAge',
      'Consumer "audit" stream',
      'ScaledObject "api-scaler-nats" (scaler of "overmind-api") lagThreshold',
      'Network policies (network) network.kedaNamespace',
    ]);
    // Each listed exactly as it is reported alone (environment, resource, field, value, allowed, fix).
    expect((error as Error).message).toBe(
      [
        '4 problems:',
        ...[badStream, unknownStream, badScaler, badNetwork].map((config) => `- ${messageOf(config)}`),
      ].join('\n'),
    );
  });

  test('a consumer of a stream that fails its own checks is not reported again as an unknown reference', () => {
    const error = synthesizeError({ streams: withStream('memory-events', { maxAge: 'forever' }) });
    expect((error as ConfigError).problems).toHaveLength(1);
  });
});

describe('every fix is a literal the config accepts as written', () => {
  test.each(BAD_INPUTS.map((c) => [c.what, c] as const))('the fix for %s', (_what, bad) => {
    const message = (synthesizeError(bad.config) as Error).message;
    const fix = message.slice(message.indexOf('. Fix: ') + '. Fix: '.length);
    expect(fix).toContain(bad.fix.literal);

    // The row's fixed config is the literal applied, not some other repair ...
    const literal = parseLiteral(bad.fix.literal);
    const objects = objectsIn(bad.fix.config);
    if (literal.remove) {
      expect(objects.some((o) => literal.key in o && o[literal.key] !== undefined)).toBe(false);
    } else {
      expect(objects.some((o) => literal.key in o && contains(o[literal.key], literal.value))).toBe(true);
    }
    // ... and with it the environment synthesizes.
    expect(synthesizeError(bad.fix.config)).toBeUndefined();
  });
});
