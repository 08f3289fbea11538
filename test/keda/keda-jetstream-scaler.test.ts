// The pure parts of the KEDA nats-jetstream scaler model (keda-prom-argo.md (a)); the live
// behaviour against nats-server is in test/live/keda-scaler.live.test.ts.
import {
  desiredReplicas,
  findConsumer,
  jszQuery,
  kedaMonitorUrlForConnectUrl,
  parseScalerMetadata,
} from '../support/keda-jetstream-scaler';

const base = { natsServerMonitoringEndpoint: 'nats-headless.ns.svc.cluster.local:8222', account: '$G', stream: 's', consumer: 'c' };

describe('parseScalerMetadata (KEDA trigger metadata rules)', () => {
  test('defaults: lagThreshold 10, activationLagThreshold 0, http', () => {
    expect(parseScalerMetadata(base)).toEqual({ ...base, lagThreshold: 10, activationLagThreshold: 0, useHttps: false });
  });

  test('accountID wins over account (it is what is sent as acc=)', () => {
    expect(parseScalerMetadata({ ...base, accountID: 'ABC' }).account).toBe('ABC');
  });

  test('fails when no account is given (the docs\' "$G by default" is not in the code)', () => {
    const { account: _omit, ...noAccount } = base;
    expect(() => parseScalerMetadata(noAccount)).toThrow(/no account name or id given/);
  });

  test('fails when a value is not a string (the CRD types metadata as strings)', () => {
    expect(() => parseScalerMetadata({ ...base, lagThreshold: 10 })).toThrow(/lagThreshold must be a string/);
  });

  test('fails when lagThreshold is not an int64', () => {
    expect(() => parseScalerMetadata({ ...base, lagThreshold: '1e3' })).toThrow(/error parsing lagThreshold/);
  });
});

describe('the request KEDA sends', () => {
  test('jsz query URL-encodes $G like Go url.Values', () => {
    expect(jszQuery('$G')).toBe('jsz?acc=%24G&config=true&consumers=true');
  });

  test('advertised mode: the node host from connect_urls plus the endpoint\'s monitor port', () => {
    expect(kedaMonitorUrlForConnectUrl('10.0.0.7:4222', parseScalerMetadata(base))).toBe('http://10.0.0.7:8222');
  });

  test('findConsumer matches by name, never by index (array order is not stable, tooling.md §3)', () => {
    const jsz = {
      account_details: [{
        name: '$G',
        stream_detail: [
          { name: 'other', consumer_detail: [{ name: 'c', num_pending: 1, num_ack_pending: 0 }] },
          { name: 's', consumer_detail: [{ name: 'x', num_pending: 2, num_ack_pending: 0 }, { name: 'c', num_pending: 3, num_ack_pending: 4 }] },
        ],
      }],
    };
    expect(findConsumer(jsz, '$G', 's', 'c')).toMatchObject({ num_pending: 3, num_ack_pending: 4 });
    expect(findConsumer(jsz, '$G', 's', 'missing')).toBeUndefined();
  });
});

describe('desiredReplicas (HPA AverageValue on lag)', () => {
  const bounds = { minReplicaCount: 2, maxReplicaCount: 20 };
  test.each([
    [0, false, 2], // inactive: minReplicaCount
    [1, true, 2], // ceil(1/10) = 1, but not below min
    [21, true, 3],
    [200, true, 20],
    [201, true, 20], // capped at max
    [10_000, true, 20],
  ])('lag %i (active %s) with threshold 10 -> %i replicas', (lag, active, replicas) => {
    expect(desiredReplicas({ lag, active }, 10, bounds)).toBe(replicas);
  });

  test('with minReplicaCount 0 an active trigger still runs at least 1 replica, an inactive one 0', () => {
    expect(desiredReplicas({ lag: 1, active: true }, 10, { minReplicaCount: 0, maxReplicaCount: 5 })).toBe(1);
    expect(desiredReplicas({ lag: 5, active: false }, 10, { minReplicaCount: 0, maxReplicaCount: 5 })).toBe(0);
  });

  test('KEDA defaults when the ScaledObject omits the bounds: min 0, max 100', () => {
    expect(desiredReplicas({ lag: 5000, active: true }, 10, {})).toBe(100);
  });

  test('fails when lagThreshold is not positive', () => {
    expect(() => desiredReplicas({ lag: 1, active: true }, 0, bounds)).toThrow(/lagThreshold must be > 0, got 0/);
  });
});
