import { bullets, document, escapeText, heading, para, table } from '../../report/md.js';
import type { DriftItem, DriftResult } from '../model.js';
import { accountName, accountWhere, codeName, codeWhere, impactText, itemTitle, sections, summaryLine, verdictLabel } from './common.js';

const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

function item(i: DriftItem): string[] {
  const lines: string[] = [];
  const where = codeWhere(i);
  const account = accountWhere(i);
  if (i.kind === 'changed') {
    lines.push(`code: ${escapeText(i.expected ?? '')}${where ? ` at ${code(where)}` : ''}`);
    lines.push(`account: ${escapeText(i.actual ?? '')}${account ? ` at ${code(account)}` : ''}`);
  } else {
    if (where) lines.push(`code: ${code(where)}`);
    if (account) lines.push(`account: ${code(account)}`);
  }
  for (const d of i.detail ?? []) lines.push(escapeText(d));
  if (i.reason) lines.push(escapeText(i.reason));
  for (const c of i.candidates ?? []) lines.push(`candidate: ${code(c)}`);
  for (const x of i.invariants)
    lines.push(`${x.effect === 'fails_in_account' ? '**' : ''}${escapeText(impactText(x))}${x.effect === 'fails_in_account' ? '**' : ''}`);
  return [...heading(3, `${i.alarming ? 'ALARMING: ' : ''}${escapeText(itemTitle(i))}`), ...bullets(lines)];
}

/** Drift as auditor evidence: what differs, where in the code and the account, and the verdicts side by side. */
export function renderDriftMarkdown(r: DriftResult): string {
  const out: string[] = [
    ...heading(1, 'ztait drift report'),
    ...para(`Code: ${codeName(r)}. Account: ${accountName(r)}. Generated ${r.generated_at} by ${r.command_line}.`),
    ...para(
      `${r.outcome.exit === 2 ? 'Incomplete' : r.items.length === 0 ? 'No drift' : 'Drift'}: ${r.outcome.reason}. ${summaryLine(r)}.`,
    ),
  ];
  for (const s of sections(r)) {
    out.push(...heading(2, `${escapeText(s.title)} (${s.items.length})`));
    for (const i of s.items) out.push(...item(i));
  }
  out.push(...heading(2, 'Verdicts, code against account'));
  out.push(
    ...table(
      ['Invariant', 'Title', 'Code', 'Account', 'Drift items'],
      r.verdicts.map((v) => [v.id, v.title, verdictLabel(v.code), verdictLabel(v.account), String(v.drift.length)]),
    ),
  );
  if (r.not_compared.length > 0) {
    out.push(...heading(2, 'Not compared'));
    out.push(
      ...bullets(r.not_compared.map((n) => escapeText(`${n.count} ${n.reason}${n.examples.length ? ` (${n.examples.join(', ')})` : ''}`))),
    );
  }
  if (r.limitations.length > 0) {
    out.push(...heading(2, 'Limitations'));
    out.push(...bullets(r.limitations.map((l) => escapeText(l))));
  }
  return document(out);
}
