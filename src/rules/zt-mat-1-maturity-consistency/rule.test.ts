import { describe, expect, it } from 'vitest';
import { emptyInventory, type Inventory, type Resource } from '../../model/inventory.js';
import { Unknown, type Value, type ValueObject } from '../../model/value.js';
import { InventoryIndex } from '../../inventory/index.js';
import { MATURITY_RULE, checkMaturity } from './rule.js';
import { TABLE3, envName, envValue, SETTINGS, type Level } from '../../maturity/table.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

function envFor(level: Level): Record<string, Value> {
  const env: Record<string, Value> = { MATURITY_LEVEL: String(level) };
  for (const s of SETTINGS) env[envName(s)] = envValue(TABLE3[level][s]);
  return env;
}

function lambda(name: string, variables: Record<string, Value> | Unknown | undefined): Resource {
  const values: ValueObject = { function_name: `ztait-${name}` };
  if (variables !== undefined) values.environment = [{ variables: variables as ValueObject }];
  return {
    address: `aws_lambda_function.${name}`,
    mode: 'managed',
    type: 'aws_lambda_function',
    name,
    module: '',
    values,
    location: { file: 'lambda.tf', line: 10, endLine: 30 },
    attrLocations: { environment: { file: 'lambda.tf', line: 20, endLine: 28 } },
  };
}

function inventory(resources: Resource[], level?: Value): Inventory {
  const inv = emptyInventory('hcl');
  inv.resources = resources;
  if (level !== undefined) {
    inv.variables = { maturity_level: level };
    inv.variableOrigins = { maturity_level: { file: 'terraform.tfvars', line: 3, endLine: 3, kind: 'tfvars' } };
  }
  return inv;
}

const run = (inv: Inventory) => ({
  section: checkMaturity(inv, new InventoryIndex(inv)),
  outcome: MATURITY_RULE.evaluate({ inventory: inv, index: new InventoryIndex(inv), prefix: 'ztait-' }),
});

describe('maturity consistency (ZT-MAT-1)', () => {
  it('passes when every function carries the Table 3 values of the declared level', () => {
    for (const level of [0, 1, 2, 3] as Level[]) {
      const { section, outcome } = run(inventory([lambda('triage', envFor(level)), lambda('actions', envFor(level))], level));
      expect(section).toMatchObject({ level, consistent: true, deviations: [], declared_at: { file: 'terraform.tfvars', line: 3 } });
      expect(section.expected).toMatchObject({ maturity_level: level, ...TABLE3[level] });
      expect(outcome.findings).toEqual([]);
      expect(outcome.examined.map((e) => e.status)).toEqual(['pass', 'pass']);
    }
  });

  it('reports each deviating setting with expected, actual, resource and location', () => {
    const env = { ...envFor(2), ACTION_EXECUTION_ENABLED: 'false', ACCURACY_THRESHOLD: '0.95' };
    const { section, outcome } = run(inventory([lambda('triage', env), lambda('ok', envFor(2))], '2'));
    expect(section.consistent).toBe(false);
    expect(section.deviations).toEqual([
      {
        setting: 'action_execution_enabled',
        expected: true,
        actual: false,
        resource: 'aws_lambda_function.triage',
        file: 'lambda.tf',
        line: 20,
      },
      { setting: 'accuracy_threshold', expected: 0.9, actual: 0.95, resource: 'aws_lambda_function.triage', file: 'lambda.tf', line: 20 },
    ]);
    expect(section.actual?.action_execution_enabled).toEqual({ 'aws_lambda_function.triage': false, 'aws_lambda_function.ok': true });
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({ kind: 'fail', attr: 'environment.variables.ACTION_EXECUTION_ENABLED' });
    expect(outcome.findings[0]!.message).toContain('ACTION_EXECUTION_ENABLED=true (found false)');
  });

  it('accepts "0.9" for 0.90 and any value (even unknown, or none) where Table 3 says n/a, but not an applicable one set nowhere', () => {
    const env: Record<string, Value> = { ...envFor(0), GATING_REQUIRED_P1_P2: 'true', MIN_CONFIDENCE_AUTO: new Unknown('var.x') };
    delete env.ACCURACY_THRESHOLD;
    const ok = run(inventory([lambda('triage', env)], 0));
    expect(ok.section.consistent).toBe(true);
    expect(ok.outcome.findings).toEqual([]);
    const env2 = envFor(2);
    env2.ACCURACY_THRESHOLD = '0.9';
    delete env2.DISPLAY_RECOMMENDATIONS;
    const bad = run(inventory([lambda('triage', env2)], 2));
    expect(bad.section.deviations).toEqual([expect.objectContaining({ setting: 'display_recommendations', expected: true, actual: null })]);
    const env3 = { ...envFor(1), GATING_REQUIRED_P3_P4: 'yes' };
    expect(run(inventory([lambda('triage', env3)], 1)).section.deviations).toEqual([
      expect.objectContaining({ setting: 'gating_required_p3_p4', expected: true, actual: 'yes' }),
    ]);
  });

  it('flags a MATURITY_LEVEL that differs from the variable', () => {
    const { section } = run(inventory([lambda('triage', { ...envFor(1), MATURITY_LEVEL: '0' })], 1));
    expect(section.deviations).toEqual([expect.objectContaining({ setting: 'maturity_level', expected: 1, actual: 0 })]);
  });

  it('fails closed on unknown values and unknown levels', () => {
    const env = { ...envFor(1), GATING_REQUIRED_P1_P2: new Unknown('var.gating is not known', { refs: [] }) };
    const { section, outcome } = run(inventory([lambda('triage', env)], 1));
    expect(section.consistent).toBe(false);
    expect(section.reason).toMatch(/cannot decide/);
    expect(outcome.findings).toEqual([expect.objectContaining({ kind: 'error' })]);

    const lvl = run(inventory([lambda('triage', envFor(1))], new Unknown('var.x unknown')));
    expect(lvl.section).toMatchObject({ level: null, consistent: false });
    expect(lvl.outcome.errors?.[0]).toMatch(/undecidable/);

    const five = run(inventory([lambda('triage', envFor(1))], 5));
    expect(five.section.reason).toMatch(/not a maturity level/);

    const env3 = run(inventory([lambda('triage', new Unknown('merge() of unknown'))], 1));
    expect(env3.section.consistent).toBe(false);
    expect(env3.outcome.findings[0]?.kind).toBe('error');
  });

  it('takes the level from MATURITY_LEVEL when no variable declares it (live)', () => {
    const inv = inventory([lambda('a', envFor(3)), lambda('b', envFor(3))]);
    inv.kind = 'live';
    const { section } = run(inv);
    expect(section).toMatchObject({ level: 3, consistent: true, declared_at: { resource: 'aws_lambda_function.a' } });
    const split = run(inventory([lambda('a', envFor(3)), lambda('b', envFor(2)), lambda('c', { MATURITY_LEVEL: '2' })]));
    expect(split.section).toMatchObject({ level: null, consistent: false });
    expect(split.section.reason).toMatch(/differs/);
    // two known levels: a definite inconsistency (fail), reported against the level most functions name
    expect(split.section.deviations).toEqual([
      expect.objectContaining({ setting: 'maturity_level', expected: 2, actual: 3, resource: 'aws_lambda_function.a' }),
    ]);
    expect(split.outcome.findings).toEqual([
      expect.objectContaining({
        kind: 'fail',
        attr: 'environment.variables.MATURITY_LEVEL',
        resource: expect.objectContaining({ name: 'a' }),
      }),
    ]);
    expect(split.outcome.findings[0]!.message).toContain('MATURITY_LEVEL=3 here but 2 in aws_lambda_function.b, aws_lambda_function.c');
    // one known, one not known statically: undecidable, not fail
    const half = run(inventory([lambda('a', envFor(3)), lambda('b', { MATURITY_LEVEL: new Unknown('var.level') })]));
    expect(half.outcome.findings).toEqual([]);
    expect(half.outcome.errors?.[0]).toMatch(/undecidable/);
  });

  it('is not applicable with no level and no carriers; consistent=false with a reason', () => {
    const { section, outcome } = run(inventory([lambda('other', { FOO: 'bar' })]));
    expect(section).toMatchObject({ level: null, consistent: false });
    expect(section.reason).toMatch(/no maturity level declared/);
    expect(outcome).toMatchObject({ findings: [], examined: [] });
    expect(outcome.errors).toBeUndefined();
    expect(outcome.reason).toBeTruthy();
  });

  it('errors when a level is declared but nothing carries the settings', () => {
    const { section, outcome } = run(inventory([lambda('other', { FOO: 'bar' })], 1));
    expect(section.consistent).toBe(false);
    expect(outcome.errors?.[0]).toMatch(/no Lambda function/);
  });

  it('reads settings table items (one per setting, DynamoDB JSON)', () => {
    const table: Resource = {
      address: 'aws_dynamodb_table.settings',
      mode: 'managed',
      type: 'aws_dynamodb_table',
      name: 'settings',
      module: '',
      values: { name: 'ztait-settings' },
    };
    const item = (k: string, v: unknown): Resource => ({
      address: `aws_dynamodb_table_item.s["${k}"]`,
      mode: 'managed',
      type: 'aws_dynamodb_table_item',
      name: 's',
      module: '',
      values: { table_name: 'ztait-settings', hash_key: 'setting', item: JSON.stringify({ setting: { S: k }, value: v }) },
    });
    const inv = inventory(
      [lambda('a', envFor(2)), table, item('action_execution_enabled', { BOOL: false }), item('min_confidence_auto', { N: '0.85' })],
      2,
    );
    const { section } = run(inv);
    expect(section.deviations).toEqual([
      expect.objectContaining({
        setting: 'action_execution_enabled',
        expected: true,
        actual: false,
        resource: 'aws_dynamodb_table_item.s["action_execution_enabled"]',
      }),
    ]);
  });
  // the layout of issue 17: each function carries what it uses, all from one Table 3 row
  const layout = (level: Level, patch: (envs: Record<string, Record<string, Value>>) => void = () => {}) => {
    const all = envFor(level);
    const envs: Record<string, Record<string, Value>> = {
      triage: { ...all, MODEL_ID: 'claude' },
      dashboard: { MATURITY_LEVEL: all.MATURITY_LEVEL!, DISPLAY_RECOMMENDATIONS: all.DISPLAY_RECOMMENDATIONS!, TABLE: 'incidents' },
      'handler["servicenow"]': { ACTION_EXECUTION_ENABLED: all.ACTION_EXECUTION_ENABLED!, INTEGRATION: 'servicenow' },
      'handler["slack"]': { ACTION_EXECUTION_ENABLED: all.ACTION_EXECUTION_ENABLED!, INTEGRATION: 'slack' },
      receiver: { SIGNATURE_HEADER: 'X-Hub-Signature-256' },
    };
    patch(envs);
    return inventory(
      Object.entries(envs).map(([n, env]) => lambda(n, env)),
      level,
    );
  };

  it('passes a layout where every function carries only the settings it uses', () => {
    for (const level of [0, 1, 2, 3] as Level[]) {
      const { section, outcome } = run(layout(level));
      expect(section).toMatchObject({ level, consistent: true, deviations: [] });
      expect(section.reason).toBeUndefined();
      expect(outcome.findings).toEqual([]);
      // the receiver carries no maturity setting: not examined
      expect(outcome.examined.map((e) => [e.resource.name, e.status])).toEqual([
        ['triage', 'pass'],
        ['dashboard', 'pass'],
        ['handler["servicenow"]', 'pass'],
        ['handler["slack"]', 'pass'],
      ]);
    }
  });

  it('fails a setting present only on the dashboard when it differs from Table 3', () => {
    const { section, outcome } = run(
      layout(2, (e) => {
        e.dashboard!.DISPLAY_RECOMMENDATIONS = 'false';
      }),
    );
    expect(section.consistent).toBe(false);
    expect(section.deviations).toEqual([
      expect.objectContaining({
        setting: 'display_recommendations',
        expected: true,
        actual: false,
        resource: 'aws_lambda_function.dashboard',
      }),
    ]);
    expect(section.actual?.display_recommendations).toEqual({ 'aws_lambda_function.triage': true, 'aws_lambda_function.dashboard': false });
    expect(outcome.findings).toEqual([
      expect.objectContaining({
        kind: 'fail',
        attr: 'environment.variables.DISPLAY_RECOMMENDATIONS',
        resource: expect.objectContaining({ name: 'dashboard' }),
      }),
    ]);
    expect(outcome.examined.find((x) => x.resource.name === 'dashboard')?.status).toBe('fail');
  });

  it('fails a MATURITY_LEVEL that disagrees with the declared level on one function only', () => {
    const { section, outcome } = run(
      layout(2, (e) => {
        e.dashboard!.MATURITY_LEVEL = '3';
      }),
    );
    expect(section.deviations).toEqual([
      expect.objectContaining({ setting: 'maturity_level', expected: 2, actual: 3, resource: 'aws_lambda_function.dashboard' }),
    ]);
    expect(outcome.findings).toEqual([expect.objectContaining({ kind: 'fail', attr: 'environment.variables.MATURITY_LEVEL' })]);
    expect(outcome.findings[0]!.message).toContain('MATURITY_LEVEL=2 (found 3)');
  });

  it('names a setting no function carries, at the function that carries the most', () => {
    const { section, outcome } = run(
      layout(2, (e) => {
        delete e.triage!.MIN_CONFIDENCE_AUTO;
        delete e.triage!.GATING_REQUIRED_P3_P4;
      }),
    );
    expect(section.consistent).toBe(false);
    expect(section.deviations).toEqual([
      { setting: 'gating_required_p3_p4', expected: false, actual: null },
      { setting: 'min_confidence_auto', expected: 0.85, actual: null },
    ]);
    expect(section.reason).toBe('set nowhere: gating_required_p3_p4, min_confidence_auto');
    expect(outcome.findings).toEqual([
      expect.objectContaining({
        kind: 'fail',
        key: 'missing',
        attr: 'environment.variables',
        resource: expect.objectContaining({ name: 'triage' }),
      }),
    ]);
    expect(outcome.findings[0]!.message).toBe(
      'declared maturity L2 Supervised requires GATING_REQUIRED_P3_P4=false, MIN_CONFIDENCE_AUTO=0.85, set nowhere: no function environment or settings item carries them',
    );
    expect(outcome.examined.map((e) => e.status)).toEqual(['fail', 'pass', 'pass', 'pass']);
    // a setting held by a single handler is present: the system carries it
    const once = run(
      layout(2, (e) => {
        delete e.triage!.ACTION_EXECUTION_ENABLED;
        delete e['handler["slack"]']!.ACTION_EXECUTION_ENABLED;
      }),
    );
    expect(once.section.consistent).toBe(true);
  });

  it('a setting set nowhere readable is error, not fail, while an environment cannot be read', () => {
    const inv = layout(2, (e) => {
      delete e.triage!.MIN_CONFIDENCE_AUTO;
    });
    inv.resources.push(lambda('opaque', new Unknown('merge() of unknown')));
    const { section, outcome } = run(inv);
    expect(section.consistent).toBe(false);
    expect(section.deviations).toEqual([]);
    expect(outcome.findings).toEqual([expect.objectContaining({ kind: 'error', resource: expect.objectContaining({ name: 'opaque' }) })]);
  });

  it('a setting in a settings item counts as present', () => {
    const inv = layout(2, (e) => {
      delete e.triage!.ACCURACY_THRESHOLD;
    });
    inv.resources.push({
      address: 'aws_dynamodb_table_item.accuracy',
      mode: 'managed',
      type: 'aws_dynamodb_table_item',
      name: 'accuracy',
      module: '',
      values: {
        table_name: 'ztait-settings',
        hash_key: 'setting',
        item: JSON.stringify({ setting: { S: 'accuracy_threshold' }, value: { N: '0.90' } }),
      },
    });
    expect(run(inv).section).toMatchObject({ consistent: true, deviations: [] });
  });
});
