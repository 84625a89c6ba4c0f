// (4) The example's resource inventory against the paper's: at least 47
// managed resources, 7 Lambda functions, 7 IAM roles, 7 tables, the paper's 5
// operational alarms plus the 2 it names on the triage metrics (7 alarms).
// Instances are counted statically: count / for_each sized from terraform.tfvars.
import { describe, expect, it } from 'vitest';
import { countByType, evaluate, exampleTree, instanceAddresses, instanceCount, type ModuleNode } from './support.js';

describe('resource inventory of examples/complete', () => {
  it('matches the paper', async () => {
    const tree = await exampleTree();
    const counts = countByType(tree);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const width = Math.max(...[...counts.keys()].map((k) => k.length));
    console.log(
      ['resource instances by type (examples/complete, from terraform.tfvars):', ...[...counts].map(([type, n]) => `  ${type.padEnd(width)}  ${n}`), `  ${'total'.padEnd(width)}  ${total}`].join('\n'),
    );
    expect(total).toBeGreaterThanOrEqual(47);
    expect(counts.get('aws_lambda_function')).toBe(7);
    expect(counts.get('aws_iam_role')).toBe(7);
    expect(counts.get('aws_dynamodb_table')).toBe(7);
    // the paper's 5 alarms (error rate, latency P95, throttling, DynamoDB read and
    // write capacity) and its 2 triage alarms (guardrail trigger rate, confidence drift)
    expect(instanceAddresses(tree, 'aws_cloudwatch_metric_alarm')).toEqual([
      'module.observability.aws_cloudwatch_metric_alarm.confidence_drift',
      'module.observability.aws_cloudwatch_metric_alarm.dynamodb_capacity["read"]',
      'module.observability.aws_cloudwatch_metric_alarm.dynamodb_capacity["write"]',
      'module.observability.aws_cloudwatch_metric_alarm.error_rate',
      'module.observability.aws_cloudwatch_metric_alarm.guardrail_trigger_rate',
      'module.observability.aws_cloudwatch_metric_alarm.latency_p95',
      'module.observability.aws_cloudwatch_metric_alarm.throttles',
    ]);
    // Terraform's gating#maturity item and the seeded defaults: 3 policy documents,
    // the escalation rule set and the 2 trust inputs
    expect(instanceAddresses(tree, 'aws_dynamodb_table_item')).toEqual([
      'module.foundation.aws_dynamodb_table_item.escalation_seed',
      'module.foundation.aws_dynamodb_table_item.gating',
      'module.foundation.aws_dynamodb_table_item.policy_seed["decision-matrix"]',
      'module.foundation.aws_dynamodb_table_item.policy_seed["gating-rules"]',
      'module.foundation.aws_dynamodb_table_item.policy_seed["suppression-rules"]',
      'module.foundation.aws_dynamodb_table_item.trust_seed["trust.environmental_context"]',
      'module.foundation.aws_dynamodb_table_item.trust_seed["trust.historical_accuracy"]',
    ]);
    // alert.received, one action rule per integration, the gating timeout schedule
    expect(counts.get('aws_cloudwatch_event_rule')).toBe(6);
    // every role carries its least-privilege policy and the baseline
    expect(counts.get('aws_iam_role_policy')).toBe(7);
    expect(counts.get('aws_iam_role_policy_attachment')).toBe(7);
    // one log group per function plus the API access log
    expect(counts.get('aws_cloudwatch_log_group')).toBe(8);
    // 3 webhook sources + 4 integrations, each secret rotated
    expect(counts.get('aws_secretsmanager_secret')).toBe(7);
    expect(counts.get('aws_secretsmanager_secret_rotation')).toBe(7);
    expect(counts.get('aws_subnet')).toBe(6);
    expect(counts.get('aws_vpc_endpoint')).toBe(4);
  });

  it('refuses to guess what it cannot evaluate', () => {
    const node: ModuleNode = { name: 'x', dir: 'x', parsed: [], vars: new Map([['n', () => 3]]), locals: {} };
    expect(() => instanceCount({ count: '${length(var.n)}' }, node)).toThrow(/length\(\) of a scalar/);
    expect(() => instanceCount({ for_each: '${var.n}' }, node)).toThrow(/neither a map nor a set/);
    expect(() => evaluate('${module.foundation.tables}', node)).toThrow(/cannot evaluate/);
    expect(() => evaluate('${var.missing}', node)).toThrow(/not declared/);
    expect(instanceCount({ for_each: '${toset(["a", "b", "a"])}' }, node)).toBe(2);
    expect(instanceCount({}, node)).toBe(1);
  });
});
