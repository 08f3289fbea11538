#!/usr/bin/env node
// `npm run bench`: one command. Takes a snapshot of the sources (so every row of a run measures
// the same code even while others edit the repository), compiles the bench entries (the synth, the two floors, the bench itself) with esbuild
// (the options of scripts/synth.js) into bench/.work/build/, then runs bench/bench.ts.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const work = path.join(root, 'bench', '.work');
const snapshot = path.join(work, 'src');
process.chdir(root);

fs.rmSync(snapshot, { recursive: true, force: true });
const benchSources = fs.readdirSync(path.join(root, 'bench')).filter((f) => f.endsWith('.ts')).map((f) => path.join('bench', f));
for (const entry of ['main.ts', 'lib', 'tools', 'charts', 'config', 'imports', ...benchSources]) {
  fs.cpSync(path.join(root, entry), path.join(snapshot, entry), {
    recursive: true,
    filter: (source) => fs.statSync(source).isDirectory() || source.endsWith('.ts'),
  });
}

const esbuildOptions = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', sourcemap: 'inline', logLevel: 'error' };
const build = path.join(work, 'build');
require('esbuild').buildSync({ ...esbuildOptions, entryPoints: [path.join(snapshot, 'bench', 'synth-generated.ts')], outdir: build });
require('esbuild').buildSync({ ...esbuildOptions, entryPoints: ['bench.ts', 'floor.ts', 'floor-js-yaml.ts'].map((f) => path.join(snapshot, 'bench', f)), outdir: build });
require(path.join(build, 'bench.js'));
