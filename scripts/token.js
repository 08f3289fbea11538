#!/usr/bin/env node
// `npm run -s token`: prints a fresh client token for Secret `nats-auth` (256 random bits, in a shape
// nats-server always reads as a string), and nothing else on stdout.
// `npm run -s token -- --check`: reads a token on stdin and says whether nats-server accepts it as
// $NATS_TOKEN, without ever printing it. Exit 0 accepted, 1 refused, 2 usage error.
// The rule and its sources: lib/config/nats-token.ts.
'use strict';
const fs = require('fs');
const { loadBundle } = require('./bundle');

const USAGE = `usage: npm run -s token                 print a new token (only the token, on stdout)
       npm run -s token -- --check      read a token on stdin; exit 0 if nats-server accepts it, 1 if not
  e.g. kubectl -n overmind-prod get secret nats-auth -o jsonpath='{.data.token}' | base64 -d \\
         | npm run -s token -- --check`;

function loadTokenRule() {
  return loadBundle('token', "export { checkNatsToken, generateNatsToken } from './lib/config/nats-token';", [
    __filename,
  ]);
}

function check() {
  if (process.stdin.isTTY) console.error('Reading the token from stdin (it is not echoed back); end with Ctrl-D.');
  const token = fs.readFileSync(0, 'utf8');
  const verdict = loadTokenRule().checkNatsToken(token);
  const out = verdict.accepted ? console.log : console.error;
  out(`${verdict.accepted ? 'ok' : 'refused'}: ${verdict.reason}`);
  for (const note of verdict.notes) out(`note: ${note}`);
  return verdict.accepted ? 0 : 1;
}

function run(argv) {
  if (argv.length === 0) {
    process.stdout.write(`${loadTokenRule().generateNatsToken()}\n`);
    return 0;
  }
  if (argv.length === 1 && argv[0] === '--check') return check();
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    console.log(USAGE);
    return 0;
  }
  console.error(`unknown arguments: ${argv.join(' ')}\n${USAGE}`);
  return 2;
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (err) {
  console.error(`token: ${err.message}`);
  process.exitCode = 2;
}
