// What the server holds: every stream and consumer with its config and state, read through the JetStream
// API with a bounded wait each, so one stream without a leader (a node down) does not stall the command.
import type { ConsumerInfo, JetStreamManager, StreamInfo } from 'nats';
import { firstLine } from './cannot-run';
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

/** A consumer's lag as KEDA's nats-jetstream scaler reads it: num_pending + num_ack_pending (scaler.go:422-431). */
export function kedaLagOf(info: ConsumerInfo): number {
  return info.num_pending + info.num_ack_pending;
}

export type ReplicaGroupState = 'current' | 'lagging' | 'no leader';

/**
 * How a stream's or consumer's raft group of `wanted` replicas stands, from its info's cluster (nats-server v2.14.2
 * server/jetstream_cluster.go:10699-10760: a peer unseen for lostQuorumInterval is not current, offline once its
 * server is known to be gone): no leader; lagging (a peer offline or not current, or fewer peers placed); current.
 */
export function replicaGroupState(
  cluster: { leader?: string; replicas?: ReadonlyArray<{ current?: boolean; offline?: boolean }> } | undefined,
  wanted: number,
): ReplicaGroupState {
  const peers = cluster?.replicas ?? [];
  if (wanted > 1 && !cluster?.leader) return 'no leader';
  return peers.some((p) => p.offline || !p.current) || peers.length + 1 < wanted ? 'lagging' : 'current';
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
