// describeIfAvailable (test/support/requirements.ts): what a test does when the machine lacks
// something it needs. Outside CI it skips loudly; under CI=true it must fail, never skip.
import { describeIfAvailable } from '../support/requirements';
import { describeWithShared } from '../support/shared';

type Registered = { describes: string[]; tests: Array<{ name: string; fn: () => unknown }> };

/** Runs `register` with jest's describe/test replaced by recorders, so a failing test can be inspected, not run. */
function record(register: () => void): Registered {
  const seen: Registered = { describes: [], tests: [] };
  const globals = global as unknown as Record<string, unknown>;
  const saved = { describe: globals.describe, test: globals.test };
  globals.describe = (name: string, body: () => void) => {
    seen.describes.push(name);
    body();
  };
  globals.test = (name: string, fn: () => unknown) => seen.tests.push({ name, fn });
  try {
    register();
  } finally {
    Object.assign(globals, saved);
  }
  return seen;
}

describe('describeIfAvailable', () => {
  const savedCi = process.env.CI;
  afterEach(() => {
    if (savedCi === undefined) delete process.env.CI;
    else process.env.CI = savedCi;
    jest.restoreAllMocks();
  });

  test('is plain describe when nothing is missing', () => {
    expect(describeIfAvailable(undefined)).toBe(describe);
  });

  test('outside CI: skips with a notice that says what is missing', () => {
    delete process.env.CI;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(describeIfAvailable('helm is not installed')).toBe(describe.skip);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('SKIPPED: helm is not installed'));
  });

  test('under CI=true: registers one test that fails with the reason, and never runs the body', () => {
    process.env.CI = 'true';
    const body = jest.fn();
    const seen = record(() => describeIfAvailable('helm is not installed')('rendered chart', body));
    expect(body).not.toHaveBeenCalled();
    expect(seen.describes).toEqual(['rendered chart']);
    expect(seen.tests).toHaveLength(1);
    expect(() => seen.tests[0].fn()).toThrow('CI=true: these tests must run, but helm is not installed');
  });

  test('a missing ../shared file fails under CI=true (describeWithShared)', () => {
    process.env.CI = 'true';
    const seen = record(() => describeWithShared(['reference/no-such-file.md'])('needs shared', jest.fn()));
    expect(seen.tests).toHaveLength(1);
    expect(() => seen.tests[0].fn()).toThrow(/reference\/no-such-file\.md not found .*OVERMIND_SHARED_DIR/);
  });
});
