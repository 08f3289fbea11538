// The spec's "Troubleshooting" section as checks (connection refused, authentication failed, stream not
// found, consumer lag growing), plus what KEDA and NACK need: each check has a result, a finding and a fix.
// Server behaviour read here is that of nats-server v2.14.2 (what the chart runs; the live tests run 2.9.10,
// which behaves the same for every field read below).
import type { ConsumerInfo, JetStreamManager, PeerInfo, StreamInfo } from 'nats';
import { firstLine } from './cannot-run';
import { kedaLagOf, replicaGroupState } from './live-jetstream';
import type { DeclaredConsumer, DeclaredEnvironment, DeclaredScaler, DeclaredStream } from './declared-environment';
import type { Kubectl, KubectlAvailability } from './kubectl';
import { kedaJszUrl, kedaNodeNameOfRoute, kedaNodeUrlByName, JszAnswer, MonitorNode } from './monitoring-endpoint';

export type CheckResult = 'ok' | 'warn' | 'fail' | 'skipped';

export interface DoctorCheck {
  readonly check: string;
  readonly result: CheckResult;
  readonly finding: string;
  /** What to do; '' when nothing is to be done. */
  readonly fix: string;
}

const NATS_CLUSTERING_DOCS =
  'https://docs.nats.io/running-a-nats-service/configuration/clustering/jetstream_clustering';
const NATS_MONITORING_DOCS = 'https://docs.nats.io/running-a-nats-service/nats_admin/monitoring';
const NATS_JETSTREAM_DOCS = 'https://docs.nats.io/running-a-nats-service/configuration#jetstream';
const NACK_DOCS = 'https://github.com/nats-io/nack#getting-started';
const KEDA_SCALER_DOCS = 'https://keda.sh/docs/scalers/nats-jetstream/';
const KEDA_SCALER_SOURCE = 'https://github.com/kedacore/keda/blob/v2.20.2/pkg/scalers/nats_jetstream_scaler.go';
const SECRET_DOCS = 'docs/operations.md#the-nats-auth-secret';

const ok = (check: string, finding: string, fix = ''): DoctorCheck => ({ check, result: 'ok', finding, fix });
const warn = (check: string, finding: string, fix: string): DoctorCheck => ({ check, result: 'warn', finding, fix });
const fail = (check: string, finding: string, fix: string): DoctorCheck => ({ check, result: 'fail', finding, fix });
const skipped = (check: string, finding: string, fix = ''): DoctorCheck => ({ check, result: 'skipped', finding, fix });

/** The JetStream API error code (server/errors.json) of a failed request, if it is one. */
function apiErrorCode(err: unknown): number | undefined {
  return (err as { api_error?: { err_code?: number } }).api_error?.err_code;
}

const STREAM_NOT_FOUND = 10059; // JSStreamNotFoundErr
const CONSUMER_NOT_FOUND = 10014; // JSConsumerNotFoundErr
const CLUSTER_NOT_AVAILABLE = 10008; // JSClusterNotAvailErr: a clustered server without a meta leader
const NOT_ENABLED_FOR_ACCOUNT = 10039; // JSNotEnabledForAccountErr

// ---------------------------------------------------------------------------------------------------------
// Connection: the spec's "Connection refused" and "Authentication failed". A server that cannot be reached
// or refuses the token ends the run before any check (exit 2), so when checks run, both held.

export interface ConnectionFacts {
  readonly url: string;
  readonly serverName?: string;
  readonly version?: string;
  readonly tokenGiven: boolean;
  /** INFO auth_required: the server asks clients for credentials. */
  readonly authRequired: boolean;
}

export function connectionChecks(facts: ConnectionFacts): DoctorCheck[] {
  const server = `${facts.serverName ?? 'a server'}${facts.version ? ` (nats-server ${facts.version})` : ''}`;
  const reachable = ok('server reachable', `connected to ${facts.url}: ${server}`);
  if (!facts.authRequired) {
    return [
      reachable,
      warn(
        'token accepted',
        'the server accepts clients without a token: its nats.conf has no authorization block',
        'deploy the NATS chart with the values of dist/<env>/helm/nats-values.yaml (token from the nats-auth Secret)',
      ),
    ];
  }
  return [reachable, ok('token accepted', 'the server accepted the token in NATS_TOKEN (not shown)')];
}

// ---------------------------------------------------------------------------------------------------------
// JetStream: the API answers ($JS.API.INFO) and the meta group has a leader (/jsz meta_cluster).

/**
 * `$JS.API.INFO` is answered by the meta leader only; without one, by an error 10008 (nats-server v2.14.2
 * server/jetstream_api.go:1281-1301). A server without JetStream does not answer at all: "no responders".
 */
export async function jetStreamApiCheck(jsm: JetStreamManager): Promise<DoctorCheck> {
  const check = 'jetstream enabled';
  try {
    const info = await jsm.getAccountInfo();
    return ok(check, `$JS.API.INFO answers: ${info.streams} streams, ${info.consumers} consumers in the account`);
  } catch (err) {
    const code = apiErrorCode(err);
    if (code === CLUSTER_NOT_AVAILABLE) {
      return fail(
        check,
        'JetStream has no meta leader: the API refuses every request (10008), so NACK can create and change nothing',
        `a majority of the servers must run and see each other: bring back the missing pods (${NATS_CLUSTERING_DOCS})`,
      );
    }
    if (code === NOT_ENABLED_FOR_ACCOUNT) {
      return fail(
        check,
        'JetStream is not enabled for the account the token logs in to',
        `the chart's config enables it for the default account (${NATS_JETSTREAM_DOCS})`,
      );
    }
    const noAnswer = (err as { code?: string }).code === '503' || /no responders|503/i.test(firstLine(err));
    return fail(
      check,
      noAnswer
        ? 'no server answers $JS.API.INFO: JetStream is disabled (a server turns it off after storage errors)'
        : `$JS.API.INFO failed: ${firstLine(err)}`,
      `check the server log for JetStream errors and its /data volume; the chart enables JetStream with ` +
        `config.jetstream.enabled (${NATS_JETSTREAM_DOCS})`,
    );
  }
}

/** How a monitor node is named in findings: its server_name, else its URL. */
function nodeName(node: MonitorNode): string {
  return node.varz?.server_name ?? node.base;
}

function anyJsz(nodes: readonly MonitorNode[]): { node: MonitorNode; jsz: JszAnswer } | undefined {
  for (const node of nodes) {
    const jsz = node.jsz.values().next().value;
    if (jsz) return { node, jsz };
  }
  return undefined;
}

function monitorUnreadable(nodes: readonly MonitorNode[]): string {
  return nodes.map((n) => `${n.base}: ${n.error ?? 'no answer'}`).join('; ');
}

const PORT_FORWARD_MONITOR =
  '`kubectl port-forward -n <ns> svc/nats 8222` and NATS_MONITOR_URL=http://127.0.0.1:8222 (one URL per ' +
  `server, comma-separated, lets doctor read every leader; ${NATS_MONITORING_DOCS})`;

/**
 * /jsz meta_cluster: leader and cluster_size on every server; the peers' state (current, offline) only on the
 * meta leader (nats-server v2.14.2 server/monitor.go:3066-3076, 3292-3294).
 */
export function metaLeaderCheck(nodes: readonly MonitorNode[]): DoctorCheck {
  const check = 'meta leader';
  const unreachable = nodes.filter((n) => n.error);
  const answer = anyJsz(nodes);
  if (!answer) {
    return warn(check, `could not read /jsz from NATS_MONITOR_URL (${monitorUnreadable(nodes)})`, PORT_FORWARD_MONITOR);
  }
  const down = unreachable.length > 0 ? `; no answer from ${unreachable.map((n) => n.base).join(', ')}` : '';
  if (answer.jsz.disabled) {
    return fail(
      check,
      `JetStream is disabled on ${nodeName(answer.node)} (/jsz "disabled": true)${down}`,
      `check its log and /data volume (${NATS_JETSTREAM_DOCS})`,
    );
  }
  const meta = answer.jsz.meta_cluster;
  if (!meta || (meta.cluster_size ?? 0) <= 1)
    return ok(check, `a single server (${nodeName(answer.node)}): no meta group`);
  if (!meta.leader) {
    return fail(
      check,
      `no meta leader in a cluster of ${meta.cluster_size} (read from ${nodeName(answer.node)})${down}`,
      `a majority of the ${meta.cluster_size} servers must run and route to each other (${NATS_CLUSTERING_DOCS})`,
    );
  }
  const leaderNode = nodes.find((n) => n.varz?.server_name === meta.leader);
  const peers = leaderNode ? [...leaderNode.jsz.values()][0]?.meta_cluster?.replicas : undefined;
  if (!peers) {
    return ok(
      check,
      `meta leader ${meta.leader} of ${meta.cluster_size} servers (only the leader's /jsz lists its peers' state, ` +
        `which is not among NATS_MONITOR_URL)${down}`,
    );
  }
  const behind = peers.filter((p) => p.offline || !p.current);
  if (behind.length > 0) {
    return fail(
      check,
      `meta leader ${meta.leader} of ${meta.cluster_size}; ${behind.map((p) => describePeer(p)).join(', ')}${down}`,
      `bring that server back (\`kubectl get pods -n <ns>\`, its log); it catches up (${NATS_CLUSTERING_DOCS})`,
    );
  }
  const peerNames = peers.map((p) => p.name).join(', ');
  const current = `meta leader ${meta.leader} of ${meta.cluster_size}; peers ${peerNames} current`;
  // A server that stopped answering is still "current" to the leader until lostQuorumInterval has passed.
  if (down) {
    return warn(
      check,
      `${current} as the leader last saw them${down}`,
      'is that server running (`kubectl get pods -n <ns>`, its log), and is its NATS_MONITOR_URL entry right?',
    );
  }
  return ok(check, current);
}

// ---------------------------------------------------------------------------------------------------------
// Streams and consumers: the spec's "Stream not found"; replicas (stream info cluster.replicas, built by
// nats-server v2.14.2 server/jetstream_cluster.go:10699-10760: a peer unseen for lostQuorumInterval is not
// current; offline once the server is known to be gone).

/** A raft peer as stream/consumer info (PeerInfo) and /jsz meta_cluster.replicas list it; active in ns. */
type Peer = Partial<Pick<PeerInfo, 'name' | 'current' | 'offline' | 'lag'>> & { active?: number };

function describePeer(peer: Peer): string {
  const seen = peer.active ? `, last seen ${(peer.active / 1e9).toFixed(1)} s ago` : '';
  if (peer.offline) return `replica on ${peer.name} offline${seen}`;
  return `replica on ${peer.name} not current${peer.lag ? ` (${peer.lag} operations behind)` : ''}${seen}`;
}

function replicaFindings(
  what: string,
  info: { cluster?: { leader?: string; replicas?: Peer[] } },
  wanted: number,
): { problem?: string; summary: string } {
  const cluster = info.cluster;
  const peers = cluster?.replicas ?? [];
  const state = replicaGroupState(cluster, wanted);
  if (state === 'no leader') return { problem: `R${wanted} ${what} has no leader`, summary: '' };
  const behind = peers.filter((p) => p.offline || !p.current);
  const leader = cluster?.leader ? `leader ${cluster.leader}` : 'a single server';
  if (state === 'lagging') {
    const why =
      behind.length > 0 ? behind.map(describePeer).join(', ') : `only ${peers.length + 1} of ${wanted} replicas placed`;
    return { problem: `R${wanted}, ${leader}; ${why}`, summary: '' };
  }
  const current = peers.length > 0 ? `, replicas ${peers.map((p) => p.name).join(', ')} current` : '';
  return { summary: `R${wanted}, ${leader}${current}` };
}

const REPLICA_FIX =
  'bring that server back (`kubectl get pods -n <ns> -l app.kubernetes.io/name=nats`, its log); a replica ' +
  `catches up by itself once its server runs (${NATS_CLUSTERING_DOCS})`;

function nackFix(kind: 'stream' | 'consumer', name: string, file: string, namespace: string): string {
  return (
    `NACK creates it from ${file}: \`kubectl get ${kind} ${name} -n ${namespace}\` shows why it did not ` +
    `(applied? NACK controller running? ${NACK_DOCS})`
  );
}

export async function streamCheck(
  jsm: JetStreamManager,
  stream: DeclaredStream,
  namespace: string,
): Promise<{ check: DoctorCheck; info?: StreamInfo }> {
  const check = `stream ${stream.name}`;
  let info: StreamInfo;
  try {
    info = await jsm.streams.info(stream.name);
  } catch (err) {
    if (apiErrorCode(err) === STREAM_NOT_FOUND || /stream not found/i.test(firstLine(err))) {
      return {
        check: fail(check, 'not on the server', nackFix('stream', stream.name, stream.file, namespace)),
      };
    }
    return { check: fail(check, `stream info failed: ${firstLine(err)}`, REPLICA_FIX) };
  }
  const found = replicaFindings('stream', info, info.config.num_replicas || 1);
  if (found.problem) return { check: fail(check, found.problem, REPLICA_FIX), info };
  return { check: ok(check, `${found.summary}; ${info.state.messages} messages`), info };
}

export interface ConsumerSample {
  readonly consumer: DeclaredConsumer;
  /** Undefined when the consumer could not be read (its check says why). */
  readonly info?: ConsumerInfo;
}

export async function consumerCheck(
  jsm: JetStreamManager,
  consumer: DeclaredConsumer,
  namespace: string,
  streamExists: boolean,
): Promise<{ check: DoctorCheck; sample: ConsumerSample }> {
  const check = `consumer ${consumer.stream}/${consumer.name}`;
  if (!streamExists) {
    return {
      check: fail(
        check,
        `its stream ${consumer.stream} is not on the server`,
        'create the stream first (see its check)',
      ),
      sample: { consumer },
    };
  }
  let info: ConsumerInfo;
  try {
    info = await jsm.consumers.info(consumer.stream, consumer.name);
  } catch (err) {
    if (apiErrorCode(err) === CONSUMER_NOT_FOUND || /consumer not found/i.test(firstLine(err))) {
      return {
        check: fail(check, 'not on the server', nackFix('consumer', consumer.name, consumer.file, namespace)),
        sample: { consumer },
      };
    }
    return { check: fail(check, `consumer info failed: ${firstLine(err)}`, REPLICA_FIX), sample: { consumer } };
  }
  const found = replicaFindings('consumer', info, info.config.num_replicas || replicasOfCluster(info));
  if (found.problem) return { check: fail(check, found.problem, REPLICA_FIX), sample: { consumer, info } };
  return { check: ok(check, found.summary), sample: { consumer, info } };
}

/** A consumer with num_replicas 0 inherits its stream's replicas: count the peers the server lists. */
function replicasOfCluster(info: ConsumerInfo): number {
  return (info.cluster?.replicas?.length ?? 0) + 1;
}

// ---------------------------------------------------------------------------------------------------------
// Lag: the spec's "Consumer lag growing". KEDA's lag is num_pending + num_ack_pending (scaler.go:422-431).

function scalerOf(scalers: readonly DeclaredScaler[], consumer: DeclaredConsumer): DeclaredScaler | undefined {
  return scalers.find((s) => s.stream === consumer.stream && s.consumer === consumer.name);
}

/** One lag check per consumer read in both samples; `intervalMs` 0 means one sample (growth unknown). */
export function lagCheck(
  first: ConsumerSample,
  second: ConsumerSample | undefined,
  scalers: readonly DeclaredScaler[],
  intervalMs: number,
  namespace: string,
): DoctorCheck | undefined {
  if (!first.info) return undefined;
  const { consumer } = first;
  const check = `lag ${consumer.stream}/${consumer.name}`;
  const before = kedaLagOf(first.info);
  const after = second?.info ? kedaLagOf(second.info) : before;
  const sampled = intervalMs > 0 && second?.info !== undefined;
  const trend = !sampled
    ? `lag ${after} (one sample)`
    : after > before
      ? `lag ${before} -> ${after} in ${intervalMs / 1000} s: growing`
      : after < before
        ? `lag ${before} -> ${after} in ${intervalMs / 1000} s: draining`
        : `lag ${after}, unchanged in ${intervalMs / 1000} s`;
  const growing = sampled && after > before;
  const scaler = scalerOf(scalers, consumer);
  const workersFix =
    `workers do not keep up: \`kubectl get hpa -n ${namespace}\`, the workers' logs (failures come back ` +
    'after ackWait); docs/operations.md#natsconsumerlaggrowing';
  if (!scaler) {
    if (growing) return warn(check, `${trend}; no scaler`, workersFix);
    return ok(check, `${trend}; no scaler`);
  }
  const threshold = `lagThreshold ${scaler.lagThreshold} (ScaledObject ${scaler.name})`;
  if (after <= scaler.lagThreshold) return ok(check, `${trend}; at most ${threshold}`);
  if (growing) {
    return fail(
      check,
      `${trend}; above ${threshold}`,
      `${workersFix}; KEDA scales by lag / lagThreshold up to maxReplicaCount (${KEDA_SCALER_DOCS})`,
    );
  }
  if (sampled && after < before) return ok(check, `${trend}; above ${threshold}, KEDA scales up`);
  return warn(check, `${trend}; above ${threshold}`, workersFix);
}

// ---------------------------------------------------------------------------------------------------------
// KEDA: does the monitoring endpoint answer /jsz for the consumer leader the way the scaler asks it?

/** IsAccount (scaler.go:476-478): an account matches by id (accountID, else account) or by name. */
function findConsumerDetail(jsz: JszAnswer, scaler: DeclaredScaler) {
  const accounts = (jsz.account_details ?? []).filter((a) => a.id === scaler.account || a.name === scaler.account);
  const streams = accounts.flatMap((a) => a.stream_detail ?? []).filter((s) => s.name === scaler.stream);
  const consumer = streams.flatMap((s) => s.consumer_detail ?? []).find((c) => c.name === scaler.consumer);
  return { accountFound: accounts.length > 0, streamFound: streams.length > 0, consumer };
}

export function kedaMonitoringCheck(scaler: DeclaredScaler, nodes: readonly MonitorNode[]): DoctorCheck {
  const check = `keda /jsz ${scaler.name}`;
  const kedaUrl = kedaJszUrl(scaler.useHttps, scaler.monitoringEndpoint, scaler.account);
  const asks = `KEDA asks ${kedaUrl}`;
  const answers = nodes.filter((n) => n.jsz.has(scaler.account));
  if (answers.length === 0) {
    return warn(check, `${asks}; doctor could not read it here (${monitorUnreadable(nodes)})`, PORT_FORWARD_MONITOR);
  }
  // The Service answers from one pod: the first answer stands for it (scaler.go:168-173).
  const first = answers[0];
  const jsz = first.jsz.get(scaler.account) as JszAnswer;
  const found = findConsumerDetail(jsz, scaler);
  const scalerError = (message: string, line: string) =>
    fail(
      check,
      `${asks}; ${nodeName(first)} answers without ${message}: KEDA reports an error and the ScaledObject falls back`,
      `make stream ${scaler.stream} and consumer ${scaler.consumer} exist (see their checks), account ` +
        `${scaler.account} (${KEDA_SCALER_SOURCE}#${line})`,
    );
  if (!found.accountFound) return scalerError(`account ${scaler.account}`, 'L476-L478');
  if (!found.streamFound) return scalerError(`stream ${scaler.stream}`, 'L454-L456');
  if (!found.consumer) return scalerError(`consumer ${scaler.consumer}`, 'L422-L431');

  const clusterSize = jsz.meta_cluster?.cluster_size ?? 0;
  const leader = found.consumer.cluster?.leader ?? '';
  const leaderNode = answers.find((n) => n.varz?.server_name === leader);
  const leaderDetail = leaderNode
    ? findConsumerDetail(leaderNode.jsz.get(scaler.account) as JszAnswer, scaler)
    : undefined;
  const lag = (c: { num_pending?: number; num_ack_pending?: number } | undefined) =>
    (c?.num_pending ?? 0) + (c?.num_ack_pending ?? 0);
  if (clusterSize <= 1) {
    // A single server: KEDA reads the lag from this one answer (scaler.go:185, 265).
    return ok(check, `${asks}; a single server: lag ${lag(found.consumer)} read from ${nodeName(first)}`);
  }
  const readLag = leaderDetail?.consumer
    ? `lag ${lag(leaderDetail.consumer)} on the leader`
    : `the leader ${leader || '(none)'} is not among NATS_MONITOR_URL, so doctor did not read its lag`;
  if (!leader) {
    return fail(
      check,
      `${asks}; consumer ${scaler.consumer} has no leader`,
      `see the consumer's check; a majority of its replicas must run (${NATS_CLUSTERING_DOCS})`,
    );
  }
  // In a cluster KEDA looks for the consumer leader through /varz on the endpoint (scaler.go:185-263).
  const varz = first.varz ?? {};
  if ((varz.connect_urls ?? []).length > 0) {
    // scaler.go:210-231: each advertised host's /varz for its name, on the endpoint's port: pod IPs, which
    // doctor cannot reach from outside the cluster.
    return ok(
      check,
      `${asks}; the servers advertise ${varz.connect_urls?.join(', ')}: KEDA asks each for /varz on the ` +
        `endpoint's port to find ${leader} (pod addresses, not reachable from here); ${readLag}`,
    );
  }
  const routeUrls = varz.cluster?.urls ?? [];
  const names = routeUrls.map(kedaNodeNameOfRoute);
  if (!names.includes(leader)) {
    return fail(
      check,
      `${asks}; KEDA takes server names from /varz cluster.urls (${names.join(', ') || 'none'}) and does not find ` +
        `the consumer leader ${leader}: "leader node not found for consumer ${scaler.consumer}"`,
      `server_name must be the pod name and routes nats://<pod>.<headless service>:<port>, as the NATS chart ` +
        `sets them (${KEDA_SCALER_SOURCE}#L232-L263)`,
    );
  }
  const leaderUrl = kedaNodeUrlByName(scaler.useHttps, scaler.monitoringEndpoint, leader, scaler.account);
  return ok(check, `${asks}; KEDA finds the consumer leader ${leader} at ${leaderUrl}; ${readLag}`);
}

// ---------------------------------------------------------------------------------------------------------
// Kubernetes: the nats-auth Secret (exists, never read) and each ScaledObject's Ready/Active conditions.

export function kubernetesChecks(env: DeclaredEnvironment, availability: KubectlAvailability): DoctorCheck[] {
  const scaledObjects = [...new Set(env.scalers.map((s) => s.name))];
  const names = ['secret nats-auth', ...scaledObjects.map((n) => `scaledobject ${n}`)];
  if ('unavailable' in availability) {
    return names.map((n) =>
      skipped(
        n,
        `needs Kubernetes: ${availability.unavailable}`,
        'kubectl on PATH and `kubectl config use-context <ctx>`',
      ),
    );
  }
  const { kubectl } = availability;
  return [
    secretCheck(kubectl, env.namespace),
    ...scaledObjects.map((n) => scaledObjectCheck(kubectl, env.namespace, n)),
  ];
}

const notFound = (error: string) => /NotFound|not found/i.test(error);

function secretCheck(kubectl: Kubectl, namespace: string): DoctorCheck {
  const check = 'secret nats-auth';
  // `-o name` prints "secret/nats-auth": never the data.
  const result = kubectl.run(['get', 'secret', 'nats-auth', '-n', namespace, '-o', 'name']);
  if (result.ok) return ok(check, `exists in ${namespace} (context ${kubectl.context}); its value is not read`);
  if (notFound(result.error)) {
    return fail(
      check,
      `not in ${namespace} (context ${kubectl.context}): the NATS pods cannot start (CreateContainerConfigError)`,
      `create it: ${SECRET_DOCS}`,
    );
  }
  return warn(
    check,
    `kubectl could not tell (context ${kubectl.context}): ${result.error}`,
    'check the context and access',
  );
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

export function scaledObjectCheck(kubectl: Kubectl, namespace: string, name: string): DoctorCheck {
  const check = `scaledobject ${name}`;
  const result = kubectl.run(['get', 'scaledobject.keda.sh', name, '-n', namespace, '-o', 'json']);
  if (!result.ok) {
    if (/the server doesn't have a resource type/i.test(result.error)) {
      return fail(check, 'KEDA is not installed (no ScaledObject type)', `install KEDA (${KEDA_SCALER_DOCS})`);
    }
    if (notFound(result.error)) {
      return fail(check, `not in ${namespace}`, `apply dist/<env>/manifests (Argo CD syncs it); ${KEDA_SCALER_DOCS}`);
    }
    return warn(check, `kubectl could not tell: ${result.error}`, 'check the context and access');
  }
  let conditions: Condition[] = [];
  try {
    conditions = (JSON.parse(result.stdout) as { status?: { conditions?: Condition[] } }).status?.conditions ?? [];
  } catch {
    return warn(check, 'kubectl printed no JSON', 'run `kubectl get scaledobject` by hand');
  }
  return judgeScaledObject(check, conditions);
}

/** KEDA's ScaledObject conditions: Ready (the trigger works), Active (lag above activation), Fallback. */
export function judgeScaledObject(check: string, conditions: readonly Condition[]): DoctorCheck {
  const of = (type: string) => conditions.find((c) => c.type === type);
  const text = (c: Condition | undefined) => (c?.message ? `: ${c.message}` : c?.reason ? `: ${c.reason}` : '');
  const ready = of('Ready');
  const fixScaler = `\`kubectl describe scaledobject\` and the KEDA operator's log (${KEDA_SCALER_DOCS})`;
  if (ready?.status !== 'True') {
    return fail(check, `not Ready (${ready?.status ?? 'no condition'})${text(ready)}`, fixScaler);
  }
  const fallback = of('Fallback');
  if (fallback?.status === 'True') {
    return warn(check, `Ready, but in Fallback${text(fallback)}: KEDA cannot read the lag`, fixScaler);
  }
  const active = of('Active');
  return ok(
    check,
    active?.status === 'True'
      ? 'Ready and Active (lag above activationLagThreshold)'
      : 'Ready, not Active (lag at most activationLagThreshold: minReplicaCount)',
  );
}
