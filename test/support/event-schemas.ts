// The message schemas of ../shared/spec/overmind-nats-jetstream.md ("Message Schema" of each
// stream) as TypeScript types, with runtime guards for consumers that decode JSON, and
// deterministic sample events (fixed ids and timestamps, no clock, no randomness) for every
// subject the spec lists. The live tests publish these; anyone can use them as examples.

/** Spec, stream routing-decisions. */
export interface RoutingDecision {
  requestId: string;
  timestamp: string;
  selectedModel: string;
  reason: 'cost-optimized' | 'performance' | 'balanced';
  estimatedCost: number;
  estimatedLatency: number;
  alternatives: Array<{
    model: string;
    cost: number;
    latency: number;
  }>;
}

/** Spec, stream memory-events. */
export interface MemoryEvent {
  eventId: string;
  timestamp: string;
  memoryId: string;
  eventType: 'added' | 'consolidated' | 'retrieved' | 'expired';
  tier: 'short-term' | 'working' | 'long-term';
  importance?: number;
  accessCount?: number;
  metadata?: Record<string, unknown>;
}

/** Spec, stream llm-requests. */
export interface LLMRequest {
  requestId: string;
  timestamp: string;
  provider: string;
  model: string;
  tokens: {
    prompt: number;
    completion: number;
    total: number;
  };
  cost: number;
  latency: number;
  status: 'started' | 'completed' | 'failed';
  error?: string;
}

export const ROUTING_SUBJECTS = [
  'routing.model.selected',
  'routing.fallback.triggered',
  'routing.cost.calculated',
] as const;
export const MEMORY_SUBJECTS = ['memory.added', 'memory.consolidated', 'memory.retrieved', 'memory.expired'] as const;
export const LLM_SUBJECTS = ['llm.request.started', 'llm.request.completed', 'llm.request.failed'] as const;

export type RoutingSubject = (typeof ROUTING_SUBJECTS)[number];
export type MemorySubject = (typeof MEMORY_SUBJECTS)[number];
export type LLMSubject = (typeof LLM_SUBJECTS)[number];

/** Every subject of the spec, in the spec's order. */
export const ALL_EVENT_SUBJECTS: readonly string[] = [...ROUTING_SUBJECTS, ...MEMORY_SUBJECTS, ...LLM_SUBJECTS];

/** A message ready to publish: `msgId` is the `Nats-Msg-Id` header (deduplication key). */
export type SampleEvent =
  | { schema: 'RoutingDecision'; subject: RoutingSubject; msgId: string; payload: RoutingDecision }
  | { schema: 'MemoryEvent'; subject: MemorySubject; msgId: string; payload: MemoryEvent }
  | { schema: 'LLMRequest'; subject: LLMSubject; msgId: string; payload: LLMRequest };

/** Fixed epoch, so the same call always yields byte-identical events. */
const SAMPLE_EPOCH_MS = Date.UTC(2026, 0, 1, 0, 0, 0);

function sampleTimestamp(seq: number): string {
  return new Date(SAMPLE_EPOCH_MS + seq * 1000).toISOString();
}

function pad(seq: number): string {
  return String(seq).padStart(6, '0');
}

const ROUTING_REASON: Record<RoutingSubject, RoutingDecision['reason']> = {
  'routing.model.selected': 'cost-optimized',
  'routing.fallback.triggered': 'performance',
  'routing.cost.calculated': 'balanced',
};

/** A routing decision for `subject`; `seq` makes ids and timestamps unique and reproducible. */
export function sampleRoutingDecision(subject: RoutingSubject, seq: number): RoutingDecision {
  return {
    requestId: `req-${pad(seq)}`,
    timestamp: sampleTimestamp(seq),
    selectedModel: subject === 'routing.fallback.triggered' ? 'claude-3-haiku' : 'gemini-pro',
    reason: ROUTING_REASON[subject],
    estimatedCost: 0.001 * ((seq % 7) + 1),
    estimatedLatency: 120 + (seq % 50),
    alternatives: [
      { model: 'gpt-4o-mini', cost: 0.0015, latency: 180 },
      { model: 'llama-3-70b', cost: 0.0009, latency: 240 },
    ],
  };
}

const MEMORY_TIER: Record<MemoryEvent['eventType'], MemoryEvent['tier']> = {
  added: 'short-term',
  consolidated: 'long-term',
  retrieved: 'working',
  expired: 'short-term',
};

/** A memory event; its subject is `memory.<eventType>` (as in the spec's Python example). */
export function sampleMemoryEvent(subject: MemorySubject, seq: number): MemoryEvent {
  const eventType = subject.slice('memory.'.length) as MemoryEvent['eventType'];
  const event: MemoryEvent = {
    eventId: `mem-evt-${pad(seq)}`,
    timestamp: sampleTimestamp(seq),
    memoryId: `mem-${pad(seq % 97)}`,
    eventType,
    tier: MEMORY_TIER[eventType],
  };
  if (eventType === 'added' || eventType === 'consolidated') event.importance = ((seq % 10) + 1) / 10;
  if (eventType === 'retrieved') event.accessCount = (seq % 5) + 1;
  if (eventType === 'consolidated') event.metadata = { fromTier: 'working' };
  return event;
}

/** An LLM request lifecycle event; its subject is `llm.request.<status>`. */
export function sampleLLMRequest(subject: LLMSubject, seq: number): LLMRequest {
  const status = subject.slice('llm.request.'.length) as LLMRequest['status'];
  const prompt = 100 + (seq % 400);
  const completion = status === 'completed' ? 50 + (seq % 200) : 0;
  const event: LLMRequest = {
    requestId: `req-${pad(seq)}`,
    timestamp: sampleTimestamp(seq),
    provider: 'google',
    model: 'gemini-pro',
    tokens: { prompt, completion, total: prompt + completion },
    cost: status === 'completed' ? 0.000002 * (prompt + completion) : 0,
    latency: status === 'started' ? 0 : 300 + (seq % 100),
    status,
  };
  if (status === 'failed') event.error = 'upstream timeout';
  return event;
}

/** One sample event on `subject` (any subject of the spec). */
export function sampleEvent(subject: string, seq: number): SampleEvent {
  const msgId = `${subject}#${pad(seq)}`;
  if ((ROUTING_SUBJECTS as readonly string[]).includes(subject)) {
    const s = subject as RoutingSubject;
    return { schema: 'RoutingDecision', subject: s, msgId, payload: sampleRoutingDecision(s, seq) };
  }
  if ((MEMORY_SUBJECTS as readonly string[]).includes(subject)) {
    const s = subject as MemorySubject;
    return { schema: 'MemoryEvent', subject: s, msgId, payload: sampleMemoryEvent(s, seq) };
  }
  if ((LLM_SUBJECTS as readonly string[]).includes(subject)) {
    const s = subject as LLMSubject;
    return { schema: 'LLMRequest', subject: s, msgId, payload: sampleLLMRequest(s, seq) };
  }
  throw new Error(
    `no sample event for subject ${JSON.stringify(subject)}; the spec's subjects are ${ALL_EVENT_SUBJECTS.join(', ')}`,
  );
}

/** `perSubject` events on every subject of the spec, with globally unique sequence numbers. */
export function sampleEvents(perSubject = 1): SampleEvent[] {
  const events: SampleEvent[] = [];
  let seq = 1;
  for (const subject of ALL_EVENT_SUBJECTS) {
    for (let i = 0; i < perSubject; i++) events.push(sampleEvent(subject, seq++));
  }
  return events;
}

// Runtime guards: JSON from the wire is `unknown` until checked.

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isIsoTimestamp(v: unknown): boolean {
  return typeof v === 'string' && !Number.isNaN(Date.parse(v));
}

function isOptionalNumber(v: unknown): boolean {
  return v === undefined || typeof v === 'number';
}

export function isRoutingDecision(v: unknown): v is RoutingDecision {
  return (
    isObject(v) &&
    typeof v.requestId === 'string' &&
    isIsoTimestamp(v.timestamp) &&
    typeof v.selectedModel === 'string' &&
    ['cost-optimized', 'performance', 'balanced'].includes(v.reason as string) &&
    typeof v.estimatedCost === 'number' &&
    typeof v.estimatedLatency === 'number' &&
    Array.isArray(v.alternatives) &&
    v.alternatives.every(
      (a) => isObject(a) && typeof a.model === 'string' && typeof a.cost === 'number' && typeof a.latency === 'number',
    )
  );
}

export function isMemoryEvent(v: unknown): v is MemoryEvent {
  return (
    isObject(v) &&
    typeof v.eventId === 'string' &&
    isIsoTimestamp(v.timestamp) &&
    typeof v.memoryId === 'string' &&
    ['added', 'consolidated', 'retrieved', 'expired'].includes(v.eventType as string) &&
    ['short-term', 'working', 'long-term'].includes(v.tier as string) &&
    isOptionalNumber(v.importance) &&
    isOptionalNumber(v.accessCount) &&
    (v.metadata === undefined || isObject(v.metadata))
  );
}

export function isLLMRequest(v: unknown): v is LLMRequest {
  return (
    isObject(v) &&
    typeof v.requestId === 'string' &&
    isIsoTimestamp(v.timestamp) &&
    typeof v.provider === 'string' &&
    typeof v.model === 'string' &&
    isObject(v.tokens) &&
    typeof v.tokens.prompt === 'number' &&
    typeof v.tokens.completion === 'number' &&
    typeof v.tokens.total === 'number' &&
    typeof v.cost === 'number' &&
    typeof v.latency === 'number' &&
    ['started', 'completed', 'failed'].includes(v.status as string) &&
    (v.error === undefined || typeof v.error === 'string')
  );
}

/** The guard for a schema name, e.g. to check a decoded message against what was published. */
export const SCHEMA_GUARDS: Readonly<Record<SampleEvent['schema'], (v: unknown) => boolean>> = {
  RoutingDecision: isRoutingDecision,
  MemoryEvent: isMemoryEvent,
  LLMRequest: isLLMRequest,
};
