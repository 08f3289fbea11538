import {
  ALL_EVENT_SUBJECTS,
  isLLMRequest,
  isMemoryEvent,
  isRoutingDecision,
  sampleEvent,
  sampleEvents,
  SCHEMA_GUARDS,
} from '../../lib/event-schemas';

describe('event schemas and sample events (spec "Message Schema")', () => {
  test('covers every subject the spec lists, each with the schema of its stream', () => {
    expect(ALL_EVENT_SUBJECTS).toEqual([
      'routing.model.selected',
      'routing.fallback.triggered',
      'routing.cost.calculated',
      'memory.added',
      'memory.consolidated',
      'memory.retrieved',
      'memory.expired',
      'llm.request.started',
      'llm.request.completed',
      'llm.request.failed',
    ]);
    const schemaByPrefix = { routing: 'RoutingDecision', memory: 'MemoryEvent', llm: 'LLMRequest' } as const;
    for (const e of sampleEvents(1)) {
      expect({ subject: e.subject, schema: e.schema }).toEqual({ subject: e.subject, schema: schemaByPrefix[e.subject.split('.')[0] as keyof typeof schemaByPrefix] });
    }
  });

  test('samples are deterministic and have unique msgIds', () => {
    expect(sampleEvents(3)).toEqual(sampleEvents(3));
    const ids = sampleEvents(3).map((e) => e.msgId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('the payload agrees with its subject: memory.<eventType>, llm.request.<status>', () => {
    const memory = sampleEvent('memory.consolidated', 7);
    expect(memory.schema === 'MemoryEvent' && memory.payload.eventType).toBe('consolidated');
    const llm = sampleEvent('llm.request.failed', 8);
    expect(llm.schema === 'LLMRequest' && llm.payload.status).toBe('failed');
    expect(llm.schema === 'LLMRequest' && llm.payload.error).toBe('upstream timeout');
  });

  test('every sample passes its guard after a JSON round trip', () => {
    for (const e of sampleEvents(2)) {
      expect({ subject: e.subject, valid: SCHEMA_GUARDS[e.schema](JSON.parse(JSON.stringify(e.payload))) }).toEqual({ subject: e.subject, valid: true });
    }
  });

  test('guards reject payloads that break the schema', () => {
    const routing = sampleEvent('routing.model.selected', 1).payload;
    expect(isRoutingDecision({ ...routing, reason: 'cheapest' })).toBe(false);
    expect(isRoutingDecision({ ...routing, alternatives: [{ model: 'x' }] })).toBe(false);
    const memory = sampleEvent('memory.added', 2).payload;
    expect(isMemoryEvent({ ...memory, tier: 'archive' })).toBe(false);
    expect(isMemoryEvent({ ...memory, timestamp: 'yesterday' })).toBe(false);
    const llm = sampleEvent('llm.request.completed', 3).payload;
    expect(isLLMRequest({ ...llm, tokens: { prompt: 1 } })).toBe(false);
    expect(isLLMRequest(null)).toBe(false);
  });

  test('fails when asked for a subject outside the spec', () => {
    expect(() => sampleEvent('routing.unknown', 1)).toThrow(/no sample event for subject "routing\.unknown"/);
  });
});
