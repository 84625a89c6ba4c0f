/**
 * Issue 18, items 8 and 10: flags and exit codes people bring from checkov and trivy, through the
 * CLI (in process where the launcher is not the point; spawned where it is).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { INVARIANTS } from '../../src/rules/registry.js';
import { ensureBuilt, ztaitSync } from '../support/cli.js';
import { runZtaitInProcess } from './helpers.js';

const TABLE = `resource "aws_dynamodb_table" "t" {
  name         = "ztait-t"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}
`;

function project(config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ztait-usage-'));
  writeFileSync(join(dir, 'main.tf'), TABLE);
  if (config !== undefined) writeFileSync(join(dir, '.ztait.yaml'), config);
  return dir;
}

/** One line on stderr naming the id, where it was given and every valid id; nothing on stdout; exit 2. */
function expectUnknownId(run: { code: number | null; stdout: string; stderr: string }, where: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ztait: unknown rule id "SI-99" in /);
  expect(lines[0]).toMatch(where);
  for (const r of INVARIANTS) expect(lines[0]).toContain(r.id);
}

describe('item 8: an unknown rule id is a usage error, never a gate turned off', () => {
  test.each([['--check'], ['--skip-check'], ['--soft-fail-on'], ['--hard-fail-on']])('%s SI-99', async (flag) => {
    const run = await runZtaitInProcess(['check', project(), flag, 'SI-99', '--no-config']);
    expectUnknownId(run, new RegExp(`in ${flag}; valid ids: SI-1, SI-2`));
  });

  test.each([['check'], ['skip_check'], ['soft_fail_on'], ['hard_fail_on']])('.ztait.yaml %s: [SI-99]', async (key) => {
    const dir = project(`prefix: ztait-\n${key}: [SI-99]\n`);
    const run = await runZtaitInProcess(['check', dir]);
    expectUnknownId(run, new RegExp(`in ${key}: in .*\\.ztait\\.yaml:2; valid ids: `));
  });

  test('probe refuses it before reading anything', async () => {
    const run = await runZtaitInProcess(['probe', '--snapshot', '/nonexistent/snapshot.json', '--soft-fail-on', 'SI-99', '--no-config']);
    expectUnknownId(run, /in --soft-fail-on; valid ids: /);
  });

  test('through the built CLI: --check SI-99 exits 2 with one line', () => {
    ensureBuilt();
    expectUnknownId(ztaitSync(['check', project(), '--check', 'SI-99', '--no-config']), /in --check; valid ids: /);
  });
});

describe('item 10: checkov and trivy habits', () => {
  beforeAll(ensureBuilt);

  test('-o sarif without --format is the format, to stdout, said on stderr; no file named sarif', () => {
    const cwd = project();
    const run = ztaitSync(['check', '.', '--check', 'SI-6', '-o', 'sarif', '--no-config'], { cwd });
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as { version: string }).version).toBe('2.1.0');
    expect(run.stderr).toBe(
      'ztait: note: -o sarif names a format: the sarif report goes to standard output (to write a file named sarif: -o ./sarif)\n',
    );
    expect(existsSync(join(cwd, 'sarif'))).toBe(false);
    // with --format, or spelled as a path, it is a file as before
    const file = ztaitSync(['check', '.', '--check', 'SI-6', '--format', 'json', '-o', 'sarif', '--no-config'], { cwd });
    expect(file.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(cwd, 'sarif'), 'utf8'))).toHaveProperty('invariants');
  });

  test('-f is --format, for every command that has --format', async () => {
    const dir = project();
    const long = await runZtaitInProcess(['check', dir, '--check', 'SI-6', '--format', 'json', '--no-config']);
    const short = await runZtaitInProcess(['check', dir, '--check', 'SI-6', '-f', 'json', '--no-config']);
    expect(short.code).toBe(1);
    const verdicts = (out: string): unknown => (JSON.parse(out) as { invariants: unknown }).invariants;
    expect(verdicts(short.stdout)).toEqual(verdicts(long.stdout));
    expect(JSON.parse((await runZtaitInProcess(['rules', '-f', 'json'])).stdout)).toHaveProperty('rules');
    expect(JSON.parse((await runZtaitInProcess(['maturity', 'diff', '1', '2', '-f', 'json'])).stdout)).toMatchObject({ from: 1, to: 2 });
  });

  test('--fail-on takes a severity in any case', async () => {
    const dir = project();
    // SI-6 (medium) fails: below HIGH it does not fail the run; the weakening is reported in lower case
    const high = await runZtaitInProcess(['check', dir, '--check', 'SI-6', '--fail-on', 'HIGH', '--no-config']);
    expect(high.code, high.stderr).toBe(0);
    expect(high.stdout).toMatch(/fail verdicts below severity high do not fail the run/);
    expect((await runZtaitInProcess(['check', dir, '--check', 'SI-6', '--fail-on', 'Medium', '--no-config'])).code).toBe(1);
    const bad = await runZtaitInProcess(['check', dir, '--fail-on', 'severe', '--no-config']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('ztait: --fail-on: severity must be one of critical, high, medium, low (got "severe")\n');
  });

  test('--compact: what passed in one line per status, failing findings in full, a one-line summary', async () => {
    const run = await runZtaitInProcess(['check', 'fixtures/hcl/sup-inline-expired', '--compact', '--no-config']);
    expect(run.code).toBe(1);
    const ids = INVARIANTS.map((r) => r.id).filter((id) => id.startsWith('SI-') && id !== 'SI-6');
    expect(run.stdout).toContain(`\npass           ${ids.join(', ')}\n`);
    expect(run.stdout).toContain('\nnot applicable ZT-MAT-1\n');
    expect(run.stdout).toMatch(/^SI-6 +fail +medium .*\n  fail +fixtures\/hcl\/sup-inline-expired\/main\.tf:11-24 /m);
    expect(run.stdout).not.toMatch(/^SI-1 /m);
    expect(run.stdout).toContain('\nSummary: 13 pass, 1 fail, 0 error, 1 not applicable, 0 suppressed (of 15)\n');
    expect(run.stdout).not.toContain('Summary (invariants by severity and status)');
    expect(run.stdout).toMatch(/FAILED: 1 rule\(s\) fail the gate: SI-6 fail \(medium\)\n$/);
    // suppressed findings are left out (their invariant is on the suppressed line)
    const suppressed = await runZtaitInProcess(['check', 'fixtures/hcl/sup-inline-with-reason', '--compact', '--no-config']);
    expect(suppressed.stdout).toContain('\nsuppressed     SI-6\n');
    expect(suppressed.stdout).not.toMatch(/^ {2}suppressed /m);
  });

  test('ztait help check exits 0 and prints the help of check, as check --help does', () => {
    const help = ztaitSync(['help', 'check']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: ztait check /);
    expect(help.stdout).toBe(ztaitSync(['check', '--help']).stdout);
    expect(ztaitSync(['help']).code).toBe(0);
    // no command at all is still a usage error
    expect(ztaitSync([]).code).toBe(2);
  });

  test.each([[['--var-file', 'prod.tfvars']], [['--var', 'env=prod']]])('--plan with %j is refused in one line', async (extra) => {
    const run = await runZtaitInProcess(['check', '--plan', 'fixtures/plans/pitr-disabled.plan.json', ...extra]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^ztait: --plan takes no --var(-file)?: a plan already holds its variable values [^\n]*\n$/);
  });
});
