/**
 * Issue 15 C9: regex(), regexall() and replace("/re/") run on RE2 (re2js), in time linear in the
 * input, with Go's syntax. A pattern JavaScript would backtrack on for ever must finish at once, and
 * what RE2 refuses (backreferences, lookaround) is an evaluation error naming the pattern only.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { evaluate, isEvalError } from '../../src/hcl/evaluate.js';
import { parseExpression } from '../../src/hcl/parser.js';
import { Unknown, type Value } from '../../src/model/value.js';
import { MAX_PATTERN_CHARS } from '../../src/hcl/functions/regex.js';
import { EvalBudget, withBudget } from '../../src/hcl/budget.js';
import { run, tableContext } from '../hcl/helpers.js';
import { TABLE, ensureBuilt, expectClean, runCli, tempDir } from '../hardening/cli.js';

const ev = (expr: string, table: Record<string, Value> = {}): Promise<Value> => run(`\${${expr}}`, table);

const EVIL = `${'a'.repeat(30_000)}b`;

/**
 * The CPU time of one evaluation (8 people share 2 cores: wall time would measure the others too;
 * the evaluation is synchronous CPU work, so the process's CPU time is its cost).
 */
async function timed(expr: string, table: Record<string, Value>): Promise<{ v: Value; ms: number }> {
  const parsed = await parseExpression(`\${${expr}}`);
  const start = process.cpuUsage();
  const v = await evaluate(parsed, tableContext(table));
  const used = process.cpuUsage(start);
  return { v, ms: (used.user + used.system) / 1000 };
}

/**
 * Wall-clock bounds in this file tell linear from catastrophic, never fast from slow (`npm run bench`
 * measures speed): a backtracking engine takes hours on these inputs, ztait milliseconds, and a busy
 * CI machine must not make the difference look like a failure.
 */
const LINEAR_MS = 10_000;

describe('catastrophic patterns finish in linear time', () => {
  // The first call loads the HCL parser and warms re2js up: not what is measured.
  beforeAll(() => timed('regex("^(a+)+$", "aab")', {}));

  test.each([
    ['regex("^(a+)+$", var.s)', 'error'],
    ['regex("^(a|aa)+$", var.s)', 'error'],
    ['regex("(x+x+)+y", var.s)', 'error'],
    ['regexall("(a*)*b", var.s)', 'list'],
    ['replace(var.s, "/^(a+)+$/", "x")', 'string'],
    ['can(regex("^(a+)+$", var.s))', 'boolean'],
    ['length(regexall("(\\\\w+\\\\s?)*$", var.s))', 'number'],
  ])('%s', async (expr, kind) => {
    const { v, ms } = await timed(expr, { 'var.s': EVIL });
    expect(ms).toBeLessThan(LINEAR_MS);
    if (kind === 'error') expect(isEvalError(v)).toBe(true);
    else if (kind === 'list') expect(Array.isArray(v)).toBe(true);
    else expect(typeof v).toBe(kind);
  });

  test('a large program over a long input is refused, not run for seconds', async () => {
    // 7,000 instructions x 30,000 characters: linear, but about 6 s of matching.
    const { v, ms } = await timed('regex("(?:([a-y])([a-y])){1,1000}[^a-z]", var.s)', { 'var.s': 'a'.repeat(30_000) });
    expect(ms).toBeLessThan(LINEAR_MS);
    expect(isEvalError(v)).toBe(true);
    expect((v as Unknown).reason).toMatch(/too costly/);
  });
});

describe('finding every match stays bounded when each search scans to the end', () => {
  test.each(['regexall(".*z|a", var.s)', 'replace(var.s, "/.*z|a/", "b")'])('%s', async (expr) => {
    // Quadratic in Go as well (about a minute here): every search is charged to the evaluation
    // budget, so the run stops with an error, on any machine at the same point.
    const { v, ms } = await timed(expr, { 'var.s': 'a'.repeat(30_000) });
    expect(ms).toBeLessThan(15_000);
    expect(isEvalError(v)).toBe(true);
    expect((v as Unknown).reason).toMatch(/evaluation limit reached: the evaluation needs more steps/);
  });
});

describe('patterns and the run as a whole are bounded too', () => {
  test('a pattern longer than the limit is an error, before compiling', async () => {
    const v = await ev('regex(var.p, "x")', { 'var.p': 'x'.repeat(MAX_PATTERN_CHARS + 1) });
    expect(isEvalError(v)).toBe(true);
    expect((v as Unknown).reason).toMatch(/longer than/);
  });

  test('a replacement multiplied by a pattern that matches everywhere stops at the string limit', async () => {
    const v = await ev('replace(var.s, "/x*/", var.r)', { 'var.s': 'a'.repeat(10_000), 'var.r': 'r'.repeat(10_000) });
    expect(isEvalError(v)).toBe(true);
    expect((v as Unknown).reason).toMatch(/evaluation limit reached: replace\(\) would be \d+ characters long/);
  });

  test('regular expressions spend the run-wide budget: once it is spent, further calls are errors at once', async () => {
    const budget = new EvalBudget({ steps: 200_000 });
    await withBudget(budget, async () => {
      const first = await ev('regexall(".*z|a", var.s)', { 'var.s': 'a'.repeat(30_000) });
      expect(isEvalError(first)).toBe(true);
      const start = performance.now();
      const next = await ev('regex("a", "a")');
      expect(performance.now() - start).toBeLessThan(LINEAR_MS);
      expect(isEvalError(next)).toBe(true);
      expect((next as Unknown).reason).toMatch(/evaluation limit reached/);
    });
  });

  test('the same regex work is the same number of steps, whatever the machine', async () => {
    const spent = async (): Promise<number> => {
      const budget = new EvalBudget();
      await withBudget(budget, () => ev('length(regexall("a|b", var.s))', { 'var.s': 'ab'.repeat(500) }));
      return budget.stepsSpent;
    };
    const first = await spent();
    expect(first).toBeGreaterThan(1000);
    expect(await spent()).toBe(first);
  });
});

describe('what RE2 does not have is an error naming the call and the pattern, never the input', () => {
  const SECRET = 'input-text-that-must-not-be-quoted';
  test.each(['(a)\\\\1', '(?=a)', '(?!a)', '(?<=a)b', '(?<!a)b', '(a', 'a{1001}', '((a{100}){100}){100}', '(?P<a>x)(y)', '\\\\C'])(
    '%s',
    async (pattern) => {
      const calls = [`regex("${pattern}", var.s)`, `regexall("${pattern}", var.s)`];
      // Mixing named and unnamed groups is only a problem for the shape of regex()'s result.
      if (!pattern.includes('?P<')) calls.push(`replace(var.s, "/${pattern}/", "x")`);
      for (const expr of calls) {
        const v = await ev(expr, { 'var.s': SECRET });
        expect(isEvalError(v), expr).toBe(true);
        const reason = (v as Unknown).reason;
        expect(reason, expr).toMatch(/^(regex|regexall|replace)\(\): invalid regular expression "/);
        expect(reason, expr).not.toContain(SECRET);
      }
    },
  );

  test('no match is an error; can() says false; try() moves on', async () => {
    expect(isEvalError(await ev('regex("x", "y")'))).toBe(true);
    expect(await ev('can(regex("x", "y"))')).toBe(false);
    expect(await ev('try(regex("x", "y"), "fallback")')).toBe('fallback');
  });
});

/** Patterns on which Perl's leftmost-first and RE2's agree by construction (no empty-match subtleties). */
const atom = fc.constantFrom('a', 'b', '.', '[ab]', '[^a]', '\\d', 'x');
const piece = fc.tuple(atom, fc.constantFrom('', '*', '+', '?', '{1,2}', '*?', '+?')).map(([a, q]) => a + q);
const branch = fc.array(piece, { minLength: 1, maxLength: 4 }).map((ps) => ps.join(''));
const pattern = fc
  .tuple(fc.array(branch, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean(), fc.boolean())
  .map(([bs, group, start, end]) => `${start ? '^' : ''}${group ? `(${bs.join('|')})` : bs.join('|')}${end ? '$' : ''}`);

describe('property: RE2 agrees with a backtracking engine where both are defined', () => {
  test('regex() finds the same leftmost-first match as JavaScript', async () => {
    await fc.assert(
      fc.asyncProperty(pattern, fc.stringMatching(/^[abx1 ]{0,12}$/), async (p, s) => {
        const js = new RegExp(p.replace(/\\d/g, '[0-9]'), 'u').exec(s);
        const ours = await ev('regex(var.p, var.s)', { 'var.p': p, 'var.s': s });
        if (!js) {
          expect(isEvalError(ours)).toBe(true);
          return;
        }
        const groups = js.length - 1;
        expect(ours).toEqual(groups === 0 ? js[0] : js.slice(1).map((g) => g ?? null));
      }),
      { numRuns: 300 },
    );
  });
});

describe('through the built CLI', () => {
  beforeAll(ensureBuilt, 120_000);

  test('a backtracking bomb in a configuration does not hang the run', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'main.tf'),
      `locals {
  evil = "${EVIL}"
}

${TABLE.replace('enabled = true', 'enabled = !can(regex("^(a+)+$", local.evil)) && length(regexall("(a|aa)+$", local.evil)) == 0 && replace(local.evil, "/^(a+)+$/", "") == local.evil')}`,
    );
    const cli = await runCli(['check', dir, '--format', 'json'], { timeoutMs: 20_000 });
    expectClean(cli, { outcome: 'verdict' });
    expect(cli.ms).toBeLessThan(15_000);
    const report = JSON.parse(cli.stdout) as { invariants: { id: string; status: string }[] };
    expect(report.invariants.find((i) => i.id === 'SI-6')?.status).toBe('pass');
  }, 60_000);
});
