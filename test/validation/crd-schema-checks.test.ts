// The CRD validator can fail: deliberately broken copies of objects from dist/ must be reported
// with their path. Without these, a validator that accepts everything would pass dist-objects.test.ts.
import { CrdSchemaCatalog, CRD_FILES, toStrictCrdSchema } from '../support/crd-schemas';
import { DistObject, findObject, listEnvironments, loadObjects, objectsOfKind } from '../support/dist';
import { cloneJson, formatViolations } from '../support/schema-validation';
import { describeWithShared } from '../support/shared';

const objects = loadObjects(listEnvironments().includes('prod') ? 'prod' : listEnvironments()[0]);

/** A deep copy of the first dist/ object of a kind, for breaking. */
function copyOf(kind: string): any {
  const found = objectsOfKind(objects, kind);
  if (found.length === 0) throw new Error(`no ${kind} in dist/ to break`);
  return cloneJson(found[0].content) as DistObject;
}

describeWithShared(CRD_FILES.map((f) => `crds/${f}`))('CRD schema validation (crd-schemas.ts)', () => {
  let crds: CrdSchemaCatalog;
  const check = (object: unknown) => formatViolations(crds.validate(object as DistObject));

  beforeAll(() => {
    crds = new CrdSchemaCatalog();
  });

  test('the unbroken copies are valid (so every failure below is the one change)', () => {
    for (const kind of ['Account', 'Stream', 'Consumer', 'ScaledObject', 'ServiceMonitor', 'PrometheusRule']) {
      expect(check(copyOf(kind))).toEqual([]);
    }
  });

  test('fails when an Account names its token key like a Secret ref usually does (token.key, not token.token)', () => {
    const account = copyOf('Account');
    account.spec.token.key = account.spec.token.token;
    delete account.spec.token.token;
    const unknownKey = new RegExp(
      '^/spec/token/key: unknown field "key" ' +
        '\\(not in the Account jetstream\\.nats\\.io/v1beta2 \\(nack-crds\\.yaml\\) schema\\)$',
    );
    expect(check(account)).toEqual([expect.stringMatching(unknownKey)]);
  });

  test('fails when an Account lists its servers as one string', () => {
    const account = copyOf('Account');
    account.spec.servers = account.spec.servers[0];
    expect(check(account)).toEqual([expect.stringContaining('/spec/servers: must be array')]);
  });

  test('fails when a Stream spec has an unknown field (the API server would prune it silently)', () => {
    const stream = copyOf('Stream');
    stream.spec.maxAgee = '1h';
    expect(check(stream)).toEqual([
      expect.stringMatching(
        /^\/spec\/maxAgee: unknown field "maxAgee" \(not in the Stream jetstream\.nats\.io\/v1beta2 \(nack-crds\.yaml\) schema\)$/,
      ),
    ]);
  });

  test('fails when an object has an unknown top-level field', () => {
    const consumer = copyOf('Consumer');
    consumer.sepc = {};
    expect(check(consumer)).toEqual([expect.stringContaining('/sepc: unknown field "sepc"')]);
  });

  test('fails when a Stream enum value is wrong (storage: disk)', () => {
    const stream = copyOf('Stream');
    stream.spec.storage = 'disk';
    expect(check(stream)).toEqual([expect.stringContaining('/spec/storage: must be one of ["file","memory"]')]);
  });

  test('fails when a Consumer integer is a string (maxDeliver: "3")', () => {
    const consumer = copyOf('Consumer');
    consumer.spec.maxDeliver = '3';
    expect(check(consumer)).toEqual([expect.stringContaining('/spec/maxDeliver: must be integer')]);
  });

  test('fails when a KEDA trigger metadata value is a number (lagThreshold: 10)', () => {
    const scaledObject = copyOf('ScaledObject');
    scaledObject.spec.triggers[0].metadata.lagThreshold = 10;
    expect(check(scaledObject)).toEqual([
      expect.stringContaining('/spec/triggers/0/metadata/lagThreshold: must be string'),
    ]);
  });

  test('fails when a required field is missing (ScaledObject scaleTargetRef)', () => {
    const scaledObject = copyOf('ScaledObject');
    delete scaledObject.spec.scaleTargetRef;
    expect(check(scaledObject)).toEqual([
      expect.stringContaining('/spec/scaleTargetRef: required field "scaleTargetRef" is missing'),
    ]);
  });

  test('fails when the ScaledObject CEL rule is broken (minReplicaCount > maxReplicaCount)', () => {
    const scaledObject = copyOf('ScaledObject');
    scaledObject.spec.minReplicaCount = 5;
    scaledObject.spec.maxReplicaCount = 2;
    expect(check(scaledObject)).toEqual([
      expect.stringContaining('/spec: CEL rule failed: minReplicaCount must be less than or equal to maxReplicaCount'),
    ]);
    // maxReplicaCount defaults to 100 in the rule
    delete scaledObject.spec.maxReplicaCount;
    expect(check(scaledObject)).toEqual([]);
    scaledObject.spec.minReplicaCount = 101;
    expect(check(scaledObject)).toEqual([expect.stringContaining('CEL rule failed')]);
  });

  test('fails when a ServiceMonitor endpoint has a misspelled field (intervall)', () => {
    const monitor = copyOf('ServiceMonitor');
    monitor.spec.endpoints[0].intervall = '30s';
    expect(check(monitor)).toEqual([expect.stringContaining('/spec/endpoints/0/intervall: unknown field "intervall"')]);
  });

  test('fails when a ServiceMonitor interval is not a Prometheus duration', () => {
    const monitor = copyOf('ServiceMonitor');
    monitor.spec.endpoints[0].interval = '30 seconds';
    expect(check(monitor)).toEqual([expect.stringContaining('/spec/endpoints/0/interval: must match pattern')]);
  });

  test('fails when metadata breaks the API server rules (non-string label, bad name, server-set field)', () => {
    const stream = copyOf('Stream');
    stream.metadata.labels['overmind.dev/replicas'] = 3;
    stream.metadata.name = 'Routing_Decisions';
    stream.metadata.uid = '1234';
    expect(check(stream)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/metadata/labels/overmind.dev~1replicas: must be string'),
        expect.stringContaining('/metadata/name: must match pattern'),
        expect.stringContaining('/metadata/uid: unknown field "uid"'),
      ]),
    );
  });

  test('fails when the apiVersion is a version the CRD does not serve (jetstream.nats.io/v1beta1)', () => {
    const stream = copyOf('Stream');
    stream.apiVersion = 'jetstream.nats.io/v1beta1';
    expect(check(stream)).toEqual([
      expect.stringContaining('/apiVersion: jetstream.nats.io/v1beta1 Stream is not served by its CRD'),
    ]);
  });

  test('fails when the kind has no CRD (never skipped)', () => {
    expect(check({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObjekt', metadata: { name: 'x' } })).toEqual([
      expect.stringContaining('no CRD schema for ScaledObjekt keda.sh/v1alpha1'),
    ]);
    expect(check({ apiVersion: 'monitoring.coreos.com/v2', kind: 'ServiceMonitor', metadata: { name: 'x' } })).toEqual([
      expect.stringContaining('(that kind exists as monitoring.coreos.com/v1)'),
    ]);
  });

  test('fails when a list-type map repeats a key (two PrometheusRule groups with the same name)', () => {
    const rule = copyOf('PrometheusRule');
    rule.spec.groups.push(cloneJson(rule.spec.groups[0]));
    const duplicate = rule.spec.groups.length - 1;
    expect(check(rule)).toEqual([
      expect.stringContaining(
        `/spec/groups/${duplicate}: duplicate list item (same name ["${rule.spec.groups[0].name}"] as item 0)`,
      ),
    ]);
  });

  test('fails when a list-type set repeats an item (ServiceMonitor scrapeProtocols)', () => {
    const monitor = copyOf('ServiceMonitor');
    monitor.spec.scrapeProtocols = ['PrometheusText0.0.4', 'PrometheusText0.0.4'];
    expect(check(monitor)).toEqual([
      expect.stringContaining('/spec/scrapeProtocols/1: duplicate list item (same value as item 0)'),
    ]);
  });

  test('x-kubernetes-int-or-string accepts an integer and a string, nothing else', () => {
    const monitor = copyOf('ServiceMonitor');
    monitor.spec.endpoints[0].targetPort = 7777;
    expect(check(monitor)).toEqual([]);
    monitor.spec.endpoints[0].targetPort = 'prom-metrics';
    expect(check(monitor)).toEqual([]);
    monitor.spec.endpoints[0].targetPort = true;
    expect(check(monitor)).toEqual([expect.stringContaining('/spec/endpoints/0/targetPort: must be integer,string')]);
  });

  test('x-kubernetes-preserve-unknown-fields keeps its subtree open (Argo CD helm.valuesObject), and only it', () => {
    const application = findObject(
      objects,
      'argoproj.io/Application',
      objectsOfKind(objects, 'Application')[0]?.content.metadata.name ?? '',
    );
    const app = cloneJson(application.content) as any;
    const helmSource = (app.spec.sources ?? [app.spec.source]).find((s: any) => s?.helm);
    helmSource.helm.valuesObject = { anything: { goes: true } };
    expect(check(app)).toEqual([]);
    helmSource.helm.valueFile = 'typo.yaml';
    expect(check(app)).toEqual([
      expect.stringMatching(/^\/spec\/sources\/\d+\/helm\/valueFile: unknown field "valueFile"/),
    ]);
  });

  test('toStrictCrdSchema closes objects with properties, and leaves the CRD schema untouched', () => {
    const original = {
      type: 'object',
      properties: {
        a: { type: 'object', properties: { b: { type: 'string' } } },
        c: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: {} },
      },
    };
    const before = JSON.stringify(original);
    const strict = toStrictCrdSchema(original);
    expect(strict.additionalProperties).toBe(false);
    expect(strict.properties.a.additionalProperties).toBe(false);
    expect(strict.properties.c.additionalProperties).toBeUndefined();
    expect(JSON.stringify(original)).toBe(before);
  });
});
