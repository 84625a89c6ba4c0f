import { describe, expect, it } from 'vitest';
import type { Inventory, Resource } from '../../src/model/inventory.js';
import { emptyInventory } from '../../src/model/inventory.js';
import { Unknown, type ValueObject } from '../../src/model/value.js';
import type { RuleOutcome } from '../../src/rules/define.js';
import { CHANGE_RULES } from '../../src/rules/registry.js';
import { ZT_PLAN_1 } from '../../src/rules/zt-plan-1-audit-evidence-kept/rule.js';
import { ZT_PLAN_2 } from '../../src/rules/zt-plan-2-maturity-one-step/rule.js';
import { ZT_PLAN_3 } from '../../src/rules/zt-plan-3-maturity-approved/rule.js';
import { ctxOf, load } from './helpers.js';

const failing = (o: RuleOutcome): string[] => o.findings.filter((f) => f.kind === 'fail').map((f) => f.resource.address);
const errors = (o: RuleOutcome): string[] => o.findings.filter((f) => f.kind === 'error').map((f) => f.resource.address);

describe('ZT-PLAN-1: the plan deletes or replaces audit evidence', () => {
  it.each([
    ['audit-table-destroy', 'module.foundation.aws_dynamodb_table.audit[0]', /the plan deletes the audit table ztait-audit/],
    ['audit-table-replace', 'module.foundation.aws_dynamodb_table.audit[0]', /the plan replaces the audit table ztait-audit: /],
    ['trail-destroy', 'module.foundation.aws_cloudtrail.main[0]', /the plan deletes the CloudTrail trail ztait-trail/],
    ['trail-bucket-replace', 'module.foundation.aws_s3_bucket.trail', /the plan replaces the CloudTrail bucket ztait-cloudtrail-logs: the trail log files/],
    ['boundary-replace', 'module.foundation.aws_iam_policy.boundary', /the plan replaces the permissions boundary policy ztait-boundary: /],
  ])('%s fails at %s', async (name, address, message) => {
    const out = ZT_PLAN_1.evaluate(ctxOf(await load(name)));
    expect(failing(out)).toEqual([address]);
    expect(out.findings[0]?.message).toMatch(message);
    expect(errors(out)).toEqual([]);
  });

  it('a replaced resource that is not evidence is examined and passes', async () => {
    const out = ZT_PLAN_1.evaluate(ctxOf(await load('trail-bucket-replace')));
    expect(out.examined.map((e) => [e.resource.address, e.status])).toEqual([
      ['module.foundation.aws_s3_bucket.trail', 'fail'],
      ['module.foundation.aws_s3_bucket_versioning.trail', 'pass'],
    ]);
  });

  it.each(['evidence-noop', 'pitr-disabled', 'maturity-0-2', 'modules', 'empty'])('%s deletes nothing: not applicable', async (name) => {
    const out = ZT_PLAN_1.evaluate(ctxOf(await load(name)));
    expect(out.findings).toEqual([]);
    expect(out.examined).toEqual([]);
    expect(out.reason).toMatch(/deletes or replaces nothing/);
  });

  it('a deleted bucket whose trail delivers to a bucket known only after apply cannot be cleared', () => {
    const inv = inventory([
      resource('aws_s3_bucket.logs', 'aws_s3_bucket', { bucket: 'ztait-logs' }, ['delete'], { bucket: 'ztait-logs' }),
      resource('aws_cloudtrail.main', 'aws_cloudtrail', { name: 'trail', s3_bucket_name: new Unknown('from a local') }, ['no-op'], { name: 'trail', s3_bucket_name: null }),
    ]);
    const out = ZT_PLAN_1.evaluate(ctxOf(inv));
    expect(errors(out)).toEqual(['aws_s3_bucket.logs']);
    expect(out.findings[0]?.message).toMatch(/cannot be decided: aws_cloudtrail\.main delivers to a bucket known only after apply/);
  });

  it('a boundary is recognised by the roles that use it, whatever its name', () => {
    const arn = 'arn:aws:iam::123456789012:policy/guardrail';
    const inv = inventory([
      resource('aws_iam_policy.guardrail', 'aws_iam_policy', { name: 'guardrail', arn }, ['delete'], { name: 'guardrail', arn }),
      resource('aws_iam_role.r', 'aws_iam_role', { name: 'r', permissions_boundary: arn }, ['no-op'], { name: 'r', permissions_boundary: arn }),
      resource('aws_iam_policy.other', 'aws_iam_policy', { name: 'other' }, ['delete'], { name: 'other', arn: 'arn:aws:iam::123456789012:policy/other' }),
    ]);
    const out = ZT_PLAN_1.evaluate(ctxOf(inv));
    expect(failing(out)).toEqual(['aws_iam_policy.guardrail']);
    expect(out.examined.find((e) => e.resource.address === 'aws_iam_policy.other')?.status).toBe('pass');
  });

  it('an inventory without plan changes (HCL, live) is not applicable', () => {
    const inv = { ...inventory([{ ...resource('aws_cloudtrail.main', 'aws_cloudtrail', { name: 't' }, ['delete'], null), change: undefined } as Resource]), kind: 'hcl' as const };
    expect(ZT_PLAN_1.evaluate(ctxOf(inv)).reason).toMatch(/not a plan/);
  });
});

describe('ZT-PLAN-2 and ZT-PLAN-3: raising the maturity level', () => {
  it('0 -> 2 fails ZT-PLAN-2 at the Lambda carrying MATURITY_LEVEL', async () => {
    const out = ZT_PLAN_2.evaluate(ctxOf(await load('maturity-0-2')));
    expect(failing(out)).toEqual(['aws_lambda_function.triage']);
    expect(out.findings[0]).toMatchObject({ attr: 'environment.variables.MATURITY_LEVEL' });
    expect(out.findings[0]?.message).toBe(
      'the plan raises the maturity level from L0 Shadow to L2 Supervised: 2 steps at once, skipping the entry criteria of L1 Assisted',
    );
  });

  it('0 -> 1 passes ZT-PLAN-2', async () => {
    const out = ZT_PLAN_2.evaluate(ctxOf(await load('maturity-0-1')));
    expect(out.findings).toEqual([]);
    expect(out.examined.map((e) => [e.status, e.observed])).toEqual([['pass', 'MATURITY_LEVEL 0 -> 1']]);
  });

  it('0 -> 1 without an approval fails ZT-PLAN-3; with --approved-by it passes and says who', async () => {
    const inv = await load('maturity-0-1');
    const out = ZT_PLAN_3.evaluate(ctxOf(inv));
    expect(failing(out)).toEqual(['aws_lambda_function.triage']);
    expect(out.findings[0]?.message).toMatch(/raises the maturity level from L0 Shadow to L1 Assisted without a recorded approval \(--approved-by\)/);
    const approved = ZT_PLAN_3.evaluate(ctxOf(inv, 'alice@example.com'));
    expect(approved.findings).toEqual([]);
    expect(approved.examined[0]?.observed).toBe('MATURITY_LEVEL 0 -> 1, approved by alice@example.com');
  });

  it('an unchanged level passes both; a plan that creates the functions raises nothing', async () => {
    for (const rule of [ZT_PLAN_2, ZT_PLAN_3]) {
      const same = rule.evaluate(ctxOf(await load('evidence-noop')));
      expect(same.findings).toEqual([]);
      expect(same.examined).toHaveLength(1);
      expect(rule.evaluate(ctxOf(await load('modules'))).reason).toMatch(/no deployed function carries a maturity level/);
    }
  });

  it('a level known only after apply falls back to the plan variable, else is an error', () => {
    const lambda = (after: ValueObject): Resource =>
      resource('aws_lambda_function.f', 'aws_lambda_function', after, ['update'], { environment: [{ variables: { MATURITY_LEVEL: '1' } }] });
    const unknownEnv = { environment: [{ variables: new Unknown('known after apply') }] };
    const withVar = inventory([lambda(unknownEnv)], { maturity_level: 3 });
    expect(ZT_PLAN_2.evaluate(ctxOf(withVar)).findings[0]?.message).toMatch(/from L1 Assisted to L3 Autonomous/);
    const without = ZT_PLAN_2.evaluate(ctxOf(inventory([lambda(unknownEnv)])));
    expect(errors(without)).toEqual(['aws_lambda_function.f']);
    expect(without.findings[0]?.message).toMatch(/cannot tell the maturity level after apply: .*known only after apply/);
  });

  it('lowering the level is neither a jump nor a promotion', () => {
    const inv = inventory([
      resource('aws_lambda_function.f', 'aws_lambda_function', { environment: [{ variables: { MATURITY_LEVEL: '0' } }] }, ['update'], {
        environment: [{ variables: { MATURITY_LEVEL: '3' } }],
      }),
    ]);
    expect(ZT_PLAN_2.evaluate(ctxOf(inv)).findings).toEqual([]);
    expect(ZT_PLAN_3.evaluate(ctxOf(inv)).examined[0]?.observed).toBe('MATURITY_LEVEL 3 -> 0 (not raised)');
  });
});

it('the change rules are the three plan rules in order', () => {
  expect(CHANGE_RULES.map((r) => r.id)).toEqual(['ZT-PLAN-1', 'ZT-PLAN-2', 'ZT-PLAN-3']);
});

function resource(address: string, type: string, values: ValueObject, actions: NonNullable<Resource['change']>['actions'], before: ValueObject | null): Resource {
  const name = address.split('.').pop()!;
  return { address, mode: 'managed', type, name, module: '', values, change: { actions, before } };
}

function inventory(resources: Resource[], variables?: ValueObject): Inventory {
  return { ...emptyInventory('plan'), resources, ...(variables ? { variables } : {}) };
}
