// Does on a live cluster what NACK would do with an environment's Stream and Consumer CRs:
// convert each spec with lib/nack-jetstream-api.ts and send the resulting create requests.
import type { ConsumerConfig, JetStreamManager, StreamConfig } from 'nats';
import {
  consumerSpecToApiRequest,
  JetStreamConsumerRequest,
  JetStreamStreamConfig,
  streamSpecToApiConfig,
} from '../../lib/nack-jetstream-api';
import { EnvManifests } from './dist-manifests';
import { whyNatsChartUnavailable } from './nats-chart';
import { chartClusterCapacity, DEFAULT_CLUSTER_ENVIRONMENT } from './nats-cluster';

export interface AppliedEnvironment {
  streams: JetStreamStreamConfig[];
  consumers: JetStreamConsumerRequest[];
}

/** Streams first, then consumers (a consumer on a missing stream is 10059). */
export async function applyEnvironment(jsm: JetStreamManager, env: EnvManifests): Promise<AppliedEnvironment> {
  const streams = env.streams.map((s) => streamSpecToApiConfig(s.spec));
  const consumers = env.consumers.map((c) => consumerSpecToApiRequest(c.spec));
  for (const cfg of streams) await jsm.streams.add(cfg as unknown as Partial<StreamConfig>);
  for (const req of consumers) await jsm.consumers.add(req.stream, req.config as unknown as Partial<ConsumerConfig>);
  return { streams, consumers };
}

/** Deletes streams (and with them their consumers); missing ones are fine. */
export async function deleteStreams(jsm: JetStreamManager, names: string[]): Promise<void> {
  for (const name of names) {
    try {
      await jsm.streams.delete(name);
    } catch (e) {
      if (!/stream not found/i.test((e as Error).message)) throw e;
    }
  }
}

/**
 * The cluster every live test starts: 3 nodes running prod's chart-rendered nats.conf (max_file_store
 * 8755Mi, max_memory_store 0: prod has no memory streams), see test/support/nats-cluster.ts.
 */
export const LIVE_CLUSTER_OPTIONS = { environment: DEFAULT_CLUSTER_ENVIRONMENT, nodes: 3 } as const;
/**
 * Its limits, read from that nats.conf. When the chart cannot be rendered here the live tests are
 * skipped (skipUnlessNatsServer; under CI=true they fail), and this is a capacity nothing fits.
 */
export const LIVE_CLUSTER_CAPACITY: ClusterCapacity = whyNatsChartUnavailable() === undefined
  ? chartClusterCapacity(LIVE_CLUSTER_OPTIONS.environment)
  : { nodes: 0, maxFileStoreBytes: 0, maxMemoryStoreBytes: 0 };

/** The JetStream API error of a rejected request: `{ code, err_code, description }`. */
export async function apiErrorOf(request: Promise<unknown>): Promise<{ code?: number; err_code?: number; description?: string }> {
  try {
    await request;
  } catch (e) {
    const apiError = (e as { api_error?: { code?: number; err_code?: number; description?: string } }).api_error;
    if (apiError) return apiError;
    throw e;
  }
  throw new Error('expected the JetStream API to reject the request, but it was accepted');
}

export interface ClusterCapacity {
  nodes: number;
  /** Per-node JetStream file reservation limit, bytes. */
  maxFileStoreBytes: number;
  maxMemoryStoreBytes: number;
}

/**
 * Why `env` cannot be created on a cluster of this capacity, or undefined when it fits. Every
 * replica reserves the stream's full max_bytes on its node (tooling.md §2, 6.5 GiB reserved per
 * node for prod), so the worst case is every stream on the same node.
 */
export function whyEnvironmentDoesNotFit(env: EnvManifests, capacity: ClusterCapacity): string | undefined {
  const streams = env.streams.map((s) => streamSpecToApiConfig(s.spec));
  const tooManyReplicas = streams.filter((s) => s.num_replicas > capacity.nodes);
  if (tooManyReplicas.length > 0) {
    return `${tooManyReplicas.map((s) => `${s.name} has R${s.num_replicas}`).join(', ')} on a ${capacity.nodes}-node cluster`;
  }
  const reserved = (storage: string) => streams.filter((s) => s.storage === storage && s.max_bytes > 0).reduce((sum, s) => sum + s.max_bytes, 0);
  if (reserved('file') > capacity.maxFileStoreBytes) return `file streams reserve ${reserved('file')} bytes > max_file_store ${capacity.maxFileStoreBytes}`;
  if (reserved('memory') > capacity.maxMemoryStoreBytes) return `memory streams reserve ${reserved('memory')} bytes > max_memory_store ${capacity.maxMemoryStoreBytes}`;
  return undefined;
}
