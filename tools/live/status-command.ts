// `npm run status -- --env <env> [--json]`: every Stream and Consumer dist/<env> declares against the live
// server, field by field in our config's terms; replicas current or lagging; each consumer's lag next to its
// scaler's lagThreshold. Exit 0 all in sync, 1 found something, 2 could not run.
import { readDeclaredEnvironment } from './declared-environment';
import { CannotRun, runLiveCommand, usageOf } from './live-command';
import { firstLine, readLiveJetStream } from './live-jetstream';
import { connectFromEnvironment } from './nats-connection';
import { compareWithLive, statusReport } from './status-report';

const USAGE = usageOf(
  'status',
  'Compares every Stream and Consumer dist/<env> declares with the live server: in sync, drifted (field,\n' +
    'declared, live, and whether NACK will apply it), missing, or on the server but not declared; stream\n' +
    "replicas current or lagging; consumer lag against the KEDA scaler's lagThreshold.",
);

export function run(argv: string[], distDir: string, environment: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runLiveCommand(argv, USAGE, distDir, async (args) => {
    const declared = readDeclaredEnvironment(args.distDir, args.env);
    const connection = await connectFromEnvironment(environment);
    try {
      const live = await readLiveJetStream(connection.jsm).catch((err: unknown) => {
        throw new CannotRun(`cannot list JetStream streams at ${connection.url}: ${firstLine(err)}`);
      });
      return statusReport(compareWithLive(declared, live, connection.url));
    } finally {
      await connection.close();
    }
  });
}
