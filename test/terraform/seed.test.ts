// (6) The default policy items the foundation seeds are read back by the
// functions' own code: the items of examples/complete (as the ztait HCL
// evaluator sees them; plan.test.ts checks terraform plans the same items)
// are unmarshalled and handed to the readers' parsers and to the policy
// engine, at every maturity level Terraform can configure.
import { describe, expect, it } from 'vitest';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadHcl } from '../../src/hcl/loader.js';
import type { Value } from '../../src/model/value.js';
import { decide, ESCALATION_RULESET_ID, parseEscalationRules, POLICY_IDS, type Policies, type Proposal } from '../../lambda/src/shared/policy.js';
import { loadPolicies } from '../../lambda/src/shared/policy-store.js';
import { parseMaturity } from '../../lambda/src/shared/maturity.js';
import { parseSuppressionRules } from '../../lambda/src/shared/suppression.js';
import { unitSetting } from '../../lambda/src/shared/trust.js';
import { SETTING_KEYS } from '../../lambda/src/triage-engine/engine.js';
import { EXAMPLE_DIR } from './support.js';

type Item = Record<string, unknown>;
interface Seeded {
  /** table name -> items */
  tables: Map<string, Item[]>;
  /** table name -> hash key */
  hashKeys: Map<string, string>;
  /** the config manager's environment (the maturity settings) */
  env: Record<string, string>;
}

async function seeded(values: Record<string, Value> = {}): Promise<Seeded> {
  const inv = await loadHcl([EXAMPLE_DIR], { values });
  const tables = new Map<string, Item[]>();
  const hashKeys = new Map<string, string>();
  for (const r of inv.resources) {
    if (r.type === 'aws_dynamodb_table') hashKeys.set(String(r.values.name), String(r.values.hash_key));
    if (r.type !== 'aws_dynamodb_table_item') continue;
    const { table_name: table, item } = r.values;
    expect(typeof table, `${r.address} table_name is known`).toBe('string');
    expect(typeof item, `${r.address} item is known`).toBe('string');
    const items = tables.get(table as string) ?? [];
    items.push(unmarshall(JSON.parse(item as string)));
    tables.set(table as string, items);
  }
  const fn = inv.resources.find((r) => r.address === 'module.foundation.aws_lambda_function.config_manager');
  const env = (fn?.values.environment as { variables: Record<string, string> }[])[0]!.variables;
  return { tables, hashKeys, env };
}

/** A DynamoDB document client answering GetItem from the seeded items, exactly by table and key. */
function documentClient(s: Seeded): DynamoDBDocumentClient {
  const send = async (command: { input: { TableName: string; Key: Record<string, unknown> } }) => {
    const { TableName, Key } = command.input;
    const hashKey = s.hashKeys.get(TableName);
    expect(Object.keys(Key), `key of ${TableName}`).toEqual([hashKey]);
    const item = (s.tables.get(TableName) ?? []).find((i) => i[hashKey!] === Key[hashKey!]);
    return item ? { Item: item } : {};
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

const TABLES = { policiesTable: 'ztait-policies', escalationRulesTable: 'ztait-escalation-rules' };

async function trustInputs(s: Seeded): Promise<{ h: number; e: number }> {
  const doc = documentClient(s);
  // the triage engine's own read: GetItem on setting_key, attribute value
  const read = async (key: string) => ((await doc.send({ input: { TableName: 'ztait-settings', Key: { setting_key: key } } } as never)) as { Item?: Item }).Item?.value;
  return { h: unitSetting(await read(SETTING_KEYS.historicalAccuracy)), e: unitSetting(await read(SETTING_KEYS.environmentalContext)) };
}

const proposal = (severity: Proposal['severity'], action: Proposal['action'], confidence: number): Proposal => ({ severity, action, confidence });
const NOW = Date.parse('2025-01-01T00:00:00Z');

describe('default policy items of examples/complete', () => {
  it('seeds every document the functions read, in the shapes their parsers accept, without anything prompt-like', async () => {
    const s = await seeded();
    const policies = s.tables.get('ztait-policies')!.map((i) => i.policy_id).sort();
    expect(policies).toEqual(['decision-matrix', 'gating#maturity', 'gating-rules', 'suppression-rules']);
    expect(s.tables.get('ztait-escalation-rules')!.map((i) => i.rule_id)).toEqual([ESCALATION_RULESET_ID]);
    expect(s.tables.get('ztait-settings')!.map((i) => i.setting_key).sort()).toEqual(Object.values(SETTING_KEYS).sort());

    // the triage engine's reader (GetItem by key, then the parsers)
    const loaded = await loadPolicies(documentClient(s), TABLES);
    expect([...loaded.matrix.keys()].sort()).toEqual(['P1', 'P2', 'P3', 'P4', 'noise']);
    expect(loaded.gating.map((r) => r.ruleId)).toEqual(['gate-mim', 'gate-p1-p2', 'gate-p3-p4', 'gate-default']);
    expect(loaded.escalation.map((r) => r.ruleId)).toEqual(['p1-declare-mim', 'p1-p2-page', 'create-incident', 'log-only']);

    // the webhook receiver's reader: a valid, empty suppression list
    const suppression = s.tables.get('ztait-policies')!.find((i) => i.policy_id === POLICY_IDS.suppression)!;
    expect(parseSuppressionRules(suppression.rules)).toEqual({ rules: [], rejected: [] });

    // the config manager's optimistic locking starts from version 1
    for (const item of [...s.tables.get('ztait-policies')!.filter((i) => i.policy_id !== 'gating#maturity'), ...s.tables.get('ztait-escalation-rules')!]) {
      expect(item.version).toBe(1);
    }
    expect(await trustInputs(s)).toEqual({ h: 0, e: 0.5 });

    // SI-14: no attribute, key or value names a prompt
    for (const items of s.tables.values()) expect(JSON.stringify(items)).not.toMatch(/prompt/i);
  }, 60_000);

  it('fails closed at every maturity level while there is no track record', async () => {
    for (const level of [0, 1, 2, 3]) {
      const s = await seeded({ maturity_level: level });
      const maturity = parseMaturity(s.env);
      expect(maturity.level).toBe(level);
      const policies = await loadPolicies(documentClient(s), TABLES);
      const { h, e } = await trustInputs(s);
      for (const [p, severity] of [
        [proposal('P1', 'declare_mim', 0.99), 'P1'],
        [proposal('P2', 'page', 0.95), 'P2'],
        [proposal('P3', 'create_incident', 0.95), 'P3'],
        [proposal('P4', 'create_incident', 0.9), 'P4'],
      ] as const) {
        const { decision, trustScore } = decide({ proposal: p, source: 'github', maturity, policies, trust: { c: p.confidence, b: 1, h, e }, now: NOW });
        expect(trustScore, severity).toBeLessThanOrEqual(0.75);
        // L0 records in shadow; from L1 every action waits for a person, with no timeout
        expect(decision.kind, `L${level} ${severity}`).toBe(level === 0 ? 'shadow' : 'pending_approval');
        if (decision.kind === 'pending_approval') expect(decision.deadline).toBeUndefined();
      }
      // outside the decision matrix: human review at every level
      expect(decide({ proposal: proposal('P1', 'log_only', 0.9), source: 'github', maturity, policies, trust: { c: 0.9, b: 1, h, e }, now: NOW }).decision.kind).toBe('human_review');
      expect(decide({ proposal: proposal('noise', 'log_only', 0.9), source: 'github', maturity, policies, trust: { c: 0.9, b: 1, h, e }, now: NOW }).decision.kind).toBe(level === 0 ? 'shadow' : 'log_only');
    }
  }, 120_000);

  it('at L3 with an earned track record, acts within the gates and never times out into an action', async () => {
    const s = await seeded({ maturity_level: 3 });
    const maturity = parseMaturity(s.env);
    const policies: Policies = await loadPolicies(documentClient(s), TABLES);
    const run = (p: Proposal, b: number, h: number, e: number) => decide({ proposal: p, source: 'datadog', maturity, policies, trust: { c: p.confidence, b, h, e }, now: NOW });

    // T = 0.5*0.9 + 0.15*1 + 0.25*0.97 + 0.1*1 = 0.9425
    expect(run(proposal('P3', 'create_incident', 0.9), 1, 0.97, 1).decision).toMatchObject({ kind: 'execute', targets: ['servicenow'] });
    expect(run(proposal('P2', 'page', 0.9), 1, 0.97, 1).decision).toMatchObject({ kind: 'execute', targets: ['pagerduty', 'slack'] });
    // a MIM declaration needs T >= 0.95 and never times out
    const mim = run(proposal('P1', 'declare_mim', 0.9), 1, 0.97, 1).decision;
    expect(mim).toMatchObject({ kind: 'pending_approval', gatingRuleId: 'gate-mim' });
    expect(mim.kind === 'pending_approval' && mim.deadline).toBeFalsy();
    // P3 below its 0.85 gate: T = 0.4 + 0 + 0.2375 + 0.05 = 0.6875; the timeout suppresses
    const low = run(proposal('P3', 'create_incident', 0.8), 0, 0.95, 0.5).decision;
    expect(low).toMatchObject({ kind: 'pending_approval', gatingRuleId: 'gate-p3-p4', onTimeout: 'suppress', deadline: NOW + 3600_000 });
    // no seeded gating rule auto-approves on timeout
    expect(policies.gating.filter((r) => r.onTimeout === 'approve')).toEqual([]);
  }, 60_000);

  it('names only the deployed integrations, and drops a rule whose own integration is missing', async () => {
    const integration = (name: string) => ({ description: name, endpoint_url: `https://${name}.example.com` });
    const s = await seeded({ integrations: { servicenow: integration('servicenow'), slack: integration('slack') } });
    const ruleset = s.tables.get('ztait-escalation-rules')![0]!;
    const rules = parseEscalationRules(ruleset.rules);
    expect(rules.map((r) => [r.ruleId, r.targets])).toEqual([
      ['create-incident', ['servicenow']],
      ['log-only', []],
    ]);
    const maturity = parseMaturity({ ...s.env });
    const policies = await loadPolicies(documentClient(s), TABLES);
    // P1 declare_mim without a MIM integration: no rule matches, a person decides
    expect(decide({ proposal: proposal('P1', 'declare_mim', 0.9), source: 'github', maturity, policies, trust: { c: 0.9, b: 1, h: 1, e: 1 }, now: NOW }).decision.kind).toBe('human_review');
  }, 60_000);
});
