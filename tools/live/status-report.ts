// `npm run status`: what dist/<env> declares joined with what the server holds. Pure: the live state is read
// elsewhere (live-jetstream.ts), so tests can feed it. For each drifted field it says what NACK does when it
// applies the declared spec on top of the live one, from the same rules as `npm run plan`
// (tools/plan/plan.ts `findingsFor`, with the live object as "before" and the declared as "after").
import type { ConsumerInfo, StreamInfo } from 'nats';
import { findingsFor } from '../plan/plan';
import type { Finding, PlanResource } from '../plan/plan-types';
import type { DeclaredConsumer, DeclaredEnvironment, DeclaredScaler, DeclaredStream } from './declared-environment';
import { consumerDrift, FieldDrift, liveConsumerSpec, liveStreamSpec, Spec, streamDrift } from './jetstream-terms';
import { formatTable, LiveReport } from './live-command';
import { kedaLagOf, LiveJetStream, replicaGroupState } from './live-jetstream';

export type ObjectState = 'in sync' | 'drifted' | 'missing' | 'undeclared' | 'unavailable';
/** What NACK does with a drifted field: applies the declared value, or not (and why), per the plan's rules. */
export type NackOutcome = 'applies' | 'not-applied' | 'blocking' | 'warning';

export interface DriftEntry extends FieldDrift {
  readonly nack: NackOutcome;
  /** What happens and what to do, with upstream links, when NACK does not simply apply it. */
  readonly message?: string;
  readonly sources?: readonly string[];
}

export interface ReplicaStatus {
  /** Replicas the stream is configured with on the server. */
  readonly configured: number;
  readonly leader?: string;
  readonly peers: ReadonlyArray<{ name: string; current: boolean; offline: boolean; lag: number; active: number }>;
  /** current: every peer current and online; lagging: some are not; no leader: the stream has none. */
  readonly state: 'current' | 'lagging' | 'no leader';
}

export interface ConsumerLag {
  /** Messages not yet delivered (num_pending). */
  readonly pending: number;
  /** Delivered, not yet acknowledged (num_ack_pending). */
  readonly ackPending: number;
  /** pending + ackPending: what KEDA's nats-jetstream scaler reads as lag. */
  readonly lag: number;
  readonly scaler?: string;
  readonly lagThreshold?: number;
  /** lag above the scaler's lagThreshold (the lag one replica is meant to absorb). */
  readonly aboveThreshold: boolean;
}

interface ObjectStatus {
  readonly name: string;
  readonly state: ObjectState;
  readonly file?: string;
  readonly drift: readonly DriftEntry[];
  /** Plan findings that belong to no single drifted field (e.g. subjects leaving the stream). */
  readonly notes: readonly Omit<Finding, 'resource'>[];
  readonly error?: string;
}

export interface StreamStatus extends ObjectStatus {
  readonly replicas?: ReplicaStatus;
}

export interface ConsumerStatus extends ObjectStatus {
  readonly stream: string;
  readonly lag?: ConsumerLag;
}

export interface StatusResult {
  readonly env: string;
  readonly server: string;
  readonly streams: readonly StreamStatus[];
  readonly consumers: readonly ConsumerStatus[];
  readonly summary: {
    readonly inSync: number;
    readonly drifted: number;
    readonly missing: number;
    readonly undeclared: number;
    readonly unavailable: number;
    readonly replicasNotCurrent: number;
    readonly lagAboveThreshold: number;
  };
}

const NACK_API_VERSION = 'jetstream.nats.io/v1beta2';

function resource(env: DeclaredEnvironment, kind: string, name: string, spec: Spec, file?: string): PlanResource {
  return { env: env.env, apiVersion: NACK_API_VERSION, kind, namespace: env.namespace, name, body: { spec }, file };
}

/** The object's name in Kubernetes, from its file name (NN-stream-<name>.yaml); the spec name otherwise. */
const objectName = (file: string, fallback: string) => /-(?:stream|consumer)-(.+)\.yaml$/.exec(file)?.[1] ?? fallback;

/** The field a plan rule is about: `stream.maxAge-not-applied` -> maxAge, `consumer.filterSubject-...` -> filter. */
function ruleField(rule: string): string {
  return rule.replace(/^(stream|consumer)\./, '').replace(/-(not-applied|shrink|removed|interest)$/, '');
}
const fieldKey = (field: string) => field.split(/[/.]/)[0];

/** Drift entries with what NACK does, and the findings that match no drifted field. */
function judge(
  drift: readonly FieldDrift[],
  findings: readonly Omit<Finding, 'acknowledgement'>[],
): { drift: DriftEntry[]; notes: Omit<Finding, 'resource'>[] } {
  const used = new Set<number>();
  const entries = drift.map((d): DriftEntry => {
    const index = findings.findIndex((f, i) => !used.has(i) && fieldKey(ruleField(f.rule)) === fieldKey(d.field));
    if (index < 0) return { ...d, nack: 'applies' };
    used.add(index);
    const f = findings[index];
    return { ...d, nack: f.severity, message: f.message, sources: f.sources };
  });
  const notes = findings
    .filter((_, i) => !used.has(i))
    .map(({ severity, rule, message, sources }) => ({ severity, rule, message, sources }));
  return { drift: entries, notes };
}

function replicaStatus(info: StreamInfo): ReplicaStatus {
  const peers = (info.cluster?.replicas ?? []).map((p) => ({
    name: p.name,
    current: p.current,
    offline: p.offline === true,
    lag: p.lag ?? 0,
    active: p.active,
  }));
  const configured = info.config.num_replicas ?? 1;
  return { configured, leader: info.cluster?.leader, peers, state: replicaGroupState(info.cluster, configured) };
}

function lagOf(info: ConsumerInfo, scaler: DeclaredScaler | undefined): ConsumerLag {
  const lag = kedaLagOf(info);
  return {
    pending: info.num_pending,
    ackPending: info.num_ack_pending,
    lag,
    scaler: scaler?.name,
    lagThreshold: scaler?.lagThreshold,
    aboveThreshold: scaler !== undefined && lag > scaler.lagThreshold,
  };
}

export function compareWithLive(declared: DeclaredEnvironment, live: LiveJetStream, server: string): StatusResult {
  const liveStreams = new Map(live.streams.map((s) => [s.name, s]));
  const liveConsumers = new Map(live.consumers.map((c) => [`${c.stream}/${c.name}`, c]));
  const liveStreamSpecs = new Map(
    live.streams.filter((s) => s.info).map((s) => [s.name, liveStreamSpec(s.info!.config as unknown as Spec)]),
  );
  const declaredStreamNames = new Set(declared.streams.map((s) => s.name));
  const declaredConsumerKeys = new Set(declared.consumers.map((c) => `${c.stream}/${c.name}`));

  // The plan's rules look other objects up (an interest stream's consumers): give them both sides whole.
  const beforeResources: PlanResource[] = [];
  const afterResources: PlanResource[] = [];
  const pairs: Array<{ kind: 'Stream' | 'Consumer'; before: PlanResource; after: PlanResource }> = [];
  const pair = (kind: 'Stream' | 'Consumer', d: DeclaredStream | DeclaredConsumer, liveSpec: Spec | undefined) => {
    const name = objectName(d.file, d.name);
    const after = resource(declared, kind, name, d.spec, d.file);
    afterResources.push(after);
    if (!liveSpec) return undefined;
    const before = resource(declared, kind, name, liveSpec);
    beforeResources.push(before);
    pairs.push({ kind, before, after });
    return { before, after };
  };

  const streamRows = declared.streams.map((d) => ({ d, l: liveStreams.get(d.name) }));
  const consumerRows = declared.consumers.map((d) => ({ d, l: liveConsumers.get(`${d.stream}/${d.name}`) }));
  const streamPairs = streamRows.map(({ d, l }) =>
    pair('Stream', d, l?.info ? liveStreamSpecs.get(d.name) : undefined),
  );
  const consumerPairs = consumerRows.map(({ d, l }) =>
    pair('Consumer', d, l?.info ? liveConsumerSpec(d.stream, l.info.config as unknown as Spec) : undefined),
  );
  const context = { before: beforeResources, after: afterResources };
  const findings = (p: { before: PlanResource; after: PlanResource }) =>
    findingsFor({ type: 'changed', before: p.before, after: p.after, fields: [] }, context);

  const streams: StreamStatus[] = streamRows.map(({ d, l }, i) => {
    if (!l) return { name: d.name, state: 'missing', file: d.file, drift: [], notes: [] };
    if (!l.info) return { name: d.name, state: 'unavailable', file: d.file, drift: [], notes: [], error: l.error };
    const p = streamPairs[i]!;
    const { drift, notes } = judge(streamDrift(d.spec, p.before.body.spec as Spec), findings(p));
    const state = drift.length > 0 ? 'drifted' : 'in sync';
    return { name: d.name, state, file: d.file, drift, notes, replicas: replicaStatus(l.info) };
  });
  const declaredReplicas = (stream: string) =>
    Number(declared.streams.find((s) => s.name === stream)?.spec.replicas ?? 1);
  const liveReplicas = (stream: string) => liveStreams.get(stream)?.info?.config.num_replicas ?? 1;

  const consumers: ConsumerStatus[] = consumerRows.map(({ d, l }, i) => {
    const base = { stream: d.stream, name: d.name, file: d.file };
    if (!l) return { ...base, state: 'missing', drift: [], notes: [] };
    if (!l.info) return { ...base, state: 'unavailable', drift: [], notes: [], error: l.error };
    const p = consumerPairs[i]!;
    const raw = consumerDrift(d.spec, p.before.body.spec as Spec, {
      declared: declaredReplicas(d.stream),
      live: liveReplicas(d.stream),
    });
    const { drift, notes } = judge(raw, findings(p));
    const scaler = declared.scalers.find((s) => s.stream === d.stream && s.consumer === d.name);
    return { ...base, state: drift.length > 0 ? 'drifted' : 'in sync', drift, notes, lag: lagOf(l.info, scaler) };
  });

  for (const l of live.streams) {
    if (declaredStreamNames.has(l.name)) continue;
    streams.push({
      name: l.name,
      state: l.info ? 'undeclared' : 'unavailable',
      drift: [],
      notes: [],
      replicas: l.info ? replicaStatus(l.info) : undefined,
      error: l.error,
    });
  }
  for (const l of live.consumers) {
    if (declaredConsumerKeys.has(`${l.stream}/${l.name}`)) continue;
    consumers.push({
      stream: l.stream,
      name: l.name,
      state: l.info ? 'undeclared' : 'unavailable',
      drift: [],
      notes: [],
      lag: l.info ? lagOf(l.info, undefined) : undefined,
      error: l.error,
    });
  }

  const all = [...streams, ...consumers];
  const count = (state: ObjectState) => all.filter((o) => o.state === state).length;
  return {
    env: declared.env,
    server,
    streams,
    consumers,
    summary: {
      inSync: count('in sync'),
      drifted: count('drifted'),
      missing: count('missing'),
      undeclared: count('undeclared'),
      unavailable: count('unavailable'),
      replicasNotCurrent: streams.filter((s) => s.replicas && s.replicas.state !== 'current').length,
      lagAboveThreshold: consumers.filter((c) => c.lag?.aboveThreshold).length,
    },
  };
}

export function hasProblems(result: StatusResult): boolean {
  const s = result.summary;
  return (
    // Lag above a lagThreshold is shown, not a problem of status: it is what KEDA scales on (doctor judges it).
    s.drifted + s.missing + s.undeclared + s.unavailable + s.replicasNotCurrent > 0 ||
    [...result.streams, ...result.consumers].some((o) => o.notes.some((n) => n.severity !== 'warning'))
  );
}

const NACK_TEXT: Readonly<Record<NackOutcome, string>> = {
  applies: 'NACK applies it on its next sync',
  'not-applied': 'NACK will NOT change it',
  blocking: 'NACK cannot apply it as is',
  warning: 'NACK applies it (see note)',
};

function replicasText(r: ReplicaStatus | undefined): string {
  if (!r) return '';
  if (r.configured <= 1 && r.peers.length === 0) return `R${r.configured}`;
  const current = r.peers.filter((p) => p.current && !p.offline).length + (r.leader ? 1 : 0);
  const behind = r.peers
    .filter((p) => !p.current || p.offline)
    .map((p) => `${p.name} ${p.offline ? 'offline' : `lagging ${p.lag} ops`}`);
  const leader = r.leader ? `leader ${r.leader}` : 'NO LEADER';
  const lagging = behind.length > 0 ? `; ${behind.join(', ')}` : '';
  return `R${r.configured}: ${current}/${r.configured} current, ${leader}${lagging}`;
}

function lagText(lag: ConsumerLag | undefined): string {
  if (!lag) return '';
  const parts = `${lag.lag} (${lag.pending} pending + ${lag.ackPending} ack pending)`;
  if (lag.lagThreshold === undefined) return parts;
  return `${parts} ${lag.aboveThreshold ? '>' : '<='} lagThreshold ${lag.lagThreshold} of ${lag.scaler}`;
}

const stateText = (o: { state: ObjectState; error?: string }) =>
  o.state === 'missing'
    ? 'MISSING on the server'
    : o.state === 'undeclared'
      ? 'on the server, NOT DECLARED'
      : o.state === 'unavailable'
        ? `NO ANSWER (${o.error ?? 'unknown'})`
        : o.state;

/** The table people read, then each drifted field and what to do. */
export function formatStatus(result: StatusResult): string {
  const streamTable = formatTable(
    ['STREAM', 'STATE', 'REPLICAS'],
    result.streams.map((s) => [s.name, stateText(s), replicasText(s.replicas)]),
  );
  const consumerTable = formatTable(
    ['STREAM', 'CONSUMER', 'STATE', 'LAG'],
    result.consumers.map((c) => [c.stream, c.name, stateText(c), lagText(c.lag)]),
  );
  const drifted = [
    ...result.streams.map((s) => ({ what: `Stream ${s.name}`, o: s })),
    ...result.consumers.map((c) => ({ what: `Consumer ${c.stream}/${c.name}`, o: c })),
  ].filter(({ o }) => o.drift.length > 0 || o.notes.length > 0);
  const driftRows = drifted.flatMap(({ what, o }) =>
    o.drift.map((d) => [what, d.field, d.declared, d.live, NACK_TEXT[d.nack]]),
  );
  const details = drifted.flatMap(({ what, o }) => [
    ...o.drift
      .filter((d) => d.message)
      .map((d) => `- ${what}, ${d.field}: ${d.message}\n  see ${(d.sources ?? []).join(' ')}`),
    ...o.notes.map((n) => `- ${what} (${n.severity}): ${n.message}\n  see ${n.sources.join(' ')}`),
  ]);
  const s = result.summary;
  const lines = [
    `Environment ${result.env} (dist/${result.env}) against ${result.server}`,
    '',
    streamTable,
    '',
    consumerTable,
  ];
  if (driftRows.length > 0) {
    lines.push('', 'Drift (declared in dist/ vs live on the server):', '');
    lines.push(formatTable(['OBJECT', 'FIELD', 'DECLARED', 'LIVE', 'WHAT NACK DOES'], driftRows));
  }
  if (details.length > 0) lines.push('', ...details);
  const undeclared = s.undeclared > 0 ? ` (\`npm run adopt -- --env ${result.env}\` prints config for them)` : '';
  lines.push(
    '',
    `${s.inSync} in sync, ${s.drifted} drifted, ${s.missing} missing, ${s.undeclared} not declared${undeclared}, ` +
      `${s.unavailable} not answering; ${s.replicasNotCurrent} stream(s) with replicas not current; ` +
      `${s.lagAboveThreshold} consumer(s) with lag above the scaler's lagThreshold`,
  );
  return lines.join('\n');
}

export function statusReport(result: StatusResult): LiveReport {
  return { text: formatStatus(result), json: result, foundProblems: hasProblems(result) };
}
