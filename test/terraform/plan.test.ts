// (5) An offline `terraform plan` of examples/complete, through the reusable
// scripts/terraform/plan-json.mjs, at maturity 0 (the tfvars) and 3 (-var):
// the plan has the statically counted resources, and the maturity level
// reaches the environment, the gating item, the action rules, the gating
// timeout schedule and the alarms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { loadHcl } from '../../src/hcl/loader.js';
import { EXAMPLE_DIR, REPO_ROOT, TERRAFORM_VERSION, countByType, exampleTree } from './support.js';

interface ResourceChange {
  address: string;
  type: string;
  mode: string;
  change: { actions: string[]; after: Record<string, unknown> | null };
}
interface Plan {
  resource_changes: ResourceChange[];
}

const SCRIPT = join(REPO_ROOT, 'scripts', 'terraform', 'plan-json.mjs');
let outDir = '';

function plan(...vars: string[]): Plan {
  const out = join(outDir, `plan-${vars.join('_').replace(/\W+/g, '_') || 'default'}.json`);
  const r = spawnSync(process.execPath, [SCRIPT, EXAMPLE_DIR, out, ...vars.flatMap((v) => ['-var', v])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`plan-json failed (${r.status}): ${r.stderr}`);
  expect(r.stdout).toMatch(/managed resources planned/);
  return JSON.parse(readFileSync(out, 'utf8')) as Plan;
}

const byAddress = (p: Plan, address: string): Record<string, unknown> => {
  const rc = p.resource_changes.find((r) => r.address === address);
  if (!rc?.change.after) throw new Error(`${address} is not in the plan`);
  return rc.change.after;
};
const environmentOf = (p: Plan, address: string) =>
  (byAddress(p, address).environment as { variables: Record<string, string> }[])[0].variables;

describe.skipIf(TERRAFORM_VERSION === null)('offline plan of examples/complete', () => {
  let level0: Plan;
  let level3: Plan;
  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'ztait-tfplan-test-'));
    level0 = plan();
    level3 = plan('maturity_level=3');
  }, 300_000);
  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('creates exactly the statically counted resources', async () => {
    const planned = new Map<string, number>();
    for (const rc of level0.resource_changes.filter((r) => r.mode === 'managed')) {
      expect(rc.change.actions).toEqual(['create']);
      planned.set(rc.type, (planned.get(rc.type) ?? 0) + 1);
    }
    const expected = new Map([...countByType(await exampleTree())].filter(([, n]) => n > 0));
    expect(new Map([...planned].sort(([a], [b]) => a.localeCompare(b)))).toEqual(expected);
    expect(planned.get('aws_lambda_function')).toBe(7);
  });

  it('carries the Table 3 settings of level 0 and level 3 into the function environment', () => {
    const address = 'module.foundation.aws_lambda_function.config_manager';
    expect(environmentOf(level0, address)).toMatchObject({
      MATURITY_LEVEL: '0',
      ACTION_EXECUTION_ENABLED: 'false',
      GATING_REQUIRED_P1_P2: 'n/a',
      GATING_REQUIRED_P3_P4: 'n/a',
      DISPLAY_RECOMMENDATIONS: 'false',
      AUTO_REGRESSION_ENABLED: 'false',
      ACCURACY_THRESHOLD: 'n/a',
      MIN_CONFIDENCE_AUTO: 'n/a',
    });
    expect(environmentOf(level3, address)).toMatchObject({
      MATURITY_LEVEL: '3',
      ACTION_EXECUTION_ENABLED: 'true',
      GATING_REQUIRED_P1_P2: 'false',
      GATING_REQUIRED_P3_P4: 'false',
      DISPLAY_RECOMMENDATIONS: 'true',
      AUTO_REGRESSION_ENABLED: 'true',
      ACCURACY_THRESHOLD: '0.95',
      MIN_CONFIDENCE_AUTO: '0.80',
    });
  });

  it('derives the gating item, the action rules and the alarm sensitivity from the level', () => {
    const gating = (p: Plan) => JSON.parse(String(byAddress(p, 'module.foundation.aws_dynamodb_table_item.gating').item));
    expect(gating(level0)).toMatchObject({ maturity_level: { N: '0' }, gating_required_p1_p2: { S: 'n/a' } });
    expect(gating(level3)).toMatchObject({ maturity_level: { N: '3' }, min_confidence_auto: { S: '0.80' } });

    const rules = (p: Plan) => p.resource_changes.filter((r) => r.address.startsWith('module.actions.aws_cloudwatch_event_rule.action_requested'));
    expect(rules(level0).map((r) => r.change.after?.state)).toEqual(['DISABLED', 'DISABLED', 'DISABLED', 'DISABLED']);
    expect(rules(level3).map((r) => r.change.after?.state)).toEqual(['ENABLED', 'ENABLED', 'ENABLED', 'ENABLED']);

    const sweep = (p: Plan) => byAddress(p, 'module.foundation.aws_cloudwatch_event_rule.gating_sweep');
    expect(sweep(level0)).toMatchObject({ state: 'DISABLED', schedule_expression: 'rate(1 minute)', event_bus_name: 'default' });
    expect(sweep(level3)).toMatchObject({ state: 'ENABLED', schedule_expression: 'rate(1 minute)' });

    const periods = (p: Plan) => byAddress(p, 'module.observability.aws_cloudwatch_metric_alarm.error_rate').evaluation_periods;
    expect(periods(level0)).toBe(3);
    expect(periods(level3)).toBe(1);
    expect(byAddress(level3, 'module.observability.aws_cloudwatch_metric_alarm.throttles').threshold).toBe(1);
  });

  it('knows the permission boundary and the trail bucket policy at plan time, with their unconditional denies', () => {
    interface Statement { Sid?: string; Effect: string; Action?: string | string[]; Resource?: string | string[]; Principal?: unknown; Condition?: unknown }
    const statements = (address: string): Statement[] => {
      const policy = byAddress(level0, address).policy;
      expect(typeof policy).toBe('string'); // known, not "(known after apply)"
      return (JSON.parse(policy as string) as { Statement: Statement[] }).Statement;
    };
    const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
    const deniesOnAll = (st: Statement[], action: string) =>
      st.some((s) => s.Effect === 'Deny' && !s.Condition && list(s.Resource).includes('*') && list(s.Action).includes(action));

    const boundary = statements('module.foundation.aws_iam_policy.boundary');
    for (const action of ['sts:*', 'sts:AssumeRole', 'iam:*', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:CreatePolicyVersion', 'iam:DeleteRolePermissionsBoundary', 'cloudtrail:DeleteTrail', 'ec2:CreateVpc', 'ec2:DeleteVpc']) {
      expect(deniesOnAll(boundary, action), action).toBe(true);
    }
    const auditDeny = boundary.find((s) => s.Sid === 'DenyAuditTableChanges')!;
    expect(list(auditDeny.Resource)).toContain('arn:aws:dynamodb:us-east-1:111122223333:table/ztait-audit');
    expect(list(auditDeny.Action)).toEqual(expect.arrayContaining(['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteTable']));

    const bucket = statements('module.foundation.aws_s3_bucket_policy.trail');
    const deletes = bucket.find((s) => s.Sid === 'DenyLogDeletion')!;
    expect(deletes).toMatchObject({ Effect: 'Deny', Principal: '*' });
    expect(deletes.Condition).toBeUndefined();
    expect(list(deletes.Action)).toEqual(expect.arrayContaining(['s3:DeleteObject', 's3:DeleteObjectVersion']));
    expect(byAddress(level0, 'module.foundation.aws_s3_bucket_versioning.trail').versioning_configuration).toMatchObject([{ status: 'Enabled' }]);
  });

  it('plans the seeded policy items exactly as the ztait evaluator reads them (seed.test.ts parses those)', async () => {
    const inv = await loadHcl([EXAMPLE_DIR]);
    const evaluated = new Map(inv.resources.filter((r) => r.type === 'aws_dynamodb_table_item').map((r) => [r.address, unmarshall(JSON.parse(String(r.values.item)))]));
    const planned = new Map(
      level0.resource_changes.filter((r) => r.type === 'aws_dynamodb_table_item').map((r) => [r.address, unmarshall(JSON.parse(String(r.change.after?.item)))]),
    );
    expect(planned.size).toBe(7);
    expect(planned).toEqual(evaluated);
  });

  it('adds the two triage alarms the paper names to its five', () => {
    const guardrail = byAddress(level0, 'module.observability.aws_cloudwatch_metric_alarm.guardrail_trigger_rate');
    expect(guardrail).toMatchObject({ namespace: 'ZTAIT/Triage', metric_name: 'GuardrailIntervened', statistic: 'Average', threshold: 0.05, comparison_operator: 'GreaterThanThreshold', dimensions: null });
    const drift = byAddress(level0, 'module.observability.aws_cloudwatch_metric_alarm.confidence_drift');
    expect(drift).toMatchObject({ threshold: 0.1, comparison_operator: 'GreaterThanThreshold' });
    const queries = drift.metric_query as { id: string; expression: string; return_data: boolean; metric: { namespace: string; metric_name: string; stat: string; dimensions: unknown }[] }[];
    expect(queries.find((q) => q.return_data)?.expression).toBe('ABS(confidence - 0.75)');
    expect(queries.find((q) => q.id === 'confidence')?.metric[0]).toMatchObject({ namespace: 'ZTAIT/Triage', metric_name: 'Confidence', stat: 'Average', dimensions: null });
    expect(byAddress(level3, 'module.observability.aws_cloudwatch_metric_alarm.guardrail_trigger_rate').evaluation_periods).toBe(1);
  });

  it('runs every function on nodejs22.x', () => {
    const runtimes = level0.resource_changes.filter((r) => r.type === 'aws_lambda_function').map((r) => r.change.after?.runtime);
    expect(runtimes).toEqual(Array(7).fill('nodejs22.x'));
  });

  it('keeps the paper thresholds: error rate 5 %, P95 30 s, replay window 300 s', () => {
    expect(byAddress(level0, 'module.observability.aws_cloudwatch_metric_alarm.error_rate').threshold).toBe(5);
    expect(byAddress(level0, 'module.observability.aws_cloudwatch_metric_alarm.latency_p95').threshold).toBe(30000);
    const rotations = level0.resource_changes.filter((r) => r.type === 'aws_secretsmanager_secret_rotation');
    expect(rotations).toHaveLength(7);
    for (const r of rotations) {
      expect((r.change.after?.rotation_rules as { automatically_after_days: number }[])[0].automatically_after_days).toBeLessThanOrEqual(30);
    }
  });
});
