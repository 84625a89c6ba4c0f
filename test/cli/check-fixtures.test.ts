// Table-driven: `ztait check <case> --format json` on every fixtures/hcl/<case>, against the
// expectations pinned in its expected.yaml (written from the spec, not from the tool's output):
// exit code, statuses, the exact failing set, and each finding's resource, file, line and message.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FIXTURES, INVARIANT_IDS, REPO_ROOT, allCases, expectedStatus, terraformValidateCases, terraformVersion } from './helpers.js';
import { ensureBuilt, ztaitSync } from '../support/cli.js';
import { describeRuleFixtures } from '../support/rule-tester.js';

const CASES = allCases();

beforeAll(() => ensureBuilt(), 300_000);

// The cases about no single rule (fixture-set checks, suppressions, baselines); each rule folder's
// rule.test.ts runs its own fixtures the same way.
describeRuleFixtures(join(REPO_ROOT, FIXTURES));

describe('ztait check on fixtures/hcl (text)', () => {
  it('prints a failing finding as file:line', () => {
    const run = ztaitSync(['check', 'src/rules/si-06-dynamodb-pitr/fixtures/fail-pitr-var-default', '--format', 'text', '--no-color']);
    expect(run.code).toBe(1);
    const line = run.stdout.split('\n').find((l) => l.includes('src/rules/si-06-dynamodb-pitr/fixtures/fail-pitr-var-default/main.tf:30'));
    expect(line, run.stdout).toBeDefined();
    expect(line).toContain('aws_dynamodb_table.sessions');
    expect(run.stdout).not.toMatch(/\u001b\[/);
  });
});

describe('the fixture set', () => {
  it('has, for every invariant, at least one passing and two failing cases', () => {
    const gaps = INVARIANT_IDS.flatMap((id) => {
      const passing = CASES.filter((c) => expectedStatus(c.expected, id) === 'pass').length;
      const failing = CASES.filter((c) => c.expected.status?.[id] === 'fail').length;
      return passing >= 1 && failing >= 2 ? [] : [`${id}: ${passing} passing, ${failing} failing`];
    });
    expect(gaps).toEqual([]);
  });

  it('pins a finding for every failing case that names one resource', () => {
    const unpinned = CASES.filter(
      (c) => Object.values(c.expected.status ?? {}).includes('fail') && !(c.expected.findings ?? []).length,
    ).map((c) => c.name);
    // Only a case whose failure is an absence (no trail at all) has no resource to point at.
    expect(unpinned).toEqual(['src/rules/si-08-cloudtrail-write-only/fixtures/fail-no-trail']);
  });
});

const TF = terraformVersion();
if (TF === null) console.warn('terraform is not on PATH: the terraform validate test of the fixtures is SKIPPED');

describe.skipIf(TF === null)(`terraform ${TF ?? '(missing)'} validate of every fixture`, () => {
  it('accepts every case (except those marked validate: false, with their reason)', async () => {
    const names = CASES.filter((c) => c.expected.validate !== false).map((c) => c.name);
    const problems = await terraformValidateCases(names);
    expect(Object.fromEntries(problems)).toEqual({});
  }, 900_000);
});
