import { Testing } from 'cdk8s';
import { ConsumerConfig } from '../../lib/config/types';
import { streamAndConsumers } from '../support/resolved';

function render(props: Partial<ConsumerConfig> = {}, retention: 'limits' | 'workqueue' = 'limits') {
  const { chart } = streamAndConsumers(
    { name: 'orders', subjects: ['orders.>', 'refunds.*'], maxBytes: '1GB', retention },
    [{ name: 'worker', ...props }],
  );
  return Testing.synth(chart).find((o) => o.kind === 'Consumer')!.spec;
}

describe('JetStreamConsumer', () => {
  test('defaults: explicit ack, ack wait 30s, 5 deliveries, 1000 ack pending, deliver all, pull', () => {
    expect(render()).toEqual({
      streamName: 'orders',
      durableName: 'worker',
      ackPolicy: 'explicit',
      ackWait: '30s',
      maxDeliver: 5,
      maxAckPending: 1000,
      deliverPolicy: 'all',
      replayPolicy: 'instant',
    });
  });

  test('one filter goes in filterSubject, several in filterSubjects', () => {
    expect(render({ filterSubjects: ['orders.created'] })).toMatchObject({ filterSubject: 'orders.created' });
    const spec = render({ filterSubjects: ['orders.created', 'refunds.issued'] });
    expect(spec.filterSubjects).toEqual(['orders.created', 'refunds.issued']);
    expect(spec.filterSubject).toBeUndefined();
  });

  test('a filter is inside the stream when any of its subjects covers it', () => {
    expect(render({ filterSubjects: ['refunds.*'] }).filterSubject).toBe('refunds.*');
  });

  test('fails when two filters overlap (server 10138)', () => {
    expect(() => render({ filterSubjects: ['orders.>', 'orders.created'] })).toThrow(
      /field "filterSubjects\[1\]" has invalid value "orders.created".*10138/,
    );
  });

  test('fails when a push consumer delivers into its own stream (server 10081)', () => {
    expect(() => render({ deliverSubject: 'orders.out' })).toThrow(/field "deliverSubject".*10081/);
  });

  test('fails when a pull batch limit is set on a push consumer', () => {
    expect(() => render({ deliverSubject: 'deliver.worker', maxRequestBatch: 10 })).toThrow(
      /field "maxRequestBatch".*only on pull consumers/,
    );
  });

  test("fails when consumer replicas differ from a workqueue stream's (server 10134)", () => {
    expect(() => render({ replicas: 1 }, 'workqueue')).toThrow(
      /field "replicas" has invalid value 1.*exactly 3.*must equal the stream's \(error 10134/,
    );
  });

  test('fails when deliverPolicy lastPerSubject has no filter', () => {
    expect(() => render({ deliverPolicy: 'lastPerSubject' })).toThrow(/field "filterSubjects".*lastPerSubject/);
  });
});

test("a consumer connects through its stream's NACK Account (resolved in the consumer's own namespace)", () => {
  const streamConfig = { name: 'orders', subjects: ['orders.>'], maxBytes: '1GB' };
  const { chart } = streamAndConsumers(streamConfig, [{ name: 'worker' }], { account: 'nats' });
  const objects = Testing.synth(chart);
  expect(objects.find((o) => o.kind === 'Stream')!.spec.account).toBe('nats');
  expect(objects.find((o) => o.kind === 'Consumer')!.spec.account).toBe('nats');
});
