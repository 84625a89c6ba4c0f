/**
 * The drift report as one self-contained HTML page, built like the check report (src/report/html/):
 * the same page shell, stylesheet and CSP (no script, no request), every string from the result
 * through `markup`/`esc`, the same bytes for the same result. The first screen holds the verdict,
 * the two sides and the invariants' verdicts side by side; then the drift items in the order every
 * drift format uses (the alarming ones first, marked), what was not compared, and the limitations.
 */
import type { Status } from '../../model/result.js';
import { STATUSES } from '../../model/result.js';
import { STATUS_LABEL } from '../../report/common.js';
import { limitationsSection } from '../../report/html/details.js';
import { cls, markup, type Html } from '../../report/html/escape.js';
import { inputFiles } from '../../report/html/overview.js';
import { page } from '../../report/html/page.js';
import { badge, code, facts, legend, section, table, type Cell } from '../../report/html/parts.js';
import type { DriftImpact, DriftItem, DriftResult } from '../model.js';
import { accountName, accountWhere, codeName, codeWhere, EFFECT_TEXT, itemTitle, sections, summaryLine } from './common.js';

/** A value longer than this is folded: its first characters in the summary, all of it inside. */
const LONG_VALUE = 140;
/** More lines of difference than this are folded. */
const LONG_DETAIL = 4;

function verdict(r: DriftResult): { word: string; line: string; tone: Status } {
  const exit = r.outcome.exit;
  if (exit === 2) return { word: 'INCOMPLETE', line: `INCOMPLETE (exit 2): ${r.outcome.reason}`, tone: 'error' };
  const word = r.items.length === 0 ? 'NO DRIFT' : 'DRIFT';
  return { word, line: `${word} (exit ${exit}): ${r.outcome.reason}`, tone: exit === 1 ? 'fail' : 'pass' };
}

function scope(r: DriftResult): Html {
  const items: [string, Html | string][] = [
    ['Code', codeName(r)],
    ['Account', accountName(r)],
  ];
  if (r.account.caller) items.push(['Caller identity', code(r.account.caller)]);
  items.push(
    ['Namespace', code(r.account.prefix)],
    ['Tool', `${r.tool.name} ${r.tool.version}`],
    ['Generated at', `${r.generated_at} (UTC)`],
    ['Command line', code(r.command_line)],
  );
  return section('scope', 'Scope', [
    facts(items),
    inputFiles(r.code.inputs, 'No code input file was recorded.', 'code input file(s)'),
    inputFiles(r.account.inputs, 'No snapshot: the account was read live through the AWS APIs.', 'snapshot file(s)'),
  ]);
}

const verdictCell = (s: Status): Cell => ({ value: STATUS_LABEL[s], class: `v s-${cls(s)}` });

/** Each invariant's verdict on the code and on the account, side by side, in the grid's colours. */
function verdicts(r: DriftResult, anchors: Map<string, string>): Html {
  const differ = r.verdicts.filter((v) => v.code !== v.account).length;
  return section('verdicts', 'Verdicts, code against account', [
    markup`<p>${`${r.verdicts.length} invariant(s); ${differ} with a different verdict in the account.`}</p>
`,
    table(
      ['Invariant', 'Title', 'Code', 'Account', 'Drift items'],
      r.verdicts.map((v) => [
        v.id,
        v.title,
        verdictCell(v.code),
        verdictCell(v.account),
        markup`${v.drift.map((f, i) => {
          const id = anchors.get(f);
          return markup`${i ? ', ' : ''}${id ? markup`<a href="#${id}">${id.replace('item-', '#')}</a>` : f}`;
        })}${v.code !== v.account ? markup`${v.drift.length ? '; ' : ''}<strong>verdict differs</strong>` : ''}`,
      ]),
      { class: 'verdicts' },
    ),
    legend(STATUSES),
  ]);
}

/** A value as code; a long one folded, its start as the summary. */
function value(v: string): Html {
  if (v.length <= LONG_VALUE) return code(v);
  return markup`<details class="sub"><summary>${code(`${v.slice(0, 60)}…`)} ${`(${v.length} characters)`}</summary>${code(v)}</details>`;
}

function side(v: string | undefined, where: string | undefined): Html {
  return markup`${v !== undefined ? value(v) : ''}${v !== undefined && where ? ' at ' : ''}${where ? code(where) : ''}`;
}

function impact(x: DriftImpact): Html {
  const text = markup`<strong>${x.invariant}</strong> ${EFFECT_TEXT[x.effect]}: code ${badge(x.code)}, account ${badge(x.account)}`;
  return markup`<li>${x.effect === 'fails_in_account' ? markup`<strong>${text}</strong>` : text}</li>`;
}

/** How an item is coloured: alarming as a failure, undecided as an error, other drift in grey. */
const tone = (i: DriftItem): Status =>
  i.alarming ? 'fail' : i.kind === 'ambiguous' || i.kind === 'unreadable' ? 'error' : i.invariants.length ? 'fail' : 'not_applicable';

function item(i: DriftItem, id: string): Html {
  const where = codeWhere(i);
  const account = accountWhere(i);
  const rows: [string, Html | string][] = [];
  if (i.kind === 'changed' || where) rows.push(['Code', side(i.kind === 'changed' ? (i.expected ?? '') : undefined, where)]);
  if (i.file && i.address) rows.push(['Address', code(i.address)]);
  if (i.kind === 'changed' || account) rows.push(['Account', side(i.kind === 'changed' ? (i.actual ?? '') : undefined, account)]);
  if (i.reason) rows.push(['Why', i.reason]);
  if (i.candidates?.length) rows.push(['Candidates', markup`${i.candidates.map((c, n) => markup`${n ? ', ' : ''}${code(c)}`)}`]);
  rows.push([
    'Invariants',
    i.invariants.length
      ? markup`<ul class="impacts">${i.invariants.map(impact)}</ul>`
      : markup`<span class="muted">none: no invariant's verdict reads this</span>`,
  ]);
  const detail = i.detail ?? [];
  const lines = markup`<ul class="impacts">${detail.map((d) => markup`<li>${d}</li>`)}</ul>`;
  const differs = !detail.length
    ? ''
    : detail.length > LONG_DETAIL
      ? markup`<details class="sub"><summary>${`${detail.length} lines of difference`}</summary>${lines}</details>`
      : markup`<div class="muted">What differs:</div>${lines}`;
  return markup`<article class="item s-${cls(tone(i))}" id="${id}">
<h3>${i.alarming ? markup`<span class="badge s-fail">ALARMING</span> ` : ''}${itemTitle(i)}</h3>
${facts(rows)}${differs}</article>
`;
}

function notCompared(r: DriftResult): Html {
  return section(
    'not-compared',
    'Not compared',
    r.not_compared.length === 0
      ? markup`<p>Everything in scope was compared.</p>`
      : table(
          ['What, and why', { value: 'Count', class: 'num' }, 'Examples'],
          r.not_compared.map((n) => [
            n.reason,
            { value: n.count, class: 'num' },
            markup`${n.examples.map((e, k) => markup`${k ? ', ' : ''}${code(e)}`)}`,
          ]),
        ),
  );
}

/** The drift result as an HTML page. */
export function renderDriftHtml(r: DriftResult): string {
  const v = verdict(r);
  // each item's anchor, in the order the page shows them: the verdicts table links to them
  const anchors = new Map<string, string>();
  const parts = sections(r).map((s) => {
    const items = s.items.map((i) => {
      const id = `item-${anchors.size + 1}`;
      anchors.set(i.fingerprint, id);
      return item(i, id);
    });
    return section(`drift-${s.id}`, `${s.title} (${s.items.length})`, items);
  });
  const none = r.items.length === 0 ? section('drift-none', 'Drift', markup`<p>No drift in anything compared.</p>`) : '';
  return page({
    title: `ztait drift report: ${v.word}`,
    generator: `${r.tool.name} ${r.tool.version}`,
    tone: `s-${cls(v.tone)}`,
    header: markup`<h1>ztait drift report</h1>
<p class="verdict">${v.line}</p>
<p>${`${summaryLine(r)}.`}</p>`,
    body: markup`${scope(r)}${verdicts(r, anchors)}${none}${parts}${notCompared(r)}${limitationsSection(r.limitations, 'None: both sides were read in full.')}`,
    footer: markup`<p>${`Generated by ${r.tool.name} ${r.tool.version} at ${r.generated_at} from the result of one drift run. The page loads nothing and runs no script.`}</p>`,
  });
}
