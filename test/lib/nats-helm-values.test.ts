import { Testing } from 'cdk8s';
import { ConfigError, ConfigProblem } from '../../lib/config/errors';
import { NatsClusterConfig } from '../../lib/config/types';
import { DEFAULT_FILE_STORAGE_SIZE } from '../../lib/config/resolve-nats';
import { NatsHelmValues } from '../../lib/constructs/nats/nats-helm-values';
import { resolveTest } from '../support/resolved';

function build(
  nats: NatsClusterConfig = {},
  streamSizes: Array<[string, 'file' | 'memory']> = [
    ['1GB', 'file'],
    ['5GB', 'file'],
  ],
) {
  const streams = streamSizes.map(([maxBytes, storage], i) => ({
    name: `s${i}`,
    subjects: [`s${i}.>`],
    maxBytes,
    storage,
  }));
  return new NatsHelmValues(Testing.chart(), 'N', resolveTest({ namespace: 'ns', nats, streams }).nats);
}

function problemOf(build: () => unknown): ConfigProblem {
  try {
    build();
  } catch (e) {
    if (e instanceof ConfigError) return e.problem;
    throw e;
  }
  throw new Error('expected a ConfigError, but the values were built');
}

describe('NatsHelmValues', () => {
  test("names follow the chart's nats.fullname rule (helm.md §2)", () => {
    expect(build().fullname).toBe('nats');
    expect(build({ releaseName: 'events' }).fullname).toBe('events-nats');
    expect(build({ releaseName: 'events' }).monitoringEndpoint).toBe('events-nats-headless.ns.svc.cluster.local:8222');
    expect(build({ releaseName: 'events' }).serverSelectorLabels['app.kubernetes.io/instance']).toBe('events');
  });

  test(
    'the file store is the configured PVC size, not derived from the streams; ' +
      'max_file_store is 95% of it (nats-io/k8s#717)',
    () => {
      const values = build({ fileStorageSize: '16GiB' });
      expect(values.model.fileStoreRequired.bytes).toBe(6 * 1024 ** 3);
      expect(values.fileStoragePvc.toQuantity()).toBe('16Gi');
      expect(values.fileStoreMax.toQuantity()).toBe('15564Mi'); // floor(16 GiB x 0.95) in MiB
      expect((values.values as any).config.jetstream.fileStore).toMatchObject({
        pvc: { size: '16Gi' },
        maxSize: '15564Mi',
      });
    },
  );

  test('adding or growing a stream that fits changes nothing in the file store values', () => {
    const before = build({ fileStorageSize: '16GiB' }).values as any;
    const moreStreams = build({ fileStorageSize: '16GiB' }, [
      ['1GB', 'file'],
      ['5GB', 'file'],
      ['2GB', 'file'],
      ['1GB', 'memory'],
    ]).values as any;
    expect(moreStreams.config.jetstream.fileStore).toEqual(before.config.jetstream.fileStore);
  });

  test(
    `without fileStorageSize the store is the fixed default ` +
      `${DEFAULT_FILE_STORAGE_SIZE} (the chart's own), whatever the streams`,
    () => {
      expect(build({}, [['1MB', 'file']]).fileStoragePvc.toQuantity()).toBe('10Gi');
      expect(build({}, [['9GB', 'file']]).fileStoragePvc.toQuantity()).toBe('10Gi');
    },
  );

  test(
    'fails when the file streams do not fit, naming the field, a size to set as ' +
      'written, and the streams largest first',
    () => {
      const problem = problemOf(() =>
        build({ fileStorageSize: '8GiB' }, [
          ['1GB', 'file'],
          ['5GB', 'file'],
          ['2GB', 'file'],
          ['500MB', 'file'],
          ['4GB', 'memory'],
        ]),
      );
      expect(problem.field).toBe('nats.fileStorageSize');
      expect(problem.value).toBe('8GiB');
      // 8.5 GiB of file streams (the memory stream does not count) against 95% of 8 GiB = 7.6 GiB.
      expect(problem.allowed).toMatch(
        /reserve 8\.49GiB \("s1" 5GiB, "s2" 2GiB, "s0" 1GiB, "s3" 500MiB\).*max_file_store is 95% of 8GiB = 7\.6GiB.*at least 9GiB/,
      );
      expect(problem.fix).toMatch(/^write nats: \{ fileStorageSize: "14GiB" \}/);
      expect(problem.fix).toMatch(/docs\/operations\.md#growing-the-jetstream-file-store/);
      // The suggested literal is accepted as written and holds the streams.
      expect(() =>
        build({ fileStorageSize: '14GiB' }, [
          ['1GB', 'file'],
          ['5GB', 'file'],
          ['2GB', 'file'],
          ['500MB', 'file'],
        ]),
      ).not.toThrow();
    },
  );

  test('the default store fails like an explicit one when the streams outgrow it, and says it was the default', () => {
    const problem = problemOf(() =>
      build({}, [
        ['6GB', 'file'],
        ['4GB', 'file'],
      ]),
    );
    expect(problem.value).toBe(DEFAULT_FILE_STORAGE_SIZE);
    expect(problem.allowed).toMatch(/10GiB is the default when fileStorageSize is not set/);
    expect(problem.fix).toMatch(/fileStorageSize: "16GiB"/);
  });

  test('streams exactly filling max_file_store fit; one MiB more does not', () => {
    // 16 GiB x 0.95 = 15564 MiB.
    expect(() => build({ fileStorageSize: '16GiB' }, [['15564MB', 'file']])).not.toThrow();
    expect(() => build({ fileStorageSize: '16GiB' }, [['15565MB', 'file']])).toThrow(/field "nats.fileStorageSize"/);
  });

  test('a config with many streams names the ten largest and counts the rest', () => {
    const sizes = Array.from({ length: 12 }, (_, i): [string, 'file'] => [`${i + 1}GB`, 'file']);
    const problem = problemOf(() => build({ fileStorageSize: '10GiB' }, sizes));
    expect(problem.allowed).toMatch(/\("s11" 12GiB, "s10" 11GiB, .*"s2" 3GiB and 2 more\)/);
  });

  test('memory streams enable the memory store, sized with memoryStoreHeadroom', () => {
    const values = build({}, [
      ['1GB', 'file'],
      ['256MB', 'memory'],
    ]).values as any;
    expect(values.config.jetstream.memoryStore).toEqual({ enabled: true, maxSize: '320Mi' });
    const noRoom = build({ memoryStoreHeadroom: 0 }, [
      ['1GB', 'file'],
      ['256MB', 'memory'],
    ]).values as any;
    expect(noRoom.config.jetstream.memoryStore).toEqual({ enabled: true, maxSize: '256Mi' });
  });

  test('a single server runs without clustering', () => {
    expect((build({ replicas: 1 }).values as any).config.cluster).toEqual({ enabled: false });
  });

  test('an explicit PVC size is kept when it fits', () => {
    expect((build({ fileStorageSize: '20GiB' }).values as any).config.jetstream.fileStore.pvc.size).toBe('20Gi');
  });

  test('fails on the memory stream when it alone cannot fit in the memory limit', () => {
    expect(() => build({ resources: { memory: '512MiB' } }, [['1GB', 'memory']])).toThrow(
      /Stream "s0": field "maxBytes" .*at most 204MiB .*Fix: write maxBytes: "204MiB"/,
    );
    expect(() => build({ resources: { memory: '512MiB' } }, [['204MiB', 'memory']])).not.toThrow();
  });

  test('fails on the memory limit, naming the memory streams, when they fit only one by one', () => {
    expect(() =>
      build({ resources: { memory: '1GiB' } }, [
        ['400MiB', 'memory'],
        ['300MiB', 'memory'],
        ['5GB', 'file'],
      ]),
    ).toThrow(
      /field "nats.resources.memory" .*"s0" 400MiB, "s1" 300MiB.*Fix: write nats: \{ resources: \{ memory: "2GiB" \} \}/,
    );
    expect(() =>
      build({ resources: { memory: '2GiB' } }, [
        ['400MiB', 'memory'],
        ['300MiB', 'memory'],
        ['5GB', 'file'],
      ]),
    ).not.toThrow();
  });
});
