// Does on a live cluster what NACK would do with an environment's Stream and Consumer CRs:
// convert each spec with test/support/nack-jetstream-api.ts and send the resulting create requests
// as jsm.go sends them: the JSON as is, to the same API subjects, with no client-side rewriting or
// version checks (the nats.js managers refuse fields an older server does not know, e.g.
// `consumer_limits` on 2.9, which jsm.go sends anyway and the server ignores).
import { JSONCodec } from 'nats';
import type { JetStreamManager, NatsConnection } from 'nats';
import {
  consumerSpecToApiRequest,
  JetStreamConsumerRequest,
  JetStreamStreamConfig,
  streamSpecToApiConfig,
} from './nack-jetstream-api';
import { EnvManifests } from './dist-manifests';
import { whyNatsChartUnavailable } from './nats-chart';
import { chartClusterCapacity, DEFAULT_CLUSTER_ENVIRONMENT } from './nats-cluster';

export interface AppliedEnvironment {
  streams: JetStreamStreamConfig[];
  consumers: JetStreamConsumerRequest[];
}

/** Streams first, then consumers (a consumer on a missing stream is 10059). */
export async function applyEnvironment(nc: NatsConnection, env: EnvManifests): Promise<AppliedEnvironment> {
  const streams = env.streams.map((s) => streamSpecToApiConfig(s.spec));
  const consumers = env.consumers.map((c) => consumerSpecToApiRequest(c.spec));
  for (const cfg of streams) await createStream(nc, cfg);
  for (const req of consumers) await createConsumer(nc, req);
  return { streams, consumers };
}

const json = JSONCodec<Record<string, unknown>>();

/**
 * The part of a request a server of this version keeps and reports back: NACK (jsm.go) sends
 * `consumer_limits` (server ≥ 2.10) and `pause_until` (≥ 2.11) to every server, and older ones
 * ignore what they do not know.
 */
type AtLeast = (major: number, minor: number) => boolean;

export function fieldsKnownToServer<T extends object>(sent: T, atLeast: AtLeast): Partial<T> {
  const unknown = [...(atLeast(2, 10) ? [] : ['consumer_limits']), ...(atLeast(2, 11) ? [] : ['pause_until'])];
  return Object.fromEntries(Object.entries(sent).filter(([key]) => !unknown.includes(key))) as Partial<T>;
}

/** A JetStream API error as the nats.js managers throw it, so `apiErrorOf` reads both. */
class JetStreamApiError extends Error {
  constructor(readonly api_error: { code?: number; err_code?: number; description?: string }) {
    super(`${api_error.description ?? 'JetStream API error'} (${api_error.err_code ?? api_error.code ?? '?'})`);
  }
}

async function jsApi(nc: NatsConnection, subject: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await nc.request(subject, json.encode(body as Record<string, unknown>), { timeout: 10_000 });
  const reply = json.decode(response.data);
  if (reply.error) throw new JetStreamApiError(reply.error as JetStreamApiError['api_error']);
  return reply;
}

/** jsm.go NewStreamFromDefault: the config to `$JS.API.STREAM.CREATE.<name>` (jsm.go v0.3.0 streams.go:92-99). */
export function createStream(
  nc: NatsConnection,
  cfg: JetStreamStreamConfig | Record<string, unknown>,
): Promise<Record<string, unknown>> {
  return jsApi(nc, `$JS.API.STREAM.CREATE.${String(cfg.name)}`, cfg);
}

/**
 * jsm.go createConsumer (consumers.go:100-119): `{stream_name, config, action: ""}` to
 * `$JS.API.CONSUMER.CREATE.<stream>.<name>`, with `.<filter>` appended when there is one filter.
 */
export function createConsumer(nc: NatsConnection, req: JetStreamConsumerRequest): Promise<Record<string, unknown>> {
  const base = `$JS.API.CONSUMER.CREATE.${req.stream}.${req.config.name}`;
  const subject = req.config.filter_subject ? `${base}.${req.config.filter_subject}` : base;
  return jsApi(nc, subject, { stream_name: req.stream, config: req.config, action: '' });
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
export const LIVE_CLUSTER_CAPACITY: ClusterCapacity =
  whyNatsChartUnavailable() === undefined
    ? chartClusterCapacity(LIVE_CLUSTER_OPTIONS.environment)
    : { nodes: 0, maxFileStoreBytes: 0, maxMemoryStoreBytes: 0 };

/** The JetStream API error of a rejected request: `{ code, err_code, description }`. */
export async function apiErrorOf(
  request: Promise<unknown>,
): Promise<{ code?: number; err_code?: number; description?: string }> {
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
  const reserved = (storage: string) =>
    streams.filter((s) => s.storage === storage && s.max_bytes > 0).reduce((sum, s) => sum + s.max_bytes, 0);
  if (reserved('file') > capacity.maxFileStoreBytes)
    return `file streams reserve ${reserved('file')} bytes > max_file_store ${capacity.maxFileStoreBytes}`;
  if (reserved('memory') > capacity.maxMemoryStoreBytes)
    return `memory streams reserve ${reserved('memory')} bytes > max_memory_store ${capacity.maxMemoryStoreBytes}`;
  return undefined;
}
