// The changes `npm run plan` flags, each following the upstream code it names (links in
// tools/plan/upstream-sources.ts, shown with every finding):
// - blocking: nats-server, NACK or Kubernetes refuses the change, or it loses data;
// - not-applied: NACK (control loop) or nats-server accepts the change without doing it, so the
//   server keeps its old value (how NACK builds an update: tools/plan/nack-control-loop.ts);
// - warning: applied, but a reviewer should know what follows.
// The rules per kind: stream-rules.ts, consumer-rules.ts, nats-chart-rules.ts; this file holds what they share.
// Absent fields are read with NACK's CRD defaults, because that is what the API server stores
// (storage absent = memory, ackPolicy absent = none).
import { ConditionalField, fieldsKeptOnUpdate, filtersOf, withStreamDefaults } from './nack-control-loop';
import type { Finding, Findings, PlanResource, RawFinding, RefusedChange, Spec } from './plan-types';
import { JSM, NACK, SERVER } from './upstream-sources';

/** Kind and apiVersion of the Helm values pseudo-resource (tools/plan/plan-sources.ts). */
export const HELM_VALUES_KIND = 'HelmValues';
export const HELM_VALUES_API_VERSION = 'overmind-nats/helm-values';

const NACK_API_VERSION = 'jetstream.nats.io/v1beta2';

export function findingsOn(resource: PlanResource, list: RawFinding[] = []): Findings {
  const adder = (severity: Finding['severity']) => (rule: string, message: string, sources: readonly string[]) =>
    list.push({ severity, rule, resource: resourceId(resource), message, sources });
  return { list, blocking: adder('blocking'), notApplied: adder('not-applied'), warning: adder('warning') };
}

/** What people write and read: `<env>/<Kind>/<name>`. */
export function resourceId(r: PlanResource): string {
  return `${r.env}/${r.kind}/${r.name}`;
}

export const isStream = (r: PlanResource) => r.apiVersion === NACK_API_VERSION && r.kind === 'Stream';
export const isConsumer = (r: PlanResource) => r.apiVersion === NACK_API_VERSION && r.kind === 'Consumer';
/** The NATS chart's values (dist/<env>/helm/nats-values.yaml), not NACK's beside them. */
export const isNatsValues = (r: PlanResource) =>
  r.kind === HELM_VALUES_KIND && r.apiVersion === HELM_VALUES_API_VERSION && r.name === 'nats-values';
export const specOf = (r: PlanResource): Spec => (r.body.spec ?? {}) as Spec;
export const show = (v: unknown) =>
  v === undefined ? '(unset)' : typeof v === 'string' ? `"${v}"` : JSON.stringify(v);

/**
 * True when `candidate` (added) is `old` (removed) under a new object name: the same stream name
 * or the same subjects; the same durable, or the same stream and filter subjects. JetStream has
 * no rename, so these are reported (and judged) as renames rather than an unrelated add + remove.
 */
export function renameMatch(old: PlanResource, candidate: PlanResource): boolean {
  if (old.env !== candidate.env || old.apiVersion !== candidate.apiVersion || old.kind !== candidate.kind) return false;
  const a = specOf(old);
  const b = specOf(candidate);
  if (isStream(old)) return a.name === b.name || sameSet(a.subjects, b.subjects);
  if (isConsumer(old)) {
    return a.durableName === b.durableName || (a.streamName === b.streamName && sameSet(filtersOf(a), filtersOf(b)));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Changes NACK sends that nats-server refuses (the server answers with an error, NACK retries)

export function reportRefused(report: Findings, kind: string, a: Spec, b: Spec, changes: readonly RefusedChange[]) {
  for (const { name, changed, shown, refusal, sources } of changes) {
    if (!changed(a, b)) continue;
    const change = shown ? shown(a, b) : `spec.${name} ${show(a[name])} → ${show(b[name])}`;
    report.blocking(`${kind}.${name}`, `${change}: ${refusal}`, sources);
  }
}

// ---------------------------------------------------------------------------------------------
// Fields NACK does not send on update: the server keeps them (shared by streams and consumers)

/** Switches nats-server itself never turns off again, with the line that refuses it. */
const SERVER_ONE_WAY: Readonly<Record<string, string>> = {
  sealed: SERVER.stream.sealed,
  denyDelete: SERVER.stream.denyDelete,
  denyPurge: SERVER.stream.denyPurge,
  allowMsgTtl: SERVER.stream.allowMsgTtl,
  allowMsgCounter: SERVER.stream.allowMsgCounter,
  allowMsgSchedules: SERVER.stream.allowMsgSchedules,
  flowControl: SERVER.consumer.flowControl,
  heartbeatInterval: SERVER.consumer.heartbeatInterval,
};

/** What to write instead, when the obvious fix ("set it explicitly") needs a value. */
const KEPT_FIX: Readonly<Record<string, string>> = {
  maxAge: 'set maxAge explicitly: "0s" for no age limit, or the age you want',
  duplicateWindow: 'set duplicateWindow explicitly, e.g. "2m" (the server default)',
  maxMsgsPerSubject:
    'set maxMsgsPerSubject to the limit you want; NACK cannot return a stream to unlimited, so for that edit the ' +
    'stream on the server (`nats stream edit <stream> --max-msgs-per-subject=-1`) and then drop the field',
  'filterSubject/filterSubjects':
    "list the subjects you want in filterSubjects (the stream's own subjects for all of them), or delete and " +
    're-create the consumer, which resets its position',
  maxDeliver: 'set maxDeliver to the number you want (-1 for unlimited)',
  ackWait: 'set ackWait to the wait you want, e.g. "30s"',
  mirror:
    'a mirror can only be removed on the server (promoting it to a normal stream); do that with the nats CLI, ' +
    'then drop the field',
};

/** What follows beyond the kept value, for the few fields where it is worse. */
type KeptAlso = (field: ConditionalField) => { readonly text: string; readonly source: string } | undefined;

/** A not-applied finding for each field NACK no longer sends, whose old value the server therefore keeps. */
export function reportKept(
  report: Findings,
  kind: 'stream' | 'consumer',
  fields: readonly ConditionalField[],
  a: Spec,
  b: Spec,
  also: KeptAlso = () => undefined,
): void {
  const lost = kind === 'stream' ? 'messages' : 'position';
  const update =
    kind === 'stream' ? [NACK.streamUpdate, JSM.streamUpdateOverlay] : [NACK.consumerUpdate, JSM.consumerUpdateOverlay];
  for (const field of fieldsKeptOnUpdate(fields, a, b)) {
    const oneWay = SERVER_ONE_WAY[field.field];
    const fix = oneWay
      ? `keep ${field.field} as it was; nats-server refuses to undo it anyway, so only a new ${kind} ` +
        `(delete and re-create, losing its ${lost}) drops it`
      : (KEPT_FIX[field.field] ??
        `set ${field.field} explicitly to the value you want (left out, a new ${kind} would get ${field.unsetMeans})`);
    const worse = also(field);
    report.notApplied(
      `${kind}.${field.field.split('/')[0]}-not-applied`,
      `Not applied: spec.${field.field} ${field.show(a)} → ${field.show(b)}, but NACK only sends ${field.field} ` +
        `when it is set, and it updates a ${kind} by applying the spec on top of the ${kind}'s current config on ` +
        `the server, so the server keeps ${field.show(a)}. Fix: ${fix}.${worse ? ` ${worse.text}` : ''}`,
      [field.source, ...update, ...(oneWay ? [oneWay] : []), ...(worse ? [worse.source] : [])],
    );
  }
}

// ---------------------------------------------------------------------------------------------

/** The retention of the stream `streamName` in `env`, with the CRD default. */
export function retentionOf(streamName: string, env: string, resources: readonly PlanResource[]): string | undefined {
  const stream = resources.find((r) => r.env === env && isStream(r) && specOf(r).name === streamName);
  return stream ? String(withStreamDefaults(specOf(stream)).retention) : undefined;
}

export function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function sameSet(a: unknown, b: unknown): boolean {
  const x = [...new Set(asStrings(a))].sort();
  const y = [...new Set(asStrings(b))].sort();
  return x.length > 0 && x.length === y.length && x.every((v, i) => v === y[i]);
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
