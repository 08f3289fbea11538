// The shapes `npm run plan` works on: resources, changes, findings, acknowledgements. Types only, shared by
// plan.ts (the diff), the rules (plan-rules.ts and the *-rules.ts beside it) and plan-markdown.ts (the report).
/** One object of dist/ (or the Helm values document, as a pseudo-resource). */
export interface PlanResource {
  readonly env: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** The whole object as parsed from YAML. */
  readonly body: Record<string, unknown>;
  /** Path under dist/, for the reader. */
  readonly file?: string;
}

/** One field that differs; `before` undefined means added, `after` undefined means removed. */
export interface FieldChange {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface ResourceChange {
  readonly type: 'added' | 'removed' | 'changed' | 'renamed';
  readonly before?: PlanResource;
  readonly after?: PlanResource;
  /** Field-level differences (for `changed` and `renamed`). */
  readonly fields: readonly FieldChange[];
}

/**
 * blocking: refused by nats-server, NACK or Kubernetes, or loses data. not-applied: accepted but
 * not done (NACK does not send the field, or the server ignores it), so the server keeps its old
 * value. Both fail the plan unless acknowledged. warning: applied; worth a reviewer's look.
 */
export type Severity = 'blocking' | 'not-applied' | 'warning';

export interface Finding {
  readonly severity: Severity;
  /** Stable rule id, e.g. `stream.storage`; an acknowledgement may name it. */
  readonly rule: string;
  /** `<env>/<Kind>/<metadata.name>` of the resource the change leaves behind (the old one if removed). */
  readonly resource: string;
  readonly message: string;
  /** Links to the upstream code or docs the finding follows (at least one). */
  readonly sources: readonly string[];
  /** Set when a committed acknowledgement covers this finding. */
  readonly acknowledgement?: Acknowledgement;
}

/** A reviewed, deliberate destructive change (plan-acknowledgements.yaml). */
export interface Acknowledgement {
  /** `<env>/<Kind>/<metadata.name>`, as the plan prints it. */
  readonly resource: string;
  /** Only this rule; absent = every finding on the resource. */
  readonly rule?: string;
  /** Why it is fine: the reviewer reads this in the pull request. */
  readonly reason: string;
}

export interface Plan {
  readonly changes: readonly ResourceChange[];
  readonly findings: readonly Finding[];
  readonly unchanged: number;
  /** Acknowledgements that matched no finding (stale: remove them). */
  readonly unusedAcknowledgements: readonly Acknowledgement[];
}

/** What the rules see of the whole plan: every resource on each side. */
export interface RuleContext {
  readonly before: readonly PlanResource[];
  readonly after: readonly PlanResource[];
}

export type RawFinding = Omit<Finding, 'acknowledgement'>;
/** A Stream or Consumer spec (as NACK reads it: tools/plan/nack-control-loop.ts). */
export type Spec = Readonly<Record<string, unknown>>;
type Add = (rule: string, message: string, sources: readonly string[]) => void;

/** Findings on one resource (the one a change leaves behind: the old one if removed), by severity. */
export interface Findings {
  readonly list: RawFinding[];
  readonly blocking: Add;
  readonly notApplied: Add;
  readonly warning: Add;
}

/** One change nats-server refuses on update; its rule id is `<kind>.<name>`. */
export interface RefusedChange {
  readonly name: string;
  readonly changed: (before: Spec, after: Spec) => boolean;
  /** How the finding shows the change; by default `spec.<name> <before> → <after>`. */
  readonly shown?: (before: Spec, after: Spec) => string;
  readonly refusal: string;
  readonly sources: readonly string[];
}
