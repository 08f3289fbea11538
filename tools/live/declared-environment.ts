// What dist/<env> declares, as the live commands compare it with the server: the NACK Streams and Consumers
// and the KEDA nats-jetstream triggers, read from the committed files (what Argo CD or `kubectl apply` send).
import * as fs from 'fs';
import * as path from 'path';
import { readDistFolder } from '../dist/dist-check';
import { resourcesFromDistFiles } from '../plan/plan-sources';
import type { PlanResource } from '../plan/plan-types';
import { CannotRun } from './cannot-run';

/** dist/clusters/ holds what each cluster needs once; it is not an environment. */
const CLUSTERS_DIR = 'clusters';

export interface DeclaredObject {
  /** The file under dist/ that declares it, for messages. */
  readonly file: string;
  /** The object's spec as written (NACK's field names and units, e.g. maxAge "168h"). */
  readonly spec: Readonly<Record<string, unknown>>;
}

export interface DeclaredStream extends DeclaredObject {
  /** spec.name: the stream's name on the server. */
  readonly name: string;
}

export interface DeclaredConsumer extends DeclaredObject {
  /** spec.durableName: the consumer's name on the server. */
  readonly name: string;
  readonly stream: string;
}

/** One KEDA nats-jetstream trigger, with the metadata KEDA reads (strings, as in the ScaledObject). */
export interface DeclaredScaler {
  readonly file: string;
  /** The ScaledObject's name. */
  readonly name: string;
  readonly stream: string;
  readonly consumer: string;
  readonly lagThreshold: number;
  readonly activationLagThreshold: number;
  readonly monitoringEndpoint: string;
  readonly account: string;
  readonly useHttps: boolean;
}

export interface DeclaredEnvironment {
  readonly env: string;
  readonly namespace: string;
  readonly streams: readonly DeclaredStream[];
  readonly consumers: readonly DeclaredConsumer[];
  readonly scalers: readonly DeclaredScaler[];
}

/** Environments in dist/ (its folders but clusters/), sorted. */
export function listDistEnvironments(distDir: string): string[] {
  if (!fs.existsSync(distDir)) throw new CannotRun(`no ${distDir}: run \`npm run synth\` first`);
  return fs
    .readdirSync(distDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== CLUSTERS_DIR)
    .map((e) => e.name)
    .sort();
}

export function readDeclaredEnvironment(distDir: string, env: string): DeclaredEnvironment {
  const files = readDistFolder(path.join(distDir, env)).map((f) => ({ ...f, path: `${env}/${f.path}` }));
  const resources = resourcesFromDistFiles(files).filter((r) => r.file?.startsWith(`${env}/manifests/`));
  const ofKind = (apiGroup: string, kind: string) =>
    resources.filter((r) => r.kind === kind && r.apiVersion.startsWith(`${apiGroup}/`));
  const streams = ofKind('jetstream.nats.io', 'Stream').map((r) => {
    const spec = specOf(r);
    return { file: `dist/${r.file}`, spec, name: stringField(r, spec, 'name') };
  });
  const consumers = ofKind('jetstream.nats.io', 'Consumer').map((r) => {
    const spec = specOf(r);
    return {
      file: `dist/${r.file}`,
      spec,
      name: stringField(r, spec, 'durableName'),
      stream: stringField(r, spec, 'streamName'),
    };
  });
  const scalers = ofKind('keda.sh', 'ScaledObject').flatMap((r) => scalersOf(r));
  const namespace = resources.find((r) => r.namespace)?.namespace ?? env;
  return { env, namespace, streams, consumers, scalers };
}

function specOf(r: PlanResource): Record<string, unknown> {
  const spec = r.body.spec;
  if (typeof spec !== 'object' || spec === null)
    throw new CannotRun(`dist/${r.file}: ${r.kind} "${r.name}" has no spec`);
  return spec as Record<string, unknown>;
}

function stringField(r: PlanResource, spec: Record<string, unknown>, field: string): string {
  const value = spec[field];
  if (typeof value !== 'string' || value === '') {
    throw new CannotRun(`dist/${r.file}: ${r.kind} "${r.name}" has no spec.${field}`);
  }
  return value;
}

/** KEDA reads trigger metadata as strings (nats_jetstream_scaler.go parseNATSJetStreamMetadata). */
function scalersOf(r: PlanResource): DeclaredScaler[] {
  const triggers = (specOf(r).triggers ?? []) as Array<{ type?: string; metadata?: Record<string, string> }>;
  return triggers
    .filter((t) => t.type === 'nats-jetstream')
    .map((t) => {
      const m = t.metadata ?? {};
      return {
        file: `dist/${r.file}`,
        name: r.name,
        stream: m.stream ?? '',
        consumer: m.consumer ?? '',
        lagThreshold: Number(m.lagThreshold ?? 10),
        activationLagThreshold: Number(m.activationLagThreshold ?? 0),
        monitoringEndpoint: m.natsServerMonitoringEndpoint ?? '',
        account: m.account ?? '$G',
        useHttps: m.useHttps === 'true',
      };
    });
}
