#!/usr/bin/env node
// `npm run synth` and `cdk8s synth` (cdk8s.yaml `app:`): synthesize every environment into dist/.
//
// Fast path: the TypeScript sources are bundled once by esbuild into build/main.js (about 0.1 s)
// and rebuilt only when a source is newer than the bundle, so a synth costs about 0.2 s instead
// of ts-node's 2.4 s (tooling.md §6). Types are checked by `npm test` (tsc --noEmit), not here.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'build', 'main.js');
const SOURCE_DIRS = ['lib', 'charts', 'config', 'imports'];

function newestSourceMtime() {
  let newest = fs.statSync(path.join(root, 'main.ts')).mtimeMs;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return newest;
}

function ensureBundle() {
  const fresh = fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= newestSourceMtime();
  if (fresh) return;
  // Build beside the bundle and rename it into place, so a concurrent synth never loads half a file.
  const partial = `${bundle}.${process.pid}.tmp`;
  require('esbuild').buildSync({
    entryPoints: [path.join(root, 'main.ts')],
    outfile: partial,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Dependencies load from node_modules as usual; only our sources are bundled.
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  fs.renameSync(partial, bundle);
}

function run() {
  process.chdir(root);
  ensureBundle();
  const outdir = process.env.OVERMIND_DIST || 'dist';
  const started = process.hrtime.bigint();
  const files = require(bundle).main(outdir);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const envs = [...new Set(files.map((f) => f.path.split('/')[0]))];
  console.error(`synth: ${files.length} files for ${envs.join(', ')} written to ${outdir}/ in ${ms.toFixed(0)} ms`);
  // cdk8s synth lists its own output folder: leave it one pointer file so it does not report an empty synth.
  if (process.env.CDK8S_OUTDIR) {
    fs.mkdirSync(process.env.CDK8S_OUTDIR, { recursive: true });
    fs.writeFileSync(path.join(process.env.CDK8S_OUTDIR, 'README'), `Manifests are written to ${outdir}/ (see README.md).\n`);
  }
}

try {
  run();
} catch (err) {
  // Config mistakes are already actionable sentences; a stack trace would only hide them.
  const isConfigError = err && err.name === 'ConfigError';
  console.error(`synth failed, dist/ left unchanged:\n${isConfigError ? err.message : (err && err.stack) || err}`);
  process.exit(1);
}
