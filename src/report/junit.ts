import type { CheckResult, Examined, Finding, InvariantResult } from '../model/result.js';
import { gateVerdict, sortExamined, STATUS_LABEL, systemInvariants, traceStep, weakenedBy, whereOf } from './common.js';

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

/** XML attributes ` k="v"`, escaped; an undefined value is left out. */
export function attrs(a: Record<string, string | number | undefined>): string {
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

/** Counts of the cases written, added to the run's totals. */
type Totals = { tests: number; failures: number; errors: number; skipped: number };

/** A testsuite: its properties, then its cases (each with the invariant it belongs to). */
function suiteXml(
  r: CheckResult,
  name: string,
  id: number,
  props: [string, string][],
  cases: [InvariantResult, Case][],
  totals: Totals,
): string[] {
  const count = (o: Outcome) => cases.filter(([, c]) => c.outcome === o).length;
  const n = { tests: cases.length, failures: count('fail'), errors: count('error'), skipped: count('skipped') };
  totals.tests += n.tests;
  totals.failures += n.failures;
  totals.errors += n.errors;
  totals.skipped += n.skipped;
  return [
    `  <testsuite${attrs({ name, id, ...n, time: '0', timestamp: r.generated_at.replace(/\.\d+Z$|Z$/, '') })}>`,
    `    <properties>`,
    ...props.map(([k, v]) => `      <property${attrs({ name: k, value: v })}/>`),
    `    </properties>`,
    ...cases.flatMap(([inv, c]) => caseXml(inv, c)),
    '  </testsuite>',
  ];
}

/** An invariant's facts as suite properties. */
function invariantProps(inv: InvariantResult): [string, string][] {
  return [
    ['status', inv.status],
    ['severity', inv.severity],
    ['stride', inv.stride.join('; ')],
    ['nist', inv.nist.join(',')],
    ...(inv.reason ? [['reason', inv.reason] as [string, string]] : []),
  ];
}

/**
 * A fleet run: one testsuite per account x region (`111122223333/us-east-1`), its cases those of
 * each invariant there (classname the invariant), so a CI view groups the verdicts by account.
 */
function fleetSuites(r: CheckResult, totals: Totals): string[] {
  const names = new Map((r.fleet?.accounts ?? []).map((a) => [a.id, a.name]));
  return (r.systems ?? []).flatMap((sys, i) => {
    const name = names.get(sys.account ?? '');
    const props: [string, string][] = [
      ['account', sys.account ?? ''],
      ...(name ? [['account.name', name] as [string, string]] : []),
      ...(sys.region ? [['region', sys.region] as [string, string]] : []),
      ['status', sys.status],
    ];
    const cases = systemInvariants(r, sys).flatMap((inv) => casesOf(inv).map((c) => [inv, c] as [InvariantResult, Case]));
    return suiteXml(r, sys.root, i, props, cases, totals);
  });
}

/**
 * JUnit XML for CI test views: one testsuite per invariant, one testcase per examined resource
 * (or one named after the invariant when none was examined); fail -> <failure>, error -> <error>,
 * not applicable and suppressed -> <skipped>. A fleet run has one testsuite per account x region
 * instead. Counts are computed from the cases written.
 */
export function renderJunit(r: CheckResult): string {
  const totals: Totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites: string[] = r.fleet
    ? fleetSuites(r, totals)
    : r.invariants.flatMap((inv, i) =>
        suiteXml(
          r,
          `${inv.id} ${inv.title}`,
          i,
          invariantProps(inv),
          casesOf(inv).map((c) => [inv, c] as [InvariantResult, Case]),
          totals,
        ),
      );
  suites.push(...configSuite(r));
  const head = `<testsuites${attrs({ name: `ztait ${r.tool.version}: ${gateVerdict(r).line}`, ...totals, time: '0' })}>`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', head, ...suites, '</testsuites>', ''].join('\n');
}
