// Every Stream and Consumer in dist/, as committed, can be reconciled by NACK: it names an Account
// that exists in its own namespace (NACK v0.22.4 reads `spec.account` there,
// internal/controller/jetstream_controller.go:156-165), and that Account logs in with the token the
// NATS servers require and trusts their CA when TLS is on. Every Stream keeps its messages when its
// object is deleted (`preventDelete`, stream_controller.go:146). Environments are discovered.
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ENVIRONMENTS } from '../../config';
import { EnvironmentConfig } from '../../lib/config/types';
import { synthesize } from '../../main';
import {
  describeLocation,
  DistDocument,
  DistObject,
  listEnvironments,
  listHelmValuesFiles,
  loadDocuments,
  loadObjects,
  objectsOfKind,
} from '../support/dist';
import { cloneJson } from '../support/schema-validation';

type Doc = DistDocument<DistObject>;
const spec = (d: Doc) => (d.content as any).spec ?? {};
const ACCOUNT = 'jetstream.nats.io/Account';
const STREAM = 'jetstream.nats.io/Stream';
const CONSUMER = 'jetstream.nats.io/Consumer';

/** Streams and Consumers whose `spec.account` names no Account of their namespace, with why. */
function unresolvedAccounts(docs: readonly Doc[]): string[] {
  const idOf = (d: Doc) => `${d.content.metadata.namespace}/${d.content.metadata.name}`;
  const accounts = new Set(objectsOfKind(docs, ACCOUNT).map(idOf));
  const users = [...objectsOfKind(docs, STREAM), ...objectsOfKind(docs, CONSUMER)];
  return users.flatMap((d) => {
    const account = spec(d).account;
    const namespace = d.content.metadata.namespace;
    if (typeof account !== 'string' || account === '') {
      return [`${describeLocation(d)}: no spec.account (NACK would connect without the token)`];
    }
    if (accounts.has(`${namespace}/${account}`)) return [];
    return [`${describeLocation(d)}: spec.account "${account}" names no Account in namespace ${namespace}`];
  });
}

/** The Secret (name, key) the NATS servers read their token from, per the environment's Helm values. */
function natsTokenSecret(env: string): { name: string; key: string } {
  const file = listHelmValuesFiles(env).find((f) => path.basename(f) === 'nats-values.yaml')!;
  const values = loadDocuments(env, file)[0].content as any;
  return values.container.env.NATS_TOKEN.valueFrom.secretKeyRef;
}

describe.each(listEnvironments())('dist/%s: NACK can reach and log in to NATS for every Stream and Consumer', (env) => {
  const objects = loadObjects(env);
  const accounts = objectsOfKind(objects, ACCOUNT);

  test('one Account, in the environment namespace, and every spec.account resolves to it', () => {
    expect(accounts).toHaveLength(1);
    expect(objectsOfKind(objects, STREAM).length).toBeGreaterThan(0);
    expect(objectsOfKind(objects, CONSUMER).length).toBeGreaterThan(0);
    expect(unresolvedAccounts(objects)).toEqual([]);
  });

  test('the Account logs in with the token the NATS servers require, on the client port in its namespace', () => {
    const account = accounts[0].content as any;
    const secret = natsTokenSecret(env);
    expect(account.spec.token).toEqual({ secret: { name: secret.name }, token: secret.key });
    const url = new URL(account.spec.servers[0]);
    expect(account.spec.servers).toHaveLength(1);
    expect(url.protocol).toBe('nats:');
    expect(url.port).toBe('4222');
    expect(url.hostname.endsWith(`.${account.metadata.namespace}.svc.cluster.local`)).toBe(true);
  });

  test('every Stream sets preventDelete: deleting its object or namespace leaves the messages', () => {
    const unprotected = objectsOfKind(objects, STREAM).filter((s) => spec(s).preventDelete !== true);
    expect(unprotected.map(describeLocation)).toEqual([]);
  });
});

describe('the account check can fail', () => {
  const objects = loadObjects(listEnvironments().includes('prod') ? 'prod' : listEnvironments()[0]);
  /** The objects with the first one of `kind` changed on a copy. */
  const withChange = (kind: string, change: (o: any) => void): Doc[] =>
    objects.map((d) => {
      if (d !== objectsOfKind(objects, kind)[0]) return d;
      const copy = cloneJson(d.content) as any;
      change(copy);
      return { ...d, content: copy };
    });

  test('a Consumer without spec.account', () => {
    const broken = withChange(CONSUMER, (c) => delete c.spec.account);
    expect(unresolvedAccounts(broken)).toEqual([expect.stringContaining('no spec.account')]);
  });

  test('a Stream naming an Account that does not exist', () => {
    const broken = withChange(STREAM, (s) => {
      s.spec.account = 'natz';
    });
    expect(unresolvedAccounts(broken)).toEqual([expect.stringContaining('spec.account "natz" names no Account')]);
  });

  test("an Account in another namespace does not count (NACK looks in the CR's own namespace)", () => {
    const broken = withChange(ACCOUNT, (a) => {
      a.metadata.namespace = 'nack';
    });
    const users = objectsOfKind(objects, STREAM).length + objectsOfKind(objects, CONSUMER).length;
    expect(unresolvedAccounts(broken).length).toBe(users);
  });
});

describe('with client TLS on, the Account trusts the CA the NATS chart is given', () => {
  const prod = ENVIRONMENTS.find((e) => e.name === 'prod')!;
  const load = (config: EnvironmentConfig, file: string) =>
    yaml.load(synthesize([config], {}).find((f) => f.path === file)!.content) as any;
  const tls = { enabled: true, caSecretName: 'overmind-ca' };
  const tlsProd: EnvironmentConfig = { ...prod, nats: { ...prod.nats, tls } };

  test("tls.secret and tls.ca are the chart's tlsCA Secret and key; no client certificate (not required)", () => {
    const account = load(tlsProd, 'prod/manifests/15-account-nats.yaml');
    const natsValues = load(tlsProd, 'prod/helm/nats-values.yaml');
    expect(natsValues.tlsCA).toEqual({ enabled: true, secretName: 'overmind-ca', key: 'ca.crt' });
    expect(account.spec.tls).toEqual({ secret: { name: natsValues.tlsCA.secretName }, ca: natsValues.tlsCA.key });
    expect(natsValues.config.nats.tls.verify).toBeUndefined(); // the servers do not ask clients for certificates
  });

  test('without TLS the Account has no tls block', () => {
    expect(load(prod, 'prod/manifests/15-account-nats.yaml').spec.tls).toBeUndefined();
  });
});
