// The real `promtool` (Debian package `prometheus`, 2.42 here; `.ci/run` installs it), for
// checking and unit-testing the generated alert rules. Absent: the tests that need it skip with
// a loud notice, except in CI (CI=true), where a missing promtool is a failure.
import { execFileSync, spawnSync } from 'child_process';
import { findExecutable } from './executables';
import { describeIfAvailable } from './requirements';

export const PROMTOOL_INSTALL_HINT = 'apt-get install -y prometheus';
/** Bound on each promtool run (every loop and process in the tests is bounded). */
const PROMTOOL_TIMEOUT_MS = 60_000;

/** $PROMTOOL_BIN, then PATH, then /usr/bin; undefined when absent. */
export function findPromtool(): string | undefined {
  return findExecutable('promtool', 'PROMTOOL_BIN', ['/usr/bin', '/usr/local/bin']);
}

/** `describe` when promtool exists; otherwise skipped with a notice, or (CI=true) failing. */
export function describeWithPromtool(name: string, body: (promtool: string) => void): void {
  const promtool = findPromtool();
  const missing = promtool ? undefined : `promtool not found (PATH, /usr/bin, $PROMTOOL_BIN): ${PROMTOOL_INSTALL_HINT}`;
  describeIfAvailable(missing)(name, () => body(promtool ?? 'promtool'));
}

export interface PromtoolResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs promtool with a time bound; returns exit status and combined output. */
export function runPromtool(promtool: string, args: string[], cwd?: string): PromtoolResult {
  const result = spawnSync(promtool, args, { cwd, encoding: 'utf8', timeout: PROMTOOL_TIMEOUT_MS });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

export function promtoolVersion(promtool: string): string {
  return execFileSync(promtool, ['--version'], { encoding: 'utf8', timeout: PROMTOOL_TIMEOUT_MS }).split('\n')[0];
}
