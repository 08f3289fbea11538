// `npm run doctor -- --env <env> [--json] [--interval <seconds>]`: the spec's troubleshooting steps as
// checks against the running server (tools/live/doctor-checks.ts), each with a finding and a fix.
import type { JetStreamManager } from 'nats';
import { readDeclaredEnvironment } from './declared-environment';
import type { DeclaredEnvironment } from './declared-environment';
import {
  connectionChecks,
  consumerCheck,
  ConsumerSample,
  DoctorCheck,
  jetStreamApiCheck,
  kedaMonitoringCheck,
  kubernetesChecks,
  lagCheck,
  metaLeaderCheck,
  streamCheck,
} from './doctor-checks';
import { findKubectl } from './kubectl';
import { CannotRun, formatTable, LiveArgs, LiveReport, runLiveCommand, usageOf } from './live-command';
import { DEFAULT_MONITOR_URL, monitorUrlsOf, readMonitorNodes } from './monitoring-endpoint';
import { connectFromEnvironment } from './nats-connection';

export const DEFAULT_LAG_INTERVAL_SECONDS = 5;
const MAX_LAG_INTERVAL_SECONDS = 60;
const MONITOR_TIMEOUT_MS = 3_000;

const INTERVAL_DEFAULT = `${DEFAULT_LAG_INTERVAL_SECONDS}, at most ${MAX_LAG_INTERVAL_SECONDS}`;

export const DOCTOR_USAGE = usageOf(
  'doctor',
  `The spec's troubleshooting steps as checks against the running server: reachable, token accepted,
JetStream and its meta leader, every declared stream (replicas current) and consumer, lag against the
scaler's lagThreshold (sampled twice), the monitoring endpoint as KEDA asks it, and with kubectl (on PATH,
a current context) the nats-auth Secret and each ScaledObject's conditions. Prints check, result
(ok, warn, fail, skipped), finding and fix. Skipped checks are no failure.
  --interval <seconds>  between the two lag samples (default ${INTERVAL_DEFAULT}; 0: one sample)
  NATS_MONITOR_URL      the monitoring endpoint (default ${DEFAULT_MONITOR_URL}, what
                        \`kubectl -n <namespace> port-forward svc/nats 8222\` gives); one URL per server,
                        comma-separated, lets doctor read each consumer leader`,
);

export interface DoctorOptions {
  /** Where NATS_URL, NATS_TOKEN, NATS_MONITOR_URL, PATH and KUBECONFIG come from. @default process.env */
  readonly environment?: NodeJS.ProcessEnv;
  readonly out?: { stdout: (s: string) => void; stderr: (s: string) => void };
}

/** `--interval <seconds>` is doctor's own; the rest goes to the shared parser. */
function takeInterval(argv: readonly string[]): { rest: string[]; intervalMs: number } {
  const rest: string[] = [];
  let seconds = DEFAULT_LAG_INTERVAL_SECONDS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg !== '--interval' && !arg.startsWith('--interval=')) {
      rest.push(arg);
      continue;
    }
    const value = arg === '--interval' ? argv[++i] : arg.slice('--interval='.length);
    seconds = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
      throw new CannotRun(`--interval needs seconds from 0 to ${MAX_LAG_INTERVAL_SECONDS}, got "${value ?? ''}"`);
    }
    if (seconds > MAX_LAG_INTERVAL_SECONDS) {
      throw new CannotRun(`--interval ${value} is too long: at most ${MAX_LAG_INTERVAL_SECONDS} seconds`);
    }
  }
  return { rest, intervalMs: Math.round(seconds * 1000) };
}

export async function run(argv: string[], distDir: string, options: DoctorOptions = {}): Promise<number> {
  const environment = options.environment ?? process.env;
  let parsed: { rest: string[]; intervalMs: number };
  try {
    parsed = takeInterval(argv);
  } catch (err) {
    const stderr = options.out?.stderr ?? ((s: string) => process.stderr.write(s));
    stderr(`${(err as Error).message}\n`);
    return 2;
  }
  return runLiveCommand(
    parsed.rest,
    DOCTOR_USAGE,
    distDir,
    (args) => doctor(args, environment, parsed.intervalMs),
    options.out,
  );
}

export async function doctor(args: LiveArgs, environment: NodeJS.ProcessEnv, intervalMs: number): Promise<LiveReport> {
  const declared = readDeclaredEnvironment(args.distDir, args.env);
  const monitorUrls = monitorUrlsOf(environment);
  const connection = await connectFromEnvironment(environment);
  let checks: DoctorCheck[];
  try {
    const info = connection.nc.info;
    checks = connectionChecks({
      url: connection.url,
      serverName: info?.server_name,
      version: info?.version,
      tokenGiven: Boolean(environment.NATS_TOKEN),
      authRequired: info?.auth_required === true,
    });
    const accountIDs = [...new Set(declared.scalers.map((s) => s.account))];
    const monitorNodes = await readMonitorNodes(
      monitorUrls,
      accountIDs.length > 0 ? accountIDs : ['$G'],
      MONITOR_TIMEOUT_MS,
    );
    const jetStream = await jetStreamApiCheck(connection.jsm);
    checks.push(jetStream, metaLeaderCheck(monitorNodes));
    if (jetStream.result === 'ok') checks.push(...(await objectChecks(connection.jsm, declared, intervalMs)));
    else checks.push(...skippedObjectChecks(declared));
    checks.push(...declared.scalers.map((s) => kedaMonitoringCheck(s, monitorNodes)));
  } finally {
    await connection.close().catch(() => undefined);
  }
  checks.push(...kubernetesChecks(declared, findKubectl(environment)));
  return report(declared, connection.url, monitorUrls, checks);
}

async function objectChecks(
  jsm: JetStreamManager,
  declared: DeclaredEnvironment,
  intervalMs: number,
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const presentStreams = new Set<string>();
  for (const stream of declared.streams) {
    const { check, info } = await streamCheck(jsm, stream, declared.namespace);
    if (info) presentStreams.add(stream.name);
    checks.push(check);
  }
  const firstSamples: ConsumerSample[] = [];
  for (const consumer of declared.consumers) {
    const { check, sample } = await consumerCheck(
      jsm,
      consumer,
      declared.namespace,
      presentStreams.has(consumer.stream),
    );
    firstSamples.push(sample);
    checks.push(check);
  }
  let secondSamples: Array<ConsumerSample | undefined> = [];
  if (intervalMs > 0 && firstSamples.some((s) => s.info)) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    secondSamples = await Promise.all(
      firstSamples.map(async (s) =>
        s.info
          ? {
              consumer: s.consumer,
              info: await jsm.consumers.info(s.consumer.stream, s.consumer.name).catch(() => undefined),
            }
          : undefined,
      ),
    );
  }
  firstSamples.forEach((first, i) => {
    const check = lagCheck(first, secondSamples[i], declared.scalers, intervalMs, declared.namespace);
    if (check) checks.push(check);
  });
  return checks;
}

function skippedObjectChecks(declared: DeclaredEnvironment): DoctorCheck[] {
  const because = 'the JetStream API does not answer (see "jetstream enabled")';
  return [
    ...declared.streams.map((s) => `stream ${s.name}`),
    ...declared.consumers.map((c) => `consumer ${c.stream}/${c.name}`),
  ].map((check) => ({ check, result: 'skipped' as const, finding: because, fix: '' }));
}

const RESULTS = ['ok', 'warn', 'fail', 'skipped'] as const;

export function report(
  declared: DeclaredEnvironment,
  server: string,
  monitor: readonly string[],
  checks: readonly DoctorCheck[],
): LiveReport {
  const summary = Object.fromEntries(RESULTS.map((r) => [r, checks.filter((c) => c.result === r).length]));
  const foundProblems = checks.some((c) => c.result === 'fail' || c.result === 'warn');
  const table = formatTable(
    ['check', 'result', 'finding', 'fix'],
    checks.map((c) => [c.check, c.result, c.finding, c.fix]),
  );
  const counts = RESULTS.map((r) => `${summary[r]} ${r}`).join(', ');
  const text =
    `doctor ${declared.env} (namespace ${declared.namespace}) against ${server}, monitoring ${monitor.join(',')}\n\n` +
    `${table}\n\n${counts}${foundProblems ? ': found something to fix' : ''}\n`;
  return {
    text,
    json: { env: declared.env, namespace: declared.namespace, server, monitor, checks, summary },
    foundProblems,
  };
}
