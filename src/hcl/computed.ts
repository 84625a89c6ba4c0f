import { Unknown, type Value, type ValueObject } from '../model/value.js';
import { own } from '../model/dict.js';

/**
 * What can be known statically about attributes AWS computes: the partial ARN of a resource from its
 * name (so `table/ztait-*` in a policy can be matched against `arn:aws:dynamodb:*:*:table/ztait-audit`),
 * and the few ids that equal a configured name.
 */

type Part = string | undefined;

const ARN: Record<string, (v: (k: string) => Part) => string | undefined> = {
  aws_dynamodb_table: (v) => join('arn:aws:dynamodb:*:*:table/', v('name')),
  aws_iam_role: (v) => join(`arn:aws:iam::*:role${rolePath(v('path'))}`, v('name')),
  aws_iam_policy: (v) => join(`arn:aws:iam::*:policy${rolePath(v('path'))}`, v('name')),
  aws_s3_bucket: (v) => join('arn:aws:s3:::', v('bucket')),
  aws_secretsmanager_secret: (v) => join('arn:aws:secretsmanager:*:*:secret:', v('name'), '-*'),
  aws_lambda_function: (v) => join('arn:aws:lambda:*:*:function:', v('function_name')),
  aws_sqs_queue: (v) => join('arn:aws:sqs:*:*:', v('name')),
  aws_sns_topic: (v) => join('arn:aws:sns:*:*:', v('name')),
  aws_cloudwatch_event_bus: (v) => join('arn:aws:events:*:*:event-bus/', v('name')),
  aws_cloudwatch_log_group: (v) => join('arn:aws:logs:*:*:log-group:', v('name')),
  aws_cloudtrail: (v) => join('arn:aws:cloudtrail:*:*:trail/', v('name')),
  aws_ssm_parameter: (v) => join('arn:aws:ssm:*:*:parameter/', v('name')?.replace(/^\//, '')),
  aws_kinesis_stream: (v) => join('arn:aws:kinesis:*:*:stream/', v('name')),
};

/** Attributes whose value is the configured name (Terraform sets `id` to it). */
const ID_FROM: Record<string, string> = {
  aws_iam_role: 'name',
  aws_iam_policy_document: 'json',
  aws_s3_bucket: 'bucket',
  aws_dynamodb_table: 'name',
  aws_ssm_parameter: 'name',
  aws_cloudwatch_log_group: 'name',
  aws_lambda_function: 'function_name',
};

function rolePath(p: Part): string {
  return p && p !== '/' ? p.replace(/\/?$/, '/') : '/';
}

function join(prefix: string, name: Part, suffix = ''): string | undefined {
  return name === undefined ? undefined : `${prefix}${name}${suffix}`;
}

/** The string (or glob pattern of a partly unknown string) of an attribute, if any. */
function known(values: ValueObject, key: string): Part {
  const v = values[key];
  if (typeof v === 'string') return v;
  if (v instanceof Unknown && v.pattern) return v.pattern;
  return undefined;
}

/** A glob for the resource's ARN, or undefined when nothing of it is known. */
export function arnPattern(type: string, values: ValueObject): string | undefined {
  const f = own(ARN, type);
  return f ? f((k) => known(values, k)) : undefined;
}

/**
 * Known computed attributes to add to an instance's values (`id` of a role is its name; of a bucket
 * named `"logs-${data.aws_caller_identity.current.account_id}"`, the pattern `logs-*`).
 */
export function knownComputed(type: string, values: ValueObject): ValueObject {
  const out: ValueObject = {};
  const idKey = own(ID_FROM, type);
  if (idKey && own(values, 'id') === undefined) {
    const v: Value | undefined = own(values, idKey);
    if (typeof v === 'string') out.id = v;
    else if (v instanceof Unknown && v.constructor === Unknown && v.pattern && v.structure === undefined) {
      out.id = new Unknown(v.reason, { refs: v.refs, pattern: v.pattern });
    }
  }
  return out;
}
