import { describe, expect, it } from 'vitest';
import type { Resource } from '../../model/inventory.js';
import { Unknown } from '../../model/value.js';
import { ZT_PLAN_1 } from './rule.js';
import { errors, failing, planInventory as inventory, planResource as resource } from '../../../test/support/builder.js';
import { ctxOf, load } from '../../../test/plan/helpers.js';

describe('ZT-PLAN-1: the plan deletes or replaces audit evidence', () => {
  it.each([
    ['audit-table-destroy', 'module.foundation.aws_dynamodb_table.audit[0]', /the plan deletes the audit table ztait-audit/],
    ['audit-table-replace', 'module.foundation.aws_dynamodb_table.audit[0]', /the plan replaces the audit table ztait-audit: /],
    ['trail-destroy', 'module.foundation.aws_cloudtrail.main[0]', /the plan deletes the CloudTrail trail ztait-trail/],
    [
      'trail-bucket-replace',
      'module.foundation.aws_s3_bucket.trail',
      /the plan replaces the CloudTrail bucket ztait-cloudtrail-logs: the trail log files/,
    ],
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
      resource('aws_cloudtrail.main', 'aws_cloudtrail', { name: 'trail', s3_bucket_name: new Unknown('from a local') }, ['no-op'], {
        name: 'trail',
        s3_bucket_name: null,
      }),
    ]);
    const out = ZT_PLAN_1.evaluate(ctxOf(inv));
    expect(errors(out)).toEqual(['aws_s3_bucket.logs']);
    expect(out.findings[0]?.message).toMatch(/cannot be decided: aws_cloudtrail\.main delivers to a bucket known only after apply/);
  });

  it('a boundary is recognised by the roles that use it, whatever its name', () => {
    const arn = 'arn:aws:iam::123456789012:policy/guardrail';
    const inv = inventory([
      resource('aws_iam_policy.guardrail', 'aws_iam_policy', { name: 'guardrail', arn }, ['delete'], { name: 'guardrail', arn }),
      resource('aws_iam_role.r', 'aws_iam_role', { name: 'r', permissions_boundary: arn }, ['no-op'], {
        name: 'r',
        permissions_boundary: arn,
      }),
      resource('aws_iam_policy.other', 'aws_iam_policy', { name: 'other' }, ['delete'], {
        name: 'other',
        arn: 'arn:aws:iam::123456789012:policy/other',
      }),
    ]);
    const out = ZT_PLAN_1.evaluate(ctxOf(inv));
    expect(failing(out)).toEqual(['aws_iam_policy.guardrail']);
    expect(out.examined.find((e) => e.resource.address === 'aws_iam_policy.other')?.status).toBe('pass');
  });

  it('an inventory without plan changes (HCL, live) is not applicable', () => {
    const inv = {
      ...inventory([
        { ...resource('aws_cloudtrail.main', 'aws_cloudtrail', { name: 't' }, ['delete'], null), change: undefined } as Resource,
      ]),
      kind: 'hcl' as const,
    };
    expect(ZT_PLAN_1.evaluate(ctxOf(inv)).reason).toMatch(/not a plan/);
  });
});
