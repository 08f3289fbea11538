// The core-Kubernetes validator (k8s-schemas.ts) can fail: broken copies of dist/ objects must be
// reported with their path, by the strict structure layer (unknown fields) and the value layer
// (enums, int32).
import { DistObject, listEnvironments, loadObjects, objectsOfKind } from '../support/dist';
import { CoreKubernetesValidator } from '../support/k8s-schemas';
import { cloneJson, formatViolations } from '../support/schema-validation';

const objects = loadObjects(listEnvironments().includes('prod') ? 'prod' : listEnvironments()[0]);
const core = new CoreKubernetesValidator();
const check = (object: unknown) => formatViolations(core.validate(object as DistObject));

function copyOf(kind: string): any {
  const found = objectsOfKind(objects, kind);
  if (found.length === 0) throw new Error(`no ${kind} in dist/ to break`);
  return cloneJson(found[0].content);
}

const service = () => copyOf('Service');

test('schema sources and their Kubernetes versions: structure 1.28.0 and 1.33.0 (cdk8s-plus)', () => {
  expect(core.structures.map((s) => `${s.sourcePackage} ${s.kubernetesVersion}`)).toEqual([
    'cdk8s-plus-28 1.28.0',
    'cdk8s-plus-33 1.33.0',
  ]);
  expect(core.isCoreKind('v1', 'Service')).toBe(true);
  expect(core.isCoreKind('networking.k8s.io/v1', 'NetworkPolicy')).toBe(true);
  expect(core.isCoreKind('keda.sh/v1alpha1', 'ScaledObject')).toBe(false);
});

test('the unbroken copies are valid (so every failure below is the one change)', () => {
  expect(check(service())).toEqual([]);
});

test('fails when a Service has an unknown field, in every Kubernetes version checked', () => {
  const broken = service();
  broken.spec.clusterIp = 'None'; // the field is clusterIP
  expect(check(broken)).toEqual([
    expect.stringMatching(
      /^\/spec\/clusterIp: unknown field "clusterIp" \(not in the Kubernetes 1\.28\.0 Service v1 \(cdk8s-plus-28\) schema\)$/,
    ),
    expect.stringMatching(
      /^\/spec\/clusterIp: unknown field "clusterIp" \(not in the Kubernetes 1\.33\.0 Service v1 \(cdk8s-plus-33\) schema\)$/,
    ),
  ]);
});

test('fails when a Service port has an unknown field', () => {
  const broken = service();
  broken.spec.ports[0].target_port = 7777;
  expect(check(broken)).toEqual(
    expect.arrayContaining([expect.stringContaining('/spec/ports/0/target_port: unknown field "target_port"')]),
  );
});

test('fails when a Service port protocol is not one of the API enum (tcp)', () => {
  const broken = service();
  broken.spec.ports[0].protocol = 'tcp';
  expect(check(broken)).toEqual([
    expect.stringContaining(
      '/spec/ports/0/protocol: must be one of ["SCTP","TCP","UDP"] (Kubernetes ' +
        '1.27.1 Service v1 (kubernetes-models) schema)',
    ),
  ]);
});

test('fails when a Service port is not an int32', () => {
  const broken = service();
  broken.spec.ports[0].port = '7777';
  expect(check(broken)).toEqual(
    expect.arrayContaining([
      expect.stringContaining('/spec/ports/0/port: must be number (Kubernetes 1.33.0'),
      expect.stringContaining('/spec/ports/0/port: must be integer (Kubernetes 1.27.1'),
    ]),
  );
  broken.spec.ports[0].port = 2 ** 31;
  expect(check(broken)).toEqual([expect.stringContaining('/spec/ports/0/port: must match format "int32"')]);
});

test('fails when a required field is missing (ServicePort.port)', () => {
  const broken = service();
  delete broken.spec.ports[0].port;
  expect(check(broken)).toEqual(
    expect.arrayContaining([expect.stringContaining('/spec/ports/0/port: required field "port" is missing')]),
  );
});

test('fails when metadata breaks the API server rules (label value not a string, server-set uid)', () => {
  const broken = service();
  broken.metadata.labels['app.kubernetes.io/name'] = 7;
  broken.metadata.uid = 'x';
  expect(check(broken)).toEqual(
    expect.arrayContaining([
      expect.stringContaining('/metadata/labels/app.kubernetes.io~1name: must be string'),
      expect.stringContaining('/metadata/uid: unknown field "uid" (not in the ObjectMeta schema)'),
    ]),
  );
});

test('a field newer than Kubernetes 1.28 fails for 1.28 only (Service spec.trafficDistribution)', () => {
  const newer = service();
  newer.spec.trafficDistribution = 'PreferClose';
  expect(check(newer)).toEqual([
    expect.stringContaining(
      '/spec/trafficDistribution: unknown field "trafficDistribution" (not in the Kubernetes 1.28.0',
    ),
  ]);
});

test('fails when a NetworkPolicy has a misspelled field', () => {
  const emitted = objectsOfKind(objects, 'NetworkPolicy')[0]?.content;
  const broken = cloneJson(
    emitted ?? {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'x' },
      spec: { podSelector: {} },
    },
  ) as any;
  expect(check(broken)).toEqual([]);
  broken.spec.podSelecter = broken.spec.podSelector;
  expect(check(broken)).toEqual(
    expect.arrayContaining([expect.stringContaining('/spec/podSelecter: unknown field "podSelecter"')]),
  );
});

test('fails when a ConfigMap data value is not a string', () => {
  const broken = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'overmind-prod' },
    data: { replicas: 3 },
  };
  expect(check(broken)).toEqual(expect.arrayContaining([expect.stringContaining('/data/replicas: must be string')]));
});

test('fails when a kind is not a Kubernetes kind (never skipped)', () => {
  expect(check({ apiVersion: 'v1', kind: 'Servise', metadata: { name: 'x' } })).toEqual([
    expect.stringContaining('Kubernetes 1.28.0 has no Servise in v1'),
    expect.stringContaining('Kubernetes 1.33.0 has no Servise in v1'),
    expect.stringContaining('kubernetes-models (Kubernetes 1.27.1) has no Servise v1'),
  ]);
});
