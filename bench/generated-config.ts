// Synthetic backbones for the synth benchmark (issue #6): N streams, each with 3 consumers and a
// KEDA scaler, in dev/staging/prod variants shaped like config/{dev,staging,prod}.ts.
// Every stream has two subjects, one under a prefix shared by all streams ("events.<stream>.*"),
// so the overlap check really has to tell 1,000 neighbours apart (an all-pairs check would
// compare about 2 million subject pairs per environment here).
import { ConsumerConfig, EnvironmentConfig, ScalerConfig, StreamConfig } from '../lib/config/types';

interface Variant {
  readonly name: string;
  readonly natsReplicas: number;
  readonly memory: string;
  /** Per stream: small, so the PVC sum of 1,000 streams stays a plausible size (at most 4 GiB here). */
  readonly maxBytes: string;
  readonly maxReplicas: number;
}

const VARIANTS: readonly Variant[] = [
  { name: 'dev', natsReplicas: 1, memory: '1GiB', maxBytes: '1MB', maxReplicas: 2 },
  { name: 'staging', natsReplicas: 3, memory: '2GiB', maxBytes: '2MB', maxReplicas: 5 },
  { name: 'prod', natsReplicas: 3, memory: '4GiB', maxBytes: '4MB', maxReplicas: 20 },
];

/** Stream i of a generated config: `s<i>` capturing `s<i>.>` and `events.s<i>.*`. */
function streamOf(i: number, variant: Variant): StreamConfig {
  return {
    name: `s${i}`,
    description: `generated stream ${i}`,
    subjects: [`s${i}.>`, `events.s${i}.*`],
    retention: 'limits',
    maxAge: '24h',
    maxBytes: variant.maxBytes,
    storage: 'file',
  };
}

/** Three pull consumers per stream, each filtering a different part of the stream's subjects. */
function consumersOf(i: number): ConsumerConfig[] {
  return [
    { name: `s${i}-a`, stream: `s${i}`, filterSubjects: [`s${i}.a.>`], ackWait: '30s', maxDeliver: 3 },
    { name: `s${i}-b`, stream: `s${i}`, filterSubjects: [`s${i}.b.>`, `events.s${i}.b`], ackWait: '60s', maxRequestBatch: 1000 },
    { name: `s${i}-c`, stream: `s${i}`, filterSubjects: [`events.s${i}.*`], ackWait: '2m', maxDeliver: 5 },
  ];
}

function scalerOf(i: number, variant: Variant): ScalerConfig {
  return { target: `worker-${i}`, consumer: `s${i}-a`, lagThreshold: 10, minReplicas: 1, maxReplicas: variant.maxReplicas };
}

/** dev, staging and prod, each with `streams` streams, 3 consumers per stream and one scaler per stream. */
export function generatedEnvironments(streams: number): EnvironmentConfig[] {
  if (!Number.isInteger(streams) || streams < 1) throw new Error(`generatedEnvironments: streams must be a positive integer, got ${streams}`);
  const indexes = Array.from({ length: streams }, (_, i) => i);
  return VARIANTS.map((variant) => ({
    name: variant.name,
    namespace: `overmind-${variant.name}`,
    nats: { replicas: variant.natsReplicas, resources: { memory: variant.memory } },
    streams: indexes.map((i) => streamOf(i, variant)),
    consumers: indexes.flatMap((i) => consumersOf(i)),
    scalers: indexes.map((i) => scalerOf(i, variant)),
  }));
}
