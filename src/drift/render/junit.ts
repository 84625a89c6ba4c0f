import { attrs, xmlEscape } from '../../report/junit.js';
import type { DriftResult } from '../model.js';
import { accountWhere, codeWhere, impactText, itemTitle } from './common.js';

/**
 * JUnit for CI: one test case per invariant (failing when drift bears on it), and one for the drift
 * that bears on none (failing only when it makes the run fail: --fail-on-any-drift).
 */
export function renderDriftJunit(r: DriftResult): string {
  const cases: string[] = [];
  let failures = 0;
  const line = (i: DriftResult['items'][number]): string =>
    [
      itemTitle(i),
      i.kind === 'changed' ? `code ${i.expected ?? ''}, account ${i.actual ?? ''}` : '',
      codeWhere(i) ?? '',
      accountWhere(i) ?? '',
      ...(i.detail ?? []),
    ]
      .filter(Boolean)
      .join(' | ');
  for (const v of r.verdicts) {
    const items = r.items.filter((i) => v.drift.includes(i.fingerprint));
    const name = `${v.id} code ${v.code}, account ${v.account}`;
    if (items.length === 0) {
      cases.push(`    <testcase${attrs({ classname: 'ztait.drift', name })}/>`);
      continue;
    }
    failures++;
    const impacts = items.flatMap((i) => i.invariants.filter((x) => x.invariant === v.id).map((x) => `${impactText(x)}: ${line(i)}`));
    cases.push(
      `    <testcase${attrs({ classname: 'ztait.drift', name })}>\n      <failure${attrs({ message: `${items.length} drift item(s) bear on ${v.id}`, type: 'drift' })}>${xmlEscape(impacts.join('\n'))}</failure>\n    </testcase>`,
    );
  }
  const other = r.items.filter((i) => i.invariants.length === 0);
  const otherName = 'drift bearing on no invariant';
  if (other.length === 0) cases.push(`    <testcase${attrs({ classname: 'ztait.drift', name: otherName })}/>`);
  else if (r.outcome.exit === 1) {
    failures++;
    cases.push(
      `    <testcase${attrs({ classname: 'ztait.drift', name: otherName })}>\n      <failure${attrs({ message: `${other.length} drift item(s)`, type: 'drift' })}>${xmlEscape(other.map(line).join('\n'))}</failure>\n    </testcase>`,
    );
  } else {
    cases.push(
      `    <testcase${attrs({ classname: 'ztait.drift', name: otherName })}>\n      <system-out>${xmlEscape(other.map(line).join('\n'))}</system-out>\n    </testcase>`,
    );
  }
  // the code not read in full: the drift of what it hides is undecided, an error rather than a pass
  const errors = r.outcome.exit === 2 ? 1 : 0;
  if (errors)
    cases.push(
      `    <testcase${attrs({ classname: 'ztait.drift', name: 'the code read in full' })}>\n      <error${attrs({ message: r.outcome.reason, type: 'input' })}/>\n    </testcase>`,
    );
  const tests = cases.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'ztait drift', tests, failures, errors })}>`,
    `  <testsuite${attrs({ name: 'ztait drift', tests, failures, errors, skipped: 0, timestamp: r.generated_at.replace(/\.\d+Z$/, '') })}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
