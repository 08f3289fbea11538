// `npm run plan` end to end against this repository's git history (read-only). The rules
// themselves are tested on config copies in test/lib/plan-rules.test.ts.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../support/shared';

const plan = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'plan.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60000,
  });

describe('scripts/plan.js', () => {
  test('prints a Markdown plan against a git ref, and writes it to --out', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-planjs-')), 'plan.md');
    try {
      const result = plan('--base', 'HEAD', '--out', out);
      // 1 only if HEAD..working tree holds an unacknowledged destructive change
      expect([0, 1]).toContain(result.status);
      expect(result.stdout).toMatch(
        /^## overmind-nats plan\n\nComparing `HEAD` \([0-9a-f]+\) with the working tree \(fresh synth\)\./,
      );
      expect(fs.readFileSync(out, 'utf8')).toBe(result.stdout);
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });

  test('fails (exit 2) when the base ref does not exist, saying how to fix it', () => {
    const result = plan('--base', 'no-such-ref-overmind');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/"no-such-ref-overmind" is not a commit here/);
  });

  test('fails (exit 2) on an unknown argument and on a malformed --allow', () => {
    expect(plan('--bogus').status).toBe(2);
    const allow = plan('--base', 'HEAD', '--allow', 'Stream-without-env');
    expect(allow.status).toBe(2);
    expect(allow.stderr).toMatch(/resource must be "<env>\/<Kind>\/<name>"/);
  });
});
