import { describe, expect, it } from 'vitest';
import { webhookHmac } from './rule.js';
import { dashboardJwt } from '../si-11-dashboard-jwt/rule.js';
import { Unknown, type ValueObject } from '../../model/value.js';
import { jsonencode, lines, opaque, ref, res, tpl } from '../../../test/support/builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from '../../../test/support/helpers.js';
import type { System } from '../../../test/support/system.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

const RECEIVER = 'module.ingestion.aws_lambda_function.function';
const vars = (s: System): ValueObject => (s.fns.receiver.values.environment as ValueObject[])[0]!.variables as ValueObject;
const webhookRoute = (s: System, source: string, extra: ValueObject = {}) =>
  res(
    'aws_apigatewayv2_route',
    'webhook',
    {
      api_id: ref(s.api),
      route_key: `POST /webhooks/${source}`,
      authorization_type: 'NONE',
      target: tpl('integrations/', ref(s.integ.webhook)),
      ...extra,
    },
    { module: 'module.ingestion', key: source },
  );

describe('SI-9 webhook sources validated via HMAC-SHA256', () => {
  for (const shape of SHAPES) {
    describe(shape, () => {
      it('passes the reference system, with each route and source as evidence', () => {
        const c = run(webhookHmac, scenario(shape), shape);
        expect(c.status).toBe('pass');
        expect(c.examined.map((e) => `${e.resource.address}: ${e.observed}`)).toEqual([
          'module.ingestion.aws_apigatewayv2_route.webhook["github"]: targets the webhook receiver ztait-webhook-receiver; source github: secret ztait/webhook/github',
          'module.ingestion.aws_apigatewayv2_route.webhook["pagerduty"]: targets the webhook receiver ztait-webhook-receiver; source pagerduty: secret ztait/webhook/pagerduty',
          `${RECEIVER}: signature header X-Hub-Signature-256 (SIGNATURE_HEADER); source github: secret ztait/webhook/github; source pagerduty: secret ztait/webhook/pagerduty`,
        ]);
      });

      it('a source without its own secret fails at its route; only SI-9 fails', () => {
        const rs = scenario(shape, (s) => [webhookRoute(s, 'datadog')]);
        expectOnly(rs, shape, { 'SI-9': 'fail' });
        const f = findingOn(run(webhookHmac, rs, shape), 'module.ingestion.aws_apigatewayv2_route.webhook["datadog"]');
        expect(f.attr).toBeUndefined(); // the route block (its for_each key names the source)
        expect(f).toMatchObject({
          kind: 'fail',
          message:
            'webhook source datadog has no Secrets Manager secret of its own (no aws_secretsmanager_secret whose name or for_each key names "datadog")',
        });
      });

      it('a webhook route that does not target the receiver fails at its target; dashboard routes stay dashboard routes', () => {
        const rs = scenario(shape, (s) => {
          s.webhookRoutes[0]!.values.target = tpl('integrations/', ref(s.integ.dashboard));
        });
        expectOnly(rs, shape, { 'SI-9': 'fail' });
        expect(findingOn(run(webhookHmac, rs, shape), 'module.ingestion.aws_apigatewayv2_route.webhook["github"]')).toMatchObject({
          attr: 'target',
          message:
            'webhook route POST /webhooks/github targets function ztait-config-manager, not the webhook receiver ztait-webhook-receiver',
        });
      });

      it('a receiver without the signature header, or with another algorithm, fails', () => {
        const noHeader = scenario(shape, (s) => {
          delete vars(s).SIGNATURE_HEADER;
        });
        expect(findingOn(run(webhookHmac, noHeader, shape), RECEIVER)).toMatchObject({
          attr: 'environment.variables',
          message:
            'webhook receiver ztait-webhook-receiver is not configured for HMAC-SHA256 with X-Hub-Signature-256: no environment variable holds the header name X-Hub-Signature-256',
        });
        const sha1 = scenario(shape, (s) => {
          vars(s).SIGNATURE_ALGORITHM = 'sha1';
        });
        expect(findingOn(run(webhookHmac, sha1, shape), RECEIVER)).toMatchObject({
          attr: 'environment.variables.SIGNATURE_ALGORITHM',
          message:
            'webhook receiver ztait-webhook-receiver is not configured for HMAC-SHA256 with X-Hub-Signature-256: SIGNATURE_ALGORITHM = "sha1" is not SHA-256',
        });
      });

      it('a source secret the receiver does not refer to fails at the receiver', () => {
        const rs = scenario(shape, (s) => {
          vars(s).WEBHOOK_SECRET_ARNS = jsonencode({ github: ref(s.webhookSecrets.github, 'arn') });
        });
        expect(lines(run(webhookHmac, rs, shape))).toEqual([
          `fail ${RECEIVER} environment.variables: webhook receiver ztait-webhook-receiver is not configured with the secret of source pagerduty (ztait/webhook/pagerduty): no environment variable refers to it`,
        ]);
      });
    });
  }

  it('two sources sharing one secret fail on the secret', () => {
    const rs = scenario('static', (s) => {
      s.webhookSecrets.github.values.name = 'ztait/webhook/github-pagerduty';
      s.webhookSecrets.pagerduty.values.name = 'ztait/webhook/unused';
      s.webhookSecrets.pagerduty.index = 'unused';
      s.webhookSecrets.pagerduty.address = 'module.ingestion.aws_secretsmanager_secret.webhook["unused"]';
    });
    expect(findingOn(run(webhookHmac, rs), 'module.ingestion.aws_secretsmanager_secret.webhook["github"]').message).toBe(
      'secret ztait/webhook/github-pagerduty is shared by webhook sources github, pagerduty: each source needs its own',
    );
  });

  it('a parametric route POST /webhooks/{source} needs secrets in the receiver configuration', () => {
    const param = (s: System) => {
      s.webhookRoutes.length = 0;
      return [
        res('aws_apigatewayv2_route', 'webhooks', {
          api_id: ref(s.api),
          route_key: 'POST /webhooks/{source}',
          target: tpl('integrations/', ref(s.integ.webhook)),
        }),
      ];
    };
    expect(run(webhookHmac, scenario('static', param)).status).toBe('pass');
    const none = scenario('static', (s) => {
      delete vars(s).WEBHOOK_SECRET_ARNS;
      return param(s);
    });
    expect(lines(run(webhookHmac, none))).toEqual([
      `fail ${RECEIVER} environment.variables: webhook receiver ztait-webhook-receiver refers to no Secrets Manager secret: each webhook source needs its own secret in its configuration`,
    ]);
  });

  it('a route_key known only as a pattern still classifies the route', () => {
    const rs = scenario('static', (s) => {
      s.webhookRoutes[0]!.values.route_key = new Unknown('each.key is unknown', { pattern: 'POST /webhooks/*' });
      s.dashboardRoutes[0]!.values.route_key = new Unknown('var.path has no value', { pattern: 'GET /incidents/*' });
    });
    expect(run(webhookHmac, rs).status).toBe('pass');
    expect(run(dashboardJwt, rs).status).toBe('pass');
    const opaqueKey = scenario('static', (s) => {
      s.dashboardRoutes[0]!.values.route_key = new Unknown('var.route has no value', { pattern: '* /*' });
      s.dashboardRoutes[0]!.values.authorization_type = 'NONE';
    });
    expect(findingOn(run(dashboardJwt, opaqueKey), 'module.foundation.aws_apigatewayv2_route.dashboard["incidents"]').kind).toBe('error');
  });

  it('an unresolvable target is error; an unknown environment is error; a route gap is error', () => {
    const target = scenario('static', (s) => {
      s.webhookRoutes[0]!.values.target = opaque('module.api.integration_id (remote module not fetched)');
    });
    expect(findingOn(run(webhookHmac, target), 'module.ingestion.aws_apigatewayv2_route.webhook["github"]')).toMatchObject({
      kind: 'error',
      attr: 'target',
    });
    const env = scenario('static', (s) => {
      s.fns.receiver.values.environment = [{ variables: opaque('merge(local.env, var.extra_env): var.extra_env has no value') }];
    });
    expect(run(webhookHmac, env).status).toBe('error');
    // a plan shows a map known only after apply (jsonencode of secret ARNs) as a list of unknowns: not "no environment"
    const planned = scenario('static', (s) => {
      s.fns.receiver.values.environment = [{ variables: [opaque('known after apply'), opaque('known after apply')] }];
    });
    expect(run(webhookHmac, planned).status).toBe('error');
    expect(run(webhookHmac, scenario('live'), 'live', { aws_apigatewayv2_route: 'apigateway:GET AccessDenied' }).status).toBe('error');
  });

  it('is not applicable without a webhook route', () => {
    expect(run(webhookHmac, [])).toMatchObject({
      status: 'not_applicable',
      reason: 'no API Gateway route whose path starts with /webhook',
    });
  });
});
