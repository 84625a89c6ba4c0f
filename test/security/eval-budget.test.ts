/**
 * The evaluation budget (issue 15 C10): hostile HCL that would run for minutes and grow to
 * gigabytes ends, within seconds and a 1 GiB heap, with `error` verdicts and one line naming the
 * file and line of the expression that reached a limit. Each limit is also checked in process at
 * its boundary: exactly at the limit passes, one over is the budget's error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { EvalBudget, parseLimit, type EvalLimits } from '../../src/hcl/budget.js';
import { evaluateString, isEvalError } from '../../src/hcl/evaluate.js';
import { loadHcl } from '../../src/hcl/loader.js';
import type { CheckResult } from '../../src/model/result.js';
import type { Value } from '../../src/model/value.js';
import { tableContext } from '../hcl/helpers.js';
import { TABLE, checkTo, ensureBuilt, expectClean, rootModule, type CliRun } from '../hardening/cli.js';

beforeAll(ensureBuilt, 300_000);

const LIMITS = { timeoutMs: 20_000, heapMiB: 1024 };

/** `ztait check DIR ARGS` with a JSON report, within the time and heap limits. */
const checkDir = (dir: string, ...args: string[]): Promise<CliRun> => checkTo([dir, ...args], LIMITS);

/** The run stopped at a limit: exit 2 (an input error), the limit and `file:line` named, nothing passes. */
function expectStopped(run: CliRun, limit: string, where: RegExp): void {
  expectClean(run, { outcome: 'error', maxMiB: 1280 });
  expect(run.code).toBe(2);
  const line = run.stderr.split('\n').find((l) => l.includes('evaluation limit reached'));
  expect(line, run.stderr).toBeDefined();
  expect(line).toMatch(where);
  expect(line).toContain(`--limit ${limit}=N`);
  // the reports are still written, and every verdict that could have passed is an error
  const report = JSON.parse(run.report!) as CheckResult;
  expect(report.invariants.length).toBeGreaterThan(0);
  for (const r of report.invariants) expect(['error', 'fail'], r.id).toContain(r.status);
  expect(report.diagnostics.some((d) => d.severity === 'error' && d.message.includes('evaluation limit reached'))).toBe(true);
}

const param = (value: string): string =>
  `resource "aws_ssm_parameter" "p" {\n  name  = "ztait-p"\n  type  = "String"\n  value = ${value}\n}\n`;

describe('hostile HCL stops at the budget (built CLI)', () => {
  it('a nested for over range(100000) x range(100000)', async () => {
    const dir = rootModule({
      'main.tf': `locals {\n  pairs = flatten([for i in range(100000) : [for j in range(100000) : "\${i}-\${j}"]])\n}\n\n${param('length(local.pairs)')}`,
    });
    expectStopped(await checkDir(dir), 'steps', /main\.tf:2: /);
  }, 60_000);

  it('count and for_each multiplying through three nested local modules (200 each)', async () => {
    const dir = rootModule({
      'main.tf': `${TABLE}\nmodule "a" {\n  source = "./m1"\n  count  = 200\n}\n`,
      'm1/main.tf': 'module "b" {\n  source = "../m2"\n  count  = 200\n}\n',
      'm2/main.tf': 'module "c" {\n  source   = "../m3"\n  for_each = toset([for i in range(200) : tostring(i)])\n}\n',
      'm3/main.tf': param('"x"'),
    });
    const run = await checkDir(dir);
    expectStopped(run, 'instances', /m[123]\/main\.tf:\d+: /);
    // one line for the limit, not one warning per module instance left undetermined
    expect(run.stderr.split('\n').filter((l) => l.trim() !== '').length, run.stderr).toBeLessThan(5);
  }, 60_000);

  it('string doubling over 40 locals', async () => {
    const locals = Array.from({ length: 40 }, (_, i) => `  s${i + 1} = "\${local.s${i}}\${local.s${i}}"`).join('\n');
    const text = `${TABLE}\nlocals {\n  s0 = "ab"\n${locals}\n}\n\n${param('local.s40')}`;
    // s24 is the first over 16 MiB: "ab" doubled 24 times is 2^25 characters
    const line = text.split('\n').findIndex((l) => l.startsWith('  s24 =')) + 1;
    expectStopped(await checkDir(rootModule({ 'main.tf': text })), 'string', new RegExp(`main\\.tf:${line}: `));
  }, 60_000);

  it('list doubling over 40 locals (shared structure), then jsonencode', async () => {
    const locals = Array.from({ length: 40 }, (_, i) => `  l${i + 1} = [local.l${i}, local.l${i}]`).join('\n');
    const dir = rootModule({ 'main.tf': `locals {\n  l0 = ["a"]\n${locals}\n}\n\n${param('jsonencode(local.l40)')}` });
    expectStopped(await checkDir(dir), 'collection', /main\.tf:\d+: /);
  }, 60_000);

  it('range(1e12)', async () => {
    const dir = rootModule({ 'main.tf': param('length(range(1000000000000))') });
    expectStopped(await checkDir(dir), 'collection', /main\.tf:4: /);
  }, 60_000);

  it('--limit raises a limit: a collection one over the default passes with collection=1000001', async () => {
    const dir = rootModule({ 'main.tf': `${TABLE}\n${param('tostring(length(range(1000001)))')}` });
    expectStopped(await checkDir(dir), 'collection', /main\.tf:\d+: /);
    const raised = await checkDir(dir, '--limit', 'collection=1000001');
    expectClean(raised, { outcome: 'verdict' });
    expect(raised.stderr).not.toContain('evaluation limit reached');
  }, 60_000);
});

/** Evaluates a Terraform-JSON string under a budget of these limits. */
async function evalWith(
  src: string,
  limits: Partial<EvalLimits>,
  table: Record<string, Value> = {},
): Promise<{ value: Value; budget: EvalBudget }> {
  const budget = new EvalBudget(limits);
  const value = await evaluateString(src, { ...tableContext(table), budget });
  return { value, budget };
}

/** At `limit` the expression evaluates to `expected`; one below, it is the budget's error. */
async function boundary(
  src: string,
  name: keyof EvalLimits,
  limit: number,
  expected: Value,
  table: Record<string, Value> = {},
): Promise<void> {
  const at = await evalWith(src, { [name]: limit }, table);
  expect(at.budget.exhausted, src).toBeUndefined();
  expect(at.value).toEqual(expected);
  const over = await evalWith(src, { [name]: limit - 1 }, table);
  expect(over.budget.exhausted?.limit, src).toBe(name);
  expect(isEvalError(over.value), src).toBe(true);
  expect((over.value as { reason: string }).reason).toContain(`--limit ${name}=N`);
}

describe('each limit at its boundary (in process)', () => {
  it('collection: range(), a for expression (nested elements count), flatten(), concat()', async () => {
    await boundary('${length(range(10))}', 'collection', 10, 10);
    await boundary('${length([for i in range(5) : [i, i]])}', 'collection', 15, 5);
    await boundary('${length(flatten([range(4), range(4)]))}', 'collection', 10, 8);
    await boundary('${length(concat(range(3), range(4)))}', 'collection', 7, 7);
  });

  it('string: a template, join(), format() widths', async () => {
    await boundary('${"abcd"}${"efgh"}', 'string', 8, 'abcdefgh');
    await boundary('${join("-", ["ab", "cd", "ef"])}', 'string', 8, 'ab-cd-ef');
    await boundary('${format("%6s", "x")}', 'string', 6, '     x');
    await boundary('${jsonencode(var.s)}', 'string', 11, '["ab","cd"]', { 'var.s': ['ab', 'cd'] });
  });

  it('steps: the count an expression takes is exactly enough', async () => {
    const src = '${[for i in range(20) : "${i}-${upper("x")}"][7]}';
    const { value, budget } = await evalWith(src, {});
    expect(value).toBe('7-X');
    await boundary(src, 'steps', budget.stepsSpent, '7-X');
  });

  it('instances: resource and module instances together, named at the count attribute', async () => {
    const dir = rootModule({ 'main.tf': `${TABLE}\n${param('"x"').replace('{\n', '{\n  count = 3\n')}` });
    const at = await loadHcl([dir], { limits: { instances: 4 } });
    expect(at.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(at.resources.length).toBe(4);
    const over = await loadHcl([dir], { limits: { instances: 3 } });
    const errors = over.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBe(1);
    expect(errors[0]!.message).toContain('--limit instances=N');
    expect(errors[0]!.file).toContain('main.tf');
    const countLine =
      readFileSync(join(dir, 'main.tf'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('count = 3')) + 1;
    expect(errors[0]!.line).toBe(countLine);
  });

  it('a spent budget stays spent: try() and can() do not hide it', async () => {
    const { value, budget } = await evalWith('${try(length(range(100)), 0)}-${can(range(100))}', { collection: 50 });
    expect(isEvalError(value)).toBe(true);
    expect(budget.exhausted?.limit).toBe('collection');
  });

  it('--limit NAME=N parses the four names and refuses anything else', () => {
    expect(parseLimit('steps=1_000', parseLimit('string=5'))).toEqual({ steps: 1000, string: 5 });
    for (const bad of ['steps', 'steps=', 'steps=0', 'steps=-1', 'steps=1e6', 'memory=5', 'steps=99999999999999999999'])
      expect(() => parseLimit(bad), bad).toThrow();
  });
});

describe('properties', () => {
  it('range(n) is built exactly when n is within the collection limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 300 }), async (n, limit) => {
        const { value, budget } = await evalWith(`\${length(range(${n}))}`, { collection: limit });
        if (n <= limit) expect(value).toBe(n);
        else expect(budget.exhausted?.limit).toBe('collection');
      }),
      { numRuns: 100 },
    );
  });

  it('a template is built exactly when its length is within the string limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 200 }),
        async (lengths, limit) => {
          // (a template of one interpolation alone is that value, not a string built: hence the "-")
          const src = `-${lengths.map((n) => `\${"${'x'.repeat(n)}"}`).join('')}`;
          const total = 1 + lengths.reduce((a, b) => a + b, 0);
          const { value, budget } = await evalWith(src, { string: limit });
          if (total <= limit) expect(value).toBe(`-${'x'.repeat(total - 1)}`);
          else expect(budget.exhausted?.limit).toBe('string');
        },
      ),
      { numRuns: 100 },
    );
  });
});
