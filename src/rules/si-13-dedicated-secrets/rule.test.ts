import { describe, expect, it } from 'vitest';
import { dedicatedSecrets } from './rule.js';
import type { ValueObject } from '../../model/value.js';
import { jsonencode, lines, ref, res } from '../../../test/support/builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from '../../../test/support/helpers.js';
import { allow, doc, type System } from '../../../test/support/system.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

const SLACK_FN = 'module.actions.aws_lambda_function.function["slack"]';
const SLACK_POLICY = 'module.actions.aws_iam_role_policy.policy["slack"]';
const SLACK_ROLE = 'module.actions.aws_iam_role.role["slack"]';

describe('SI-13 each integration uses a dedicated secret', () => {
  const grantSlack = (s: System, resource: unknown): void => {
    s.policyOf(s.roles.handlers.slack).values.policy = jsonencode(doc(allow('secretsmanager:GetSecretValue', resource as never)));
  };
  for (const shape of SHAPES) {
    describe(shape, () => {
      it('passes the reference system', () => {
        const c = run(dedicatedSecrets, scenario(shape), shape);
        expect(c.status).toBe('pass');
        expect(c.examined.find((e) => e.resource.address === SLACK_FN)!.observed).toBe(
          'integration slack; own secret ztait/integration/slack; its role may read no other secret',
        );
      });

      it('a handler role reading "*" fails, naming every secret; only SI-13 fails', () => {
        const rs = scenario(shape, (s) => grantSlack(s, '*'));
        expectOnly(rs, shape, { 'SI-13': 'fail' });
        const f = findingOn(run(dedicatedSecrets, rs, shape), shape === 'static' ? SLACK_POLICY : SLACK_ROLE);
        expect(f.message).toMatch(
          /lets role ztait-slack-handler read .*secret ztait\/integration\/pagerduty \(integration pagerduty\).*, every secret \("\*"\): it grants secretsmanager:GetSecretValue on \*$/,
        );
      });

      it("a handler role reading another integration's secret fails", () => {
        const rs = scenario(shape, (s) =>
          grantSlack(s, [ref(s.integrationSecrets.slack, 'arn'), ref(s.integrationSecrets.pagerduty, 'arn')]),
        );
        const f = findingOn(run(dedicatedSecrets, rs, shape), shape === 'static' ? SLACK_POLICY : SLACK_ROLE);
        expect(f.message).toMatch(
          /lets role ztait-slack-handler read secret ztait\/integration\/pagerduty \(integration pagerduty\): it grants secretsmanager:GetSecretValue on arn:aws:secretsmanager:.*ztait\/integration\/pagerduty/,
        );
      });

      it('two integrations sharing a secret fail on the secret; only SI-13 fails', () => {
        const rs = scenario(shape, (s) => {
          const shared = res(
            'aws_secretsmanager_secret',
            'shared',
            { name: 'ztait/integration/shared-token' },
            { module: 'module.actions' },
          );
          for (const i of ['slack', 'pagerduty'] as const) {
            ((s.fns.handlers[i].values.environment as ValueObject[])[0]!.variables as ValueObject).SECRET_ARN = ref(shared, 'arn');
            s.policyOf(s.roles.handlers[i]).values.policy = jsonencode(doc(allow('secretsmanager:GetSecretValue', ref(shared, 'arn'))));
          }
          const rotation = res(
            'aws_secretsmanager_secret_rotation',
            'shared',
            { secret_id: ref(shared), rotation_rules: [{ automatically_after_days: 7 }] },
            { module: 'module.actions' },
          );
          return [shared, rotation];
        });
        expectOnly(rs, shape, { 'SI-13': 'fail' });
        expect(lines(run(dedicatedSecrets, rs, shape))).toEqual([
          'fail module.actions.aws_secretsmanager_secret.shared: secret ztait/integration/shared-token is shared by integrations pagerduty, slack: each needs a dedicated secret',
        ]);
      });

      it("a handler whose environment refers to another integration's secret fails", () => {
        const rs = scenario(shape, (s) => {
          ((s.fns.handlers.slack.values.environment as ValueObject[])[0]!.variables as ValueObject).SECRET_ARN = ref(
            s.integrationSecrets.pagerduty,
            'arn',
          );
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
      res('aws_iam_role_policy_attachment', 'sm', {
        role: ref(s.roles.handlers.slack, 'name'),
        policy_arn: 'arn:aws:iam::aws:policy/SecretsManagerReadWrite',
      }),
    ]);
    const c = run(dedicatedSecrets, managed);
    expect(c.status).toBe('error');
    expect(c.findings.every((f) => f.kind === 'error' && f.resource.address === SLACK_ROLE)).toBe(true);
  });

  it('not applicable without handlers; an IAM gap is error', () => {
    expect(run(dedicatedSecrets, [res('aws_lambda_function', 'f', { function_name: 'ztait-triage' })]).status).toBe('not_applicable');
    expect(run(dedicatedSecrets, scenario('live'), 'live', { aws_iam_role: 'iam:ListRoles AccessDenied' }).errors).toEqual([
      'aws_iam_role not collected: iam:ListRoles AccessDenied',
    ]);
  });
});
