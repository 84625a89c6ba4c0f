import { Chalk, type ChalkInstance } from 'chalk';
import { escapeDeep, guardLines } from '../../report/terminal.js';
import { statusColor } from '../../report/text.js';
import type { DriftItem, DriftResult } from '../model.js';
import { accountName, accountWhere, codeName, codeWhere, impactText, itemTitle, sections, summaryLine, verdictLabel } from './common.js';

function item(c: ChalkInstance, i: DriftItem): string[] {
  const mark = i.alarming ? c.red.bold('!!') : i.invariants.length > 0 ? c.yellow(' !') : '  ';
  const lines = [`${mark} ${c.bold(itemTitle(i))}`];
  const code = codeWhere(i);
  const account = accountWhere(i);
  if (i.kind === 'changed') {
    lines.push(`     code     ${i.expected ?? ''}${code ? c.cyan(`  ${code}`) : ''}`);
    lines.push(`     account  ${i.actual ?? ''}${account ? c.cyan(`  ${account}`) : ''}`);
  } else {
    if (code) lines.push(`     code     ${c.cyan(code)}`);
    if (account) lines.push(`     account  ${c.cyan(account)}`);
  }
  for (const d of i.detail ?? []) lines.push(`     ${c.gray(d)}`);
  if (i.reason) lines.push(`     ${c.gray(i.reason)}`);
  for (const cand of i.candidates ?? []) lines.push(`     candidate ${c.cyan(cand)}`);
  for (const x of i.invariants) lines.push(`     ${(x.effect === 'fails_in_account' ? c.red : c.yellow)(impactText(x))}`);
  return lines;
}

/** The drift report for people: the alarming items first, then each kind, the verdicts side by side, what was not compared. */
export function renderDriftText(input: DriftResult, opts: { color: boolean; quiet?: boolean }): string {
  const r = escapeDeep(input);
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [`ztait drift: code ${codeName(r)} against account ${accountName(r)}`, ''];
  for (const s of sections(r)) {
    out.push(c.bold(`${s.title} (${s.items.length})`));
    for (const i of s.items) out.push(...item(c, i));
    out.push('');
  }
  const rows = r.verdicts.filter((v) => !opts.quiet || v.code !== v.account || v.drift.length > 0);
  if (rows.length > 0) {
    out.push(c.bold('Verdicts, code against account'));
    for (const v of rows) {
      const flag = v.code !== v.account ? c.red('  differs') : v.drift.length > 0 ? c.yellow('  drift') : '';
      out.push(
        `  ${v.id.padEnd(9)} ${statusColor(c, v.code)(verdictLabel(v.code).padEnd(7))} ${statusColor(c, v.account)(verdictLabel(v.account).padEnd(7))} ${v.title}${flag}`,
      );
    }
    out.push('');
  }
  if (!opts.quiet && r.not_compared.length > 0) {
    out.push(c.bold('Not compared'));
    for (const n of r.not_compared) out.push(`  ${n.count} ${n.reason}${n.examples.length ? c.gray(` (${n.examples.join(', ')})`) : ''}`);
    out.push('');
  }
  if (!opts.quiet && r.limitations.length > 0) {
    out.push(c.bold('Limitations'));
    for (const l of r.limitations) out.push(`  ${l}`);
    out.push('');
  }
  out.push(summaryLine(r));
  const paint = r.outcome.exit !== 0 ? c.red.bold : r.items.length > 0 ? c.yellow : c.green;
  out.push(paint(`${r.outcome.exit === 2 ? 'INCOMPLETE' : r.items.length === 0 ? 'NO DRIFT' : 'DRIFT'}: ${r.outcome.reason}`));
  return guardLines(`${out.join('\n')}\n`);
}
