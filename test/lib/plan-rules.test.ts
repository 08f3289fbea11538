// Every change `npm run plan` must refuse, made on a copy of the prod config and synthesized for
// real, plus the harmless changes it must let through. Reasons: nack.md §0 (summary), §3 (server-
// side immutability), §4 (deletion).
import { prod } from '../../config/prod';
import { ConsumerConfig, EnvironmentConfig, ScalerConfig, StreamConfig } from '../../lib/config';
import { OVERMIND_CONSUMERS, OVERMIND_STREAMS } from '../../lib/overmind-topology';
import { Acknowledgement, Finding, Plan, planChanges, PlanResource, unacknowledgedBlocking } from '../../lib/plan';
import { HELM_VALUES_API_VERSION, HELM_VALUES_KIND } from '../../lib/plan-rules';
import { resourcesFromDistFiles } from '../../lib/plan-sources';
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

function plan(after: EnvironmentConfig, before: EnvironmentConfig = BASE, acks: Acknowledgement[] = []): Plan {
  return planChanges(resourcesOf(before), resourcesOf(after), acks);
}

const withStream = (config: EnvironmentConfig, name: string, patch: Partial<StreamConfig>): EnvironmentConfig => ({
  ...config, streams: config.streams!.map((s) => (s.name === name ? { ...s, ...patch } : s)),
});
const withConsumer = (config: EnvironmentConfig, name: string, patch: Partial<ConsumerConfig>): EnvironmentConfig => ({
  ...config, consumers: config.consumers!.map((c) => (c.name === name ? { ...c, ...patch } : c)),
});
const withScaler = (config: EnvironmentConfig, patch: Partial<ScalerConfig>): EnvironmentConfig => ({
  ...config, scalers: config.scalers!.map((s) => ({ ...s, ...patch })),
});

function blocking(p: Plan, rule: string): Finding {
  const found = unacknowledgedBlocking(p).find((f) => f.rule === rule);
  if (!found) throw new Error(`no blocking ${rule}; findings: ${JSON.stringify(p.findings, null, 2)}`);
  return found;
}

describe('plan flags changes JetStream or NACK cannot apply in place, or that lose data', () => {
  test('a stream\'s storage type (nats-server 10052, nack.md §3)', () => {
    const f = blocking(plan(withStream(BASE, 'llm-requests', { storage: 'memory' })), 'stream.storage');
    expect(f.resource).toBe('prod/Stream/llm-requests');
    expect(f.message).toMatch(/"file" → "memory".*10052.*nack\.md §3/);
  });

  test('retention to workqueue', () => {
    const f = blocking(plan(withStream(BASE, 'llm-requests', { retention: 'workqueue' })), 'stream.retention');
    expect(f.message).toMatch(/"limits" → "workqueue".*to or from workqueue/);
  });

  test('retention from workqueue', () => {
    const workqueue = withStream(BASE, 'llm-requests', { retention: 'workqueue' });
    const f = blocking(plan(withStream(workqueue, 'llm-requests', { retention: 'limits' }), workqueue), 'stream.retention');
    expect(f.message).toMatch(/"workqueue" → "limits"/);
  });

  test('shrinking max age (stored messages older than the new limit are deleted)', () => {
    const f = blocking(plan(withStream(BASE, 'routing-decisions', { maxAge: '1d' })), 'stream.maxAge-shrink');
    expect(f.resource).toBe('prod/Stream/routing-decisions');
    expect(f.message).toMatch(/"168h" → "24h".*cannot be known offline/);
  });

  test('shrinking max bytes', () => {
    const f = blocking(plan(withStream(BASE, 'memory-events', { maxBytes: '4GB' })), 'stream.maxBytes-shrink');
    expect(f.message).toMatch(/5368709120 → 4294967296/);
  });

  test('shrinking max messages, from unlimited', () => {
    blocking(plan(withStream(BASE, 'llm-requests', { maxMsgs: 1000 })), 'stream.maxMsgs-shrink');
  });

  test('removing a stream: its object has preventDelete, so the stream stays on the server, unmanaged', () => {
    const p = plan({
      ...BASE,
      streams: BASE.streams!.filter((s) => s.name !== 'llm-requests'),
      consumers: BASE.consumers!.filter((c) => c.stream !== 'llm-requests'),
    });
    const f = blocking(p, 'stream.removed');
    expect(f.resource).toBe('prod/Stream/llm-requests');
    expect(f.message).toMatch(/preventDelete, so deleting it leaves the JetStream stream and its messages on the server/);
    expect(f.message).toContain('(https://github.com/nats-io/nack/blob/v0.22.4/internal/controller/stream_controller.go#L146-L171)');
    expect(f.message).toContain('no longer managed by NACK');
    // Its consumer goes too: only a warning on a limits stream.
    expect(p.findings).toContainEqual(expect.objectContaining({ rule: 'consumer.removed', severity: 'warning', resource: 'prod/Consumer/metrics-consumer' }));
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
    expect(p.changes.find((c) => c.before?.kind === 'Stream' && c.before.name === 'llm-requests')?.type).toBe('changed');
    expect(blocking(p, 'stream.renamed').message).toMatch(/"llm-requests" → "LLM-REQUESTS"/);
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

  test('moving everything to another namespace: deleting the old CRs deletes the streams the new ones manage', () => {
    const p = plan({ ...BASE, namespace: 'overmind-production' });
    const moved = unacknowledgedBlocking(p).filter((f) => f.rule === 'stream.object-renamed').map((f) => f.resource).sort();
    expect(moved).toEqual(['prod/Stream/llm-requests', 'prod/Stream/memory-events', 'prod/Stream/routing-decisions']);
    expect(unacknowledgedBlocking(p).filter((f) => f.rule === 'consumer.object-renamed')).toHaveLength(4);
  });

  test.each<[string, Partial<ConsumerConfig>, string, RegExp]>([
    ['deliver policy', { deliverPolicy: 'new' }, 'consumer.deliverPolicy', /"all" → "new"/],
    ['ack policy', { ackPolicy: 'all' }, 'consumer.ackPolicy', /"explicit" → "all"/],
    ['replay policy', { replayPolicy: 'original' }, 'consumer.replayPolicy', /"instant" → "original"/],
    ['pull to push', { deliverSubject: 'deliver.metrics' }, 'consumer.push-pull', /pull → push/],
  ])('a consumer\'s %s (nack.md §3)', (_what, patch, rule, message) => {
    const f = blocking(plan(withConsumer(BASE, 'metrics-consumer', patch)), rule);
    expect(f.resource).toBe('prod/Consumer/metrics-consumer');
    expect(f.message).toMatch(message);
    expect(f.message).toMatch(/nack\.md §3/);
  });

  test('removing a consumer of an interest stream loses the messages only it needed', () => {
    const interest = withStream(BASE, 'llm-requests', { retention: 'interest' });
    const f = blocking(plan({ ...interest, consumers: interest.consumers!.filter((c) => c.name !== 'metrics-consumer') }, interest), 'consumer.removed');
    expect(f.resource).toBe('prod/Consumer/metrics-consumer');
  });

  test('a stream size change that resizes the auto-sized NATS volume: StatefulSet volumeClaimTemplates are immutable', () => {
    const f = blocking(plan(withStream(BASE, 'memory-events', { maxBytes: '10GB' })), 'helm.volume-claim-template');
    expect(f.message).toMatch(/pvc\.size "9Gi" → "\d+Gi"/);
  });

  test('changing the NATS volume size: StatefulSet volumeClaimTemplates are immutable', () => {
    const f = blocking(plan({ ...BASE, nats: { ...BASE.nats, fileStorageSize: '64GiB' } }), 'helm.volume-claim-template');
    expect(f.resource).toBe('prod/HelmValues/nats-values');
    expect(f.message).toMatch(/config\.jetstream\.fileStore\.pvc\.size.*--cascade=orphan/);
  });
});

describe('plan lets harmless changes through', () => {
  test.each<[string, EnvironmentConfig]>([
    ['a higher lag threshold', withScaler(BASE, { lagThreshold: 20 })],
    ['a longer max age', withStream(BASE, 'routing-decisions', { maxAge: '14d' })],
    ['a longer ack wait and more deliveries', withConsumer(BASE, 'api-consumer', { ackWait: '45s', maxDeliver: 4 })],
    ['more KEDA replicas', withScaler(BASE, { maxReplicas: 30 })],
  ])('%s', (_what, after) => {
    const p = plan(after);
    expect(p.changes.length).toBeGreaterThan(0);
    expect(unacknowledgedBlocking(p)).toEqual([]);
  });

  test('a higher lag threshold shows as a field change on the ScaledObject', () => {
    const change = plan(withScaler(BASE, { lagThreshold: 20 })).changes.find((c) => c.after?.kind === 'ScaledObject');
    expect(change?.fields).toContainEqual({ path: 'spec.triggers[0].metadata.lagThreshold', before: '10', after: '20' });
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
    expect(message).toMatch(/^spec\.preventDelete true → \(unset\): without it NACK deletes stream "llm-requests" and every message/);
    expect(message).toMatch(/kubectl delete.*deleted namespace/);
    expect(message).toContain('https://github.com/nats-io/nack/blob/v0.22.4/internal/controller/stream_controller.go#L146-L171');
    // the harmless edit is still listed, as a change without a finding
    const edited = p.changes.find((c) => c.after?.name === 'routing-decisions');
    expect(edited?.fields).toContainEqual({ path: 'spec.maxAge', before: '168h', after: '336h' });
  });

  test('limits to interest retention is only a warning', () => {
    const p = plan(withStream(BASE, 'llm-requests', { retention: 'interest' }));
    expect(unacknowledgedBlocking(p)).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ rule: 'stream.retention', severity: 'warning' }));
  });
});

describe('acknowledgements let a deliberate change through', () => {
  const change = withConsumer(BASE, 'metrics-consumer', { deliverPolicy: 'new' });

  test('an entry for the resource and rule', () => {
    const ack = { resource: 'prod/Consumer/metrics-consumer', rule: 'consumer.deliverPolicy', reason: 'metrics only need events from now on' };
    const p = plan(change, BASE, [ack]);
    expect(unacknowledgedBlocking(p)).toEqual([]);
    expect(p.findings.find((f) => f.rule === 'consumer.deliverPolicy')?.acknowledgement).toEqual(ack);
    expect(p.unusedAcknowledgements).toEqual([]);
  });

  test('an entry without a rule covers every finding on the resource', () => {
    expect(unacknowledgedBlocking(plan(change, BASE, [{ resource: 'prod/Consumer/metrics-consumer', reason: 'metrics only need events from now on' }]))).toEqual([]);
  });

  test('an entry for another rule or resource does not count, and is reported unused', () => {
    const wrongRule = { resource: 'prod/Consumer/metrics-consumer', rule: 'consumer.ackPolicy', reason: 'a different change entirely' };
    const wrongEnv = { resource: 'staging/Consumer/metrics-consumer', reason: 'a different environment' };
    const p = plan(change, BASE, [wrongRule, wrongEnv]);
    expect(unacknowledgedBlocking(p).map((f) => f.rule)).toEqual(['consumer.deliverPolicy']);
    expect(p.unusedAcknowledgements).toEqual([wrongRule, wrongEnv]);
  });
});

describe('rules on fields our config does not set (hand-made resources)', () => {
  const stream = (spec: Record<string, unknown>, name = 'orders'): PlanResource => ({
    env: 'prod', apiVersion: 'jetstream.nats.io/v1beta2', kind: 'Stream', namespace: 'ns', name,
    body: { apiVersion: 'jetstream.nats.io/v1beta2', kind: 'Stream', metadata: { name, namespace: 'ns' }, spec: { name: 'ORDERS', subjects: ['orders.>'], ...spec } },
  });
  const consumer = (spec: Record<string, unknown>, name = 'worker'): PlanResource => ({
    env: 'prod', apiVersion: 'jetstream.nats.io/v1beta2', kind: 'Consumer', namespace: 'ns', name,
    body: { apiVersion: 'jetstream.nats.io/v1beta2', kind: 'Consumer', metadata: { name, namespace: 'ns' }, spec: { durableName: 'worker', streamName: 'ORDERS', ...spec } },
  });
  const rules = (before: PlanResource[], after: PlanResource[]) => unacknowledgedBlocking(planChanges(before, after)).map((f) => f.rule);

  test.each(['sealed', 'denyDelete', 'denyPurge', 'allowMsgTtl', 'allowMsgSchedules'])('turning %s off', (field) => {
    expect(rules([stream({ [field]: true })], [stream({ [field]: false })])).toEqual([`stream.${field}`]);
    expect(rules([stream({})], [stream({ [field]: true })])).toEqual([]); // turning it on is fine
  });

  test.each([['mirror', { name: 'A' }, { name: 'B' }], ['persistMode', 'default', 'async'], ['allowMsgCounter', false, true]])('changing %s', (field, a, b) => {
    expect(rules([stream({ [field]: a })], [stream({ [field]: b })])).toEqual([`stream.${field}`]);
  });

  test('preventDelete: turning it off (false or absent) is blocking, turning it on or keeping it is not', () => {
    const on = stream({ preventDelete: true });
    expect(rules([on], [stream({ preventDelete: false })])).toEqual(['stream.preventDelete']);
    expect(rules([on], [stream({})])).toEqual(['stream.preventDelete']);
    expect(rules([stream({})], [on])).toEqual([]);
    expect(rules([on], [on])).toEqual([]);
  });

  test('removing a stream without preventDelete: NACK deletes it with its messages', () => {
    const p = planChanges([stream({})], []);
    const message = expect.stringMatching(/makes NACK delete the JetStream stream and every message in it \(https:\/\/github\.com\/nats-io\/nack\//);
    expect(unacknowledgedBlocking(p)).toEqual([expect.objectContaining({ rule: 'stream.removed', message })]);
  });

  test('an absent storage is the CRD default (memory): spelling it out as memory is no change', () => {
    expect(rules([stream({})], [stream({ storage: 'memory' })])).toEqual([]);
    expect(rules([stream({})], [stream({ storage: 'file' })])).toEqual(['stream.storage']);
  });

  test('a limit going from unlimited to any value is a shrink; to unlimited is not', () => {
    expect(rules([stream({ maxAge: '0s' })], [stream({ maxAge: '720h' })])).toEqual(['stream.maxAge-shrink']);
    expect(rules([stream({ maxBytes: 1024 })], [stream({ maxBytes: -1 })])).toEqual([]);
    expect(rules([stream({ maxAge: '1h' })], [stream({ maxAge: '' })])).toEqual([]);
  });

  test.each(['optStartSeq', 'heartbeatInterval', 'maxWaiting'])('changing a consumer\'s %s', (field) => {
    expect(rules([consumer({ [field]: field === 'heartbeatInterval' ? '5s' : 10 })], [consumer({ [field]: field === 'heartbeatInterval' ? '10s' : 20 })])).toEqual([`consumer.${field}`]);
  });

  test('renaming the Kubernetes object of a stream, keeping its stream name', () => {
    const p = planChanges([stream({}, 'orders')], [stream({}, 'orders-stream')]);
    expect(p.changes.map((c) => c.type)).toEqual(['renamed']);
    expect(unacknowledgedBlocking(p).map((f) => `${f.resource} ${f.rule}`)).toEqual(['prod/Stream/orders-stream stream.object-renamed']);
  });

  test('renaming the Kubernetes object of a consumer, keeping its durable', () => {
    expect(rules([consumer({}, 'worker')], [consumer({}, 'orders-worker')])).toEqual(['consumer.object-renamed']);
  });

  test('Helm values: fewer NATS servers is a warning', () => {
    const values = (replicas: number): PlanResource => ({
      env: 'prod', apiVersion: HELM_VALUES_API_VERSION, kind: HELM_VALUES_KIND, name: 'nats-values',
      body: { config: { cluster: { enabled: true, replicas } } },
    });
    const p = planChanges([values(5)], [values(3)]);
    expect(p.findings).toEqual([expect.objectContaining({ rule: 'helm.cluster-shrink', severity: 'warning' })]);
  });
});
