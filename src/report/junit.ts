import type { CheckResult, Examined, Finding, InvariantResult } from '../model/result.js';
import { gateVerdict, sortExamined, STATUS_LABEL, traceStep, weakenedBy, whereOf } from './common.js';

/** XML 1.0 text/attribute escape; characters XML cannot carry at all are dropped. */
export function xmlEscape(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      // a lone surrogate is no character at all: XML parsers reject the whole report
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      .replace(/\r/g, '&#13;')
      .replace(/\n/g, '&#10;')
      .replace(/\t/g, '&#9;')
  );
}

type Outcome = 'pass' | 'fail' | 'error' | 'skipped';

interface Case {
  name: string;
  file?: string;
  line?: number;
  outcome: Outcome;
  message: string;
  detail: string;
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

function outcomeOf(status: Examined['status'] | Finding['status'] | InvariantResult['status']): Outcome {
  if (status === 'fail' || status === 'error') return status;
  if (status === 'pass') return 'pass';
  return 'skipped';
}

function findingText(f: Finding): string {
  const sup = f.suppression ? ` (suppressed ${f.suppression.kind}: ${f.suppression.reason})` : '';
  const trace = (f.trace ?? []).map((t, i) => `\n  ${i === 0 ? 'because' : '   from'} ${traceStep(t)}`).join('');
  return `${whereOf(f) || f.resource}: ${f.message}${sup}${trace}`;
}

/** One case per examined resource; findings attach to their resource, unmatched findings get their own case. */
function casesOf(inv: InvariantResult): Case[] {
  const findings = inv.findings;
  const used = new Set<Finding>();
  const cases: Case[] = sortExamined(inv.examined).map((e) => {
    const mine = findings.filter((f) => f.resource === e.resource && f.root === e.root && (!e.file || !f.file || f.file === e.file));
    mine.forEach((f) => used.add(f));
    const relevant = mine.filter((f) => f.status === e.status || e.status === 'suppressed');
    const message = relevant.map((f) => f.message).join('; ') || e.observed;
    return {
      name: e.root ? `${e.root}: ${e.resource}` : e.resource,
      file: e.file,
      line: e.line,
      outcome: outcomeOf(e.status),
      message,
      detail: [`observed: ${e.observed}`, ...mine.map(findingText)].join('\n'),
    };
  });
  for (const f of findings.filter((x) => !used.has(x))) {
    cases.push({
      name: f.root ? `${f.root}: ${f.resource}` : f.resource,
      file: f.file,
      line: f.line,
      outcome: outcomeOf(f.status),
      message: f.message,
      detail: findingText(f),
    });
  }
  if (cases.length === 0) {
    const message = inv.reason ?? `${inv.id} ${STATUS_LABEL[inv.status]}`;
    cases.push({ name: `${inv.id} ${inv.title}`, outcome: outcomeOf(inv.status), message, detail: message });
  }
  return cases;
}

function caseXml(inv: InvariantResult, c: Case): string[] {
  const open = `    <testcase${attrs({ name: c.name, classname: inv.id, file: c.file, line: c.line, time: '0' })}`;
  switch (c.outcome) {
    case 'pass':
      return [`${open}/>`];
    case 'fail':
      return [
        `${open}>`,
        `      <failure${attrs({ message: c.message, type: inv.severity })}>${xmlEscape(c.detail)}</failure>`,
        '    </testcase>',
      ];
    case 'error':
      return [
        `${open}>`,
        `      <error${attrs({ message: c.message, type: 'undecidable' })}>${xmlEscape(c.detail)}</error>`,
        '    </testcase>',
      ];
    case 'skipped':
      return [`${open}>`, `      <skipped${attrs({ message: c.message })}/>`, '    </testcase>'];
  }
}

/**
 * The configuration file and each setting that weakened the gate, as the properties of a suite with
 * no test cases (so the counts stay those of the invariants).
 */
function configSuite(r: CheckResult): string[] {
  const cfg = r.config;
  if (!cfg) return [];
  const props = [
    `      <property${attrs({ name: 'config.mode', value: cfg.mode })}/>`,
    ...cfg.files.map((f) => `      <property${attrs({ name: 'config.file', value: f })}/>`),
    ...cfg.weakenings.map((w) => `      <property${attrs({ name: `gate.weakened.${w.kind}`, value: `${weakenedBy(w)}: ${w.detail}` })}/>`),
  ];
  return [
    `  <testsuite${attrs({ name: 'ztait configuration', tests: 0, failures: 0, errors: 0, skipped: 0, time: '0', timestamp: r.generated_at.replace(/\.\d+Z$|Z$/, '') })}>`,
    '    <properties>',
    ...props,
    '    </properties>',
    '  </testsuite>',
  ];
}

/**
 * JUnit XML for CI test views: one testsuite per invariant, one testcase per examined resource
 * (or one named after the invariant when none was examined); fail -> <failure>, error -> <error>,
 * not applicable and suppressed -> <skipped>. Counts are computed from the cases written.
 */
export function renderJunit(r: CheckResult): string {
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites: string[] = [];
  r.invariants.forEach((inv, i) => {
    const cases = casesOf(inv);
    const count = (o: Outcome) => cases.filter((c) => c.outcome === o).length;
    const n = { tests: cases.length, failures: count('fail'), errors: count('error'), skipped: count('skipped') };
    totals.tests += n.tests;
    totals.failures += n.failures;
    totals.errors += n.errors;
    totals.skipped += n.skipped;
    suites.push(
      `  <testsuite${attrs({ name: `${inv.id} ${inv.title}`, id: i, tests: n.tests, failures: n.failures, errors: n.errors, skipped: n.skipped, time: '0', timestamp: r.generated_at.replace(/\.\d+Z$|Z$/, '') })}>`,
      `    <properties>`,
      `      <property${attrs({ name: 'status', value: inv.status })}/>`,
      `      <property${attrs({ name: 'severity', value: inv.severity })}/>`,
      `      <property${attrs({ name: 'stride', value: inv.stride.join('; ') })}/>`,
      `      <property${attrs({ name: 'nist', value: inv.nist.join(',') })}/>`,
      ...(inv.reason ? [`      <property${attrs({ name: 'reason', value: inv.reason })}/>`] : []),
      `    </properties>`,
      ...cases.flatMap((c) => caseXml(inv, c)),
      '  </testsuite>',
    );
  });
  suites.push(...configSuite(r));
  const head = `<testsuites${attrs({ name: `ztait ${r.tool.version}: ${gateVerdict(r).line}`, ...totals, time: '0' })}>`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', head, ...suites, '</testsuites>', ''].join('\n');
}
