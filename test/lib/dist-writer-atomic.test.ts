// Synth is atomic: a failing synth or validation leaves the previous dist/ byte-for-byte intact
// (tools/dist/dist-writer.ts renders everything in memory, then swaps folders by rename).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ENVIRONMENTS } from '../../config';
import { prod } from '../../config/prod';
import { readDistFolder } from '../../tools/dist/dist-check';
import { writeDistAtomically } from '../../tools/dist/dist-writer';
import { main } from '../../main';
import { REPO_ROOT } from '../support/shared';

/** Every file's bytes (base64: exact, and fast for jest to compare), keyed by path. */
function snapshotBytes(dir: string): Record<string, string> {
  return Object.fromEntries(
    readDistFolder(dir).map((f) => [f.path, fs.readFileSync(path.join(dir, f.path)).toString('base64')]),
  );
}

describe('atomic synth', () => {
  let scratch: string;
  let dist: string;
  let before: Record<string, string>;

  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-atomic-'));
    dist = path.join(scratch, 'dist');
    main(dist, ENVIRONMENTS);
    before = snapshotBytes(dist);
    expect(Object.keys(before).length).toBeGreaterThan(20);
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  const expectUntouched = () => {
    expect(snapshotBytes(dist)).toEqual(before);
    expect(fs.readdirSync(scratch)).toEqual(['dist']); // no staging folder left behind
  };

  test('fails on a bad config (nats.replicas: 2) and leaves the previous dist/ byte-for-byte intact', () => {
    const bad = { ...prod, nats: { ...prod.nats, replicas: 2 } };
    expect(() => main(dist, [...ENVIRONMENTS.filter((e) => e.name !== 'prod'), bad])).toThrow(
      /field "nats\.replicas" has invalid value 2/,
    );
    expectUntouched();
  });

  test('fails when writing breaks half-way (a file where a folder must go) and leaves dist/ intact', () => {
    const files = [
      { path: 'prod/manifests', content: 'a file' },
      { path: 'prod/manifests/x.yaml', content: 'x' },
    ];
    expect(() => writeDistAtomically(dist, files)).toThrow(/EEXIST|ENOTDIR/);
    expectUntouched();
  });

  test('npm run synth (scripts/synth.js) exits 1, says so, and leaves dist/ intact', () => {
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'synth.js')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60000,
      // A chart folder that does not exist: synth must stop before writing anything.
      env: { ...process.env, OVERMIND_DIST: dist, OVERMIND_NATS_CHART: path.join(scratch, 'no-such-chart') },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /synth failed, dist\/ left unchanged:[\s\S]*OVERMIND_NATS_CHART=.*no-such-chart: no Chart\.yaml/,
    );
    expectUntouched();
  });

  test('a successful synth replaces dist/ exactly (stale files go)', () => {
    fs.writeFileSync(path.join(dist, 'prod', 'manifests', '99-stale.yaml'), 'stale');
    main(dist, ENVIRONMENTS);
    expect(snapshotBytes(dist)).toEqual(before);
  });
});
