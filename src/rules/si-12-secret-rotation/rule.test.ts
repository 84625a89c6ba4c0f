import { describe, expect, it } from 'vitest';
import { secretRotation, scheduleInterval } from './rule.js';
import type { ValueObject } from '../../model/value.js';
import { lines, opaque } from '../../../test/support/builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from '../../../test/support/helpers.js';
import type { System } from '../../../test/support/system.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

const SLACK_SECRET = 'module.actions.aws_secretsmanager_secret.integration["slack"]';
const SLACK_ROTATION = 'module.actions.aws_secretsmanager_secret_rotation.rotation["slack"]';
const rules = (s: System, i: number): ValueObject => (s.rotations[i]!.values.rotation_rules as ValueObject[])[0]!;
const slackIndex = (s: System) => s.rotations.findIndex((r) => r.index === 'slack');

describe('SI-12 secrets rotate automatically', () => {
  for (const shape of SHAPES) {
    describe(shape, () => {
      it('passes the reference system', () => {
        const c = run(secretRotation, scenario(shape), shape);
        expect(c.status).toBe('pass');
        expect(new Set(c.examined.map((e) => e.observed))).toEqual(new Set(['automatically_after_days = 30']));
        expect(c.examined).toHaveLength(6);
      });

      it('rotation every 90 days fails at automatically_after_days; only SI-12 fails', () => {
        const rs = scenario(shape, (s) => {
          rules(s, slackIndex(s)).automatically_after_days = 90;
        });
        expectOnly(rs, shape, { 'SI-12': 'fail' });
        expect(findingOn(run(secretRotation, rs, shape), SLACK_ROTATION)).toMatchObject({
          attr: 'rotation_rules.automatically_after_days',
          message: 'secret ztait/integration/slack rotates every 90 days (automatically_after_days = 90, more than 30)',
        });
      });

      it('a secret without rotation fails on the secret', () => {
        const rs = scenario(shape, (s) => {
          s.rotations.splice(slackIndex(s), 1);
        });
        expect(lines(run(secretRotation, rs, shape))).toEqual([
          `fail ${SLACK_SECRET}: secret ztait/integration/slack has no aws_secretsmanager_secret_rotation: it never rotates automatically`,
        ]);
      });

      it('reads schedule expressions', () => {
        const withExpr = (e: string) =>
          run(
            secretRotation,
            scenario(shape, (s) => {
              const r = rules(s, slackIndex(s));
              delete r.automatically_after_days;
              r.schedule_expression = e;
            }),
            shape,
          );
        expect(withExpr('rate(30 days)').status).toBe('pass');
        expect(withExpr('rate(12 hours)').status).toBe('pass');
        expect(withExpr('cron(0 0 1 * ? *)').status).toBe('pass');
        expect(findingOn(withExpr('rate(45 days)'), SLACK_ROTATION)).toMatchObject({
          attr: 'rotation_rules.schedule_expression',
          message:
            'secret ztait/integration/slack rotates less often than every 30 days: schedule_expression "rate(45 days)" is every 45 days',
        });
        expect(findingOn(withExpr('cron(0 0 1 1/3 ? *)'), SLACK_ROTATION).message).toMatch(/runs only in month\(s\) JAN, APR, JUL, OCT$/);
        expect(withExpr('every month').status).toBe('error');
      });
    });
  }

  it('schedule intervals', () => {
    expect(scheduleInterval('cron(0 4 ? JAN-DEC MON *)')).toEqual({ kind: 'ok' });
    expect(scheduleInterval('cron(0 4 ? JAN,JUL MON *)')).toMatchObject({ kind: 'too-long' });
    expect(scheduleInterval('cron(0 4 1 * ? 2027)')).toMatchObject({ kind: 'too-long', why: 'runs only in year(s) 2027' });
    expect(scheduleInterval('cron(0 4 1 * ?)')).toMatchObject({ kind: 'undecidable' });
    expect(scheduleInterval('rate(1 day)')).toEqual({ kind: 'ok' });
  });

  it('unknown days are error; a rotation whose secret_id cannot be resolved makes unrotated secrets error', () => {
    const unknown = scenario('static', (s) => {
      rules(s, slackIndex(s)).automatically_after_days = opaque('var.rotation_days has no value');
    });
    expect(findingOn(run(secretRotation, unknown), SLACK_ROTATION)).toMatchObject({
      kind: 'error',
      message: 'automatically_after_days of secret ztait/integration/slack is unknown: var.rotation_days has no value',
    });
    const floating = scenario('static', (s) => {
      s.rotations[slackIndex(s)]!.values.secret_id = opaque('module.secrets.slack_id (remote module not fetched)');
    });
    const c = run(secretRotation, floating);
    expect(c.status).toBe('error');
    expect(findingOn(c, SLACK_SECRET).message).toMatch(
      /cannot tell whether secret ztait\/integration\/slack rotates: the secret_id of .* cannot be resolved/,
    );
  });

  it('a secrets gap is error; no secret is not applicable', () => {
    expect(
      run(secretRotation, scenario('live'), 'live', { aws_secretsmanager_secret: 'secretsmanager:ListSecrets AccessDenied' }).status,
    ).toBe('error');
    expect(run(secretRotation, [])).toMatchObject({ status: 'not_applicable', reason: 'no aws_secretsmanager_secret in the inventory' });
  });
});
