import { DeleteCommand, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { isoAt } from '../shared/clock.js';
import { MATURITY_VARIABLES } from '../shared/maturity.js';
import { ESCALATION_RULESET_ID, parseDecisionMatrix, parseEscalationRules, parseGatingRules, POLICY_IDS } from '../shared/policy.js';
import { parseSuppressionRules } from '../shared/suppression.js';
import { HttpError, type ManagerDeps } from './context.js';

/**
 * Settings and rule sets, behind the JWT-protected dashboard routes. Every write is validated by
 * the same parser its reader uses (so nothing is stored that the pipeline would reject later, and a
 * catastrophic suppression regex is refused here already), versioned, and audited.
 * Refused outright: anything that looks like a prompt (SI-14: no prompt in an API-writable store),
 * and the maturity settings (owned by Terraform; changing them is `ztait maturity set` + apply).
 */

const SETTING_KEY = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const MATURITY_KEYS = new Set(MATURITY_VARIABLES.map((v) => v.toLowerCase()));

function settingRefusal(key: string, value: unknown): string | undefined {
  if (!SETTING_KEY.test(key)) return 'key must be lower-case letters, digits, ".", "_" or "-" (at most 100)';
  if (/prompt/i.test(key)) return "prompts live only in the triage engine's code (SI-14); no setting may hold one";
  if (key.startsWith('maturity') || MATURITY_KEYS.has(key.replace(/[.-]/g, '_')))
    return 'maturity settings are owned by Terraform (ztait maturity set)';
  if (typeof value === 'string') {
    if (value.length > 1000) return 'string values are limited to 1000 characters';
    if (/^\s*(you are|system:|as an ai)\b/i.test(value) || /ignore (all )?(previous|prior) instructions/i.test(value))
      return 'the value reads like model instructions (SI-14)';
  } else if (typeof value !== 'number' && typeof value !== 'boolean') {
    return 'value must be a string, number or boolean';
  }
  if (key.startsWith('trust.') && !(typeof value === 'number' && value >= 0 && value <= 1)) return 'trust inputs must be numbers in [0,1]';
  return undefined;
}

export async function listSettings(deps: ManagerDeps): Promise<unknown> {
  const out = await deps.doc.send(new ScanCommand({ TableName: deps.config.settingsTable, Limit: 500 }));
  return { settings: out.Items ?? [] };
}

export async function putSetting(deps: ManagerDeps, body: Record<string, unknown>, user: string): Promise<unknown> {
  const key = body.key;
  if (typeof key !== 'string') throw new HttpError(400, 'body must be {"key": ..., "value": ...}');
  const refusal = settingRefusal(key, body.value);
  if (refusal) throw new HttpError(400, refusal);
  const at = isoAt(deps.clock.now());
  await deps.doc.send(
    new PutCommand({
      TableName: deps.config.settingsTable,
      Item: { setting_key: key, value: body.value, updated_by: user, updated_at: at },
    }),
  );
  await deps.audit.record({
    correlationId: `setting#${key}`,
    actor: user,
    event: 'settings.put',
    decision: 'stored',
    reasoning: `setting ${key} set`,
    details: { value: body.value },
  });
  return { key, value: body.value, updated_at: at };
}

export async function deleteSetting(deps: ManagerDeps, key: string, user: string): Promise<unknown> {
  if (!SETTING_KEY.test(key)) throw new HttpError(400, 'malformed key');
  await deps.doc.send(new DeleteCommand({ TableName: deps.config.settingsTable, Key: { setting_key: key } }));
  await deps.audit.record({
    correlationId: `setting#${key}`,
    actor: user,
    event: 'settings.delete',
    decision: 'deleted',
    reasoning: `setting ${key} deleted`,
  });
  return { key, deleted: true };
}

interface RuleSetKind {
  table: (deps: ManagerDeps) => string;
  key: Record<string, string>;
  field: 'rules' | 'entries';
  validate: (v: unknown) => void;
}

const RULE_SETS: Record<string, RuleSetKind> = {
  suppression: {
    table: (d) => d.config.policiesTable,
    key: { policy_id: POLICY_IDS.suppression },
    field: 'rules',
    validate: (v) => {
      if (!Array.isArray(v)) throw new Error('rules must be a list');
      const { rejected } = parseSuppressionRules(v);
      if (rejected.length > 0) throw new Error(rejected.map((r) => `rule ${r.ruleId}: ${r.reason}`).join('; '));
    },
  },
  gating: { table: (d) => d.config.policiesTable, key: { policy_id: POLICY_IDS.gating }, field: 'rules', validate: parseGatingRules },
  matrix: { table: (d) => d.config.policiesTable, key: { policy_id: POLICY_IDS.matrix }, field: 'entries', validate: parseDecisionMatrix },
  escalation: {
    table: (d) => d.config.escalationRulesTable,
    key: { rule_id: ESCALATION_RULESET_ID },
    field: 'rules',
    validate: parseEscalationRules,
  },
};

function kindOf(kind: string): RuleSetKind {
  const k = Object.hasOwn(RULE_SETS, kind) ? RULE_SETS[kind] : undefined;
  if (!k) throw new HttpError(404, `no rule set ${JSON.stringify(kind)} (suppression, gating, matrix, escalation)`);
  return k;
}

export async function getRuleSet(deps: ManagerDeps, kind: string): Promise<unknown> {
  const k = kindOf(kind);
  const out = await deps.doc.send(new GetCommand({ TableName: k.table(deps), Key: k.key, ConsistentRead: true }));
  return { kind, version: out.Item?.version ?? 0, [k.field]: out.Item?.[k.field] ?? [] };
}

/** PUT /rules/{kind}: body {rules|entries: [...], expected_version}. Optimistic locking: a concurrent edit is a 409. */
export async function putRuleSet(deps: ManagerDeps, kind: string, body: Record<string, unknown>, user: string): Promise<unknown> {
  const k = kindOf(kind);
  const content = body[k.field];
  try {
    k.validate(content);
  } catch (e) {
    throw new HttpError(400, `invalid ${kind} rule set: ${(e as Error).message}`);
  }
  const expected = body.expected_version;
  if (typeof expected !== 'number' || !Number.isInteger(expected) || expected < 0)
    throw new HttpError(400, 'expected_version (the version you edited, 0 for a new set) is required');
  const at = isoAt(deps.clock.now());
  try {
    await deps.doc.send(
      new PutCommand({
        TableName: k.table(deps),
        Item: { ...k.key, [k.field]: content, version: expected + 1, updated_by: user, updated_at: at },
        ConditionExpression: expected === 0 ? 'attribute_not_exists(version) OR version = :v' : 'version = :v',
        ExpressionAttributeValues: { ':v': expected },
      }),
    );
  } catch (e) {
    if ((e as { name?: string }).name === 'ConditionalCheckFailedException')
      throw new HttpError(409, `the ${kind} rule set changed since version ${expected}; reload and retry`);
    throw e;
  }
  await deps.audit.record({
    correlationId: `ruleset#${kind}`,
    actor: user,
    event: 'rules.put',
    decision: 'stored',
    reasoning: `${kind} rule set version ${expected + 1}`,
    details: { version: expected + 1, count: Array.isArray(content) ? content.length : 0 },
  });
  return { kind, version: expected + 1 };
}
