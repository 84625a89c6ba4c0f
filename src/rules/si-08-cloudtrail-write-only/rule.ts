/**
 * SI-8: CloudTrail logs are forwarded to a write-only bucket. Every trail must log
 * (`enable_logging` not false) to an S3 bucket in the inventory whose bucket policy has an
 * unconditional Deny of s3:DeleteObject and s3:DeleteObjectVersion addressed to every principal
 * (`"*"` / `{"AWS": "*"}`) on all its objects (a Condition such as ArnNotLike voids it), and whose
 * versioning is `Enabled` (`aws_s3_bucket_versioning` or the legacy inline `versioning` block).
 * No trail at all fails (the invariant requires one).
 *
 * A bucket policy governs its own bucket only, so its Deny is judged against that bucket's objects,
 * `arn:aws:s3:::<name>/*`, where the name may be known only in part (`ztait-trail-*` for
 * `"ztait-trail-${data.aws_caller_identity.current.account_id}"`, `*` for a variable without value):
 * a Resource naming the bucket by reference (its `arn`, `id` or `bucket`) denotes those very objects.
 * A bucket policy or versioning resource belongs to the bucket its `bucket` refers to; a literal
 * name binds by name; a value that is unknown and refers to no bucket may be any bucket whose name
 * it can be, and such a bucket's verdict is `error` rather than `fail` (bindingOf).
 */
import type { Resource } from '../../model/inventory.js';
import { RefObject, Unknown, show, type Value } from '../../model/value.js';
import { denyUndecidable, explicitlyDenies, globMatch, globsOverlap, parsePolicy, type PolicyDocument } from '../../policy/index.js';
import { arnGlob, whyNotDenied } from '../lib/iam.js';
import { knownSelfRefs } from '../../policy/roles.js';
import { OutcomeBuilder, gapErrors, inScope, label, readBlock, readBool, readString, unknownReason, worse } from '../lib/pipeline.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

export const BUCKET_DELETE_ACTIONS = ['s3:DeleteObject', 's3:DeleteObjectVersion'] as const;

const NEEDS = ['aws_cloudtrail', 'aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_s3_bucket_versioning'];

/** Stands for "no trail" so that the failure has a resource to be reported on. */
const NO_TRAIL: Resource = { address: 'aws_cloudtrail', mode: 'managed', type: 'aws_cloudtrail', name: '(none)', module: '', values: {} };

const S3_ARN = 'arn:aws:s3:::';

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
      // A literal name several bucket resources share (test fixtures do) designates each of them.
      const targets = ctx.index.resolve(target, ['aws_s3_bucket']).resources;
      if (targets.length === 0) {
        const why =
          target instanceof Unknown || target instanceof RefObject ? `is unknown: ${unknownReason(target)}` : 'is not in the inventory';
        out.error(trail, `bucket ${show(target)} of trail ${name} ${why}`, 's3_bucket_name');
        out.examine(trail, 'error', `s3_bucket_name = ${show(target)} (not found)`);
        continue;
      }
      let status: Status = 'pass';
      for (const bucket of targets) {
        let s = buckets.get(bucket.address);
        if (s === undefined) buckets.set(bucket.address, (s = checkBucket(ctx, out, bucket)));
        status = worse(status, s);
      }
      out.examine(trail, status, `s3_bucket_name = ${targets.map(label).join(', ')}`);
    }
    return out.finish('no aws_cloudtrail');
  },
};

function checkBucket(ctx: RuleContext, out: OutcomeBuilder, bucket: Resource): Status {
  const name = nameGlob(bucket);
  const p = denyOfDeletes(ctx, out, bucket, name);
  const v = versioning(ctx, out, bucket, name);
  const status = worse(p.status, v.status);
  out.examine(bucket, status, `${p.observed}; ${v.observed}`);
  return status;
}

/** The bucket's name as a glob: known (`exact`), partly known (a template's pattern, `bucket_prefix`), or `*`. */
interface NameGlob {
  glob: string;
  exact: boolean;
}

function nameGlob(bucket: Resource): NameGlob {
  const arn = arnGlob(bucket);
  if (arn.exact && arn.glob.startsWith(S3_ARN)) {
    const glob = arn.glob.slice(S3_ARN.length);
    return { glob, exact: !/[*?]/.test(glob) };
  }
  const n = bucket.values.bucket;
  if (n instanceof Unknown && n.pattern) return { glob: n.pattern, exact: false };
  const prefix = bucket.values.bucket_prefix;
  if ((n === undefined || n === null) && typeof prefix === 'string') return { glob: `${prefix}*`, exact: false };
  return { glob: '*', exact: false };
}

type Binding = 'yes' | 'no' | 'maybe';

/**
 * Whether a `bucket` argument (of a bucket policy, a versioning resource) designates `bucket`: 'yes'
 * by a reference to it or its literal name; 'no' when it designates another bucket or a name this
 * one cannot have; 'maybe' when it is unknown and refers to no bucket (a variable without value, a
 * data source) or is a literal the partly known name may be.
 */
function bindingOf(ctx: RuleContext, v: Value | undefined, bucket: Resource, name: NameGlob): Binding {
  const designated = ctx.index.resolve(v, ['aws_s3_bucket']).resources;
  if (designated.some((r) => r.address === bucket.address)) return 'yes';
  // A data source stands for the bucket it names.
  const looked = designated.filter((r) => r.mode === 'data').map((r) => bindingOf(ctx, r.values.bucket, bucket, name));
  if (designated.length > 0) return looked.includes('yes') ? 'yes' : looked.includes('maybe') ? 'maybe' : 'no';
  if (typeof v === 'string') return !name.exact && globMatch(name.glob, v) ? 'maybe' : 'no';
  if (v instanceof Unknown) return globsOverlap(v.pattern ?? '*', name.glob) ? 'maybe' : 'no';
  return v instanceof RefObject ? 'maybe' : 'no';
}

/** The resources of `type` bound to the bucket, and those that may be. */
function boundTo(ctx: RuleContext, type: string, bucket: Resource, name: NameGlob): { yes: Resource[]; maybe: Resource[] } {
  const yes: Resource[] = [];
  const maybe: Resource[] = [];
  for (const r of inScope(ctx, type)) {
    const b = bindingOf(ctx, r.values.bucket, bucket, name);
    if (b === 'yes') yes.push(r);
    else if (b === 'maybe') maybe.push(r);
  }
  return { yes, maybe };
}

/** Error: resources of a kind (`bucket policy`, `versioning`) whose bucket may or may not be this one. */
function undecided(
  out: OutcomeBuilder,
  bucket: Resource,
  maybe: readonly Resource[],
  what: string,
  key: string,
): { status: Status; observed: string } {
  const which = maybe.map((r) => `${r.address} (bucket = ${show(r.values.bucket)})`).join(', ');
  out.error(
    bucket,
    `cannot tell whether ${which} is the ${what} of bucket ${label(bucket)}: its bucket is not known statically`,
    undefined,
    key,
  );
  return { status: 'error', observed: `${what} undecided` };
}

function denyOfDeletes(ctx: RuleContext, out: OutcomeBuilder, bucket: Resource, name: NameGlob): { status: Status; observed: string } {
  const arn = `${S3_ARN}${name.glob}`;
  const objects = `${arn}/*`;
  const bound = boundTo(ctx, 'aws_s3_bucket_policy', bucket, name);
  const sources: { resource: Resource; value: Value }[] = bound.yes.map((p) => ({ resource: p, value: p.values.policy ?? null }));
  const legacy = bucket.values.policy;
  if (legacy !== undefined && legacy !== null && legacy !== '') sources.push({ resource: bucket, value: legacy });
  if (sources.length === 0) {
    if (bound.maybe.length > 0) return undecided(out, bucket, bound.maybe, 'bucket policy', 'policy');
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
    const unknownDeny = docs.find((d) => denyUndecidable(d.policy, action, objects));
    const other = name.exact ? undefined : docs.map((d) => ({ ...d, names: deniedNameOf(d.policy, action, arn) })).find((d) => d.names);
    if (unknownDeny || other) {
      const why = unknownDeny
        ? 'its Deny is not fully known statically'
        : `its Deny covers ${other!.names}, and the bucket's name is known only as ${name.glob}`;
      out.error(
        (unknownDeny ?? other)!.resource,
        `cannot tell whether the bucket policy of ${label(bucket)} denies ${action} to Principal "*": ${why}`,
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

/**
 * An unconditional Deny of `action` to everyone on all objects of a bucket (`arn:aws:s3:::<b>/*`)
 * that the partly known `arn` may be (`ztait-trail-123456789012` for `ztait-trail-*`): whether it is
 * this bucket's cannot be told statically. The objects it names, or undefined.
 */
function deniedNameOf(policy: PolicyDocument, action: string, arn: string): string | undefined {
  for (const st of policy.statements) {
    if (st.effect !== 'Deny') continue;
    for (const r of st.resource ?? []) {
      if (!r.startsWith(S3_ARN) || !r.endsWith('/*')) continue;
      const other = r.slice(0, -2);
      if (!other.slice(S3_ARN.length).includes('/') && globsOverlap(other, arn) && explicitlyDenies(policy, action, r)) return r;
    }
  }
  return undefined;
}

function versioning(ctx: RuleContext, out: OutcomeBuilder, bucket: Resource, name: NameGlob): { status: Status; observed: string } {
  const bound = boundTo(ctx, 'aws_s3_bucket_versioning', bucket, name);
  if (bound.yes.length > 0) {
    return bound.yes
      .map((res) => versioningResource(out, bucket, res))
      .reduce((a, b) => ({
        status: worse(a.status, b.status),
        observed: a.observed === b.observed ? a.observed : `${a.observed}, ${b.observed}`,
      }));
  }
  const legacy = readBlock(bucket.values.versioning);
  if (legacy.kind === 'ok') {
    const en = readBool(legacy.value.enabled);
    if (en.kind === 'ok' && en.value) return { status: 'pass', observed: 'versioning.enabled = true' };
    if (en.kind === 'unknown') {
      out.error(bucket, `versioning.enabled of bucket ${label(bucket)} is unknown: ${en.reason}`, 'versioning.enabled', 'versioning');
      return { status: 'error', observed: 'versioning.enabled unknown' };
    }
    if (bound.maybe.length === 0) {
      out.fail(
        bucket,
        `versioning of bucket ${label(bucket)} is not enabled (versioning.enabled must be true)`,
        'versioning.enabled',
        'versioning',
      );
      return { status: 'fail', observed: 'versioning.enabled = false' };
    }
  } else if (legacy.kind === 'unknown') {
    out.error(bucket, `versioning of bucket ${label(bucket)} is unknown: ${legacy.reason}`, 'versioning', 'versioning');
    return { status: 'error', observed: 'versioning unknown' };
  }
  if (bound.maybe.length > 0) return undecided(out, bucket, bound.maybe, 'versioning', 'versioning');
  out.fail(bucket, `bucket ${label(bucket)} has no versioning (no aws_s3_bucket_versioning with status Enabled)`, undefined, 'versioning');
  return { status: 'fail', observed: 'versioning = (none)' };
}

function versioningResource(out: OutcomeBuilder, bucket: Resource, res: Resource): { status: Status; observed: string } {
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
