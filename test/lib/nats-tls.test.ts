// TLS as one config switch (nats.tls), reflected in the Helm values (keys as helm.md §1(e) and the
// chart's values.yaml name them), in KEDA's useHttps and in the exporter's monitorDomain.
import * as fs from 'fs';
import * as yaml from 'js-yaml';
import { ENVIRONMENTS } from '../../config';
import { EnvironmentConfig, NatsTlsConfig } from '../../lib/config/types';
import { ConfigError } from '../../lib/config/errors';
import { describeWithShared, requireSharedFile } from '../support/shared';
import { objectsOfKind, synthEnvironment } from '../support/synth';

const envConfig = (name: string): EnvironmentConfig => ENVIRONMENTS.find((e) => e.name === name)!;
/** What a certificate for prod's client Secret lists when the monitor port uses it (docs/operations.md "TLS"). */
const PROD_MONITOR_CERT_NAMES = [
  'nats',
  'nats.overmind-prod',
  'nats.overmind-prod.svc',
  'nats.overmind-prod.svc.cluster.local',
  'localhost',
  'nats-headless.overmind-prod.svc.cluster.local',
  '*.nats-headless.overmind-prod.svc.cluster.local',
];
const withTls = (env: string, tls: NatsTlsConfig): EnvironmentConfig => ({
  ...envConfig(env),
  nats: { ...envConfig(env).nats, tls },
});
const build = (config: EnvironmentConfig) => {
  const { chart, objects } = synthEnvironment(config);
  return { values: chart.nats.values as any, objects };
};
const useHttps = (objects: ReturnType<typeof build>['objects']) =>
  objectsOfKind(objects, 'ScaledObject').map((s) => s.spec.triggers[0].metadata.useHttps);
const monitorEndpoints = (objects: ReturnType<typeof build>['objects']) =>
  objectsOfKind(objects, 'ServiceMonitor').flatMap((m) => m.spec.endpoints);

describe.each(ENVIRONMENTS.map((e) => e.name))('environment %s as configured (TLS off)', (env) => {
  const { values, objects } = build(envConfig(env));

  test('no TLS keys in the values; KEDA reads /jsz over http; exporter on localhost', () => {
    expect(values.config.nats).toBeUndefined();
    expect(values.config.cluster.tls).toBeUndefined();
    expect(values.config.monitor.tls).toBeUndefined();
    expect(values.tlsCA).toBeUndefined();
    expect(values.promExporter.monitorDomain).toBeUndefined();
    expect(useHttps(objects)).toEqual(objectsOfKind(objects, 'ScaledObject').map(() => 'false'));
  });
});

describe('nats.tls.enabled on a 3-server cluster', () => {
  const { values, objects } = build(withTls('prod', { enabled: true }));

  test('clients and routes get TLS from cert-manager style Secrets; one CA for every tls block', () => {
    expect(values.config.nats.tls).toEqual({ enabled: true, secretName: 'nats-client-tls' });
    expect(values.config.cluster.tls).toEqual({ enabled: true, secretName: 'nats-route-tls' });
    // cert-manager writes the issuing CA into ca.crt of each issued Secret.
    expect(values.tlsCA).toEqual({ enabled: true, secretName: 'nats-client-tls', key: 'ca.crt' });
  });

  test('the monitor port stays HTTP unless nats.tls.monitor: KEDA useHttps "false", no monitorDomain', () => {
    expect(values.config.monitor.tls).toBeUndefined();
    expect(values.promExporter.monitorDomain).toBeUndefined();
    expect(useHttps(objects)).toEqual(['false']);
  });
});

describe('nats.tls with monitor: true and custom Secret names', () => {
  const { values, objects } = build(
    withTls('prod', {
      enabled: true,
      monitor: true,
      monitorDomain: 'nats-monitor.local',
      clientSecretName: 'overmind-nats-client',
      routeSecretName: 'overmind-nats-routes',
      caSecretName: 'overmind-ca',
      clientCertificateDnsNames: [...PROD_MONITOR_CERT_NAMES, 'nats-monitor.local'],
    }),
  );

  test('values name the given Secrets and switch the monitor to HTTPS (config.monitor.tls requires config.nats.tls)', () => {
    expect(values.config.nats.tls.secretName).toBe('overmind-nats-client');
    expect(values.config.cluster.tls.secretName).toBe('overmind-nats-routes');
    expect(values.tlsCA.secretName).toBe('overmind-ca');
    expect(values.config.monitor.tls).toEqual({ enabled: true });
  });

  test('the exporter scrapes https://<monitorDomain>:8222 (nats-io/k8s#785) and KEDA uses https', () => {
    expect(values.promExporter.monitorDomain).toBe('nats-monitor.local');
    expect(useHttps(objects)).toEqual(['true']);
  });

  test(
    'Prometheus still scrapes the exporter over plain http on prom-metrics (the ' +
      'chart gives the exporter no TLS flags, keda-prom-argo.md (b))',
    () => {
      expect(monitorEndpoints(objects)).toEqual([expect.objectContaining({ port: 'prom-metrics', scheme: 'http' })]);
    },
  );

  test('monitorDomain defaults to localhost, which the certificate must then list as a SAN', () => {
    const defaults = build(
      withTls('prod', { enabled: true, monitor: true, clientCertificateDnsNames: PROD_MONITOR_CERT_NAMES }),
    );
    expect(defaults.values.promExporter.monitorDomain).toBe('localhost');
  });
});

test('a single server with TLS has no route TLS (no routes)', () => {
  const { values } = build(withTls('dev', { enabled: true }));
  expect(values.config.cluster).toEqual({ enabled: false });
  expect(values.config.nats.tls.enabled).toBe(true);
});

test.each([
  ['monitor TLS without client TLS', { monitor: true }, 'nats.tls.monitor', 'true'],
  [
    'a Secret name that is not a Kubernetes name',
    { enabled: true, clientSecretName: 'Client_TLS' },
    'nats.tls.clientSecretName',
    '"Client_TLS"',
  ],
] as Array<[string, NatsTlsConfig, string, string]>)('fails when %s', (_what, tls, field, value) => {
  let error: unknown;
  try {
    build(withTls('prod', tls));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toContain(`field "${field}" has invalid value ${value}`);
});

describe('monitor TLS: the certificate must cover every name KEDA and the exporter verify (KEDA has no skip-verify)', () => {
  const problemOf = (config: EnvironmentConfig) => {
    try {
      build(config);
    } catch (e) {
      if (e instanceof ConfigError) return e.problem;
      throw e;
    }
    throw new Error('expected a ConfigError, but the synth succeeded');
  };
  const KEDA_SOURCE = 'https://github.com/kedacore/keda/blob/v2.20.2/pkg/scalers/nats_jetstream_scaler.go';

  test(
    "without the certificate's names synth refuses, names every host and gives a " +
      'list the config accepts as written',
    () => {
      const problem = problemOf(withTls('prod', { enabled: true, monitor: true }));
      expect(problem.field).toBe('nats.tls.clientCertificateDnsNames');
      expect(problem.allowed).toContain(
        "KEDA's natsServerMonitoringEndpoint (nats-headless.overmind-prod.svc.cluster.local)",
      );
      expect(problem.allowed).toContain(
        'each pod, where KEDA reads the consumer leader (nats-0.nats-headless.overmind-prod.svc.cluster.local, ' +
          'nats-1.nats-headless.overmind-prod.svc.cluster.local, nats-2.nats-headless.overmind-prod.svc.cluster.local)',
      );
      expect(problem.allowed).toContain("the exporter sidecar's monitorDomain (localhost)");
      expect(problem.allowed).toContain(`${KEDA_SOURCE}#L134`);
      const literal = /clientCertificateDnsNames: (\[[^\]]*\])/.exec(problem.fix)![1];
      const names = JSON.parse(literal.replace(/'/g, '"')) as string[];
      expect(names).toEqual(PROD_MONITOR_CERT_NAMES);
      expect(() =>
        build(withTls('prod', { enabled: true, monitor: true, clientCertificateDnsNames: names })),
      ).not.toThrow();
    },
  );

  test("a certificate without the pods' names (only the Services) is refused, naming what is missing", () => {
    const names = PROD_MONITOR_CERT_NAMES.filter((n) => !n.startsWith('*.'));
    const problem = problemOf(withTls('prod', { enabled: true, monitor: true, clientCertificateDnsNames: names }));
    expect(problem.allowed).toMatch(
      /Not covered: nats-0\.nats-headless\.overmind-prod\.svc\.cluster\.local, nats-1\.\S+, nats-2\.\S+$/,
    );
  });

  test('a wildcard covers one label only, as Go verifies it (crypto/x509)', () => {
    const broad = [...PROD_MONITOR_CERT_NAMES.filter((n) => !n.startsWith('*.')), '*.overmind-prod.svc.cluster.local'];
    expect(
      problemOf(withTls('prod', { enabled: true, monitor: true, clientCertificateDnsNames: broad })).allowed,
    ).toMatch(/Not covered: nats-0\./);
    const pods = [0, 1, 2].map((i) => `nats-${i}.nats-headless.overmind-prod.svc.cluster.local`);
    const listed = [...PROD_MONITOR_CERT_NAMES.filter((n) => !n.startsWith('*.')), ...pods];
    expect(() =>
      build(withTls('prod', { enabled: true, monitor: true, clientCertificateDnsNames: listed })),
    ).not.toThrow();
  });

  test('a single server: KEDA never walks the pods, so the headless Service name is enough', () => {
    const devNames = [
      'nats.overmind-dev.svc.cluster.local',
      'localhost',
      'nats-headless.overmind-dev.svc.cluster.local',
    ];
    expect(() =>
      build(withTls('dev', { enabled: true, monitor: true, clientCertificateDnsNames: devNames })),
    ).not.toThrow();
    expect(
      problemOf(withTls('dev', { enabled: true, monitor: true, clientCertificateDnsNames: devNames.slice(0, 2) }))
        .allowed,
    ).toMatch(/Not covered: nats-headless\.overmind-dev\.svc\.cluster\.local$/);
  });

  test("without ScaledObjects only the client Service and the exporter's monitorDomain are required", () => {
    const names = ['nats.overmind-prod.svc.cluster.local', 'localhost'];
    const config: EnvironmentConfig = {
      ...withTls('prod', { enabled: true, monitor: true, clientCertificateDnsNames: names }),
      scalers: [],
    };
    expect(() => build(config)).not.toThrow();
  });

  test('names given without monitor TLS are still checked against the client Service', () => {
    expect(
      problemOf(withTls('prod', { enabled: true, clientCertificateDnsNames: ['nats.other.svc.cluster.local'] }))
        .allowed,
    ).toMatch(/Not covered: nats\.overmind-prod\.svc\.cluster\.local$/);
  });

  test('a name with a port or scheme is refused', () => {
    const names = [...PROD_MONITOR_CERT_NAMES, 'nats-headless:8222'];
    const problem = problemOf(withTls('prod', { enabled: true, monitor: true, clientCertificateDnsNames: names }));
    expect(problem.allowed).toMatch(/not "nats-headless:8222"/);
  });
});

describeWithShared(['reference/nats-chart-values.yaml'])(
  "TLS keys exist in the chart's values.yaml (the chart has no schema, helm.md §0)",
  () => {
    const chartValues = yaml.load(
      fs.readFileSync(requireSharedFile('reference/nats-chart-values.yaml'), 'utf8'),
    ) as Record<string, unknown>;
    const has = (obj: unknown, keyPath: string[]): boolean =>
      keyPath.length === 0 ||
      (typeof obj === 'object' &&
        obj !== null &&
        keyPath[0] in obj &&
        has((obj as Record<string, unknown>)[keyPath[0]], keyPath.slice(1)));

    test.each([
      'config.nats.tls.enabled',
      'config.nats.tls.secretName',
      'config.cluster.tls.enabled',
      'config.cluster.tls.secretName',
      'config.monitor.tls.enabled',
      'tlsCA.enabled',
      'tlsCA.secretName',
      'tlsCA.key',
      'promExporter.monitorDomain',
    ])('%s', (key) => {
      expect(has(chartValues, key.split('.'))).toBe(true);
      // And we set exactly that path when TLS and monitor TLS are on.
      const { values } = build(
        withTls('prod', { enabled: true, monitor: true, clientCertificateDnsNames: PROD_MONITOR_CERT_NAMES }),
      );
      expect(has(values, key.split('.'))).toBe(true);
    });
  },
);
