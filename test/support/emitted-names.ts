// The net under the config checks, as a test oracle: every emitted object held to the name rule of its kind and the
// label rules. The resolver (lib/config/resolve.ts) checks every config field a name or label comes from, so a
// failure here means one of those checks is missing (a bug). Runs on rendered objects, never during a synth.
import { LABEL_KEY_RULE, LABEL_VALUE_RULE, nameRuleOfKind } from '../../lib/config/names';

interface EmittedObject {
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly labels?: Record<string, string> };
}

export function checkEmittedNames(objects: readonly EmittedObject[]): void {
  for (const { kind, metadata = {} } of objects) {
    const why = nameRuleOfKind(kind).error(metadata.name ?? '');
    const labelProblem = Object.entries(metadata.labels ?? {})
      .map(([key, value]) => LABEL_KEY_RULE.error(key) ?? LABEL_VALUE_RULE.error(value))
      .find((p) => p !== undefined);
    if (why || labelProblem) {
      throw new Error(
        `internal error: the emitted ${kind} "${metadata.name}" breaks the Kubernetes rules ` +
          `(${why ?? `a label: ${labelProblem}`}); a check of the config field it comes from is missing`,
      );
    }
  }
}
