/**
 * SI-4: no IAM role can modify IAM policies. Same reading as SI-3 (the guarantee is the boundary's)
 * for the IAM write actions on policies the spec lists, each granted only on the ARNs it acts on
 * (policy ARNs for iam:CreatePolicy..., role ARNs for iam:PutRolePolicy...).
 */
import { rolesCannot } from '../lib/iam.js';
import { IAM_POLICY_WRITE_ACTIONS } from '../../policy/actions.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

export const noIamPolicyWrites: Rule = {
  id: 'SI-4',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    return rolesCannot(ctx, IAM_POLICY_WRITE_ACTIONS, 'modify IAM policies');
  },
};
