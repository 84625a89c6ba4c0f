import { describe, expect, it } from 'vitest';
import { ZT_PLAN_3 } from './rule.js';
import { ZT_PLAN_2 } from '../zt-plan-2-maturity-one-step/rule.js';
import { failing, planInventory as inventory, planResource as resource } from '../../../test/support/builder.js';
import { ctxOf, load } from '../../../test/plan/helpers.js';

describe('ZT-PLAN-3: raising the maturity level without a recorded approval', () => {
  it('0 -> 1 without an approval fails ZT-PLAN-3; with --approved-by it passes and says who', async () => {
    const inv = await load('maturity-0-1');
    const out = ZT_PLAN_3.evaluate(ctxOf(inv));
    expect(failing(out)).toEqual(['aws_lambda_function.triage']);
    expect(out.findings[0]?.message).toMatch(
      /raises the maturity level from L0 Shadow to L1 Assisted without a recorded approval \(--approved-by\)/,
    );
    const approved = ZT_PLAN_3.evaluate(ctxOf(inv, 'alice@example.com'));
    expect(approved.findings).toEqual([]);
    expect(approved.examined[0]?.observed).toBe('MATURITY_LEVEL 0 -> 1, approved by alice@example.com');
  });

  it('lowering the level is neither a jump nor a promotion', () => {
    const inv = inventory([
      resource('aws_lambda_function.f', 'aws_lambda_function', { environment: [{ variables: { MATURITY_LEVEL: '0' } }] }, ['update'], {
        environment: [{ variables: { MATURITY_LEVEL: '3' } }],
      }),
    ]);
    expect(ZT_PLAN_2.evaluate(ctxOf(inv)).findings).toEqual([]);
    expect(ZT_PLAN_3.evaluate(ctxOf(inv)).examined[0]?.observed).toBe('MATURITY_LEVEL 3 -> 0 (not raised)');
  });
});
