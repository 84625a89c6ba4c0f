import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from './helpers.js';

/** The terraform the fixtures were generated with; another version writes other plan JSON. */
const FIXTURE_TERRAFORM = '1.11.4';

function terraformVersion(): string | undefined {
  const r = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return (JSON.parse(r.stdout) as { terraform_version?: string }).terraform_version;
}

const version = terraformVersion();
const why =
  version === undefined
    ? 'terraform is not on PATH: the plan fixtures cannot be regenerated here'
    : version !== FIXTURE_TERRAFORM
      ? `terraform ${version} is not ${FIXTURE_TERRAFORM}, the version the fixtures were generated with`
      : undefined;

describe('the plan fixtures are real terraform output, reproducible with scripts/gen-plan-fixtures.mjs', () => {
  it.each(['modules', 'sensitive', 'empty'])('%s regenerates identically', { timeout: 300_000 }, (name, ctx) => {
    if (why) return ctx.skip(why);
    const out = mkdtempSync(join(tmpdir(), 'ztait-plan-fixtures-'));
    const run = spawnSync(process.execPath, ['scripts/gen-plan-fixtures.mjs', name], {
      encoding: 'utf8',
      env: { ...process.env, ZTAIT_PLAN_FIXTURES_OUT: out },
      timeout: 240_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const spec = JSON.parse(readFileSync(`fixtures/plans/configs/${name}/fixture.json`, 'utf8')) as { variants: { output: string }[] };
    for (const v of spec.variants) {
      expect(JSON.parse(readFileSync(join(out, v.output), 'utf8'))).toEqual(
        JSON.parse(readFileSync(fixture(v.output.replace(/\.plan\.json$/, '')), 'utf8')),
      );
    }
  });

  it('every committed fixture is a terraform plan of the fixture version', () => {
    for (const name of [
      'modules',
      'evidence-noop',
      'audit-table-destroy',
      'maturity-0-2',
      'reference',
      'sensitive',
      'empty',
      'connections',
    ]) {
      const plan = JSON.parse(readFileSync(fixture(name), 'utf8')) as { format_version: string; terraform_version: string };
      expect([name, plan.format_version, plan.terraform_version]).toEqual([name, '1.2', FIXTURE_TERRAFORM]);
    }
  });
});
