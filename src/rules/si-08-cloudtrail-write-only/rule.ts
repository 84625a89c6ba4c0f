/**
 * SI-8: CloudTrail logs are forwarded to a write-only bucket. Every trail must log
 * (`enable_logging` not false) to an S3 bucket in the inventory whose bucket policy has an
 * unconditional Deny of s3:DeleteObject and s3:DeleteObjectVersion addressed to every principal
 * (`"*"` / `{"AWS": "*"}`) on all its objects (a Condition such as ArnNotLike voids it), and whose
 * versioning is `Enabled` (`aws_s3_bucket_versioning` or the legacy inline `versioning` block).
 * No trail at all fails (the invariant requires one).
 */
import type { Resource } from '../../model/inventory.js';
import { RefObject, Unknown, show, type Value } from '../../model/value.js';
import { explicitlyDenies, parsePolicy, type PolicyDocument } from '../../policy/index.js';
import { arnGlob, whyNotDenied } from '../lib/iam.js';
import { denyUndecidable } from '../../policy/index.js';
import { knownSelfRefs } from '../../policy/roles.js';
import { OutcomeBuilder, gapErrors, inScope, label, readBlock, readBool, readString, unknownReason } from '../lib/pipeline.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

export const BUCKET_DELETE_ACTIONS = ['s3:DeleteObject', 's3:DeleteObjectVersion'] as const;

const NEEDS = ['aws_cloudtrail', 'aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_s3_bucket_versioning'];

/** Stands for "no trail" so that the failure has a resource to be reported on. */
const NO_TRAIL: Resource = { address: 'aws_cloudtrail', mode: 'managed', type: 'aws_cloudtrail', name: '(none)', module: '', values: {} };

type Status = 'pass' | 'fail' | 'error';

export const cloudtrailWriteOnly: Rule = {
  id: 'SI-8',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    const gaps = gapErrors(ctx, NEEDS);
    const out = new OutcomeBuilder(gaps);
    const trails = inScope(ctx, 'aws_cloudtrail');
    if (trails.length === 0) {
      if (gaps.length === 0) out.fail(NO_TRAIL, 'no aws_cloudtrail in the inventory: CloudTrail logs are not forwarded to any bucket');
      return out.finish('no aws_cloudtrail');
    }
    const buckets = new Map<string, Status>();
    for (const trail of trails) {
      const name = label(trail);
      const logging = readBool(trail.values.enable_logging);
      if (logging.kind === 'ok' && !logging.value) {
        out.fail(trail, `trail ${name} has enable_logging = false: it forwards nothing`, 'enable_logging');
        out.examine(trail, 'fail', 'enable_logging = false');
      } else if (logging.kind === 'unknown' || logging.kind === 'invalid') {
        out.error(
          trail,
          `enable_logging of trail ${name} is ${logging.kind === 'unknown' ? `unknown: ${logging.reason}` : logging.shown}`,
          'enable_logging',
        );
        out.examine(trail, 'error', 'enable_logging unknown');
      }
      const target = trail.values.s3_bucket_name;
      if (target === undefined || target === null || target === '') {
        out.fail(trail, `trail ${name} targets no S3 bucket`, 's3_bucket_name');
        out.examine(trail, 'fail', 's3_bucket_name = (none)');
        continue;
      }
      const bucket = ctx.index.resolve(target, ['aws_s3_bucket']).resources[0];
      if (!bucket) {
        const why =
          target instanceof Unknown || target instanceof RefObject ? `is unknown: ${unknownReason(target)}` : 'is not in the inventory';
        out.error(trail, `bucket ${show(target)} of trail ${name} ${why}`, 's3_bucket_name');
        out.examine(trail, 'error', `s3_bucket_name = ${show(target)} (not found)`);
        continue;
      }
      let status = buckets.get(bucket.address);
      if (status === undefined) {
        status = checkBucket(ctx, out, bucket);
        buckets.set(bucket.address, status);
      }
      out.examine(trail, status, `s3_bucket_name = ${label(bucket)}`);
    }
    return out.finish('no aws_cloudtrail');
  },
};

function checkBucket(ctx: RuleContext, out: OutcomeBuilder, bucket: Resource): Status {
  const p = denyOfDeletes(ctx, out, bucket);
  const v = versioning(ctx, out, bucket);
  const status: Status =
    p.status === 'fail' || v.status === 'fail' ? 'fail' : p.status === 'error' || v.status === 'error' ? 'error' : 'pass';
  out.examine(bucket, status, `${p.observed}; ${v.observed}`);
  return status;
}

function belongsTo(ctx: RuleContext, v: Value | undefined, bucket: Resource): boolean {
  return ctx.index.resolve(v, ['aws_s3_bucket']).resources.some((r) => r.address === bucket.address);
}

function denyOfDeletes(ctx: RuleContext, out: OutcomeBuilder, bucket: Resource): { status: Status; observed: string } {
  const objects = `${arnGlob(bucket).glob}/*`;
  const sources: { resource: Resource; value: Value }[] = inScope(ctx, 'aws_s3_bucket_policy')
    .filter((p) => belongsTo(ctx, p.values.bucket, bucket))
    .map((p) => ({ resource: p, value: p.values.policy ?? null }));
  const legacy = bucket.values.policy;
  if (legacy !== undefined && legacy !== null && legacy !== '') sources.push({ resource: bucket, value: legacy });
  if (sources.length === 0) {
    out.fail(
      bucket,
      `bucket ${label(bucket)} has no bucket policy, so nothing denies ${BUCKET_DELETE_ACTIONS.join(' and ')}`,
      undefined,
      'policy',
    );
    return { status: 'fail', observed: 'bucket policy = (none)' };
  }
  const docs: { resource: Resource; policy: PolicyDocument }[] = [];
  const unreadable: { resource: Resource; error: string }[] = [];
  for (const s of sources) {
    const parsed = parsePolicy(knownSelfRefs(ctx.index, s.value, bucket), s.resource.address);
    if (parsed.ok) docs.push({ resource: s.resource, policy: parsed.policy });
    else unreadable.push({ resource: s.resource, error: parsed.error });
  }
  let status: Status = 'pass';
  const denied: string[] = [];
  for (const action of BUCKET_DELETE_ACTIONS) {
    if (docs.some((d) => explicitlyDenies(d.policy, action, objects))) {
      denied.push(action);
      continue;
    }
    if (unreadable.length > 0) {
      for (const u of unreadable) out.error(u.resource, `bucket policy of ${label(bucket)} cannot be read: ${u.error}`, 'policy', 'policy');
      if (status === 'pass') status = 'error';
      continue;
    }
    const undecided = docs.find((d) => denyUndecidable(d.policy, action, objects));
    if (undecided) {
      out.error(
        undecided.resource,
        `cannot tell whether the bucket policy of ${label(bucket)} denies ${action} to Principal "*": its Deny is not fully known statically`,
        'policy',
        action,
      );
      if (status === 'pass') status = 'error';
      continue;
    }
    const first = docs[0]!;
    out.fail(
      first.resource,
      `bucket policy of ${label(bucket)} does not deny ${action} to Principal "*" on ${objects} (${whyNotDenied(first.policy, action, objects)})`,
      'policy',
      action,
    );
    status = 'fail';
  }
  return { status, observed: `bucket policy denies ${denied.length > 0 ? denied.join(', ') : 'no delete'} to everyone` };
}

function versioning(ctx: RuleContext, out: OutcomeBuilder, bucket: Resource): { status: Status; observed: string } {
  const res = inScope(ctx, 'aws_s3_bucket_versioning').find((v) => belongsTo(ctx, v.values.bucket, bucket));
  if (res) {
    const cfg = readBlock(res.values.versioning_configuration);
    const st = cfg.kind === 'ok' ? readString(cfg.value.status) : cfg;
    const attr = 'versioning_configuration.status';
    if (st.kind === 'ok' && st.value === 'Enabled') return { status: 'pass', observed: `${attr} = Enabled` };
    if (st.kind === 'ok' || st.kind === 'missing') {
      const shown = st.kind === 'ok' ? st.value : '(unset)';
      out.fail(
        res,
        `versioning of bucket ${label(bucket)} is ${shown} (must be Enabled)`,
        cfg.kind === 'ok' ? attr : 'versioning_configuration',
        'versioning',
      );
      return { status: 'fail', observed: `${attr} = ${shown}` };
    }
    const why = st.kind === 'unknown' ? `unknown: ${st.reason}` : `not a string: ${st.shown}`;
    out.error(res, `versioning status of bucket ${label(bucket)} is ${why}`, attr, 'versioning');
    return { status: 'error', observed: `${attr} unknown` };
  }
  const legacy = readBlock(bucket.values.versioning);
  if (legacy.kind === 'ok') {
    const en = readBool(legacy.value.enabled);
    if (en.kind === 'ok' && en.value) return { status: 'pass', observed: 'versioning.enabled = true' };
    if (en.kind === 'unknown') {
      out.error(bucket, `versioning.enabled of bucket ${label(bucket)} is unknown: ${en.reason}`, 'versioning.enabled', 'versioning');
      return { status: 'error', observed: 'versioning.enabled unknown' };
    }
    out.fail(
      bucket,
      `versioning of bucket ${label(bucket)} is not enabled (versioning.enabled must be true)`,
      'versioning.enabled',
      'versioning',
    );
    return { status: 'fail', observed: 'versioning.enabled = false' };
  }
  if (legacy.kind === 'unknown') {
    out.error(bucket, `versioning of bucket ${label(bucket)} is unknown: ${legacy.reason}`, 'versioning', 'versioning');
    return { status: 'error', observed: 'versioning unknown' };
  }
  out.fail(bucket, `bucket ${label(bucket)} has no versioning (no aws_s3_bucket_versioning with status Enabled)`, undefined, 'versioning');
  return { status: 'fail', observed: 'versioning = (none)' };
}
