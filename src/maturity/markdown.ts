import { relative } from 'node:path';
import type { MaturitySection } from '../model/result.js';
import { bullets, document, escapeText, heading, para, table } from '../report/md.js';
import { fmt, type Assessment, type Criterion } from './assess.js';
import type { SetOutcome } from './set.js';
import { SETTINGS, diffLevels, envValue, levelLabel, type Level } from './table.js';

/**
 * Markdown for the maturity commands, built with the report's markdown blocks (src/report/md.ts) so
 * the documents are clean under markdownlint's default rules, like every other report.
 */

const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
export const shown = (v: unknown): string =>
  typeof v === 'number'
    ? Number.isInteger(v)
      ? String(v)
      : envValue(v)
    : v === null || v === undefined
      ? '(missing)'
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

/** Relative to the working directory when the file is below it, else as given. */
export function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

/** The Table 3 delta as a table (MATURITY_LEVEL first: it changes too). */
export function deltaTable(from: Level, to: Level): string[] {
  return table(
    ['setting', 'environment variable', 'before', 'after'],
    [
      ['maturity_level', 'MATURITY_LEVEL', String(from), String(to)],
      ...diffLevels(from, to).map((c) => [c.setting, c.env, shown(c.from), shown(c.to)]),
    ],
  );
}

function criterionRow(c: Criterion): string[] {
  const value =
    c.value === null
      ? 'n/a'
      : `${fmt(c.value)}${c.denominator !== undefined && c.id !== 'average_confidence' ? ` (${c.numerator}/${c.denominator})` : ''}`;
  const result = c.pass ? 'pass' : `FAIL${c.gap !== undefined ? ` (off by ${fmt(c.gap)})` : ''}`;
  return [c.id, value, c.op, fmt(c.threshold), `${result}${c.reason ? `: ${c.reason}` : ''}`];
}

const CRITERIA_HEADERS = ['criterion', 'value', 'op', 'threshold', 'result'];

export function assessMarkdown(a: Assessment, title: string, verdict: string): string {
  const w = a.window;
  const source = a.source.kind === 'table' ? `DynamoDB table ${code(a.source.name)}` : code(displayPath(a.source.name));
  const out = [
    ...heading(1, `Maturity assessment: ${escapeText(title)}`),
    ...para(`Verdict: ${verdict}.`),
    ...para(
      `Evidence: ${source}${a.source.sha256 ? ` (sha256 ${code(a.source.sha256)})` : ''}. Window ${w.from} to ${w.to} (${w.days} days): ${w.rows} rows, ${w.reviewed} reviewed, ${w.dropped} dropped.`,
      true,
    ),
    ...table(CRITERIA_HEADERS, a.criteria.map(criterionRow)),
  ];
  if (a.regression?.runs.length) {
    out.push(
      ...heading(2, 'Regression'),
      ...table(
        ['day', 'accuracy', 'reviewed'],
        a.regression.runs.flatMap((r) => r.days.map((d) => [d.day, fmt(d.accuracy ?? 0), String(d.reviewed)])),
      ),
    );
  }
  if (a.trust_score) {
    const t = a.trust_score;
    out.push(
      ...heading(2, 'Trust score'),
      ...para('T = 0.50 C + 0.15 B + 0.25 H + 0.10 E'),
      ...table(['rows', 'min', 'p50', 'p90', 'mean', 'max'], [[t.rows, t.min, t.p50, t.p90, t.mean, t.max].map((x) => fmt(x))]),
    );
  }
  if (a.problems.length) {
    out.push(
      ...heading(2, 'Dropped rows'),
      ...table(
        ['where', 'kind', 'problem'],
        a.problems.map((p) => [`${p.file}:${p.line}`, p.kind, p.message]),
      ),
    );
  }
  return document(out);
}

export function statusMarkdown(m: MaturitySection, levelText: string, where: string, result: string): string {
  const rows = ['maturity_level', ...SETTINGS].map((s) => [
    s,
    m.expected ? shown(m.expected[s]) : '',
    m.actual && s in m.actual ? shown(m.actual[s]) : '(not found)',
  ]);
  const out = [
    ...heading(1, `Maturity status: ${escapeText(levelText)}`),
    ...para(`Declared at: ${where ? code(where) : '(nowhere)'}. Result: ${escapeText(result)}.`, true),
    ...table(['setting', 'expected', 'actual'], rows),
  ];
  if (m.deviations.length) {
    out.push(
      ...heading(2, 'Deviations'),
      ...table(
        ['resource', 'setting', 'expected', 'actual', 'where'],
        m.deviations.map((d) => [
          d.resource ?? '',
          d.setting,
          shown(d.expected),
          shown(d.actual),
          d.file ? `${d.file}:${d.line ?? ''}` : '',
        ]),
      ),
    );
  }
  return document(out);
}

export function diffMarkdown(from: Level, to: Level): string {
  return document([...heading(1, `Table 3 delta: ${escapeText(`${levelLabel(from)} -> ${levelLabel(to)}`)}`), ...deltaTable(from, to)]);
}

/** On what basis a level changes (or not), in words: the change record's and the text output's `basis`. */
export function changeBasis(o: SetOutcome): string {
  const a = o.assessment;
  if (o.status === 'refused') return 'refused';
  if (o.direction === 'demotion') return 'demotion (always allowed)';
  if (o.direction === 'none') return 'no change';
  if (o.forced) return `forced (${a ? (a.eligible ? 'criteria met' : 'criteria NOT met') : 'no evidence'})`;
  return 'entry criteria met';
}

/** The markdown change record for the pull request: who, when, on what basis, with which numbers. */
export function changeRecord(o: SetOutcome): string {
  const a = o.assessment;
  const basis = changeBasis(o);
  const evidence = a
    ? `${a.source.kind === 'table' ? `table ${code(a.source.name)}` : code(displayPath(a.source.name))}${a.source.sha256 ? ` sha256 ${code(a.source.sha256)}` : ''}`
    : 'none';
  // a list, not a table: names, paths and e-mail addresses go in code spans (no autolinks, no escaping)
  const facts = [
    `change: ${escapeText(`${levelLabel(o.from)} -> ${levelLabel(o.to)} (${o.direction})`)}`,
    `status: ${o.status}`,
    `basis: ${escapeText(basis)}`,
    `where: ${code(`${o.definition.file}:${o.definition.line}`)} (${o.definition.kind === 'tfvars' ? 'tfvars entry' : 'variable default'})`,
    `who: ${code(o.who)}`,
    `when: ${o.when}`,
    `evidence: ${evidence}`,
  ];
  if (a)
    facts.push(
      `window: ${a.window.from} to ${a.window.to}, ${a.window.rows} rows, ${a.window.reviewed} reviewed, ${a.window.dropped} dropped`,
    );
  facts.push(`reason: ${o.reason ? escapeText(o.reason) : '(none given)'}`);
  const out = [...heading(1, `Maturity change: ${escapeText(`${levelLabel(o.from)} -> ${levelLabel(o.to)}`)}`), ...bullets(facts)];
  if (o.direction !== 'none') {
    // the line exactly as it is and as it will be (a fence keeps its spacing; it cannot wrap)
    out.push(
      ...heading(2, 'Edit'),
      '<!-- markdownlint-disable MD013 -->',
      '',
      '```diff',
      `- ${o.definition.before}`,
      `+ ${o.definition.after}`,
      '```',
      '',
      '<!-- markdownlint-enable MD013 -->',
      '',
    );
  }
  if (o.refusals.length) out.push(...heading(2, 'Refused'), ...bullets(o.refusals.map((r) => escapeText(r))));
  if (a) out.push(...heading(2, `Criteria (${escapeText(a.transition)})`), ...table(CRITERIA_HEADERS, a.criteria.map(criterionRow)));
  if (o.direction !== 'none')
    out.push(
      ...heading(2, 'Table 3 delta'),
      ...para('What terraform plan will show in the environment of every agent Lambda function.'),
      ...deltaTable(o.from, o.to),
    );
  return document(out);
}
