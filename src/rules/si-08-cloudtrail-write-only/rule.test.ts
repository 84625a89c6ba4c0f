import { describe, expect, it } from 'vitest';
import { cloudtrailWriteOnly } from './rule.js';
import { Unknown, type Value, type ValueObject } from '../../model/value.js';
import { Ref, jsonencode, lines, opaque, ref, res, tpl } from '../../../test/support/builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from '../../../test/support/helpers.js';
import { doc, type System } from '../../../test/support/system.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

const BUCKET = 'module.foundation.aws_s3_bucket.trail';
const BUCKET_POLICY = 'module.foundation.aws_s3_bucket_policy.trail';

describe('SI-8 CloudTrail logs forwarded to a write-only bucket', () => {
  const denyDeletes = (s: System, extra: ValueObject = {}, actions: string[] = ['s3:DeleteObject', 's3:DeleteObjectVersion']): void => {
    s.bucketPolicy.values.policy = jsonencode(
      doc(
        {
          Sid: 'CloudTrailWrite',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: tpl(ref(s.bucket, 'arn'), '/*'),
        },
        { Sid: 'DenyDeletes', Effect: 'Deny', Principal: '*', Action: actions, Resource: tpl(ref(s.bucket, 'arn'), '/*'), ...extra },
      ),
    );
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
        const rs = scenario(shape, (s) =>
          denyDeletes(s, { Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/break-glass' } } }),
        );
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

  describe('a bucket named in part (the account id), bound by reference as the static source gives it', () => {
    /** The trail bucket named `ztait-trail-<account id>`; policy, versioning and trail reference it. */
    const partlyNamed = (s: System, denied: (s: System) => Value = (t) => tpl(new Ref(t.bucket, 'arn'), '/*')): void => {
      s.bucket.values.bucket = new Unknown('data.aws_caller_identity.current.account_id is known only after apply', {
        refs: ['data.aws_caller_identity.current'],
        pattern: 'ztait-trail-*',
      });
      for (const r of [s.bucketPolicy, s.versioning]) r.values.bucket = new Ref(s.bucket, 'id');
      s.trail.values.s3_bucket_name = new Ref(s.bucket, 'id');
      s.bucketPolicy.values.policy = jsonencode(
        doc({
          Sid: 'DenyDeletes',
          Effect: 'Deny',
          Principal: '*',
          Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          Resource: denied(s),
        }),
      );
    };

    it('passes with the Deny on its own objects ("${aws_s3_bucket.trail.arn}/*" or "arn:aws:s3:::${...id}/*")', () => {
      const byArn = scenario('static', (s) => partlyNamed(s));
      expect(run(cloudtrailWriteOnly, byArn).status).toBe('pass');
      const byId = scenario('static', (s) => partlyNamed(s, (t) => tpl('arn:aws:s3:::', new Ref(t.bucket, 'id'), '/*')));
      expect(run(cloudtrailWriteOnly, byId).status).toBe('pass');
    });

    it('a Deny on a literal name it may have is error; on a name it cannot have, fail', () => {
      const literal = scenario('static', (s) => partlyNamed(s, () => 'arn:aws:s3:::ztait-trail-111122223333/*'));
      const c = run(cloudtrailWriteOnly, literal);
      expect(c.status).toBe('error');
      expect(c.findings[0]!.message).toMatch(
        /its Deny covers arn:aws:s3:::ztait-trail-111122223333\/\*, and the bucket's name is known only as ztait-trail-\*/,
      );
      const other = scenario('static', (s) => partlyNamed(s, () => 'arn:aws:s3:::ztait-archive-*/*'));
      expect(run(cloudtrailWriteOnly, other).status).toBe('fail');
    });

    it('a versioning whose bucket is unknown and refers to no bucket makes the verdict error, not fail', () => {
      const rs = scenario('static', (s) => {
        partlyNamed(s);
        s.versioning.values.bucket = opaque('var.versioned_bucket has no value');
      });
      expect(lines(run(cloudtrailWriteOnly, rs))).toEqual([
        `error ${BUCKET}: cannot tell whether module.foundation.aws_s3_bucket_versioning.trail (bucket = (unknown: var.versioned_bucket has no value)) is the versioning of bucket ${BUCKET}: its bucket is not known statically`,
      ]);
      // a literal name the bucket cannot have is another bucket's
      const elsewhere = scenario('static', (s) => {
        partlyNamed(s);
        s.versioning.values.bucket = 'ztait-archive-logs';
      });
      expect(run(cloudtrailWriteOnly, elsewhere).status).toBe('fail');
    });
  });

  it('two buckets sharing a literal name: policy and versioning bind to the one they reference', () => {
    // static only: live, a name is one bucket
    const rs = scenario('static', (s) => {
      const twin = res('aws_s3_bucket', 'archive', { bucket: 'ztait-trail-logs' }, { module: 'module.foundation' });
      s.bucketPolicy.values.bucket = new Ref(s.bucket, 'id');
      s.trail.values.s3_bucket_name = new Ref(s.bucket, 'id');
      s.versioning.values.bucket = new Ref(twin, 'id');
      return [twin];
    });
    expect(lines(run(cloudtrailWriteOnly, rs))).toEqual([
      `fail ${BUCKET}: bucket ztait-trail-logs has no versioning (no aws_s3_bucket_versioning with status Enabled)`,
    ]);
  });

  it('no trail at all fails; a trail to a bucket not in the inventory is error', () => {
    const none = scenario('static', (s) => {
      s.trail.values = {};
      s.trail.type = 'aws_cloudtrail_event_data_store';
    });
    expect(lines(run(cloudtrailWriteOnly, none))).toEqual([
      'fail aws_cloudtrail: no aws_cloudtrail in the inventory: CloudTrail logs are not forwarded to any bucket',
    ]);
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
    expect(findingOn(c, BUCKET_POLICY).message).toMatch(
      /^bucket policy of ztait-trail-logs cannot be read: policy is not known statically: templatefile/,
    );
    const off = scenario('live', (s) => {
      s.trail.values.enable_logging = false;
    });
    expect(findingOn(run(cloudtrailWriteOnly, off, 'live'), 'module.foundation.aws_cloudtrail.main')).toMatchObject({
      attr: 'enable_logging',
      kind: 'fail',
    });
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
