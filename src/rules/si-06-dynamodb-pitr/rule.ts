/**
 * SI-6: every DynamoDB table has point-in-time recovery: `point_in_time_recovery { enabled = true }`
 * (live: DescribeContinuousBackups PITR status ENABLED, mapped by the source to the same block).
 */
import { OutcomeBuilder, gapErrors, inScope, requireEnabled } from '../lib/pipeline.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

export const dynamodbPitr: Rule = {
  id: 'SI-6',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    const out = new OutcomeBuilder(gapErrors(ctx, ['aws_dynamodb_table.point_in_time_recovery']));
    for (const t of inScope(ctx, 'aws_dynamodb_table')) requireEnabled(out, t, 'point_in_time_recovery', 'table');
    return out.finish('no aws_dynamodb_table in the inventory');
  },
};
