#!/usr/bin/env node
// `npm run synth` and `cdk8s synth` (cdk8s.yaml `app:`): synthesize every environment into dist/.
//
// Fast path: scripts/bundle.js bundles the TypeScript once with esbuild and rebuilds only when a
// source changed, so a synth costs about 0.2 s instead of ts-node's 2.4 s (tooling.md §6).
'use strict';
const fs = require('fs');
const path = require('path');
const { loadBundle, root, synthFailure } = require('./bundle');

function run() {
  process.chdir(root);
  const synth = loadBundle('main', "export { main } from './main';");
  const outdir = process.env.OVERMIND_DIST || 'dist';
  const started = process.hrtime.bigint();
  const files = synth.main(outdir);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const envs = [...new Set(files.map((f) => f.path.split('/')[0]))];
  console.error(`synth: ${files.length} files for ${envs.join(', ')} written to ${outdir}/ in ${ms.toFixed(0)} ms`);
  // cdk8s synth lists its own output folder: leave it one pointer file so it does not report an empty synth.
  if (process.env.CDK8S_OUTDIR) {
    fs.mkdirSync(process.env.CDK8S_OUTDIR, { recursive: true });
    fs.writeFileSync(
      path.join(process.env.CDK8S_OUTDIR, 'README'),
      `Manifests are written to ${outdir}/ (see README.md).\n`,
    );
  }
}

try {
  run();
} catch (err) {
  console.error(`synth failed, dist/ left unchanged:\n${synthFailure(err)}`);
  process.exit(1);
}
