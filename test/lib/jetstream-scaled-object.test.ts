import { Testing } from 'cdk8s';
import { JetStreamConsumer } from '../../lib/constructs/jetstream/jetstream-consumer';
import { JetStreamScaledObject, JetStreamScaledObjectProps } from '../../lib/constructs/keda/jetstream-scaled-object';
import { JetStreamStream } from '../../lib/constructs/jetstream/jetstream-stream';

function render(props: Partial<JetStreamScaledObjectProps> = {}) {
  const chart = Testing.chart();
  const stream = new JetStreamStream(chart, 'S', {
    name: 'orders',
    subjects: ['orders.>'],
    maxBytes: '1GB',
    clusterSize: 3,
  });
  const consumer = new JetStreamConsumer(chart, 'C', { name: 'worker', stream });
  new JetStreamScaledObject(chart, 'K', {
    target: 'orders-worker',
    consumer,
    monitoringEndpoint: 'nats-headless.ns.svc.cluster.local:8222',
    account: '$G',
    ...props,
  });
  return Testing.synth(chart).find((o) => o.kind === 'ScaledObject')!;
}

describe('JetStreamScaledObject', () => {
  test('renders every trigger metadata value as a string (the CRD types them string)', () => {
    const object = render({ lagThreshold: 25, activationLagThreshold: 5, useHttps: true });
    expect(object.metadata.name).toBe('orders-worker-nats-scaler');
    expect(object.spec.triggers).toEqual([
      {
        type: 'nats-jetstream',
        metadata: {
          natsServerMonitoringEndpoint: 'nats-headless.ns.svc.cluster.local:8222',
          account: '$G',
          stream: 'orders',
          consumer: 'worker',
          lagThreshold: '25',
          activationLagThreshold: '5',
          useHttps: 'true',
        },
      },
    ]);
  });

  test("durations become KEDA's integer seconds; fallback sits between min and max", () => {
    const { spec } = render({ pollingInterval: '1m', cooldownPeriod: '10m', minReplicas: 0, maxReplicas: 8 });
    expect(spec).toMatchObject({ pollingInterval: 60, cooldownPeriod: 600, minReplicaCount: 0, maxReplicaCount: 8 });
    expect(spec.fallback).toEqual({ failureThreshold: 3, replicas: 2, behavior: 'currentReplicasIfHigher' });
  });

  test('fails when the fallback lies outside min..max', () => {
    expect(() => render({ minReplicas: 1, maxReplicas: 3, fallbackReplicas: 5 })).toThrow(
      /field "fallbackReplicas" has invalid value 5.*from 1 to 3/,
    );
  });

  test('fails when the target is not a Kubernetes name', () => {
    expect(() => render({ target: 'Orders_Worker' })).toThrow(/field "target" has invalid value "Orders_Worker"/);
  });
});
