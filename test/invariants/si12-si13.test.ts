import { describe, expect, it } from 'vitest';
import { secretRotation, scheduleInterval } from '../../src/rules/si-12-secret-rotation/rule.js';
import { dedicatedSecrets } from '../../src/rules/si-13-dedicated-secrets/rule.js';
import type { ValueObject } from '../../src/model/value.js';
import { jsonencode, lines, opaque, ref, res } from './builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from './helpers.js';
import { allow, doc, type System } from './system.js';

const SLACK_SECRET = 'module.actions.aws_secretsmanager_secret.integration["slack"]';
const SLACK_ROTATION = 'module.actions.aws_secretsmanager_secret_rotation.rotation["slack"]';
const SLACK_FN = 'module.actions.aws_lambda_function.function["slack"]';
const SLACK_POLICY = 'module.actions.aws_iam_role_policy.policy["slack"]';
const SLACK_ROLE = 'module.actions.aws_iam_role.role["slack"]';
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
          run(secretRotation, scenario(shape, (s) => {
            const r = rules(s, slackIndex(s));
            delete r.automatically_after_days;
            r.schedule_expression = e;
          }), shape);
        expect(withExpr('rate(30 days)').status).toBe('pass');
        expect(withExpr('rate(12 hours)').status).toBe('pass');
        expect(withExpr('cron(0 0 1 * ? *)').status).toBe('pass');
        expect(findingOn(withExpr('rate(45 days)'), SLACK_ROTATION)).toMatchObject({
          attr: 'rotation_rules.schedule_expression',
          message: 'secret ztait/integration/slack rotates less often than every 30 days: schedule_expression "rate(45 days)" is every 45 days',
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
    expect(findingOn(run(secretRotation, unknown), SLACK_ROTATION)).toMatchObject({ kind: 'error', message: 'automatically_after_days of secret ztait/integration/slack is unknown: var.rotation_days has no value' });
    const floating = scenario('static', (s) => {
      s.rotations[slackIndex(s)]!.values.secret_id = opaque('module.secrets.slack_id (remote module not fetched)');
    });
    const c = run(secretRotation, floating);
    expect(c.status).toBe('error');
    expect(findingOn(c, SLACK_SECRET).message).toMatch(/cannot tell whether secret ztait\/integration\/slack rotates: the secret_id of .* cannot be resolved/);
  });

  it('a secrets gap is error; no secret is not applicable', () => {
    expect(run(secretRotation, scenario('live'), 'live', { 'secretsmanager:ListSecrets': 'AccessDenied' }).status).toBe('error');
    expect(run(secretRotation, [])).toMatchObject({ status: 'not_applicable', reason: 'no aws_secretsmanager_secret in the inventory' });
  });
});

describe('SI-13 each integration uses a dedicated secret', () => {
  const grantSlack = (s: System, resource: unknown): void => {
    s.policyOf(s.roles.handlers.slack).values.policy = jsonencode(doc(allow('secretsmanager:GetSecretValue', resource as never)));
  };
  for (const shape of SHAPES) {
    describe(shape, () => {
      it('passes the reference system', () => {
        const c = run(dedicatedSecrets, scenario(shape), shape);
        expect(c.status).toBe('pass');
        expect(c.examined.find((e) => e.resource.address === SLACK_FN)!.observed).toBe('integration slack; own secret ztait/integration/slack; its role may read no other secret');
      });

      it('a handler role reading "*" fails, naming every secret; only SI-13 fails', () => {
        const rs = scenario(shape, (s) => grantSlack(s, '*'));
        expectOnly(rs, shape, { 'SI-13': 'fail' });
        const f = findingOn(run(dedicatedSecrets, rs, shape), shape === 'static' ? SLACK_POLICY : SLACK_ROLE);
        expect(f.message).toMatch(/lets role ztait-slack-handler read .*secret ztait\/integration\/pagerduty \(integration pagerduty\).*, every secret \("\*"\): it grants secretsmanager:GetSecretValue on \*$/);
      });

      it('a handler role reading another integration\'s secret fails', () => {
        const rs = scenario(shape, (s) => grantSlack(s, [ref(s.integrationSecrets.slack, 'arn'), ref(s.integrationSecrets.pagerduty, 'arn')]));
        const f = findingOn(run(dedicatedSecrets, rs, shape), shape === 'static' ? SLACK_POLICY : SLACK_ROLE);
        expect(f.message).toMatch(/lets role ztait-slack-handler read secret ztait\/integration\/pagerduty \(integration pagerduty\): it grants secretsmanager:GetSecretValue on arn:aws:secretsmanager:.*ztait\/integration\/pagerduty/);
      });

      it('two integrations sharing a secret fail on the secret; only SI-13 fails', () => {
        const rs = scenario(shape, (s) => {
          const shared = res('aws_secretsmanager_secret', 'shared', { name: 'ztait/integration/shared-token' }, { module: 'module.actions' });
          for (const i of ['slack', 'pagerduty'] as const) {
            ((s.fns.handlers[i].values.environment as ValueObject[])[0]!.variables as ValueObject).SECRET_ARN = ref(shared, 'arn');
            s.policyOf(s.roles.handlers[i]).values.policy = jsonencode(doc(allow('secretsmanager:GetSecretValue', ref(shared, 'arn'))));
          }
          const rotation = res('aws_secretsmanager_secret_rotation', 'shared', { secret_id: ref(shared), rotation_rules: [{ automatically_after_days: 7 }] }, { module: 'module.actions' });
          return [shared, rotation];
        });
        expectOnly(rs, shape, { 'SI-13': 'fail' });
        expect(lines(run(dedicatedSecrets, rs, shape))).toEqual([
          'fail module.actions.aws_secretsmanager_secret.shared: secret ztait/integration/shared-token is shared by integrations pagerduty, slack: each needs a dedicated secret',
        ]);
      });

      it('a handler whose environment refers to another integration\'s secret fails', () => {
        const rs = scenario(shape, (s) => {
          ((s.fns.handlers.slack.values.environment as ValueObject[])[0]!.variables as ValueObject).SECRET_ARN = ref(s.integrationSecrets.pagerduty, 'arn');
        });
        expect(lines(run(dedicatedSecrets, rs, shape))).toEqual([
          `fail ${SLACK_FN} environment.variables: handler ztait-slack-handler (slack) refers to secret ztait/integration/pagerduty of integration pagerduty`,
        ]);
      });
    });
  }

  it('an unresolvable role or a policy not in the inventory is error', () => {
    const role = scenario('static', (s) => {
      s.fns.handlers.slack.values.role = 'arn:aws:iam::111122223333:role/elsewhere';
    });
    expect(findingOn(run(dedicatedSecrets, role), SLACK_FN)).toMatchObject({ kind: 'error', attr: 'role' });
    const managed = scenario('static', (s) => [
      res('aws_iam_role_policy_attachment', 'sm', { role: ref(s.roles.handlers.slack, 'name'), policy_arn: 'arn:aws:iam::aws:policy/SecretsManagerReadWrite' }),
    ]);
    const c = run(dedicatedSecrets, managed);
    expect(c.status).toBe('error');
    expect(c.findings.every((f) => f.kind === 'error' && f.resource.address === SLACK_ROLE)).toBe(true);
  });

  it('not applicable without handlers; an IAM gap is error', () => {
    expect(run(dedicatedSecrets, [res('aws_lambda_function', 'f', { function_name: 'ztait-triage' })]).status).toBe('not_applicable');
    expect(run(dedicatedSecrets, scenario('live'), 'live', { aws_iam_role: 'iam:ListRoles AccessDenied' }).errors).toEqual(['aws_iam_role not collected: iam:ListRoles AccessDenied']);
  });
});
