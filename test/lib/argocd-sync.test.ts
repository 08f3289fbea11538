import { App } from 'cdk8s';
import { groupByCluster, NackClusterChart } from '../../charts/nack-cluster-chart';
import { OvermindArgoCdChart } from '../../charts/overmind-argocd-chart';
import { OvermindBackboneChart } from '../../charts/overmind-backbone-chart';
import { ENVIRONMENTS } from '../../config';
import { GITOPS } from '../../config/gitops';
import { APPLY_ORDER } from '../../lib/constructs/argocd/apply-order';
import {
  isCustomResource,
  KubernetesObjectLike,
  SKIP_DRY_RUN,
  SYNC_OPTIONS_ANNOTATION,
  SYNC_WAVE_ANNOTATION,
  syncWaveOf,
  withArgoCdAnnotations,
} from '../../lib/constructs/argocd/argocd-sync';

const object = (apiVersion: string, kind: string, annotations?: Record<string, string>): KubernetesObjectLike => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'ns', ...(annotations ? { annotations } : {}) },
  spec: {},
});

describe('isCustomResource', () => {
  test.each([
    ['jetstream.nats.io/v1beta2', true],
    ['keda.sh/v1alpha1', true],
    ['monitoring.coreos.com/v1', true],
    ['gateway.networking.x-k8s.io/v1alpha1', true],
    ['v1', false],
    ['apps/v1', false],
    ['policy/v1', false],
    ['networking.k8s.io/v1', false],
    ['rbac.authorization.k8s.io/v1', false],
  ])('%s -> %s', (apiVersion, expected) => {
    expect(isCustomResource({ apiVersion })).toBe(expected);
  });
});

describe('withArgoCdAnnotations (keda-prom-argo.md (d))', () => {
  test('sync wave is the APPLY_ORDER of the kind, also for the file prefix', () => {
    for (const [kind, order] of Object.entries(APPLY_ORDER)) {
      const annotated = withArgoCdAnnotations(object('v1', kind));
      expect(annotated.metadata.annotations?.[SYNC_WAVE_ANNOTATION]).toBe(String(order));
      expect(syncWaveOf(annotated)).toBe(order);
    }
  });

  test('NATS objects come before Streams, Streams before Consumers, then monitoring, ScaledObjects last', () => {
    const wave = (kind: string) => syncWaveOf(object('v1', kind));
    expect(wave('Service')).toBeLessThan(wave('Stream'));
    expect(wave('Stream')).toBeLessThan(wave('Consumer'));
    expect(wave('Consumer')).toBeLessThan(wave('ServiceMonitor'));
    expect(wave('PrometheusRule')).toBeLessThan(wave('ScaledObject'));
    expect(wave('SomethingNew')).toBeLessThan(wave('ScaledObject'));
  });

  test('CRs skip the dry run while their CRD may be missing; built-in kinds carry no sync options', () => {
    const scaler = withArgoCdAnnotations(object('keda.sh/v1alpha1', 'ScaledObject'));
    expect(scaler.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).toBe(SKIP_DRY_RUN);
    const service = withArgoCdAnnotations(object('v1', 'Service'));
    expect(service.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).toBeUndefined();
  });

  test('Streams are never pruned or cascade-deleted: that would delete the stream and its data (nack.md §4)', () => {
    const stream = withArgoCdAnnotations(object('jetstream.nats.io/v1beta2', 'Stream'));
    const options = stream.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]?.split(',');
    expect(options).toEqual(expect.arrayContaining([SKIP_DRY_RUN, 'Prune=false', 'Delete=false']));
    const consumer = withArgoCdAnnotations(object('jetstream.nats.io/v1beta2', 'Consumer'));
    expect(consumer.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).toBe(SKIP_DRY_RUN);
  });

  test('Argo CD objects need no dry-run skip (Argo CD is installed wherever they are read)', () => {
    const app = withArgoCdAnnotations(object('argoproj.io/v1alpha1', 'Application', { [SYNC_WAVE_ANNOTATION]: '2' }));
    expect(app.metadata.annotations).toEqual({ [SYNC_WAVE_ANNOTATION]: '2' });
  });

  test('keeps an explicit wave and existing options, adding ours once', () => {
    const input = object('jetstream.nats.io/v1beta2', 'Stream', {
      [SYNC_WAVE_ANNOTATION]: '7',
      [SYNC_OPTIONS_ANNOTATION]: 'Replace=true, Prune=false',
      team: 'a',
    });
    const once = withArgoCdAnnotations(input);
    expect(withArgoCdAnnotations(once)).toEqual(once);
    expect(once.metadata.annotations).toEqual({
      [SYNC_WAVE_ANNOTATION]: '7',
      [SYNC_OPTIONS_ANNOTATION]: `Replace=true,Prune=false,${SKIP_DRY_RUN},Delete=false`,
      team: 'a',
    });
    expect(input.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).toBe('Replace=true, Prune=false'); // not mutated
  });

  test('fails when a sync-wave annotation is not an integer', () => {
    expect(() => syncWaveOf(object('v1', 'Service', { [SYNC_WAVE_ANNOTATION]: 'early' }))).toThrow(
      /sync-wave="early" is not an integer/,
    );
  });
});

describe('the charts set sync waves and options where the objects are built', () => {
  const unannotated = (objects: KubernetesObjectLike[]) =>
    objects
      .filter(
        (o) => JSON.stringify(withArgoCdAnnotations(o).metadata.annotations) !== JSON.stringify(sortedAnnotations(o)),
      )
      .map((o) => `${o.kind}/${o.metadata.name}`);
  const sortedAnnotations = (o: KubernetesObjectLike) =>
    o.metadata.annotations &&
    Object.fromEntries(Object.entries(o.metadata.annotations).sort(([a], [b]) => (a < b ? -1 : 1)));

  test('what a test synthesizes already carries what dist/ carries', () => {
    const app = new App();
    const argoCharts = ENVIRONMENTS.map((environment) => {
      const backbone = new OvermindBackboneChart(app, environment);
      return new OvermindArgoCdChart(app, { backbone, gitops: { ...GITOPS, ...environment.gitops } });
    });
    const clusters = groupByCluster(
      argoCharts.map((a) => ({ environment: a.environment, namespace: a.namespace, gitops: a.gitops })),
    );
    for (const group of clusters) new NackClusterChart(app, group);
    const objects: KubernetesObjectLike[] = app.charts.flatMap((chart) => chart.toJson());
    expect(objects.length).toBeGreaterThan(50);
    expect(unannotated(objects)).toEqual([]);
  });

  test('the check fails on an object built without them', () => {
    expect(unannotated([object('jetstream.nats.io/v1beta2', 'Stream')])).toEqual(['Stream/x']);
  });
});
