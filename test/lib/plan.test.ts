import {
  diffFields,
  parseAcknowledgements,
  planChanges,
  PlanResource,
  resourceId,
  resourceKey,
  unacknowledgedBlocking,
} from '../../tools/plan/plan';
import { renderPlanMarkdown, sourceLabel } from '../../tools/plan/plan-markdown';

const resource = (
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  extra: Partial<PlanResource> = {},
): PlanResource => {
  const apiVersion =
    kind === 'Stream' || kind === 'Consumer'
      ? 'jetstream.nats.io/v1beta2'
      : kind === 'ScaledObject'
        ? 'keda.sh/v1alpha1'
        : 'v1';
  return {
    env: 'prod',
    apiVersion,
    kind,
    namespace: 'overmind-prod',
    name,
    body: { apiVersion, kind, metadata: { name }, spec },
    file: `prod/manifests/${name}.yaml`,
    ...extra,
  };
};

describe('diffFields', () => {
  test('dotted paths, bracketed keys that are not identifiers, added and removed fields', () => {
    expect(
      diffFields(
        {
          metadata: { annotations: { 'argocd.argoproj.io/sync-wave': '20' } },
          spec: { maxAge: '168h', keep: 1, gone: true },
        },
        {
          metadata: { annotations: { 'argocd.argoproj.io/sync-wave': '30' } },
          spec: { maxAge: '24h', keep: 1, fresh: 'x' },
        },
      ),
    ).toEqual([
      { path: 'metadata.annotations["argocd.argoproj.io/sync-wave"]', before: '20', after: '30' },
      { path: 'spec.fresh', before: undefined, after: 'x' },
      { path: 'spec.gone', before: true, after: undefined },
      { path: 'spec.maxAge', before: '168h', after: '24h' },
    ]);
  });

  test('lists of scalars compare whole; lists of objects of one length per index', () => {
    expect(diffFields({ subjects: ['a', 'b'] }, { subjects: ['a'] })).toEqual([
      { path: 'subjects', before: ['a', 'b'], after: ['a'] },
    ]);
    expect(
      diffFields({ triggers: [{ metadata: { lag: '10' } }] }, { triggers: [{ metadata: { lag: '20' } }] }),
    ).toEqual([{ path: 'triggers[0].metadata.lag', before: '10', after: '20' }]);
  });

  test('no differences, including undefined fields, is an empty list', () => {
    expect(diffFields({ a: 1, b: undefined, c: [1, { d: 2 }] }, { a: 1, c: [1, { d: 2 }] })).toEqual([]);
  });
});

describe('planChanges', () => {
  const svc = resource('Service', 'nats-metrics', { ports: [{ port: 7777 }] });

  test('matches resources by env/apiVersion/kind/namespace/name and sorts the changes', () => {
    const scaler = resource('ScaledObject', 'api', { maxReplicaCount: 10 });
    const plan = planChanges(
      [svc, scaler, resource('Service', 'old', {})],
      [svc, { ...scaler, body: { ...scaler.body, spec: { maxReplicaCount: 20 } } }, resource('Service', 'new', {})],
    );
    expect(plan.unchanged).toBe(1);
    expect(plan.changes.map((c) => `${c.type} ${resourceId((c.after ?? c.before)!)}`)).toEqual([
      'changed prod/ScaledObject/api',
      'added prod/Service/new',
      'removed prod/Service/old',
    ]);
    expect(plan.findings).toEqual([]);
    expect(resourceKey(svc)).toBe('prod/v1/Service/overmind-prod/nats-metrics');
  });

  test('the same object in another environment is another resource', () => {
    const plan = planChanges([svc], [{ ...svc, env: 'staging' }]);
    expect(plan.changes.map((c) => c.type).sort()).toEqual(['added', 'removed']);
  });

  test('a stream that changes object and stream name but keeps its subjects is a rename', () => {
    const old = resource('Stream', 'orders', { name: 'orders', subjects: ['orders.>'] });
    const fresh = resource('Stream', 'orders-v2', { name: 'orders-v2', subjects: ['orders.>'] });
    const plan = planChanges([old], [fresh]);
    expect(plan.changes).toEqual([expect.objectContaining({ type: 'renamed', before: old, after: fresh })]);
    expect(unacknowledgedBlocking(plan).map((f) => f.rule)).toEqual(['stream.renamed']);
  });

  test('fails when one side has two objects with the same identity', () => {
    expect(() => planChanges([svc, svc], [])).toThrow(
      /base: two objects with the same identity prod\/v1\/Service\/overmind-prod\/nats-metrics/,
    );
  });
});

describe('parseAcknowledgements (plan-acknowledgements.yaml)', () => {
  test('reads entries; an empty or missing list is no acknowledgement', () => {
    expect(
      parseAcknowledgements(
        {
          acknowledgements: [{ resource: 'prod/Stream/x', rule: 'stream.storage', reason: ' the data is disposable ' }],
        },
        'f',
      ),
    ).toEqual([{ resource: 'prod/Stream/x', rule: 'stream.storage', reason: 'the data is disposable' }]);
    expect(parseAcknowledgements({ acknowledgements: [] }, 'f')).toEqual([]);
    expect(parseAcknowledgements(null, 'f')).toEqual([]);
  });

  test.each<[string, unknown, RegExp]>([
    [
      'the reason is missing',
      { acknowledgements: [{ resource: 'prod/Stream/x' }] },
      /acknowledgements\[0\]\.reason is required/,
    ],
    [
      'the resource is not <env>/<Kind>/<name>',
      { acknowledgements: [{ resource: 'Stream/x', reason: 'long enough reason' }] },
      /acknowledgements\[0\]\.resource must be "<env>\/<Kind>\/<name>"/,
    ],
    ['acknowledgements is not a list', { acknowledgements: 'prod/Stream/x' }, /"acknowledgements" must be a list/],
  ])('fails when %s', (_why, doc, message) => {
    expect(() => parseAcknowledgements(doc, 'plan-acknowledgements.yaml')).toThrow(message);
  });
});

describe('renderPlanMarkdown', () => {
  const before = [
    resource('Stream', 'orders', { name: 'orders', subjects: ['orders.>'], storage: 'file', maxAge: '24h' }),
  ];
  const after = [
    resource('Stream', 'orders', { name: 'orders', subjects: ['orders.>'], storage: 'memory', maxAge: '48h' }),
  ];

  test('destructive changes first with the acknowledgement to add, then a field table per environment', () => {
    const md = renderPlanMarkdown(planChanges(before, after), { base: '`origin/main`', head: 'this branch' });
    expect(md).toMatch(/^## overmind-nats plan\n\nComparing `origin\/main` with this branch\./);
    expect(md).toContain('**0 added, 0 removed, 0 renamed, 1 changed**, 0 unchanged.');
    expect(md).toContain('### ⛔ Refused or destructive changes');
    expect(md).toMatch(/- ⛔ `prod\/Stream\/orders` \(`stream\.storage`\): spec\.storage "file" → "memory"/);
    // The upstream rule, as a link a reviewer can open.
    expect(md).toContain(
      'Source: [nats-server v2.14.2 ' +
        'stream.go#L2271-L2274](https://github.com/nats-io/nats-server/blob/v2.14.2/server/stream.go#L2271-L2274)',
    );
    expect(md).toContain('  - resource: prod/Stream/orders\n    rule: stream.storage\n');
    expect(md).toContain('| `spec.storage` | `file` | `memory` |');
    expect(md).toContain('| `spec.maxAge` | `24h` | `48h` |');
    expect(md.indexOf('Refused or destructive')).toBeLessThan(md.indexOf('### prod'));
  });

  test('not-applied findings have their own section and fail the plan too', () => {
    const window = (duplicateWindow?: string) => [
      resource('Stream', 'orders', { name: 'orders', subjects: ['orders.>'], storage: 'file', duplicateWindow }),
    ];
    const plan = planChanges(window('5m'), window(undefined));
    const md = renderPlanMarkdown(plan, { base: 'a', head: 'b' });
    expect(md).toContain('### 🚫 Not applied: the server keeps its current value');
    expect(md).toMatch(/- 🚫 `prod\/Stream\/orders` \(`stream\.duplicateWindow-not-applied`\): Not applied: /);
    expect(md).not.toContain('### ⛔');
    expect(md).toContain('[!CAUTION]');
    expect(unacknowledgedBlocking(plan).map((f) => f.rule)).toEqual(['stream.duplicateWindow-not-applied']);
  });

  test('acknowledged findings are marked with their reason and no longer fail', () => {
    const plan = planChanges(before, after, [
      { resource: 'prod/Stream/orders', reason: 'orders are replayed from the ERP nightly' },
    ]);
    const md = renderPlanMarkdown(plan, { base: 'a', head: 'b' });
    expect(md).toContain('✅ acknowledged `prod/Stream/orders`');
    expect(md).toContain('_orders are replayed from the ERP nightly_');
    expect(md).not.toContain('[!CAUTION]');
  });

  test('no changes', () => {
    expect(renderPlanMarkdown(planChanges(before, before), { base: 'a', head: 'b' })).toContain(
      'No changes: 1 resources identical.',
    );
  });

  test('table cells escape pipes and cut long values', () => {
    const long = 'x'.repeat(300);
    const md = renderPlanMarkdown(
      planChanges([resource('Service', 's', { a: 'p|q' })], [resource('Service', 's', { a: long })]),
      { base: 'a', head: 'b' },
    );
    expect(md).toContain('`p\\|q`');
    expect(md).toMatch(/`x{119}…`/);
  });
});

describe('sourceLabel', () => {
  test.each([
    [
      'https://github.com/nats-io/nack/blob/v0.22.4/internal/controller/stream_controller.go#L351',
      'nack v0.22.4 stream_controller.go#L351',
    ],
    [
      'https://github.com/nats-io/k8s/blob/nats-2.14.2/helm/charts/nats/templates/_helpers.tpl#L13-L24',
      'nats chart nats-2.14.2 _helpers.tpl#L13-L24',
    ],
    [
      'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-storage',
      'kubernetes.io statefulset#stable-storage',
    ],
  ])('%s', (url, label) => {
    expect(sourceLabel(url)).toBe(label);
  });
});

describe('renderPlanMarkdown with multi-line text', () => {
  test('shows the first line that differs, with its number', () => {
    const text = (n: number) => ['{', '  "title": "NATS",', `  "refresh": "${n}s"`, '}'].join('\n');
    const md = renderPlanMarkdown(
      planChanges([resource('Service', 'dash', { json: text(30) })], [resource('Service', 'dash', { json: text(60) })]),
      { base: 'a', head: 'b' },
    );
    expect(md).toContain('| `spec.json` | `line 3/4: "refresh": "30s"` | `line 3/4: "refresh": "60s"` |');
  });
});
