import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HELM_VALUES_API_VERSION, HELM_VALUES_KIND } from '../../tools/plan/plan-rules';
import { defaultBaseRef, distFilesAtRef, resourcesFromDistFiles } from '../../tools/plan/plan-sources';

const stream =
  'apiVersion: jetstream.nats.io/v1beta2\nkind: Stream\nmetadata:\n  name: ' +
  'orders\n  namespace: ns\nspec:\n  name: orders\n';

describe('resourcesFromDistFiles', () => {
  test('objects of manifests/ and argocd/, Helm values as a pseudo-resource, rendered/ skipped', () => {
    const resources = resourcesFromDistFiles([
      { path: 'prod/manifests/20-stream-orders.yaml', content: `# header\n${stream}` },
      {
        path: 'prod/argocd/00-appproject-p.yaml',
        content: 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: p\n  namespace: argocd\n',
      },
      { path: 'prod/helm/nats-values.yaml', content: 'config:\n  cluster:\n    replicas: 3\n' },
      {
        path: 'prod/rendered/45-statefulset-nats.yaml',
        content: 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: nats\n',
      },
      { path: 'README', content: 'not yaml' },
    ]);
    expect(
      resources.map((r) => `${r.env} ${r.apiVersion} ${r.kind} ${r.namespace ?? '-'} ${r.name} ${r.file}`),
    ).toEqual([
      'prod jetstream.nats.io/v1beta2 Stream ns orders prod/manifests/20-stream-orders.yaml',
      'prod argoproj.io/v1alpha1 AppProject argocd p prod/argocd/00-appproject-p.yaml',
      `prod ${HELM_VALUES_API_VERSION} ${HELM_VALUES_KIND} - nats-values prod/helm/nats-values.yaml`,
    ]);
    expect(resources[2].body).toEqual({ config: { cluster: { replicas: 3 } } });
  });

  test('fails when a manifests file holds something that is not a Kubernetes object', () => {
    expect(() => resourcesFromDistFiles([{ path: 'prod/manifests/x.yaml', content: 'replicas: 3\n' }])).toThrow(
      /prod\/manifests\/x\.yaml: a document without apiVersion, kind and metadata\.name/,
    );
  });
});

describe('distFilesAtRef (a throwaway git repository)', () => {
  let repo: string;
  const git = (...args: string[]) => {
    const r = spawnSync(
      'git',
      ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args],
      { cwd: repo, encoding: 'utf8', timeout: 20000 },
    );
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-plan-git-'));
    git('init', '-q', '-b', 'main');
    fs.mkdirSync(path.join(repo, 'dist', 'prod', 'manifests'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'dist', 'prod', 'manifests', '20-stream-orders.yaml'), stream);
    fs.writeFileSync(path.join(repo, 'other.txt'), 'outside dist\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    fs.writeFileSync(
      path.join(repo, 'dist', 'prod', 'manifests', '20-stream-orders.yaml'),
      stream.replace('orders\n', 'changed\n'),
    );
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  test('reads dist/ as committed, paths relative to dist/, ignoring the working tree', () => {
    expect(distFilesAtRef('HEAD', repo)).toEqual([{ path: 'prod/manifests/20-stream-orders.yaml', content: stream }]);
  });

  test('the default base is HEAD without an origin/main', () => {
    expect(defaultBaseRef(repo)).toBe('HEAD');
  });

  test('fails when the ref does not exist, saying how to fix it', () => {
    expect(() => distFilesAtRef('origin/nope', repo)).toThrow(/"origin\/nope" is not a commit here \(fetch it first/);
  });
});
