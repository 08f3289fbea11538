// The synthesized Streams, Consumers and ScaledObjects of each environment (read through
// test/support/dist.ts) for the live tests, and the spec's expectations in wire units as an
// independent oracle: restated from ../shared/spec/overmind-nats-jetstream.md, never imported
// from the code under test.
import * as path from 'path';
import { NackConsumerSpec, NackStreamSpec } from './nack-jetstream-api';
import { DIST_ROOT, DistDocument, DistObject, listEnvironments, loadObjects, objectsOfKind } from './dist';

export interface K8sObject<Spec = Record<string, unknown>> extends DistObject {
  readonly spec: Spec;
}

export interface ScaledObjectSpec {
  minReplicaCount?: number;
  maxReplicaCount?: number;
  scaleTargetRef: { name: string };
  triggers: Array<{ type: string; metadata: Record<string, string>; metricType?: string }>;
}

/** One environment's objects that the live tests act on, grouped by kind. */
export interface EnvManifests {
  env: string;
  streams: Array<K8sObject<NackStreamSpec>>;
  consumers: Array<K8sObject<NackConsumerSpec>>;
  scaledObjects: Array<K8sObject<ScaledObjectSpec>>;
}

/** Every environment of dist/ (discovered, never listed by hand); throws when dist/ is empty. */
export function loadEnvironments(distRoot = DIST_ROOT): EnvManifests[] {
  return listEnvironments(distRoot).map((env) => loadEnvironment(env, distRoot));
}

export function loadEnvironment(env: string, distRoot = DIST_ROOT): EnvManifests {
  const docs = loadObjects(env, distRoot);
  if (docs.length === 0) throw new Error(`no manifests under ${path.join(distRoot, env)}: run \`npm run synth\` first`);
  const specsOf = <S>(kind: string) =>
    objectsOfKind(docs, kind).map((d: DistDocument<DistObject>) => d.content as K8sObject<S>);
  return {
    env,
    streams: specsOf<NackStreamSpec>('jetstream.nats.io/Stream'),
    consumers: specsOf<NackConsumerSpec>('jetstream.nats.io/Consumer'),
    scaledObjects: specsOf<ScaledObjectSpec>('keda.sh/ScaledObject'),
  };
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const HOUR_NS = 3_600_000_000_000;
const SECOND_NS = 1_000_000_000;

/** Spec "Streams" in wire units ("1GB" = 1 GiB, as nats-server reads it: tooling.md §1). */
export const SPEC_STREAMS = [
  { name: 'routing-decisions', subjects: ['routing.>'], maxAgeNs: 168 * HOUR_NS, prodMaxBytes: 1 * GiB },
  { name: 'memory-events', subjects: ['memory.>'], maxAgeNs: 720 * HOUR_NS, prodMaxBytes: 5 * GiB },
  { name: 'llm-requests', subjects: ['llm.>'], maxAgeNs: 24 * HOUR_NS, prodMaxBytes: 500 * MiB },
] as const;

/** Spec "Consumers": all explicit-ack durables. */
export const SPEC_CONSUMERS = [
  {
    durable: 'api-consumer',
    stream: 'routing-decisions',
    filter: 'routing.>',
    maxDeliver: 3,
    ackWaitNs: 30 * SECOND_NS,
  },
  {
    durable: 'analytics-consumer',
    stream: 'routing-decisions',
    filter: 'routing.>',
    maxDeliver: 5,
    ackWaitNs: 60 * SECOND_NS,
    maxBatch: 1000,
  },
  {
    durable: 'consolidation-consumer',
    stream: 'memory-events',
    filter: 'memory.consolidated',
    maxDeliver: 3,
    ackWaitNs: 120 * SECOND_NS,
  },
  { durable: 'metrics-consumer', stream: 'llm-requests', filter: 'llm.>', maxDeliver: 3, ackWaitNs: 30 * SECOND_NS },
] as const;

/** Spec: 3 replicas in production; dev is single-replica (the brief's contract). */
export const SPEC_REPLICAS: Readonly<Record<string, number>> = { prod: 3, dev: 1 };
