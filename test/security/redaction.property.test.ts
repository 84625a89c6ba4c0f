/**
 * Issue 15 A2: redaction must never corrupt a verdict. A secret whose value is a word the result
 * uses (`fail`, `pass`, `error`, a rule id, part of an address) used to be replaced everywhere in
 * the result object: statuses became `[REDACTED]`, JSON/SARIF/JUnit then reported a passed gate
 * and the process exited 0, while text and markdown crashed.
 *
 * Property (in-process): for any secret, every status, id, severity, fingerprint, count, the gate
 * and the exit code are those of the same run without the secret; every format renders; and the
 * secret does not appear in any free-text field, except inside an identifier (an address, a file,
 * a rule id) that is longer than it, which is printed as it is.
 * Regression (built CLI): `DB_PASSWORD = "fail"` (and `pass`, `error`) in a Lambda environment
 * while SI-2 fails: exit 1, and every format says fail.
 */
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/engine.js';
import { applyGate } from '../../src/gate/gate.js';
import type { Inventory } from '../../src/model/inventory.js';
import type { CheckResult } from '../../src/model/result.js';
import { FORMATS, formatUnavailable, render } from '../../src/report/index.js';
import { REDACTED, redactResult } from '../../src/model/redact.js';
import { res } from '../support/builder.js';
import { ensureBuilt, rootModule, runCli, tempDir } from '../hardening/cli.js';

/** Words of the result's schema and vocabulary, and metacharacters of every format. */
const SCHEMA_WORDS = [
  'fail',
  'pass',
  'error',
  'not_applicable',
  'suppressed',
  'PASSED',
  'FAILED',
  'critical',
  'high',
  'medium',
  'low',
  'SI-2',
  'SI-6',
  'SI-14',
  'ZT-MAT-1',
  'aws_dynamodb_table',
  'aws_lambda_function',
  'aws_lambda_function.handler',
  'handler',
  '.handler',
  'ztait-',
  'ztait-audit',
  'main.tf',
  'function',
  'vpc_config',
  'status',
  'invariants',
  'observed',
  'message',
  'fingerprint',
  REDACTED,
  'REDACTED',
  '"fail"',
  '{"status":"pass"}',
  '</testcase>',
  ']]>',
  '<failure',
  '&amp;',
  '| fail |',
  '## ',
  '**fail**',
  '\n',
  '\\n',
  '0000',
  'true',
  'null',
  '1111',
  'rule(s)',
];

const secretArb = fc.oneof(
  fc.constantFrom(...SCHEMA_WORDS),
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('a', 'i', 'l', 'f', 's', '-', '_', '.', ' ', '"', '<', '|', '\n'), minLength: 2, maxLength: 8 }),
);

/** A small configuration with pass, fail, error and not_applicable verdicts; `name` shows in messages. */
function inventory(name: string): Inventory {
  const inv: Inventory = {
    kind: 'hcl',
    resources: [],
    inputs: [{ path: 'main.tf', sha256: '0'.repeat(64) }],
    diagnostics: [],
    secrets: new Set(),
  };
  const at = (line: number) => ({ file: 'main.tf', line, endLine: line + 5 });
  inv.resources.push(
    {
      ...res('aws_lambda_function', 'handler', {
        function_name: name,
        role: 'arn:aws:iam::111122223333:role/outside',
        environment: [{ variables: { NOTE: name } }],
      }),
      location: at(1),
    },
    {
      ...res('aws_dynamodb_table', 'audit', {
        name: 'ztait-audit',
        point_in_time_recovery: [{ enabled: false }],
        server_side_encryption: [{ enabled: true }],
      }),
      location: at(10),
    },
    { ...res('aws_dynamodb_table', 'data', { name: `ztait-${name}`, point_in_time_recovery: [{ enabled: true }] }), location: at(20) },
  );
  return inv;
}

const run = (inv: Inventory): CheckResult => runChecks(inv, { commandLine: 'ztait check .', now: new Date('2026-01-01T00:00:00Z') });

/** Everything a verdict is made of: never touched by redaction. */
function verdicts(r: CheckResult) {
  const gate = applyGate(r, {});
  return {
    summary: r.summary,
    gate: gate.passed,
    exit: gate.passed ? 0 : 1,
    maturity: [r.maturity.level, r.maturity.consistent, r.maturity.deviations.map((d) => d.setting)],
    nist: r.nist.map((t) => [t.tenet, t.status]),
    invariants: r.invariants.map((i) => ({
      id: i.id,
      status: i.status,
      severity: i.severity,
      findings: i.findings.map((f) => [f.status, f.fingerprint, f.resource, f.file, f.line]),
      examined: i.examined.map((e) => [e.status, e.resource]),
    })),
  };
}

/** The fields that carry text from the input, where redaction applies. */
function freeText(r: CheckResult): string[] {
  return [
    r.command_line,
    ...r.invariants.flatMap((i) => [i.reason ?? '', ...i.findings.map((f) => f.message), ...i.examined.map((e) => e.observed)]),
    ...r.diagnostics.map((d) => d.message),
    ...r.limitations,
    r.maturity.reason ?? '',
    JSON.stringify(r.maturity.actual ?? {}),
  ];
}

/** Identifiers a text may quote as they are: addresses, files, rule ids longer than the secret. */
function identifiers(r: CheckResult, inv: Inventory, secret: string): string[] {
  const all = [...inv.resources.flatMap((x) => [x.address, x.type]), 'main.tf', ...r.invariants.map((i) => i.id)];
  return all.filter((id) => id.length > secret.length && id.includes(secret)).sort((a, b) => b.length - a.length);
}

describe('redaction never changes a verdict (property)', () => {
  it('for any secret: same statuses, ids, gate and exit code; every format renders; no secret in free text', () => {
    fc.assert(
      fc.property(secretArb, (secret) => {
        const plain = inventory(secret);
        const withSecret = inventory(secret);
        withSecret.secrets.add(secret);
        const before = run(plain);
        const after = run(withSecret);
        expect(verdicts(after)).toEqual(verdicts(before));
        // (asff of a static result is refused, never rendered: formatUnavailable says why)
        for (const format of FORMATS)
          if (!formatUnavailable(after, format)) expect(() => render(after, format, { color: false })).not.toThrow();
        if (secret.length < 4) return;
        // between the markers, what is left of the original text: no secret outside an identifier
        const keep = identifiers(after, withSecret, secret);
        for (const text of freeText(after)) {
          for (const piece of text.split(REDACTED)) {
            const rest = keep.reduce((t, id) => t.split(id).join('\u0000'), piece);
            expect(rest, `"${secret}" in ${JSON.stringify(text)}`).not.toContain(secret);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the secret is really in the unredacted text (the property is not vacuous)', () => {
    const r = run(inventory('hunter2hunter2'));
    expect(freeText(r).some((t) => t.includes('hunter2hunter2'))).toBe(true);
    const inv = inventory('hunter2hunter2');
    inv.secrets.add('hunter2hunter2');
    expect(freeText(run(inv)).join('\n')).not.toContain('hunter2hunter2');
  });

  it('an address keeps its names; a secret in an instance key (a for_each value) is redacted', () => {
    const r = run(inventory('x'));
    const f = r.invariants.find((i) => i.findings.length > 0)!.findings[0]!;
    f.resource = 'aws_lambda_function.handler["sk-live-123456"]';
    f.message = `function sk-live-123456 (aws_lambda_function.handler["sk-live-123456"]) and handler`;
    const out = redactResult(r, ['sk-live-123456', 'handler']);
    const g = out.invariants.find((i) => i.findings.length > 0)!.findings[0]!;
    expect(g.resource).toBe(`aws_lambda_function.handler["${REDACTED}"]`);
    expect(g.message).toBe(`function ${REDACTED} (aws_lambda_function.handler["${REDACTED}"]) and ${REDACTED}`);
    expect(g.status).toBe(f.status);
    expect(g.fingerprint).toBe(f.fingerprint);
  });
});

describe('built CLI: a secret equal to a status word (regression)', () => {
  beforeAll(ensureBuilt, 120_000);

  it.each(['fail', 'pass', 'error'])(
    'DB_PASSWORD = "%s": exit 1, and every format says SI-2 fails',
    async (word) => {
      const dir = rootModule({
        'main.tf': `resource "aws_lambda_function" "handler" {
  function_name = "ztait-handler"
  role          = "arn:aws:iam::111122223333:role/ztait-handler"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "x.zip"
  environment {
    variables = {
      DB_PASSWORD = "${word}"
    }
  }
}
`,
      });
      const out = tempDir();
      const files = { json: 'r.json', sarif: 'r.sarif', markdown: 'r.md', junit: 'r.xml', text: 'r.txt' } as const;
      const r = await runCli([
        'check',
        dir,
        '--format',
        Object.keys(files).join(','),
        ...Object.values(files).flatMap((f) => ['-o', join(out, f)]),
      ]);
      expect(r.code, r.stderr).toBe(1);
      for (const f of Object.values(files)) expect(existsSync(join(out, f)), f).toBe(true);
      const json = JSON.parse(readFileSync(join(out, files.json), 'utf8')) as CheckResult;
      expect(json.invariants.find((i) => i.id === 'SI-2')?.status).toBe('fail');
      expect(json.gate?.passed).toBe(false);
      const sarif = JSON.parse(readFileSync(join(out, files.sarif), 'utf8')) as {
        runs: { results: { ruleId: string; level: string; kind?: string }[] }[];
      };
      expect(sarif.runs[0]!.results.some((x) => x.ruleId === 'SI-2' && x.level === 'error')).toBe(true);
      expect(readFileSync(join(out, files.junit), 'utf8')).toMatch(
        /<testsuite name="SI-2 [^"]*" id="\d+" tests="1" failures="1"[^>]*>\s*<properties>\s*<property name="status" value="fail"\/>/,
      );
      expect(readFileSync(join(out, files.markdown), 'utf8')).toMatch(/^## SI-2: fail$/m);
      const text = readFileSync(join(out, files.text), 'utf8');
      expect(text).toMatch(/^SI-2 +fail /m);
      expect(text).toMatch(/^FAILED/m);
      // no status anywhere became the marker
      for (const f of Object.values(files))
        expect(readFileSync(join(out, f), 'utf8'), f).not.toMatch(/"(status|level)": "\[REDACTED\]"|name="status" value="\[REDACTED\]"/);
    },
    60_000,
  );
});
