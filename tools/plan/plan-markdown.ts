// The plan as Markdown for a pull-request comment: findings first (what a reviewer must decide),
// then each environment's added, removed, renamed and changed resources with field-level changes.
import { FieldChange, Finding, Plan, PlanResource, ResourceChange, Severity, unacknowledgedBlocking } from './plan';

export interface PlanLabels {
  /** What the plan compares from, e.g. "`origin/main` (a1b2c3d)". */
  readonly base: string;
  /** What it compares to, e.g. "this branch (fresh synth)". */
  readonly head: string;
  /** File a reviewer edits to accept a destructive change. @default 'plan-acknowledgements.yaml' */
  readonly acknowledgementsFile?: string;
}

const MAX_VALUE_CHARS = 120;
const SECTIONS: ReadonlyArray<[Severity, string]> = [
  ['blocking', '### ⛔ Refused or destructive changes'],
  ['not-applied', '### 🚫 Not applied: the server keeps its current value'],
  ['warning', '### ⚠️ Worth a look'],
];
const MAX_FIELDS_PER_RESOURCE = 40;

export function renderPlanMarkdown(plan: Plan, labels: PlanLabels): string {
  const ackFile = labels.acknowledgementsFile ?? 'plan-acknowledgements.yaml';
  const lines: string[] = [];
  const blocking = unacknowledgedBlocking(plan);
  const count = (type: ResourceChange['type']) => plan.changes.filter((c) => c.type === type).length;

  lines.push('## overmind-nats plan', '');
  lines.push(`Comparing ${labels.base} with ${labels.head}.`, '');
  if (plan.changes.length === 0) {
    lines.push(`No changes: ${plan.unchanged} resources identical.`, '');
  } else {
    lines.push(
      `**${count('added')} added, ${count('removed')} removed, ${count('renamed')} ` +
        `renamed, ${count('changed')} changed**, ${plan.unchanged} unchanged.`,
      '',
    );
  }
  if (blocking.length > 0) {
    const changes = `${blocking.length} change${blocking.length === 1 ? '' : 's'}`;
    lines.push(
      '> [!CAUTION]',
      `> ${changes} would be refused, lose data or not be applied. ` +
        `The plan fails until each is reverted, fixed or acknowledged in \`${ackFile}\` with a reason.`,
      '',
    );
  }

  for (const [severity, heading] of SECTIONS) {
    const findings = plan.findings.filter((f) => f.severity === severity);
    if (findings.length === 0) continue;
    lines.push(heading, '');
    for (const f of findings) lines.push(findingLine(f));
    lines.push('');
  }
  if (blocking.length > 0) {
    lines.push('<details><summary>To accept them deliberately</summary>', '', `Add to \`${ackFile}\`:`, '', '```yaml');
    lines.push('acknowledgements:');
    const reason = '    reason: "<why this is fine, e.g. the stream is backed up / its data is disposable>"';
    for (const f of blocking) lines.push(`  - resource: ${f.resource}`, `    rule: ${f.rule}`, reason);
    lines.push('```', '', '</details>', '');
  }
  if (plan.unusedAcknowledgements.length > 0) {
    lines.push(
      `### Unused acknowledgements`,
      '',
      `These entries of \`${ackFile}\` match no change any more; remove them:`,
      '',
    );
    for (const a of plan.unusedAcknowledgements)
      lines.push(`- \`${a.resource}\`${a.rule ? ` (${a.rule})` : ''}: ${a.reason}`);
    lines.push('');
  }

  // Per environment, folded: findings above are what needs a decision, this is the full record.
  const envs = [...new Set(plan.changes.map((c) => (c.after ?? c.before)!.env))].sort();
  for (const env of envs) {
    const ofEnv = plan.changes.filter((c) => (c.after ?? c.before)!.env === env);
    const summary = (['added', 'removed', 'renamed', 'changed'] as const)
      .map((type) => [type, ofEnv.filter((c) => c.type === type).length] as const)
      .filter(([, n]) => n > 0)
      .map(([type, n]) => `${n} ${type}`)
      .join(', ');
    lines.push(`### ${env}`, '', `<details><summary>${summary}</summary>`, '');
    for (const type of ['added', 'removed', 'renamed', 'changed'] as const) {
      const group = ofEnv.filter((c) => c.type === type);
      if (group.length === 0) continue;
      lines.push(`**${type[0].toUpperCase()}${type.slice(1)}**`, '');
      for (const change of group) lines.push(...changeLines(change));
      lines.push('');
    }
    lines.push('</details>', '');
  }
  return (
    lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

const MARKS: Readonly<Record<Severity, string>> = { blocking: '⛔', 'not-applied': '🚫', warning: '⚠️' };

function findingLine(f: Finding): string {
  const mark = f.acknowledgement ? '✅ acknowledged' : MARKS[f.severity];
  const ack = f.acknowledgement ? ` — _${escapeInline(f.acknowledgement.reason)}_` : '';
  const sources = f.sources.map((url) => `[${sourceLabel(url)}](${url})`).join(', ');
  return `- ${mark} \`${f.resource}\` (\`${f.rule}\`): ${escapeInline(f.message)} Source: ${sources}.${ack}`;
}

/**
 * A short name for a source link: `nats-server stream.go#L2271-L2274` for GitHub code, the page
 * and section for docs.
 */
export function sourceLabel(url: string): string {
  const code = /^https:\/\/github\.com\/[^/]+\/([^/]+)\/blob\/([^/]+)\/(?:.*\/)?([^/#]+)(#L\d+(?:-L\d+)?)?$/.exec(url);
  if (code) {
    const [, repo, tag, file, lines] = code;
    return `${repo === 'k8s' ? 'nats chart' : repo} ${tag} ${file}${lines ?? ''}`;
  }
  const page = /^https:\/\/([^/]+)\/(?:.*\/)?([^/#]+)\/?(?:#(.+))?$/.exec(url);
  return page ? `${page[1]} ${page[2]}${page[3] ? `#${page[3]}` : ''}` : url;
}

function changeLines(change: ResourceChange): string[] {
  const r = (change.after ?? change.before)!;
  const head = change.type === 'renamed' ? `- ${title(change.before!)} → \`${change.after!.name}\`` : `- ${title(r)}`;
  const out = [head];
  if (change.fields.length > 0) {
    out.push('', '  | field | before | after |', '  | --- | --- | --- |');
    for (const field of change.fields.slice(0, MAX_FIELDS_PER_RESOURCE))
      out.push(`  | \`${field.path}\` | ${cell(field, 'before')} | ${cell(field, 'after')} |`);
    if (change.fields.length > MAX_FIELDS_PER_RESOURCE)
      out.push(`  | … | ${change.fields.length - MAX_FIELDS_PER_RESOURCE} more fields | |`);
    out.push('');
  }
  return out;
}

function title(r: PlanResource): string {
  const where = r.namespace ? `${r.namespace}/${r.name}` : r.name;
  return `\`${r.kind}\` \`${where}\`${r.file ? ` (${r.file})` : ''}`;
}

function cell(field: FieldChange, side: 'before' | 'after'): string {
  const value = field[side];
  if (value === undefined) return '_(unset)_';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  const other = field[side === 'before' ? 'after' : 'before'];
  if (typeof value === 'string' && typeof other === 'string' && (value.includes('\n') || other.includes('\n'))) {
    // Multi-line text (a dashboard, a script): show the first line that differs, not the start.
    const lines = value.split('\n');
    const otherLines = other.split('\n');
    let i = 0;
    while (i < lines.length && lines[i] === otherLines[i]) i++;
    text = `line ${i + 1}/${lines.length}: ${(lines[i] ?? '').trim()}`;
  }
  if (text.length > MAX_VALUE_CHARS) text = `${text.slice(0, MAX_VALUE_CHARS - 1)}…`;
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\n/g, ' ')}\``;
}

function escapeInline(text: string): string {
  return text.replace(/\n/g, ' ');
}
