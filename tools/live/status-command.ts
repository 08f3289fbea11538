// `npm run status -- --env <env> [--json]`: every Stream and Consumer dist/<env> declares against the live
// server, field by field in our config's terms; replicas current or lagging; each consumer's lag next to its
// scaler's lagThreshold. Exit 0 all in sync, 1 found something, 2 could not run.
import { usageOf } from './live-command';
import { runAgainstLiveJetStream } from './live-jetstream';
import { compareWithLive, statusReport } from './status-report';

const USAGE = usageOf(
  'status',
  'Compares every Stream and Consumer dist/<env> declares with the live server: in sync, drifted (field,\n' +
    'declared, live, and whether NACK will apply it), missing, or on the server but not declared; stream\n' +
    "replicas current or lagging; consumer lag against the KEDA scaler's lagThreshold.",
);

export function run(argv: string[], distDir: string, environment: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runAgainstLiveJetStream(argv, USAGE, distDir, environment, (declared, live, server) =>
    statusReport(compareWithLive(declared, live, server)),
  );
}
