// Every object of every environment in dist/, exactly as committed, against the real schema of its
// kind: core Kubernetes objects against the Kubernetes API definitions (k8s-schemas.ts), all other
// objects against their CRD version (crd-schemas.ts). Unknown fields fail; a kind with no schema
// fails. Environments and files are discovered, never listed here.
import { CrdSchemaCatalog, CRD_FILES } from '../support/crd-schemas';
import {
  describeLocation,
  isKubernetesObject,
  listClusterFolders,
  listEnvironments,
  listHelmValuesFiles,
  listYamlFiles,
  loadAllObjects,
  loadDocuments,
} from '../support/dist';
import { CoreKubernetesValidator } from '../support/k8s-schemas';
import { formatViolations } from '../support/schema-validation';
import { describeWithShared } from '../support/shared';

const objects = loadAllObjects();

/** Kinds that must never be in git: secrets are created outside it (README, spec "Authentication failed"). */
const FORBIDDEN_KINDS = ['Secret'];

describe('dist/ layout', () => {
  test('has at least one environment, each with manifests and Helm values', () => {
    const envs = listEnvironments();
    expect(envs.length).toBeGreaterThan(0);
    for (const env of envs) {
      expect({
        env,
        hasObjects: objects.some((o) => o.env === env),
        hasHelmValues: listHelmValuesFiles(env).length > 0,
      }).toEqual({
        env,
        hasObjects: true,
        hasHelmValues: true,
      });
    }
  });

  test(
    'every YAML document outside helm/ is a Kubernetes object (Argo CD fails the ' +
      'sync otherwise, keda-prom-argo.md (d))',
    () => {
      const notObjects = objects.filter((d) => !isKubernetesObject(d.content)).map(describeLocation);
      expect(notObjects).toEqual([]);
    },
  );

  test('every YAML file parses to at least one document', () => {
    const empty = listEnvironments()
      .flatMap((env) => listYamlFiles(env).map((file) => ({ env, file })))
      .filter(({ env, file }) => loadDocuments(env, file).length === 0)
      .map(({ file }) => file);
    expect(empty).toEqual([]);
  });

  test(`no kind that must stay out of git (${FORBIDDEN_KINDS.join(', ')})`, () => {
    const forbidden = objects.filter((d) => FORBIDDEN_KINDS.includes(d.content.kind)).map(describeLocation);
    expect(forbidden).toEqual([]);
  });
});

// Core Kubernetes kinds need no shared file (their schemas come from npm packages), so they are
// checked even where ../shared is missing; everything else must match a CRD.
const core = new CoreKubernetesValidator();
const coreObjects = objects.filter((d) => core.isCoreKind(d.content.apiVersion, d.content.kind));
const customResources = objects.filter((d) => !coreObjects.includes(d));

describe('core Kubernetes objects in dist/ against the Kubernetes API definitions (k8s-schemas.ts)', () => {
  test.each(coreObjects.map((d) => [describeLocation(d), d] as const))('%s', (_location, doc) => {
    expect(formatViolations(core.validate(doc.content))).toEqual([]);
  });

  test('every environment has core objects (at least the metrics Service)', () => {
    for (const env of listEnvironments())
      expect({ env, core: coreObjects.some((o) => o.env === env) }).toEqual({ env, core: true });
  });
});

describeWithShared(CRD_FILES.map((f) => `crds/${f}`))(
  'every other object in dist/ against its CRD version (crd-schemas.ts)',
  () => {
    let crds: CrdSchemaCatalog;
    beforeAll(() => {
      crds = new CrdSchemaCatalog();
    });

    // A kind that is neither core nor in a CRD file lands here and fails: never skipped.
    test.each(customResources.map((d) => [describeLocation(d), d] as const))('%s', (_location, doc) => {
      expect(formatViolations(crds.validate(doc.content))).toEqual([]);
    });

    test('every environment has custom resources', () => {
      for (const env of listEnvironments())
        expect({ env, customResources: customResources.some((o) => o.env === env) }).toEqual({
          env,
          customResources: true,
        });
    });

    test('every cluster folder (dist/clusters/<cluster>/) is validated too', () => {
      expect(listClusterFolders().length).toBeGreaterThan(0);
      for (const folder of listClusterFolders()) {
        expect({ folder, validated: customResources.some((o) => o.env === folder) }).toEqual({
          folder,
          validated: true,
        });
      }
    });

    test('fails when a kind has no schema anywhere (routed to the CRDs, which do not know it either)', () => {
      for (const [apiVersion, kind] of [
        ['v1', 'Servise'],
        ['jetstream.nats.io/v1beta2', 'Widget'],
        ['example.com/v1', 'Widget'],
      ]) {
        expect(core.isCoreKind(apiVersion, kind)).toBe(false);
        expect(formatViolations(crds.validate({ apiVersion, kind }))).toEqual([
          expect.stringContaining(`no CRD schema for ${kind} ${apiVersion}`),
        ]);
      }
    });
  },
);
