// The parts of the live-test harness that must behave without a server: the skip/fail rule for
// a missing nats-server or chart, and the bounded waits every live test relies on.
import { settlesWithin, skipUnlessNatsServer, waitFor } from '../support/nats-cluster';

describe('skipUnlessNatsServer', () => {
  const savedCi = process.env.CI;
  afterEach(() => {
    if (savedCi === undefined) delete process.env.CI;
    else process.env.CI = savedCi;
    jest.restoreAllMocks();
  });

  const chartHere = () => undefined;
  const noChart = () => 'the upstream NATS chart is not at /nowhere';

  test('runs the live tests when nats-server is found and the chart can be rendered', () => {
    expect(skipUnlessNatsServer(() => '/usr/sbin/nats-server', chartHere)).toBe(describe);
  });

  test('skips them with a notice when the chart whose nats.conf the nodes run is missing', () => {
    delete process.env.CI;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(skipUnlessNatsServer(() => '/usr/sbin/nats-server', noChart)).toBe(describe.skip);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /SKIPPED: the live cluster runs the nats\.conf of the real NATS chart, but the upstream NATS chart is not at \/nowhere/,
      ),
    );
  });

  test('under CI=true a missing chart is a failing test, not a skip', () => {
    process.env.CI = 'true';
    const describeLive = skipUnlessNatsServer(() => '/usr/sbin/nats-server', noChart);
    expect(describeLive).not.toBe(describe.skip);
    expect(describeLive).not.toBe(describe);
  });

  test('skips them with a loud notice naming the install command when it is missing', () => {
    delete process.env.CI;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(skipUnlessNatsServer(() => undefined, chartHere)).toBe(describe.skip);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /SKIPPED: nats-server is not installed[\s\S]*apt-get update && apt-get install -y nats-server/,
      ),
    );
  });

  test('under CI=true a missing nats-server is a failing test, not a skip', () => {
    process.env.CI = 'true';
    const describeLive = skipUnlessNatsServer(() => undefined, chartHere);
    expect(describeLive).not.toBe(describe.skip);
    expect(describeLive).not.toBe(describe);
  });
});

describe('bounded waits', () => {
  test('waitFor returns the first defined value', async () => {
    let calls = 0;
    await expect(waitFor('third call', async () => (++calls === 3 ? 'ok' : undefined), 2000, 10)).resolves.toBe('ok');
    expect(calls).toBe(3);
  });

  test('fails when the condition never holds, after the timeout, with the last error', async () => {
    const started = Date.now();
    await expect(
      waitFor(
        'never',
        async () => {
          throw new Error('still down');
        },
        200,
        20,
      ),
    ).rejects.toThrow(/timed out after 200 ms waiting for never: still down/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('settlesWithin reports whether a promise settled in time', async () => {
    await expect(settlesWithin(Promise.resolve(), 50)).resolves.toBe(true);
    await expect(settlesWithin(new Promise(() => undefined), 20)).resolves.toBe(false);
  });
});
