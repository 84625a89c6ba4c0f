import type { Resource } from '../../model/inventory.js';
import { Unknown, type Value, type ValueObject } from '../../model/value.js';
import type { Rule, RuleContext, RuleExamined, RuleFinding } from '../define.js';
import { globMatch } from '../../policy/match.js';
import { isPlanInventory, isRemoval, isReplacement } from '../../model/changes.js';

/**
 * ZT-PLAN-1: the plan deletes or replaces audit evidence: the audit table, a CloudTrail trail, the
 * bucket a trail delivers to, or the permissions boundary policy. A replacement counts: the new
 * object starts empty (a table's items, a bucket's log objects) or unattached.
 */
export const ZT_PLAN_1: Rule = {
  id: 'ZT-PLAN-1',
  scope: 'change',
  evaluate(ctx) {
    if (!isPlanInventory(ctx.inventory))
      return { findings: [], examined: [], reason: 'no plan changes to judge (the input is not a plan)' };
    const removals = ctx.inventory.resources.filter(isRemoval);
    if (removals.length === 0) return { findings: [], examined: [], reason: 'the plan deletes or replaces nothing' };
    const findings: RuleFinding[] = [];
    const examined: RuleExamined[] = [];
    for (const r of removals) {
      const replaced = isReplacement(r);
      const verdict = classify(ctx, r, replaced);
      const what = replaced ? 'replaces' : 'deletes';
      if (verdict.kind === 'evidence') {
        findings.push({ resource: r, kind: 'fail', key: 'removal', message: `the plan ${what} ${verdict.what}: ${verdict.loss}` });
        examined.push({ resource: r, status: 'fail', observed: `${what} ${verdict.what}` });
      } else if (verdict.kind === 'undecided') {
        findings.push({
          resource: r,
          kind: 'error',
          key: 'removal',
          message: `the plan ${what} ${r.address}, and whether it is audit evidence cannot be decided: ${verdict.why}`,
        });
        examined.push({ resource: r, status: 'error', observed: `${what}; ${verdict.why}` });
      } else {
        examined.push({ resource: r, status: 'pass', observed: `${what} ${r.type} (not audit evidence)` });
      }
    }
    return { findings, examined };
  },
};

type Verdict = { kind: 'evidence'; what: string; loss: string } | { kind: 'other' } | { kind: 'undecided'; why: string };

/** The values a removed object had (its prior state) or, lacking them, the planned ones. */
function priorValues(r: Resource): ValueObject {
  return r.change?.before ?? r.values;
}

const str = (v: Value | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function classify(ctx: RuleContext, r: Resource, replaced: boolean): Verdict {
  const prior = priorValues(r);
  switch (r.type) {
    case 'aws_dynamodb_table': {
      const name = str(prior.name) ?? str(r.values.name);
      // The audit table is the one whose name or key says audit (invariants.md).
      if (/audit/i.test(`${name ?? ''} ${r.name} ${r.index ?? ''}`)) {
        return {
          kind: 'evidence',
          what: `the audit table ${name ?? r.address}`,
          loss: `its audit records are destroyed with it${replaced ? ' and the new table starts empty' : ''}`,
        };
      }
      return { kind: 'other' };
    }
    case 'aws_cloudtrail': {
      const name = str(prior.name) ?? r.address;
      return { kind: 'evidence', what: `the CloudTrail trail ${name}`, loss: 'API activity stops being recorded while it is gone' };
    }
    case 'aws_s3_bucket':
      return trailBucket(ctx, r);
    case 'aws_iam_policy':
      return boundaryPolicy(ctx, r);
    default:
      return { kind: 'other' };
  }
}

/** Every aws_cloudtrail, before and after the plan, with the bucket value it delivers to. */
function trailBucketValues(ctx: RuleContext): { trail: Resource; value: Value | undefined }[] {
  return ctx.index.byType('aws_cloudtrail').flatMap((trail) => {
    const out = [{ trail, value: trail.values.s3_bucket_name }];
    if (trail.change?.before) out.push({ trail, value: trail.change.before.s3_bucket_name });
    return out;
  });
}

function trailBucket(ctx: RuleContext, r: Resource): Verdict {
  const bucket = str(priorValues(r).bucket) ?? str(r.values.bucket);
  const evidence: Verdict = {
    kind: 'evidence',
    what: `the CloudTrail bucket ${bucket ?? r.address}`,
    loss: 'the trail log files in it are destroyed',
  };
  const undecided: string[] = [];
  for (const { trail, value } of trailBucketValues(ctx)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      if (value === bucket) return evidence;
    } else if (value instanceof Unknown) {
      if (value.refs.includes(r.address)) return evidence;
      if (value.refs.length === 0 && !(value.pattern && bucket && !globMatch(value.pattern, bucket))) {
        undecided.push(`${trail.address} delivers to a bucket known only after apply`);
      }
    }
  }
  if (/cloudtrail|audit/i.test(`${bucket ?? ''} ${r.name}`)) return evidence;
  if (undecided.length > 0) return { kind: 'undecided', why: undecided[0]! };
  return { kind: 'other' };
}

function boundaryPolicy(ctx: RuleContext, r: Resource): Verdict {
  const prior = priorValues(r);
  const name = str(prior.name) ?? str(r.values.name) ?? r.address;
  const arns = new Set([str(prior.arn), str(r.values.arn), r.arn].filter((a): a is string => a !== undefined));
  const evidence: Verdict = {
    kind: 'evidence',
    what: `the permissions boundary policy ${name}`,
    loss: 'the roles it bounds lose its denies (role assumption, IAM changes, CloudTrail deletion) until it is attached again',
  };
  for (const role of ctx.index.byType('aws_iam_role')) {
    for (const pb of [role.values.permissions_boundary, role.change?.before?.permissions_boundary]) {
      if (typeof pb === 'string' && arns.has(pb)) return evidence;
      if (pb instanceof Unknown && pb.refs.includes(r.address)) return evidence;
    }
  }
  if (/boundary/i.test(`${name} ${r.name}`)) return evidence;
  return { kind: 'other' };
}
