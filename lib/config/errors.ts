import { IConstruct } from 'constructs';

/** Construct context key under which a chart records the environment it belongs to. */
export const ENVIRONMENT_CONTEXT_KEY = 'overmind:environment';

/**
 * Everything a user needs to fix a bad input without reading our code
 * (AWS CDK guidelines: name the thing, the value, what is allowed and what to do).
 */
export interface ConfigProblem {
  /** Environment name, e.g. `prod`. Filled in from the construct tree when omitted. */
  readonly environment?: string;
  /** The resource, e.g. `Stream "routing-decisions"`. */
  readonly resource: string;
  /** The config field, e.g. `replicas` or `subjects[1]`. */
  readonly field: string;
  /** The bad value as given. */
  readonly value: unknown;
  /** What the value must be, e.g. `an integer from 1 to 3`. */
  readonly allowed: string;
  /**
   * How to fix it: always with a `field: value` the config accepts as written (e.g. `maxDeliver: 5`),
   * or `remove <field>` when the fix is to delete a key.
   */
  readonly fix: string;
  /** What is wrong when it is not the value, e.g. `is not a known field`. @default - "has invalid value <value>" */
  readonly complaint?: string;
}

/** A mistake in the typed config, caught at synth time before anything is written. */
export class ConfigError extends Error {
  /** The first problem (the only one, unless several were collected). */
  public readonly problem: ConfigProblem;
  /** Every problem found, in config order. */
  public readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem | readonly ConfigProblem[]) {
    const all: readonly ConfigProblem[] = Array.isArray(problems) ? problems : [problems as ConfigProblem];
    super(
      all.length === 1
        ? formatProblem(all[0])
        : `${all.length} problems:\n${all.map((p) => `- ${formatProblem(p)}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problem = all[0];
    this.problems = all;
  }
}

/** The problems of one environment, gathered from every check and reported together in one ConfigError. */
export class ProblemList {
  private readonly problems: ConfigProblem[] = [];

  /** `check()`, or undefined when it throws a ConfigError (whose problems are kept); other errors pass through. */
  attempt<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.problems.push(...e.problems);
      return undefined;
    }
  }

  /** `build` for every item; the items whose checks fail are left out, their problems kept. */
  mapEach<T, R>(items: readonly T[], build: (item: T) => R | undefined): R[] {
    return items.flatMap((item) => this.attempt(() => build(item)) ?? []);
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

export function formatProblem(p: ConfigProblem): string {
  const env = p.environment ?? 'unknown';
  const what = p.complaint
    ? `${p.complaint} (value ${formatValue(p.value)})`
    : `has invalid value ${formatValue(p.value)}`;
  return `[environment ${env}] ${p.resource}: field "${p.field}" ${what}. Allowed: ${p.allowed}. Fix: ${p.fix}`;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The environment a construct was created for (set by the chart), for error messages. */
export function environmentOf(scope: IConstruct): string | undefined {
  return scope.node.tryGetContext(ENVIRONMENT_CONTEXT_KEY);
}

/** Throws a ConfigError that names the environment of `scope`. */
export function fail(scope: IConstruct | string | undefined, problem: ConfigProblem): never {
  const environment =
    problem.environment ?? (typeof scope === 'string' ? scope : scope ? environmentOf(scope) : undefined);
  throw new ConfigError({ ...problem, environment });
}
