import { describe, expect, it } from 'vitest';
import type { Resource } from '../../model/inventory.js';
import { Unknown, type ValueObject } from '../../model/value.js';
import { ZT_PLAN_2 } from './rule.js';
import { ZT_PLAN_3 } from '../zt-plan-3-maturity-approved/rule.js';
import { errors, failing, planInventory as inventory, planResource as resource } from '../../../test/support/builder.js';
import { ctxOf, load } from '../../../test/plan/helpers.js';

describe('ZT-PLAN-2: raising the maturity level by more than one step', () => {
  it('0 -> 2 fails ZT-PLAN-2 at the Lambda carrying MATURITY_LEVEL', async () => {
    const out = ZT_PLAN_2.evaluate(ctxOf(await load('maturity-0-2')));
    expect(failing(out)).toEqual(['aws_lambda_function.triage']);
    expect(out.findings[0]).toMatchObject({ attr: 'environment.variables.MATURITY_LEVEL' });
    expect(out.findings[0]?.message).toBe(
      'the plan raises the maturity level from L0 Shadow to L2 Supervised: 2 steps at once, skipping the entry criteria of L1 Assisted',
    );
  });

  it('0 -> 1 passes ZT-PLAN-2', async () => {
    const out = ZT_PLAN_2.evaluate(ctxOf(await load('maturity-0-1')));
    expect(out.findings).toEqual([]);
    expect(out.examined.map((e) => [e.status, e.observed])).toEqual([['pass', 'MATURITY_LEVEL 0 -> 1']]);
  });

  it('an unchanged level passes both; a plan that creates the functions raises nothing', async () => {
    for (const rule of [ZT_PLAN_2, ZT_PLAN_3]) {
      const same = rule.evaluate(ctxOf(await load('evidence-noop')));
      expect(same.findings).toEqual([]);
      expect(same.examined).toHaveLength(1);
      expect(rule.evaluate(ctxOf(await load('modules'))).reason).toMatch(/no deployed function carries a maturity level/);
    }
  });

  it('a level known only after apply falls back to the plan variable, else is an error', () => {
    const lambda = (after: ValueObject): Resource =>
      resource('aws_lambda_function.f', 'aws_lambda_function', after, ['update'], {
        environment: [{ variables: { MATURITY_LEVEL: '1' } }],
      });
    const unknownEnv = { environment: [{ variables: new Unknown('known after apply') }] };
    const withVar = inventory([lambda(unknownEnv)], { maturity_level: 3 });
    expect(ZT_PLAN_2.evaluate(ctxOf(withVar)).findings[0]?.message).toMatch(/from L1 Assisted to L3 Autonomous/);
    const without = ZT_PLAN_2.evaluate(ctxOf(inventory([lambda(unknownEnv)])));
    expect(errors(without)).toEqual(['aws_lambda_function.f']);
    expect(without.findings[0]?.message).toMatch(/cannot tell the maturity level after apply: .*known only after apply/);
  });
});
