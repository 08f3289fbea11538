// The one YAML serializer of dist/: js-yaml's `dump`, which renders the 15,000 objects of 1,000
// streams several times faster than cdk8s's `Yaml.stringify` (the `yaml` library, where most of a
// large synth went: docs/benchmark.md). Chosen for what reads every file:
//  - kubectl and Argo CD parse with sigs.k8s.io/yaml → go-yaml v2, which resolves plain scalars the
//    YAML 1.1 way. js-yaml's compat mode (on by default, never turned off here) quotes the 1.1
//    booleans and base-60 numbers (`yes`, `on`, `off`, `n`, `1:30`; js-yaml 4.3.2
//    lib/dumper.js DEPRECATED_BOOLEANS_SYNTAX, DEPRECATED_BASE60_SYNTAX), and every string its
//    YAML 1.2 schema would read as another type ("10", "true", "1e3", "0x1F", "~", "null"). One
//    1.1 form it leaves plain: numbers with underscores (`1_000`, `0x_1F`), which go-yaml v2 reads
//    as numbers (go-yaml/yaml v2 resolve.go strips "_" before strconv.ParseInt/ParseFloat); the
//    extra implicit type below makes js-yaml quote those too;
//  - no anchors or aliases (`noRefs`): each object stands alone and reads the same in any tool;
//  - no line folding (`lineWidth: -1`): long PromQL or subjects stay on one line;
//  - double quotes where quoting is needed; keys in the order given (callers sort);
//  - a value `undefined` is an error (js-yaml would drop the field in silence).
//
// Speed: most of dist/ is the same few thousand strings (namespaces, labels, kinds, keys) in
// block mappings and sequences, so `toYaml` lays out the blocks itself and asks js-yaml how to
// write each distinct scalar once (cached). The text is byte-for-byte what `jsYaml.dump` writes
// with the same options (test/lib/yaml-writer.test.ts compares both on every object of dist/ and
// on the tricky values); documents with anything else (a multi-line string, a non-JSON value)
// are written by `jsYaml.dump` itself.
import * as jsYaml from 'js-yaml';

/** Plain scalars made of digits, signs, dots, colons, exponents or 0x/0o/0b prefixes, with an underscore. */
const NUMBER_WITH_UNDERSCORE =
  /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oObB][0-9_]+|[0-9_.]*[0-9_][0-9_.:]*(?:[eE][-+]?[0-9_]+)?)$/;

/** Never matches a value (no predicate): it only tells the dumper which strings must be quoted. */
const YAML_1_1_NUMBER = new jsYaml.Type('tag:overmind-nats,2026:yaml-1.1-number', {
  kind: 'scalar',
  resolve: (text: string | null) => text !== null && text.includes('_') && NUMBER_WITH_UNDERSCORE.test(text),
  construct: (text: string) => text,
});

const DUMP_SCHEMA = jsYaml.DEFAULT_SCHEMA.extend({ implicit: [YAML_1_1_NUMBER] });

function refuseUndefined(this: unknown, key: string, value: unknown): unknown {
  if (value === undefined) throw new Error(`cannot write YAML: the value of "${key}" is undefined`);
  return value;
}

const DUMP_OPTIONS: jsYaml.DumpOptions = {
  schema: DUMP_SCHEMA,
  noRefs: true,
  lineWidth: -1,
  quotingType: '"',
  sortKeys: false,
  replacer: refuseUndefined,
};

/** js-yaml's own rendering of a document, with the options above (the reference for `toYaml`). */
export function toYamlWithJsYaml(document: unknown): string {
  return jsYaml.dump(document, DUMP_OPTIONS);
}

/** One YAML document (no `---`), ending in a newline: the same text as `toYamlWithJsYaml`. */
export function toYaml(document: unknown): string {
  if (isPlainObject(document) && Object.keys(document).length > 0) {
    const lines: string[] = [];
    if (writeMapping(document, '', lines)) return lines.join('\n') + '\n';
  }
  return toYamlWithJsYaml(document);
}

/** What the fast path returns for a document it leaves to js-yaml. */
const NOT_HANDLED = false;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Strings that js-yaml could write over several lines, or values of other kinds: js-yaml decides, whole document. */
function isSimpleScalar(value: unknown): boolean {
  if (typeof value === 'string') return !value.includes('\n') && !value.includes('\r');
  return value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** Where a scalar stands: a one-scalar document that puts it there, and the text around it in js-yaml's output. */
interface Position {
  readonly texts: Map<unknown, string | undefined>;
  readonly document: (scalar: unknown) => unknown;
  readonly before: string;
  readonly after: string;
}

const MAPPING_KEY: Position = { texts: new Map(), document: (k) => ({ [String(k)]: 0 }), before: '', after: ': 0\n' };
const MAPPING_VALUE: Position = { texts: new Map(), document: (value) => ({ k: value }), before: 'k: ', after: '\n' };
const SEQUENCE_ITEM: Position = { texts: new Map(), document: (value) => [value], before: '- ', after: '\n' };

/**
 * Each distinct scalar is rendered once by js-yaml, in the same position (mapping key, mapping value, sequence
 * item) as it will stand, and cut out of that output; undefined when it is not one plain line there.
 */
function scalarText(scalar: unknown, at: Position): string | undefined {
  let text = at.texts.get(scalar);
  if (text === undefined && !at.texts.has(scalar)) {
    const dumped = isSimpleScalar(scalar) ? toYamlWithJsYaml(at.document(scalar)) : '';
    const middle = dumped.slice(at.before.length, dumped.length - at.after.length);
    const oneLine = dumped.startsWith(at.before) && dumped.endsWith(at.after) && !middle.includes('\n');
    text = oneLine && !middle.startsWith('? ') ? middle : undefined;
    at.texts.set(scalar, text);
  }
  return text;
}

/**
 * Block mapping at `indent`; the first line goes after `firstPrefix` (e.g. "- " of a sequence
 * item), the others after `indent`. False when some part is left to js-yaml.
 */
function writeMapping(
  mapping: Record<string, unknown>,
  indent: string,
  lines: string[],
  firstPrefix = indent,
): boolean {
  let prefix = firstPrefix;
  for (const key of Object.keys(mapping)) {
    const value = mapping[key];
    if (value === undefined) throw new Error(`cannot write YAML: the value of "${key}" is undefined`);
    const keyPart = scalarText(key, MAPPING_KEY);
    if (keyPart === undefined) return NOT_HANDLED;
    const head = `${prefix}${keyPart}:`;
    prefix = indent;
    if (Array.isArray(value)) {
      if (value.length === 0) lines.push(`${head} []`);
      else {
        lines.push(head);
        if (!writeSequence(value, `${indent}  `, lines)) return NOT_HANDLED;
      }
    } else if (isPlainObject(value)) {
      if (Object.keys(value).length === 0) lines.push(`${head} {}`);
      else {
        lines.push(head);
        if (!writeMapping(value, `${indent}  `, lines)) return NOT_HANDLED;
      }
    } else {
      const text = scalarText(value, MAPPING_VALUE);
      if (text === undefined) return NOT_HANDLED;
      lines.push(`${head} ${text}`);
    }
  }
  return true;
}

/** Block sequence at `indent`, first line after `firstPrefix` (nested sequences share a line: "- - a"). */
function writeSequence(sequence: readonly unknown[], indent: string, lines: string[], firstPrefix = indent): boolean {
  let prefix = firstPrefix;
  for (let index = 0; index < sequence.length; index++) {
    const value = sequence[index];
    if (value === undefined) throw new Error(`cannot write YAML: the value of "${index}" is undefined`);
    const head = `${prefix}- `;
    prefix = indent;
    if (Array.isArray(value)) {
      if (value.length === 0) lines.push(`${head}[]`);
      else if (!writeSequence(value, `${indent}  `, lines, head)) return NOT_HANDLED;
    } else if (isPlainObject(value)) {
      if (Object.keys(value).length === 0) lines.push(`${head}{}`);
      else if (!writeMapping(value, `${indent}  `, lines, head)) return NOT_HANDLED;
    } else {
      const text = scalarText(value, SEQUENCE_ITEM);
      if (text === undefined) return NOT_HANDLED;
      lines.push(`${head}${text}`);
    }
  }
  return true;
}
