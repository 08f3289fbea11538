// Shared by scripts/synth.js and scripts/tools-bundle.js: esbuild bundles our TypeScript into
// build/<name>.js (about 0.1 s) and only when a source is newer than the bundle, so a synth costs
// about 0.2 s instead of ts-node's 2.4 s (tooling.md §6). Types are checked by `npm test`.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const SOURCE_DIRS = ['lib', 'charts', 'config', 'imports'];

/** Newest modification time of main.ts, the .ts files under SOURCE_DIRS and the given extra files. */
function newestSourceMtime(extraFiles = []) {
  let newest = Math.max(...[path.join(root, 'main.ts'), ...extraFiles].map((f) => fs.statSync(f).mtimeMs));
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'vendor') walk(full); // charts/vendor holds the pulled Helm chart, no TypeScript
      } else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return newest;
}

/**
 * Loads build/<name>.js, rebuilding it first when stale. `entry` is TypeScript source text whose
 * imports are relative to the repository root. Written to a temp file and renamed, so parallel
 * runs never read half a bundle.
 */
function loadBundle(name, entry, extraSources = []) {
  const bundle = path.join(root, 'build', `${name}.js`);
  const fresh = fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= newestSourceMtime(extraSources);
  if (!fresh) {
    const result = require('esbuild').buildSync({
      stdin: { contents: entry, resolveDir: root, loader: 'ts', sourcefile: `${name}-entry.ts` },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // Dependencies load from node_modules as usual; only our sources are bundled.
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'error',
      write: false,
      outfile: bundle,
    });
    fs.mkdirSync(path.dirname(bundle), { recursive: true });
    const partial = `${bundle}.${process.pid}.tmp`;
    fs.writeFileSync(partial, result.outputFiles[0].contents);
    fs.renameSync(partial, bundle);
  }
  return require(bundle);
}

module.exports = { loadBundle, root };
