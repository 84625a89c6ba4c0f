import { describe, expect, it } from 'vitest';
import { noAssumeRole } from './rule.js';
import { noIamPolicyWrites } from '../si-04-no-iam-policy-writes/rule.js';
import { jsonencode, lines, opaque, ref, res } from '../../../test/support/builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from '../../../test/support/helpers.js';
import { IAM_WRITES, allow, boundaryDocument, deny, doc } from '../../../test/support/system.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

const TRIAGE_ROLE = 'module.triage.aws_iam_role.role';
const TRIAGE_POLICY = 'module.triage.aws_iam_role_policy.policy';

/** The reference boundary with statement `sid` replaced. */
function boundaryWith(sid: string, replacement: object): string {
  const d = boundaryDocument() as { Statement: { Sid: string }[] };
  d.Statement = d.Statement.map((st) => (st.Sid === sid ? { Sid: sid, ...replacement } : st));
  return JSON.stringify(d);
}

describe('SI-3 no role can assume other roles / SI-4 no role can modify IAM policies', () => {
  for (const shape of SHAPES) {
    describe(shape, () => {
      it('pass the reference system with the boundary as evidence', () => {
        const c = run(noAssumeRole, scenario(shape), shape);
        expect(c.status).toBe('pass');
        expect(c.examined).toHaveLength(7);
        expect(c.examined.every((e) => e.observed === 'permissions_boundary = ztait-boundary (denies sts:AssumeRole on *)')).toBe(true);
        expect(run(noIamPolicyWrites, scenario(shape), shape).status).toBe('pass');
      });

      it('a role without permissions_boundary fails both SI-3 and SI-4, and nothing else', () => {
        const rs = scenario(shape, (s) => {
          delete s.roles.triage.values.permissions_boundary;
        });
        expectOnly(rs, shape, { 'SI-3': 'fail', 'SI-4': 'fail' });
        expect(findingOn(run(noAssumeRole, rs, shape), TRIAGE_ROLE)).toMatchObject({
          kind: 'fail',
          attr: 'permissions_boundary',
          message: 'role ztait-triage has no permissions_boundary, so nothing guarantees it cannot call sts:AssumeRole',
        });
        expect(findingOn(run(noIamPolicyWrites, rs, shape), TRIAGE_ROLE).message).toBe(
          'role ztait-triage has no permissions_boundary, so nothing guarantees it cannot modify IAM policies',
        );
      });

      it('a boundary Deny with a Condition is no guarantee', () => {
        const rs = scenario(shape, (s) => {
          s.boundary.values.policy = boundaryWith(
            'DenyAssumeRole',
            deny('sts:AssumeRole', '*', { Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'ops' } } }),
          );
        });
        expectOnly(rs, shape, { 'SI-3': 'fail' });
        const c = run(noAssumeRole, rs, shape);
        expect(findingOn(c, TRIAGE_ROLE)).toMatchObject({
          kind: 'fail',
          attr: 'permissions_boundary',
          message: 'boundary ztait-boundary of role ztait-triage does not deny sts:AssumeRole on "*" (its Deny has a Condition)',
        });
        expect(c.findings).toHaveLength(7);
        expect(c.examined.filter((e) => e.status === 'fail')).toHaveLength(7);
      });

      it('an identity Allow with NotAction grants sts:AssumeRole to a role without boundary', () => {
        const rs = scenario(shape, (s) => {
          delete s.roles.triage.values.permissions_boundary;
          s.policyOf(s.roles.triage).values.policy = JSON.stringify(doc({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }));
        });
        const c = run(noAssumeRole, rs, shape);
        const f = findingOn(c, shape === 'static' ? TRIAGE_POLICY : TRIAGE_ROLE, shape === 'static' ? 'policy' : 'inline_policy.0.policy');
        expect(f.message).toMatch(
          /grants sts:AssumeRole \(via NotAction \["s3:\*"\], which does not exclude it\) on \* to role ztait-triage and no boundary denies it$/,
        );
      });

      it('a grant counts on role ARNs only: "*" on S3 ARNs grants nothing, and a message names only what reaches a role', () => {
        const where = shape === 'static' ? [TRIAGE_POLICY, 'policy'] : [TRIAGE_ROLE, 'inline_policy.0.policy'];
        const withPolicy = (resource: string[]) =>
          scenario(shape, (s) => {
            delete s.roles.triage.values.permissions_boundary;
            s.policyOf(s.roles.triage).values.policy = JSON.stringify(doc(allow('*', resource)));
          });
        const dataOnly = run(noAssumeRole, withPolicy(['arn:aws:s3:::ztait-*/*', 'arn:aws:dynamodb:*:*:table/ztait-incidents']), shape);
        expect(dataOnly.findings.map((f) => f.message)).toEqual([
          'role ztait-triage has no permissions_boundary, so nothing guarantees it cannot call sts:AssumeRole',
        ]);
        const mixed = run(
          noAssumeRole,
          withPolicy(['arn:aws:s3:::ztait-*/*', 'arn:aws:iam::*:role/ztait-*', 'arn:aws:iam::*:policy/*']),
          shape,
        );
        expect(findingOn(mixed, where[0]!, where[1]).message).toMatch(
          /grants sts:AssumeRole \(via "\*"\) on arn:aws:iam::\*:role\/ztait-\* to role ztait-triage and no boundary denies it$/,
        );
      });
    });
  }

  it('a boundary that does not deny on every resource, or excludes the action with NotAction, fails', () => {
    const narrow = scenario('static', (s) => {
      s.boundary.values.policy = boundaryWith('DenyIamPolicyWrites', deny(IAM_WRITES, 'arn:aws:iam::*:policy/*'));
    });
    expect(findingOn(run(noIamPolicyWrites, narrow), TRIAGE_ROLE).message).toBe(
      `boundary ztait-boundary of role ztait-triage does not deny ${IAM_WRITES.join(', ')} on "*" (its Deny covers only arn:aws:iam::*:policy/*)`,
    );

    const notAction = scenario('static', (s) => {
      s.boundary.values.policy = boundaryWith('DenyAssumeRole', {
        Effect: 'Deny',
        NotAction: ['sts:AssumeRole', 'sts:TagSession'],
        Resource: '*',
      });
    });
    expect(findingOn(run(noAssumeRole, notAction), TRIAGE_ROLE).message).toMatch(/\(its Deny uses NotAction that excludes it\)$/);
  });

  it('a boundary Deny that is not fully known is error, not fail and not pass', () => {
    const rs = scenario('static', (s) => {
      const d = boundaryDocument() as { Statement: { Sid: string; Resource?: unknown }[] };
      d.Statement.find((st) => st.Sid === 'DenyAssumeRole')!.Resource = opaque('var.deny_scope has no value');
      s.boundary.values.policy = jsonencode(d as never);
    });
    const c = run(noAssumeRole, rs);
    expect(c.status).toBe('error');
    expect(findingOn(c, TRIAGE_ROLE)).toMatchObject({
      kind: 'error',
      attr: 'permissions_boundary',
      message:
        'cannot tell whether boundary ztait-boundary of role ztait-triage denies sts:AssumeRole on "*": its Deny is not fully known statically',
    });
  });

  it('a boundary denying through wildcards (sts:*, sts:AssumeRole*, iam:*) counts', () => {
    for (const action of ['sts:*', 'sts:AssumeRole*', '*']) {
      const rs = scenario('static', (s) => {
        s.boundary.values.policy = boundaryWith('DenyAssumeRole', deny(action, '*'));
      });
      expect(run(noAssumeRole, rs).status, action).toBe('pass');
    }
    const iamStar = scenario('static', (s) => {
      s.boundary.values.policy = boundaryWith('DenyIamPolicyWrites', deny('iam:*', '*'));
    });
    expect(run(noIamPolicyWrites, iamStar).status).toBe('pass');
  });

  it('follows a data.aws_iam_policy_document boundary by reference', () => {
    const rs = scenario('static', (s) => {
      const pd = res(
        'aws_iam_policy_document',
        'boundary',
        { json: JSON.stringify(boundaryDocument()) },
        { mode: 'data', module: 'module.foundation' },
      );
      s.boundary.values.policy = ref(pd, 'json');
      return [pd];
    });
    expect(run(noAssumeRole, rs).status).toBe('pass');
  });

  it('an AWS managed policy (not in the inventory) matters only where no boundary decides', () => {
    const attach = (role: ReturnType<typeof res>) =>
      res('aws_iam_role_policy_attachment', 'admin', {
        role: ref(role, 'name'),
        policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      });
    const bounded = scenario('static', (s) => [attach(s.roles.triage)]);
    expect(run(noAssumeRole, bounded).status).toBe('pass');
    const unbounded = scenario('static', (s) => {
      delete s.roles.triage.values.permissions_boundary;
      return [attach(s.roles.triage)];
    });
    expect(lines(run(noAssumeRole, unbounded))).toEqual([
      `fail ${TRIAGE_ROLE} permissions_boundary: role ztait-triage has no permissions_boundary, so nothing guarantees it cannot call sts:AssumeRole`,
      `error ${TRIAGE_ROLE}: cannot decide whether role ztait-triage may call sts:AssumeRole: policy_arn of aws_iam_role_policy_attachment.admin "arn:aws:iam::aws:policy/AdministratorAccess" is not in the inventory (its document is unknown)`,
    ]);
  });

  it('a boundary ARN not in the inventory is error; a managed attachment is read live', () => {
    const missing = scenario('static', (s) => {
      s.roles.triage.values.permissions_boundary = 'arn:aws:iam::111122223333:policy/elsewhere';
    });
    const c = run(noAssumeRole, missing);
    expect(c.status).toBe('error');
    expect(findingOn(c, TRIAGE_ROLE, 'permissions_boundary').message).toBe(
      'role ztait-triage: permissions_boundary of role ztait-triage "arn:aws:iam::111122223333:policy/elsewhere" is not in the inventory (its document is unknown)',
    );

    const managed = scenario('live', (s) => {
      delete s.roles.handlers.slack.values.permissions_boundary;
      const p = res('aws_iam_policy', 'assume', { name: 'ztait-assume', policy: jsonencode(doc(allow('sts:AssumeRole', '*'))) });
      return [p, res('aws_iam_role_policy_attachment', 'assume', { role: ref(s.roles.handlers.slack, 'name'), policy_arn: ref(p, 'arn') })];
    });
    const m = run(noAssumeRole, managed, 'live');
    expect(findingOn(m, 'aws_iam_policy.assume', 'policy').message).toBe(
      'policy aws_iam_policy.assume grants sts:AssumeRole on * to role ztait-slack-handler and no boundary denies it',
    );
  });

  it('an IAM collection gap is error naming the failed call', () => {
    const c = run(noAssumeRole, scenario('live'), 'live', { 'aws_iam_role.permissions_boundary': 'iam:GetRole AccessDenied' });
    expect(c).toMatchObject({ status: 'error', errors: ['aws_iam_role.permissions_boundary not collected: iam:GetRole AccessDenied'] });
    expect(run(noAssumeRole, scenario('live'), 'live', { 'iam:SimulatePrincipalPolicy': 'not implemented' }).status).toBe('pass');
    expect(
      run(noIamPolicyWrites, scenario('live'), 'live', { 'aws_iam_role.inline_policy': 'iam:GetRolePolicy AccessDenied' }),
    ).toMatchObject({
      status: 'error',
      errors: ['aws_iam_role.inline_policy not collected: iam:GetRolePolicy AccessDenied'],
    });
  });

  it('not applicable without roles', () => {
    expect(run(noAssumeRole, [])).toMatchObject({ status: 'not_applicable', reason: 'no aws_iam_role in the inventory' });
  });
});
