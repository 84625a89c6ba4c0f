/**
 * Issue 15 A3: an input file that cannot be parsed is named with the position of the problem,
 * never quoted. V8's JSON.parse messages quote the text around the error, the YAML parser's quote
 * aliases and lines, the CSV reader quoted the offending character: pointed at a credentials
 * file, each printed the secret to the CI log. Every input is checked through the built CLI with a
 * secret marker as its content; the helper is checked in-process, with a property.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonErrorMessage, jsonProblem, parseJson, positionAt, yamlErrorKind } from '../../src/input/parse-error.js';
import { expectClean, ensureBuilt, rootModule, runCli, tempDir } from '../hardening/cli.js';

const MARKER = 'AKIAQUOTEDMARKER1234';
const MAIN_TF = `resource "aws_dynamodb_table" "t" {
  name     = "ztait-audit"
  hash_key = "pk"
}
`;

/** Exit 2, one `ztait:` line naming the file and a line:column, and no byte of the marker. */
function expectNamedNotQuoted(run: Awaited<ReturnType<typeof runCli>>, file: string, position: RegExp | undefined = /:\d+:\d+: /): void {
  expectClean(run, { outcome: 'error', names: [file] });
  expect(run.stdout + run.stderr).not.toContain(MARKER);
  expect(run.stdout + run.stderr).not.toContain('AKIA');
  if (position) expect(run.stderr).toMatch(position);
}

describe('input files that do not parse are named, never quoted (built CLI)', () => {
  beforeAll(ensureBuilt, 120_000);

  it('check --plan: text that is not JSON, and JSON broken after the marker', async () => {
    const dir = tempDir();
    const text = join(dir, 'plan.txt');
    writeFileSync(text, `${MARKER} Terraform will perform the following actions\n`);
    expectNamedNotQuoted(await runCli(['check', '--plan', text]), text);
    const json = join(dir, 'plan.json');
    writeFileSync(json, `{"format_version": "1.2",\n "x": ${MARKER}}\n`);
    const run = await runCli(['check', '--plan', json]);
    expectNamedNotQuoted(run, json);
    expect(run.stderr).toContain(`${json}:2:7: is not valid JSON (unexpected character)`);
  });

  it('--baseline, and a baseline: key of .ztait.yaml', async () => {
    const dir = rootModule({ 'main.tf': MAIN_TF, 'baseline.json': `${MARKER}\n`, '.ztait.yaml': 'baseline: baseline.json\n' });
    expectNamedNotQuoted(await runCli(['check', dir]), 'baseline.json', /baseline\.json:1:1: is not valid JSON/);
    const other = join(tempDir(), 'b.json');
    writeFileSync(other, `{"ztait_baseline": 1, ${MARKER}}`);
    expectNamedNotQuoted(await runCli(['check', dir, '--no-config', '--baseline', other]), other);
  });

  it('probe --snapshot', async () => {
    const file = join(tempDir(), 'snap.json');
    writeFileSync(file, `{"format": "ztait-probe-snapshot", "version": ${MARKER}}`);
    expectNamedNotQuoted(await runCli(['probe', '--snapshot', file]), file);
  });

  it('maturity --evidence: CSV and JSON Lines', async () => {
    const dir = tempDir();
    const csv = join(dir, 'ev.csv');
    writeFileSync(csv, `incident_id,"${MARKER}"x\n`);
    expectNamedNotQuoted(
      await runCli(['maturity', 'assess', '--current', '0', '--evidence', csv]),
      csv,
      /line 1: unexpected character after a closing quote/,
    );
    const jsonl = join(dir, 'ev.jsonl');
    writeFileSync(jsonl, `{"incident_id": ${MARKER}\n{"incident_id": "${MARKER}\n`);
    expectNamedNotQuoted(
      await runCli(['maturity', 'assess', '--current', '0', '--evidence', jsonl]),
      jsonl,
      /line 1: bad JSON: unexpected character at column 17/,
    );
  });

  it('.ztait.yaml: a syntax error and an alias without its anchor', async () => {
    const broken = rootModule({ 'main.tf': MAIN_TF, '.ztait.yaml': `prefix: "${MARKER}\n` });
    expectNamedNotQuoted(await runCli(['check', broken]), '.ztait.yaml', /\.ztait\.yaml:\d+:\d+: invalid YAML \(/);
    const alias = rootModule({ 'main.tf': MAIN_TF, '.ztait.yaml': `prefix: *${MARKER}\n` });
    expectNamedNotQuoted(await runCli(['check', alias]), '.ztait.yaml', /\.ztait\.yaml: invalid YAML \(an alias refers to no anchor\)/);
    // --config given some other file whose key is a secret: named by its line only
    const other = join(tempDir(), 'credentials');
    writeFileSync(other, `${MARKER}: x\n`);
    expectNamedNotQuoted(await runCli(['check', alias, '--config', other]), other, /credentials:1: unknown key$/m);
  });

  it('terraform.tfvars.json', async () => {
    const dir = rootModule({ 'main.tf': MAIN_TF, 'terraform.tfvars.json': `{"x": ${MARKER}}` });
    const run = await runCli(['check', dir, '--format', 'json']);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).not.toContain(MARKER);
    expect(run.stderr).toMatch(/terraform\.tfvars\.json:1:\d+: (is not valid|invalid) JSON \(/);
  });
});

describe('parse-error helper (in-process)', () => {
  const KINDS = new Set([
    'the text ends before the document is complete',
    'unexpected character',
    'expected a property name in double quotes',
    "expected ':' after a property name",
    "expected ',' or ']' after an array element",
    "expected ',' or '}' after a property value",
    'a control character inside a string',
    'an invalid escape sequence in a string',
    'an invalid \\u escape in a string',
    'an unterminated string',
    'more text after the end of the JSON document',
    'a malformed number',
    'a syntax error',
  ]);

  it('property: the message is the file, a position inside the text and a fixed phrase, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.json().chain((j) => fc.nat(j.length).map((n) => j.slice(0, n) + MARKER + j.slice(n))),
        ),
        (text) => {
          const r = parseJson(text);
          if (r.ok) return;
          const lines = text.split('\n');
          expect(KINDS.has(r.problem.kind), r.problem.kind).toBe(true);
          expect(r.problem.line).toBeGreaterThanOrEqual(1);
          expect(r.problem.line).toBeLessThanOrEqual(lines.length);
          expect(r.problem.column).toBeGreaterThanOrEqual(1);
          expect(r.problem.column).toBeLessThanOrEqual(lines[r.problem.line - 1]!.length + 1);
          expect(jsonErrorMessage('f.json', r.problem)).toBe(
            `f.json:${r.problem.line}:${r.problem.column}: is not valid JSON (${r.problem.kind})`,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('points at the failing character, also where V8 gives no position', () => {
    expect(parseJson('{\n  "a": 1,\n  "b": oops\n}').ok).toBe(false);
    const p = jsonProblem('{\n  "a": 1,\n  "b": oops\n}', new SyntaxError(`Unexpected token 'o', "${MARKER}" is not valid JSON`));
    expect(p).toMatchObject({ line: 3, column: 8, kind: 'unexpected character', truncated: false });
    expect(jsonProblem('{"a": [1, 2', new SyntaxError('Unexpected end of JSON input'))).toMatchObject({
      truncated: true,
      line: 1,
      column: 12,
    });
    expect(positionAt('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });

  it('YAML codes become words; anything else a fixed phrase', () => {
    expect(yamlErrorKind('BAD_INDENT')).toBe('bad indentation');
    expect(yamlErrorKind('SOME_NEW_CODE')).toBe('some new code');
    expect(yamlErrorKind(`x ${MARKER}`)).toBe('a syntax error');
    expect(yamlErrorKind(undefined)).toBe('a syntax error');
  });
});
