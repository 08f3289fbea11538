// The Overmind topology of ../shared/spec/overmind-nats-jetstream.md: the default every
// environment gets when its config says nothing. Sizes use the NATS convention (1GB = 1024^3).
import { ConsumerConfig, ScalerConfig, StreamConfig } from './types';

/** Spec "Streams": three file-backed streams, limits retention. */
export const OVERMIND_STREAMS: readonly StreamConfig[] = [
  {
    name: 'routing-decisions',
    description: 'Routing decisions made by the bridge for LLM model selection',
    subjects: ['routing.>'], // routing.model.selected, routing.fallback.triggered, routing.cost.calculated
    retention: 'limits',
    maxAge: '7d',
    maxBytes: '1GB',
    storage: 'file',
  },
  {
    name: 'memory-events',
    description: 'Memory tier transitions and consolidation events',
    subjects: ['memory.>'], // memory.added, memory.consolidated, memory.retrieved, memory.expired
    retention: 'limits',
    maxAge: '30d',
    maxBytes: '5GB',
    storage: 'file',
  },
  {
    name: 'llm-requests',
    description: 'LLM request lifecycle events for metrics and cost tracking',
    subjects: ['llm.>'], // llm.request.started, llm.request.completed, llm.request.failed
    retention: 'limits',
    maxAge: '24h',
    maxBytes: '500MB',
    storage: 'file',
  },
];

/** Spec "Consumers": durable pull consumers with explicit acks. */
export const OVERMIND_CONSUMERS: readonly ConsumerConfig[] = [
  {
    name: 'api-consumer',
    description: 'API server consumes routing decisions for analytics',
    stream: 'routing-decisions',
    filterSubjects: ['routing.>'],
    ackPolicy: 'explicit',
    maxDeliver: 3,
    ackWait: '30s',
  },
  {
    name: 'analytics-consumer',
    description: 'Analytics service consumes all routing decisions for reporting',
    stream: 'routing-decisions',
    filterSubjects: ['routing.>'],
    ackPolicy: 'explicit',
    maxDeliver: 5,
    maxRequestBatch: 1000, // spec "Batch: 1000 messages": the pull batch limit
    ackWait: '60s',
  },
  {
    name: 'consolidation-consumer',
    description: 'Temporal worker consumes memory consolidation events',
    stream: 'memory-events',
    filterSubjects: ['memory.consolidated'],
    ackPolicy: 'explicit',
    maxDeliver: 3,
    ackWait: '120s',
  },
  {
    name: 'metrics-consumer',
    description: 'Metrics collector consumes LLM request events',
    stream: 'llm-requests',
    filterSubjects: ['llm.>'],
    ackPolicy: 'explicit',
    maxDeliver: 3,
    ackWait: '30s',
  },
];

/** Spec "KEDA Integration": overmind-api scales on api-consumer's lag, threshold 10. */
export const OVERMIND_SCALERS: readonly ScalerConfig[] = [
  {
    name: 'api-scaler-nats',
    target: 'overmind-api',
    consumer: 'api-consumer',
    lagThreshold: 10,
  },
];
