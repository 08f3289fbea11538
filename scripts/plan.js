#!/usr/bin/env node
// `npm run plan [-- --base <git ref>] [--env <name>]... [--allow <env>/<Kind>/<name>]... [--out <file>]`
//
// Compares the dist/ committed at a git ref (default origin/main, else HEAD) with a fresh
// in-memory synth of the working tree, resource by resource, and prints a Markdown summary fit for
// a pull-request comment. Fails (exit 1) on changes nats-server, NACK or Kubernetes would refuse,
// that lose data, or that would not be applied (tools/plan/plan-rules.ts), unless
// plan-acknowledgements.yaml lists them with a reason: the
// acknowledgement is committed, so the reviewer sees it in the same diff. `--allow` does the same
// for a local run only. Exit codes: 0 fine, 1 unacknowledged findings, 2 error.
'use strict';
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');
const { loadTools, root, synthFailure } = require('./tools-bundle');

const USAGE = `usage: npm run plan -- [--base <git ref>] [--env <name>]... [--allow <env>/<Kind>/<name>[:<rule>]]...
                      [--acknowledgements <file>] [--out <file>]
  --base               git ref whose dist/ is the "before" (default: origin/main if present, else HEAD)
  --env                only these environments (repeatable)
  --allow              accept a destructive change for this run only (CI uses the committed file)
  --acknowledgements   file of reviewed destructive changes (default: plan-acknowledgements.yaml)
  --out                also write the Markdown to this file (e.g. for a PR comment step)`;

function parseArgs(argv) {
  const args = {
    base: undefined,
    envs: [],
    allow: [],
    acks: path.join(root, 'plan-acknowledgements.yaml'),
    out: undefined,
  };
  const value = (i, flag) => {
    if (argv[i + 1] === undefined) throw new Error(`${flag} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--base') args.base = value(i++, flag);
    else if (flag === '--env') args.envs.push(value(i++, flag));
    else if (flag === '--allow') args.allow.push(value(i++, flag));
    else if (flag === '--acknowledgements') args.acks = path.resolve(value(i++, flag));
    else if (flag === '--out') args.out = path.resolve(value(i++, flag));
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${flag}\n${USAGE}`);
  }
  return args;
}

function readAcknowledgements(tools, file, allow) {
  const fromFile = fs.existsSync(file)
    ? tools.parseAcknowledgements(yaml.load(fs.readFileSync(file, 'utf8')), path.relative(root, file))
    : [];
  const fromFlags = allow.map((spec) => {
    const [resource, rule] = spec.split(':');
    return tools.parseAcknowledgements(
      { acknowledgements: [{ resource, rule, reason: 'allowed with --allow on the command line' }] },
      '--allow',
    )[0];
  });
  return [...fromFile, ...fromFlags];
}

function run() {
  const args = parseArgs(process.argv.slice(2));
  process.chdir(root);
  const tools = loadTools();
  const base = args.base ?? tools.defaultBaseRef(root);
  const keep = (r) => args.envs.length === 0 || args.envs.includes(r.env);

  const beforeFiles = tools.distFilesAtRef(base, root);
  let afterFiles;
  try {
    afterFiles = tools.synthesize();
  } catch (err) {
    throw new Error(`synth failed, nothing to compare:\n${synthFailure(err)}`);
  }
  const before = tools.resourcesFromDistFiles(beforeFiles).filter(keep);
  const after = tools.resourcesFromDistFiles(afterFiles).filter(keep);
  const acknowledgements = readAcknowledgements(tools, args.acks, args.allow);
  const plan = tools.planChanges(before, after, acknowledgements);

  const short = require('child_process')
    .spawnSync('git', ['rev-parse', '--short', base], { cwd: root, encoding: 'utf8' })
    .stdout.trim();
  const markdown = tools.renderPlanMarkdown(plan, {
    base: `\`${base}\`${short ? ` (${short})` : ''}`,
    head: 'the working tree (fresh synth)',
    acknowledgementsFile: path.relative(root, args.acks),
  });
  process.stdout.write(markdown);
  if (args.out) fs.writeFileSync(args.out, markdown);

  const blocking = tools.unacknowledgedBlocking(plan);
  if (blocking.length > 0) {
    console.error(
      `plan: ${blocking.length} refused, destructive or unapplied change(s) not acknowledged: ` +
        blocking.map((f) => `${f.resource} (${f.rule})`).join(', '),
    );
    return 1;
  }
  return 0;
}

try {
  process.exitCode = run();
} catch (err) {
  console.error(`plan failed: ${err.message}`);
  process.exitCode = 2;
}
