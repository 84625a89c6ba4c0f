/**
 * SI-3: no IAM role can assume other roles. Each in-scope role needs a permissions boundary with an
 * unconditional Deny of sts:AssumeRole on "*" (Action `sts:AssumeRole`, `sts:*`, `sts:AssumeRole*`,
 * `*`; a NotAction that excludes it does not count), and no identity policy may effectively allow it.
 */
import { rolesCannot } from './iam.js';
import type { Invariant, RuleContext, RuleOutcome } from './types.js';

export const ASSUME_ROLE_ACTIONS = ['sts:AssumeRole'] as const;

export const noAssumeRole: Invariant = {
  id: 'SI-3',
  evaluate(ctx: RuleContext): RuleOutcome {
    return rolesCannot(ctx, ASSUME_ROLE_ACTIONS, 'call sts:AssumeRole');
  },
};
