import {
  ALL_EVENT_SUBJECTS,
  isLLMRequest,
  isMemoryEvent,
  isRoutingDecision,
  sampleEvent,
  sampleEvents,
  SCHEMA_GUARDS,
} from '../support/event-schemas';
import * as fs from 'fs';
import { describeWithShared, sharedFile } from '../support/shared';

// The spec lists each stream's subjects as "- `routing.model.selected` - Model selected ...".
describeWithShared(['spec/overmind-nats-jetstream.md'])('the subjects of the spec', () => {
  test("are exactly the subjects we publish samples on, in the spec's order", () => {
    const spec = fs.readFileSync(sharedFile('spec/overmind-nats-jetstream.md')!, 'utf8');
    const listed = [...spec.matchAll(/^- `([a-z]+(?:\.[a-z]+)+)` - /gm)].map((m) => m[1]);
    expect(listed.length).toBeGreaterThan(0);
    expect(ALL_EVENT_SUBJECTS).toEqual(listed);
    expect(sampleEvents(1).map((e) => e.subject)).toEqual(listed);
  });
});

describe('event schemas and sample events (spec "Message Schema")', () => {
  test('each sample has the schema of its stream', () => {
    const schemaByPrefix = { routing: 'RoutingDecision', memory: 'MemoryEvent', llm: 'LLMRequest' } as const;
    for (const e of sampleEvents(1)) {
      expect({ subject: e.subject, schema: e.schema }).toEqual({
        subject: e.subject,
        schema: schemaByPrefix[e.subject.split('.')[0] as keyof typeof schemaByPrefix],
      });
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
      expect({ subject: e.subject, valid: SCHEMA_GUARDS[e.schema](JSON.parse(JSON.stringify(e.payload))) }).toEqual({
        subject: e.subject,
        valid: true,
      });
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
