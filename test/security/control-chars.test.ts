/**
 * Issue 15 D13: names and values from the pull request must not forge lines in a CI log. A
 * newline, CR or ESC sequence in a resource name or an instance key reached the text output and
 * stderr raw: a PR could print a fake `PASSED`, a GitHub `::error::` / `::add-mask::` workflow
 * command or an Azure `##vso[...]` logging command, or clear the screen. Text output and every
 * stderr line escape control characters visibly, and no line starts with text from the input.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/model/result.js';
import { render } from '../../src/report/index.js';
import { escapeControl, escapeDeep, guardLines } from '../../src/report/terminal.js';
import { escapeText } from '../../src/report/md.js';
import { failingResult } from '../report/fixtures.js';
import { ensureBuilt, rootModule, runCli } from '../hardening/cli.js';

const HOSTILE = '\n::error::PASSED\n\u001b[2J##vso[task.complete result=Succeeded]\r::add-mask::x\u2028##[error]y\u202egnp.exe';

/** Characters that must never reach a terminal or log raw. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function expectNoForgedLine(out: string, what: string): void {
  for (const line of out.split('\n')) {
    expect(line.trimStart(), `${what}: ${JSON.stringify(line)}`).not.toMatch(/^(::|##)/);
    expect(line, `${what}: ${JSON.stringify(line)}`).not.toMatch(/##(vso)?\[/);
  }
  expect(RAW.test(out), `${what} holds a raw control character`).toBe(false);
}

describe('escaping (in-process)', () => {
  it('shows every control character visibly and breaks CI command prefixes', () => {
    expect(escapeControl('a\nb\rc\td\u001b[2Je\u007f\u0085\u2028\u202e\ufeff')).toBe(
      'a\\nb\\rc\\td\\x1b[2Je\\x7f\\x85\\u2028\\u202e\\ufeff',
    );
    expect(escapeControl('##vso[task.complete]')).toBe('#\\x23vso[task.complete]');
    expect(escapeControl('##[error]')).toBe('#\\x23[error]');
    expect(escapeControl('plain text, C# ## heading, ünïcödé')).toBe('plain text, C# ## heading, ünïcödé');
    expect(guardLines('ok\n  ::error::x\n##[y]\n')).toBe('ok\n  \\x3a:error::x\n\\x23#[y]\n');
  });

  it('property: one escaped string is one line, with no raw control character and no command prefix', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.constantFrom('\n', '\r', '\u001b', '#', ':', '[', 'v', 's', 'o', '\u2028', '\u202e', '\u0085'),
            fc.string({ maxLength: 1 }),
          ),
        }),
        (s) => {
          const e = escapeControl(s);
          expect(e).not.toMatch(/[\n\r]/);
          expect(RAW.test(e)).toBe(false);
          expect(e).not.toMatch(/##(vso)?\[/);
        },
      ),
    );
  });

  it('property: text output keeps every line its own, whatever the names, messages and reasons', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('\n', '\r', '\u001b', '#', ':', '[', 'vso', 'x', ' ', '\u2028') }), {
          minLength: 4,
          maxLength: 4,
        }),
        ([a, b, c, d]) => {
          const r: CheckResult = failingResult();
          const f = r.invariants[0]!.findings[0]!;
          f.resource = `aws_x.y["${a}"]`;
          f.message = b!;
          r.invariants[0]!.reason = c;
          r.limitations = [d!];
          r.diagnostics = [{ severity: 'warning', message: a!, file: b! }];
          const out = render(r, 'text', { color: false });
          expectNoForgedLine(out, 'text');
          expect(out).toMatch(/^(PASSED|FAILED)/m);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('markdown: a line break in a name cannot end a table row, start a heading or a command', () => {
    const md = escapeText(`x ${HOSTILE} | # h`);
    expect(md).not.toMatch(/[\n\r\u2028\u001b]/);
    expect(md.split(' ').some((w) => w.startsWith('::'))).toBe(false);
    expect(escapeDeep({ a: ['\u001b'], b: 1 })).toEqual({ a: ['\\x1b'], b: 1 });
    const same = { a: ['plain'] };
    expect(escapeDeep(same)).toBe(same);
  });
});

describe('built CLI: a name that tries to write its own log lines (regression)', () => {
  beforeAll(ensureBuilt, 120_000);

  it('text, stderr and markdown: no forged line, no raw ESC/CR; the verdicts are unchanged', async () => {
    const hcl = JSON.stringify(HOSTILE); // an HCL string literal with the same escapes as JSON
    const lambda = (name: string, tags: string) => `resource "aws_lambda_function" "handler" {
  for_each      = toset([${name}])
  function_name = ${name}
  role          = "arn:aws:iam::111122223333:role/ztait-handler"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "x.zip"
  tags          = { Name = ${tags} }
}
`;
    // a broken file whose name holds the hostile text: its diagnostic goes to stderr
    const hostile = rootModule({ 'main.tf': lambda(hcl, hcl), [`bad${HOSTILE.replace(/\u2028/g, '')}.tf`]: 'resource {\n' });
    const plain = rootModule({ 'main.tf': lambda('"ztait-handler"', '"x"'), 'bad.tf': 'resource {\n' });
    const [text, json, md, ref] = await Promise.all([
      runCli(['check', hostile]),
      runCli(['check', hostile, '--format', 'json']),
      runCli(['check', hostile, '--format', 'markdown']),
      runCli(['check', plain, '--format', 'json']),
    ]);
    expect(text.code).toBe(ref.code);
    expectNoForgedLine(text.stdout, 'text');
    expectNoForgedLine(text.stderr, 'stderr');
    expect(text.stderr).toContain('bad\\n::error::PASSED\\n\\x1b[2J#\\x23vso[');
    expect(text.stdout).toContain('\\x1b[2J#\\x23vso[');
    for (const line of text.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^ztait: /);
    for (const line of md.stdout.split('\n')) expect(line.trimStart(), line).not.toMatch(/^::|^##(vso)?\[/);
    expect(md.stdout).not.toMatch(/[\u001b\r\u2028\u202e]/);
    const verdicts = (out: string) => (JSON.parse(out) as CheckResult).invariants.map((i) => [i.id, i.status]);
    expect(verdicts(json.stdout)).toEqual(verdicts(ref.stdout));
  }, 60_000);
});
