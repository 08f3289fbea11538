// Every change `npm run plan` must flag, made on a copy of the prod config (or of its synthesized
// manifests, for fields our config never writes) and synthesized for real, each beside a harmless
// edit it must let through. What each rule follows upstream is cited in tools/plan/upstream-sources.ts.
import { prod } from '../../config/prod';
import { ConsumerConfig, EnvironmentConfig, ScalerConfig, StreamConfig } from '../../lib/config/types';
import { OVERMIND_CONSUMERS, OVERMIND_STREAMS } from '../../lib/config/overmind-topology';
import {
  Acknowledgement,
  Finding,
  Plan,
  planChanges,
  PlanResource,
  Severity,
  unacknowledgedBlocking,
} from '../../tools/plan/plan';
import { HELM_VALUES_API_VERSION, HELM_VALUES_KIND } from '../../tools/plan/plan-rules';
import { resourcesFromDistFiles } from '../../tools/plan/plan-sources';
import { KUBERNETES, UPSTREAM_QUOTES } from '../../tools/plan/upstream-sources';
import { synthesize } from '../../main';

/** prod with its topology spelled out, so tests can change one stream or consumer. */
const BASE: EnvironmentConfig = {
  ...prod,
  streams: OVERMIND_STREAMS.map((s) => ({ ...s })),
  consumers: OVERMIND_CONSUMERS.map((c) => ({ ...c })),
};

const cache = new Map<string, PlanResource[]>();
function resourcesOf(config: EnvironmentConfig): PlanResource[] {
  const key = JSON.stringify(config);
  if (!cache.has(key)) cache.set(key, resourcesFromDistFiles(synthesize([config], {})));
  return cache.get(key)!;
}

/** Every plan made in this file, so the last test can check all of their findings. */
const plansMade: Plan[] = [];
function planOf(before: readonly PlanResource[], after: readonly PlanResource[], acks: Acknowledgement[] = []): Plan {
  const p = planChanges(before, after, acks);
  plansMade.push(p);
  return p;
}

function plan(after: EnvironmentConfig, before: EnvironmentConfig = BASE, acks: Acknowledgement[] = []): Plan {
  return planOf(resourcesOf(before), resourcesOf(after), acks);
}

const withStream = (config: EnvironmentConfig, name: string, patch: Partial<StreamConfig>): EnvironmentConfig => ({
  ...config,
  streams: config.streams!.map((s) => (s.name === name ? { ...s, ...patch } : s)),
});
const withConsumer = (config: EnvironmentConfig, name: string, patch: Partial<ConsumerConfig>): EnvironmentConfig => ({
  ...config,
  consumers: config.consumers!.map((c) => (c.name === name ? { ...c, ...patch } : c)),
});
const withScaler = (config: EnvironmentConfig, patch: Partial<ScalerConfig>): EnvironmentConfig => ({
  ...config,
  scalers: config.scalers!.map((s) => ({ ...s, ...patch })),
});

const withFileStorage = (fileStorageSize: string): EnvironmentConfig => ({
  ...BASE,
  nats: { ...BASE.nats, fileStorageSize },
});
const VOLUME_RULE = 'helm.volume-claim-template';

type Json = Record<string, any>;

/** The synthesized manifests of `config` with one object's body edited (for fields our config never writes). */
function edited(config: EnvironmentConfig, kind: string, name: string, edit: (body: Json) => void): PlanResource[] {
  let found = false;
  const resources = resourcesOf(config).map((r) => {
    if (r.kind !== kind || r.name !== name) return r;
    found = true;
    const body = JSON.parse(JSON.stringify(r.body)) as Json;
    edit(body);
    return { ...r, body };
  });
  if (!found) throw new Error(`no ${kind} ${name} in the synthesized ${config.name}`);
  return resources;
}

const editSpec = (config: EnvironmentConfig, kind: string, name: string, patch: Json) =>
  edited(config, kind, name, (body) => Object.assign(body.spec, patch));

function finding(p: Plan, rule: string, severity: Severity = 'blocking'): Finding {
  const found = p.findings.find((f) => f.rule === rule && f.severity === severity && !f.acknowledgement);
  if (!found)
    throw new Error(
      `no ${severity} ${rule}; findings: ${JSON.stringify(
        p.findings.map((f) => `${f.severity} ${f.rule} ${f.resource}`),
        null,
        2,
      )}`,
    );
  return found;
}

const blocking = (p: Plan, rule: string) => finding(p, rule, 'blocking');
const notApplied = (p: Plan, rule: string) => finding(p, rule, 'not-applied');

/** A harmless edit: something changes, nothing fails the plan. */
function passes(p: Plan): void {
  expect(p.changes.length).toBeGreaterThan(0);
  expect(unacknowledgedBlocking(p).map((f) => `${f.rule} ${f.resource}`)).toEqual([]);
}

const sourceFile = (f: Finding) =>
  f.sources.map((url) => url.replace(/^https:\/\/github\.com\/nats-io\//, '')).join(' ');

describe('streams', () => {
  test('storage type: refused by nats-server (10052)', () => {
    const f = blocking(plan(withStream(BASE, 'llm-requests', { storage: 'memory' })), 'stream.storage');
    expect(f.resource).toBe('prod/Stream/llm-requests');
    expect(f.message).toMatch(/"file" → "memory".*10052/);
    expect(sourceFile(f)).toMatch(/nats-server\/blob\/v2\.14\.2\/server\/stream\.go#L2271-L2274/);
  });

  test('harmless beside it: a new description (NACK sends it on every update)', () => {
    passes(plan(withStream(BASE, 'llm-requests', { description: 'LLM request events' })));
  });

  test('retention to workqueue, and from it: refused', () => {
    expect(
      blocking(plan(withStream(BASE, 'llm-requests', { retention: 'workqueue' })), 'stream.retention').message,
    ).toMatch(/"limits" → "workqueue".*to or from workqueue/);
    const workqueue = withStream(BASE, 'llm-requests', { retention: 'workqueue' });
    expect(
      blocking(plan(withStream(workqueue, 'llm-requests', { retention: 'limits' }), workqueue), 'stream.retention')
        .message,
    ).toMatch(/"workqueue" → "limits"/);
  });

  test('retention limits → interest is destructive: acknowledged messages are deleted at once', () => {
    const f = blocking(plan(withStream(BASE, 'llm-requests', { retention: 'interest' })), 'stream.retention');
    expect(f.message).toMatch(/"limits" → "interest".*deletes at once/);
    expect(sourceFile(f)).toMatch(/stream\.go#L2695-L2716.*consumer\.go#L7052-L7060/);
  });

  test('harmless beside it: interest → limits keeps every message', () => {
    const interest = withStream(BASE, 'llm-requests', { retention: 'interest' });
    passes(plan(BASE, interest));
  });

  test("limits → interest is refused while a consumer keeps replicas other than the stream's", () => {
    // Our synth refuses such a consumer on an interest stream, so the manifest is edited by hand.
    const after = editSpec(
      withStream(BASE, 'llm-requests', { retention: 'interest' }),
      'Consumer',
      'metrics-consumer',
      { replicas: 1 },
    );
    const f = blocking(planOf(resourcesOf(BASE), after), 'stream.retention-consumer-replicas');
    expect(f.message).toMatch(
      /refuses the switch to interest while consumer "metrics-consumer" \(replicas 1\).*stream's 3/,
    );
    expect(sourceFile(f)).toMatch(/stream\.go#L2661-L2670/);
  });

  test('... and only until the consumer is updated, when this change also fixes its replicas', () => {
    const before = withConsumer(BASE, 'metrics-consumer', { replicas: 1 });
    const p = plan(withStream(BASE, 'llm-requests', { retention: 'interest' }), before);
    expect(finding(p, 'stream.retention-consumer-replicas', 'warning').message).toMatch(
      /until consumer "metrics-consumer" \(replicas 1\) is updated/,
    );
  });

  test("harmless beside it: consumers that inherit the stream's replicas raise no replica finding", () => {
    const p = plan(withStream(BASE, 'llm-requests', { retention: 'interest' }));
    expect(p.findings.filter((f) => f.rule === 'stream.retention-consumer-replicas')).toEqual([]);
  });

  test('shrinking max age, max bytes, max messages: stored messages beyond it are deleted', () => {
    expect(
      blocking(plan(withStream(BASE, 'routing-decisions', { maxAge: '1d' })), 'stream.maxAge-shrink').message,
    ).toMatch(/"168h" → "24h".*cannot be known offline/);
    expect(
      blocking(plan(withStream(BASE, 'memory-events', { maxBytes: '4GB' })), 'stream.maxBytes-shrink').message,
    ).toMatch(/5368709120 → 4294967296/);
    blocking(plan(withStream(BASE, 'llm-requests', { maxMsgs: 1000 })), 'stream.maxMsgs-shrink');
  });

  test('harmless beside it: a longer max age, or none (rendered "0s", which NACK sends as unlimited)', () => {
    passes(plan(withStream(BASE, 'routing-decisions', { maxAge: '14d' })));
    passes(plan(withStream(BASE, 'routing-decisions', { maxAge: undefined })));
  });

  test('maxAge left out of the manifest: not applied, the server keeps 168h', () => {
    const after = edited(BASE, 'Stream', 'routing-decisions', (body) => delete body.spec.maxAge);
    const f = notApplied(planOf(resourcesOf(BASE), after), 'stream.maxAge-not-applied');
    expect(f.message).toMatch(
      /^Not applied: spec\.maxAge "168h" → \(unset\).*server keeps "168h".*"0s" for no age limit/,
    );
    expect(sourceFile(f)).toMatch(/nack\/blob\/v0\.22\.4\/internal\/controller\/stream_controller\.go#L359/);
    expect(sourceFile(f)).toMatch(/jsm\.go\/blob\/v0\.3\.0\/streams\.go#L616-L617/);
  });

  test('a duplicate window we stop setting: not applied, the server keeps it', () => {
    const withWindow = withStream(BASE, 'routing-decisions', { duplicateWindow: '5m' });
    const f = notApplied(plan(BASE, withWindow), 'stream.duplicateWindow-not-applied');
    expect(f.resource).toBe('prod/Stream/routing-decisions');
    expect(f.message).toMatch(/spec\.duplicateWindow "5m" → \(unset\).*server keeps "5m".*"2m" \(the server default\)/);
  });

  test('harmless beside it: a different window, or dropping one equal to the server default (2m)', () => {
    const withWindow = withStream(BASE, 'routing-decisions', { duplicateWindow: '5m' });
    passes(plan(withStream(BASE, 'routing-decisions', { duplicateWindow: '10m' }), withWindow));
    passes(plan(BASE, withStream(BASE, 'routing-decisions', { duplicateWindow: '2m' })));
  });

  test('maxMsgsPerSubject dropped: not applied (NACK sends it only when > 0); lowered: deleted messages', () => {
    const limited = editSpec(BASE, 'Stream', 'llm-requests', { maxMsgsPerSubject: 10 });
    expect(notApplied(planOf(limited, resourcesOf(BASE)), 'stream.maxMsgsPerSubject-not-applied').message).toMatch(
      /server keeps 10/,
    );
    blocking(
      planOf(limited, editSpec(BASE, 'Stream', 'llm-requests', { maxMsgsPerSubject: 5 })),
      'stream.maxMsgsPerSubject-shrink',
    );
    passes(planOf(limited, editSpec(BASE, 'Stream', 'llm-requests', { maxMsgsPerSubject: 20 })));
  });

  test.each(['sealed', 'denyDelete', 'denyPurge', 'allowMsgTtl', 'allowMsgSchedules', 'allowMsgCounter'])(
    'switch %s turned off: not applied (NACK only sends true) and nats-server would refuse it anyway',
    (field) => {
      const on = editSpec(BASE, 'Stream', 'llm-requests', { [field]: true });
      const f = notApplied(
        planOf(on, editSpec(BASE, 'Stream', 'llm-requests', { [field]: false })),
        `stream.${field}-not-applied`,
      );
      expect(f.message).toMatch(new RegExp(`spec\\.${field} true → false.*server keeps true.*refuses to undo it`));
      expect(f.sources.some((url) => url.includes('nats-server/blob/v2.14.2/server/stream.go#L2'))).toBe(true);
    },
  );

  test.each(['allowDirect', 'allowRollup', 'mirrorDirect', 'noAck'])(
    'switch %s turned off: not applied, NACK only sends true',
    (field) => {
      const on = editSpec(BASE, 'Stream', 'llm-requests', { [field]: true });
      notApplied(planOf(on, resourcesOf(BASE)), `stream.${field}-not-applied`);
    },
  );

  test('harmless beside them: turning a switch on', () => {
    passes(planOf(resourcesOf(BASE), editSpec(BASE, 'Stream', 'llm-requests', { allowDirect: true })));
  });

  test('discardPerSubject dropped while discard stays "old": not applied, and the server refuses the update', () => {
    const on = editSpec(BASE, 'Stream', 'llm-requests', {
      discard: 'new',
      discardPerSubject: true,
      maxMsgsPerSubject: 10,
    });
    const off = editSpec(BASE, 'Stream', 'llm-requests', { maxMsgsPerSubject: 10 });
    const f = notApplied(planOf(on, off), 'stream.discardPerSubject-not-applied');
    expect(f.message).toMatch(/refuses the whole update/);
  });

  test('placement tags dropped: not applied, NACK never clears tags', () => {
    const tagged = editSpec(BASE, 'Stream', 'llm-requests', { placement: { tags: ['ssd'] } });
    expect(notApplied(planOf(tagged, resourcesOf(BASE)), 'stream.placement.tags-not-applied').message).toMatch(
      /server keeps \["ssd"\]/,
    );
  });

  test('mirror, persist mode, counters on: refused', () => {
    const mirror = (name: string) =>
      editSpec(BASE, 'Stream', 'llm-requests', { subjects: undefined, mirror: { name } });
    blocking(planOf(mirror('A'), mirror('B')), 'stream.mirror');
    blocking(
      planOf(
        editSpec(BASE, 'Stream', 'llm-requests', { persistMode: 'default' }),
        editSpec(BASE, 'Stream', 'llm-requests', { persistMode: 'async' }),
      ),
      'stream.persistMode',
    );
    blocking(
      planOf(resourcesOf(BASE), editSpec(BASE, 'Stream', 'llm-requests', { allowMsgCounter: true })),
      'stream.allowMsgCounter',
    );
  });

  test('removing a stream: its object has preventDelete, so the stream stays on the server, unmanaged', () => {
    const p = plan({
      ...BASE,
      streams: BASE.streams!.filter((s) => s.name !== 'llm-requests'),
      consumers: BASE.consumers!.filter((c) => c.stream !== 'llm-requests'),
    });
    const f = blocking(p, 'stream.removed');
    expect(f.resource).toBe('prod/Stream/llm-requests');
    expect(f.message).toMatch(
      /preventDelete, so deleting it leaves the JetStream stream and its messages on the server/,
    );
    expect(f.message).toContain('no longer managed by NACK');
    expect(sourceFile(f)).toMatch(/stream_controller\.go#L146-L157/);
    // Its consumer goes too: only a warning on a limits stream.
    expect(p.findings).toContainEqual(
      expect.objectContaining({
        rule: 'consumer.removed',
        severity: 'warning',
        resource: 'prod/Consumer/metrics-consumer',
      }),
    );
  });

  test('renaming a stream: reported as a rename, not an unrelated add and remove', () => {
    const renamed: EnvironmentConfig = {
      ...withStream(BASE, 'llm-requests', { name: 'llm-requests-v2' }),
      consumers: BASE.consumers!.map((c) => (c.stream === 'llm-requests' ? { ...c, stream: 'llm-requests-v2' } : c)),
    };
    const p = plan(renamed);
    const rename = p.changes.find((c) => c.type === 'renamed' && c.before?.kind === 'Stream');
    expect(rename?.before?.name).toBe('llm-requests');
    expect(rename?.after?.name).toBe('llm-requests-v2');
    expect(p.changes.filter((c) => c.type === 'removed' || c.type === 'added')).toEqual([]);
    const f = blocking(p, 'stream.renamed');
    expect(f.resource).toBe('prod/Stream/llm-requests-v2');
    expect(f.message).toMatch(/"llm-requests" → "llm-requests-v2".*cannot rename.*10065/);
    // Its consumer now points at another stream: a new consumer there, the old one left behind.
    expect(blocking(p, 'consumer.streamName').resource).toBe('prod/Consumer/metrics-consumer');
  });

  test('renaming a stream in place (same object name, new JetStream name)', () => {
    const renamed: EnvironmentConfig = {
      ...withStream(BASE, 'llm-requests', { name: 'LLM-REQUESTS' }), // same Kubernetes name "llm-requests"
      consumers: BASE.consumers!.map((c) => (c.stream === 'llm-requests' ? { ...c, stream: 'LLM-REQUESTS' } : c)),
    };
    const p = plan(renamed);
    expect(p.changes.find((c) => c.before?.kind === 'Stream' && c.before.name === 'llm-requests')?.type).toBe(
      'changed',
    );
    expect(blocking(p, 'stream.renamed').message).toMatch(/"llm-requests" → "LLM-REQUESTS"/);
  });

  test('subjects leaving a stream: a warning', () => {
    const wide = withStream(BASE, 'llm-requests', { subjects: ['llm.>', 'cost.>'] });
    expect(finding(plan(BASE, wide), 'stream.subjects-removed', 'warning').message).toMatch(
      /"cost\.>" leave the stream/,
    );
  });
});

describe('consumers', () => {
  test.each<[string, Partial<ConsumerConfig>, string, RegExp, RegExp]>([
    ['deliver policy', { deliverPolicy: 'new' }, 'consumer.deliverPolicy', /"all" → "new"/, /consumer\.go#L2448-L2450/],
    ['ack policy', { ackPolicy: 'all' }, 'consumer.ackPolicy', /"explicit" → "all"/, /consumer\.go#L2463-L2465/],
    [
      'replay policy',
      { replayPolicy: 'original' },
      'consumer.replayPolicy',
      /"instant" → "original"/,
      /consumer\.go#L2466-L2468/,
    ],
    [
      'pull to push',
      { deliverSubject: 'deliver.metrics' },
      'consumer.push-pull',
      /pull → push/,
      /consumer\.go#L2476-L2483/,
    ],
  ])("a consumer's %s: refused by nats-server", (_what, patch, rule, message, source) => {
    const f = blocking(plan(withConsumer(BASE, 'metrics-consumer', patch)), rule);
    expect(f.resource).toBe('prod/Consumer/metrics-consumer');
    expect(f.message).toMatch(message);
    expect(sourceFile(f)).toMatch(source);
  });

  test('harmless beside them: a longer ack wait and more deliveries', () => {
    passes(plan(withConsumer(BASE, 'api-consumer', { ackWait: '45s', maxDeliver: 4 })));
  });

  test('a filter we stop setting: not applied, the server keeps it', () => {
    const f = notApplied(
      plan(withConsumer(BASE, 'consolidation-consumer', { filterSubjects: undefined })),
      'consumer.filterSubject-not-applied',
    );
    expect(f.resource).toBe('prod/Consumer/consolidation-consumer');
    expect(f.message).toMatch(
      /spec\.filterSubject\/filterSubjects \["memory\.consolidated"\] → \(unset\).*server keeps \["memory\.consolidated"\]/,
    );
    expect(sourceFile(f)).toMatch(/consumer_controller\.go#L406-L410.*consumers\.go#L683-L688/);
  });

  test('harmless beside it: another filter on a limits stream', () => {
    passes(
      plan(withConsumer(BASE, 'consolidation-consumer', { filterSubjects: ['memory.consolidated', 'memory.expired'] })),
    );
  });

  test('max deliver left out of the manifest: not applied, the server keeps 3', () => {
    const after = edited(BASE, 'Consumer', 'api-consumer', (body) => delete body.spec.maxDeliver);
    expect(notApplied(planOf(resourcesOf(BASE), after), 'consumer.maxDeliver-not-applied').message).toMatch(
      /spec\.maxDeliver 3 → \(unset\).*server keeps 3/,
    );
  });

  test('memStorage on: nats-server 2.14.2 accepts and ignores it (not applied); off: NACK does not send it', () => {
    const on = editSpec(BASE, 'Consumer', 'api-consumer', { memStorage: true });
    const f = notApplied(planOf(resourcesOf(BASE), on), 'consumer.memStorage-not-applied');
    expect(f.message).toMatch(/accepts the update and records mem_storage.*chosen once/);
    expect(sourceFile(f)).toMatch(/consumer\.go#L2442-L2499.*consumer\.go#L2628-L2630/);
    expect(notApplied(planOf(on, resourcesOf(BASE)), 'consumer.memStorage-not-applied').message).toMatch(
      /only sends memStorage when true/,
    );
    expect(p(on, on)).toEqual([]);
  });

  test("max waiting: refused; unset on a pull consumer reads as the server's 512", () => {
    blocking(
      planOf(
        editSpec(BASE, 'Consumer', 'api-consumer', { maxWaiting: 10 }),
        editSpec(BASE, 'Consumer', 'api-consumer', { maxWaiting: 20 }),
      ),
      'consumer.maxWaiting',
    );
    passes(
      planOf(
        editSpec(BASE, 'Consumer', 'api-consumer', { maxWaiting: 512 }),
        editSpec(BASE, 'Consumer', 'api-consumer', { description: 'x' }),
      ),
    );
  });

  test('heartbeat: another value is refused; dropping it is not applied (NACK sends it only when set)', () => {
    const hb = (heartbeatInterval: string | undefined) =>
      editSpec(BASE, 'Consumer', 'api-consumer', { deliverSubject: 'deliver.api', heartbeatInterval });
    blocking(planOf(hb('5s'), hb('10s')), 'consumer.heartbeatInterval');
    expect(notApplied(planOf(hb('5s'), hb(undefined)), 'consumer.heartbeatInterval-not-applied').message).toMatch(
      /refuses to undo it/,
    );
  });

  test('flow control: on is refused, off is not applied', () => {
    const fc = (flowControl: boolean) =>
      editSpec(BASE, 'Consumer', 'api-consumer', {
        deliverSubject: 'deliver.api',
        heartbeatInterval: '5s',
        flowControl,
      });
    blocking(planOf(fc(false), fc(true)), 'consumer.flowControl');
    notApplied(planOf(fc(true), fc(false)), 'consumer.flowControl-not-applied');
  });

  test('start sequence: refused with deliverPolicy byStartSequence', () => {
    const seq = (optStartSeq: number) =>
      editSpec(BASE, 'Consumer', 'api-consumer', { deliverPolicy: 'byStartSequence', optStartSeq });
    blocking(planOf(seq(10), seq(20)), 'consumer.optStartSeq');
  });

  test('start time: refused with deliverPolicy byStartTime; the same instant written another way is no change', () => {
    const at = (optStartTime: string) =>
      editSpec(BASE, 'Consumer', 'api-consumer', { deliverPolicy: 'byStartTime', optStartTime });
    const f = blocking(planOf(at('2024-01-01T00:00:00Z'), at('2024-02-01T00:00:00Z')), 'consumer.optStartTime');
    expect(f.message).toMatch(/"2024-01-01T00:00:00Z" → "2024-02-01T00:00:00Z": .*start time/);
    expect(unacknowledgedBlocking(planOf(at('2024-01-01T00:00:00Z'), at('2024-01-01T01:00:00+01:00')))).toEqual([]);
  });

  test('a narrower filter on an interest stream deletes what no consumer wants any more', () => {
    const interest = withStream(BASE, 'llm-requests', { retention: 'interest' });
    const f = blocking(
      plan(withConsumer(interest, 'metrics-consumer', { filterSubjects: ['llm.request.completed'] }), interest),
      'consumer.filter-interest',
    );
    expect(f.message).toMatch(/"llm\.>" no longer covered.*interest stream "llm-requests"/);
    expect(sourceFile(f)).toMatch(/consumer\.go#L2635-L2641/);
  });

  test('harmless beside it: a wider filter on the interest stream', () => {
    const interest = withStream(BASE, 'llm-requests', { retention: 'interest' });
    const narrow = withConsumer(interest, 'metrics-consumer', { filterSubjects: ['llm.request.completed'] });
    passes(plan(interest, narrow));
  });

  test('removing a consumer of an interest stream loses the messages only it needed', () => {
    const interest = withStream(BASE, 'llm-requests', { retention: 'interest' });
    const f = blocking(
      plan({ ...interest, consumers: interest.consumers!.filter((c) => c.name !== 'metrics-consumer') }, interest),
      'consumer.removed',
    );
    expect(f.resource).toBe('prod/Consumer/metrics-consumer');
    expect(sourceFile(f)).toMatch(/consumer\.go#L6668-L6671/);
  });

  test('renaming a durable consumer', () => {
    const renamed: EnvironmentConfig = {
      ...withConsumer(BASE, 'api-consumer', { name: 'api-consumer-v2' }),
      scalers: BASE.scalers!.map((s) => ({ ...s, consumer: 'api-consumer-v2' })),
    };
    const p = plan(renamed);
    const f = blocking(p, 'consumer.renamed');
    expect(f.resource).toBe('prod/Consumer/api-consumer-v2');
    expect(f.message).toMatch(/"api-consumer" → "api-consumer-v2".*deliverPolicy/);
    expect(p.changes.find((c) => c.type === 'renamed')?.before?.name).toBe('api-consumer');
  });
});

/** Rules the findings of a plan made from two manifest sets. */
function p(before: readonly PlanResource[], after: readonly PlanResource[]): string[] {
  return unacknowledgedBlocking(planOf(before, after)).map((f) => f.rule);
}

describe('the NATS StatefulSet (Helm values and the Argo CD Application)', () => {
  test('a new Helm release name makes a new StatefulSet with empty volumes', () => {
    const f = blocking(plan({ ...BASE, nats: { ...BASE.nats, releaseName: 'nats-v2' } }), 'helm.statefulset-replaced');
    expect(f.message).toMatch(
      /StatefulSet "nats" → "nats-v2", volume claim template "nats-js" → "nats-v2-js" \(Helm release "nats" → "nats-v2"\).*empty volumes/,
    );
    expect(f.sources).toEqual(expect.arrayContaining([KUBERNETES.statefulSetStorage, KUBERNETES.argoCdReleaseName]));
    expect(sourceFile(f)).toMatch(/k8s\/blob\/nats-2\.14\.2\/helm\/charts\/nats\/templates\/_helpers\.tpl#L13-L24/);
  });

  test('harmless beside it: more CPU for the NATS servers (a rolling update of the same StatefulSet)', () => {
    passes(plan({ ...BASE, nats: { ...BASE.nats, resources: { ...BASE.nats!.resources, cpu: '2' } } }));
  });

  test("moving to another namespace: a new StatefulSet, and the old CRs' deletion deletes the streams", () => {
    const moved = plan({ ...BASE, namespace: 'overmind-production' });
    expect(blocking(moved, 'helm.statefulset-replaced').message).toMatch(
      /namespace "overmind-prod" → "overmind-production"/,
    );
    const objectRenamed = unacknowledgedBlocking(moved)
      .filter((f) => f.rule === 'stream.object-renamed')
      .map((f) => f.resource)
      .sort();
    expect(objectRenamed).toEqual([
      'prod/Stream/llm-requests',
      'prod/Stream/memory-events',
      'prod/Stream/routing-decisions',
    ]);
    expect(unacknowledgedBlocking(moved).filter((f) => f.rule === 'consumer.object-renamed')).toHaveLength(4);
  });

  test.each<[string, (values: Json) => void, RegExp]>([
    [
      'fullnameOverride',
      (v) => {
        v.fullnameOverride = 'jetstream';
      },
      /StatefulSet "nats" → "jetstream"/,
    ],
    [
      'the claim template name',
      (v) => {
        v.config.jetstream.fileStore.pvc.name = 'data';
      },
      /volume claim template "nats-js" → "data"/,
    ],
    [
      'the JetStream store dir',
      (v) => {
        v.config.jetstream.fileStore.dir = '/data/js';
      },
      /store_dir "\/data" → "\/data\/js".*new, empty directory/,
    ],
  ])('%s in the Helm values', (_what, edit, message) => {
    const after = edited(BASE, HELM_VALUES_KIND, 'nats-values', edit);
    expect(blocking(planOf(resourcesOf(BASE), after), 'helm.statefulset-replaced').message).toMatch(message);
  });

  test(
    'raising the file store capacity: flagged, with the runbook (expand the PVCs, ' +
      'recreate the StatefulSet orphaning its pods)',
    () => {
      const f = blocking(plan(withFileStorage('64GiB')), VOLUME_RULE);
      expect(f.resource).toBe('prod/HelmValues/nats-values');
      expect(f.message).toMatch(
        /pvc\.size "16Gi" → "64Gi": the JetStream file store capacity \(nats\.fileStorageSize\)/,
      );
      expect(f.message).toMatch(/volumeClaimTemplates, which Kubernetes refuses to update/);
      expect(f.message).toMatch(/docs\/operations\.md#growing-the-jetstream-file-store/);
      expect(f.message).toMatch(/`kubectl patch pvc` to "64Gi".*allowVolumeExpansion.*--cascade=orphan/);
      // Public links only: users read this in the pull request.
      expect(f.message).toContain(
        'https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims',
      );
      expect(f.message).toContain('https://kubernetes.io/docs/tasks/run-application/delete-stateful-set/');
      expect(f.message).not.toMatch(/\.\.\/shared|reference\/|\.md §/);
    },
  );

  test('lowering the file store capacity: flagged, PVCs never shrink', () => {
    const f = blocking(plan(withFileStorage('12GiB')), VOLUME_RULE);
    expect(f.message).toMatch(/"16Gi" → "12Gi": a smaller JetStream volume\. Kubernetes never shrinks a PVC/);
  });

  test('changing the StorageClass of the NATS volume', () => {
    const f = blocking(plan({ ...BASE, nats: { ...BASE.nats, storageClassName: 'fast-ssd' } }), VOLUME_RULE);
    expect(f.message).toMatch(/storageClassName \(unset\) → "fast-ssd".*Existing PVCs keep their StorageClass/);
  });

  test('a raised capacity passes once acknowledged', () => {
    const ack = { resource: 'prod/HelmValues/nats-values', rule: VOLUME_RULE, reason: 'PVCs expanded (OPS-42) first' };
    expect(unacknowledgedBlocking(plan(withFileStorage('64GiB'), BASE, [ack]))).toEqual([]);
  });
});

describe('adding a stream that fits the file store changes no StatefulSet field', () => {
  // The README's own example ("Adding a stream, a consumer or a scaler is a config entry").
  const README_AUDIT_LOG: EnvironmentConfig = {
    ...BASE,
    streams: [...BASE.streams!, { name: 'audit-log', subjects: ['audit.>'], maxAge: '90d', maxBytes: '2GB' }],
    consumers: [...BASE.consumers!, { name: 'audit-writer', stream: 'audit-log', ackWait: '45s', maxDeliver: 4 }],
    scalers: [...BASE.scalers!, { target: 'audit-writer', consumer: 'audit-writer', lagThreshold: 50, maxReplicas: 4 }],
  };

  test("prod + the README's audit-log stream, consumer and scaler: nothing blocks, nothing to acknowledge", () => {
    const p = plan(README_AUDIT_LOG);
    expect(
      p.changes
        .filter((c) => c.type === 'added')
        .map((c) => `${c.after!.kind}/${c.after!.name}`)
        .sort(),
    ).toEqual(
      expect.arrayContaining(['Consumer/audit-writer', 'ScaledObject/audit-writer-nats-scaler', 'Stream/audit-log']),
    );
    expect(p.findings.filter((f) => f.severity === 'blocking')).toEqual([]);
    expect(unacknowledgedBlocking(p)).toEqual([]);
    // The NATS Helm values (which render the StatefulSet) do not change at all.
    expect(p.changes.filter((c) => c.after?.kind === HELM_VALUES_KIND)).toEqual([]);
  });

  test('growing a stream within the file store leaves the Helm values alone too', () => {
    const p = plan(withStream(BASE, 'memory-events', { maxBytes: '10GB' }));
    expect(p.changes.filter((c) => c.after?.kind === HELM_VALUES_KIND)).toEqual([]);
    expect(unacknowledgedBlocking(p)).toEqual([]);
  });

  test('a stream that does not fit fails the synth (which the plan runs) instead of changing the volume', () => {
    expect(() => plan(withStream(BASE, 'memory-events', { maxBytes: '20GB' }))).toThrow(
      /field "nats\.fileStorageSize".*fileStorageSize: "34GiB"/,
    );
  });

  test('fewer NATS servers is a warning', () => {
    const values = (replicas: number): PlanResource => ({
      env: 'prod',
      apiVersion: HELM_VALUES_API_VERSION,
      kind: HELM_VALUES_KIND,
      name: 'nats-values',
      body: { config: { cluster: { enabled: true, replicas } } },
    });
    const shrink = planOf([values(5)], [values(3)]);
    expect(shrink.findings).toEqual([expect.objectContaining({ rule: 'helm.cluster-shrink', severity: 'warning' })]);
  });
});

describe('plan lets harmless changes through', () => {
  test.each<[string, EnvironmentConfig]>([
    ['a higher lag threshold', withScaler(BASE, { lagThreshold: 20 })],
    ['more KEDA replicas', withScaler(BASE, { maxReplicas: 30 })],
  ])('%s', (_what, after) => {
    passes(plan(after));
  });

  test('a higher lag threshold shows as a field change on the ScaledObject', () => {
    const change = plan(withScaler(BASE, { lagThreshold: 20 })).changes.find((c) => c.after?.kind === 'ScaledObject');
    expect(change?.fields).toContainEqual({
      path: 'spec.triggers[0].metadata.lagThreshold',
      before: '10',
      after: '20',
    });
  });

  test('dropping preventDelete from a Stream, beside a harmless edit that passes on its own', () => {
    const harmless = withStream(BASE, 'routing-decisions', { maxAge: '14d' });
    expect(unacknowledgedBlocking(plan(harmless))).toEqual([]);
    const dropped = resourcesOf(harmless).map((r) => {
      if (r.kind !== 'Stream' || r.name !== 'llm-requests') return r;
      const body = JSON.parse(JSON.stringify(r.body));
      delete body.spec.preventDelete;
      return { ...r, body };
    });
    const p = planChanges(resourcesOf(BASE), dropped);
    const blockingFindings = unacknowledgedBlocking(p);
    const ids = blockingFindings.map((f) => `${f.resource} ${f.rule}`);
    expect(ids).toEqual(['prod/Stream/llm-requests stream.preventDelete']);
    const { message } = blockingFindings[0];
    expect(message).toMatch(
      /^spec\.preventDelete true → \(unset\): without it NACK deletes stream "llm-requests" and every message/,
    );
    expect(message).toMatch(/kubectl delete.*deleted namespace/);
    expect(sourceFile(blockingFindings[0])).toMatch(/stream_controller\.go#L146-L157/);
    // the harmless edit is still listed, as a change without a finding
    const edited = p.changes.find((c) => c.after?.name === 'routing-decisions');
    expect(edited?.fields).toContainEqual({ path: 'spec.maxAge', before: '168h', after: '336h' });
  });
});

describe('acknowledgements let a deliberate change through', () => {
  const change = withConsumer(BASE, 'metrics-consumer', { deliverPolicy: 'new' });

  test('an entry for the resource and rule', () => {
    const ack = {
      resource: 'prod/Consumer/metrics-consumer',
      rule: 'consumer.deliverPolicy',
      reason: 'metrics only need events from now on',
    };
    const acked = plan(change, BASE, [ack]);
    expect(unacknowledgedBlocking(acked)).toEqual([]);
    expect(acked.findings.find((f) => f.rule === 'consumer.deliverPolicy')?.acknowledgement).toEqual(ack);
    expect(acked.unusedAcknowledgements).toEqual([]);
  });

  test('an entry without a rule covers every finding on the resource', () => {
    expect(
      unacknowledgedBlocking(
        plan(change, BASE, [
          { resource: 'prod/Consumer/metrics-consumer', reason: 'metrics only need events from now on' },
        ]),
      ),
    ).toEqual([]);
  });

  test('an entry for another rule or resource does not count, and is reported unused', () => {
    const wrongRule = {
      resource: 'prod/Consumer/metrics-consumer',
      rule: 'consumer.ackPolicy',
      reason: 'a different change entirely',
    };
    const wrongEnv = { resource: 'staging/Consumer/metrics-consumer', reason: 'a different environment' };
    const acked = plan(change, BASE, [wrongRule, wrongEnv]);
    expect(unacknowledgedBlocking(acked).map((f) => f.rule)).toEqual(['consumer.deliverPolicy']);
    expect(acked.unusedAcknowledgements).toEqual([wrongRule, wrongEnv]);
  });

  test('a not-applied finding is acknowledged the same way', () => {
    const withWindow = withStream(BASE, 'routing-decisions', { duplicateWindow: '5m' });
    const ack = {
      resource: 'prod/Stream/routing-decisions',
      rule: 'stream.duplicateWindow-not-applied',
      reason: 'the 5m window on the server is what we want',
    };
    expect(unacknowledgedBlocking(plan(BASE, withWindow, [ack]))).toEqual([]);
  });
});

describe('rules on hand-made resources (fields and names our config never produces)', () => {
  const stream = (spec: Record<string, unknown>, name = 'orders'): PlanResource => ({
    env: 'prod',
    apiVersion: 'jetstream.nats.io/v1beta2',
    kind: 'Stream',
    namespace: 'ns',
    name,
    body: {
      apiVersion: 'jetstream.nats.io/v1beta2',
      kind: 'Stream',
      metadata: { name, namespace: 'ns' },
      spec: { name: 'ORDERS', subjects: ['orders.>'], ...spec },
    },
  });
  const consumer = (spec: Record<string, unknown>, name = 'worker'): PlanResource => ({
    env: 'prod',
    apiVersion: 'jetstream.nats.io/v1beta2',
    kind: 'Consumer',
    namespace: 'ns',
    name,
    body: {
      apiVersion: 'jetstream.nats.io/v1beta2',
      kind: 'Consumer',
      metadata: { name, namespace: 'ns' },
      spec: { durableName: 'worker', streamName: 'ORDERS', ...spec },
    },
  });

  test('preventDelete: turning it off (false or absent) is blocking, turning it on or keeping it is not', () => {
    const on = stream({ preventDelete: true });
    expect(p([on], [stream({ preventDelete: false })])).toEqual(['stream.preventDelete']);
    expect(p([on], [stream({})])).toEqual(['stream.preventDelete']);
    expect(p([stream({})], [on])).toEqual([]);
    expect(p([on], [on])).toEqual([]);
  });

  test('removing a stream without preventDelete: NACK deletes it with its messages', () => {
    const removed = planOf([stream({})], []);
    const message = expect.stringMatching(/makes NACK delete the JetStream stream and every message in it/);
    expect(unacknowledgedBlocking(removed)).toEqual([expect.objectContaining({ rule: 'stream.removed', message })]);
  });

  test('an absent storage is the CRD default (memory): spelling it out as memory is no change', () => {
    expect(p([stream({})], [stream({ storage: 'memory' })])).toEqual([]);
    expect(p([stream({})], [stream({ storage: 'file' })])).toEqual(['stream.storage']);
  });

  test("max age: unlimited → any value is a shrink; a stream created without it has jsm.go's one year", () => {
    expect(p([stream({ maxAge: '0s' })], [stream({ maxAge: '720h' })])).toEqual(['stream.maxAge-shrink']);
    expect(p([stream({})], [stream({ maxAge: '720h' })])).toEqual(['stream.maxAge-shrink']);
    expect(p([stream({})], [stream({ maxAge: '9000h' })])).toEqual([]);
    expect(p([stream({ maxBytes: 1024 })], [stream({ maxBytes: -1 })])).toEqual([]);
    // Emptied: NACK does not send it, so the 1h limit stays.
    expect(p([stream({ maxAge: '1h' })], [stream({ maxAge: '' })])).toEqual(['stream.maxAge-not-applied']);
  });

  test('renaming the Kubernetes object of a stream, keeping its stream name', () => {
    const renamed = planOf([stream({}, 'orders')], [stream({}, 'orders-stream')]);
    expect(renamed.changes.map((c) => c.type)).toEqual(['renamed']);
    expect(unacknowledgedBlocking(renamed).map((f) => `${f.resource} ${f.rule}`)).toEqual([
      'prod/Stream/orders-stream stream.object-renamed',
    ]);
  });

  test('renaming the Kubernetes object of a consumer, keeping its durable', () => {
    expect(p([consumer({}, 'worker')], [consumer({}, 'orders-worker')])).toEqual(['consumer.object-renamed']);
  });
});

// Last: every finding any test above produced.
describe('every finding names the upstream rule it follows', () => {
  const known = new Set([...UPSTREAM_QUOTES.map((q) => q.url), ...Object.values(KUBERNETES)]);

  test('with links a reviewer can open (pinned GitHub source or docs), never ../shared notes', () => {
    const findings = plansMade.flatMap((made) => made.findings);
    expect(findings.length).toBeGreaterThan(40);
    for (const f of findings) {
      expect({ rule: f.rule, sources: f.sources.length > 0 }).toEqual({ rule: f.rule, sources: true });
      for (const url of f.sources)
        expect({ rule: f.rule, url, known: known.has(url) }).toEqual({ rule: f.rule, url, known: true });
      expect(f.message).not.toMatch(/\.md §|\.\.\/shared|reference\//);
    }
  });

  test('every GitHub link is pinned to a tag and a line', () => {
    for (const { url } of UPSTREAM_QUOTES) {
      expect(url).toMatch(
        /^https:\/\/github\.com\/nats-io\/(nack\/blob\/v0\.22\.4|jsm\.go\/blob\/v0\.3\.0|nats-server\/blob\/v2\.14\.2|k8s\/blob\/nats-2\.14\.2)\/\S+#L\d+(-L\d+)?$/,
      );
    }
  });
});
