/**
 * IAM policy model. Parsed from a JSON string, an object, an `aws_iam_policy_document` rendering, or
 * an Unknown whose `structure`/`pattern` tells what the JSON would be. One evaluator (./evaluate.ts)
 * serves SI-3, SI-4, SI-7, SI-8, SI-13 and SI-14.
 */
export interface PolicyStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** Exactly one of action / notAction is set. Values may contain `*` and `?` wildcards. */
  action?: string[];
  notAction?: string[];
  /** Exactly one of resource / notResource is set (neither: the statement is invalid -> parse error for identity policies). Unknown parts are `*`. */
  resource?: string[];
  notResource?: string[];
  /** Resource policies: principals (`*` for everyone), notPrincipal when used. */
  principal?: '*' | Record<string, string[]>;
  notPrincipal?: '*' | Record<string, string[]>;
  hasCondition: boolean;
  /** True when some element was unknown statically (resource patterns are then approximations). */
  partiallyUnknown?: boolean;
}

export interface PolicyDocument {
  statements: PolicyStatement[];
  /** Where the document came from, for messages: `aws_iam_role_policy.x.policy`. */
  origin: string;
}

export type ParseResult = { ok: true; policy: PolicyDocument } | { ok: false; error: string; unknown: boolean };
