import type { CheckResult, Examined, Finding, InvariantResult } from '../../model/result.js';
import { metaFor, sortExamined, STATUS_LABEL, SUPPRESSION_KIND_LABEL, whereOf } from '../common.js';
import { cls, markup, type Html } from './escape.js';
import { badge, code, facts, invAnchor, prose, section, table } from './parts.js';

/** One collapsed section per invariant: statement, findings with their trace, what was examined, remediation. */

/** Where a finding or resource is in a fleet or several-roots run: `111122223333/eu-west-1`, `envs/prod`. */
export const systemOf = (x: { root?: string; account?: string; region?: string }): string =>
  x.account ? `${x.account}${x.region ? `/${x.region}` : ''}` : (x.root ?? '');

function suppression(f: Finding): Html | string {
  const s = f.suppression;
  if (!s) return '';
  const at = s.file ? ` (written at ${s.file}${s.line ? `:${s.line}` : ''})` : '';
  return markup`<div class="muted">${`Suppressed ${SUPPRESSION_KIND_LABEL[s.kind]}: ${s.reason}${at}${s.expires ? `, expires ${s.expires}` : ''}`}</div>`;
}

function finding(f: Finding): Html {
  const where = whereOf(f);
  const system = systemOf(f);
  const trace = f.trace?.length
    ? markup`<div class="muted">Because (from the use to where the value was written):</div><ol class="trace">${f.trace.map(
        (t) => markup`<li>${t.what} at ${code(whereOf({ ...t, resource: '' }))}</li>`,
      )}</ol>`
    : '';
  return markup`<li>${badge(f.status)} ${code(f.resource)}${where && where !== f.resource ? markup` at ${code(where)}` : ''}${system ? markup` <span class="muted">${`in ${system}`}</span>` : ''}
<div>${f.message}</div>${suppression(f)}${f.baseline ? markup`<div class="muted">${`Baseline: ${f.baseline}`}</div>` : ''}${trace}</li>
`;
}

function examinedTable(examined: readonly Examined[]): Html {
  const rows = sortExamined(examined);
  if (rows.length === 0) return markup`<p class="muted">No resource was examined.</p>`;
  const scoped = rows.some((e) => systemOf(e));
  return table(
    ['Resource', 'Location or ARN', ...(scoped ? ['System'] : []), 'Status', 'Observed'],
    rows.map((e) => [
      code(e.resource),
      whereOf(e) === e.resource ? markup`<span class="muted">(the resource ARN)</span>` : code(whereOf(e)),
      ...(scoped ? [systemOf(e)] : []),
      badge(e.status),
      e.observed,
    ]),
    { class: 'wide' },
  );
}

function remediation(inv: InvariantResult): Html | string {
  if (inv.findings.length === 0 && inv.status !== 'fail' && inv.status !== 'error') return '';
  const meta = metaFor(inv);
  const body = meta
    ? [
        prose(meta.remediation),
        // printed, not linked: the page links to nothing outside itself
        markup`<p class="muted">References: ${meta.references.map((u, i) => markup`${i ? ', ' : ''}<span class="mono">${u}</span>`)}</p>`,
      ]
    : markup`<p>No remediation is recorded for this rule.</p>`;
  return markup`<h3>Remediation</h3>
<div class="remediation">${body}</div>
`;
}

function invariantDetails(inv: InvariantResult): Html {
  const meta = metaFor(inv);
  const stride = meta ? meta.stride.map((s) => `${s.id} ${s.name}`) : inv.stride;
  const items: [string, Html | string][] = [
    ['Statement', meta?.statement ?? inv.title],
    ['STRIDE threat', stride.join('; ')],
    ['NIST SP 800-207 tenets', inv.nist.join(', ') || 'none'],
    ['Severity', inv.severity],
    ['Verdict', badge(inv.status)],
  ];
  if (inv.reason) items.push(['Reason', inv.reason]);
  const counts = `(${inv.findings.length} finding(s), ${inv.examined.length} resource(s) examined)`;
  return markup`<details class="inv s-${cls(inv.status)}" id="${invAnchor(inv.id)}">
<summary>${inv.id} ${badge(inv.status)} <span class="title">${inv.title}</span> <span class="muted">${counts}</span></summary>
${facts(items)}${
    inv.findings.length
      ? markup`<h3>Findings</h3>
<ul class="findings">
${inv.findings.map(finding)}</ul>
`
      : ''
  }<h3>Resources examined</h3>
${examinedTable(inv.examined)}${remediation(inv)}</details>
`;
}

export function invariantsSection(r: CheckResult): Html {
  return section('details', 'Evidence per invariant', [
    markup`<p class="muted">Each section opens on a click; all of them print.</p>
`,
    r.invariants.map(invariantDetails),
  ]);
}

export function suppressionsSection(r: CheckResult): Html {
  const rows = r.invariants.flatMap((inv) =>
    inv.findings
      .filter((f) => f.status === 'suppressed')
      .map((f) => {
        const s = f.suppression;
        return [
          inv.id,
          code(f.resource),
          s ? SUPPRESSION_KIND_LABEL[s.kind] : 'unknown',
          s?.reason ?? '(no reason recorded)',
          s?.file ? `${s.file}${s.line ? `:${s.line}` : ''}` : '',
          s?.expires ?? '',
        ];
      }),
  );
  return section(
    'suppressions',
    'Suppressions',
    rows.length === 0
      ? markup`<p>No finding was suppressed.</p>`
      : table(['Invariant', 'Resource', 'Kind', 'Reason', 'Written at', 'Expires'], rows),
  );
}

export function baselineSection(r: CheckResult): Html | string {
  if (!r.baseline) return '';
  const counts = { new: 0, unchanged: 0 };
  for (const inv of r.invariants)
    for (const f of inv.findings) if (f.baseline === 'new' || f.baseline === 'unchanged') counts[f.baseline] += 1;
  return section('baseline', 'Baseline', [
    markup`<p>${`Compared with the baseline ${r.baseline.file}: ${counts.new} new, ${counts.unchanged} unchanged, ${r.baseline.absent.length} fixed.`}</p>
`,
    r.baseline.absent.length
      ? table(
          ['Invariant', 'Resource', 'Fixed finding'],
          r.baseline.absent.map((a) => [a.id, code(a.resource), a.message]),
        )
      : '',
  ]);
}

/** What a check run could not read or decide, one line each: input diagnostics, undecided verdicts, limitations. */
export function checkLimitations(r: CheckResult): string[] {
  const items: string[] = [];
  for (const d of r.diagnostics) {
    const where = d.file ? `${d.file}${d.line ? `:${d.line}` : ''}${d.line && d.column ? `:${d.column}` : ''}` : '';
    items.push(`Input ${d.severity}${where ? ` at ${where}` : ''}: ${d.message}`);
  }
  for (const inv of r.invariants) {
    if (inv.status === 'error') items.push(`${inv.id} (${STATUS_LABEL.error}): ${inv.reason ?? 'see its findings'}`);
    for (const f of inv.findings) if (f.status === 'error') items.push(`${inv.id} undecided for ${f.resource}: ${f.message}`);
  }
  items.push(...r.limitations);
  return items;
}

/** The limitations section of any report: one item per line given, or `none` when there is none. */
export function limitationsSection(items: readonly string[], none: string): Html {
  return section(
    'limitations',
    'Limitations',
    items.length === 0
      ? markup`<p>${none}</p>`
      : markup`<ul>
${items.map(
  (i) => markup`<li>${i}</li>
`,
)}</ul>`,
  );
}
