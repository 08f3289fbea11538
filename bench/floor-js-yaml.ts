// The js-yaml floor of the synth benchmark: a plain Node script that writes the same objects as
// our synth, one object per file at the same paths, as YAML with js-yaml's `dump`, plus the
// files beside them (Helm values) as they are. No cdk8s, no constructs, no validation: reading
// the objects and writing the YAML is all it does, so it is the cheapest way to produce dist/
// from objects already in memory. Like our synth it replaces its output folder.
//   node floor-js-yaml.js <input.json> <outdir>
import * as fs from 'fs';
import * as path from 'path';
import * as jsYaml from 'js-yaml';

/** Written by bench/bench.ts from one of our runs' output: every file of it, objects parsed. */
export interface JsYamlFloorInput {
  readonly objects: ReadonlyArray<{ readonly path: string; readonly object: unknown }>;
  readonly extraFiles: ReadonlyArray<{ readonly path: string; readonly content: string }>;
}

export function writeJsYamlFloor(input: JsYamlFloorInput, outdir: string): void {
  fs.rmSync(outdir, { recursive: true, force: true });
  const made = new Set<string>();
  const write = (relative: string, content: string) => {
    const target = path.join(outdir, relative);
    const dir = path.dirname(target);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    fs.writeFileSync(target, content);
  };
  for (const { path: relative, object } of input.objects) {
    write(relative, jsYaml.dump(object, { noRefs: true, lineWidth: -1 }));
  }
  for (const file of input.extraFiles) write(file.path, file.content);
}

if (require.main === module) {
  const [inputPath, outdir] = process.argv.slice(2);
  if (!inputPath || !outdir) throw new Error('usage: node floor-js-yaml.js <input.json> <outdir>');
  writeJsYamlFloor(JSON.parse(fs.readFileSync(inputPath, 'utf8')) as JsYamlFloorInput, outdir);
}
