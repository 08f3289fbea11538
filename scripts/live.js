#!/usr/bin/env node
// `npm run status|adopt|doctor -- --env <name> [--json]`: the live commands (tools/live/), which join what
// dist/<env> declares with what the running NATS server holds. Each module tools/live/<command>-command.ts
// exports `run(argv, distDir)`, resolving to the exit code: 0 all is well, 1 found something, 2 could not run.
'use strict';
const path = require('path');
const { loadBundle, root } = require('./bundle');

const COMMANDS = ['status', 'adopt', 'doctor'];

async function main() {
  const [command, ...argv] = process.argv.slice(2);
  if (!COMMANDS.includes(command)) {
    console.error(`usage: node scripts/live.js <${COMMANDS.join('|')}> --env <name> [--json]`);
    return 2;
  }
  const entry = `export { run } from './tools/live/${command}-command';`;
  const { run } = loadBundle(`live-${command}`, entry, [__filename]);
  return run(argv, process.env.OVERMIND_DIST_DIR || path.join(root, 'dist'));
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`internal error (please report): ${err && err.stack ? err.stack : err}`);
    process.exitCode = 2;
  },
);
