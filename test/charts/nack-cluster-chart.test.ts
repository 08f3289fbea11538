// Cluster-wide objects (NACK's CRDs) are installed once per destination cluster, whether dev,
// staging and prod share one cluster or each has its own, and no two emitted Argo CD Applications
// ever own the same object. Ownership is computed from what each Application really deploys: the
// real nats and nack charts rendered by real helm with our values (as Argo CD renders them), NACK's
// CRD file for the CRDs Application, and the manifests folder for the backbone Application.
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { clusterNameOf, groupByCluster } from '../../charts/nack-cluster-chart';
import { ResolvedGitOps } from '../../charts/overmind-argocd-chart';
import { ENVIRONMENTS } from '../../config';
import {
  NACK_CRDS_FILE,
  NACK_CRDS_PATH,
  NACK_GIT_REPO_URL,
} from '../../lib/constructs/argocd/argocd-nack-crds-application';
import { EnvironmentConfig, GitOpsConfig } from '../../lib/config/types';
import { DistFile } from '../../tools/dist/dist-writer';
import { ConfigError } from '../../lib/config/errors';
import { NACK_CHART_VERSION, NACK_VERSION } from '../../lib/constructs/jetstream/nack-helm-values';
import { DEFAULT_NATS_CHART_VERSION } from '../../lib/config/resolve-nats';
import { synthesize } from '../../main';
import { describeWithCharts, helmTemplate, RenderedObject, upstreamChartDir } from '../support/helm-template';
import { crdsDir } from '../support/shared';

type Application = { metadata: { name: string }; spec: any };

const CHART_VERSIONS: Record<string, string> = { nats: DEFAULT_NATS_CHART_VERSION, nack: NACK_CHART_VERSION };
const CHART_DIRS: Record<string, string> = {
  nats: upstreamChartDir('nats', DEFAULT_NATS_CHART_VERSION),
  nack: upstreamChartDir('nack', NACK_CHART_VERSION),
};
const IN_CLUSTER = 'https://kubernetes.default.svc';

const withGitOps = (gitops: (env: EnvironmentConfig) => GitOpsConfig): EnvironmentConfig[] =>
  ENVIRONMENTS.map((e) => ({ ...e, gitops: { ...e.gitops, ...gitops(e) } }));
const ownCluster = (e: EnvironmentConfig) => ({ destinationServer: `https://${e.name}.k8s.example.com:6443` });

const loadFile = (files: DistFile[], p: string) => {
  const found = files.find((f) => f.path === p);
  if (!found) throw new Error(`no ${p} among ${files.map((f) => f.path).join(', ')}`);
  return yaml.load(found.content) as any;
};
const applicationsOf = (files: DistFile[]): Array<{ file: string; app: Application }> =>
  files
    .filter((f) => /(^|\/)argocd\//.test(f.path))
    .map((f) => ({ file: f.path, app: yaml.load(f.content) as any }))
    .filter(({ app }) => app.kind === 'Application');
const crdsApplications = (files: DistFile[]) =>
  applicationsOf(files).filter(({ app }) => app.spec.source?.repoURL === NACK_GIT_REPO_URL);

const renders = new Map<string, RenderedObject[]>();
/** A Helm source rendered as Argo CD renders it (cached: the scenarios share their values). */
function renderHelmSource(app: Application, source: any, files: DistFile[]): RenderedObject[] {
  const namespace: string = app.spec.destination.namespace;
  const chartDir = CHART_DIRS[source.chart];
  if (!chartDir || source.targetRevision !== CHART_VERSIONS[source.chart]) {
    throw new Error(`${app.metadata.name}: no upstream copy of chart ${source.chart} ${source.targetRevision}`);
  }
  const values = (source.helm.valueFiles as string[]).map((v) => loadFile(files, v.replace(/^\$values\/dist\//, '')));
  const { releaseName, skipCrds, skipTests } = source.helm;
  const key = JSON.stringify([source.chart, releaseName, namespace, values, skipCrds, skipTests]);
  if (!renders.has(key)) {
    const options = { includeCrds: skipCrds !== true, skipTests: skipTests === true };
    renders.set(key, helmTemplate(chartDir, releaseName, namespace, Object.assign({}, ...values), options));
  }
  return renders.get(key)!;
}

/** What an Application deploys, source by source. */
function objectsOfApplication(app: Application, files: DistFile[]): RenderedObject[] {
  const sources: any[] = app.spec.sources ?? [app.spec.source];
  return sources.flatMap((source): RenderedObject[] => {
    if (source.ref) return []; // a `ref` source without path only provides values files
    if (source.chart) return renderHelmSource(app, source, files);
    if (source.repoURL === NACK_GIT_REPO_URL) {
      // deploy/crds.yml at the tag; ../shared/crds/nack-crds.yaml is its copy (its first comment line says so).
      const { path: folder, directory, targetRevision } = source;
      const expected = { path: NACK_CRDS_PATH, include: NACK_CRDS_FILE, tag: NACK_VERSION };
      expect({ path: folder, include: directory.include, tag: targetRevision }).toEqual(expected);
      const crds = yaml.loadAll(fs.readFileSync(path.join(crdsDir(), 'nack-crds.yaml'), 'utf8')) as RenderedObject[];
      return crds.filter(Boolean);
    }
    const folder = String(source.path).replace(/^dist\//, '');
    return files.filter((f) => f.path.startsWith(`${folder}/`)).map((f) => yaml.load(f.content) as RenderedObject);
  });
}

/** Cluster-scoped kinds any of these sources could deploy. */
const CLUSTER_SCOPED = new Set([
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'Namespace',
  'PriorityClass',
  'StorageClass',
  'PersistentVolume',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'IngressClass',
]);

/** Every object (cluster, namespace, group/kind/name) owned by more than one Application, with its owners. */
function sharedObjects(files: DistFile[]): string[] {
  const owners = new Map<string, string[]>();
  for (const { app } of applicationsOf(files)) {
    for (const o of objectsOfApplication(app, files)) {
      const { server, namespace: destinationNamespace } = app.spec.destination;
      const namespace = CLUSTER_SCOPED.has(o.kind) ? '(cluster)' : (o.metadata.namespace ?? destinationNamespace);
      const key = `${server} ${namespace} ${o.apiVersion.split('/')[0]}/${o.kind}/${o.metadata.name}`;
      owners.set(key, [...(owners.get(key) ?? []), app.metadata.name]);
    }
  }
  return [...owners.entries()].filter(([, apps]) => apps.length > 1).map(([key, apps]) => `${key}: ${apps.join(', ')}`);
}

/** Pairs of NACK controllers in one cluster whose namespaces overlap (no --namespace: every namespace). */
function overlappingControllers(files: DistFile[]): string[] {
  const controllers: Array<{ server: string; scope: string; app: string }> = [];
  for (const { app } of applicationsOf(files)) {
    for (const o of objectsOfApplication(app, files)) {
      if (o.kind !== 'Deployment') continue;
      const container = o.spec.template.spec.containers.find((c: any) => c.command?.includes('/jetstream-controller'));
      if (!container) continue;
      const flag = (container.args as string[]).find((a) => a.startsWith('--namespace='));
      const scope = flag ? flag.slice('--namespace='.length) : '*';
      controllers.push({ server: app.spec.destination.server, scope, app: app.metadata.name });
    }
  }
  if (controllers.length === 0) return ['no NACK controller found'];
  const out: string[] = [];
  controllers.forEach((a, i) =>
    controllers.slice(i + 1).forEach((b) => {
      if (a.server === b.server && (a.scope === '*' || b.scope === '*' || a.scope === b.scope)) {
        out.push(`${a.app} and ${b.app} both reconcile ${a.scope === '*' ? b.scope : a.scope} on ${a.server}`);
      }
    }),
  );
  return out;
}

describeWithCharts(Object.values(CHART_DIRS))('NACK CRDs once per cluster, nothing owned twice', () => {
  describe('dev, staging and prod share one cluster (the committed config)', () => {
    const files = synthesize();

    test("one CRDs Application, in dist/clusters/in-cluster/argocd/, for Argo CD's own cluster", () => {
      const apps = crdsApplications(files);
      const file = 'clusters/in-cluster/argocd/01-application-overmind-nack-crds-in-cluster.yaml';
      expect(apps.map((a) => a.file)).toEqual([file]);
      expect(apps[0].app.spec.destination).toEqual({ server: IN_CLUSTER });
      const project = loadFile(files, 'clusters/in-cluster/argocd/00-appproject-overmind-cluster-in-cluster.yaml');
      expect(apps[0].app.spec.project).toBe(project.metadata.name);
      expect(project.spec.clusterResourceWhitelist).toEqual([
        { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', name: '*.jetstream.nats.io' },
      ]);
      expect(project.spec.namespaceResourceBlacklist).toEqual([{ group: '*', kind: '*' }]);
    });

    test('every environment has its own NACK Application, without CRDs', () => {
      const nackSource = (app: Application) => app.spec.sources?.find((s: any) => s.chart === 'nack');
      const nack = applicationsOf(files).filter(({ app }) => nackSource(app));
      const namespaces = nack.map(({ app }) => app.spec.destination.namespace);
      expect(namespaces.sort()).toEqual(ENVIRONMENTS.map((e) => e.namespace).sort());
      for (const { app } of nack) expect(nackSource(app).helm.skipCrds).toBe(true);
    });

    test('no object is owned by two Applications, and no namespace has two NACK controllers', () => {
      expect(sharedObjects(files)).toEqual([]);
      expect(overlappingControllers(files)).toEqual([]);
    });

    test("the checks can fail: an Application with the chart's CRDs, a controller watching every namespace", () => {
      const broken = files.map((f) => {
        if (f.path === 'dev/argocd/01-application-overmind-dev-nack.yaml') {
          const app = yaml.load(f.content) as any;
          app.spec.sources[0].helm.skipCrds = false;
          return { ...f, content: yaml.dump(app) };
        }
        if (f.path === 'staging/helm/nack-values.yaml') {
          return { ...f, content: yaml.dump({ ...(yaml.load(f.content) as object), namespaced: false }) };
        }
        return f;
      });
      expect(sharedObjects(broken)).toContain(
        `${IN_CLUSTER} (cluster) apiextensions.k8s.io/CustomResourceDefinition/accounts.jetstream.nats.io: ` +
          'overmind-nack-crds-in-cluster, overmind-dev-nack',
      );
      const overlap = expect.stringContaining('overmind-staging-nack both reconcile');
      expect(overlappingControllers(broken)).toEqual(expect.arrayContaining([overlap]));
    });
  });

  describe('each environment has its own cluster', () => {
    const files = synthesize(withGitOps(ownCluster));

    test('one CRDs Application per cluster, each aimed at its cluster', () => {
      const apps = crdsApplications(files);
      const expected = ENVIRONMENTS.map((e) => {
        const name = `${e.name}-k8s-example-com-6443`;
        const file = `clusters/${name}/argocd/01-application-overmind-nack-crds-${name}.yaml`;
        return [file, `https://${e.name}.k8s.example.com:6443`];
      });
      expect(apps.map((a) => [a.file, a.app.spec.destination.server]).sort()).toEqual(expected.sort());
    });

    test('no object is owned by two Applications, and no namespace has two NACK controllers', () => {
      expect(sharedObjects(files)).toEqual([]);
      expect(overlappingControllers(files)).toEqual([]);
    });
  });

  describe('dev and staging share a cluster, prod has its own', () => {
    const files = synthesize(withGitOps((e) => (e.name === 'prod' ? ownCluster(e) : {})));

    test('two CRDs Applications; the shared one is there for both environments', () => {
      const servers = crdsApplications(files)
        .map((a) => a.app.spec.destination.server)
        .sort();
      expect(servers).toEqual([IN_CLUSTER, 'https://prod.k8s.example.com:6443']);
      const shared = loadFile(files, 'clusters/in-cluster/argocd/00-appproject-overmind-cluster-in-cluster.yaml');
      expect(shared.spec.description).toContain('for environments dev, staging');
      expect(sharedObjects(files)).toEqual([]);
      expect(overlappingControllers(files)).toEqual([]);
    });
  });
});

describe('cluster grouping (charts/nack-cluster-chart.ts)', () => {
  const failure = (configs: EnvironmentConfig[]) => {
    try {
      synthesize(configs, {});
    } catch (e) {
      if (e instanceof ConfigError) return e.message;
      throw e;
    }
    throw new Error('synth did not fail');
  };

  test('fails when two environments on one cluster share a namespace, and names the other environment', () => {
    const configs = ENVIRONMENTS.map((e) => (e.name === 'staging' ? { ...e, namespace: 'overmind-dev' } : e));
    expect(failure(configs)).toMatch(
      new RegExp(
        '^\\[environment staging\\] Environment "staging": field "namespace" has invalid value "overmind-dev"\\. ' +
          'Allowed: a namespace no other environment on cluster https://kubernetes\\.default\\.svc uses ' +
          '\\(environment "dev" uses it\\)',
      ),
    );
  });

  test('the same namespace on different clusters is fine', () => {
    const configs = withGitOps(ownCluster).map((e) => ({ ...e, namespace: 'overmind' }));
    expect(() => synthesize(configs, {})).not.toThrow();
  });

  test('fails when environments on one cluster use different Argo CD namespaces', () => {
    const configs = withGitOps((e) => (e.name === 'prod' ? { argoNamespace: 'gitops' } : {}));
    const message = failure(configs);
    expect(message).toMatch(/^\[environment prod\] .*field "gitops\.argoNamespace" has invalid value "gitops"\./);
    expect(message).toContain('Allowed: "argocd", the Argo CD namespace of environment "dev"');
  });

  test('fails for an environment named like the clusters folder', () => {
    expect(failure([{ name: 'clusters' }])).toMatch(/field "name" has invalid value "clusters"/);
  });

  test('CRD syncs are automated only when every environment on the cluster syncs automatically', () => {
    const auto = crdsApplications(
      synthesize(
        withGitOps(() => ({})),
        {},
      ),
    )[0].app;
    const manualProd = withGitOps((e) => (e.name === 'prod' ? { automatedSync: false } : {}));
    const manual = crdsApplications(synthesize(manualProd, {}))[0].app;
    expect(auto.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
    expect(manual.spec.syncPolicy.automated).toBeUndefined();
  });

  test.each([
    ['https://kubernetes.default.svc', 'in-cluster'],
    ['https://k8s.prod.example.com:6443', 'k8s-prod-example-com-6443'],
    ['https://10.0.0.1', '10-0-0-1'],
    // 45 characters once slugged: shortened, with a hash of the URL
    ['https://rancher.example.com/k8s/clusters/c-m-abcdefgh', 'rancher-example-com-k8s-cluster-'],
  ])('clusterNameOf(%s)', (server, expectedStart) => {
    const name = clusterNameOf(server);
    expect(name.startsWith(expectedStart)).toBe(true);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(name.length).toBeLessThanOrEqual(40);
  });

  test('two servers that read the same once shortened get distinct names', () => {
    const gitops = (destinationServer: string): ResolvedGitOps => ({
      repoURL: 'https://git.example.com/x.git',
      targetRevision: 'main',
      distPath: 'dist',
      argoNamespace: 'argocd',
      project: 'p',
      destinationServer,
      natsChartRepoURL: 'https://x',
      automatedSync: true,
    });
    const groups = groupByCluster([
      { environment: 'a', namespace: 'a', gitops: gitops('https://a.b.example.com') },
      { environment: 'b', namespace: 'b', gitops: gitops('https://a-b.example.com') },
    ]);
    expect(clusterNameOf('https://a.b.example.com')).toBe(clusterNameOf('https://a-b.example.com'));
    expect(groups).toHaveLength(2);
    expect(new Set(groups.map((g) => g.clusterName)).size).toBe(2);
  });
});
