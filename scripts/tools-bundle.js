// Loads the TypeScript that `npm run check` and `npm run plan` need (synthesize/main from
// main.ts, lib/plan*, lib/dist-check), bundled by esbuild into build/tools.js the way
// scripts/synth.js bundles main.ts: rebuilt only when a source is newer, about 0.1 s.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'build', 'tools.js');
const SOURCE_DIRS = ['lib', 'charts', 'config', 'imports'];

const ENTRY = `
export { main, synthesize, synthOptionsFromEnvironment } from './main';
export { planChanges, unacknowledgedBlocking, parseAcknowledgements, resourceId } from './lib/plan';
export { renderPlanMarkdown } from './lib/plan-markdown';
export { resourcesFromDistFiles, distFilesAtRef, defaultBaseRef } from './lib/plan-sources';
export { compareDist, formatDriftReport, readDistFolder } from './lib/dist-check';
`;

function newestSourceMtime() {
  let newest = Math.max(fs.statSync(path.join(root, 'main.ts')).mtimeMs, fs.statSync(__filename).mtimeMs);
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'vendor') walk(full);
      } else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return newest;
}

/** The bundled module (built first when stale). Written to a temp file and renamed, so parallel runs never read half a bundle. */
function loadTools() {
  const fresh = fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= newestSourceMtime();
  if (!fresh) {
    const result = require('esbuild').buildSync({
      stdin: { contents: ENTRY, resolveDir: root, loader: 'ts', sourcefile: 'tools-entry.ts' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'error',
      write: false,
      outfile: bundle,
    });
    fs.mkdirSync(path.dirname(bundle), { recursive: true });
    const tmp = `${bundle}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, result.outputFiles[0].contents);
    fs.renameSync(tmp, bundle);
  }
  return require(bundle);
}

module.exports = { loadTools, root };
