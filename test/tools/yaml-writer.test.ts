// The dist/ serializer (tools/dist/yaml-writer.ts) keeps every value what it was: each tricky value is
// written by our writer and read back by two parsers, js-yaml (YAML 1.2 core, what our tools read)
// and the `yaml` library in YAML 1.1 mode, which resolves scalars like go-yaml v2 under
// sigs.k8s.io/yaml, what kubectl and Argo CD parse manifests with (`yes`/`on`/`off` are booleans,
// `1:30` is a base-60 number). Both must give back exactly the value written.
import * as fs from 'fs';
import * as path from 'path';
import * as jsYaml from 'js-yaml';
import * as YAML from 'yaml';
import { readDistFolder } from '../../tools/dist/dist-check';
import { toStableYaml } from '../../tools/dist/dist-writer';
import { toYaml, toYamlWithJsYaml } from '../../tools/dist/yaml-writer';
import { REPO_ROOT } from '../support/shared';

/** Strings that a YAML 1.1 or 1.2 parser reads as something else, or as a syntax error, when left plain. */
const TRICKY_STRINGS = [
  '',
  ' ',
  '10',
  '-1',
  '+1',
  '0',
  '007',
  '0777',
  '0x1F',
  '0o17',
  '0b101',
  '.5',
  '1.',
  '1e3',
  '6.02e+23',
  '1_000',
  '0x_1F',
  '0b1_0',
  '1_000.5',
  '-1_0',
  '1_0:30',
  '.inf',
  '-.Inf',
  '.NaN',
  'true',
  'false',
  'True',
  'FALSE',
  'yes',
  'no',
  'Yes',
  'NO',
  'on',
  'off',
  'On',
  'OFF',
  'y',
  'n',
  'Y',
  'N',
  'null',
  'Null',
  '~',
  '1:30',
  '12:30:45',
  '-1:20',
  '0s',
  '10m',
  '1Gi',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  ':',
  '*',
  '&anchor',
  '*alias',
  '!tag',
  '!!str',
  '@handle',
  '`tick',
  '%percent',
  '|',
  '>',
  '-',
  '- item',
  '? key',
  '#comment',
  'a #b',
  'a: b',
  'a:b',
  '{x}',
  '[x]',
  ',',
  '=',
  '<<',
  '"',
  "'",
  ' leading space',
  'trailing space ',
  'line1\nline2',
  'ends with newline\n',
  'two\n\nblank lines\n\n',
  'tab\there',
  'quote "inside"',
  "it's",
  'back\\slash',
  'unicode é ✓ 日本',
  '\u0007bell',
  'nul\u0000byte',
  'events.s1.>',
  'events.*.created',
  '$JS.API.>',
  '{{ $labels.stream_name }}',
  'a: {{ printf "%q" $x }}',
];

const ONE_OF_EACH_KIND = {
  strings: TRICKY_STRINGS,
  // Keys go through the same rules: a key `yes` read as a boolean would be another key.
  keyed: Object.fromEntries(TRICKY_STRINGS.filter((s) => s !== '').map((s, i) => [s, i])),
  numbers: [0, 1, -1, 1.5, 1e21, 1024 * 1024 * 1024 * 4, Number.MAX_SAFE_INTEGER],
  booleans: [true, false],
  nothing: null,
  empty: { object: {}, array: [] as unknown[], nested: [[], [{}], [[1, 'on']]] },
};

/** Without line breaks, so toYaml's fast path writes the whole document (multi-line strings go to js-yaml). */
const SINGLE_LINE = TRICKY_STRINGS.filter((s) => !/[\n\r]/.test(s));
const ONE_OF_EACH_KIND_SINGLE_LINE = {
  ...ONE_OF_EACH_KIND,
  strings: SINGLE_LINE,
  keyed: Object.fromEntries(SINGLE_LINE.filter((s) => s !== '').map((s, i) => [s, [i, s, { [s]: s }]])),
};

function readBack(text: string): { core: unknown; yaml11: unknown } {
  return { core: jsYaml.load(text), yaml11: YAML.parse(text, { version: '1.1', uniqueKeys: true }) };
}

describe('yaml writer', () => {
  test('every tricky value reads back as written under YAML 1.2 (js-yaml) and YAML 1.1 (as go-yaml v2)', () => {
    const text = toYaml(ONE_OF_EACH_KIND);
    const { core, yaml11 } = readBack(text);
    expect(core).toEqual(ONE_OF_EACH_KIND);
    expect(yaml11).toEqual(ONE_OF_EACH_KIND);
    const singleLine = readBack(toYaml(ONE_OF_EACH_KIND_SINGLE_LINE));
    expect(singleLine.core).toEqual(ONE_OF_EACH_KIND_SINGLE_LINE);
    expect(singleLine.yaml11).toEqual(ONE_OF_EACH_KIND_SINGLE_LINE);
    for (const value of TRICKY_STRINGS) {
      expect(readBack(toYaml({ value }))).toEqual({ core: { value }, yaml11: { value } });
      expect(readBack(toYaml([value]))).toEqual({ core: [value], yaml11: [value] });
    }
  });

  test('the YAML 1.1 oracle catches a value left plain that kubectl would read as another type', () => {
    // What a YAML 1.2-only writer may emit (js-yaml writes `1_000` plain): strings in 1.2, not in 1.1.
    const plain = 'a: yes\nb: off\nc: 1:30\nd: 0s\ne: 1_000\n';
    const asWritten = { a: 'yes', b: 'off', c: '1:30', d: '0s', e: '1_000' };
    expect(jsYaml.load(plain)).toEqual(asWritten);
    expect(readBack(plain).yaml11).toEqual({ a: true, b: false, c: 90, d: '0s', e: 1000 });
    expect(readBack(toYaml(asWritten)).yaml11).toEqual(asWritten);
  });

  test('one document, no anchors or aliases for shared values, no folded long lines', () => {
    const shared = { labels: { app: 'nats' } };
    const longExpr = `sum(rate(x[5m])) ${'and y '.repeat(60)}> 0`;
    const text = toYaml({ a: shared, b: shared, expr: longExpr });
    expect(text).not.toMatch(/[&*]ref/);
    expect(text).not.toContain('---');
    expect(text).toContain(`expr: ${longExpr}\n`);
    expect(jsYaml.loadAll(text)).toEqual([{ a: shared, b: shared, expr: longExpr }]);
  });

  test('keys stay in the order given; toStableYaml sorts them and drops undefined fields', () => {
    expect(Object.keys(jsYaml.load(toYaml({ z: 1, a: 2 })) as object)).toEqual(['z', 'a']);
    const stable = toStableYaml({ z: 1, a: { y: undefined, c: 'on', b: 2 } }, '# header\n');
    expect(stable.startsWith('# header\n')).toBe(true);
    expect(stable).toBe('# header\na:\n  b: 2\n  c: "on"\nz: 1\n');
  });

  test('an undefined value is an error, not a field that silently disappears', () => {
    expect(() => toYaml({ spec: { replicas: undefined } })).toThrow(/undefined/);
    expect(() => toYaml({ spec: { items: ['a', undefined] } })).toThrow(/undefined/);
    expect(() => toYamlWithJsYaml({ spec: { replicas: undefined } })).toThrow(/undefined/);
  });

  // toYaml lays out blocks itself and asks js-yaml only for each distinct scalar: its text must be
  // exactly js-yaml's, or dist/ would change with the speed-up.
  test('the fast path writes exactly what js-yaml dump writes, on all of dist/ and the tricky values', () => {
    const dist = path.join(REPO_ROOT, 'dist');
    const documents = readDistFolder(dist)
      .filter((f) => f.path.endsWith('.yaml'))
      .map((f) => jsYaml.load(fs.readFileSync(path.join(dist, f.path), 'utf8')));
    expect(documents.length).toBeGreaterThan(60);
    const shapes = [
      ONE_OF_EACH_KIND,
      ONE_OF_EACH_KIND_SINGLE_LINE,
      { list: [[['deep']], [{ a: [1, { b: [] }] }], { c: {} }] },
      { 'key with: colon': { '- dash': 'x' } },
    ];
    for (const document of [...documents, ...shapes]) expect(toYaml(document)).toBe(toYamlWithJsYaml(document));
  });

  test('the comparison above can fail: a layout that differs from js-yaml is seen', () => {
    const document = { a: ['x', { b: 1 }] };
    const flowStyle = jsYaml.dump(document, { flowLevel: 1 });
    expect(toYamlWithJsYaml(document)).not.toBe(flowStyle);
    expect(toYaml(document)).toBe('a:\n  - x\n  - b: 1\n');
  });
});
