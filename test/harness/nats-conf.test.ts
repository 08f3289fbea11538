// The chart's nats.conf as data (test/support/nats-conf.ts) and the loopback variant each node of
// the live cluster runs: a faithful round trip of what the real chart renders, and edits limited to
// listen addresses, routes, store and pid file.
import { describeWithNatsChart, renderNatsChart } from '../support/nats-chart';
import {
  chartClusterSize,
  formatNatsConf,
  loopbackNatsConf,
  NatsConfMap,
  natsSizeToBytes,
  parseChartNatsConf,
  RawValue,
} from '../support/nats-conf';

const NODE = {
  clientPort: 14222,
  clusterPort: 16222,
  monitorPort: 18222,
  storeDir: '/tmp/store-n1',
  pidFile: '/tmp/n1.pid',
};

/** Every leaf of a config tree as `path = value`. */
function leaves(value: unknown, prefix = ''): string[] {
  if (value instanceof RawValue) return [`${prefix} = raw ${value.text}`];
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
  }
  return [`${prefix} = ${JSON.stringify(value)}`];
}

describe('natsSizeToBytes', () => {
  test.each([
    [0, 0],
    ['8755Mi', 8755 * 1024 ** 2],
    ['1GB', 1024 ** 3],
    ['1G', 1e9],
    ['2k', 2000],
    ['3KiB', 3 * 1024],
    [new RawValue('5Gi'), 5 * 1024 ** 3],
  ])('%p is %p bytes, as nats-server reads it', (value, bytes) => {
    expect(natsSizeToBytes(value as never)).toBe(bytes);
  });

  test('refuses what is not a size', () => {
    expect(() => natsSizeToBytes('5 apples')).toThrow(/not a nats-server size/);
    expect(() => natsSizeToBytes('5Gx')).toThrow(/suffix/);
  });
});

describe('parseChartNatsConf', () => {
  test('raw values stay raw and the rest is JSON', () => {
    const text = '{\n  "a": {\n    "token": $NATS_TOKEN\n  },\n  "max": 8755Mi,\n  "n": 0,\n  "s": "x"\n}\n';
    const conf = parseChartNatsConf(text);
    expect(conf).toEqual({ a: { token: new RawValue('$NATS_TOKEN') }, max: new RawValue('8755Mi'), n: 0, s: 'x' });
  });

  test('refuses include directives, which the loopback edits could not follow', () => {
    expect(() => parseChartNatsConf('{\n  include "auth.conf";\n}\n')).toThrow(/include/);
  });
});

describeWithNatsChart()('the nats.conf the real chart renders', () => {
  test.each(['dev', 'staging', 'prod'])('%s: parses and formats back to the same bytes', (env) => {
    const text = renderNatsChart(env).natsConf;
    expect(formatNatsConf(parseChartNatsConf(text))).toBe(text);
  });

  test('cluster size: 1 for dev (no cluster block), 3 routes for staging and prod', () => {
    const sizeOf = (env: string) => chartClusterSize(parseChartNatsConf(renderNatsChart(env).natsConf));
    const sizes = ['dev', 'staging', 'prod'].map(sizeOf);
    expect(sizes).toEqual([1, 3, 3]);
  });

  test('loopback edits: only listen addresses, routes, store_dir and pid_file change; no_advertise stays', () => {
    const chart = parseChartNatsConf(renderNatsChart('prod').natsConf);
    const local = loopbackNatsConf(chart, NODE, { routePorts: [16222, 16223, 16224] });
    const before = new Set(leaves(chart));
    const after = new Set(leaves(local));
    expect([...before].filter((l) => !after.has(l)).sort()).toEqual([
      'cluster.port = 6222',
      'cluster.routes.0 = "nats://nats-0.nats-headless:6222"',
      'cluster.routes.1 = "nats://nats-1.nats-headless:6222"',
      'cluster.routes.2 = "nats://nats-2.nats-headless:6222"',
      'http_port = 8222',
      'jetstream.store_dir = "/data"',
      'pid_file = "/var/run/nats/nats.pid"',
      'port = 4222',
    ]);
    expect([...after].filter((l) => !before.has(l)).sort()).toEqual([
      'cluster.host = "127.0.0.1"',
      'cluster.port = 16222',
      'cluster.routes.0 = "nats://127.0.0.1:16222"',
      'cluster.routes.1 = "nats://127.0.0.1:16223"',
      'cluster.routes.2 = "nats://127.0.0.1:16224"',
      'host = "127.0.0.1"',
      'http_port = 18222',
      'jetstream.store_dir = "/tmp/store-n1"',
      'pid_file = "/tmp/n1.pid"',
      'port = 14222',
    ]);
    expect((local.cluster as NatsConfMap).no_advertise).toBe(true);
    expect(local.server_name).toEqual(new RawValue('$SERVER_NAME'));
    expect((local.authorization as NatsConfMap).token).toEqual(new RawValue('$NATS_TOKEN'));
    expect(chart.port).toBe(4222); // the chart's tree itself is not modified
  });

  test('advertise: true drops only cluster.no_advertise', () => {
    const chart = parseChartNatsConf(renderNatsChart('prod').natsConf);
    const quiet = leaves(loopbackNatsConf(chart, NODE, { routePorts: [1, 2, 3] }));
    const loud = leaves(loopbackNatsConf(chart, NODE, { routePorts: [1, 2, 3], advertise: true }));
    expect(quiet.filter((l) => !loud.includes(l))).toEqual(['cluster.no_advertise = true']);
  });

  test('refuses a node count the chart config is not written for, and TLS it cannot run', () => {
    const prod = parseChartNatsConf(renderNatsChart('prod').natsConf);
    expect(() => loopbackNatsConf(prod, NODE, { routePorts: [1] })).toThrow(/3 routes, the loopback cluster 1 nodes/);
    const dev = parseChartNatsConf(renderNatsChart('dev').natsConf);
    expect(() => loopbackNatsConf(dev, NODE, { routePorts: [1, 2, 3] })).toThrow(/no cluster block, but 3 nodes/);
    expect(() => loopbackNatsConf({ ...dev, tls: {} }, NODE, { routePorts: [1] })).toThrow(/enables tls/);
  });
});
