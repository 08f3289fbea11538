// How the live commands connect: as the spec's clients do, NATS_URL (default nats://127.0.0.1:4222, what
// `kubectl port-forward svc/nats 4222` gives) and NATS_TOKEN from the environment. The token is never a
// command-line argument and never printed. Failures become CannotRun with a one-line reason.
import { connect, ErrorCode } from 'nats';
import type { JetStreamManager, NatsConnection } from 'nats';
import { CannotRun, firstLine } from './cannot-run';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export interface LiveConnection {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  /** NATS_URL as given (it never holds the token: a token in the URL is refused). */
  readonly url: string;
  close(): Promise<void>;
}

/** NATS_URL split into servers; one with user info (a token in the URL) is refused, so the token cannot leak. */
export function natsServersOf(environment: NodeJS.ProcessEnv): string[] {
  const url = environment.NATS_URL?.trim() || DEFAULT_NATS_URL;
  const servers = url
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (servers.some((s) => /^[a-z]+:\/\/[^/]*@/i.test(s))) {
    throw new CannotRun('NATS_URL holds credentials; put the token in NATS_TOKEN and the server alone in NATS_URL');
  }
  return servers;
}

/**
 * Connects once (no reconnect loop: a command that cannot connect says so at once) and checks that the
 * server answers a round trip. JetStream itself is not required here: doctor reports it as a finding.
 */
export async function connectFromEnvironment(
  environment: NodeJS.ProcessEnv = process.env,
  timeoutMs = 5_000,
): Promise<LiveConnection> {
  const servers = natsServersOf(environment);
  const token = environment.NATS_TOKEN || undefined;
  const shown = servers.join(',');
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      token,
      name: 'overmind-nats-live',
      timeout: timeoutMs,
      reconnect: false,
      maxReconnectAttempts: 0,
    });
  } catch (err) {
    throw new CannotRun(describeConnectError(err, shown, token !== undefined));
  }
  try {
    await nc.flush();
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw new CannotRun(describeConnectError(err, shown, token !== undefined));
  }
  return {
    nc,
    jsm: await nc.jetstreamManager({ checkAPI: false, timeout: timeoutMs }),
    url: shown,
    close: () => nc.close(),
  };
}

/** One line naming what failed; never the token. */
export function describeConnectError(err: unknown, servers: string, hasToken: boolean): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = (err as Error)?.message ?? String(err);
  if (code === ErrorCode.AuthorizationViolation || /authorization violation/i.test(message)) {
    return hasToken
      ? `authentication failed: ${servers} refused the token in NATS_TOKEN (is it the nats-auth Secret's "token"?)`
      : `authentication failed: ${servers} requires a token; set NATS_TOKEN to the nats-auth Secret's "token"`;
  }
  if (code === ErrorCode.ConnectionRefused || /ECONNREFUSED|CONNECTION_REFUSED/.test(message)) {
    return `cannot reach NATS at ${servers}: connection refused (is \`kubectl port-forward svc/nats 4222\` running?)`;
  }
  if (code === ErrorCode.Timeout || code === ErrorCode.ConnectionTimeout || /timeout/i.test(message)) {
    return `cannot reach NATS at ${servers}: no answer in time`;
  }
  return `cannot connect to NATS at ${servers}: ${firstLine(err)}`;
}
