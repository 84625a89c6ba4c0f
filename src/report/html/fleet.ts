import type { CheckResult, Status, SystemResult } from '../../model/result.js';
import { STATUSES } from '../../model/result.js';
import { systemVerdict } from '../common.js';
import { cls, markup, type Html } from './escape.js';
import { badge, code, invAnchor, legend, section, table, type Cell } from './parts.js';

/** Several root modules or a fleet: each system's verdict, and the accounts x invariants heat map. */

/** Worst first, as the engine ranks a system's verdicts. */
const RANK: Record<Status, number> = { error: 0, fail: 1, suppressed: 2, pass: 3, not_applicable: 4 };
const worst = (a: Status | undefined, b: Status): Status => (a === undefined || RANK[b] < RANK[a] ? b : a);

/** A verdict in a heat-map cell: short, so 18 columns fit a printed page (the legend has the words). */
const SHORT: Record<Status, string> = { pass: 'pass', fail: 'fail', error: 'error', not_applicable: 'n/a', suppressed: 'supp.' };

interface HeatCell {
  status: Status;
  findings: number;
}

/** Per invariant, the worst verdict over some systems and their findings added up. */
function cellsOf(systems: readonly SystemResult[]): Map<string, HeatCell> {
  const out = new Map<string, HeatCell>();
  for (const s of systems)
    for (const i of s.invariants) {
      const prev = out.get(i.id);
      out.set(i.id, { status: worst(prev?.status, i.status), findings: (prev?.findings ?? 0) + i.findings });
    }
  return out;
}

interface HeatRow {
  label: Html | string;
  status: Status;
  cells: Map<string, HeatCell>;
  /** An account without systems (it could not be read): every cell shows its status. */
  fallback?: Status;
}

/** Rows (systems or accounts) x invariants, each cell coloured by its verdict, with its findings. */
function heatTable(r: CheckResult, rows: HeatRow[], first: string, footer?: Cell[]): Html {
  const ids = r.invariants.map((i) => i.id);
  const body = rows.map((row): Cell[] => [
    { value: row.label, class: 'acct' },
    badge(row.status),
    ...ids.map((id) => {
      const c = row.cells.get(id);
      const s = c?.status ?? row.fallback;
      if (!s) return { value: '', class: 'none' };
      return { value: `${SHORT[s]}${c?.findings ? ` (${c.findings})` : ''}`, class: `s-${cls(s)}` };
    }),
  ]);
  const head: Cell[] = [{ value: first, class: 'acct' }, 'Verdict', ...ids.map((id) => markup`<a href="#${invAnchor(id)}">${id}</a>`)];
  return markup`${table(head, footer ? [...body, footer] : body, { class: 'heat' })}${legend(STATUSES)}<p class="muted">n/a: not applicable; supp.: suppressed.</p>
`;
}

/** With several root modules: one row each, with its own verdicts (each is judged alone). */
export function systemsSection(r: CheckResult): Html | string {
  if (!r.systems?.length || r.fleet) return '';
  return section('systems', 'Root modules', [
    markup`<p>Each root module is a system of its own, judged alone; the invariants above are the worst verdict over them. Each cell gives the number of findings.</p>
`,
    heatTable(
      r,
      r.systems.map((s) => ({ label: code(s.root), status: s.status, cells: cellsOf([s]) })),
      'Root module',
    ),
  ]);
}

/** The fleet: accounts (rows) x invariants (columns), each cell the account's worst verdict over its regions. */
export function fleetSection(r: CheckResult): Html | string {
  const fleet = r.fleet;
  if (!fleet) return '';
  const systems = r.systems ?? [];
  const rows: HeatRow[] = [...fleet.accounts]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((a) => {
      const own = systems.filter((s) => s.account === a.id);
      return {
        label: markup`${code(a.id)}${a.name ? markup` ${a.name}` : ''}<br><span class="muted">${a.regions.join(', ') || 'no region'}</span>${a.reason ? markup`<br><span class="muted">${a.reason}</span>` : ''}`,
        status: a.status,
        cells: cellsOf(own),
        ...(own.length === 0 ? { fallback: a.status } : {}),
      };
    });
  const counts = new Map(fleet.invariants.map((i) => [i.id, i.counts]));
  const footer: Cell[] = [
    { value: 'accounts passing / failing / in error', class: 'acct' },
    '',
    ...r.invariants.map((i) => {
      const c = counts.get(i.id);
      return c ? `${c.pass} / ${c.fail} / ${c.error}` : '';
    }),
  ];
  const regions = systems.length
    ? markup`<details class="sub"><summary>${`Each account in each region (${systems.length} system(s))`}</summary>
${table(
  ['Account / region', 'Verdict', 'Not passing'],
  systems.map((s) => [code(s.root), badge(s.status), systemVerdict(s).detail]),
)}</details>
`
    : '';
  const shard = fleet.shard ? ` (shard ${fleet.shard.index} of ${fleet.shard.count})` : '';
  return section('fleet', 'Fleet: accounts x invariants', [
    markup`<p>${`${fleet.accounts.length} account(s)${shard}; each cell is the account's worst verdict over its regions, with its number of findings.`}</p>
`,
    heatTable(r, rows, 'Account', footer),
    regions,
  ]);
}
