import { Testing } from 'cdk8s';
import { ScalerConfig } from '../../lib/config/types';
import { JetStreamScaledObject } from '../../lib/constructs/keda/jetstream-scaled-object';
import { NatsHelmValues } from '../../lib/constructs/nats/nats-helm-values';
import { streamAndConsumers } from '../support/resolved';

/** Monitor TLS, with certificate names covering every host KEDA verifies in namespace "ns". */
const MONITOR_TLS = {
  enabled: true,
  monitor: true,
  clientCertificateDnsNames: [
    'nats.ns.svc.cluster.local',
    'localhost',
    'nats-headless.ns.svc.cluster.local',
    '*.nats-headless.ns.svc.cluster.local',
  ],
};

function render(props: Partial<ScalerConfig> & { useHttps?: boolean } = {}) {
  const { useHttps, ...config } = props;
  const scalers = [{ target: 'orders-worker', consumer: 'worker', ...config }];
  const stream = { name: 'orders', subjects: ['orders.>'], maxBytes: '1GB' };
  const nats = useHttps ? { tls: MONITOR_TLS } : {};
  const { chart, env, consumers } = streamAndConsumers(stream, [{ name: 'worker' }], {
    scalers,
    namespace: 'ns',
    nats,
  });
  new JetStreamScaledObject(chart, 'K', {
    scaler: env.scalers[0],
    consumer: consumers[0],
    nats: new NatsHelmValues(chart, 'N', env.nats),
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
