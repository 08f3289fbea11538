// Every KEDA trigger in dist/ against KEDA's own parameter list (keda-scaler-parameters.json): KEDA
// ignores unknown metadata keys silently, so `lagthreshold` would quietly scale on the default 10
// (keda-prom-argo.md (a)). Plus the checks proving the lint can fail.
import {
  DistDocument,
  DistObject,
  describeLocation,
  listEnvironments,
  loadAllObjects,
  objectsOfKind,
} from '../support/dist';
import {
  checkScalerTriggers,
  checkTriggerMetadata,
  isGoInt64,
  KedaScalerParameters,
  readKedaScalerParameters,
} from '../support/keda-trigger-parameters';
import { cloneJson, formatViolations } from '../support/schema-validation';
import { describeWithShared, requireSharedFile } from '../support/shared';

const PARAMETERS_FILE = 'reference/keda-scaler-parameters.json';
const objects = loadAllObjects();
const scalers: Array<DistDocument<DistObject>> = [
  ...objectsOfKind(objects, 'keda.sh/ScaledObject'),
  ...objectsOfKind(objects, 'keda.sh/ScaledJob'),
];

describeWithShared([PARAMETERS_FILE])('KEDA trigger metadata (keda-scaler-parameters.json)', () => {
  let parameters: KedaScalerParameters;
  beforeAll(() => {
    parameters = readKedaScalerParameters(requireSharedFile(PARAMETERS_FILE));
  });

  test('every environment has a scaler to check', () => {
    for (const env of listEnvironments())
      expect({ env, scalers: scalers.some((s) => s.env === env) }).toEqual({ env, scalers: true });
  });

  test.each(scalers.map((d) => [describeLocation(d), d] as const))('%s', (_location, doc) => {
    expect(formatViolations(checkScalerTriggers(doc.content, parameters))).toEqual([]);
  });

  describe('fails when', () => {
    const natsTrigger = () => {
      const found = scalers
        .flatMap((s) => ((s.content.spec as any)?.triggers ?? []) as any[])
        .find((t) => t.type === 'nats-jetstream');
      if (!found) throw new Error('no nats-jetstream trigger in dist/ to break');
      return cloneJson(found);
    };
    const check = (trigger: unknown) =>
      formatViolations(checkTriggerMetadata(trigger as any, parameters, '/spec/triggers/0'));

    test('(baseline) the unbroken trigger passes', () => {
      expect(check(natsTrigger())).toEqual([]);
    });

    test('a key is misspelled (lagthreshold)', () => {
      const trigger = natsTrigger();
      trigger.metadata.lagthreshold = trigger.metadata.lagThreshold;
      delete trigger.metadata.lagThreshold;
      expect(check(trigger)).toEqual([
        '/spec/triggers/0/metadata/lagthreshold: unknown nats-jetstream metadata key ' +
          '"lagthreshold": KEDA ignores it silently (did you mean "lagThreshold"?)',
      ]);
    });

    test(
      'a key is unknown to the scaler (natsServerMonitoringEndpointFromEnv: no env ' +
        'support, keda-prom-argo.md (a))',
      () => {
        const trigger = natsTrigger();
        trigger.metadata.natsServerMonitoringEndpointFromEnv = 'NATS_MONITOR';
        expect(check(trigger)).toEqual([
          expect.stringContaining(
            '/spec/triggers/0/metadata/natsServerMonitoringEndpointFromEnv: unknown nats-jetstream metadata key',
          ),
        ]);
      },
    );

    test('a value is a number (lagThreshold: 10)', () => {
      const trigger = natsTrigger();
      trigger.metadata.lagThreshold = 10;
      expect(check(trigger)).toEqual([
        expect.stringContaining('/spec/triggers/0/metadata/lagThreshold: value must be a string'),
      ]);
    });

    test.each([
      ['lagThreshold', '10.5'],
      ['lagThreshold', 'ten'],
      ['activationLagThreshold', '9223372036854775808'],
      ['useHttps', 'yes'],
      ['useHttps', 'True'],
      ['natsServerMonitoringEndpoint', 'http://nats-headless:8222'],
      ['natsServerMonitoringEndpoint', 'nats-headless:8222/jsz'],
    ])('%s is "%s", which KEDA does not parse as intended', (key, value) => {
      const trigger = natsTrigger();
      trigger.metadata[key] = value;
      expect(check(trigger)).toEqual([
        expect.stringContaining(`/spec/triggers/0/metadata/${key}: "${value}" is not what KEDA expects for ${key}`),
      ]);
    });

    test.each(['stream', 'consumer', 'natsServerMonitoringEndpoint'])('required key %s is missing', (key) => {
      const trigger = natsTrigger();
      delete trigger.metadata[key];
      expect(check(trigger)).toEqual([
        `/spec/triggers/0/metadata/${key}: required nats-jetstream metadata key "${key}" is missing`,
      ]);
    });

    test('neither account nor accountID is set (the scaler fails: "no account name or id given")', () => {
      const trigger = natsTrigger();
      delete trigger.metadata.account;
      delete trigger.metadata.accountID;
      expect(check(trigger)).toEqual([
        '/spec/triggers/0/metadata: nats-jetstream needs one of "account" or "accountID"',
      ]);
      // ...unless a TriggerAuthentication may supply it (and the endpoint)
      trigger.authenticationRef = { name: 'nats-monitor' };
      delete trigger.metadata.natsServerMonitoringEndpoint;
      expect(check(trigger)).toEqual([]);
    });

    test('the scaler type has no parameter list', () => {
      expect(check({ type: 'nats-jetstreams', metadata: {} })).toEqual([
        expect.stringContaining('/spec/triggers/0/type: no parameter list for scaler "nats-jetstreams"'),
      ]);
    });

    test('a scaler has no triggers', () => {
      expect(formatViolations(checkScalerTriggers({ spec: { triggers: [] } }, parameters))).toEqual([
        '/spec/triggers: a scaler needs at least one trigger',
      ]);
    });
  });
});

test('isGoInt64 follows strconv.ParseInt(s, 10, 64)', () => {
  for (const ok of ['0', '10', '-1', '+7', '9223372036854775807', '-9223372036854775808'])
    expect({ ok, parsed: isGoInt64(ok) }).toEqual({ ok, parsed: true });
  for (const bad of ['', ' 1', '1.0', '1e3', '0x10', '9223372036854775808', '-9223372036854775809'])
    expect({ bad, parsed: isGoInt64(bad) }).toEqual({ bad, parsed: false });
});
