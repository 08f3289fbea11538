// imports/ must be exactly what `npm run import` produces from the pinned CRDs (kube-prometheus style drift
// check). dist/ has its own, single check: `npm run check` (scripts/check.js), run by `npm test`.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeWithShared, REPO_ROOT } from './support/shared';

function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return files;
}

function differences(committed: Map<string, string>, fresh: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [file, content] of fresh) {
    if (!committed.has(file)) out.push(`missing from the repo: ${file}`);
    else if (committed.get(file) !== content) out.push(`differs: ${file}`);
  }
  for (const file of committed.keys()) if (!fresh.has(file)) out.push(`stale (no longer synthesized): ${file}`);
  return out;
}

describeWithShared([
  'crds/nack-crds.yaml',
  'crds/keda-crds.yaml',
  'crds/prometheus-operator-crds.yaml',
  'crds/argocd-crds.yaml',
])('imports/', () => {
  test('equals a fresh `npm run import` from the pinned CRDs (never hand-edited)', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-imports-'));
    try {
      execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/import.js')], {
        env: { ...process.env, OVERMIND_IMPORTS_OUT: scratch },
        stdio: 'pipe',
      });
      expect(differences(readTree(path.join(REPO_ROOT, 'imports')), readTree(scratch))).toEqual([]);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }, 60_000);
});
