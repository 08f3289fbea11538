import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compareDist, formatDriftReport, readDistFolder, unifiedExcerpt } from '../../tools/dist/dist-check';

describe('compareDist', () => {
  test('missing, stale and changed files, sorted; identical trees have no difference', () => {
    const synth = [
      { path: 'a.yaml', content: 'x\n' },
      { path: 'b.yaml', content: 'one\ntwo\n' },
      { path: 'c.yaml', content: 'new\n' },
    ];
    const disk = [
      { path: 'a.yaml', content: 'x\n' },
      { path: 'b.yaml', content: 'one\nTWO\n' },
      { path: 'z.yaml', content: 'old\n' },
    ];
    expect(compareDist(synth, disk)).toEqual([
      { path: 'b.yaml', kind: 'changed', excerpt: ['@@', ' one', '-TWO', '+two', ' '] },
      { path: 'c.yaml', kind: 'missing' },
      { path: 'z.yaml', kind: 'stale' },
    ]);
    expect(compareDist(synth, synth)).toEqual([]);
    expect(formatDriftReport([])).toBeUndefined();
  });

  test('the report lists every file and says how to fix it', () => {
    const report = formatDriftReport(
      compareDist(
        [{ path: 'prod/manifests/s.yaml', content: 'maxAge: 24h\n' }],
        [{ path: 'prod/manifests/s.yaml', content: 'maxAge: 168h\n' }],
      ),
    )!;
    expect(report).toContain('check: dist/ differs from what the code synthesizes (1 file):');
    expect(report).toContain('  changed  prod/manifests/s.yaml');
    expect(report).toContain('-maxAge: 168h\n+maxAge: 24h');
    expect(report).toContain('run `npm run synth` and commit dist/');
  });
});

describe('unifiedExcerpt', () => {
  test('shows one line of context around each change and cuts long diffs', () => {
    const before = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 10', 'LINE 10').replace('line 40', 'LINE 40');
    expect(unifiedExcerpt(before, after)).toEqual([
      '@@',
      ' line 9',
      '-line 10',
      '+LINE 10',
      ' line 11',
      '@@',
      ' line 39',
      '-line 40',
      '+LINE 40',
      ' line 41',
    ]);
    const many = before
      .split('\n')
      .map((l) => l.toUpperCase())
      .join('\n');
    const cut = unifiedExcerpt(before, many, 6);
    expect(cut).toHaveLength(7);
    expect(cut[6]).toBe('…');
  });
});

describe('readDistFolder', () => {
  test('every file, recursively, with forward-slash paths; a missing folder is empty', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-distcheck-'));
    try {
      fs.mkdirSync(path.join(dir, 'prod', 'argocd'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'prod', 'argocd', 'a.yaml'), 'a');
      fs.writeFileSync(path.join(dir, 'top.yaml'), 't');
      expect(readDistFolder(dir)).toEqual([
        { path: 'prod/argocd/a.yaml', content: 'a' },
        { path: 'top.yaml', content: 't' },
      ]);
      expect(readDistFolder(path.join(dir, 'nope'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
