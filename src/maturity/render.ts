import type { MaturitySection } from '../model/result.js';
import { describeCriterion, fmt, type Assessment } from './assess.js';
import { deltaLines, type SetOutcome } from './set.js';
import { assessMarkdown, changeBasis, diffMarkdown, displayPath, shown, statusMarkdown } from './markdown.js';
import { LEVEL_NAMES, SETTINGS, TABLE3, diffLevels, levelLabel, type Level } from './table.js';
import { assessHtml } from '../report/html/maturity.js';

/** Text, JSON, markdown, JUnit and (assess) HTML renderings of the maturity commands' results. */

export type MaturityFormat = 'text' | 'json' | 'markdown' | 'junit' | 'html';

const json = (x: unknown): string => `${JSON.stringify(x, null, 2)}\n`;
const MAX_PROBLEMS_TEXT = 50;

// ---- assess -----------------------------------------------------------------------------------

export function renderAssessment(a: Assessment, format: MaturityFormat): string {
  switch (format) {
    case 'json':
      return json(a);
    case 'markdown':
      return assessMarkdown(a, heading(a), verdict(a));
    case 'junit':
      return assessJunit(a);
    case 'html':
      return assessHtml(a, heading(a), verdict(a));
    default:
      return assessText(a);
  }
}

function heading(a: Assessment): string {
  return a.current_level === 3
    ? `${levelLabel(3)}: ongoing requirement and regression rule`
    : `${levelLabel(a.current_level)} -> ${levelLabel(a.target_level)}`;
}

function verdict(a: Assessment): string {
  if (a.current_level === 3)
    return a.eligible ? 'L3 requirements hold' : `L3 requirements do NOT hold${a.regression?.due ? ': regression to L2 is due' : ''}`;
  if (a.eligible) return `ELIGIBLE for ${levelLabel(a.target_level)} (ztait maturity set ${a.target_level})`;
  return `NOT eligible for ${levelLabel(a.target_level)}: ${a.criteria
    .filter((c) => !c.pass)
    .map((c) => c.id)
    .join(', ')}${a.regression?.due ? `; regression to L${a.regression.target_level} is due` : ''}`;
}

function assessText(a: Assessment): string {
  const w = a.window;
  const out = [
    `maturity assess: ${heading(a)}`,
    `evidence: ${a.source.kind === 'table' ? `DynamoDB table ${a.source.name}` : `${a.source.name} (${a.source.format})`}`,
    `window: ${w.from} .. ${w.to} (${w.days} days): ${w.rows} rows, ${w.reviewed} reviewed, ${w.dropped} dropped (${w.malformed} malformed, ${w.duplicates} duplicate), ${w.outside_window} outside the window`,
    '',
    ...a.criteria.map((c) => `  ${c.pass ? 'PASS' : 'FAIL'}  ${describeCriterion(c)}`),
  ];
  if (a.regression) {
    const r = a.regression;
    out.push(
      '',
      `regression rule: daily accuracy < ${r.threshold} on ${r.consecutive_days} consecutive days: ${r.due ? `DUE (-> L${r.target_level})` : `not due (longest run ${r.longest_run} day(s))`}`,
    );
    for (const run of r.runs)
      out.push(`  ${run.from} .. ${run.to}: ${run.days.map((d) => `${d.day} ${fmt(d.accuracy ?? 0)} (${d.reviewed})`).join(', ')}`);
  }
  if (a.trust_score) {
    const t = a.trust_score;
    out.push(
      '',
      `trust score T = 0.50C + 0.15B + 0.25H + 0.10E over ${t.rows} row(s): min ${fmt(t.min)}, p50 ${fmt(t.p50)}, p90 ${fmt(t.p90)}, mean ${fmt(t.mean)}, max ${fmt(t.max)}`,
    );
  }
  if (a.problems.length) {
    out.push('', `dropped rows (${a.problems.length}):`);
    for (const p of a.problems.slice(0, MAX_PROBLEMS_TEXT)) out.push(`  ${p.file}:${p.line}: ${p.message}`);
    if (a.problems.length > MAX_PROBLEMS_TEXT)
      out.push(`  ... ${a.problems.length - MAX_PROBLEMS_TEXT} more (all of them in --format json)`);
  }
  out.push('', verdict(a));
  return `${out.join('\n')}\n`;
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function assessJunit(a: Assessment): string {
  const failures = a.criteria.filter((c) => !c.pass).length;
  const name = `ztait maturity assess ${a.transition}`;
  const cases = a.criteria.map((c) => {
    const open = `    <testcase classname="ztait.maturity.${a.transition.replace(/[^0-9a-z]+/gi, '_')}" name="${xml(c.id)}">`;
    if (c.pass) return `${open}</testcase>`;
    const msg = describeCriterion(c);
    return `${open}\n      <failure message="${xml(msg)}" type="criterion">${xml(`${c.description}\n${msg}`)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(name)}" tests="${a.criteria.length}" failures="${failures}">`,
    `  <testsuite name="${xml(name)}" tests="${a.criteria.length}" failures="${failures}" errors="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

// ---- status -----------------------------------------------------------------------------------

export function renderStatus(m: MaturitySection, format: MaturityFormat): string {
  if (format === 'json') return json(m);
  const where = m.declared_at
    ? [m.declared_at.file && `${m.declared_at.file}${m.declared_at.line ? `:${m.declared_at.line}` : ''}`, m.declared_at.resource]
        .filter(Boolean)
        .join(' ')
    : '';
  const levelText = m.level === null ? 'undetermined' : `L${m.level} ${LEVEL_NAMES[m.level as Level]}`;
  const rows = ['maturity_level', ...SETTINGS].map((s) => ({
    s,
    expected: m.expected ? shown(m.expected[s]) : '',
    actual: m.actual && s in m.actual ? shown(m.actual[s]) : '(not found)',
  }));
  const result = m.consistent ? 'consistent with Table 3' : `NOT consistent${m.reason ? `: ${m.reason}` : ''}`;
  const devLoc = (d: MaturitySection['deviations'][number]): string => (d.file ? ` (${d.file}${d.line ? `:${d.line}` : ''})` : '');
  if (format === 'markdown') return statusMarkdown(m, levelText, where, result);
  const w = Math.max(...rows.map((r) => r.s.length));
  const we = Math.max(8, ...rows.map((r) => r.expected.length));
  return `${[
    `maturity level: ${levelText}${where ? ` (declared at ${where})` : ''}`,
    '',
    `  ${'setting'.padEnd(w)}  ${'expected'.padEnd(we)}  actual`,
    ...rows.map((r) => `  ${r.s.padEnd(w)}  ${r.expected.padEnd(we)}  ${r.actual}`),
    ...(m.deviations.length
      ? [
          '',
          'deviations:',
          ...m.deviations.map(
            (d) => `  ${d.resource ?? '(configuration)'}${devLoc(d)}: ${d.setting} expected ${shown(d.expected)}, found ${shown(d.actual)}`,
          ),
        ]
      : []),
    '',
    result,
  ].join('\n')}\n`;
}

// ---- diff and set -------------------------------------------------------------------------------

export function renderDiff(from: Level, to: Level, format: MaturityFormat): string {
  const changes = diffLevels(from, to);
  if (format === 'json')
    return json({
      from,
      to,
      from_name: LEVEL_NAMES[from],
      to_name: LEVEL_NAMES[to],
      changes,
      unchanged: SETTINGS.filter((s) => TABLE3[from][s] === TABLE3[to][s]),
    });
  if (format === 'markdown') return diffMarkdown(from, to);
  return `${[`Table 3 delta ${levelLabel(from)} -> ${levelLabel(to)} (Lambda environment):`, ...deltaLines(from, to).map((l) => `  ${l}`)].join('\n')}\n`;
}

export function renderSet(o: SetOutcome, format: MaturityFormat): string {
  if (format === 'json') return json(o);
  if (format === 'markdown') return o.record;
  const head =
    o.status === 'refused'
      ? `REFUSED: maturity stays ${levelLabel(o.from)} (${o.definition.file}:${o.definition.line} unchanged)`
      : o.status === 'unchanged'
        ? `maturity is already ${levelLabel(o.from)} (${o.definition.file}:${o.definition.line}): nothing to change`
        : `${o.status === 'changed' ? 'changed' : 'dry run: would change'} ${o.definition.file}:${o.definition.line}: ${o.definition.before.trim()}  ->  ${o.definition.after.trim()}`;
  const out = [head, ...o.refusals.map((r) => `  - ${r}`)];
  // a refusal says why and stops there; the full record is in --format markdown/json
  if (o.status === 'refused') return `${out.join('\n')}\n`;
  if (o.direction !== 'none')
    out.push(
      '',
      `Table 3 delta ${levelLabel(o.from)} -> ${levelLabel(o.to)} (terraform plan, environment of every agent Lambda function):`,
      ...deltaLines(o.from, o.to).map((l) => `  ${l}`),
    );
  // the change record in plain text (the markdown record: --format markdown, or --record FILE)
  const a = o.assessment;
  const evidence = a
    ? `${a.source.kind === 'table' ? `DynamoDB table ${a.source.name}` : displayPath(a.source.name)}${a.source.sha256 ? ` (sha256 ${a.source.sha256})` : ''}`
    : 'none';
  out.push(
    '',
    `basis:    ${changeBasis(o)}`,
    `who:      ${o.who}`,
    `when:     ${o.when}`,
    `evidence: ${evidence}`,
    ...(a
      ? [`window:   ${a.window.from} .. ${a.window.to}, ${a.window.rows} rows, ${a.window.reviewed} reviewed, ${a.window.dropped} dropped`]
      : []),
    `reason:   ${o.reason ?? '(none given)'}`,
  );
  if (a) out.push('', `criteria (${a.transition}):`, ...a.criteria.map((c) => `  ${c.pass ? 'PASS' : 'FAIL'}  ${describeCriterion(c)}`));
  return `${out.join('\n')}\n`;
}
