// Unknown keys fail the synth (lib/config/config-keys.ts): typo distance, and every nested config object walked.
import { Testing } from 'cdk8s';
import { checkKnownFields, checkKnownGitOpsFields, closestField, editDistance } from '../../lib/config/config-keys';
import { EnvironmentConfig } from '../../lib/config/types';
import { formatLiteral, literal } from '../../lib/config/checks';

const check = (config: unknown) => () => checkKnownFields(Testing.chart(), config as EnvironmentConfig);

describe('closest known field', () => {
  test('edit distance counts a swap of two letters as one edit', () => {
    expect(editDistance('maxDelivr', 'maxDeliver')).toBe(1);
    expect(editDistance('ackWiat', 'ackWait')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
  test('suggests only a near field, ignoring case', () => {
    expect(closestField('maxDelivr', ['maxDeliver', 'maxAckPending'])).toBe('maxDeliver');
    expect(closestField('MaxAge', ['maxAge', 'maxBytes'])).toBe('maxAge');
    expect(closestField('memStorage', ['maxDeliver', 'ackWait'])).toBeUndefined();
  });
});

describe('every nested config object is walked', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    [
      'the environment',
      { name: 'e', namspace: 'x' },
      /Environment "e": field "namspace" is not a known field.*closest known field "namespace"/,
    ],
    [
      'nats',
      { name: 'e', nats: { replica: 3 } },
      /NATS cluster \(nats\): field "nats.replica".*Fix: write nats: \{ replicas: 3 \}/,
    ],
    ['nats.resources', { name: 'e', nats: { resources: { memroy: '1GiB' } } }, /field "nats.resources.memroy"/],
    [
      'nats.tokenSecret',
      { name: 'e', nats: { tokenSecret: { name: 'a', key: 'b', namespace: 'c' } } },
      /field "nats.tokenSecret.namespace"/,
    ],
    ['nats.tls', { name: 'e', nats: { tls: { monitr: true } } }, /field "nats.tls.monitr".*"monitor"/],
    [
      'streams[i]',
      { name: 'e', streams: [{ name: 's', subjects: ['s.>'], maxBytes: '1GB', maxage: '1d' }] },
      /Stream "s": field "maxage".*"maxAge"/,
    ],
    [
      'streams[i].alerts',
      { name: 'e', streams: [{ name: 's', subjects: ['s.>'], maxBytes: '1GB', alerts: { nearLimit: 0.9 } }] },
      /Stream "s": field "alerts.nearLimit"/,
    ],
    [
      'consumers[i]',
      { name: 'e', consumers: [{ name: 'c', stream: 's', ackwait: '30s' }] },
      /Consumer "c": field "ackwait"/,
    ],
    [
      'consumers[i].alerts',
      { name: 'e', consumers: [{ name: 'c', stream: 's', alerts: { maxLagg: 5 } }] },
      /Consumer "c": field "alerts.maxLagg".*"maxLag"/,
    ],
    [
      'scalers[i]',
      { name: 'e', scalers: [{ target: 't', consumer: 'c', maxReplica: 4 }] },
      /ScaledObject "t-nats-scaler" \(scaler of "t"\): field "maxReplica"/,
    ],
    [
      'monitoring',
      { name: 'e', monitoring: { scrapeIntervall: '30s' } },
      /Monitoring \(monitoring\): field "monitoring.scrapeIntervall"/,
    ],
    [
      'monitoring.alerts',
      { name: 'e', monitoring: { alerts: { runbookUrl: 'x' } } },
      /field "monitoring.alerts.runbookUrl"/,
    ],
    [
      'monitoring.alerts.streams',
      { name: 'e', monitoring: { alerts: { streams: { fr: '5m' } } } },
      /field "monitoring.alerts.streams.fr"/,
    ],
    [
      'network',
      { name: 'e', network: { enable: false } },
      /Network policies \(network\): field "network.enable".*"enabled"/,
    ],
    [
      'network.clientPodSelectors[i]',
      { name: 'e', network: { clientPodSelectors: [{ podLabels: { a: 'b' }, ns: 'x' }] } },
      /field "network.clientPodSelectors\[0\].ns"/,
    ],
    [
      'gitops',
      { name: 'e', gitops: { targetRevison: 'v1' } },
      /Argo CD settings \(gitops\): field "gitops.targetRevison".*Fix: write gitops: \{ targetRevision: "v1" \}/,
    ],
  ];
  test.each(cases)('%s', (_where, config, expected) => {
    expect(check(config)).toThrow(expected);
  });

  test('labels maps take any key, and the real configs pass', () => {
    expect(
      check({
        name: 'e',
        monitoring: { prometheusSelectorLabels: { anything: 'x' } },
        network: { kedaPodLabels: { any: 'y' } },
      }),
    ).not.toThrow();
    const { ENVIRONMENTS } = jest.requireActual('../../config');
    for (const environment of ENVIRONMENTS) expect(check(environment)).not.toThrow();
  });

  test('a value of the wrong shape is named, not walked', () => {
    expect(check({ name: 'e', streams: { name: 's' } })).toThrow(/field "streams".*a list of StreamConfig/);
    expect(check({ name: 'e', nats: 3 })).toThrow(/field "nats".*an object with the fields of NatsClusterConfig/);
  });

  test('config/gitops.ts is walked too', () => {
    expect(() => checkKnownGitOpsFields(Testing.chart(), { repoURL: 'x', automatedsync: false } as never)).toThrow(
      /field "gitops.automatedsync".*closest known field "automatedSync"/,
    );
  });
});

describe('literal fixes are written as the config writes them', () => {
  test.each([
    ['maxDeliver', 5, 'maxDeliver: 5'],
    ['nats.resources.memory', '4GiB', 'nats: { resources: { memory: "4GiB" } }'],
    ['subjects[1]', 'llm.>', 'subjects: ["llm.>"]'],
    ['network.clientPodSelectors[0].namespace', 'web', 'network: { clientPodSelectors: [{ namespace: "web" }] }'],
    ['name (as a Kubernetes name)', 'orders', 'name: "orders"'],
    [
      'monitoring.prometheusSelectorLabels',
      { 'app.kubernetes.io/name': 'x', release: 'y' },
      'monitoring: { prometheusSelectorLabels: { "app.kubernetes.io/name": "x", release: "y" } }',
    ],
  ])('%s = %j', (field, value, expected) => {
    expect(literal(field, value)).toBe(expected);
  });
});

describe("formatLiteral with single quotes (what npm run adopt prints, in the config files' style)", () => {
  test.each([
    ['routing.>', "'routing.>'"],
    ["it's", "'it\\'s'"],
    ['say "hi"', `'say "hi"'`],
    ['back\\slash', "'back\\\\slash'"],
    [['a.>', 'b'], "['a.>', 'b']"],
    [{ 'app.kubernetes.io/name': 'x', release: 'y' }, "{ 'app.kubernetes.io/name': 'x', release: 'y' }"],
  ])('%j', (value, expected) => {
    const text = formatLiteral(value, "'");
    expect(text).toBe(expected);
    // What it prints is TypeScript that evaluates back to the value.
    expect(new Function(`return (${text});`)()).toEqual(value);
  });
});
