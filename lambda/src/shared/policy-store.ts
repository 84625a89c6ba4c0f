import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ESCALATION_RULESET_ID,
  parseDecisionMatrix,
  parseEscalationRules,
  parseGatingRules,
  PolicyError,
  POLICY_IDS,
  type Policies,
} from './policy.js';

/**
 * Reading the policy documents. Each rule set is one item (read with GetItem, which is all the
 * triage role may do) so that it changes atomically: a reader never sees half of an edit. A
 * missing or malformed document is an error, and the caller routes to human review.
 */

export interface PolicyTables {
  policiesTable: string;
  escalationRulesTable: string;
}

async function item(doc: DynamoDBDocumentClient, table: string, key: Record<string, string>): Promise<Record<string, unknown>> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  if (!out.Item) throw new PolicyError(`${table} has no item ${JSON.stringify(key)}`);
  return out.Item;
}

export async function loadPolicies(doc: DynamoDBDocumentClient, tables: PolicyTables): Promise<Policies> {
  const [matrix, gating, escalation] = await Promise.all([
    item(doc, tables.policiesTable, { policy_id: POLICY_IDS.matrix }),
    item(doc, tables.policiesTable, { policy_id: POLICY_IDS.gating }),
    item(doc, tables.escalationRulesTable, { rule_id: ESCALATION_RULESET_ID }),
  ]);
  return {
    matrix: parseDecisionMatrix(matrix.entries),
    gating: parseGatingRules(gating.rules),
    escalation: parseEscalationRules(escalation.rules),
  };
}
