import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/model/result.js';
import { render } from '../../src/report/index.js';
import { ALL_CASES, brokenResult, failingResult, suppressedResult } from './fixtures.js';

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});
const parse = (r: CheckResult) =>
  parser.parse(render(r, 'junit', { color: false })) as { testsuites: Node & { testsuite: (Node & { testcase: Node[] })[] } };

describe('JUnit XML', () => {
  it.each(ALL_CASES)('%s: parses, one suite per invariant, and the counts match the cases', (_n, make) => {
    const r = make();
    const doc = parse(r).testsuites;
    expect(doc.testsuite).toHaveLength(r.invariants.length);
    const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    for (const suite of doc.testsuite) {
      const cases = suite.testcase;
      const n = {
        tests: cases.length,
        failures: cases.filter((c) => 'failure' in c).length,
        errors: cases.filter((c) => 'error' in c).length,
        skipped: cases.filter((c) => 'skipped' in c).length,
      };
      expect({
        tests: Number(suite.tests),
        failures: Number(suite.failures),
        errors: Number(suite.errors),
        skipped: Number(suite.skipped),
      }).toEqual(n);
      for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += n[k];
    }
    expect({ tests: Number(doc.tests), failures: Number(doc.failures), errors: Number(doc.errors), skipped: Number(doc.skipped) }).toEqual(
      total,
    );
  });

  it('gives a failure per failing resource, an error per undecidable one, and skips suppressed and not applicable', () => {
    const suites = parse(failingResult()).testsuites.testsuite;
    const si1 = suites[0]!;
    expect(si1.name).toMatch(/^SI-1 /);
    const lambda = si1.testcase.find((c) => c.name === 'aws_security_group.lambda')!;
    expect((lambda.failure as Node).message).toBe('egress rule allows protocol -1 to 0.0.0.0/0 (ports 0-65535)');
    expect(si1.testcase.find((c) => c.name === 'aws_security_group.api')).not.toHaveProperty('failure');
    // XML-escaped and read back intact
    const si6 = suites[5]!.testcase[0]!;
    expect((si6.failure as Node).message).toBe(
      'point_in_time_recovery.enabled is false (var.pitr_enabled default) | see *docs* <here> _now_ https://example.com/pitr www.example.com/x',
    );
    expect(suites.at(-1)!.testcase[0]).toHaveProperty('skipped');

    const broken = parse(brokenResult()).testsuites.testsuite;
    expect((broken[1]!.testcase[0]!.error as Node).message).toMatch(/unknown \(known after apply\) & decides/);
    expect(broken[0]!.testcase[0]!.name).toBe('SI-1 ' + brokenResult().invariants[0]!.title);

    const sup = parse(suppressedResult()).testsuites.testsuite;
    expect(sup[5]!.testcase[0]).toHaveProperty('skipped');
    expect(sup[11]!.testcase[0]).toHaveProperty('skipped');
  });

  it('drops characters XML cannot carry', () => {
    const r = failingResult();
    r.invariants[0]!.findings[0]!.message = 'bad \u0001 char "quoted" \'single\'';
    r.invariants[0]!.examined = [];
    const xml = render(r, 'junit', { color: false });
    expect(xml).not.toContain('\u0001');
    const c = (parser.parse(xml) as { testsuites: { testsuite: { testcase: Node[] }[] } }).testsuites.testsuite[0]!.testcase[0]!;
    expect((c.failure as Node).message).toBe('bad  char "quoted" \'single\'');
  });
});
