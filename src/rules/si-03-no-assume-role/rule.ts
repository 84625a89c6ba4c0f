/**
 * SI-3: no IAM role can assume other roles. Each in-scope role needs a permissions boundary with an
 * unconditional Deny of sts:AssumeRole on "*" (Action `sts:AssumeRole`, `sts:*`, `sts:AssumeRole*`,
 * `*`; a NotAction that excludes it does not count), and no identity policy may effectively allow it
 * on a role ARN (`Allow *` on S3 ARNs lets no one assume a role; src/policy/actions.ts resourceTypesOf).
 */
import { rolesCannot } from '../lib/iam.js';
import { ASSUME_ROLE_ACTIONS } from '../../policy/actions.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

export const noAssumeRole: Rule = {
  id: 'SI-3',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    return rolesCannot(ctx, ASSUME_ROLE_ACTIONS, 'call sts:AssumeRole');
  },
};
