// Loads the TypeScript that `npm run check` and `npm run plan` need (synthesize/main from
// main.ts, lib/plan*, lib/dist-check), bundled into build/tools.js by scripts/bundle.js.
'use strict';
const { loadBundle, root } = require('./bundle');

const ENTRY = `
export { main, synthesize, synthOptionsFromEnvironment } from './main';
export { planChanges, unacknowledgedBlocking, parseAcknowledgements, resourceId } from './lib/plan';
export { renderPlanMarkdown } from './lib/plan-markdown';
export { resourcesFromDistFiles, distFilesAtRef, defaultBaseRef } from './lib/plan-sources';
export { compareDist, formatDriftReport, readDistFolder } from './lib/dist-check';
`;

function loadTools() {
  return loadBundle('tools', ENTRY, [__filename]);
}

module.exports = { loadTools, root };
