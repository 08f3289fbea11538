#!/usr/bin/env node
// `npm run check [-- --dist <dir>]`: synthesizes every environment into a temporary folder with
// the same code as `npm run synth` and fails, listing the files, when dist/ differs from it.
// Exit codes: 0 up to date, 1 drift, 2 the synth itself failed.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { loadTools, root, synthFailure } = require('./tools-bundle');

function parseArgs(argv) {
  const args = { dist: path.join(root, 'dist') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dist' && argv[i + 1]) args.dist = path.resolve(argv[++i]);
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log('usage: npm run check [-- --dist <dir>]   (compares <dir>, default dist/, with a fresh synth)');
      process.exit(0);
    } else {
      console.error(`check: unknown argument ${argv[i]}`);
      process.exit(2);
    }
  }
  return args;
}

function run() {
  const args = parseArgs(process.argv.slice(2));
  process.chdir(root);
  const tools = loadTools();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-check-'));
  try {
    const fresh = path.join(scratch, 'dist');
    try {
      tools.main(fresh);
    } catch (err) {
      console.error(`check: synth failed, so dist/ cannot be checked:\n${synthFailure(err)}`);
      return 2;
    }
    const diffs = tools.compareDist(tools.readDistFolder(fresh), tools.readDistFolder(args.dist));
    const label = `${path.relative(root, args.dist) || '.'}/`;
    const report = tools.formatDriftReport(diffs, label);
    if (report) {
      console.error(report);
      return 1;
    }
    console.error(`check: ${label} is up to date (${tools.readDistFolder(fresh).length} files match a fresh synth)`);
    return 0;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

process.exitCode = run();
