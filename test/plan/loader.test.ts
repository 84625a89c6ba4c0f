import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InventoryIndex } from '../../src/inventory/index.js';
import { Unknown, getPath, isObject } from '../../src/model/value.js';
import { isPlannedDeletion, loadPlan, survivingInventory } from '../../src/sources/plan/index.js';
import { asUnknown, byAddress, fixture, load, tempFile } from './helpers.js';

// The fixtures are real `terraform show -json` output (scripts/gen-plan-fixtures.mjs).

describe('modules.plan.json: nested modules, count, for_each, unknowns, sensitive values', () => {
  it('lists every planned instance with its address, module path and instance key', async () => {
    const inv = await load('modules');
    expect(inv.kind).toBe('plan');
    expect(inv.resources).toHaveLength(20);
    const alarm = byAddress(inv, 'module.handlers["slack"].module.alarms[1].aws_cloudwatch_metric_alarm.errors');
    expect(alarm).toMatchObject({
      mode: 'managed',
      type: 'aws_cloudwatch_metric_alarm',
      name: 'errors',
      module: 'module.handlers["slack"].module.alarms[1]',
    });
    expect(alarm.index).toBeUndefined();
    expect(byAddress(inv, 'aws_subnet.private[1]')).toMatchObject({ index: 1, module: '' });
    expect(byAddress(inv, 'aws_secretsmanager_secret.webhook["grafana"]').index).toBe('grafana');
    const doc = byAddress(inv, 'module.handlers["pagerduty"].data.aws_iam_policy_document.inline');
    expect(doc).toMatchObject({ mode: 'data', type: 'aws_iam_policy_document', module: 'module.handlers["pagerduty"]' });
    expect(doc.change?.actions).toEqual(['read']);
    expect(byAddress(inv, 'module.foundation.aws_dynamodb_table.audit').change).toEqual({ actions: ['create'], before: null });
  });

  it('keeps known values as Terraform plans them', async () => {
    const inv = await load('modules');
    const lambda = byAddress(inv, 'module.handlers["slack"].aws_lambda_function.this');
    expect(lambda.values.function_name).toBe('ztait-slack');
    expect(getPath(lambda.values, ['environment', 0, 'variables', 'MATURITY_LEVEL'])).toBe('0');
    expect(getPath(lambda.values, ['vpc_config', 0, 'subnet_ids'])).toEqual(['subnet-12345678']);
    const table = byAddress(inv, 'module.foundation.aws_dynamodb_table.audit');
    expect(getPath(table.values, ['point_in_time_recovery', 0, 'enabled'])).toBe(true);
  });

  it('traces a Lambda security group known only after apply through module input and output to the SG', async () => {
    const inv = await load('modules');
    const index = new InventoryIndex(inv);
    const lambda = byAddress(inv, 'module.handlers["slack"].aws_lambda_function.this');
    // a set Terraform knows only after apply: one element per resource it is filled from, as HCL gives it
    const sgs = getPath(lambda.values, ['vpc_config', 0, 'security_group_ids']);
    expect(Array.isArray(sgs) && sgs.length).toBe(1);
    const sg = asUnknown(getPath(sgs, [0]));
    expect(sg.refs).toEqual(['module.foundation.aws_security_group.lambda']);
    expect(sg.reason).toMatch(/known only after apply/);
    const { resources, unresolved } = index.resolve(sgs, ['aws_security_group']);
    expect(resources.map((r) => r.address)).toEqual(['module.foundation.aws_security_group.lambda']);
    expect(unresolved).toEqual([]);
  });

  it('points a reference inside a module instance at the same instance, with what is known of the ARN', async () => {
    // plan JSON cannot tell `aws_iam_role.this.arn` from a template around it: the pattern is a prefix
    const inv = await load('modules');
    const role = asUnknown(byAddress(inv, 'module.handlers["pagerduty"].aws_lambda_function.this').values.role);
    expect(role.refs).toEqual(['module.handlers["pagerduty"].aws_iam_role.this']);
    expect(role.pattern).toBe('arn:aws:iam::*:role/ztait-pagerduty*');
    const boundary = asUnknown(byAddress(inv, 'module.handlers["slack"].aws_iam_role.this').values.permissions_boundary);
    expect(boundary.refs).toEqual(['module.foundation.aws_iam_policy.boundary']);
    expect(boundary.pattern).toBe('arn:aws:iam::*:policy/ztait-boundary*');
  });

  it('resolves count and for_each references to instances (each.value of the same key, all instances otherwise)', async () => {
    const inv = await load('modules');
    const version = byAddress(inv, 'aws_secretsmanager_secret_version.webhook["grafana"]');
    expect(asUnknown(version.values.secret_id).refs).toEqual(['aws_secretsmanager_secret.webhook["grafana"]']);
    expect(asUnknown(byAddress(inv, 'aws_subnet.private[0]').values.vpc_id).refs).toEqual(['module.foundation.aws_vpc.main']);
    // a count module inside a for_each module: one instance per key and index
    const alarms = inv.resources.filter((r) => r.type === 'aws_cloudwatch_metric_alarm').map((r) => r.module);
    expect(alarms.sort()).toEqual([
      'module.handlers["pagerduty"].module.alarms[0]',
      'module.handlers["pagerduty"].module.alarms[1]',
      'module.handlers["slack"].module.alarms[0]',
      'module.handlers["slack"].module.alarms[1]',
    ]);
    expect(byAddress(inv, 'module.handlers["slack"].module.alarms[0].aws_cloudwatch_metric_alarm.errors').values.alarm_name).toBe(
      'ztait-ztait-slack-errors',
    );
  });

  it("gives a resource's own computed attributes a reference to itself and an ARN pattern", async () => {
    const inv = await load('modules');
    const arn = asUnknown(byAddress(inv, 'module.foundation.aws_dynamodb_table.audit').values.arn);
    expect(arn.refs).toEqual(['module.foundation.aws_dynamodb_table.audit']);
    expect(arn.pattern).toBe('arn:aws:dynamodb:*:*:table/ztait-audit');
  });

  it('renders a policy document read only at apply, with its unknown ARNs as patterns', async () => {
    const inv = await load('modules');
    const json = asUnknown(byAddress(inv, 'module.handlers["slack"].data.aws_iam_policy_document.inline').values.json);
    expect(json.refs).toEqual(['module.handlers["slack"].aws_iam_role.this']);
    const st = getPath(json.structure, ['Statement', 0]);
    expect(isObject(st) && st.Action).toBe('dynamodb:PutItem');
    expect(isObject(st) && st.Effect).toBe('Allow');
    expect(asUnknown(isObject(st) ? st.Resource : undefined).pattern).toBe('arn:aws:iam::*:role/ztait-slack*');
  });

  it('registers sensitive values as secrets and keeps them for the rules', async () => {
    const inv = await load('modules');
    const token = 'ztait-fixture-webhook-token-7f3a9c';
    expect([...inv.secrets]).toEqual([token]);
    expect(byAddress(inv, 'aws_secretsmanager_secret_version.webhook["github"]').values.secret_string).toBe(token);
    expect(inv.variables?.webhook_token).toBe(token);
  });

  it('reads root variables with where they come from, and hashes the input', async () => {
    const inv = await load('modules');
    expect(inv.variables?.maturity_level).toBe(0);
    expect(inv.variableOrigins?.maturity_level).toMatchObject({ file: fixture('modules'), kind: 'plan' });
    const text = readFileSync(fixture('modules'), 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('"maturity_level": {')) + 1;
    expect(inv.variableOrigins?.maturity_level?.line).toBe(line);
    expect(inv.inputs).toEqual([
      {
        path: fixture('modules'),
        sha256: createHash('sha256')
          .update(readFileSync(fixture('modules')))
          .digest('hex'),
      },
    ]);
  });

  it('reads the one-line JSON terraform prints exactly as the indented fixture', async () => {
    const compact = tempFile('tfplan.json', JSON.stringify(JSON.parse(readFileSync(fixture('modules'), 'utf8'))));
    const [a, b] = await Promise.all([load('modules'), loadPlan(compact)]);
    expect(JSON.stringify(b.resources)).toBe(JSON.stringify(a.resources));
    expect(b.variableOrigins?.maturity_level?.line).toBe(1);
  });

  it('attaches file and line of the resource block when the configuration is located', async () => {
    const location = { file: 'modules/handler/main.tf', line: 19, endLine: 38 };
    const attrLocations = { vpc_config: { file: 'modules/handler/main.tf', line: 25, endLine: 28 } };
    const seen: string[] = [];
    const inv = await load('modules', {
      locate: (addr) => {
        seen.push(addr);
        return addr === 'module.handlers.aws_lambda_function.this'
          ? { location, attrLocations, comments: [{ text: '# ztait:ignore SI-1 reason="x"', line: 18 }] }
          : undefined;
      },
    });
    const lambda = byAddress(inv, 'module.handlers["slack"].aws_lambda_function.this');
    expect(lambda.location).toEqual(location);
    expect(lambda.attrLocations).toEqual(attrLocations);
    expect(lambda.comments).toHaveLength(1);
    expect(seen).toContain('module.handlers.module.alarms.aws_cloudwatch_metric_alarm.errors');
    expect(byAddress(inv, 'aws_subnet.private[0]').location).toBeUndefined();
  });
});

describe('plans against a prior state: updates, deletions, replacements', () => {
  it('a no-op plan keeps every resource as it is', async () => {
    const inv = await load('evidence-noop');
    expect(inv.resources.length).toBe(8);
    expect(inv.resources.every((r) => r.change?.actions.join() === 'no-op')).toBe(true);
    const role = byAddress(inv, 'aws_iam_role.triage');
    expect(role.values.permissions_boundary).toBe('arn:aws:iam::123456789012:policy/ztait-boundary');
    expect(role.change?.before?.permissions_boundary).toBe('arn:aws:iam::123456789012:policy/ztait-boundary');
  });

  it('a deleted resource keeps its prior values, is marked, and is not in the surviving inventory', async () => {
    const inv = await load('audit-table-destroy');
    const table = byAddress(inv, 'module.foundation.aws_dynamodb_table.audit[0]');
    expect(table.change?.actions).toEqual(['delete']);
    expect(table.index).toBe(0);
    expect(table.values.name).toBe('ztait-audit');
    expect(table.change?.before?.name).toBe('ztait-audit');
    expect(isPlannedDeletion(table)).toBe(true);
    const after = survivingInventory(inv);
    expect(after.resources.map((r) => r.address)).not.toContain(table.address);
    expect(after.resources).toHaveLength(inv.resources.length - 1);
  });

  it('a replacement has delete, create and replace, the planned values and the prior ones', async () => {
    const inv = await load('audit-table-replace');
    const table = byAddress(inv, 'module.foundation.aws_dynamodb_table.audit[0]');
    expect(table.change?.actions).toEqual(['delete', 'create', 'replace']);
    expect(table.values.name).toBe('ztait-audit-v2');
    expect(table.change?.before?.name).toBe('ztait-audit');
    expect(isPlannedDeletion(table)).toBe(false);
    expect(asUnknown(table.values.arn).pattern).toBe('arn:aws:dynamodb:*:*:table/ztait-audit-v2');
  });

  it('an update whose new value is known only after apply points at the replaced resource', async () => {
    const inv = await load('trail-bucket-replace');
    const trail = byAddress(inv, 'module.foundation.aws_cloudtrail.main[0]');
    expect(trail.change?.actions).toEqual(['update']);
    expect(asUnknown(trail.values.s3_bucket_name).refs).toEqual(['module.foundation.aws_s3_bucket.trail']);
    expect(trail.change?.before?.s3_bucket_name).toBe('ztait-cloudtrail-logs');
  });

  it('pipeline -var values are read with the type of the variable default', async () => {
    const pitr = await load('pitr-disabled');
    expect(pitr.variables?.pitr_enabled).toBe(false);
    const table = byAddress(pitr, 'module.foundation.aws_dynamodb_table.audit[0]');
    expect(table.change?.actions).toEqual(['update']);
    expect(getPath(table.values, ['point_in_time_recovery', 0, 'enabled'])).toBe(false);
    const m = await load('maturity-0-2');
    expect(m.variables?.maturity_level).toBe(2);
    const lambda = byAddress(m, 'aws_lambda_function.triage');
    expect(getPath(lambda.change?.before ?? undefined, ['environment', 0, 'variables', 'MATURITY_LEVEL'])).toBe('0');
    expect(getPath(lambda.values, ['environment', 0, 'variables', 'MATURITY_LEVEL'])).toBe('2');
  });

  it('a plan without resources or resource_changes is an empty inventory', async () => {
    const inv = await load('empty');
    expect(inv.resources).toEqual([]);
    expect(inv.diagnostics).toEqual([]);
    expect(inv.variables).toEqual({ maturity_level: 1 });
  });
});

describe('plan shapes the fixtures do not show (hand-edited from real plans)', () => {
  const base = (): Record<string, unknown> => JSON.parse(readFileSync(fixture('audit-table-destroy'), 'utf8')) as Record<string, unknown>;

  it('an errored plan is an input error diagnostic; a plan with deferred changes a warning', async () => {
    const errored = await loadPlan(tempFile('p.json', JSON.stringify({ ...base(), errored: true })));
    expect(errored.diagnostics).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringMatching(/errored/) })]);
    const partial = await loadPlan(tempFile('p.json', JSON.stringify({ ...base(), complete: false })));
    expect(partial.diagnostics).toEqual([expect.objectContaining({ severity: 'warning' })]);
  });

  it('without a configuration section unknowns carry no references and the limitation is said', async () => {
    const plan = base();
    delete plan.configuration;
    const inv = await loadPlan(tempFile('p.json', JSON.stringify(plan)));
    expect(inv.limitations?.[0]).toMatch(/no configuration section/);
    const lambda = byAddress(await load('boundary-replace'), 'aws_iam_role.triage');
    expect(asUnknown(lambda.values.permissions_boundary).refs).toHaveLength(1);
    const p2 = JSON.parse(readFileSync(fixture('boundary-replace'), 'utf8')) as Record<string, unknown>;
    delete p2.configuration;
    const role = byAddress(await loadPlan(tempFile('p.json', JSON.stringify(p2))), 'aws_iam_role.triage');
    expect(role.values.permissions_boundary).toBeInstanceOf(Unknown);
    expect(asUnknown(role.values.permissions_boundary).refs).toEqual([]);
  });

  it('a deposed object being destroyed is a deletion of its own', async () => {
    const plan = base() as { resource_changes: Record<string, unknown>[] };
    const current = plan.resource_changes.find((rc) => rc.address === 'module.foundation.aws_dynamodb_table.audit[0]')!;
    plan.resource_changes.push({ ...current, deposed: '1a2b3c4d' });
    const inv = await loadPlan(tempFile('p.json', JSON.stringify(plan)));
    const dep = byAddress(inv, 'module.foundation.aws_dynamodb_table.audit[0] (deposed object 1a2b3c4d)');
    expect(dep.change?.actions).toEqual(['delete']);
    expect(dep.index).toBe(0);
  });

  it('a forgotten resource (removed block) keeps existing, with a warning', async () => {
    const plan = base() as { resource_changes: { address: string; change: { actions: string[] } }[] };
    plan.resource_changes.find((rc) => rc.address === 'module.foundation.aws_dynamodb_table.audit[0]')!.change.actions = ['forget'];
    const inv = await loadPlan(tempFile('p.json', JSON.stringify(plan)));
    const table = byAddress(inv, 'module.foundation.aws_dynamodb_table.audit[0]');
    expect(table.change?.actions).toEqual(['no-op']);
    expect(isPlannedDeletion(table)).toBe(false);
    expect(inv.diagnostics[0]?.message).toMatch(/without being destroyed/);
  });

  it('a nested block known only after apply as a whole is one Unknown pointing at what the block references', async () => {
    type Plan = {
      planned_values: { root_module: { child_modules: { resources: { address: string; values: Record<string, unknown> }[] }[] } };
      resource_changes: { address: string; change: { after_unknown: Record<string, unknown> } }[];
    };
    const plan = JSON.parse(readFileSync(fixture('modules'), 'utf8')) as Plan;
    const address = 'module.handlers["slack"].aws_lambda_function.this';
    for (const m of plan.planned_values.root_module.child_modules)
      for (const r of m.resources) if (r.address === address) delete r.values.vpc_config;
    plan.resource_changes.find((rc) => rc.address === address)!.change.after_unknown.vpc_config = true;
    const inv = await loadPlan(tempFile('p.json', JSON.stringify(plan)));
    const vpc = asUnknown(byAddress(inv, address).values.vpc_config);
    expect(vpc.refs).toEqual(['module.foundation.aws_security_group.lambda']);
  });

  it('what exists and the plan does not mention (a -target plan) stays, unchanged', async () => {
    const plan = base() as {
      planned_values: { root_module: { resources: { address: string }[] } };
      resource_changes: { address: string }[];
    };
    plan.planned_values.root_module.resources = plan.planned_values.root_module.resources.filter(
      (r) => r.address !== 'aws_iam_role.triage',
    );
    plan.resource_changes = plan.resource_changes.filter((r) => r.address !== 'aws_iam_role.triage');
    const inv = await loadPlan(tempFile('p.json', JSON.stringify(plan)));
    const role = byAddress(inv, 'aws_iam_role.triage');
    expect(role.change?.actions).toEqual(['no-op']);
    expect(role.values.permissions_boundary).toBe('arn:aws:iam::123456789012:policy/ztait-boundary');
  });

  it('locals are named as what the plan does not describe', async () => {
    const plan = JSON.parse(readFileSync(fixture('modules'), 'utf8')) as {
      configuration: { root_module: { resources: { address: string; expressions: Record<string, unknown> }[] } };
    };
    const subnet = plan.configuration.root_module.resources.find((r) => r.address === 'aws_subnet.private')!;
    subnet.expressions.vpc_id = { references: ['local.vpc_id'] };
    const inv = await loadPlan(tempFile('p.json', JSON.stringify(plan)));
    const vpc = asUnknown(byAddress(inv, 'aws_subnet.private[0]').values.vpc_id);
    expect(vpc.refs).toEqual([]);
    expect(vpc.reason).toMatch(/through local\.vpc_id, which plan JSON does not describe: give the configuration directory/);
  });
});
