import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/engine.js';
import { soleRole } from '../../src/rules/lib/principals.js';
import { byAddress, ctxOf, load } from './helpers.js';

// fixtures/plans/connections.plan.json: a real plan (scripts/gen-plan-fixtures.mjs connections) of
// fixtures/plans/configs/connections, everything created in it, read without the configuration
// directory. Every connection below is a value known only after apply: the plan's configuration
// section names the one resource its expression reads.

const FUNCTIONS = [
  'aws_lambda_function.fn',
  'module.functions.aws_lambda_function.this["engine"]',
  'module.functions.aws_lambda_function.this["receiver"]',
];

describe('connections the plan alone makes through its configuration section', () => {
  it('a Lambda whose only security group allows all egress fails SI-1, directly and through a module in the JSON syntax', async () => {
    const inv = await load('connections');
    const result = runChecks(inv, {});
    const si1 = result.invariants.find((r) => r.id === 'SI-1')!;
    expect(si1.status).toBe('fail');
    expect(si1.findings.find((f) => f.resource === 'aws_security_group.lambda')).toMatchObject({
      status: 'fail',
      message: 'egress rule allows protocol -1 to 0.0.0.0/0 (security group ztait-conn-lambda)',
    });
    // each function reaches the group: judged fail through it, not error for an unknown list
    for (const fn of FUNCTIONS) {
      const examined = si1.examined.find((e) => e.resource === fn);
      expect([fn, examined?.status, examined?.observed]).toEqual([
        fn,
        'fail',
        expect.stringContaining('security group ztait-conn-lambda: protocol -1 to 0.0.0.0/0'),
      ]);
      expect(si1.findings.filter((f) => f.resource === fn)).toEqual([]);
    }
  });

  it('a function of a for_each module runs as the role of its own key (var.role_arns[each.key])', async () => {
    const ctx = ctxOf(await load('connections'));
    const roleOf = (address: string): unknown => {
      const r = soleRole(ctx, byAddress(ctx.inventory, address));
      return 'role' in r ? r.role.address : r.problem;
    };
    expect(roleOf('module.functions.aws_lambda_function.this["engine"]')).toBe('aws_iam_role.fn["engine"]');
    expect(roleOf('module.functions.aws_lambda_function.this["receiver"]')).toBe('aws_iam_role.fn["receiver"]');
    expect(roleOf('aws_lambda_function.fn')).toBe('aws_iam_role.fn["receiver"]');
  });

  it('an attachment reaches the policy it attaches, and a trail its bucket', async () => {
    const inv = await load('connections');
    const ctx = ctxOf(inv);
    const attachment = byAddress(inv, 'aws_iam_role_policy_attachment.engine_admin');
    expect(ctx.index.resolve(attachment.values.policy_arn, ['aws_iam_policy']).resources.map((r) => r.address)).toEqual([
      'aws_iam_policy.admin',
    ]);
    const trail = byAddress(inv, 'aws_cloudtrail.audit');
    expect(ctx.index.resolve(trail.values.s3_bucket_name, ['aws_s3_bucket']).resources.map((r) => r.address)).toEqual([
      'aws_s3_bucket.trail',
    ]);
    const result = runChecks(inv, {});
    const si4 = result.invariants.find((r) => r.id === 'SI-4')!;
    expect(si4.findings.find((f) => f.resource === 'aws_iam_policy.admin')?.message).toMatch(
      /^policy aws_iam_policy\.admin grants iam:CreatePolicy.* to role ztait-conn-engine and no boundary denies it$/,
    );
    // SI-8 judges the trail's own bucket (it has neither versioning nor a policy), not an unknown one
    const si8 = result.invariants.find((r) => r.id === 'SI-8')!;
    expect(si8.status).toBe('fail');
    expect(new Set(si8.findings.map((f) => `${f.status} ${f.resource}`))).toEqual(new Set(['fail aws_s3_bucket.trail']));
  });
});
