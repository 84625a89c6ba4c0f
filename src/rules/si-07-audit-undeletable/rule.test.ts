import { describe, expect, it } from 'vitest';
import { auditUndeletable } from './rule.js';
import type { ValueObject } from '../../model/value.js';
import { jsonencode, opaque, ref, res } from '../../../test/support/builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from '../../../test/support/helpers.js';
import { allow, boundaryDocument, deny, doc, type System } from '../../../test/support/system.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

const CONFIG_POLICY = 'module.foundation.aws_iam_role_policy.policy';
const CONFIG_ROLE = 'module.foundation.aws_iam_role.role';

/** Where a policy finding lands: the aws_iam_role_policy statically, the role's inline block live. */
const policySite = (shape: string) =>
  (shape === 'static' ? [CONFIG_POLICY, 'policy'] : [CONFIG_ROLE, 'inline_policy.0.policy']) as [string, string];

const setConfigPolicy = (s: System, ...statements: ValueObject[]): void => {
  s.policyOf(s.roles.config).values.policy = jsonencode(doc(...statements));
};

describe('SI-7 audit logs cannot be deleted via the API', () => {
  for (const shape of SHAPES) {
    describe(shape, () => {
      it('passes the reference system (PutItem on the audit table is not a delete)', () => {
        const c = run(auditUndeletable, scenario(shape), shape);
        expect(c.status).toBe('pass');
        const audit = c.examined.find((e) => e.resource.type === 'aws_dynamodb_table')!;
        expect(audit.observed).toMatch(/^audit table arn:aws:dynamodb:.*:table\/ztait-audit: no role may delete from it$/);
      });

      it('fails dynamodb:* on table/ztait-*, naming the policy, the pattern and the audit table; only SI-7 fails', () => {
        const rs = scenario(shape, (s) => setConfigPolicy(s, allow('dynamodb:*', 'arn:aws:dynamodb:*:*:table/ztait-*')));
        expectOnly(rs, shape, { 'SI-7': 'fail' });
        const [addr, attr] = policySite(shape);
        const f = findingOn(run(auditUndeletable, rs, shape), addr, attr);
        expect(f.message).toMatch(
          /grants dynamodb:DeleteItem, dynamodb:BatchWriteItem, dynamodb:DeleteTable, dynamodb:PartiQLDelete \(via "dynamodb:\*"\) on arn:aws:dynamodb:\*:\*:table\/ztait-\* which matches the audit table ztait-audit \(role ztait-config-manager\)$/,
        );
      });

      it('fails dynamodb:Delete* on the audit table reference, and BatchWriteItem alone', () => {
        const del = scenario(shape, (s) => setConfigPolicy(s, allow('dynamodb:Delete*', ref(s.tables.audit, 'arn'))));
        const [addr, attr] = policySite(shape);
        expect(findingOn(run(auditUndeletable, del, shape), addr, attr).message).toMatch(
          /grants dynamodb:DeleteItem, dynamodb:DeleteTable \(via "dynamodb:Delete\*"\) on arn:aws:dynamodb:.*table\/ztait-audit which matches/,
        );
        const batch = scenario(shape, (s) => setConfigPolicy(s, allow('dynamodb:BatchWriteItem', ref(s.tables.audit, 'arn'))));
        expect(findingOn(run(auditUndeletable, batch, shape), addr, attr).message).toMatch(/grants dynamodb:BatchWriteItem on /);
      });

      it('an Allow with a Condition still counts as a grant', () => {
        const rs = scenario(shape, (s) =>
          setConfigPolicy(s, allow('dynamodb:DeleteItem', '*', { Condition: { Bool: { 'aws:SecureTransport': 'true' } } })),
        );
        expect(run(auditUndeletable, rs, shape).status).toBe('fail');
      });

      it('an unconditional Deny naming the audit table by reference wins over a table/ztait-* grant', () => {
        const rs = scenario(shape, (s) =>
          setConfigPolicy(
            s,
            allow(['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'], 'arn:aws:dynamodb:*:*:table/ztait-*'),
            deny('dynamodb:*', ref(s.tables.audit, 'arn')),
          ),
        );
        expect(run(auditUndeletable, rs, shape).status).toBe('pass');
      });

      it('an unconditional Deny in the boundary wins over the grant', () => {
        const rs = scenario(shape, (s) => {
          setConfigPolicy(s, allow('*', '*'));
          const b = boundaryDocument() as { Statement: object[] };
          b.Statement.push(
            deny(
              ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteTable', 'dynamodb:PartiQLDelete'],
              'arn:aws:dynamodb:*:*:table/ztait-audit',
            ),
          );
          s.boundary.values.policy = JSON.stringify(b);
        });
        expect(run(auditUndeletable, rs, shape).status).toBe('pass');
      });
    });
  }

  it('a policy not in the inventory (an AWS managed policy statically) is error for the role', () => {
    const rs = scenario('static', (s) => [
      res('aws_iam_role_policy_attachment', 'ddb', {
        role: ref(s.roles.config, 'name'),
        policy_arn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess',
      }),
    ]);
    const c = run(auditUndeletable, rs);
    expect(c.status).toBe('error');
    expect(c.findings.every((f) => f.resource.address === CONFIG_ROLE && f.kind === 'error')).toBe(true);
    expect(c.findings[0]!.message).toBe(
      'cannot decide whether role ztait-config-manager may dynamodb:DeleteItem on the audit table ztait-audit: policy_arn of aws_iam_role_policy_attachment.ddb "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" is not in the inventory (its document is unknown)',
    );
  });

  it("a policy attached to a role that cannot be resolved may be any role's: error", () => {
    const rs = scenario('static', () => {
      const p = res('aws_iam_policy', 'cleanup', { name: 'ztait-cleanup', policy: JSON.stringify(doc(allow('dynamodb:DeleteItem', '*'))) });
      return [
        p,
        res('aws_iam_policy_attachment', 'cleanup', {
          name: 'cleanup',
          roles: [opaque('var.extra_role has no value')],
          policy_arn: ref(p, 'arn'),
        }),
      ];
    });
    const c = run(auditUndeletable, rs);
    expect(c.status).toBe('error');
    expect(c.findings).toHaveLength(7);
    expect(c.findings[0]!.message).toMatch(
      /policy aws_iam_policy.cleanup: aws_iam_policy_attachment.cleanup is attached to a role that cannot be resolved \(var.extra_role has no value\)$/,
    );
  });

  it('an audit table whose name is unknown: a delete grant on any table is error, not pass', () => {
    const rs = scenario('static', (s) => {
      s.tables.audit.values.name = opaque('var.audit_table_name has no value');
      setConfigPolicy(s, allow('dynamodb:DeleteItem', ref(s.tables.incidents, 'arn')));
    });
    const c = run(auditUndeletable, rs);
    expect(c.status).toBe('error');
    expect(c.findings[0]!.message).toMatch(/the name of audit table module.foundation.aws_dynamodb_table.table\["audit"\] is unknown/);
  });

  it('a gap in policy documents is error; no audit table is not applicable', () => {
    const c = run(auditUndeletable, scenario('live'), 'live', { 'aws_iam_policy.policy': 'iam:GetPolicyVersion AccessDenied' });
    expect(c).toMatchObject({ status: 'error', reason: 'aws_iam_policy.policy not collected: iam:GetPolicyVersion AccessDenied' });
    const na = run(auditUndeletable, [res('aws_dynamodb_table', 't', { name: 'ztait-incidents' })]);
    expect(na).toMatchObject({ status: 'not_applicable', reason: 'no audit table (no aws_dynamodb_table whose name or key says audit)' });
  });
});
