import * as yaml from 'js-yaml';
import { ENVIRONMENTS } from '../../config';
import { GITOPS } from '../../config/gitops';
import { prod } from '../../config/prod';
import { SKIP_DRY_RUN, SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION } from '../../lib/constructs/argocd/argocd-sync';
import { EnvironmentConfig } from '../../lib/config/types';
import { DistFile } from '../../tools/dist/dist-writer';
import { synthesize } from '../../main';
import { CrdSchemaCatalog, readCrdVersions } from '../support/crd-schemas';
import { crdsDir, describeWithShared } from '../support/shared';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec: any;
};

// No rendered chart: these tests must not depend on a pulled chart or helm.
const files = synthesize(ENVIRONMENTS, {});
const parse = (file: DistFile): Obj => yaml.load(file.content) as Obj;
const filesUnder = (prefix: string, all: DistFile[] = files) => all.filter((f) => f.path.startsWith(prefix));
const argoObjects = (env: string, all: DistFile[] = files) => filesUnder(`${env}/argocd/`, all).map(parse);
const app = (env: string, suffix: string, all: DistFile[] = files) =>
  argoObjects(env, all).find((o) => o.kind === 'Application' && o.metadata.name === `overmind-${env}-${suffix}`)!;

describe.each(ENVIRONMENTS.map((e) => e.name))('Argo CD objects of %s', (env) => {
  const namespace = ENVIRONMENTS.find((e) => e.name === env)!.namespace ?? `overmind-${env}`;

  test('an AppProject and three Applications in dist/<env>/argocd/, namespace argocd, prefixes = sync waves', () => {
    const argo = filesUnder(`${env}/argocd/`);
    expect(argo.map((f) => f.path)).toEqual([
      `${env}/argocd/00-appproject-overmind-${env}.yaml`,
      `${env}/argocd/01-application-overmind-${env}-nack.yaml`,
      `${env}/argocd/01-application-overmind-${env}-nats.yaml`,
      `${env}/argocd/02-application-overmind-${env}-backbone.yaml`,
    ]);
    for (const file of argo) {
      const o = parse(file);
      expect(o.metadata.namespace).toBe('argocd');
      expect(
        file.path.split('/')[2].startsWith(`${o.metadata.annotations![SYNC_WAVE_ANNOTATION].padStart(2, '0')}-`),
      ).toBe(true);
    }
  });

  test('the project admits only our repositories and the environment namespace', () => {
    const project = argoObjects(env).find((o) => o.kind === 'AppProject')!;
    expect(project.metadata.name).toBe(`overmind-${env}`);
    expect(project.spec.sourceRepos).toEqual([GITOPS.repoURL, 'https://nats-io.github.io/k8s/helm/charts/']);
    expect(project.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace }]);
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    for (const suffix of ['nats', 'nack', 'backbone']) {
      expect(app(env, suffix).spec.project).toBe(project.metadata.name);
    }
  });

  test(
    'the NATS Application installs the chart from its Helm repository at the ' +
      'pinned version with our values ($values ref)',
    () => {
      const nats = app(env, 'nats');
      expect(nats.spec.source).toBeUndefined();
      const [chart, values] = nats.spec.sources;
      expect(chart).toMatchObject({
        repoURL: 'https://nats-io.github.io/k8s/helm/charts/',
        chart: 'nats',
        targetRevision: '2.14.2',
      });
      expect(chart.targetRevision).toMatch(/^\d+\.\d+\.\d+$/); // pinned, never a range
      expect(chart.helm).toEqual({
        releaseName: 'nats',
        skipTests: true,
        valueFiles: [`$values/dist/${env}/helm/nats-values.yaml`],
      });
      // A ref-only source: with a path it would render manifests too (keda-prom-argo.md (d)).
      expect(values).toEqual({ repoURL: GITOPS.repoURL, targetRevision: 'main', ref: 'values' });
      expect(nats.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace });
      expect(nats.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
    },
  );

  test('the values file exists where the NATS Application reads it, outside the directory-source path', () => {
    const valuesFile = app(env, 'nats').spec.sources[0].helm.valueFiles[0].replace(/^\$values\/dist\//, '');
    expect(files.some((f) => f.path === valuesFile)).toBe(true);
    const directoryPath = app(env, 'backbone').spec.source.path.replace(/^dist\//, '');
    expect(valuesFile.startsWith(`${directoryPath}/`)).toBe(false);
  });

  test('the backbone Application applies only dist/<env>/manifests, where every file is one Kubernetes object', () => {
    const backbone = app(env, 'backbone');
    expect(backbone.spec.source).toEqual({
      repoURL: GITOPS.repoURL,
      targetRevision: 'main',
      path: `dist/${env}/manifests`,
      directory: { recurse: false, include: '*.yaml' },
    });
    const manifests = filesUnder(`${env}/manifests/`);
    expect(manifests.length).toBeGreaterThan(5);
    for (const file of manifests) {
      const docs = yaml.loadAll(file.content).filter((d) => d != null) as Obj[];
      expect(docs).toHaveLength(1);
      expect(typeof docs[0].apiVersion).toBe('string');
      expect(typeof docs[0].kind).toBe('string');
    }
  });

  test('the NACK Application installs the nack chart at its pinned version with our values, never its CRDs', () => {
    const nack = app(env, 'nack');
    const [chart, values] = nack.spec.sources;
    expect(chart).toMatchObject({ repoURL: 'https://nats-io.github.io/k8s/helm/charts/', chart: 'nack' });
    expect(chart.targetRevision).toBe('0.33.2');
    const valueFiles = [`$values/dist/${env}/helm/nack-values.yaml`];
    expect(chart.helm).toEqual({ releaseName: 'nack', skipCrds: true, valueFiles });
    expect(values).toEqual({ repoURL: GITOPS.repoURL, targetRevision: 'main', ref: 'values' });
    expect(nack.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace });
    const valuesFile = chart.helm.valueFiles[0].replace(/^\$values\/dist\//, '');
    expect(files.some((f) => f.path === valuesFile)).toBe(true);
    expect(valuesFile.startsWith(`${app(env, 'backbone').spec.source.path.replace(/^dist\//, '')}/`)).toBe(false);
  });

  test('sync policies prune, retry, and apply large objects server-side', () => {
    for (const suffix of ['nats', 'nack', 'backbone']) {
      const policy = app(env, suffix).spec.syncPolicy;
      expect(policy.automated).toEqual({ prune: true, selfHeal: true });
      expect(policy.retry).toEqual({ limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } });
    }
    expect(app(env, 'backbone').spec.syncPolicy.syncOptions).toEqual(
      expect.arrayContaining(['ServerSideApply=true', 'PruneLast=true', 'RespectIgnoreDifferences=true']),
    );
  });

  test('KEDA owns the replicas of every scaled workload: Argo CD ignores /spec/replicas on them', () => {
    const scalers = filesUnder(`${env}/manifests/`)
      .map(parse)
      .filter((o) => o.kind === 'ScaledObject');
    expect(scalers.length).toBeGreaterThan(0);
    const ignores = app(env, 'backbone').spec.ignoreDifferences;
    for (const scaler of scalers) {
      const target = scaler.spec.scaleTargetRef;
      expect(ignores).toContainEqual({
        group: 'apps',
        kind: target.kind ?? 'Deployment',
        name: target.name,
        namespace,
        jsonPointers: ['/spec/replicas'],
      });
    }
  });

  test('waves: project, then the NATS and NACK charts, then the manifests', () => {
    const wave = (o: Obj) => Number(o.metadata.annotations![SYNC_WAVE_ANNOTATION]);
    const project = argoObjects(env).find((o) => o.kind === 'AppProject')!;
    expect(wave(project)).toBeLessThan(wave(app(env, 'nats')));
    expect(wave(project)).toBeLessThan(wave(app(env, 'nack')));
    expect(wave(app(env, 'nats'))).toBeLessThan(wave(app(env, 'backbone')));
    expect(wave(app(env, 'nack'))).toBeLessThan(wave(app(env, 'backbone')));
  });

  test('every manifest carries its sync wave (= its file prefix); CRs skip the dry run; Streams are never pruned', () => {
    const manifests = filesUnder(`${env}/manifests/`).map((f) => ({ file: f.path, o: parse(f) }));
    const waveOf = (kind: string) =>
      Number(manifests.find((m) => m.o.kind === kind)!.o.metadata.annotations![SYNC_WAVE_ANNOTATION]);
    for (const { file, o } of manifests) {
      const wave = o.metadata.annotations?.[SYNC_WAVE_ANNOTATION];
      expect(wave).toMatch(/^\d+$/);
      expect(file.split('/')[2].startsWith(`${wave!.padStart(2, '0')}-`)).toBe(true);
      const options = (o.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION] ?? '').split(',');
      if (/\.(nats\.io|keda\.sh|coreos\.com)\//.test(o.apiVersion)) expect(options).toContain(SKIP_DRY_RUN);
      if (o.kind === 'Stream') expect(options).toEqual(expect.arrayContaining(['Prune=false', 'Delete=false']));
      else expect(options).not.toContain('Prune=false');
    }
    expect(waveOf('Service')).toBeLessThan(waveOf('Stream'));
    expect(waveOf('Account')).toBeLessThan(waveOf('Stream')); // NACK reads the Account when it reconciles a Stream
    expect(waveOf('Stream')).toBeLessThan(waveOf('Consumer'));
    expect(waveOf('Consumer')).toBeLessThan(waveOf('ServiceMonitor'));
    expect(waveOf('ServiceMonitor')).toBeLessThan(waveOf('ScaledObject'));
    expect(Math.max(...manifests.map((m) => Number(m.o.metadata.annotations![SYNC_WAVE_ANNOTATION])))).toBe(
      waveOf('ScaledObject'),
    );
  });
});

describeWithShared(['crds/argocd-crds.yaml'])('Argo CD objects validate against the Argo CD v3.5.1 CRDs', () => {
  const catalog = new CrdSchemaCatalog(readCrdVersions(crdsDir(), ['argocd-crds.yaml']));

  test.each(
    filesUnder('', files)
      .filter((f) => f.path.includes('/argocd/'))
      .map((f) => [f.path, f] as const),
  )('%s', (_path, file) => {
    expect(catalog.validate(parse(file))).toEqual([]);
  });

  test('the validator is not vacuous: a misspelled field and a missing required one are caught', () => {
    const nats = app('prod', 'nats');
    const broken = {
      ...nats,
      spec: {
        ...nats.spec,
        destination: undefined,
        sources: [{ ...nats.spec.sources[0], helm: { valueFile: ['x'] } }],
      },
    };
    const paths = catalog
      .validate(JSON.parse(JSON.stringify(broken)))
      .map((v) => `${v.path} ${v.message}`)
      .join('\n');
    expect(paths).toMatch(/valueFile/);
    expect(paths).toMatch(/destination/);
  });

  test('with an environment override (manual sync, release branch, other cluster)', () => {
    const custom: EnvironmentConfig = {
      ...prod,
      gitops: {
        targetRevision: 'release/prod',
        automatedSync: false,
        destinationServer: 'https://prod.example.com:6443',
        argoNamespace: 'gitops',
        project: 'nats-prod',
      },
    };
    const out = synthesize([custom], {});
    for (const o of argoObjects('prod', out)) expect(catalog.validate(o)).toEqual([]);
    const backbone = app('prod', 'backbone', out);
    expect(backbone.metadata.namespace).toBe('gitops');
    expect(backbone.spec.project).toBe('nats-prod');
    expect(backbone.spec.source.targetRevision).toBe('release/prod');
    expect(backbone.spec.destination.server).toBe('https://prod.example.com:6443');
    expect(backbone.spec.syncPolicy.automated).toBeUndefined();
    expect(app('prod', 'nats', out).spec.sources[1].targetRevision).toBe('release/prod');
  });
});

describe('gitops config checks', () => {
  test.each<[string, EnvironmentConfig['gitops'], RegExp]>([
    [
      'repoURL is not a git URL',
      { repoURL: 'github.com/org/repo' },
      /field "gitops\.repoURL" has invalid value "github\.com\/org\/repo"/,
    ],
    [
      'distPath climbs out of the repository',
      { distPath: '../dist' },
      /field "gitops\.distPath" has invalid value "\.\.\/dist"/,
    ],
    [
      'the project name is not a Kubernetes name',
      { project: 'Overmind Prod' },
      /field "gitops\.project" has invalid value "Overmind Prod"/,
    ],
    [
      'the destination server is not https',
      { destinationServer: 'kubernetes.default.svc' },
      /field "gitops\.destinationServer"/,
    ],
    ['targetRevision is blank', { targetRevision: ' ' }, /field "gitops\.targetRevision"/],
  ])('fails when %s', (_why, gitops, message) => {
    expect(() => synthesize([{ ...prod, gitops }], {})).toThrow(message);
    expect(() => synthesize([{ ...prod, gitops }], {})).toThrow(/\[environment prod\]/);
  });
});
