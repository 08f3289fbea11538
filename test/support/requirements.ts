// What a test needs from the machine (../shared files, nats-server, promtool, helm). When it is
// missing, a developer's run skips those tests with a loud notice; under CI=true they FAIL, naming
// what is missing and how to install it: a check that cannot run is never a silent pass in CI.

/** The notice printed (or the failure raised in CI) when `what` is missing. */
export function missingMessage(what: string, howToFix: string): string {
  return `${what} is missing. ${howToFix}`;
}

/**
 * `describe` when `missing` is undefined. Otherwise, under CI=true, a describe whose single test
 * fails with the reason; outside CI, `describe.skip` after a notice on stderr.
 */
export function describeIfAvailable(missing: string | undefined): jest.Describe {
  if (missing === undefined) return describe;
  if (process.env.CI === 'true') {
    const failing = (name: unknown) =>
      describe(String(name), () => {
        test('has what it needs (required under CI=true)', () => {
          throw new Error(`CI=true: these tests must run, but ${missing}`);
        });
      });
    return failing as unknown as jest.Describe;
  }
  console.warn(`\n${'!'.repeat(78)}\nSKIPPED: ${missing}\n${'!'.repeat(78)}\n`);
  return describe.skip;
}
