// The floor of the synth benchmark: the objects our synth produced, re-emitted as plain cdk8s
// ApiObjects (no constructs of ours, no config validation) and written by cdk8s's own
// `app.synth()`, one folder per environment and one file per object like dist/. Precompiled by
// esbuild like scripts/synth.js and run with plain node, so it is the cheapest way cdk8s can
// write the same objects: what is left above it in our time is ours.
//   node floor.js <input.json> <outdir>
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';

/** Written by bench/bench.ts from one of our runs' output. */
export interface FloorInput {
  readonly charts: ReadonlyArray<{ readonly name: string; readonly objects: ReadonlyArray<Record<string, any>> }>;
  /** Files beside the manifests (Helm values), written as they are. */
  readonly extraFiles: ReadonlyArray<{ readonly path: string; readonly content: string }>;
}

export function synthFloor(input: FloorInput, outdir: string): void {
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
  for (const chart of input.charts) {
    const scope = new Chart(app, chart.name, { disableResourceNameHashes: true });
    chart.objects.forEach((object, i) => new ApiObject(scope, `o${i}`, object as any));
  }
  app.synth();
  for (const file of input.extraFiles) {
    const target = path.join(outdir, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content);
  }
}

if (require.main === module) {
  const [inputPath, outdir] = process.argv.slice(2);
  if (!inputPath || !outdir) throw new Error('usage: node floor.js <input.json> <outdir>');
  synthFloor(JSON.parse(fs.readFileSync(inputPath, 'utf8')) as FloorInput, outdir);
}
