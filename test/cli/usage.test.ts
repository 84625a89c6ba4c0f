/**
 * Issue 18, items 8 and 10: flags and exit codes people bring from checkov and trivy, through the
 * CLI (in process where the launcher is not the point; spawned where it is).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
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
