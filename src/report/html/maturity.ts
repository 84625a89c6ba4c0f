import { describeCriterion, fmt, type Assessment, type Criterion } from '../../maturity/assess.js';
import { displayPath } from '../../maturity/markdown.js';
import { REGRESSION_RULE, TRUST_WEIGHTS } from '../../maturity/metrics.js';
import { VERSION } from '../../version.js';
import { markup, type Html } from './escape.js';
import { code, facts, section, table } from './parts.js';
import { page } from './page.js';
import { dailyLine, histogram, thresholdBars, type ThresholdBar } from './svg.js';

/**
 * `ztait maturity assess --format html`: the criteria as bars against their thresholds, the daily
 * agreement (the accuracy at L3) over the window with the regression band shaded, the trust-score
 * histogram, and the tables behind them. Rendered from the assessment alone: deterministic.
 */

/** Rates (and the average confidence) are in [0, 1]; counts get a scale a little above value and threshold. */
function bar(c: Criterion): ThresholdBar {
  const rate = c.denominator !== undefined;
  const frac = rate && c.id !== 'average_confidence' ? ` (${c.numerator}/${c.denominator})` : '';
  return {
    label: c.id,
    value: c.value,
    threshold: c.threshold,
    max: rate ? 1 : Math.ceil(Math.max(c.value ?? 0, c.threshold, 1) * 1.25),
    pass: c.pass,
    // (the table under the chart gives the value in full)
    valueText: c.value === null ? 'n/a' : `${Number.isInteger(c.value) ? c.value : c.value.toFixed(3)}${frac}`,
    thresholdText: `${c.pass ? 'pass' : 'FAIL'}: ${c.op} ${fmt(c.threshold)}`,
  };
}

function criteriaSection(a: Assessment, title: string): Html {
  return section('criteria', `Criteria (${a.transition})`, [
    markup`<figure>${thresholdBars(a.criteria.map(bar), `Criteria of ${title} against their thresholds`)}<figcaption>Each criterion's value (green: holds, red: does not) against its threshold (dashed).</figcaption></figure>
`,
    table(
      ['Criterion', 'Description', 'Result', 'Detail'],
      a.criteria.map((c) => [code(c.id), c.description, markup`<strong>${c.pass ? 'pass' : 'FAIL'}</strong>`, describeCriterion(c)]),
    ),
  ]);
}

function dailySection(a: Assessment): Html {
  const r = a.regression;
  const band = r?.threshold ?? REGRESSION_RULE.threshold;
  const days = r?.consecutive_days ?? REGRESSION_RULE.consecutiveDays;
  const metric = a.current_level === 3 ? 'accuracy' : 'agreement';
  const chart = dailyLine(
    a.daily.map((d) => ({ day: d.day, value: d.accuracy, reviewed: d.reviewed })),
    {
      label: `Daily ${metric} over the window; under ${band} shaded`,
      band,
      runs: r?.runs ?? [],
      xLabel: `daily ${metric} (reviewed rows that agree on severity and action), UTC days`,
    },
  );
  const caption = `The band under ${band} is shaded; ${days} consecutive days in it make regression due${r ? '' : ' (the rule applies at L2 and L3)'}, and such runs are shaded over their days. A day without reviewed rows has no point and ends a run.`;
  return section('daily', `Daily ${metric}`, [
    a.daily.length
      ? markup`<figure>${chart}<figcaption>${caption}</figcaption></figure>
`
      : markup`<p>No day in the window.</p>`,
    r
      ? markup`<p>${`Regression rule: ${r.due ? `DUE (to L${r.target_level})` : 'not due'}; longest run under ${band}: ${r.longest_run} day(s).`}</p>
`
      : '',
    r?.runs.length
      ? table(
          ['Day', { value: 'Accuracy', class: 'num' }, { value: 'Reviewed', class: 'num' }],
          r.runs.flatMap((run) =>
            run.days.map((d) => [d.day, { value: fmt(d.accuracy ?? 0), class: 'num' }, { value: d.reviewed, class: 'num' }]),
          ),
        )
      : '',
  ]);
}

function trustSection(a: Assessment): Html {
  const t = a.trust_score;
  const bins = a.trust_histogram;
  const w = TRUST_WEIGHTS;
  return section('trust', 'Trust score', [
    markup`<p>${`T = ${w.c} C + ${w.b} B + ${w.h} H + ${w.e} E (model confidence, behavioural consistency, historical accuracy, environmental context).`}</p>
`,
    t && bins
      ? [
          markup`<figure>${histogram(bins, `Trust score distribution over ${t.rows} row(s)`, 'trust score T')}<figcaption>${`Rows per bin of width ${fmt(bins[0]!.to - bins[0]!.from)}.`}</figcaption></figure>
`,
          table(
            ['Rows', 'Min', 'p50', 'p90', 'Mean', 'Max'],
            [[t.rows, t.min, t.p50, t.p90, t.mean, t.max].map((x) => ({ value: fmt(x), class: 'num' }))],
          ),
        ]
      : markup`<p>No row in the window carries the trust components (C, B, H, E).</p>
`,
  ]);
}

export function assessHtml(a: Assessment, title: string, verdict: string): string {
  const w = a.window;
  const evidence = a.source.kind === 'table' ? markup`DynamoDB table ${code(a.source.name)}` : code(displayPath(a.source.name));
  const scope = facts([
    ['Evidence', markup`${evidence}${a.source.sha256 ? markup` (sha256 ${code(a.source.sha256)})` : ''}`],
    ['Window', `${w.from} to ${w.to} (${w.days} days)`],
    [
      'Rows',
      `${w.rows} in the window, ${w.reviewed} reviewed, ${w.dropped} dropped (${w.malformed} malformed, ${w.duplicates} duplicate), ${w.outside_window} outside the window`,
    ],
    ['Tool', `ztait ${VERSION}`],
  ]);
  const problems = a.problems.length
    ? section(
        'dropped',
        'Dropped rows',
        markup`<details class="sub"><summary>${`${a.problems.length} row(s) dropped`}</summary>
${table(
  ['Where', 'Kind', 'Problem'],
  a.problems.map((p) => [code(`${p.file}:${p.line}`), p.kind, p.message]),
)}</details>
`,
      )
    : '';
  return page({
    title: `ztait maturity assessment ${a.transition}: ${a.eligible ? 'criteria hold' : 'criteria not met'}`,
    generator: `ztait ${VERSION}`,
    tone: a.eligible ? 's-pass' : 's-fail',
    header: markup`<h1>${`Maturity assessment: ${title}`}</h1>
<p class="verdict">${verdict}</p>`,
    body: markup`${section('evidence', 'Evidence', scope)}${criteriaSection(a, title)}${dailySection(a)}${trustSection(a)}${problems}`,
    footer: markup`<p>${`Generated by ztait ${VERSION} from the decision log. The page loads nothing and runs no script.`}</p>`,
  });
}
