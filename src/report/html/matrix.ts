import type { CheckResult, Status } from '../../model/result.js';
import { STATUS_LABEL, valueText, whereOf } from '../common.js';
import { LEVELS, LEVEL_NAMES, SETTINGS, TABLE3, type Level } from '../../maturity/table.js';
import { cls, markup, type Html } from './escape.js';
import { badge, code, facts, invAnchor, section, table, type Cell } from './parts.js';

/** The NIST SP 800-207 tenet matrix and Table 3, expected against actual. */

const MARK: Record<Status, string> = { pass: '✓', fail: '✗', error: '!', not_applicable: '–', suppressed: 'S' };

/** Tenets (rows) x invariants (columns): a mark where the invariant is mapped to the tenet. */
export function nistSection(r: CheckResult): Html {
  const status = new Map(r.invariants.map((i) => [i.id, i.status]));
  const ids = r.invariants.map((i) => i.id);
  const tenets = [...r.nist].sort((a, b) => a.tenet - b.tenet);
  const head: Cell[] = [
    { value: 'Tenet', class: 'tenet' },
    ...ids.map((id) => markup`<a href="#${invAnchor(id)}">${id}</a>`),
    'Tenet status',
  ];
  const rows = tenets.map((t): Cell[] => [
    { value: `${t.tenet}. ${t.title}`, class: 'tenet' },
    ...ids.map((id) => {
      if (!t.invariants.includes(id)) return '';
      const s = status.get(id)!;
      return markup`<span class="mark s-${cls(s)}" title="${`${id}: ${STATUS_LABEL[s]}`}">${MARK[s]}</span>`;
    }),
    badge(t.status),
  ]);
  const unevaluated = tenets.flatMap((t) => t.invariants.filter((id) => !status.has(id)).map((id) => `${t.tenet}: ${id}`));
  return section('nist', 'NIST SP 800-207 tenets', [
    markup`<p>A tenet is satisfied only when every mapped invariant that was evaluated passes. Marks: ✓ pass, ✗ fail, ! error, – not applicable, S suppressed.</p>
`,
    table(head, rows, { class: 'matrix' }),
    unevaluated.length ? markup`<p class="muted">${`Mapped but not evaluated in this run: ${unevaluated.join(', ')}.`}</p>` : '',
  ]);
}

/** Table 3 (all levels, the declared one highlighted) with the actual values and the deviations. */
export function table3Section(r: CheckResult): Html {
  const m = r.maturity;
  const level = m.level !== null && (LEVELS as readonly number[]).includes(m.level) ? (m.level as Level) : undefined;
  const place = (x: { file?: string; line?: number; resource?: string }): string =>
    whereOf({ resource: x.resource ?? '', file: x.file, line: x.line, arn: x.resource });
  const declared = m.declared_at ? place(m.declared_at) : '';
  const items: [string, Html | string][] = [
    ['Declared level', m.level === null ? 'not declared' : `L${m.level}${m.name ? ` ${m.name}` : ''}`],
    ['Declared at', declared ? code(declared) : '(nowhere)'],
    ['Consistent with Table 3', markup`<strong>${m.consistent ? 'yes' : 'no'}</strong>`],
  ];
  if (m.reason) items.push(['Reason', m.reason]);
  const actual = m.actual ?? {};
  const deviating = new Set(m.deviations.map((d) => d.setting));
  const column = (l: Level) => (l === level ? 'declared' : 'lvl');
  const rows = SETTINGS.map((s): Cell[] => [
    code(s),
    ...LEVELS.map((l) => ({ value: valueText(TABLE3[l][s]), class: column(l) })),
    { value: s in actual ? valueText(actual[s]) : '(not found)', class: deviating.has(s) ? 'bad' : 'ok' },
    deviating.has(s) ? 'yes' : 'no',
  ]);
  const out: (Html | string)[] = [
    facts(items),
    table(['Setting', ...LEVELS.map((l) => ({ value: `L${l} ${LEVEL_NAMES[l]}`, class: column(l) })), 'Actual', 'Deviation'], rows, {
      class: 'table3',
    }),
  ];
  if (m.deviations.length > 0) {
    const roots = m.deviations.some((d) => d.root);
    out.push(
      markup`<h3>Deviations</h3>
`,
      table(
        ['Setting', 'Expected', 'Actual', 'Where', ...(roots ? ['Root module'] : [])],
        m.deviations.map((d) => [
          code(d.setting),
          valueText(d.expected),
          valueText(d.actual),
          code(place(d) || d.resource || ''),
          ...(roots ? [d.root ?? ''] : []),
        ]),
      ),
    );
  }
  return section('table3', `Maturity: Table 3${level !== undefined ? ` at L${level} ${LEVEL_NAMES[level]}` : ''}`, out);
}
