import { describe, expect, it } from 'vitest';
import { auditUndeletable } from '../../src/rules/si-07-audit-undeletable/rule.js';
import { cloudtrailWriteOnly } from '../../src/rules/si-08-cloudtrail-write-only/rule.js';
import type { ValueObject } from '../../src/model/value.js';
import { jsonencode, lines, opaque, ref, res, tpl } from './builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from './helpers.js';
import { allow, boundaryDocument, deny, doc, type System } from './system.js';

const CONFIG_POLICY = 'module.foundation.aws_iam_role_policy.policy';
const CONFIG_ROLE = 'module.foundation.aws_iam_role.role';
const BUCKET = 'module.foundation.aws_s3_bucket.trail';
const BUCKET_POLICY = 'module.foundation.aws_s3_bucket_policy.trail';

/** Where a policy finding lands: the aws_iam_role_policy statically, the role's inline block live. */
const policySite = (shape: string) => (shape === 'static' ? [CONFIG_POLICY, 'policy'] : [CONFIG_ROLE, 'inline_policy.0.policy']) as [string, string];

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
        expect(findingOn(run(auditUndeletable, del, shape), addr, attr).message).toMatch(/grants dynamodb:DeleteItem, dynamodb:DeleteTable \(via "dynamodb:Delete\*"\) on arn:aws:dynamodb:.*table\/ztait-audit which matches/);
        const batch = scenario(shape, (s) => setConfigPolicy(s, allow('dynamodb:BatchWriteItem', ref(s.tables.audit, 'arn'))));
        expect(findingOn(run(auditUndeletable, batch, shape), addr, attr).message).toMatch(/grants dynamodb:BatchWriteItem on /);
      });

      it('an Allow with a Condition still counts as a grant', () => {
        const rs = scenario(shape, (s) => setConfigPolicy(s, allow('dynamodb:DeleteItem', '*', { Condition: { Bool: { 'aws:SecureTransport': 'true' } } })));
        expect(run(auditUndeletable, rs, shape).status).toBe('fail');
      });

      it('an unconditional Deny naming the audit table by reference wins over a table/ztait-* grant', () => {
        const rs = scenario(shape, (s) =>
          setConfigPolicy(s, allow(['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'], 'arn:aws:dynamodb:*:*:table/ztait-*'), deny('dynamodb:*', ref(s.tables.audit, 'arn'))),
        );
        expect(run(auditUndeletable, rs, shape).status).toBe('pass');
      });

      it('an unconditional Deny in the boundary wins over the grant', () => {
        const rs = scenario(shape, (s) => {
          setConfigPolicy(s, allow('*', '*'));
          const b = boundaryDocument() as { Statement: object[] };
          b.Statement.push(deny(['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteTable', 'dynamodb:PartiQLDelete'], 'arn:aws:dynamodb:*:*:table/ztait-audit'));
          s.boundary.values.policy = JSON.stringify(b);
        });
        expect(run(auditUndeletable, rs, shape).status).toBe('pass');
      });
    });
  }

  it('a policy not in the inventory (an AWS managed policy statically) is error for the role', () => {
    const rs = scenario('static', (s) => [
      res('aws_iam_role_policy_attachment', 'ddb', { role: ref(s.roles.config, 'name'), policy_arn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }),
    ]);
    const c = run(auditUndeletable, rs);
    expect(c.status).toBe('error');
    expect(c.findings.every((f) => f.resource.address === CONFIG_ROLE && f.kind === 'error')).toBe(true);
    expect(c.findings[0]!.message).toBe(
      'cannot decide whether role ztait-config-manager may dynamodb:DeleteItem on the audit table ztait-audit: policy_arn of aws_iam_role_policy_attachment.ddb "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" is not in the inventory (its document is unknown)',
    );
  });

  it('a policy attached to a role that cannot be resolved may be any role\'s: error', () => {
    const rs = scenario('static', () => {
      const p = res('aws_iam_policy', 'cleanup', { name: 'ztait-cleanup', policy: JSON.stringify(doc(allow('dynamodb:DeleteItem', '*'))) });
      return [p, res('aws_iam_policy_attachment', 'cleanup', { name: 'cleanup', roles: [opaque('var.extra_role has no value')], policy_arn: ref(p, 'arn') })];
    });
    const c = run(auditUndeletable, rs);
    expect(c.status).toBe('error');
    expect(c.findings).toHaveLength(7);
    expect(c.findings[0]!.message).toMatch(/policy aws_iam_policy.cleanup: aws_iam_policy_attachment.cleanup is attached to a role that cannot be resolved \(var.extra_role has no value\)$/);
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

describe('SI-8 CloudTrail logs forwarded to a write-only bucket', () => {
  const denyDeletes = (s: System, extra: ValueObject = {}, actions: string[] = ['s3:DeleteObject', 's3:DeleteObjectVersion']): void => {
    s.bucketPolicy.values.policy = jsonencode(doc(
      { Sid: 'CloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: tpl(ref(s.bucket, 'arn'), '/*') },
      { Sid: 'DenyDeletes', Effect: 'Deny', Principal: '*', Action: actions, Resource: tpl(ref(s.bucket, 'arn'), '/*'), ...extra },
    ));
  };

  for (const shape of SHAPES) {
    describe(shape, () => {
      it('passes the reference system (the Deny names its own bucket by reference)', () => {
        const c = run(cloudtrailWriteOnly, scenario(shape), shape);
        expect(c.status).toBe('pass');
        expect(c.examined.find((e) => e.resource.address === BUCKET)!.observed).toBe(
          'bucket policy denies s3:DeleteObject, s3:DeleteObjectVersion to everyone; versioning_configuration.status = Enabled',
        );
      });

      it('a Deny with an ArnNotLike exception is no guarantee; only SI-8 fails', () => {
        const rs = scenario(shape, (s) => denyDeletes(s, { Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/break-glass' } } }));
        expectOnly(rs, shape, { 'SI-8': 'fail' });
        expect(lines(run(cloudtrailWriteOnly, rs, shape))).toEqual([
          `fail ${BUCKET_POLICY} policy: bucket policy of ztait-trail-logs does not deny s3:DeleteObject to Principal "*" on arn:aws:s3:::ztait-trail-logs/* (its Deny has a Condition)`,
          `fail ${BUCKET_POLICY} policy: bucket policy of ztait-trail-logs does not deny s3:DeleteObjectVersion to Principal "*" on arn:aws:s3:::ztait-trail-logs/* (its Deny has a Condition)`,
        ]);
      });

      it('a Deny of s3:DeleteObject only leaves s3:DeleteObjectVersion open', () => {
        const rs = scenario(shape, (s) => denyDeletes(s, {}, ['s3:DeleteObject']));
        expect(lines(run(cloudtrailWriteOnly, rs, shape))).toEqual([
          `fail ${BUCKET_POLICY} policy: bucket policy of ztait-trail-logs does not deny s3:DeleteObjectVersion to Principal "*" on arn:aws:s3:::ztait-trail-logs/* (no Deny statement names it)`,
        ]);
      });

      it('a Deny addressed to one principal only is no guarantee', () => {
        const rs = scenario(shape, (s) => denyDeletes(s, { Principal: { AWS: 'arn:aws:iam::111122223333:role/ztait-triage' } }));
        expect(run(cloudtrailWriteOnly, rs, shape).findings[0]!.message).toMatch(/\(its Deny is not addressed to every principal\)/);
      });

      it('versioning Suspended fails at the status', () => {
        const rs = scenario(shape, (s) => {
          s.versioning.values.versioning_configuration = [{ status: 'Suspended' }];
        });
        expectOnly(rs, shape, { 'SI-8': 'fail' });
        expect(findingOn(run(cloudtrailWriteOnly, rs, shape), 'module.foundation.aws_s3_bucket_versioning.trail')).toMatchObject({
          attr: 'versioning_configuration.status',
          message: 'versioning of bucket ztait-trail-logs is Suspended (must be Enabled)',
        });
      });

      it('no bucket policy and no versioning both fail on the bucket', () => {
        const rs = scenario(shape, (s) => {
          s.bucketPolicy.values.bucket = 'some-other-bucket';
          s.versioning.values.bucket = 'some-other-bucket';
        });
        expect(lines(run(cloudtrailWriteOnly, rs, shape))).toEqual([
          `fail ${BUCKET}: bucket ztait-trail-logs has no bucket policy, so nothing denies s3:DeleteObject and s3:DeleteObjectVersion`,
          `fail ${BUCKET}: bucket ztait-trail-logs has no versioning (no aws_s3_bucket_versioning with status Enabled)`,
        ]);
      });
    });
  }

  it('no trail at all fails; a trail to a bucket not in the inventory is error', () => {
    const none = scenario('static', (s) => {
      s.trail.values = {};
      s.trail.type = 'aws_cloudtrail_event_data_store';
    });
    expect(lines(run(cloudtrailWriteOnly, none))).toEqual(['fail aws_cloudtrail: no aws_cloudtrail in the inventory: CloudTrail logs are not forwarded to any bucket']);
    const elsewhere = scenario('static', (s) => {
      s.trail.values.s3_bucket_name = 'central-logging-bucket';
    });
    expect(lines(run(cloudtrailWriteOnly, elsewhere))).toEqual([
      'error module.foundation.aws_cloudtrail.main s3_bucket_name: bucket "central-logging-bucket" of trail ztait-trail is not in the inventory',
    ]);
  });

  it('a policy that cannot be read is error, a trail that does not log fails', () => {
    const unread = scenario('static', (s) => {
      s.bucketPolicy.values.policy = opaque('templatefile("policy.json.tpl") reads a file that does not exist');
    });
    const c = run(cloudtrailWriteOnly, unread);
    expect(c.status).toBe('error');
    expect(findingOn(c, BUCKET_POLICY).message).toMatch(/^bucket policy of ztait-trail-logs cannot be read: policy is not known statically: templatefile/);
    const off = scenario('live', (s) => {
      s.trail.values.enable_logging = false;
    });
    expect(findingOn(run(cloudtrailWriteOnly, off, 'live'), 'module.foundation.aws_cloudtrail.main')).toMatchObject({ attr: 'enable_logging', kind: 'fail' });
  });

  it('reads the legacy inline versioning and policy of aws_s3_bucket', () => {
    const rs = scenario('static', (s) => {
      s.bucket.values.versioning = [{ enabled: true }];
      s.bucket.values.policy = s.bucketPolicy.values.policy!;
      s.bucketPolicy.values.bucket = 'x';
      s.versioning.values.bucket = 'x';
    });
    expect(run(cloudtrailWriteOnly, rs).status).toBe('pass');
  });

  it('a gap in bucket policies is error even with a passing bucket', () => {
    const c = run(cloudtrailWriteOnly, scenario('live'), 'live', { aws_s3_bucket_policy: 's3:GetBucketPolicy AccessDenied' });
    expect(c).toMatchObject({ status: 'error', errors: ['aws_s3_bucket_policy not collected: s3:GetBucketPolicy AccessDenied'] });
  });
});
