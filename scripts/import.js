#!/usr/bin/env node
// Regenerates imports/ from the pinned CRDs named in cdk8s.yaml. The only way to import: `npm run import`.
//
// Every CRD comes from a local copy when one exists ($OVERMIND_CRDS_DIR, default ../shared/crds: the
// same tagged files, concatenated) and from its pinned URL otherwise. Only the CRDs we emit are kept,
// so imports/ stays small (KEDA's ScaledJob CRD alone is 667 KB and would slow every compile).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const yaml = require('js-yaml');

const root = path.resolve(__dirname, '..');
const crdsDir = path.resolve(
  root,
  process.env.OVERMIND_CRDS_DIR || path.join(process.env.OVERMIND_SHARED_DIR || '../shared', 'crds'),
);

/** Module name (imports/<module>.ts) -> the CRDs it holds, with the local bundle they are read from. */
const MODULES = {
  'jetstream.nats.io': {
    bundle: 'nack-crds.yaml',
    crds: ['streams.jetstream.nats.io', 'consumers.jetstream.nats.io', 'accounts.jetstream.nats.io'],
  },
  'keda.sh': { bundle: 'keda-crds.yaml', crds: ['scaledobjects.keda.sh'] },
  'monitoring.coreos.com': {
    bundle: 'prometheus-operator-crds.yaml',
    crds: ['servicemonitors.monitoring.coreos.com', 'prometheusrules.monitoring.coreos.com'],
  },
  'argoproj.io': { bundle: 'argocd-crds.yaml', crds: ['applications.argoproj.io', 'appprojects.argoproj.io'] },
};

async function loadDocuments(bundle) {
  const local = path.join(crdsDir, bundle);
  if (fs.existsSync(local)) return yaml.loadAll(fs.readFileSync(local, 'utf8')).filter(Boolean);
  // No local copy: download every pinned URL of cdk8s.yaml (network needed).
  const config = yaml.load(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8'));
  console.error(`import: ${local} not found; downloading the pinned URLs in cdk8s.yaml`);
  const docs = [];
  for (const url of config.imports) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`import: GET ${url} answered ${res.status}`);
    docs.push(...yaml.loadAll(await res.text()).filter(Boolean));
  }
  return docs;
}

async function main() {
  // OVERMIND_IMPORTS_OUT lets the drift test import into a scratch folder and compare.
  const outDir = path.resolve(root, process.env.OVERMIND_IMPORTS_OUT || 'imports');
  fs.rmSync(outDir, { recursive: true, force: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-import-'));
  try {
    for (const [moduleName, { bundle, crds }] of Object.entries(MODULES)) {
      const docs = await loadDocuments(bundle);
      const kept = crds.map((name) => {
        const doc = docs.find((d) => d.kind === 'CustomResourceDefinition' && d.metadata.name === name);
        if (!doc) throw new Error(`import: CRD ${name} not found in ${bundle}`);
        return doc;
      });
      const file = path.join(scratch, `${moduleName}.yaml`);
      fs.writeFileSync(file, kept.map((d) => yaml.dump(d, { noRefs: true })).join('---\n'));
      execFileSync(
        path.join(root, 'node_modules/.bin/cdk8s'),
        ['import', file, '--language', 'typescript', '--output', outDir, '--no-save', '--no-check-upgrade'],
        { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      console.log(`${path.relative(root, outDir)}/${moduleName}.ts <- ${crds.join(', ')}`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
