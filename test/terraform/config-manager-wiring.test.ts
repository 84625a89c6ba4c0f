// (7) What the config manager's code serves, Terraform wires: every route its
// router handles is a JWT-protected dashboard route of the API (and no route
// reaches it that it does not handle), and the gating timeout schedule invokes
// it with the event its sweep recognises.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROUTES } from '../../lambda/src/config-manager/api.js';
import { isScheduledEvent } from '../../lambda/src/config-manager/sweep.js';
import { exampleTree, moduleCallsOf, parseModule, resourcesOf, TERRAFORM_DIR, unwrap, variablesOf } from './support.js';

const FOUNDATION = join(TERRAFORM_DIR, 'modules', 'foundation');

describe('config manager wiring', () => {
  it('routes exactly the requests its router handles, each behind the JWT authorizer', async () => {
    const parsed = await parseModule(FOUNDATION);
    const routes = variablesOf(parsed).find((v) => v.name === 'dashboard_routes');
    expect(routes?.hasDefault).toBe(true);
    expect([...(routes!.default as string[])].sort()).toEqual(Object.keys(ROUTES).sort());

    // the example keeps the default
    const [root] = await exampleTree();
    const foundationCall = moduleCallsOf(root!.parsed).find((c) => c.name === 'foundation')!;
    expect(foundationCall.block.dashboard_routes).toBeUndefined();

    const route = resourcesOf(parsed, 'managed').find((r) => r.type === 'aws_apigatewayv2_route' && r.name === 'dashboard')!;
    expect(unwrap(route.block.for_each!)).toBe('var.dashboard_routes');
    expect(route.block.authorization_type).toBe('JWT');
    expect(unwrap(route.block.authorizer_id!)).toBe('aws_apigatewayv2_authorizer.okta.id');
    expect(unwrap(route.block.target!)).toMatch(/aws_apigatewayv2_integration\.config_manager\.id/);
  });

  it('invokes the gating sweep on a schedule with the event the sweep expects', async () => {
    const parsed = await parseModule(FOUNDATION);
    const managed = resourcesOf(parsed, 'managed');
    const rule = managed.find((r) => r.type === 'aws_cloudwatch_event_rule' && r.name === 'gating_sweep')!;
    expect(unwrap(rule.block.schedule_expression!)).toBe('var.gating_sweep_schedule');
    // schedules run on the default bus only
    expect(rule.block.event_bus_name).toBeUndefined();
    const schedule = variablesOf(parsed).find((v) => v.name === 'gating_sweep_schedule')!;
    expect(schedule.default).toBe('rate(1 minute)');

    const target = managed.find((r) => r.type === 'aws_cloudwatch_event_target' && r.name === 'gating_sweep')!;
    expect(unwrap(target.block.arn!)).toBe('aws_lambda_function.config_manager.arn');
    // no input override: EventBridge delivers its own Scheduled Event
    for (const key of ['input', 'input_path', 'input_transformer']) expect(target.block[key], key).toBeUndefined();
    expect(isScheduledEvent({ version: '0', id: 'x', 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2025-01-01T00:00:00Z', resources: [], detail: {} })).toBe(true);

    const permission = managed.find((r) => r.type === 'aws_lambda_permission' && r.name === 'config_manager_schedule')!;
    expect(permission.block.principal).toBe('events.amazonaws.com');
    expect(unwrap(permission.block.source_arn!)).toBe('aws_cloudwatch_event_rule.gating_sweep.arn');
  });
});
