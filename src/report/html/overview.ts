import type { CheckResult } from '../../model/result.js';
import { STATUSES } from '../../model/result.js';
import { configFileLine, gateVerdict, metaFor, sourceLabel, STATUS_LABEL, weakenedBy } from '../common.js';
import { cls, markup, type Html } from './escape.js';
import { code, facts, invAnchor, legend, section, table } from './parts.js';
import { stackedBar } from './svg.js';

/** The first screen: the verdict, the scope, the counts and the grid of invariants. */

export function verdictHeader(r: CheckResult): Html {
  return markup`<h1>ztait evidence report</h1>
<p class="verdict">${gateVerdict(r).line}</p>`;
}

export function scopeSection(r: CheckResult): Html {
  const items: [string, Html | string][] = [['Source', sourceLabel(r)]];
  const acct = r.source.account;
  if (acct)
    items.push(
      ['Account', acct.id ?? 'unknown'],
      ['Region', acct.region ?? 'unknown'],
      ['Caller identity', code(acct.caller ?? 'unknown')],
    );
  if (r.fleet)
    items.push([
      'Accounts',
      `${r.fleet.accounts.length} (fleet run${r.fleet.shard ? `, shard ${r.fleet.shard.index}/${r.fleet.shard.count}` : ''})`,
    ]);
  items.push(
    ['Tool', `${r.tool.name} ${r.tool.version}`],
    ['Generated at', `${r.generated_at} (UTC)`],
    ['Command line', code(r.command_line)],
  );
  if (r.approved_by) items.push(['Approved by', r.approved_by]);
  if (r.config) items.push(['Configuration', configFileLine(r.config)]);
  const inputsBlock = inputFiles(
    r.source.inputs,
    r.source.kind === 'live' ? 'No input files: the account was read live through the AWS APIs.' : 'No input files were recorded.',
  );
  const weak = r.config?.weakenings ?? [];
  const weakBlock = weak.length
    ? markup`<h3>Settings that weakened the gate</h3>
${table(
  ['Set by', 'Setting', 'Effect'],
  weak.map((w) => [weakenedBy(w), w.kind, w.detail]),
)}`
    : '';
  return section('scope', 'Scope', [facts(items), inputsBlock, weakBlock]);
}

/** Input files with their SHA-256, by path; a long list stays folded, so what follows is on the first screen. */
export function inputFiles(given: readonly { path: string; sha256: string }[], none: string, what = 'input file(s)'): Html {
  const inputs = [...given].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (inputs.length === 0) return markup`<p class="muted">${none}</p>`;
  return markup`<details class="sub"${inputs.length <= 6 ? markup` open` : ''}><summary>${`${inputs.length} ${what} with their SHA-256`}</summary>
${table(
  ['File', 'SHA-256'],
  inputs.map((i) => [code(i.path), code(i.sha256)]),
)}</details>
`;
}

function summary(r: CheckResult): Html {
  const parts = STATUSES.map((s) => ({ status: s, count: r.summary[s], label: STATUS_LABEL[s] }));
  const words = parts.filter((p) => p.count > 0).map((p) => `${p.count} ${p.label}`);
  return markup`<p>${`${r.invariants.length} invariant(s): ${words.join(', ') || 'none evaluated'}.`}</p>
<figure>${stackedBar(parts, `Invariants by verdict: ${words.join(', ')}`)}</figure>
`;
}

/** The grid of invariants (the 14, ZT-MAT-1, ZT-PLAN-* when present), coloured by status. */
export function gridSection(r: CheckResult): Html {
  const cells = r.invariants.map((inv) => {
    const meta = metaFor(inv);
    const stride = meta ? meta.stride.map((s) => `${s.id} ${s.name}`).join('; ') : inv.stride.join('; ');
    return markup`<a class="cell s-${cls(inv.status)}" href="#${invAnchor(inv.id)}" id="cell-${invAnchor(inv.id)}" data-status="${inv.status}">
<span class="top"><span class="id">${inv.id}</span><span class="st">${STATUS_LABEL[inv.status]}</span></span>
<span class="t">${inv.title}</span>
<span class="m">${`${stride} · ${inv.severity}`}</span>
</a>
`;
  });
  return section('invariants-grid', 'Invariants', [
    summary(r),
    markup`<div class="grid">
${cells}</div>
`,
    legend(STATUSES),
  ]);
}
