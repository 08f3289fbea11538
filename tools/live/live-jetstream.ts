// What the server holds: every stream and consumer with its config and state, read through the JetStream
// API with a bounded wait each, so one stream without a leader (a node down) does not stall the command.
import type { ConsumerInfo, JetStreamManager, StreamInfo } from 'nats';
import { DeclaredEnvironment, readDeclaredEnvironment } from './declared-environment';
import { CannotRun, LiveReport, runLiveCommand } from './live-command';
import { connectFromEnvironment } from './nats-connection';

export interface LiveStream {
  readonly name: string;
  /** Undefined when the stream did not answer (no leader): `error` says why. */
  readonly info?: StreamInfo;
  readonly error?: string;
}

export interface LiveConsumer {
  readonly stream: string;
  readonly name: string;
  readonly info?: ConsumerInfo;
  readonly error?: string;
}

export interface LiveJetStream {
  readonly streams: readonly LiveStream[];
  readonly consumers: readonly LiveConsumer[];
}

/** Reads every stream and its consumers; names come from the meta leader, details from each stream's leader. */
export async function readLiveJetStream(jsm: JetStreamManager): Promise<LiveJetStream> {
  const names: string[] = [];
  for await (const name of jsm.streams.names()) names.push(name);
  const streams: LiveStream[] = [];
  const consumers: LiveConsumer[] = [];
  for (const name of names.sort()) {
    try {
      const info = await jsm.streams.info(name);
      streams.push({ name, info });
    } catch (err) {
      streams.push({ name, error: firstLine(err) });
      continue;
    }
    const infos: ConsumerInfo[] = [];
    try {
      for await (const consumer of jsm.consumers.list(name)) infos.push(consumer);
    } catch (err) {
      consumers.push({ stream: name, name: '*', error: firstLine(err) });
    }
    for (const info of infos.sort((a, b) => a.name.localeCompare(b.name))) {
      consumers.push({ stream: name, name: info.name, info });
    }
  }
  return { streams, consumers };
}

export function firstLine(err: unknown): string {
  return ((err as Error)?.message ?? String(err)).split('\n')[0];
}

/**
 * A command that compares dist/<env> with everything on the server (status, adopt): reads the declared
 * environment, connects, lists the live streams and consumers, and reports what `report` makes of them.
 */
export function runAgainstLiveJetStream(
  argv: readonly string[],
  usage: string,
  distDir: string,
  environment: NodeJS.ProcessEnv,
  report: (declared: DeclaredEnvironment, live: LiveJetStream, server: string) => LiveReport,
): Promise<number> {
  return runLiveCommand(argv, usage, distDir, async (args) => {
    const declared = readDeclaredEnvironment(args.distDir, args.env);
    const connection = await connectFromEnvironment(environment);
    try {
      const live = await readLiveJetStream(connection.jsm).catch((err: unknown) => {
        throw new CannotRun(`cannot list JetStream streams at ${connection.url}: ${firstLine(err)}`);
      });
      return report(declared, live, connection.url);
    } finally {
      await connection.close();
    }
  });
}
