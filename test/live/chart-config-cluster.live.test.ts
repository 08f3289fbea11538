// The live cluster runs what production runs: each node's config file is the nats.conf the real
// chart renders for prod with only the loopback edits, and the running servers report the chart's
// settings (cluster name, no_advertise, JetStream limits, token auth, server_name from $SERVER_NAME).
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { LIVE_CLUSTER_OPTIONS } from '../support/jetstream-apply';
import { reportLiveChecks } from '../support/live-report';
import { renderNatsChart } from '../support/nats-chart';
import { NatsCluster, skipUnlessNatsServer } from '../support/nats-cluster';
import { formatNatsConf, loopbackNatsConf, natsSizeToBytes, parseChartNatsConf } from '../support/nats-conf';
import { REPO_ROOT } from '../support/shared';

jest.setTimeout(60_000);

interface Varz {
  server_name?: string;
  auth_required?: boolean;
  connect_urls?: string[];
  cluster?: { name?: string; urls?: string[] };
  jetstream?: { config?: { max_storage?: number; max_memory?: number; store_dir?: string } };
}

skipUnlessNatsServer()("a live cluster started from prod's chart-rendered nats.conf", () => {
  let cluster: NatsCluster;

  beforeAll(async () => {
    cluster = await NatsCluster.start(LIVE_CLUSTER_OPTIONS);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  reportLiveChecks('test/live/chart-config-cluster.live.test.ts');

  test("each node's config file is the chart's nats.conf with the loopback edits and nothing else", () => {
    const chartConf = parseChartNatsConf(renderNatsChart('prod').natsConf);
    const nodes = cluster.nodeNames.map((n) => cluster.node(n));
    for (const node of nodes) {
      const written = fs.readFileSync(node.configFile, 'utf8').replace(/^#.*\n/, '');
      const routePorts = nodes.map((n) => n.clusterPort);
      expect(written).toBe(formatNatsConf(loopbackNatsConf(chartConf, node, { routePorts })));
    }
  });

  test('the servers run the chart\'s settings: cluster "nats", no_advertise, store limits, token auth', async () => {
    const { maxFileStoreBytes } = cluster.capacity;
    // What we intend: prod's committed values (`config.jetstream.fileStore.maxSize`, e.g. 15564Mi).
    const values = yaml.load(
      fs.readFileSync(path.join(REPO_ROOT, 'dist', 'prod', 'helm', 'nats-values.yaml'), 'utf8'),
    ) as {
      config: { jetstream: { fileStore: { maxSize: string } } };
    };
    expect(maxFileStoreBytes).toBe(natsSizeToBytes(values.config.jetstream.fileStore.maxSize));
    for (const name of cluster.nodeNames) {
      const varz = await cluster.monitor<Varz>(name, 'varz');
      expect(varz.server_name).toBe(name); // from $SERVER_NAME, as the pod sets it from its name
      expect(varz.cluster?.name).toBe('nats');
      expect(varz.connect_urls ?? []).toEqual([]); // no_advertise: clients are not told the other servers
      expect(varz.auth_required).toBe(true);
      expect(varz.jetstream?.config).toMatchObject({
        max_storage: maxFileStoreBytes,
        max_memory: 0,
        store_dir: `${cluster.node(name).storeDir}/jetstream`,
      });
    }
  });

  test('a client with the token connects; one without is refused', async () => {
    const nc = await cluster.connect();
    await nc.flush();
    await nc.close();
    await expect(cluster.connect({ token: undefined, reconnect: false, maxReconnectAttempts: 0 })).rejects.toThrow(
      /Authorization Violation/i,
    );
  });
});
