// `npm run check` end to end: scripts/check.js synthesizes with the same code as `npm run synth`
// into a temp folder and compares it with a dist/ folder.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ENVIRONMENTS } from '../../config';
import { main } from '../../main';
import { REPO_ROOT } from '../support/shared';

const check = (dist: string) =>
  spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'check.js'), '--dist', dist], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60000,
  });

describe('scripts/check.js', () => {
  let scratch: string;
  let dist: string;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-checkjs-'));
    dist = path.join(scratch, 'dist');
    main(dist, ENVIRONMENTS);
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test('passes when the folder is exactly a fresh synth', () => {
    const result = check(dist);
    expect(result.stderr).toMatch(/is up to date \(\d+ files match a fresh synth\)/);
    expect(result.status).toBe(0);
  });

  test('fails with a readable list and a diff excerpt when dist/ drifted from the code', () => {
    const stream = path.join(dist, 'prod', 'manifests', '20-stream-llm-requests.yaml');
    fs.writeFileSync(stream, fs.readFileSync(stream, 'utf8').replace('maxAge: 24h', 'maxAge: 48h'));
    fs.writeFileSync(path.join(dist, 'prod', 'manifests', '99-configmap-hand-written.yaml'), 'kind: ConfigMap\n');
    fs.rmSync(path.join(dist, 'dev', 'argocd', '00-appproject-overmind-dev.yaml'));
    const result = check(dist);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('(3 files):');
    expect(result.stderr).toContain('changed  prod/manifests/20-stream-llm-requests.yaml');
    expect(result.stderr).toContain('stale    prod/manifests/99-configmap-hand-written.yaml');
    expect(result.stderr).toContain('missing  dev/argocd/00-appproject-overmind-dev.yaml');
    expect(result.stderr).toContain('-  maxAge: 48h\n+  maxAge: 24h');
    expect(result.stderr).toContain('npm run synth');
  });
});
