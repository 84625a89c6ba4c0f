/**
 * SI-5: every DynamoDB table is encrypted at rest under KMS: `server_side_encryption { enabled =
 * true }` (live: SSEDescription ENABLED with SSEType KMS, mapped by the source to the same block).
 */
import { OutcomeBuilder, gapErrors, inScope, requireEnabled } from '../lib/pipeline.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

export const dynamodbEncrypted: Rule = {
  id: 'SI-5',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    const out = new OutcomeBuilder(gapErrors(ctx, ['aws_dynamodb_table.server_side_encryption']));
    for (const t of inScope(ctx, 'aws_dynamodb_table')) requireEnabled(out, t, 'server_side_encryption', 'table');
    return out.finish('no aws_dynamodb_table in the inventory');
  },
};
