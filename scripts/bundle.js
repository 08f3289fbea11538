// Shared by scripts/synth.js and scripts/tools-bundle.js: loads our TypeScript fast.
//
// - Our code is bundled by esbuild into build/<name>.js (about 0.1 s), rebuilt only when a source
//   is newer than the bundle, so an edit costs little.
// - The packages it imports (cdk8s, cdk8s-plus-28, ...) are bundled once more into
//   build/<name>.deps-<key>.js, rebuilt only when the lockfile or the set of packages changes:
//   one file loads much faster than hundreds under node_modules.
// - Both run through vm.Script with a V8 code cache stored beside them (what Node 22's
//   module.enableCompileCache() does), so warm runs skip compiling them.
// A synth then costs about 0.2 s instead of ts-node's 2.4 s (tooling.md §6; figures in README).
// Types are checked by `npm test`, not here.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const root = path.resolve(__dirname, '..');
const buildDir = path.join(root, 'build');
const SOURCE_DIRS = ['lib', 'charts', 'config', 'imports'];
const ESBUILD_OPTIONS = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error', write: false };

/** Newest modification time of main.ts, the .ts files under SOURCE_DIRS and the given extra files. */
function newestSourceMtime(extraFiles = []) {
  let newest = Math.max(...[path.join(root, 'main.ts'), __filename, ...extraFiles].map((f) => fs.statSync(f).mtimeMs));
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

/** Written beside the target and renamed into place, so a concurrent run never reads half a file. */
function writeAtomically(file, contents) {
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, contents);
  fs.renameSync(partial, file);
}

/** Runs a CommonJS file with a V8 code cache beside it (`<file>.v8-cache`), written on first use. */
function runWithCodeCache(file, requireFn) {
  const cacheFile = `${file}.v8-cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const mod = { exports: {}, filename: file, id: file };
  script.runInThisContext().call(mod.exports, mod.exports, requireFn, mod, file, path.dirname(file));
  if (cachedData === undefined || script.cachedDataRejected) {
    // After the run, when the cache also covers the functions that ran.
    process.once('exit', () => {
      try {
        writeAtomically(cacheFile, script.createCachedData());
      } catch {
        // The cache is an optimisation only.
      }
    });
  }
  return mod.exports;
}

/** Bundles our code; returns the package names it imports (kept external). */
function buildOwnBundle(name, entry, bundle) {
  const result = require('esbuild').buildSync({
    ...ESBUILD_OPTIONS,
    stdin: { contents: entry, resolveDir: root, loader: 'ts', sourcefile: `${name}-entry.ts` },
    packages: 'external',
    sourcemap: 'inline',
    outfile: bundle,
    metafile: true,
  });
  const packages = new Set();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.external && !Module.isBuiltin(imported.path) && !/^[./]/.test(imported.path)) packages.add(imported.path);
    }
  }
  fs.mkdirSync(buildDir, { recursive: true });
  writeAtomically(`${bundle}.packages.json`, JSON.stringify([...packages].sort()));
  writeAtomically(bundle, result.outputFiles[0].contents);
}

/** The bundle of the given packages, keyed by their names and the lockfile (so `npm ci` rebuilds it). */
function dependencyBundle(name, packages) {
  const lock = path.join(root, 'package-lock.json');
  const key = crypto.createHash('sha1')
    .update(JSON.stringify(packages))
    .update(fs.existsSync(lock) ? fs.readFileSync(lock) : '')
    .digest('hex')
    .slice(0, 12);
  const file = path.join(buildDir, `${name}.deps-${key}.js`);
  if (!fs.existsSync(file)) {
    const contents = `module.exports = {\n${packages.map((p) => `  ${JSON.stringify(p)}: require(${JSON.stringify(p)}),`).join('\n')}\n};\n`;
    const result = require('esbuild').buildSync({
      ...ESBUILD_OPTIONS,
      stdin: { contents, resolveDir: root, loader: 'js', sourcefile: `${name}-deps.js` },
      outfile: file,
    });
    fs.mkdirSync(buildDir, { recursive: true });
    writeAtomically(file, result.outputFiles[0].contents);
    // Bundles of earlier lockfiles are never loaded again.
    for (const old of fs.readdirSync(buildDir)) {
      if (old.startsWith(`${name}.deps-`) && !old.startsWith(path.basename(file))) fs.rmSync(path.join(buildDir, old), { force: true });
    }
  }
  return file;
}

/**
 * Loads build/<name>.js, rebuilding it first when stale. `entry` is TypeScript source text whose
 * imports are relative to the repository root.
 */
function loadBundle(name, entry, extraSources = []) {
  const bundle = path.join(buildDir, `${name}.js`);
  const packagesFile = `${bundle}.packages.json`;
  const fresh = fs.existsSync(bundle) && fs.existsSync(packagesFile) && fs.statSync(bundle).mtimeMs >= newestSourceMtime(extraSources);
  if (!fresh) buildOwnBundle(name, entry, bundle);
  const packages = JSON.parse(fs.readFileSync(packagesFile, 'utf8'));
  const nodeRequire = Module.createRequire(bundle);
  const deps = runWithCodeCache(dependencyBundle(name, packages), nodeRequire);
  return runWithCodeCache(bundle, (id) => (Object.prototype.hasOwnProperty.call(deps, id) ? deps[id] : nodeRequire(id)));
}

module.exports = { loadBundle, root };
