/**
 * Property test of the SARIF writer (issue 9): any CheckResult the tool can produce - any rule ids
 * and statuses, findings with or without file, line 0 or past the end line, absolute or odd paths
 * (spaces, `..`, `%`, `#`, unicode, Windows drives, URLs), messages of any text, suppressions,
 * baselines, diagnostics, limitations, a live account - renders to a SARIF log that is valid
 * against the SARIF 2.1.0 JSON schema (vendored at test/fixtures-schemas, checked with ajv).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckResult, Examined, Finding, InvariantResult, Status } from '../../src/model/result.js';
import { STATUSES } from '../../src/model/result.js';
import { render } from '../../src/report/index.js';
import { loadRules, nistStatus } from '../../src/rules/catalog/metadata.js';
import { schemaErrors } from '../report/tools.js';

const RULE_IDS = loadRules().map((r) => r.id);

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '.',
    'ends with a period.',
    'line\nbreak',
    'tab\there',
    '`code` *md* <html> & "q"',
    '\u0000\u001f',
    '{0} {1}',
    '%SRCROOT%',
  ),
);
const path = fc.oneof(
  fc.constantFrom(
    'main.tf',
    'modules/foundation/dynamodb.tf',
    './main.tf',
    '../outside.tf',
    '/abs/path/main.tf',
    'C:\\win\\main.tf',
    'c:/win/main.tf',
    'dir with space/ä ö.tf',
    '100%/#hash?.tf',
    'https://example.com/x.tf',
    '(command line)',
    '',
    'a//b.tf',
    'tfplan.json',
  ),
  fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }).map((xs) => xs.join('/')),
);
const line = fc.option(fc.oneof(fc.integer({ min: -2, max: 3 }), fc.integer({ min: 1, max: 1_000_000 })), { nil: undefined });
const sha = fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.constantFrom('', 'not-hex'));
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/** An object without its undefined fields (the JSON contract never holds undefined). */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const suppression = fc
  .record({
    kind: fc.constantFrom('inSource' as const, 'external' as const),
    reason: text,
    file: opt(path),
    line,
    expires: opt(fc.constantFrom('2027-03-31', 'never', '')),
  })
  .map(compact);

const finding: fc.Arbitrary<Finding> = fc
  .record({
    resource: text,
    arn: opt(
      fc.constantFrom('arn:aws:dynamodb:eu-west-1:123456789012:table/ztait-audit', 'arn:aws:iam::123456789012:role/x', 'not an arn'),
    ),
    file: opt(path),
    line,
    end_line: line,
    column: line,
    end_column: line,
    message: text,
    status: fc.constantFrom('fail' as const, 'error' as const, 'suppressed' as const),
    suppression: opt(suppression),
    fingerprint: fc.oneof(fc.stringMatching(/^[0-9a-f]{16}$/), text),
    baseline: opt(fc.constantFrom('new' as const, 'unchanged' as const, 'absent' as const)),
  })
  .map(compact);

const examined: fc.Arbitrary<Examined> = fc
  .record({
    resource: text,
    arn: opt(text),
    file: opt(path),
    line,
    status: fc.constantFrom('pass' as const, 'fail' as const, 'error' as const, 'suppressed' as const),
    observed: text,
  })
  .map(compact);

const invariant: fc.Arbitrary<InvariantResult> = fc
  .record({
    id: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...RULE_IDS) },
      { weight: 1, arbitrary: fc.constantFrom('SI-99', 'ZT-X-1', 'custom') },
    ),
    title: text,
    status: fc.constantFrom(...STATUSES),
    severity: fc.constantFrom('critical' as const, 'high' as const, 'medium' as const, 'low' as const),
    stride: fc.array(text, { maxLength: 2 }),
    nist: fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 3 }),
    findings: fc.array(finding, { maxLength: 4 }),
    examined: fc.array(examined, { maxLength: 2 }),
    reason: opt(text),
  })
  .map(compact);

const diagnostic = fc
  .record({ severity: fc.constantFrom('error' as const, 'warning' as const), message: text, file: opt(path), line, column: line })
  .map(compact);

const checkResult: fc.Arbitrary<CheckResult> = fc
  .record({
    kind: fc.constantFrom('hcl' as const, 'plan' as const, 'live' as const),
    inputs: fc.array(fc.record({ path, sha256: sha }), { maxLength: 4 }),
    account: opt(
      fc
        .record({ id: opt(fc.constantFrom('123456789012', '')), region: opt(fc.constantFrom('eu-west-1', '')), caller: opt(text) })
        .map(compact),
    ),
    // Unique ids, as the engine reports each rule once.
    invariants: fc.uniqueArray(invariant, { selector: (i) => i.id, maxLength: 8 }),
    generated_at: fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    command_line: text,
    diagnostics: fc.array(diagnostic, { maxLength: 3 }),
    limitations: fc.array(text, { maxLength: 3 }),
    gate: fc.record({ passed: fc.boolean(), reason: text }),
    absent: fc.array(fc.record({ id: fc.constantFrom(...RULE_IDS, 'SI-99'), resource: text, fingerprint: text, message: text }), {
      maxLength: 2,
    }),
    level: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
  })
  .map((r): CheckResult => {
    const summary = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
    for (const i of r.invariants) summary[i.status] += 1;
    return {
      tool: { name: 'ztait', version: '0.1.0' },
      source: { kind: r.kind, inputs: r.inputs, ...(r.kind === 'live' && r.account ? { account: r.account } : {}) },
      generated_at: r.generated_at,
      command_line: r.command_line,
      summary,
      inventory: { resources: r.invariants.length * 3, by_type: { aws_lambda_function: r.invariants.length } },
      invariants: r.invariants,
      maturity: { level: r.level, consistent: r.level !== null, deviations: [] },
      nist: nistStatus(r.invariants),
      diagnostics: r.diagnostics,
      limitations: r.limitations,
      gate: r.gate,
      ...(r.absent.length ? { baseline: { file: 'baseline.json', absent: r.absent } } : {}),
    };
  });

describe('the SARIF writer on random results', () => {
  it('always writes a log that is valid against the SARIF 2.1.0 schema', () => {
    fc.assert(
      fc.property(checkResult, (result) => {
        const out = render(result, 'sarif', { color: false });
        const log = JSON.parse(out) as unknown;
        expect(schemaErrors(log), JSON.stringify(result)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('two undecidable findings at one place give one notification location (found by the property above)', () => {
    const [result] = fc.sample(checkResult, { numRuns: 1, seed: 7 });
    const finding = { resource: '', file: 'main.tf', message: '', status: 'error' as const, fingerprint: '' };
    const inv = {
      id: 'SI-1',
      title: '',
      status: 'error' as const,
      severity: 'critical' as const,
      stride: [],
      nist: [],
      findings: [finding, { ...finding, fingerprint: 'a000' }],
      examined: [],
    };
    const log = JSON.parse(render({ ...result!, invariants: [inv], diagnostics: [] } as CheckResult, 'sarif', { color: false })) as unknown;
    expect(schemaErrors(log)).toEqual([]);
  });

  it('the schema check can fail (a log with a broken region is rejected)', () => {
    const log = JSON.parse(render(fc.sample(checkResult, { numRuns: 1, seed: 7 })[0]!, 'sarif', { color: false })) as {
      runs: { results: unknown[] }[];
    };
    log.runs[0]!.results.push({
      ruleId: 'SI-1',
      message: { text: 'x.' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'a.tf' }, region: { startLine: 0 } } }],
    });
    expect(schemaErrors(log)).not.toEqual([]);
  });
});
