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
import * as jsYaml from 'js-yaml';

/** Plain scalars made of digits, signs, dots, colons, exponents or 0x/0o/0b prefixes, with an underscore. */
const NUMBER_WITH_UNDERSCORE = /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oObB][0-9_]+|[0-9_.]*[0-9_][0-9_.:]*(?:[eE][-+]?[0-9_]+)?)$/;

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

/** One YAML document (no `---`), ending in a newline. */
export function toYaml(document: unknown): string {
  return jsYaml.dump(document, DUMP_OPTIONS);
}
