import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getPath, isObject } from '../../src/model/value.js';
import { InventoryIndex } from '../../src/inventory/index.js';
import { runChecks } from '../../src/engine.js';
import { asUnknown, byAddress, fixture, load } from './helpers.js';

// fixtures/plans/reference*.plan.json: real plans of terraform/examples/complete (a fresh deployment,
// so every ARN and id is known only after apply), by scripts/gen-plan-fixtures.mjs --reference.
const EXAMPLE = 'terraform/examples/complete';
const haveExample = existsSync(EXAMPLE);

describe('the reference architecture plan, without the configuration directory', () => {
  it('leaves out scalars the provider computes and the configuration does not set, as the HCL source does', async () => {
    const inv = await load('reference');
    const bucket = byAddress(inv, 'module.foundation.aws_s3_bucket.trail');
    // a legacy inline `policy` known only after apply is not a second bucket policy
    expect(bucket.values).not.toHaveProperty('policy');
    expect(bucket.values).not.toHaveProperty('bucket_domain_name');
    expect(asUnknown(bucket.values.arn).refs).toEqual(['module.foundation.aws_s3_bucket.trail']);
    expect(asUnknown(bucket.values.id).refs).toEqual(['module.foundation.aws_s3_bucket.trail']);
    // a computed collection the configuration does not set (rules are separate resources)
    expect(byAddress(inv, 'module.foundation.aws_security_group.lambda').values).not.toHaveProperty('egress');
    expect(inv.limitations?.some((l) => /dynamic block whose for_each is known only after apply/.test(l))).toBe(true);
  });

  it('points [each.key] references at the instance of the same key', async () => {
    const inv = await load('reference');
    const doc = byAddress(inv, 'module.actions.data.aws_iam_policy_document.handler["mim"]');
    const statements = getPath(asUnknown(doc.values.json).structure, ['Statement']);
    const own = Array.isArray(statements) ? statements.find((s) => isObject(s) && s.Sid === 'ReadOwnSecret') : undefined;
    const resource = asUnknown(isObject(own) ? own.Resource : undefined);
    expect(resource.refs).toEqual(['module.actions.aws_secretsmanager_secret.integration["mim"]']);
    expect(resource.pattern).toBe('arn:aws:secretsmanager:*:*:secret:ztait-integration-mim-*');
  });

  it('says why a map Terraform marks unknown as a whole cannot be read, and how to fix it', async () => {
    const inv = await load('reference');
    const env = asUnknown(getPath(byAddress(inv, 'module.ingestion.aws_lambda_function.receiver').values, ['environment', 0, 'variables']));
    expect(env.reason).toMatch(/through local\.\w+.*which plan JSON does not describe: give the configuration directory/);
  });

  it('resolves every Lambda subnet and security group to resources of the plan', async () => {
    const inv = await load('reference');
    const index = new InventoryIndex(inv);
    for (const fn of index.byType('aws_lambda_function')) {
      const vpc = getPath(fn.values, ['vpc_config', 0]);
      const sgs = index.resolve(getPath(vpc, ['security_group_ids']), ['aws_security_group']);
      const subnets = index.resolve(getPath(vpc, ['subnet_ids']), ['aws_subnet']);
      expect(sgs.unresolved).toEqual([]);
      expect(sgs.resources.length).toBeGreaterThan(0);
      expect(subnets.unresolved).toEqual([]);
      expect(subnets.resources.map((r) => r.address).every((a) => a.startsWith('module.foundation.aws_subnet.private['))).toBe(true);
    }
  });
});

describe.skipIf(!haveExample)('the reference architecture plan with its configuration directory', () => {
  it('fills what plan JSON cannot show from the configuration evaluated with the plan variables', async () => {
    const inv = await load('reference', { configDir: EXAMPLE });
    const env = getPath(byAddress(inv, 'module.ingestion.aws_lambda_function.receiver').values, ['environment', 0, 'variables']);
    expect(isObject(env)).toBe(true);
    expect(getPath(env, ['MATURITY_LEVEL'])).toBe('0');
    expect(getPath(env, ['SIGNATURE_HEADER'])).toBe('X-Hub-Signature-256');
    expect(inv.limitations ?? []).toEqual([]);
  });

  it('passes every invariant, as the HCL check of the same directory does', async () => {
    const inv = await load('reference', { configDir: EXAMPLE });
    const result = runChecks(inv, { commandLine: 'ztait check --plan reference.plan.json' });
    const verdicts = result.invariants.map((i) => [i.id, i.status, i.reason ?? '']);
    expect(verdicts.filter(([id]) => !id!.startsWith('ZT-PLAN-')).filter(([, status]) => status !== 'pass')).toEqual([]);
    expect(verdicts.filter(([id]) => id!.startsWith('ZT-PLAN-')).map(([, status]) => status)).toEqual([
      'not_applicable',
      'not_applicable',
      'not_applicable',
    ]);
  });

  it('known plan values win over the configuration: a pipeline variable the directory does not see', async () => {
    const inv = await load('reference-pitr-disabled', { configDir: EXAMPLE });
    const audit = byAddress(inv, 'module.foundation.aws_dynamodb_table.this["audit"]');
    expect(getPath(audit.values, ['point_in_time_recovery', 0, 'enabled'])).toBe(false);
    expect(inv.variables?.pitr_enabled).toBe(false);
  });
});

describe.skipIf(!haveExample)('the configuration directory does not hold back the plan', () => {
  it('an override file there (which the HCL source does not merge) is named but every invariant still passes', async () => {
    // the example and the modules it calls, with an override file added (Terraform merged it into the plan)
    const root = mkdtempSync(join(tmpdir(), 'ztait-plan-override-'));
    try {
      cpSync('terraform', join(root, 'terraform'), { recursive: true, filter: (src) => !src.includes('.terraform') });
      const dir = join(root, EXAMPLE);
      writeFileSync(join(dir, 'providers_override.tf'), 'provider "aws" {\n  region = "us-east-1"\n}\n');
      const inv = await load('reference', { configDir: dir });
      expect(
        inv.diagnostics.some(
          (d) => /providers_override\.tf$/.test(d.file ?? '') && /override files are not merged/.test(d.message) && d.affects === undefined,
        ),
      ).toBe(true);
      const result = runChecks(inv, { commandLine: 'ztait check --plan reference.plan.json' });
      expect(
        result.invariants
          .filter((i) => !i.id.startsWith('ZT-PLAN-') && i.status !== 'pass')
          .map((i) => `${i.id} ${i.status} ${i.reason ?? ''}`),
      ).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

it('a configuration directory that does not exist is a usage error', async () => {
  await expect(load('reference', { configDir: 'fixtures/plans/configs/no-such-dir' })).rejects.toThrow(
    /no-such-dir: no such file or directory/,
  );
});

it('the fixtures are where the tests expect them', () => {
  expect(existsSync(fixture('reference'))).toBe(true);
  expect(existsSync(fixture('reference-pitr-disabled'))).toBe(true);
});
