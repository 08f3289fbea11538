// Loads the TypeScript that `npm run check` and `npm run plan` need (synthesize/main from
// main.ts, tools/plan/plan*, tools/dist/dist-check), bundled into build/tools.js by scripts/bundle.js.
'use strict';
const { loadBundle, root, synthFailure } = require('./bundle');

const ENTRY = `
export { main, synthesize, synthOptionsFromEnvironment } from './main';
export { planChanges, unacknowledgedBlocking, parseAcknowledgements, resourceId } from './tools/plan/plan';
export { renderPlanMarkdown } from './tools/plan/plan-markdown';
export { resourcesFromDistFiles, distFilesAtRef, defaultBaseRef } from './tools/plan/plan-sources';
export { compareDist, formatDriftReport, readDistFolder } from './tools/dist/dist-check';
`;

function loadTools() {
  return loadBundle('tools', ENTRY, [__filename]);
}

module.exports = { loadTools, root, synthFailure };
