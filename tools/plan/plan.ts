// `npm run plan`: what a pull request changes in dist/, resource by resource, and which of those
// changes nats-server, NACK or Kubernetes refuse, lose data with, or would not apply. Pure functions over two
// sets of objects (the dist/ of a git ref, and a fresh synth); reading git, parsing files and
// printing live in tools/plan/plan-sources.ts, tools/plan/plan-markdown.ts and scripts/plan.js.
import { consumerFindings } from './consumer-rules';
import { helmValuesFindings, natsApplicationFindings, natsChartSource } from './nats-chart-rules';
import { findingsOn, isConsumer, isNatsValues, isStream, renameMatch } from './plan-rules';
import type {
  Acknowledgement,
  FieldChange,
  Finding,
  Plan,
  PlanResource,
  ResourceChange,
  RuleContext,
} from './plan-types';
import { streamFindings } from './stream-rules';

export type * from './plan-types';
export { resourceId } from './plan-rules';

/** Identity of a resource across the two sides: env, apiVersion, kind, namespace, name. */
export function resourceKey(r: PlanResource): string {
  return [r.env, r.apiVersion, r.kind, r.namespace ?? '', r.name].join('/');
}

/**
 * Compares the resources of a base (e.g. the dist/ of origin/main) with those of a fresh synth:
 * matched by key, unmatched pairs that are one object under a new name become renames, and every
 * change runs through the rules of its kind (tools/plan/plan-rules.ts).
 */
export function planChanges(
  before: readonly PlanResource[],
  after: readonly PlanResource[],
  acknowledgements: readonly Acknowledgement[] = [],
): Plan {
  const beforeByKey = indexByKey(before, 'base');
  const afterByKey = indexByKey(after, 'synth');
  const changes: ResourceChange[] = [];
  let unchanged = 0;
  const removed: PlanResource[] = [];
  for (const [key, old] of beforeByKey) {
    const current = afterByKey.get(key);
    if (!current) {
      removed.push(old);
      continue;
    }
    const fields = diffFields(old.body, current.body);
    if (fields.length === 0) unchanged++;
    else changes.push({ type: 'changed', before: old, after: current, fields });
  }
  const added = [...afterByKey.entries()].filter(([key]) => !beforeByKey.has(key)).map(([, r]) => r);

  // Renames: pair each removed object with at most one added object that is the same thing.
  const unpairedAdded = new Set(added);
  for (const old of removed) {
    const twin = [...unpairedAdded].find((candidate) => renameMatch(old, candidate));
    if (twin) {
      unpairedAdded.delete(twin);
      changes.push({ type: 'renamed', before: old, after: twin, fields: diffFields(old.body, twin.body) });
    } else {
      changes.push({ type: 'removed', before: old, fields: [] });
    }
  }
  for (const fresh of unpairedAdded) changes.push({ type: 'added', after: fresh, fields: [] });
  changes.sort(byResource);

  const raw = changes.flatMap((change) => findingsFor(change, { before, after }));
  const used = new Set<Acknowledgement>();
  const findings = raw.map((finding) => {
    const ack = acknowledgements.find(
      (a) => a.resource === finding.resource && (a.rule === undefined || a.rule === finding.rule),
    );
    if (!ack) return finding;
    used.add(ack);
    return { ...finding, acknowledgement: ack };
  });
  return { changes, findings, unchanged, unusedAcknowledgements: acknowledgements.filter((a) => !used.has(a)) };
}

/** The findings on what a change leaves behind (the old resource if removed), by the rules of its kind. */
export function findingsFor(change: ResourceChange, context: RuleContext): Finding[] {
  const subject = (change.after ?? change.before)!;
  const report = findingsOn(subject);
  if (isStream(subject)) streamFindings(change, context, report);
  else if (isConsumer(subject)) consumerFindings(change, context, report);
  else if (isNatsValues(subject)) helmValuesFindings(change, context, report);
  else if (natsChartSource(subject)) natsApplicationFindings(change, context, report);
  return report.list;
}

/** Findings that fail the plan (blocking or not applied) and no acknowledgement covers. */
export function unacknowledgedBlocking(plan: Plan): Finding[] {
  return plan.findings.filter((f) => f.severity !== 'warning' && !f.acknowledgement);
}

function indexByKey(resources: readonly PlanResource[], side: string): Map<string, PlanResource> {
  const map = new Map<string, PlanResource>();
  for (const r of resources) {
    const key = resourceKey(r);
    if (map.has(key))
      throw new Error(
        `${side}: two objects with the same identity ${key} (${map.get(key)!.file ?? '?'} and ${r.file ?? '?'})`,
      );
    map.set(key, r);
  }
  return map;
}

function byResource(a: ResourceChange, b: ResourceChange): number {
  const ka = resourceKey((a.after ?? a.before)!);
  const kb = resourceKey((b.after ?? b.before)!);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Field-level differences between two JSON-like values, as dotted paths (`spec.maxAge`,
 * `metadata.annotations["argocd.argoproj.io/sync-wave"]`, `spec.triggers[0].metadata.lagThreshold`).
 * Lists of scalars, and lists whose length changed, are compared whole: `[a, b] → [a]` reads
 * better than per-index noise.
 */
export function diffFields(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (deepEqual(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffFields(before[key], after[key], joinPath(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && before.some(isPlainObject)) {
    return before.flatMap((item, i) => diffFields(item, after[i], `${path}[${i}]`));
  }
  return [{ path: path || '(root)', before, after }];
}

function joinPath(path: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (segment.startsWith('[')) return `${path}${segment}`;
  return path ? `${path}.${segment}` : segment;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Reads plan-acknowledgements.yaml (already parsed from YAML): `acknowledgements: [{resource,
 * rule?, reason}]`. Every entry needs a reason, so the pull request says why data may go.
 */
export function parseAcknowledgements(doc: unknown, source: string): Acknowledgement[] {
  if (doc === undefined || doc === null) return [];
  const list = (doc as { acknowledgements?: unknown }).acknowledgements;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Error(`${source}: "acknowledgements" must be a list`);
  return list.map((entry, i) => {
    const e = entry as Partial<Acknowledgement> | null;
    const where = `${source}: acknowledgements[${i}]`;
    if (!e || typeof e.resource !== 'string' || !/^[^/\s]+\/[^/\s]+\/[^/\s]+$/.test(e.resource)) {
      throw new Error(
        `${where}.resource must be "<env>/<Kind>/<name>" as the plan prints it, e.g. "prod/Stream/routing-decisions"`,
      );
    }
    if (e.rule !== undefined && (typeof e.rule !== 'string' || e.rule.trim() === ''))
      throw new Error(`${where}.rule must be a rule id such as "stream.storage", or left out`);
    if (typeof e.reason !== 'string' || e.reason.trim().length < 10) {
      throw new Error(`${where}.reason is required: say in a sentence why losing or re-creating this is fine`);
    }
    return { resource: e.resource, rule: e.rule, reason: e.reason.trim() };
  });
}
