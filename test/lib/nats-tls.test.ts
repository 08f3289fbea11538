// TLS as one config switch (nats.tls), reflected in the Helm values (keys as helm.md §1(e) and the
// chart's values.yaml name them), in KEDA's useHttps and in the exporter's monitorDomain.
import * as fs from 'fs';
import * as yaml from 'js-yaml';
import { ENVIRONMENTS } from '../../config';
import { EnvironmentConfig, NatsTlsConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { describeWithShared, requireSharedFile } from '../support/shared';
import { objectsOfKind, synthEnvironment } from '../support/synth';

const envConfig = (name: string): EnvironmentConfig => ENVIRONMENTS.find((e) => e.name === name)!;
const withTls = (env: string, tls: NatsTlsConfig): EnvironmentConfig => ({ ...envConfig(env), nats: { ...envConfig(env).nats, tls } });
const build = (config: EnvironmentConfig) => {
  const { chart, objects } = synthEnvironment(config);
  return { values: chart.nats.values as any, objects };
};
const useHttps = (objects: ReturnType<typeof build>['objects']) => objectsOfKind(objects, 'ScaledObject').map((s) => s.spec.triggers[0].metadata.useHttps);
const monitorEndpoints = (objects: ReturnType<typeof build>['objects']) => objectsOfKind(objects, 'ServiceMonitor').flatMap((m) => m.spec.endpoints);

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
  const { values, objects } = build(withTls('prod', {
    enabled: true, monitor: true, monitorDomain: 'nats-monitor.local',
    clientSecretName: 'overmind-nats-client', routeSecretName: 'overmind-nats-routes', caSecretName: 'overmind-ca',
  }));

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

  test('Prometheus still scrapes the exporter over plain http on prom-metrics (the chart gives the exporter no TLS flags, keda-prom-argo.md (b))', () => {
    expect(monitorEndpoints(objects)).toEqual([expect.objectContaining({ port: 'prom-metrics', scheme: 'http' })]);
  });

  test('monitorDomain defaults to localhost, which the certificate must then list as a SAN', () => {
    expect(build(withTls('prod', { enabled: true, monitor: true })).values.promExporter.monitorDomain).toBe('localhost');
  });
});

test('a single server with TLS has no route TLS (no routes)', () => {
  const { values } = build(withTls('dev', { enabled: true }));
  expect(values.config.cluster).toEqual({ enabled: false });
  expect(values.config.nats.tls.enabled).toBe(true);
});

test.each([
  ['monitor TLS without client TLS', { monitor: true }, 'nats.tls.monitor', 'true'],
  ['a Secret name that is not a Kubernetes name', { enabled: true, clientSecretName: 'Client_TLS' }, 'nats.tls.clientSecretName', '"Client_TLS"'],
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

describeWithShared(['reference/nats-chart-values.yaml'])('TLS keys exist in the chart\'s values.yaml (the chart has no schema, helm.md §0)', () => {
  const chartValues = yaml.load(fs.readFileSync(requireSharedFile('reference/nats-chart-values.yaml'), 'utf8')) as Record<string, unknown>;
  const has = (obj: unknown, keyPath: string[]): boolean =>
    keyPath.length === 0 || (typeof obj === 'object' && obj !== null && keyPath[0] in obj && has((obj as Record<string, unknown>)[keyPath[0]], keyPath.slice(1)));

  test.each([
    'config.nats.tls.enabled', 'config.nats.tls.secretName',
    'config.cluster.tls.enabled', 'config.cluster.tls.secretName',
    'config.monitor.tls.enabled',
    'tlsCA.enabled', 'tlsCA.secretName', 'tlsCA.key',
    'promExporter.monitorDomain',
  ])('%s', (key) => {
    expect(has(chartValues, key.split('.'))).toBe(true);
    // And we set exactly that path when TLS and monitor TLS are on.
    const { values } = build(withTls('prod', { enabled: true, monitor: true }));
    expect(has(values, key.split('.'))).toBe(true);
  });
});
