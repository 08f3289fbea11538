// What we commit beside the NATS chart, checked against the REAL chart (nats 2.14.2 from
// ../shared/upstream, rendered by the real helm with each environment's
// dist/<env>/helm/nats-values.yaml, namespace and release name): the objects must point at each
// other across the two. Every check also runs on a mutated copy (values or manifests) to show that
// it fails when the wiring breaks.
import * as fs from 'fs';
import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { OvermindBackboneChart } from '../../charts/overmind-backbone-chart';
import { ENVIRONMENTS } from '../../config';
import {
  EmittedObjects,
  exporterPrefix,
  exporterPrefixProblems,
  IntendedStorage,
  kedaEndpointProblems,
  metricsServiceProblems,
  storageProblems,
  tokenProblems,
} from '../support/chart-wiring';
import { DistObject, listEnvironments, loadObjects } from '../support/dist';
import { selectorsIn } from '../support/exporter-metrics';
import {
  describeWithNatsChart,
  distValuesFile,
  natsReleaseOf,
  renderNatsChart,
  RenderedNatsChart,
} from '../support/nats-chart';

const describeChart = describeWithNatsChart();

function emittedObjects(env: string): EmittedObjects & { all: DistObject[] } {
  const all = loadObjects(env).map((d) => d.content);
  const metricsService = all.find((o) => o.kind === 'Service' && o.metadata.name.endsWith('-metrics'));
  if (!metricsService) throw new Error(`dist/${env}/manifests has no metrics Service`);
  const scaledObjects = all.filter((o) => o.kind === 'ScaledObject') as any[];
  return { all, metricsService: metricsService as any, scaledObjects };
}

function intendedFor(env: string): { storage: IntendedStorage; tokenSecret: { name: string; key: string } } {
  const { nats } = new OvermindBackboneChart(
    new App(),
    ENVIRONMENTS.find((e) => e.name === env)!,
  );
  return {
    storage: {
      pvcBytes: nats.fileStoragePvc.bytes,
      maxFileStoreBytes: nats.fileStoreMax.bytes,
      maxMemoryStoreBytes: nats.model.memoryStoreMax.bytes,
    },
    tokenSecret: nats.tokenSecret,
  };
}

/** Metric names in our PrometheusRule expressions and dashboard queries, and the series the rules record. */
function queriedMetrics(objects: DistObject[]): { queried: string[]; recorded: Set<string> } {
  const rules = objects
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((o: any) => o.spec.groups.flatMap((g: any) => g.rules));
  const exprs: string[] = rules.map((r: any) => String(r.expr));
  const collectExprs = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collectExprs);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'expr' && typeof v === 'string') exprs.push(v);
        else collectExprs(v);
      }
    }
  };
  const dashboards = objects.filter(
    (o: any) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard !== undefined,
  );
  for (const d of dashboards as any[]) {
    for (const json of Object.values(d.data as Record<string, string>)) collectExprs(JSON.parse(json));
  }
  return {
    queried: exprs.flatMap((e) => selectorsIn(e).map((u) => u.metric)),
    recorded: new Set(rules.filter((r: any) => r.record).map((r: any) => r.record)),
  };
}

/** An environment's committed values with `mutate` applied, rendered by the real chart. */
function renderMutated(mutate: (values: any) => void, env = 'prod'): RenderedNatsChart {
  const values = yaml.load(fs.readFileSync(distValuesFile(env), 'utf8')) as any;
  mutate(values);
  return renderNatsChart(env, { valuesYaml: yaml.dump(values) });
}

describeChart("the real NATS chart rendered with each environment's committed values", () => {
  test('every environment of dist/ is rendered, in its namespace under its release name', () => {
    expect(listEnvironments()).toEqual(expect.arrayContaining(['dev', 'staging', 'prod']));
    for (const env of listEnvironments()) {
      const chart = renderNatsChart(env);
      const release = natsReleaseOf(env);
      expect(chart.statefulSet.metadata.namespace).toBe(release.namespace);
      expect(chart.statefulSet.metadata.labels?.['app.kubernetes.io/instance']).toBe(release.releaseName);
      expect(chart.statefulSet.spec.template.spec.containers.map((c: any) => c.image)).toContain('nats:2.14.2-alpine');
    }
  });

  describe.each(listEnvironments())('environment %s', (env) => {
    const chart = renderNatsChart(env);
    const emitted = emittedObjects(env);
    const intended = intendedFor(env);

    test("the metrics Service selects exactly the NATS server pods (not nats-box), on the exporter's port", () => {
      expect(metricsServiceProblems(chart, emitted)).toEqual([]);
      // nats-box really is there to be excluded
      expect(chart.objects.some((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('-box'))).toBe(true);
    });

    test('the KEDA endpoint is the rendered headless Service of the StatefulSet, port 8222 named monitor', () => {
      expect(emitted.scaledObjects.length).toBeGreaterThan(0);
      expect(kedaEndpointProblems(chart, emitted)).toEqual([]);
    });

    test('the token arrives as $NATS_TOKEN from the Secret, with no literal in any rendered object', () => {
      expect(tokenProblems(chart, intended.tokenSecret)).toEqual([]);
    });

    test('the PVC size, max_file_store and max_memory_store are what lib/constructs/nats/nats-helm-values.ts intends', () => {
      expect(storageProblems(chart, intended.storage)).toEqual([]);
    });

    test("the exporter's -prefix starts every exporter metric our alerts and dashboard query", () => {
      const { queried, recorded } = queriedMetrics(emitted.all);
      expect(exporterPrefix(chart)).toBe('nats');
      expect(exporterPrefixProblems(chart, queried, recorded)).toEqual([]);
    });
  });

  describe('each check fails when the wiring breaks (prod, mutated)', () => {
    const chart = renderNatsChart('prod');
    const emitted = emittedObjects('prod');
    const intended = intendedFor('prod');

    test('metrics Service: a selector without the component label also selects nats-box', () => {
      const { 'app.kubernetes.io/component': _dropped, ...selector } = emitted.metricsService.spec.selector;
      const service = emitted.metricsService;
      const loose = { ...emitted, metricsService: { ...service, spec: { ...service.spec, selector } } };
      expect(metricsServiceProblems(chart, loose)).toEqual([
        expect.stringMatching(/also selects the pods of Deployment\/nats-box/),
      ]);
    });

    test('metrics Service: pods renamed by the values (nameOverride) are no longer selected', () => {
      const renamed = renderMutated((v) => {
        v.nameOverride = 'broker';
      });
      expect(metricsServiceProblems(renamed, emitted)).toEqual(
        expect.arrayContaining([expect.stringMatching(/does not match the pods of StatefulSet/)]),
      );
    });

    test('metrics Service: a target port the exporter container does not expose', () => {
      const renamed = renderMutated((v) => {
        v.promExporter.patch = [{ op: 'replace', path: '/ports/0/name', value: 'metrics' }];
      });
      expect(metricsServiceProblems(renamed, emitted)).toEqual([
        expect.stringMatching(/port prom-metrics targets prom-metrics, which no container of StatefulSet/),
      ]);
    });

    test('KEDA endpoint: a renamed headless Service, or the monitor on another port', () => {
      expect(
        kedaEndpointProblems(
          renderMutated((v) => {
            v.headlessService = { name: 'nats-peers' };
          }),
          emitted,
        ),
      ).toEqual([expect.stringMatching(/no rendered Service is nats-headless\.overmind-prod\.svc\.cluster\.local/)]);
      expect(
        kedaEndpointProblems(
          renderMutated((v) => {
            v.config.monitor.port = 8223;
          }),
          emitted,
        ),
      ).toEqual([expect.stringMatching(/does not expose port 8222/)]);
    });

    test("token: a literal in the config, in the container env, or in nats-box's context", () => {
      const literal = 'a'.repeat(65);
      const inConfig = renderMutated((v) => {
        v.config.merge.authorization.token = literal;
      });
      expect(tokenProblems(inConfig, intended.tokenSecret)).toEqual(
        expect.arrayContaining([expect.stringMatching(/authorization\.token is "a{65}", not \$NATS_TOKEN/)]),
      );
      const inEnv = renderMutated((v) => {
        v.container.env.NATS_TOKEN = literal;
      });
      expect(tokenProblems(inEnv, intended.tokenSecret)).toEqual(
        expect.arrayContaining([expect.stringMatching(/container nats env NATS_TOKEN is "a{65}"/)]),
      );
      const inContext = renderMutated((v) => {
        v.natsBox.contexts = { default: { merge: { token: literal } } };
      });
      expect(tokenProblems(inContext, intended.tokenSecret)).toEqual([
        expect.stringMatching(/Secret\/nats-box-contexts default\.json holds a literal token/),
      ]);
    });

    test("storage: another PVC size, or max_file_store left to the chart's default (the whole PVC)", () => {
      const biggerPvc = renderMutated((v) => {
        v.config.jetstream.fileStore.pvc.size = '20Gi';
      });
      expect(storageProblems(biggerPvc, intended.storage)).toEqual([expect.stringMatching(/PVC requests 20Gi/)]);
      const noMaxSize = renderMutated((v) => {
        delete v.config.jetstream.fileStore.maxSize;
      });
      expect(storageProblems(noMaxSize, intended.storage)).toEqual([
        `nats.conf max_file_store is ${16 * 1024 ** 3} bytes, we intend ${intended.storage.maxFileStoreBytes}`,
      ]);
      expect(storageProblems(chart, { ...intended.storage, maxMemoryStoreBytes: 1 })).toEqual([
        expect.stringMatching(/max_memory_store is 0 bytes/),
      ]);
    });

    test('exporter: another -prefix in the rendered args, or a query for a metric without the prefix', () => {
      const { queried, recorded } = queriedMetrics(emitted.all);
      const exporter = chart.statefulSet.spec.template.spec.containers.find((c: any) => c.name === 'prom-exporter');
      const prefixArg = exporter.args.indexOf('-prefix=nats');
      const renamed = renderMutated((v) => {
        v.promExporter.patch = [{ op: 'replace', path: `/args/${prefixArg}`, value: '-prefix=gnatsd' }];
      });
      expect(exporterPrefix(renamed)).toBe('gnatsd');
      expect(exporterPrefixProblems(renamed, queried, recorded)).toEqual(
        expect.arrayContaining([
          'nats_consumer_num_pending is queried, but the exporter runs with ' +
            '-prefix=gnatsd, so its metrics are gnatsd_*',
        ]),
      );
      expect(exporterPrefixProblems(chart, [...queried, 'gnatsd_varz_connections'], recorded)).toEqual([
        expect.stringMatching(/^gnatsd_varz_connections is queried/),
      ]);
      expect(exporterPrefixProblems(chart, ['up', ...recorded], recorded)).toEqual([
        'no exporter metric is queried: nothing to check',
      ]);
    });
  });
});
