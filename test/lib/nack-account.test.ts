// The NACK Account follows the NATS settings it depends on: the token Secret the servers read, the
// release's client Service and the CA Secret. Each case changes one setting and checks the Account
// moved with it.
import { ENVIRONMENTS } from '../../config';
import { EnvironmentConfig } from '../../lib/config/types';
import { NACK_ACCOUNT_NAME } from '../../lib/constructs/jetstream/nack-account';
import { findObject, objectsOfKind, synthEnvironment } from '../support/synth';

const prod = ENVIRONMENTS.find((e) => e.name === 'prod')!;
const withNats = (nats: EnvironmentConfig['nats']): EnvironmentConfig => ({ ...prod, nats: { ...prod.nats, ...nats } });
const accountOf = (config: EnvironmentConfig) =>
  findObject(synthEnvironment(config).objects, 'Account', NACK_ACCOUNT_NAME);

describe('NackAccount', () => {
  test('a custom token Secret: the Account reads the same Secret and key as the NATS servers', () => {
    const { chart, objects } = synthEnvironment(withNats({ tokenSecret: { name: 'nats-client-token', key: 'value' } }));
    const account = findObject(objects, 'Account', NACK_ACCOUNT_NAME);
    expect(account.spec.token).toEqual({ secret: { name: 'nats-client-token' }, token: 'value' });
    const serverToken = (chart.nats.values as any).container.env.NATS_TOKEN.valueFrom.secretKeyRef;
    expect(serverToken).toEqual({ name: 'nats-client-token', key: 'value' });
  });

  test("another release name: the Account points at that release's client Service", () => {
    const servers = accountOf(withNats({ releaseName: 'events' })).spec.servers;
    expect(servers).toEqual(['nats://events-nats.overmind-prod.svc.cluster.local:4222']);
  });

  test("TLS with the CA in the client Secret (the default): NACK trusts that Secret's ca.crt", () => {
    const tls = accountOf(withNats({ tls: { enabled: true } })).spec.tls;
    expect(tls).toEqual({ secret: { name: 'nats-client-tls' }, ca: 'ca.crt' });
  });

  test('every Stream and Consumer of the environment names the Account', () => {
    const { objects } = synthEnvironment(prod);
    const users = [...objectsOfKind(objects, 'Stream'), ...objectsOfKind(objects, 'Consumer')];
    expect(users.length).toBe(7);
    expect(users.map((o) => o.spec.account)).toEqual(users.map(() => NACK_ACCOUNT_NAME));
  });
});
