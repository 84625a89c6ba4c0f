import { describe, expect, it } from 'vitest';
import { noIamPolicyWrites } from './rule.js';
import { SHAPES, run, scenario } from '../../../test/support/helpers.js';
import { allow, doc } from '../../../test/support/system.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

describe('SI-4 no role can modify IAM policies', () => {
  for (const shape of SHAPES) {
    describe(shape, () => {
      it('iam:*Policy* on a role without boundary: SI-4 names the granting policy and the actions', () => {
        const rs = scenario(shape, (s) => {
          delete s.roles.config.values.permissions_boundary;
          s.policyOf(s.roles.config).values.policy = JSON.stringify(doc(allow('iam:*Policy*', '*')));
        });
        const c = run(noIamPolicyWrites, rs, shape);
        const f = c.findings.find((x) => x.message.includes(' grants '))!;
        expect(f.message).toMatch(
          shape === 'static'
            ? /^policy module.foundation.aws_iam_role_policy.policy grants /
            : /^inline policy "least-privilege" of role ztait-config-manager grants /,
        );
        expect(f.message).toContain(
          'grants iam:CreatePolicy, iam:CreatePolicyVersion, iam:DeletePolicy, iam:SetDefaultPolicyVersion, iam:PutRolePolicy, iam:DeleteRolePolicy, iam:AttachRolePolicy, iam:DetachRolePolicy (via "iam:*Policy*") on *',
        );
        expect(f.message).toContain('to role ztait-config-manager');
      });

      it('each write counts on the ARNs it acts on: iam:* on policy ARNs grants the policy writes only, on S3 ARNs nothing', () => {
        const withPolicy = (resource: string[]) =>
          scenario(shape, (s) => {
            delete s.roles.config.values.permissions_boundary;
            s.policyOf(s.roles.config).values.policy = JSON.stringify(doc(allow('iam:*', resource)));
          });
        const grants = (resource: string[]) =>
          run(noIamPolicyWrites, withPolicy(resource), shape)
            .findings.filter((x) => x.message.includes(' grants '))
            .map((x) => x.message.slice(x.message.indexOf(' grants ')));
        expect(grants(['arn:aws:s3:::ztait-*', 'arn:aws:dynamodb:*:*:table/*'])).toEqual([]);
        expect(grants(['arn:aws:s3:::ztait-*', 'arn:aws:iam::*:policy/ztait-*'])).toEqual([
          ' grants iam:CreatePolicy, iam:CreatePolicyVersion, iam:DeletePolicy, iam:SetDefaultPolicyVersion (via "iam:*") on arn:aws:iam::*:policy/ztait-* to role ztait-config-manager and no boundary denies it',
        ]);
        expect(grants(['arn:aws:iam::*:role/ztait-*', 'arn:aws:iam::*:policy/ztait-*'])).toEqual([
          ' grants iam:CreatePolicy, iam:CreatePolicyVersion, iam:DeletePolicy, iam:SetDefaultPolicyVersion (via "iam:*") on arn:aws:iam::*:policy/ztait-*; ' +
            'iam:PutRolePolicy, iam:DeleteRolePolicy, iam:AttachRolePolicy, iam:DetachRolePolicy, iam:PutRolePermissionsBoundary, iam:DeleteRolePermissionsBoundary (via "iam:*") on arn:aws:iam::*:role/ztait-* ' +
            'to role ztait-config-manager and no boundary denies it',
        ]);
      });
    });
  }
});
