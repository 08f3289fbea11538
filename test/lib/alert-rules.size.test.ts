// The size property behind one rule per alert and the repeated dashboard row (docs/benchmark.md,
// "Scale: output volume is the cost"): a backbone of 1,000 streams must still apply. Kubernetes
// refuses a ConfigMap over 1 MiB and etcd objects over about 1.5 MiB, so every rendered object
// must stay under 1 MiB, and the alerting objects may grow only by their small threshold series.
// Not timed: sizes only (npm run bench measures time).
import * as yaml from 'js-yaml';
import { generatedEnvironments } from '../../bench/generated-config';
import { synthesize } from '../../main';

const MIB = 1024 * 1024;
/** kubectl's client-side apply stores the object in an annotation of at most 262144 bytes. */
const LAST_APPLIED_LIMIT = 262_144;

/** The prod variant of the benchmark's generated config: N streams, 3 consumers and 1 KEDA scaler each. */
function renderProd(streams: number): Array<{ path: string; bytes: number; kind: string; name: string; doc: any }> {
  const prod = generatedEnvironments(streams).find((e) => e.name === 'prod')!;
  return synthesize([prod], {})
    .filter((f) => f.path.endsWith('.yaml'))
    .map((f) => {
      const doc = yaml.load(f.content) as any;
      return { path: f.path, bytes: Buffer.byteLength(f.content), kind: doc?.kind, name: doc?.metadata?.name, doc };
    });
}
const alertingBytes = (files: ReturnType<typeof renderProd>) =>
  files
    .filter((f) => f.kind === 'PrometheusRule' || (f.kind === 'ConfigMap' && f.name === 'nats-dashboard'))
    .reduce((n, f) => n + f.bytes, 0);

describe('1,000 streams with 3 consumers each (bench/generated-config.ts, prod)', () => {
  const small = renderProd(100);
  const large = renderProd(1000);

  test("every rendered manifest is under 1 MiB (a ConfigMap's limit, below etcd's)", () => {
    expect(large.length).toBeGreaterThan(5000);
    const over = large.filter((f) => f.bytes >= MIB).map((f) => `${f.path}: ${f.bytes}`);
    expect(over).toEqual([]);
  });

  test("the PrometheusRules and the dashboard each stay under kubectl's 262144-byte last-applied annotation", () => {
    const alerting = large.filter((f) => f.kind === 'PrometheusRule' || f.name === 'nats-dashboard');
    expect(alerting.length).toBeGreaterThan(2);
    for (const f of alerting)
      expect({ file: f.path, under: f.bytes < LAST_APPLIED_LIMIT }).toEqual({ file: f.path, under: true });
  });

  test('the PrometheusRules and the dashboard grow by less than 2 KB per stream (they grew by about 36 KB before)', () => {
    const perStream = (alertingBytes(large) - alertingBytes(small)) / 900;
    expect(perStream).toBeGreaterThan(0);
    expect(perStream).toBeLessThan(2000);
  });

  test(
    'the alerts object and the dashboard do not grow with the streams at all (the ' +
      'stream variable adds one short option each)',
    () => {
      const bytesOf = (files: ReturnType<typeof renderProd>, name: string) => files.find((f) => f.name === name)!.bytes;
      // The same rules; only the file-store alert's text names the store size, which the streams' maxBytes add up to.
      const alertsOf = (files: ReturnType<typeof renderProd>) =>
        JSON.stringify(files.find((f) => f.name === 'nats-alerts')!.doc).replace(
          /max_file_store [^)]*\), PVC \w+/,
          'max_file_store <size>',
        );
      expect(alertsOf(large)).toBe(alertsOf(small));
      expect(Math.abs(bytesOf(large, 'nats-alerts') - bytesOf(small, 'nats-alerts'))).toBeLessThan(16);
      const dashboardGrowth = (bytesOf(large, 'nats-dashboard') - bytesOf(small, 'nats-dashboard')) / 900;
      expect(dashboardGrowth).toBeLessThan(16); // "s999," plus nothing per consumer
    },
  );

  test(
    'every generated consumer and stream still gets its threshold series, split ' +
      'over numbered objects in config order',
    () => {
      const thresholdFiles = large.filter((f) => f.kind === 'PrometheusRule' && f.name !== 'nats-alerts');
      expect(thresholdFiles.map((f) => f.name)).toEqual(thresholdFiles.map((_, i) => `nats-alert-thresholds-${i + 1}`));
      const rules = thresholdFiles.flatMap((f) => f.doc.spec.groups.flatMap((g: any) => g.rules));
      expect(rules.filter((r: any) => r.record === 'overmind:consumer:info')).toHaveLength(3000);
      expect(rules.filter((r: any) => r.record === 'overmind:stream:info')).toHaveLength(1000);
      expect(rules.filter((r: any) => r.record === 'overmind:consumer_scaler_capacity:threshold')).toHaveLength(1000);
      // Config order: stream s0 first, s999 last.
      expect(rules[0].labels.stream_name).toBe('s0');
      expect(rules[rules.length - 1].labels.stream_name).toBe('s999');
    },
  );
});
