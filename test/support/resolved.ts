// Constructs take resolved props (lib/config/resolve.ts): tests that build one construct resolve a small
// environment first, so every check runs exactly as in a synth.
import { Chart, Testing } from 'cdk8s';
import { resolveEnvironment, ResolvedEnvironment } from '../../lib/config/resolve';
import { ConsumerConfig, EnvironmentConfig, ScalerConfig, StreamConfig } from '../../lib/config/types';
import { JetStreamConsumer } from '../../lib/constructs/jetstream/jetstream-consumer';
import { JetStreamStream } from '../../lib/constructs/jetstream/jetstream-stream';

/** An environment "test" with only what `config` names (no spec topology). */
export function resolveTest(config: Partial<EnvironmentConfig>): ResolvedEnvironment {
  return resolveEnvironment({ name: 'test', streams: [], consumers: [], scalers: [], ...config });
}

/** One stream on `clusterSize` NATS servers, with the config's other defaults. */
export function resolveStreamForTest(stream: StreamConfig, clusterSize = 3) {
  return resolveTest({ nats: { replicas: clusterSize }, streams: [stream] }).streams[0];
}

/** A chart with the stream and consumer constructs of one stream and its consumers, resolved. */
export function streamAndConsumers(
  stream: StreamConfig,
  consumers: Array<Omit<ConsumerConfig, 'stream'>>,
  options: { scalers?: ScalerConfig[]; account?: string } & Pick<EnvironmentConfig, 'namespace' | 'nats'> = {},
): { chart: Chart; env: ResolvedEnvironment; stream: JetStreamStream; consumers: JetStreamConsumer[] } {
  const env = resolveTest({
    namespace: options.namespace,
    nats: options.nats,
    streams: [stream],
    consumers: consumers.map((c) => ({ ...c, stream: stream.name })),
    scalers: options.scalers ?? [],
  });
  const chart = Testing.chart();
  const streamConstruct = new JetStreamStream(chart, 'S', { stream: env.streams[0], account: options.account });
  return {
    chart,
    env,
    stream: streamConstruct,
    consumers: env.consumers.map(
      (consumer, i) => new JetStreamConsumer(chart, `C${i}`, { consumer, stream: streamConstruct }),
    ),
  };
}
