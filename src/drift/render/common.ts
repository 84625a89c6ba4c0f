/**
 * What every drift format says the same way: the sections in order (the alarming items first, then
 * changed, unmanaged, missing, undecided), how an item and an impact read, the sides' names.
 */
import type { Status } from '../../model/result.js';
import type { DriftImpact, DriftItem, DriftResult } from '../model.js';

export interface Section {
  /** A fixed word per section (`alarming` or the kind), for anchors and class names. */
  id: 'alarming' | DriftItem['kind'];
  title: string;
  items: DriftItem[];
}

export const KIND_TITLE: Record<DriftItem['kind'], string> = {
  changed: 'Changed',
  unmanaged: 'Unmanaged (in the account, not in the code)',
  missing: 'Missing (in the code, not in the account)',
  ambiguous: 'Ambiguous match (not guessed)',
  unreadable: 'Not readable in the account',
};

/** The alarming items (pass in the code, fail in the account) first, then each kind in order. */
export function sections(r: DriftResult): Section[] {
  const alarming = r.items.filter((i) => i.alarming);
  const rest = r.items.filter((i) => !i.alarming);
  const out: Section[] = [];
  if (alarming.length > 0) out.push({ id: 'alarming', title: 'ALARMING: passes in the code, fails in the account', items: alarming });
  for (const kind of ['changed', 'unmanaged', 'missing', 'ambiguous', 'unreadable'] as const) {
    const items = rest.filter((i) => i.kind === kind);
    if (items.length > 0) out.push({ id: kind, title: KIND_TITLE[kind], items });
  }
  return out;
}

/** `aws_dynamodb_table ztait-audit: point_in_time_recovery` */
export function itemTitle(i: DriftItem): string {
  const what = i.kind === 'changed' ? '' : ` (${i.kind})`;
  if (i.kind === 'unreadable') return `${i.name}${what}`;
  return `${i.type} ${i.name}${i.attribute ? `: ${i.attribute}` : ''}${what}`;
}

export const EFFECT_TEXT: Record<DriftImpact['effect'], string> = {
  fails_in_account: 'fails in the account, passes in the code',
  passes_in_account: 'passes in the account, fails in the code',
  verdict_differs: 'verdict differs (may be this)',
  undecided: 'cannot be decided',
};

export function impactText(x: DriftImpact): string {
  return `${x.invariant} ${EFFECT_TEXT[x.effect]} (code ${x.code}, account ${x.account})`;
}

/** `file:line` of the code side, or its address. */
export function codeWhere(i: DriftItem): string | undefined {
  if (i.file) return `${i.file}:${i.line ?? 1}`;
  return i.address;
}

export function accountWhere(i: DriftItem): string | undefined {
  return i.arn ?? i.live_address;
}

export function codeName(r: DriftResult): string {
  const first = r.code.inputs[0]?.path;
  const given = r.code.label ?? (first ? `${first}${r.code.inputs.length > 1 ? ` (+${r.code.inputs.length - 1} files)` : ''}` : '');
  return `${given}${given ? ' ' : ''}(${r.code.kind})`;
}

export function accountName(r: DriftResult): string {
  const where = [r.account.id ?? '(unknown account)', r.account.region].filter(Boolean).join(' ');
  const snap = r.account.inputs[0]?.path;
  return `${where}${snap ? ` (snapshot ${snap})` : ' (live)'}`;
}

export function summaryLine(r: DriftResult): string {
  const s = r.summary;
  const parts = [
    `${s.changed} changed`,
    `${s.unmanaged} unmanaged`,
    `${s.missing} missing`,
    ...(s.ambiguous ? [`${s.ambiguous} ambiguous`] : []),
    ...(s.unreadable ? [`${s.unreadable} unreadable`] : []),
  ];
  return `${parts.join(', ')}; ${s.affecting} bearing on an invariant (${s.alarming} alarming); ${s.matched} resources matched, ${s.attributes_compared} attributes compared`;
}

export const verdictLabel = (s: Status): string => (s === 'not_applicable' ? 'n/a' : s);
