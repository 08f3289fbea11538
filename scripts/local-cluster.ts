// `npm run local [-- <env>]`: an environment's NATS servers on 127.0.0.1 (default dev: 1 server;
// staging and prod: 3), each running the nats.conf the real NATS chart renders for that environment
// (ports moved to loopback), with its streams and consumers from dist/<env>/manifests created the
// way NACK would. Same harness as the live tests (test/support/nats-cluster.ts). Ctrl-C stops it and
// deletes its temporary folder. Docs: docs/local-cluster.md.
import type { JetStreamManager } from 'nats';
import { loadEnvironment } from '../test/support/dist-manifests';
import { applyEnvironment } from '../test/support/jetstream-apply';
import { localNatsChart } from '../test/support/nats-chart';
import { NATS_SERVER_INSTALL_HINT, NatsCluster, findNatsServer, natsServerVersion } from '../test/support/nats-cluster';

const PREFERRED_PORTS = { client: 4222, cluster: 6222, monitor: 8222 };

function usage(): never {
  console.log(`usage: npm run local [-- <env>]     env: a folder of dist/ (default: dev)
environment: NATS_TOKEN=<token> to choose the client token (default: a fresh \`npm run -s token\`)
             OVERMIND_NATS_CHART=<dir> the NATS chart to render
                                       (default: charts/vendor/nats, else ../shared/upstream)`);
  process.exit(0);
}

async function waitForLeaders(
  cluster: NatsCluster,
  jsm: JetStreamManager,
  streams: string[],
  consumers: Array<{ stream: string; name: string }>,
): Promise<void> {
  for (const s of streams) await cluster.waitForStreamLeader(jsm, s);
  for (const c of consumers) await cluster.waitForConsumerLeader(jsm, c.stream, c.name);
}

async function main(): Promise<void> {
  const arg = process.argv[2];
  if (arg === '-h' || arg === '--help') usage();
  const envName = arg ?? 'dev';
  if (!findNatsServer()) {
    console.error(`nats-server is not installed. Install it with:\n  ${NATS_SERVER_INSTALL_HINT}`);
    process.exit(1);
  }
  const env = loadEnvironment(envName);
  const chart = localNatsChart();

  console.log(
    `Starting environment ${envName}'s NATS servers (nats-server ${natsServerVersion()}) on 127.0.0.1, ` +
      `with the nats.conf of chart ${chart.name} ${chart.version} (${chart.dir}) ...`,
  );
  const cluster = await NatsCluster.start({
    environment: envName,
    chart,
    preferredPorts: PREFERRED_PORTS,
    token: process.env.NATS_TOKEN || undefined,
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the cluster and deleting ${cluster.tempDir} ...`);
    await cluster.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    const nc = await cluster.connect({ name: 'overmind-local-apply' });
    const jsm = await nc.jetstreamManager();
    const applied = await applyEnvironment(nc, env);
    await waitForLeaders(
      cluster,
      jsm,
      applied.streams.map((s) => s.name),
      applied.consumers.map((c) => ({ stream: c.stream, name: c.config.durable_name })),
    );
    await nc.close();

    const urls = cluster.clientUrls();
    const mon = cluster.monitorUrls();
    const firstStream = applied.streams[0]?.name ?? 'routing-decisions';
    const ready = cluster.size === 1 ? 'Server' : `${cluster.size}-node cluster`;
    const firstConsumer =
      applied.consumers.find((c) => c.stream === firstStream)?.config.durable_name ?? 'api-consumer';
    const streamList = applied.streams.map((s) => `${s.name} R${s.num_replicas}`).join(', ');
    const consumerList = applied.consumers.map((c) => c.config.durable_name).join(', ');
    const event = '{"requestId":"r1","selectedModel":"gemini-pro"}';
    console.log(`
${ready} ready, running the chart's nats.conf for ${envName} (config files in the data folder).
Applied dist/${envName}: ${applied.streams.length} streams (${streamList}),
${applied.consumers.length} consumers (${consumerList}).

  client URLs   ${urls.join(',')}
  token         ${cluster.token}
  monitoring    ${mon.join('  ')}
  data + logs   ${cluster.tempDir}   (deleted on stop)
  server PIDs   ${cluster.nodeNames.map((n) => `${n}=${cluster.pid(n)}`).join(' ')}

  export NATS_URL=${urls.join(',')}
  export NATS_TOKEN=${cluster.token}
  export NATS_MONITOR_URL=${mon.join(',')}

The live commands against it (each prints a table; --json for machines; exit 0 well, 1 found, 2 cannot run):
  npm run status -- --env ${envName}     # declared (dist/${envName}) versus live, field by field
  npm run adopt -- --env ${envName}      # config entries for streams and consumers made by hand
  npm run doctor -- --env ${envName}     # the spec's troubleshooting steps as checks

Try it (the nats CLI is optional; curl works everywhere):
  nats --server "$NATS_URL" --token "$NATS_TOKEN" stream ls
  nats --server "$NATS_URL" --token "$NATS_TOKEN" pub routing.model.selected '${event}'
  nats --server "$NATS_URL" --token "$NATS_TOKEN" consumer next ${firstStream} ${firstConsumer} --count 1
  curl -s '${mon[0]}/jsz?acc=$G&consumers=true&config=true'      # what KEDA's nats-jetstream scaler reads
  curl -s '${mon[0]}/healthz?js-enabled-only=true'

Stop with Ctrl-C (SIGINT) or SIGTERM: every server is stopped and the temp folder removed.`);
  } catch (e) {
    console.error(`Failed to apply dist/${envName}: ${(e as Error).message}`);
    await cluster.stop();
    process.exit(1);
  }
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
