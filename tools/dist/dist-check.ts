// `npm run check`: is the committed dist/ exactly what the code synthesizes? (style.md §3: the
// generated output is committed and CI fails on any drift.) Pure comparison plus a reader.
import * as fs from 'fs';
import * as path from 'path';
import type { DistFile } from './dist-writer';

export interface DistDifference {
  readonly path: string;
  /** missing: synth writes it, dist/ lacks it; stale: dist/ has it, synth does not write it. */
  readonly kind: 'missing' | 'stale' | 'changed';
  /** Unified-diff lines (dist/ → synth) for changed files. */
  readonly excerpt?: readonly string[];
}

/** Every file under `dir` (recursively), paths relative to it with forward slashes. */
export function readDistFolder(dir: string): DistFile[] {
  const files: DistFile[] = [];
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else files.push({ path: rel, content: fs.readFileSync(path.join(dir, rel), 'utf8') });
    }
  };
  if (fs.existsSync(dir)) walk('');
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Differences between what synth writes (`synthesized`) and what is on disk (`onDisk`). */
export function compareDist(
  synthesized: readonly DistFile[],
  onDisk: readonly DistFile[],
  excerptLines = 16,
): DistDifference[] {
  const want = new Map(synthesized.map((f) => [f.path, f.content]));
  const have = new Map(onDisk.map((f) => [f.path, f.content]));
  const out: DistDifference[] = [];
  for (const [p, content] of want) {
    const current = have.get(p);
    if (current === undefined) out.push({ path: p, kind: 'missing' });
    else if (current !== content)
      out.push({ path: p, kind: 'changed', excerpt: unifiedExcerpt(current, content, excerptLines) });
  }
  for (const p of have.keys()) if (!want.has(p)) out.push({ path: p, kind: 'stale' });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A readable report, or undefined when there is no drift. */
export function formatDriftReport(diffs: readonly DistDifference[], distLabel = 'dist/'): string | undefined {
  if (diffs.length === 0) return undefined;
  const label = { missing: 'missing', stale: 'stale  ', changed: 'changed' } as const;
  const why = {
    missing: '(synth writes it; not in dist/)',
    stale: '(in dist/; synth no longer writes it)',
    changed: '',
  } as const;
  const lines = [
    `check: ${distLabel} differs from what the code synthesizes (${diffs.length} ` +
      `file${diffs.length === 1 ? '' : 's'}):`,
  ];
  for (const d of diffs) lines.push(`  ${label[d.kind]}  ${d.path} ${why[d.kind]}`.trimEnd());
  const changed = diffs.filter((d) => d.excerpt && d.excerpt.length > 0).slice(0, 5);
  for (const d of changed) lines.push('', `--- ${distLabel}${d.path}`, `+++ synth`, ...d.excerpt!);
  if (diffs.filter((d) => d.kind === 'changed').length > changed.length) lines.push('', '(further diffs left out)');
  lines.push('', 'Fix: run `npm run synth` and commit dist/ together with the code change.');
  return lines.join('\n');
}

/**
 * The first hunks of a line diff (LCS), `-` for dist/, `+` for synth, with one line of context,
 * cut at `maxLines`. Files are small (one object each); very large ones fall back to a summary.
 */
export function unifiedExcerpt(before: string, after: string, maxLines = 16): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > 4_000_000) {
    return [`@@ ${a.length} lines → ${b.length} lines (too large to diff here) @@`];
  }
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops: Array<{ op: ' ' | '-' | '+'; text: string }> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ op: ' ', text: a[i] });
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push({ op: '-', text: a[i++] }); // removals before additions, as diff -u prints them
    } else {
      ops.push({ op: '+', text: b[j++] });
    }
  }
  const isEdit = (k: number) => k >= 0 && k < ops.length && ops[k].op !== ' ';
  // A line is shown when it is an edit or next to one (one line of context).
  const keep = ops.map((_, k) => isEdit(k) || isEdit(k - 1) || isEdit(k + 1));
  const out: string[] = [];
  let skipped = false;
  for (let k = 0; k < ops.length && out.length < maxLines; k++) {
    if (!keep[k]) {
      skipped = true;
      continue;
    }
    if (skipped || out.length === 0) out.push('@@');
    skipped = false;
    out.push(`${ops[k].op}${ops[k].text}`);
  }
  if (out.length >= maxLines) out.push('…');
  return out;
}
