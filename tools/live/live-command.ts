// What the three live commands (`npm run status`, `adopt`, `doctor`) share: arguments, output for people
// or machines, and one exit-code contract: 0 all is well, 1 found something, 2 could not run (no
// connection, bad token, bad arguments), with a one-line reason on stderr.
import { CannotRun } from './cannot-run';
import { listDistEnvironments } from './declared-environment';

export { CannotRun };

export interface LiveArgs {
  readonly env: string;
  readonly json: boolean;
  /** dist/ to read the declared state from. */
  readonly distDir: string;
}

/** What a command found: a table for people, a document for machines, and whether anything needs attention. */
export interface LiveReport {
  readonly text: string;
  readonly json: unknown;
  readonly foundProblems: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FOUND = 1;
export const EXIT_CANNOT_RUN = 2;

const CONNECTION_HELP = `environment:
  NATS_URL    the server to connect to (default nats://127.0.0.1:4222, what
              \`kubectl -n <namespace> port-forward svc/nats 4222\` gives); several may be comma-separated
  NATS_TOKEN  the client token (the nats-auth Secret's "token"); read from the environment only, never printed`;

export function usageOf(command: string, summary: string): string {
  return `usage: npm run ${command} -- --env <name> [--json]
${summary}
  --env    the environment: a folder of dist/ (what \`npm run synth\` wrote and git holds)
  --json   one JSON document on stdout instead of the table
${CONNECTION_HELP}
exit: 0 all is well, 1 found something, 2 could not run (the reason is one line on stderr)`;
}

/** `--env <name>` (required, a folder of dist/) and `--json`; anything else is a usage error. */
export function parseLiveArgs(argv: readonly string[], distDir: string): LiveArgs | 'help' {
  let env: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--json') json = true;
    else if (arg === '--env' || arg.startsWith('--env=')) {
      env = arg === '--env' ? argv[++i] : arg.slice('--env='.length);
      if (!env) throw new CannotRun('--env needs an environment name, e.g. --env dev');
    } else throw new CannotRun(`unknown argument "${arg}" (see --help)`);
  }
  const environments = listDistEnvironments(distDir);
  if (!env) throw new CannotRun(`--env is required: one of ${environments.join(', ')}`);
  if (!environments.includes(env)) {
    throw new CannotRun(
      `no environment "${env}" in ${distDir}: one of ${environments.join(', ')} ` +
        '(add config/<env>.ts, then `npm run synth`)',
    );
  }
  return { env, json, distDir };
}

/**
 * Runs one live command and returns its exit code. Only CannotRun and argument errors become exit 2 with
 * their message; anything else is a defect and is reported with its stack, also as exit 2.
 */
export async function runLiveCommand(
  argv: readonly string[],
  usage: string,
  distDir: string,
  body: (args: LiveArgs) => Promise<LiveReport>,
  out: { stdout: (s: string) => void; stderr: (s: string) => void } = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  },
): Promise<number> {
  let args: LiveArgs | 'help';
  try {
    args = parseLiveArgs(argv, distDir);
    if (args === 'help') {
      out.stdout(`${usage}\n`);
      return EXIT_OK;
    }
    const report = await body(args);
    out.stdout(
      args.json
        ? `${JSON.stringify(report.json, null, 2)}\n`
        : report.text.endsWith('\n')
          ? report.text
          : `${report.text}\n`,
    );
    return report.foundProblems ? EXIT_FOUND : EXIT_OK;
  } catch (err) {
    if (err instanceof CannotRun) out.stderr(`${err.message}\n`);
    else out.stderr(`internal error (please report): ${(err as Error).stack ?? String(err)}\n`);
    return EXIT_CANNOT_RUN;
  }
}

/** Left-aligned columns, a header and a rule: the table people read. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
