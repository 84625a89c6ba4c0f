/**
 * Large and deep hostile input through the built CLI (issue 9): a 10 MB string, expressions nested
 * 1,000 deep (and deeper than the parser can go), a for_each over 100,000 keys, a 100 MB plan.
 * Each ends with a verdict or a clear error within a time limit and a 1 GiB heap.
 */
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { writePlan } from '../../bench/gen/plan.mjs';
import { TABLE, check, checkTo, ensureBuilt, expectClean, rootModule, tempDir } from './cli.js';

beforeAll(ensureBuilt, 300_000);

describe('large and deep input', () => {
  it('a single 10 MB string attribute', async () => {
    const big = 'A'.repeat(10 * 1024 * 1024);
    const dir = rootModule({
      'main.tf': `${TABLE}\nresource "aws_ssm_parameter" "big" {\n  name  = "ztait-big"\n  type  = "String"\n  value = "${big}"\n}\n`,
    });
    expectClean(await check(dir, 120_000), { outcome: 'verdict' });
  }, 150_000);

  it('expressions nested 1,000 deep: brackets, calls, conditionals, parentheses, objects, templates', async () => {
    const D = 1000;
    const deep: Record<string, string> = {
      'brackets.tf': `${'['.repeat(D)}1${']'.repeat(D)}`,
      'calls.tf': `${'abs('.repeat(D)}-1${')'.repeat(D)}`,
      'conditionals.tf': `${'true ? ('.repeat(D)}1${') : 0'.repeat(D)}`,
      'parentheses.tf': `${'('.repeat(D)}1${')'.repeat(D)}`,
      'objects.tf': `${'{ a = '.repeat(D)}1${' }'.repeat(D)}`,
      'templates.tf': `${'"${'.repeat(D)}1${'}"'.repeat(D)}`,
    };
    // One file per form, each a local used by a resource, so every form is parsed and evaluated.
    // Terraform accepts all of them; a clear error naming a file is acceptable, a crash is not.
    const files = Object.fromEntries(
      Object.entries(deep).map(([f, expr], i) => [
        f,
        `locals {\n  deep${i} = ${expr}\n}\n\nresource "aws_ssm_parameter" "deep${i}" {\n  name  = "ztait-deep${i}"\n  type  = "String"\n  value = jsonencode(local.deep${i})\n}\n`,
      ]),
    );
    expectClean(await check(rootModule({ 'main.tf': TABLE, ...files }), 90_000));
  }, 120_000);

  it('three files nested 1,000 deep in one module (calls, conditionals, parentheses) never end in a silent exit 0', async () => {
    // Parsed together, these have crashed hcl2json's Go runtime ("fatal error: malloc deadlock"):
    // the pending parses never settled and the process exited 0 without a report. It depends on
    // timing (about two runs in three), so the case runs four times.
    const D = 1000;
    const local = (name: string, expr: string) =>
      `locals {\n  ${name} = ${expr}\n}\n\nresource "aws_ssm_parameter" "${name}" {\n  name  = "ztait-${name}"\n  type  = "String"\n  value = jsonencode(local.${name})\n}\n`;
    const dir = rootModule({
      'calls.tf': local('deep1', `${'abs('.repeat(D)}-1${')'.repeat(D)}`),
      'conditionals.tf': local('deep2', `${'true ? ('.repeat(D)}1${') : 0'.repeat(D)}`),
      'parentheses.tf': local('deep3', `${'('.repeat(D)}1${')'.repeat(D)}`),
    });
    for (let i = 0; i < 4; i++) expectClean(await check(dir, 60_000));
  }, 300_000);

  it('nesting deeper than the HCL parser goes (5,000 calls) is a clear error naming the file', async () => {
    const dir = rootModule({ 'main.tf': TABLE, 'deep.tf': `locals {\n  x = ${'abs('.repeat(5000)}-1${')'.repeat(5000)}\n}\n` });
    expectClean(await check(dir, 60_000), { names: ['deep.tf'], outcome: 'error' });
  }, 90_000);

  it('a for_each over 99,999 keys (range(99999) made a map): with the table, exactly the 100,000 instances the budget allows', async () => {
    const dir = rootModule({
      'main.tf': `${TABLE}\nlocals {\n  keys = { for i in range(99999) : "k\${i}" => i }\n}\n\nresource "aws_ssm_parameter" "p" {\n  for_each = local.keys\n\n  name  = "ztait-\${each.key}"\n  type  = "String"\n  value = tostring(each.value)\n}\n`,
    });
    expectClean(await check(dir, 120_000), { outcome: 'verdict' });
  }, 150_000);

  it('a plan JSON of 100 MB, with a 1 GiB heap', async () => {
    const file = join(tempDir(), 'big.plan.json');
    // 2,000 resources whose values carry the bulk (a description of 25 KiB each, twice in the plan).
    const plan = await writePlan(file, { resources: 2000, padBytes: 25 * 1024 });
    if (plan.bytes < 100 * 1024 * 1024) throw new Error(`the generated plan is only ${plan.bytes} bytes`);
    expectClean(await checkTo(['--plan', file], { timeoutMs: 120_000, heapMiB: 1024 }), { names: [file] });
  }, 180_000);
});
