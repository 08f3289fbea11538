import { ENVIRONMENTS } from '../../config';
import { EnvironmentConfig } from '../../lib/config/types';
import { goDurationToNanos } from '../../lib/config/go-duration';
import { OVERMIND_STREAMS } from '../../lib/config/overmind-topology';
import { synthesize } from '../../main';
import { findObject, objectsOfKind, synthEnvironment } from '../support/synth';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const SECOND_NS = 1e9;
const HOUR_NS = 3600 * SECOND_NS;
const envConfig = (name: string): EnvironmentConfig => ENVIRONMENTS.find((e) => e.name === name)!;

/** The spec's "Streams" section, field by field. */
const SPEC_STREAMS = [
  { name: 'routing-decisions', subjects: ['routing.>'], maxAgeNs: 7 * 24 * HOUR_NS, maxBytes: 1 * GIB },
  { name: 'memory-events', subjects: ['memory.>'], maxAgeNs: 30 * 24 * HOUR_NS, maxBytes: 5 * GIB },
  { name: 'llm-requests', subjects: ['llm.>'], maxAgeNs: 24 * HOUR_NS, maxBytes: 500 * MIB },
];

/** The spec's "Consumers" section, field by field. */
const SPEC_CONSUMERS = [
  {
    name: 'api-consumer',
    stream: 'routing-decisions',
    filter: 'routing.>',
    maxDeliver: 3,
    ackWaitNs: 30 * SECOND_NS,
    batch: undefined,
  },
  {
    name: 'analytics-consumer',
    stream: 'routing-decisions',
    filter: 'routing.>',
    maxDeliver: 5,
    ackWaitNs: 60 * SECOND_NS,
    batch: 1000,
  },
  {
    name: 'consolidation-consumer',
    stream: 'memory-events',
    filter: 'memory.consolidated',
    maxDeliver: 3,
    ackWaitNs: 120 * SECOND_NS,
    batch: undefined,
  },
  {
    name: 'metrics-consumer',
    stream: 'llm-requests',
    filter: 'llm.>',
    maxDeliver: 3,
    ackWaitNs: 30 * SECOND_NS,
    batch: undefined,
  },
];

/** Labels the NATS chart puts on its server pods' selectors (helm.md §2 `nats.selectorLabels`). */
const CHART_SERVER_POD_LABELS = {
  'app.kubernetes.io/name': 'nats',
  'app.kubernetes.io/instance': 'nats',
  'app.kubernetes.io/component': 'nats',
};

describe('prod reproduces the spec exactly', () => {
  const { chart, objects } = synthEnvironment(envConfig('prod'));

  test('every object lives in namespace overmind-prod', () => {
    for (const o of objects) expect(o.metadata.namespace).toBe('overmind-prod');
  });

  test.each(SPEC_STREAMS)('stream $name: subjects, limits retention, max age, max bytes, file storage, R3', (spec) => {
    const stream = findObject(objects, 'Stream', spec.name);
    expect(stream.apiVersion).toBe('jetstream.nats.io/v1beta2');
    expect(stream.spec.name).toBe(spec.name);
    expect(stream.spec.subjects).toEqual(spec.subjects);
    expect(stream.spec.retention).toBe('limits');
    expect(goDurationToNanos(stream.spec.maxAge)).toBe(spec.maxAgeNs);
    expect(stream.spec.maxAge).not.toMatch(/d/); // Go has no day unit (nack.md §0.4)
    expect(stream.spec.maxBytes).toBe(spec.maxBytes);
    expect(stream.spec.storage).toBe('file'); // the CRD would default to memory (nack.md §1a)
    expect(stream.spec.replicas).toBe(3);
  });

  test.each(SPEC_CONSUMERS)(
    'consumer $name: durable pull, stream, filter, explicit ack, max deliver, ack wait, batch',
    (spec) => {
      const consumer = findObject(objects, 'Consumer', spec.name);
      expect(consumer.apiVersion).toBe('jetstream.nats.io/v1beta2');
      expect(consumer.spec.durableName).toBe(spec.name);
      expect(consumer.spec.streamName).toBe(spec.stream);
      expect(consumer.spec.filterSubject).toBe(spec.filter);
      expect(consumer.spec.deliverSubject).toBeUndefined(); // pull
      expect(consumer.spec.ackPolicy).toBe('explicit'); // the CRD would default to none (nack.md §0.3)
      expect(goDurationToNanos(consumer.spec.ackWait)).toBe(spec.ackWaitNs); // the CRD would default to 1ns
      expect(consumer.spec.maxDeliver).toBe(spec.maxDeliver);
      expect(consumer.spec.maxRequestBatch).toBe(spec.batch);
      expect(consumer.spec.replicas).toBeUndefined(); // inherits the stream's R3
    },
  );

  test('KEDA scales overmind-api on api-consumer with lag threshold 10, through the headless Service', () => {
    const [scaler] = objectsOfKind(objects, 'ScaledObject');
    expect(scaler.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaler.metadata.name).toBe('api-scaler-nats');
    expect(scaler.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'overmind-api' });
    const [trigger] = scaler.spec.triggers;
    expect(trigger.type).toBe('nats-jetstream');
    expect(trigger.metadata).toMatchObject({
      stream: 'routing-decisions',
      consumer: 'api-consumer',
      lagThreshold: '10',
      account: '$G', // token auth, no accounts (helm.md §1c)
      // Not the spec's "nats:8222": KEDA finds the consumer leader as <pod>.<endpoint> (keda-prom-argo.md (a)).
      natsServerMonitoringEndpoint: 'nats-headless.overmind-prod.svc.cluster.local:8222',
    });
    for (const value of Object.values(trigger.metadata)) expect(typeof value).toBe('string');
    expect(scaler.spec.minReplicaCount).toBeLessThanOrEqual(scaler.spec.maxReplicaCount);
    expect(scaler.spec.fallback.replicas).toBeGreaterThanOrEqual(scaler.spec.minReplicaCount);
    expect(scaler.spec.fallback.replicas).toBeLessThanOrEqual(scaler.spec.maxReplicaCount);
  });

  test('Helm values: 3-node cluster, JetStream on a PVC that holds every stream, token from the nats-auth Secret', () => {
    const values = chart.nats.values as any;
    expect(values.config.cluster).toEqual({ enabled: true, replicas: 3 });
    expect(values.config.jetstream.enabled).toBe(true);
    expect(values.config.jetstream.fileStore.pvc.enabled).toBe(true);
    // Every node reserves the full maxBytes of each R3 stream: 6.5 GiB for the spec (tooling.md §2).
    expect(chart.nats.model.fileStoreRequired.bytes).toBe(SPEC_STREAMS.reduce((sum, s) => sum + s.maxBytes, 0));
    expect(chart.nats.fileStoreMax.bytes).toBeGreaterThanOrEqual(chart.nats.model.fileStoreRequired.bytes * 1.25);
    expect(chart.nats.fileStoragePvc.bytes).toBeGreaterThan(chart.nats.fileStoreMax.bytes);
    expect(values.config.jetstream.fileStore.pvc.size).toBe(chart.nats.fileStoragePvc.toQuantity());
    expect(values.config.jetstream.fileStore.maxSize).toBe(chart.nats.fileStoreMax.toQuantity());
    expect(values.config.merge.authorization.token).toBe('<< $NATS_TOKEN >>');
    expect(values.container.env.NATS_TOKEN).toEqual({
      valueFrom: { secretKeyRef: { name: 'nats-auth', key: 'token' } },
    });
    expect(values.config.monitor).toEqual({ enabled: true, port: 8222 });
    expect(values.promExporter).toMatchObject({ enabled: true, port: 7777, podMonitor: { enabled: false } });
    expect(values.podDisruptionBudget.enabled).toBe(true);
    expect(values.podTemplate.topologySpreadConstraints['kubernetes.io/hostname'].whenUnsatisfiable).toBe(
      'DoNotSchedule',
    );
    expect(values.container.resources.requests.memory).toBe(values.container.resources.limits.memory);
    expect(values.namespaceOverride).toBe('overmind-prod');
  });
});

describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('environment %s', (_name, config) => {
  const { chart, objects } = synthEnvironment(config);
  const clusterSize = config.nats?.replicas ?? 3;

  test('has the spec topology: 3 streams, 4 consumers, the overmind-api scaler', () => {
    expect(
      objectsOfKind(objects, 'Stream')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(SPEC_STREAMS.map((s) => s.name).sort());
    expect(
      objectsOfKind(objects, 'Consumer')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(SPEC_CONSUMERS.map((c) => c.name).sort());
    expect(objectsOfKind(objects, 'ScaledObject').map((o) => o.spec.scaleTargetRef.name)).toEqual(['overmind-api']);
  });

  test('stream replicas fit the cluster, storage is file and the PVC holds every stream', () => {
    for (const stream of objectsOfKind(objects, 'Stream')) {
      expect(stream.spec.replicas).toBe(Math.min(3, clusterSize));
      expect(stream.spec.storage).toBe('file');
      expect(stream.spec.maxAge).toMatch(/^(\d+h)?(\d+m)?(\d+s)?$/);
    }
    const total = objectsOfKind(objects, 'Stream').reduce((sum, s) => sum + s.spec.maxBytes, 0);
    expect(chart.nats.fileStoreMax.bytes).toBeGreaterThanOrEqual(total);
    expect((chart.nats.values as any).config.cluster.enabled).toBe(clusterSize > 1);
  });

  test('every consumer always carries ackPolicy and ackWait (CRD defaults none and 1ns)', () => {
    for (const consumer of objectsOfKind(objects, 'Consumer')) {
      expect(consumer.spec.ackPolicy).toBe('explicit');
      expect(goDurationToNanos(consumer.spec.ackWait)).toBeGreaterThanOrEqual(SECOND_NS);
    }
  });

  test("the metrics Service selects exactly the chart's NATS server pods (not nats-box) on the exporter port", () => {
    const service = findObject(objects, 'Service', 'nats-metrics');
    expect(service.spec.selector).toEqual(CHART_SERVER_POD_LABELS);
    expect(service.spec.ports).toEqual([
      expect.objectContaining({ name: 'prom-metrics', port: 7777, targetPort: 'prom-metrics' }),
    ]);
  });

  test('the ServiceMonitor selects the metrics Service by its own labels and scrapes its named port', () => {
    const service = findObject(objects, 'Service', 'nats-metrics');
    const monitor = findObject(objects, 'ServiceMonitor', 'nats-metrics');
    for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels))
      expect(service.metadata.labels![key]).toBe(value);
    // Only labels we own (overmind.dev/): Argo CD label tracking overwrites app.kubernetes.io/instance
    // with the Application name, and a selector on it would stop matching in silence.
    expect(monitor.spec.selector.matchLabels).toEqual({ 'overmind.dev/metrics-service': 'nats-metrics' });
    expect(monitor.spec.endpoints.map((e: any) => e.port)).toEqual(service.spec.ports.map((p: any) => p.name));
  });

  test('every consumer filter lies inside its stream and every scaler points at an existing pull consumer', () => {
    for (const consumer of objectsOfKind(objects, 'Consumer')) {
      const stream = objectsOfKind(objects, 'Stream').find((s) => s.spec.name === consumer.spec.streamName)!;
      expect(stream).toBeDefined();
      const root = stream.spec.subjects[0].replace(/\.>$/, '');
      expect(consumer.spec.filterSubject.startsWith(`${root}.`)).toBe(true);
    }
    for (const scaler of objectsOfKind(objects, 'ScaledObject')) {
      const meta = scaler.spec.triggers[0].metadata;
      const consumer = findObject(objects, 'Consumer', meta.consumer);
      expect(consumer.spec.streamName).toBe(meta.stream);
      expect(meta.natsServerMonitoringEndpoint).toBe(`nats-headless.${config.namespace}.svc.cluster.local:8222`);
    }
  });

  test('the ServiceMonitor still selects the metrics Service once Argo CD label tracking rewrites the instance label', () => {
    const service = findObject(objects, 'Service', 'nats-metrics');
    const monitor = findObject(objects, 'ServiceMonitor', 'nats-metrics');
    const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
      Object.entries(selector).every(([k, v]) => labels[k] === v);
    // What Argo CD with label tracking leaves on the Service: the instance label set to the Application's name.
    const instance = { 'app.kubernetes.io/instance': `overmind-${config.name}-backbone` };
    const tracked: Record<string, string> = { ...service.metadata.labels, ...instance };
    expect(selects(monitor.spec.selector.matchLabels, tracked)).toBe(true);
    // the check can fail: the former selector, on the chart's instance label, no longer matches
    const former = { 'app.kubernetes.io/component': 'metrics', 'app.kubernetes.io/instance': 'nats' };
    expect(selects(former, tracked)).toBe(false);
  });

  test('no object name carries a generated hash suffix', () => {
    for (const o of objects) expect(o.metadata.name).not.toMatch(/-[0-9a-f]{8}$/);
  });
});

test('dev is small: one NATS server, R1 streams, small stores', () => {
  const { chart, objects } = synthEnvironment(envConfig('dev'));
  expect(chart.nats.replicas).toBe(1);
  for (const stream of objectsOfKind(objects, 'Stream')) expect(stream.spec.replicas).toBe(1);
  expect(chart.nats.fileStoragePvc.bytes).toBeLessThanOrEqual(2 * GIB);
});

test('a config that names nothing but itself gets the spec topology', () => {
  const { objects } = synthEnvironment({ name: 'sandbox' });
  expect(objectsOfKind(objects, 'Stream')).toHaveLength(OVERMIND_STREAMS.length);
  expect(objectsOfKind(objects, 'Consumer')).toHaveLength(4);
  expect(objectsOfKind(objects, 'ScaledObject')).toHaveLength(1);
  expect(objects.every((o) => o.metadata.namespace === 'overmind-sandbox')).toBe(true);
});

test('adding a stream, a consumer and a scaler is a few lines of config', () => {
  const { objects } = synthEnvironment({
    name: 'extended',
    streams: [...OVERMIND_STREAMS, { name: 'audit-log', subjects: ['audit.>'], maxAge: '90d', maxBytes: '2GB' }],
    consumers: [{ name: 'audit-writer', stream: 'audit-log', ackWait: '45s', maxDeliver: 4 }],
    scalers: [{ target: 'audit-writer', consumer: 'audit-writer', lagThreshold: 50, maxReplicas: 4 }],
  });
  const stream = findObject(objects, 'Stream', 'audit-log');
  expect(stream.spec).toMatchObject({ maxAge: '2160h', maxBytes: 2 * GIB, storage: 'file', replicas: 3 });
  expect(findObject(objects, 'Consumer', 'audit-writer').spec).toMatchObject({
    ackWait: '45s',
    maxDeliver: 4,
    ackPolicy: 'explicit',
  });
  expect(findObject(objects, 'ScaledObject', 'audit-writer-nats-scaler').spec.triggers[0].metadata).toMatchObject({
    stream: 'audit-log',
    lagThreshold: '50',
  });
});

test('no token literal anywhere in the rendered output, only the $NATS_TOKEN reference', () => {
  const files = synthesize(ENVIRONMENTS);
  for (const file of files) {
    for (const line of file.content.split('\n')) {
      // Any "token" key must be the env reference, the Secret key name, the env var holding the reference,
      // or the NACK Account's token block: `token:` opening it, `token: token` naming the Secret key.
      if (/token\s*:/i.test(line) && !/^\s*#/.test(line))
        expect(line.trim()).toMatch(/^(token: << \$NATS_TOKEN >>|key: token|NATS_TOKEN:|token:|token: token)$/);
    }
    expect(file.content).not.toMatch(/kind: Secret\b/);
  }
});
