import { Testing } from 'cdk8s';
import { JetStreamStream } from '../../lib/jetstream-stream';
import { NatsHelmValues, NatsHelmValuesProps } from '../../lib/nats-helm-values';

function build(props: Partial<NatsHelmValuesProps> = {}, streamSizes: Array<[string, 'file' | 'memory']> = [['1GB', 'file'], ['5GB', 'file']]) {
  const chart = Testing.chart();
  const streams = streamSizes.map(([maxBytes, storage], i) => new JetStreamStream(chart, `S${i}`, { name: `s${i}`, subjects: [`s${i}.>`], maxBytes, storage, clusterSize: 3 }));
  return new NatsHelmValues(chart, 'N', { namespace: 'ns', streams, ...props });
}

describe('NatsHelmValues', () => {
  test('names follow the chart\'s nats.fullname rule (helm.md §2)', () => {
    expect(build().fullname).toBe('nats');
    expect(build({ releaseName: 'events' }).fullname).toBe('events-nats');
    expect(build({ releaseName: 'events' }).monitoringEndpoint).toBe('events-nats-headless.ns.svc.cluster.local:8222');
    expect(build({ releaseName: 'events' }).serverSelectorLabels['app.kubernetes.io/instance']).toBe('events');
  });

  test('the PVC holds the sum of all file streams plus headroom; max_file_store stays below the claim (nats-io/k8s#717)', () => {
    const values = build({ storageHeadroom: 0.25 });
    expect(values.fileStoreRequired.bytes).toBe(6 * 1024 ** 3);
    expect(values.fileStoreMax.bytes).toBeGreaterThanOrEqual(7.5 * 1024 ** 3);
    expect(values.fileStoreMax.bytes).toBeLessThan(values.fileStoragePvc.bytes);
    expect(values.fileStoragePvc.toQuantity()).toBe('8Gi');
  });

  test('memory streams enable the memory store, sized with headroom', () => {
    const values = build({}, [['1GB', 'file'], ['256MB', 'memory']]).values as any;
    expect(values.config.jetstream.memoryStore).toEqual({ enabled: true, maxSize: '320Mi' });
  });

  test('a single server runs without clustering', () => {
    expect((build({ replicas: 1 }).values as any).config.cluster).toEqual({ enabled: false });
  });

  test('an explicit PVC size is kept when it fits', () => {
    expect((build({ fileStorageSize: '20GiB' }).values as any).config.jetstream.fileStore.pvc.size).toBe('20Gi');
  });

  test('fails on the memory stream when it alone cannot fit in the memory limit', () => {
    expect(() => build({ resources: { memory: '512MiB' } }, [['1GB', 'memory']]))
      .toThrow(/Stream "s0": field "maxBytes" .*at most 204MiB .*Fix: write maxBytes: "204MiB"/);
    expect(() => build({ resources: { memory: '512MiB' } }, [['204MiB', 'memory']])).not.toThrow();
  });

  test('fails on the memory limit, naming the memory streams, when they fit only one by one', () => {
    expect(() => build({ resources: { memory: '1GiB' } }, [['400MiB', 'memory'], ['300MiB', 'memory'], ['5GB', 'file']]))
      .toThrow(/field "nats.resources.memory" .*"s0" 400MiB, "s1" 300MiB.*Fix: write nats: \{ resources: \{ memory: "2GiB" \} \}/);
    expect(() => build({ resources: { memory: '2GiB' } }, [['400MiB', 'memory'], ['300MiB', 'memory'], ['5GB', 'file']])).not.toThrow();
  });
});
