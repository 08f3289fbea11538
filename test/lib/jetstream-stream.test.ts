import { Testing } from 'cdk8s';
import { StreamConfig } from '../../lib/config/types';
import { JetStreamStream } from '../../lib/constructs/jetstream/jetstream-stream';
import { resolveStreamForTest } from '../support/resolved';

function render(props: Partial<StreamConfig> & { clusterSize?: number } = {}) {
  const { clusterSize = 3, ...config } = props;
  const chart = Testing.chart();
  const stream = new JetStreamStream(chart, 'S', {
    stream: resolveStreamForTest({ name: 'orders', subjects: ['orders.>'], maxBytes: '1GB', ...config }, clusterSize),
  });
  return { stream, spec: Testing.synth(chart)[0].spec };
}

describe('JetStreamStream', () => {
  test('defaults: file storage, limits retention, no age limit written as "0s", R3 on a 3-node cluster', () => {
    const { stream, spec } = render();
    expect(spec).toEqual({
      name: 'orders',
      subjects: ['orders.>'],
      retention: 'limits',
      maxAge: '0s',
      maxBytes: 1073741824,
      storage: 'file',
      replicas: 3,
      discard: 'old',
      // NACK keeps the stream and its messages when the object is deleted (stream_controller.go:146)
      preventDelete: true,
    });
    expect(stream.model.maxAge).toBeUndefined();
  });

  test('NACK CL mode would give a stream without maxAge a 1-year limit, so "0s" is always emitted (nack.md §0.3)', () => {
    expect(render().spec.maxAge).toBe('0s');
  });

  test('allowDirect (what `nats stream add` turns on) is emitted only when true: NACK sends it only then', () => {
    expect(render({ allowDirect: true }).spec.allowDirect).toBe(true);
    expect(render({ allowDirect: false }).spec).not.toHaveProperty('allowDirect');
    expect(() => render({ allowDirect: 'yes' as never })).toThrow(/allowDirect/);
  });

  test('replicas default to the cluster size capped at 3: R1 on a single server, R3 on five', () => {
    expect(render({ clusterSize: 1 }).spec.replicas).toBe(1);
    expect(render({ clusterSize: 5 }).spec.replicas).toBe(3);
    expect(render({ clusterSize: 5, replicas: 5 }).spec.replicas).toBe(5);
  });

  test('durations render as Go durations and optional limits only when set', () => {
    const { spec } = render({
      maxAge: '30d',
      duplicateWindow: '5m',
      maxMsgs: 1000,
      maxMsgSize: '1MB',
      storage: 'memory',
      discard: 'new',
    });
    expect(spec).toMatchObject({
      maxAge: '720h',
      duplicateWindow: '5m',
      maxMsgs: 1000,
      maxMsgSize: 1048576,
      storage: 'memory',
      discard: 'new',
    });
  });

  test('the Kubernetes name is derived from the JetStream name when they differ', () => {
    const chart = Testing.chart();
    const stream = resolveStreamForTest({ name: 'ORDERS_v2', subjects: ['orders.>'], maxBytes: '1GB' }, 1);
    new JetStreamStream(chart, 'S', { stream });
    const [object] = Testing.synth(chart);
    expect(object.metadata.name).toBe('orders-v2');
    expect(object.spec.name).toBe('ORDERS_v2');
  });

  test('fails when subjects are empty', () => {
    expect(() => render({ subjects: [] })).toThrow(/Stream "orders": field "subjects" has invalid value \[\]/);
  });

  test('fails when a stream captures ">"', () => {
    expect(() => render({ subjects: ['>'] })).toThrow(/field "subjects\[0\]" has invalid value ">"/);
  });

  test("fails when maxMsgSize exceeds nats-server's max_payload (and so the int32 NACK sends)", () => {
    expect(() => render({ maxMsgSize: '3GB' })).toThrow(/field "maxMsgSize".*max_payload/);
    expect(() => render({ maxMsgSize: '2MB' })).toThrow(/field "maxMsgSize".*max_payload/);
    expect(() => render({ maxMsgSize: '1MB' })).not.toThrow();
  });
});
