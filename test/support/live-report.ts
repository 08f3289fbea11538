// The closing line of every live test file: how many assertions ran against the real server.
import { natsServerVersion } from './nats-cluster';

/**
 * Call inside a live `describe`: counts every `expect` of its tests and prints
 * `LIVE: <file> ran N live checks against nats-server <version>` when the block ends.
 */
export function reportLiveChecks(file: string): void {
  let checks = 0;
  afterEach(() => {
    checks += expect.getState().assertionCalls;
  });
  afterAll(() => {
    console.log(`LIVE: ${file} ran ${checks} live checks against nats-server ${natsServerVersion()}`);
  });
}
