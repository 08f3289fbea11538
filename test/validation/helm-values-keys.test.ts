// Every key of our NATS Helm values (dist/<env>/helm/*.yaml) must exist in the chart's default
// values (nats-chart-values.yaml, chart 2.14.2) with the same type: Helm ignores unknown keys and
// the chart has no values.schema.json (helm.md §0), so a typo is a setting that never applies.
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { DistDocument, listEnvironments, listHelmValuesFiles, loadDocuments } from '../support/dist';
import { checkValuesKeys, valuesPath } from '../support/helm-values-keys';
import { cloneJson, formatViolations } from '../support/schema-validation';
import { describeWithShared, REPO_ROOT, requireSharedFile } from '../support/shared';

const CHART_DEFAULTS = 'reference/nats-chart-values.yaml';
const valuesDocs: DistDocument[] = listEnvironments().flatMap((env) => listHelmValuesFiles(env).flatMap((file) => loadDocuments(env, file)));

describeWithShared([CHART_DEFAULTS])('NATS Helm values keys against the chart defaults (nats-chart-values.yaml)', () => {
  let defaults: Record<string, unknown>;
  beforeAll(() => {
    defaults = yaml.load(fs.readFileSync(requireSharedFile(CHART_DEFAULTS), 'utf8')) as Record<string, unknown>;
  });
  const check = (values: unknown) => formatViolations(checkValuesKeys(values, defaults));

  test('every environment has Helm values to check', () => {
    for (const env of listEnvironments()) expect({ env, values: valuesDocs.some((d) => d.env === env) }).toEqual({ env, values: true });
    // the files are read, not assumed: they exist where the loader says
    for (const d of valuesDocs) expect(fs.existsSync(path.join(REPO_ROOT, d.file))).toBe(true);
  });

  test.each(valuesDocs.map((d) => [d.file, d] as const))('%s', (_file, doc) => {
    expect(check(doc.content)).toEqual([]);
  });

  describe('fails when', () => {
    const ours = () => {
      if (valuesDocs.length === 0) throw new Error('no Helm values in dist/ to break');
      return cloneJson(valuesDocs[0].content) as any;
    };

    test('(baseline) the unbroken values pass', () => {
      expect(check(ours())).toEqual([]);
    });

    test('a key is misspelled (promExporter.enabeld)', () => {
      const values = ours();
      values.promExporter = { ...values.promExporter, enabeld: true };
      expect(check(values)).toEqual([`promExporter.enabeld: unknown key: not in the chart's default values, so Helm ignores it (did you mean "promExporter.enabled"?)`]);
    });

    test('a nested key is misspelled (config.jetstream.fileStore.pvc.sise)', () => {
      const values = ours();
      values.config.jetstream.fileStore.pvc.sise = '10Gi';
      expect(check(values)).toEqual([expect.stringMatching(/^config\.jetstream\.fileStore\.pvc\.sise: unknown key/)]);
    });

    test('a top-level key is unknown (nats)', () => {
      expect(check({ ...ours(), nats: { jetstream: { enabled: true } } })).toEqual([expect.stringMatching(/^nats: unknown key/)]);
    });

    test('a boolean becomes a string (config.cluster.enabled: "true")', () => {
      const values = ours();
      values.config.cluster = { ...values.config.cluster, enabled: 'true' };
      expect(check(values)).toEqual(['config.cluster.enabled: must be a boolean like the chart\'s default (false), got string "true"']);
    });

    test('a number becomes a string (config.monitor.port: "8222")', () => {
      const values = ours();
      values.config.monitor = { ...values.config.monitor, port: '8222' };
      expect(check(values)).toEqual([expect.stringContaining('config.monitor.port: must be a number')]);
    });

    test('merge is not a map or patch is not a list', () => {
      const values = ours();
      values.config.merge = ['authorization'];
      values.container = { ...values.container, patch: { op: 'add' } };
      expect(check(values)).toEqual([expect.stringContaining('config.merge: must be a map'), expect.stringContaining('container.patch: must be a list')]);
    });
  });

  describe('free-form subtrees stay open', () => {
    test('merge/patch contents, env maps and map-typed keys whose default is {}', () => {
      const values = {
        config: { merge: { authorization: { token: '<< $NATS_TOKEN >>' } }, jetstream: { merge: { domain: 'hub' } } },
        container: { env: { GOMEMLIMIT: '3276MiB', NATS_TOKEN: { valueFrom: { secretKeyRef: { name: 'nats-auth', key: 'token' } } } }, patch: [{ op: 'add', path: '/x', value: 1 }] },
        natsBox: { container: { env: { NATS_TOKEN: 'x' } } },
        promExporter: { env: { FOO: 'bar' } },
        global: { labels: { 'app.kubernetes.io/part-of': 'overmind-nats' } },
        podTemplate: { topologySpreadConstraints: { 'kubernetes.io/hostname': { maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' } } },
      };
      expect(check(values)).toEqual([]);
    });

    test('a key whose default is empty (config.jetstream.fileStore.maxSize:) takes any value', () => {
      expect(check({ config: { jetstream: { fileStore: { maxSize: '8755Mi' } } } })).toEqual([]);
    });
  });
});

test('valuesPath quotes keys that are not plain identifiers', () => {
  expect(valuesPath(['podTemplate', 'topologySpreadConstraints', 'kubernetes.io/hostname'])).toBe('podTemplate.topologySpreadConstraints["kubernetes.io/hostname"]');
  expect(valuesPath(['promExporter', 'enabled'])).toBe('promExporter.enabled');
});
