// Shared by scripts/synth.js and scripts/tools-bundle.js: loads our TypeScript fast, and never stale.
//
// - Our code is bundled by esbuild into build/<name>.js (about 0.1 s to build).
// - The packages it imports (cdk8s, cdk8s-plus-28, ...) are bundled once more into
//   build/<name>.deps.js: one file loads much faster than hundreds under node_modules.
// - Both run through vm.Script with a V8 code cache beside them (what Node 22's
//   module.enableCompileCache() does), so warm runs skip compiling them.
//
// Every cache is keyed by a SHA-256 of the exact bytes it stands for, never by names, sizes or
// modification times: a bundle by the contents of every file it was built from (the esbuild
// metafile's inputs, plus every source file that could become one), the code cache by the bytes of
// the script plus the Node and V8 versions and flags. V8 itself only checks a code cache against
// the source's length, so a same-length edit served through a name-keyed cache would run the old
// code (issue "never wrong in silence": lagThreshold 10 -> 20 stayed 10 in dist/).
// Types are checked by `npm test`, not here.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const root = path.resolve(__dirname, '..');
const buildDir = path.join(root, 'build');
/** Folders whose TypeScript/JSON can be part of a bundle; every file in them is in the key. */
const SOURCE_DIRS = ['lib', 'tools', 'charts', 'config', 'imports'];
/** Files outside those folders that change what esbuild produces. */
const ROOT_INPUTS = [
  'main.ts',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
];
/** Bumped when the layout of build/ or of a manifest changes. */
const CACHE_FORMAT = 'overmind-bundle-3';
const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'error',
  write: false,
  absWorkingDir: root,
};

function sha256(...parts) {
  const hash = crypto.createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** One hash over the names and bytes of `files` (a missing file hashes as missing, not as empty). */
function hashFiles(files) {
  const hash = crypto.createHash('sha256');
  for (const file of [...new Set(files)].sort()) {
    hash.update(`${path.relative(root, file)}\0`);
    const bytes = readIfPresent(file);
    hash.update(bytes === undefined ? '\0missing\0' : `${bytes.length}\0`);
    if (bytes !== undefined) hash.update(bytes);
  }
  return hash.digest('hex');
}

/** Every .ts and .json file under SOURCE_DIRS (charts/vendor holds a pulled Helm chart, no code). */
function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'vendor' && entry.name !== 'node_modules') walk(full);
      } else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) files.push(full);
    }
  };
  for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return files;
}

/** Written beside the target and renamed into place, so a concurrent run never reads half a file. */
function writeAtomically(file, contents) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, contents);
  fs.renameSync(partial, file);
}

/** The bytes of `file`; undefined when it cannot be read (a missing file, most often). */
function readIfPresent(file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The files an esbuild result read, as absolute paths: package files or our own (stdin excluded). */
function inputsOf(metafile, { packages, stdinName }) {
  return Object.keys(metafile.inputs)
    .filter((input) => input !== stdinName && !input.startsWith('<') && packages === input.includes('node_modules/'))
    .map((input) => path.resolve(root, input));
}

/** What the code cache of a script depends on besides its bytes. */
function runtimeKey() {
  return [
    process.version,
    process.versions.v8,
    process.arch,
    process.execArgv.join(' '),
    process.env.NODE_OPTIONS ?? '',
  ].join('\0');
}

/**
 * Runs a CommonJS file with a V8 code cache keyed by the SHA-256 of its bytes and the runtime
 * (`<file>.<hash>.v8-cache`), written after the first run. Older caches of the file are removed.
 */
function runWithCodeCache(file, source, sourceSha256, requireFn) {
  const key = sha256(CACHE_FORMAT, '\0', runtimeKey(), '\0', sourceSha256).slice(0, 32);
  const cacheFile = `${file}.${key}.v8-cache`;
  const cachedData = readIfPresent(cacheFile);
  const script = new vm.Script(Module.wrap(source.toString('utf8')), { filename: file, cachedData });
  const mod = { exports: {}, filename: file, id: file };
  script.runInThisContext().call(mod.exports, mod.exports, requireFn, mod, file, path.dirname(file));
  if (cachedData === undefined || script.cachedDataRejected) {
    // After the run, when the cache also covers the functions that ran.
    process.once('exit', () => {
      try {
        writeAtomically(cacheFile, script.createCachedData());
        const prefix = `${path.basename(file)}.`;
        for (const old of fs.readdirSync(path.dirname(file))) {
          if (old.startsWith(prefix) && old.endsWith('.v8-cache') && old !== path.basename(cacheFile)) {
            fs.rmSync(path.join(path.dirname(file), old), { force: true });
          }
        }
      } catch {
        // The cache is an optimisation only; a failed write means the next run compiles again.
      }
    });
  }
  return mod.exports;
}

/**
 * A bundle that is rebuilt unless its manifest's key equals the hash of the inputs it was built
 * from now. `candidates(manifest)` lists the files whose bytes make the key; `build()` returns
 * `{ contents, inputs, extra }` where `inputs` are the files the build actually read.
 */
function cachedBundle(file, candidates, build) {
  const manifestFile = `${file}.manifest.json`;
  const manifest = readJson(manifestFile);
  if (manifest && manifest.format === CACHE_FORMAT && fs.existsSync(file)) {
    const key = hashFiles(candidates(manifest));
    const source = fs.readFileSync(file);
    if (key === manifest.key && sha256(source) === manifest.bundleSha256) return { source, manifest };
  }
  const built = build();
  const fresh = { format: CACHE_FORMAT, inputs: built.inputs.map((f) => path.relative(root, f)), ...built.extra };
  fresh.key = hashFiles(candidates(fresh));
  const source = Buffer.from(built.contents);
  fresh.bundleSha256 = sha256(source);
  writeAtomically(file, source);
  writeAtomically(manifestFile, JSON.stringify(fresh, null, 1));
  return { source, manifest: fresh };
}

const fromRoot = (files) => files.map((f) => path.resolve(root, f));

/** Our code: keyed by every source file, the files outside SOURCE_DIRS it read, the entry and this script. */
function ownBundle(name, entry, extraSources) {
  const file = path.join(buildDir, `${name}.js`);
  const fixed = [...sourceFiles(), ...fromRoot(ROOT_INPUTS), __filename, ...extraSources];
  const entryFile = path.join(buildDir, `${name}.entry.ts`);
  // The entry text is part of the key through this small file (esbuild's version through the lockfiles).
  writeIfChanged(entryFile, `// ${CACHE_FORMAT}\n${entry}`);
  return cachedBundle(
    file,
    (m) => [...fixed, entryFile, ...fromRoot(m.inputs)],
    () => {
      const stdinName = `${name}-entry.ts`;
      const result = require('esbuild').buildSync({
        ...ESBUILD_OPTIONS,
        stdin: { contents: entry, resolveDir: root, loader: 'ts', sourcefile: stdinName },
        packages: 'external',
        sourcemap: 'inline',
        outfile: file,
        metafile: true,
      });
      const packages = new Set();
      for (const input of Object.values(result.metafile.inputs)) {
        for (const imported of input.imports) {
          if (imported.external && !Module.isBuiltin(imported.path) && !/^[./]/.test(imported.path))
            packages.add(imported.path);
        }
      }
      return {
        contents: result.outputFiles[0].contents,
        inputs: inputsOf(result.metafile, { packages: false, stdinName }),
        extra: { packages: [...packages].sort() },
      };
    },
  );
}

/**
 * The packages our code imports, bundled: keyed by every module file esbuild read from node_modules and the lockfiles.
 */
function dependencyBundle(name, packages) {
  const file = path.join(buildDir, `${name}.deps.js`);
  const listFile = path.join(buildDir, `${name}.deps.entry.js`);
  const contents =
    `// ${CACHE_FORMAT}\nmodule.exports = {\n` +
    `${packages.map((p) => `  ${JSON.stringify(p)}: require(${JSON.stringify(p)}),`).join('\n')}\n};\n`;
  writeIfChanged(listFile, contents);
  const fixed = [listFile, __filename, ...fromRoot(ROOT_INPUTS)];
  return cachedBundle(
    file,
    (m) => [...fixed, ...fromRoot(m.inputs)],
    () => {
      const result = require('esbuild').buildSync({
        ...ESBUILD_OPTIONS,
        entryPoints: [listFile],
        outfile: file,
        metafile: true,
      });
      return { contents: result.outputFiles[0].contents, inputs: inputsOf(result.metafile, { packages: true }) };
    },
  );
}

function writeIfChanged(file, contents) {
  if (readIfPresent(file)?.toString('utf8') !== contents) writeAtomically(file, contents);
}

/**
 * Loads build/<name>.js, rebuilding it first unless it was built from exactly the files present
 * now. `entry` is TypeScript source text whose imports are relative to the repository root;
 * `extraSources` are further files whose bytes must be part of the key.
 */
function loadBundle(name, entry, extraSources = []) {
  const own = ownBundle(name, entry, extraSources);
  const deps = dependencyBundle(name, own.manifest.packages);
  const bundleFile = path.join(buildDir, `${name}.js`);
  const nodeRequire = Module.createRequire(bundleFile);
  const depsFile = path.join(buildDir, `${name}.deps.js`);
  const depsExports = runWithCodeCache(depsFile, deps.source, deps.manifest.bundleSha256, nodeRequire);
  const requireFn = (id) => (Object.prototype.hasOwnProperty.call(depsExports, id) ? depsExports[id] : nodeRequire(id));
  return runWithCodeCache(bundleFile, own.source, own.manifest.bundleSha256, requireFn);
}

/** What a failed synth says: config mistakes are already actionable sentences (a stack would hide them). */
function synthFailure(err) {
  return err && err.name === 'ConfigError' ? err.message : (err && err.stack) || String(err);
}

module.exports = { loadBundle, root, hashFiles, synthFailure };
