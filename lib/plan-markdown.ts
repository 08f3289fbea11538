// The plan as Markdown for a pull-request comment: findings first (what a reviewer must decide),
// then each environment's added, removed, renamed and changed resources with field-level changes.
import { FieldChange, Finding, Plan, PlanResource, ResourceChange, unacknowledgedBlocking } from './plan';

export interface PlanLabels {
  /** What the plan compares from, e.g. "`origin/main` (a1b2c3d)". */
  readonly base: string;
  /** What it compares to, e.g. "this branch (fresh synth)". */
  readonly head: string;
  /** File a reviewer edits to accept a destructive change. @default 'plan-acknowledgements.yaml' */
  readonly acknowledgementsFile?: string;
}

const MAX_VALUE_CHARS = 120;
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
    lines.push(`**${count('added')} added, ${count('removed')} removed, ${count('renamed')} renamed, ${count('changed')} changed**, ${plan.unchanged} unchanged.`, '');
  }
  if (blocking.length > 0) {
    lines.push(`> [!CAUTION]`, `> ${blocking.length} change${blocking.length === 1 ? '' : 's'} cannot be applied in place or lose${blocking.length === 1 ? 's' : ''} data. ` +
      `The plan fails until each is reverted or acknowledged in \`${ackFile}\` with a reason.`, '');
  }

  const blockingFindings = plan.findings.filter((f) => f.severity === 'blocking');
  if (blockingFindings.length > 0) {
    lines.push('### ⛔ Destructive changes', '');
    for (const f of blockingFindings) lines.push(findingLine(f));
    lines.push('');
    if (blocking.length > 0) {
      lines.push('<details><summary>To accept them deliberately</summary>', '', `Add to \`${ackFile}\`:`, '', '```yaml', 'acknowledgements:');
      for (const f of blocking) lines.push(`  - resource: ${f.resource}`, `    rule: ${f.rule}`, '    reason: "<why this is fine, e.g. the stream is backed up / its data is disposable>"');
      lines.push('```', '', '</details>', '');
    }
  }
  const warnings = plan.findings.filter((f) => f.severity === 'warning');
  if (warnings.length > 0) {
    lines.push('### ⚠️ Worth a look', '');
    for (const f of warnings) lines.push(findingLine(f));
    lines.push('');
  }
  if (plan.unusedAcknowledgements.length > 0) {
    lines.push(`### Unused acknowledgements`, '', `These entries of \`${ackFile}\` match no change any more; remove them:`, '');
    for (const a of plan.unusedAcknowledgements) lines.push(`- \`${a.resource}\`${a.rule ? ` (${a.rule})` : ''}: ${a.reason}`);
    lines.push('');
  }

  // Per environment, folded: findings above are what needs a decision, this is the full record.
  const envs = [...new Set(plan.changes.map((c) => (c.after ?? c.before)!.env))].sort();
  for (const env of envs) {
    const ofEnv = plan.changes.filter((c) => (c.after ?? c.before)!.env === env);
    const summary = (['added', 'removed', 'renamed', 'changed'] as const)
      .map((type) => [type, ofEnv.filter((c) => c.type === type).length] as const)
      .filter(([, n]) => n > 0).map(([type, n]) => `${n} ${type}`).join(', ');
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
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function findingLine(f: Finding): string {
  const mark = f.acknowledgement ? '✅ acknowledged' : f.severity === 'blocking' ? '⛔' : '⚠️';
  const ack = f.acknowledgement ? ` — _${escapeInline(f.acknowledgement.reason)}_` : '';
  return `- ${mark} \`${f.resource}\` (\`${f.rule}\`): ${escapeInline(f.message)}${ack}`;
}

function changeLines(change: ResourceChange): string[] {
  const r = (change.after ?? change.before)!;
  const head = change.type === 'renamed'
    ? `- ${title(change.before!)} → \`${change.after!.name}\``
    : `- ${title(r)}`;
  const out = [head];
  if (change.fields.length > 0) {
    out.push('', '  | field | before | after |', '  | --- | --- | --- |');
    for (const field of change.fields.slice(0, MAX_FIELDS_PER_RESOURCE)) out.push(`  | \`${field.path}\` | ${cell(field, 'before')} | ${cell(field, 'after')} |`);
    if (change.fields.length > MAX_FIELDS_PER_RESOURCE) out.push(`  | … | ${change.fields.length - MAX_FIELDS_PER_RESOURCE} more fields | |`);
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
