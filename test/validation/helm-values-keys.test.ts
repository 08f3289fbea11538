// Every key of our Helm values (dist/<env>/helm/*.yaml) must exist in its chart's default values
// with the same type: nats-values.yaml against nats-chart-values.yaml (chart 2.14.2), nack-values.yaml
// against the nack chart 0.33.2's values.yaml. Helm ignores unknown keys and neither chart has a
// values.schema.json (helm.md §0), so a typo is a setting that never applies.
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { DistDocument, listEnvironments, listHelmValuesFiles, loadDocuments } from '../support/dist';
import { checkValuesKeys, valuesPath } from '../support/helm-values-keys';
import { cloneJson, formatViolations } from '../support/schema-validation';
import { describeWithShared, REPO_ROOT, requireSharedFile } from '../support/shared';

const CHART_DEFAULTS = 'reference/nats-chart-values.yaml';
const NACK_CHART_DEFAULTS = 'upstream/nack-chart-0.33.2/values.yaml';
/** The chart defaults each values file is written for, by file name. */
const DEFAULTS_BY_FILE: Readonly<Record<string, string>> = {
  'nats-values.yaml': CHART_DEFAULTS,
  'nack-values.yaml': NACK_CHART_DEFAULTS,
};
const valuesDocs: DistDocument[] = listEnvironments().flatMap((env) =>
  listHelmValuesFiles(env).flatMap((file) => loadDocuments(env, file)),
);
const natsValuesDocs = valuesDocs.filter((d) => path.basename(d.file) === 'nats-values.yaml');

describeWithShared([CHART_DEFAULTS, NACK_CHART_DEFAULTS])(
  "Helm values keys against their chart's default values",
  () => {
    let defaultsByFile: Map<string, Record<string, unknown>>;
    let defaults: Record<string, unknown>;
    beforeAll(() => {
      const read = (file: string) =>
        yaml.load(fs.readFileSync(requireSharedFile(file), 'utf8')) as Record<string, unknown>;
      defaultsByFile = new Map(Object.entries(DEFAULTS_BY_FILE).map(([name, file]) => [name, read(file)]));
      defaults = defaultsByFile.get('nats-values.yaml')!;
    });
    const check = (values: unknown) => formatViolations(checkValuesKeys(values, defaults));

    test('every environment has NATS and NACK Helm values to check, and no values file without its chart', () => {
      for (const env of listEnvironments()) {
        const names = valuesDocs
          .filter((d) => d.env === env)
          .map((d) => path.basename(d.file))
          .sort();
        expect({ env, names }).toEqual({ env, names: ['nack-values.yaml', 'nats-values.yaml'] });
      }
      // the files are read, not assumed: they exist where the loader says
      for (const d of valuesDocs) expect(fs.existsSync(path.join(REPO_ROOT, d.file))).toBe(true);
    });

    test.each(valuesDocs.map((d) => [d.file, d] as const))('%s', (_file, doc) => {
      const chartDefaults = defaultsByFile.get(path.basename(doc.file));
      if (!chartDefaults)
        throw new Error(`${doc.file}: no chart defaults known for this values file (DEFAULTS_BY_FILE)`);
      expect(formatViolations(checkValuesKeys(doc.content, chartDefaults))).toEqual([]);
    });

    test('fails when a NACK values key is misspelled (jetstream.controlLop) or a NATS key is in the NACK values', () => {
      const nack = cloneJson(valuesDocs.find((d) => path.basename(d.file) === 'nack-values.yaml')!.content) as any;
      nack.jetstream.controlLop = true;
      nack.promExporter = { enabled: true };
      expect(formatViolations(checkValuesKeys(nack, defaultsByFile.get('nack-values.yaml')!))).toEqual([
        expect.stringMatching(/^jetstream\.controlLop: unknown key.*did you mean "jetstream\.controlLoop"/),
        expect.stringMatching(/^promExporter: unknown key/),
      ]);
    });

    describe('fails when', () => {
      const ours = () => {
        if (natsValuesDocs.length === 0) throw new Error('no NATS Helm values in dist/ to break');
        return cloneJson(natsValuesDocs[0].content) as any;
      };

      test('(baseline) the unbroken values pass', () => {
        expect(check(ours())).toEqual([]);
      });

      test('a key is misspelled (promExporter.enabeld)', () => {
        const values = ours();
        values.promExporter = { ...values.promExporter, enabeld: true };
        expect(check(values)).toEqual([
          `promExporter.enabeld: unknown key: not in the chart's default values, so Helm ` +
            `ignores it (did you mean "promExporter.enabled"?)`,
        ]);
      });

      test('a nested key is misspelled (config.jetstream.fileStore.pvc.sise)', () => {
        const values = ours();
        values.config.jetstream.fileStore.pvc.sise = '10Gi';
        expect(check(values)).toEqual([expect.stringMatching(/^config\.jetstream\.fileStore\.pvc\.sise: unknown key/)]);
      });

      test('a top-level key is unknown (nats)', () => {
        expect(check({ ...ours(), nats: { jetstream: { enabled: true } } })).toEqual([
          expect.stringMatching(/^nats: unknown key/),
        ]);
      });

      test('a boolean becomes a string (config.cluster.enabled: "true")', () => {
        const values = ours();
        values.config.cluster = { ...values.config.cluster, enabled: 'true' };
        expect(check(values)).toEqual([
          'config.cluster.enabled: must be a boolean like the chart\'s default (false), got string "true"',
        ]);
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
        expect(check(values)).toEqual([
          expect.stringContaining('config.merge: must be a map'),
          expect.stringContaining('container.patch: must be a list'),
        ]);
      });
    });

    describe('free-form subtrees stay open', () => {
      test('merge/patch contents, env maps and map-typed keys whose default is {}', () => {
        const values = {
          config: { merge: { authorization: { token: '<< $NATS_TOKEN >>' } }, jetstream: { merge: { domain: 'hub' } } },
          container: {
            env: {
              GOMEMLIMIT: '3276MiB',
              NATS_TOKEN: { valueFrom: { secretKeyRef: { name: 'nats-auth', key: 'token' } } },
            },
            patch: [{ op: 'add', path: '/x', value: 1 }],
          },
          natsBox: { container: { env: { NATS_TOKEN: 'x' } } },
          promExporter: { env: { FOO: 'bar' } },
          global: { labels: { 'app.kubernetes.io/part-of': 'overmind-nats' } },
          podTemplate: {
            topologySpreadConstraints: { 'kubernetes.io/hostname': { maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' } },
          },
        };
        expect(check(values)).toEqual([]);
      });

      test('a key whose default is empty (config.jetstream.fileStore.maxSize:) takes any value', () => {
        expect(check({ config: { jetstream: { fileStore: { maxSize: '8755Mi' } } } })).toEqual([]);
      });
    });
  },
);

test('valuesPath quotes keys that are not plain identifiers', () => {
  expect(valuesPath(['podTemplate', 'topologySpreadConstraints', 'kubernetes.io/hostname'])).toBe(
    'podTemplate.topologySpreadConstraints["kubernetes.io/hostname"]',
  );
  expect(valuesPath(['promExporter', 'enabled'])).toBe('promExporter.enabled');
});
