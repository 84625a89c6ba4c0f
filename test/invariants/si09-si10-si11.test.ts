import { describe, expect, it } from 'vitest';
import { webhookHmac } from '../../src/rules/si-09-webhook-hmac/rule.js';
import { webhookReplay } from '../../src/rules/si-10-webhook-replay/rule.js';
import { dashboardJwt } from '../../src/rules/si-11-dashboard-jwt/rule.js';
import { Unknown, type ValueObject } from '../../src/model/value.js';
import { jsonencode, lines, opaque, ref, res, tpl } from './builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from './helpers.js';
import type { System } from './system.js';

const RECEIVER = 'module.ingestion.aws_lambda_function.function';
const vars = (s: System): ValueObject => ((s.fns.receiver.values.environment as ValueObject[])[0]!.variables as ValueObject);
const webhookRoute = (s: System, source: string, extra: ValueObject = {}) =>
  res('aws_apigatewayv2_route', 'webhook', { api_id: ref(s.api), route_key: `POST /webhooks/${source}`, authorization_type: 'NONE', target: tpl('integrations/', ref(s.integ.webhook)), ...extra }, { module: 'module.ingestion', key: source });

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
          message: 'webhook source datadog has no Secrets Manager secret of its own (no aws_secretsmanager_secret whose name or for_each key names "datadog")',
        });
      });

      it('a webhook route that does not target the receiver fails at its target; dashboard routes stay dashboard routes', () => {
        const rs = scenario(shape, (s) => {
          s.webhookRoutes[0]!.values.target = tpl('integrations/', ref(s.integ.dashboard));
        });
        expectOnly(rs, shape, { 'SI-9': 'fail' });
        expect(findingOn(run(webhookHmac, rs, shape), 'module.ingestion.aws_apigatewayv2_route.webhook["github"]')).toMatchObject({
          attr: 'target',
          message: 'webhook route POST /webhooks/github targets function ztait-config-manager, not the webhook receiver ztait-webhook-receiver',
        });
      });

      it('a receiver without the signature header, or with another algorithm, fails', () => {
        const noHeader = scenario(shape, (s) => {
          delete vars(s).SIGNATURE_HEADER;
        });
        expect(findingOn(run(webhookHmac, noHeader, shape), RECEIVER)).toMatchObject({
          attr: 'environment.variables',
          message: 'webhook receiver ztait-webhook-receiver is not configured for HMAC-SHA256 with X-Hub-Signature-256: no environment variable holds the header name X-Hub-Signature-256',
        });
        const sha1 = scenario(shape, (s) => {
          vars(s).SIGNATURE_ALGORITHM = 'sha1';
        });
        expect(findingOn(run(webhookHmac, sha1, shape), RECEIVER)).toMatchObject({
          attr: 'environment.variables.SIGNATURE_ALGORITHM',
          message: 'webhook receiver ztait-webhook-receiver is not configured for HMAC-SHA256 with X-Hub-Signature-256: SIGNATURE_ALGORITHM = "sha1" is not SHA-256',
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
      return [res('aws_apigatewayv2_route', 'webhooks', { api_id: ref(s.api), route_key: 'POST /webhooks/{source}', target: tpl('integrations/', ref(s.integ.webhook)) })];
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
    expect(findingOn(run(webhookHmac, target), 'module.ingestion.aws_apigatewayv2_route.webhook["github"]')).toMatchObject({ kind: 'error', attr: 'target' });
    const env = scenario('static', (s) => {
      s.fns.receiver.values.environment = [{ variables: opaque('merge(local.env, var.extra_env): var.extra_env has no value') }];
    });
    expect(run(webhookHmac, env).status).toBe('error');
    expect(run(webhookHmac, scenario('live'), 'live', { aws_apigatewayv2_route: 'apigateway:GET AccessDenied' }).status).toBe('error');
  });

  it('is not applicable without a webhook route', () => {
    expect(run(webhookHmac, [])).toMatchObject({ status: 'not_applicable', reason: 'no API Gateway route whose path starts with /webhook' });
  });
});

describe('SI-10 webhook replay prevented within 5 minutes', () => {
  for (const shape of SHAPES) {
    describe(shape, () => {
      it('passes the reference system', () => {
        const c = run(webhookReplay, scenario(shape), shape);
        expect(c.status).toBe('pass');
        expect(c.examined.map((e) => e.observed)).toEqual(['REPLAY_WINDOW_SECONDS = 300 s', 'ttl.enabled = true']);
      });

      it('a replay window of 600 s fails at the variable; only SI-10 fails', () => {
        const rs = scenario(shape, (s) => {
          vars(s).REPLAY_WINDOW_SECONDS = '600';
        });
        expectOnly(rs, shape, { 'SI-10': 'fail' });
        expect(findingOn(run(webhookReplay, rs, shape), RECEIVER)).toMatchObject({
          attr: 'environment.variables.REPLAY_WINDOW_SECONDS',
          message: 'REPLAY_WINDOW_SECONDS = "600" on webhook receiver ztait-webhook-receiver allows a replay window of 600 s (more than 300 s)',
        });
      });

      it('a dedup table without TTL fails; only SI-10 fails', () => {
        const rs = scenario(shape, (s) => {
          delete s.tables.dedup.values.ttl;
        });
        expectOnly(rs, shape, { 'SI-10': 'fail' });
        const f = findingOn(run(webhookReplay, rs, shape), 'module.foundation.aws_dynamodb_table.table["dedup"]');
        expect(f).toMatchObject({ kind: 'fail', key: 'ttl', message: 'dedup table ztait-dedup has no ttl block (ttl.enabled must be true)' });
        // the block's own path: located at a `dynamic "ttl"` when there is one, else at the resource
        expect(f.attr).toBe('ttl');
      });
    });
  }

  it('reads the unit from the name or the value', () => {
    const window = (name: string, value: string) =>
      run(webhookReplay, scenario('static', (s) => {
        delete vars(s).REPLAY_WINDOW_SECONDS;
        vars(s)[name] = value;
      }));
    expect(window('REPLAY_WINDOW_MINUTES', '5').status).toBe('pass');
    expect(window('REPLAY_WINDOW_MINUTES', '10').findings[0]!.message).toMatch(/allows a replay window of 600 s/);
    expect(window('REPLAY_TOLERANCE_MS', '300000').status).toBe('pass');
    expect(window('REPLAY_TOLERANCE_MS', '300001').status).toBe('fail');
    expect(window('replayWindow', '10m').status).toBe('fail');
    expect(window('REPLAY_WINDOW', 'five minutes').status).toBe('error');
  });

  it('a missing setting fails, an unknown one is error, ttl.enabled false fails at the attribute', () => {
    const missing = scenario('static', (s) => {
      delete vars(s).REPLAY_WINDOW_SECONDS;
    });
    expect(findingOn(run(webhookReplay, missing), RECEIVER).message).toBe(
      'webhook receiver ztait-webhook-receiver has no replay window setting (no environment variable whose name contains "replay")',
    );
    const unknown = scenario('static', (s) => {
      vars(s).REPLAY_WINDOW_SECONDS = opaque('var.replay_window has no value');
    });
    expect(run(webhookReplay, unknown)).toMatchObject({ status: 'error' });
    const off = scenario('static', (s) => {
      s.tables.dedup.values.ttl = [{ attribute_name: 'expires_at', enabled: false }];
    });
    expect(findingOn(run(webhookReplay, off), 'module.foundation.aws_dynamodb_table.table["dedup"]').attr).toBe('ttl.enabled');
  });

  it('reads an environment whose keys are known and some values are not (a plan)', () => {
    const rs = scenario('static', (s) => {
      const known = vars(s);
      s.fns.receiver.values.environment = [{ variables: new Unknown('environment.0.variables is known only after apply', { structure: { ...known, REPLAY_WINDOW_SECONDS: '900' } }) }];
    });
    expect(findingOn(run(webhookReplay, rs), RECEIVER).message).toMatch(/REPLAY_WINDOW_SECONDS = "900" .* 900 s/);
  });

  it('a TTL gap is error; no webhook route is not applicable', () => {
    expect(run(webhookReplay, scenario('live'), 'live', { 'aws_dynamodb_table.ttl': 'dynamodb:DescribeTimeToLive AccessDenied' }).status).toBe('error');
    expect(run(webhookReplay, []).status).toBe('not_applicable');
  });
});

describe('SI-11 dashboard routes require the OKTA JWT', () => {
  const ROUTE = 'module.foundation.aws_apigatewayv2_route.dashboard["incidents"]';
  for (const shape of SHAPES) {
    describe(shape, () => {
      it('passes the reference system', () => {
        const c = run(dashboardJwt, scenario(shape), shape);
        expect(c.status).toBe('pass');
        expect(c.examined.find((e) => e.resource.address === ROUTE)!.observed).toBe('GET /incidents: authorization_type = JWT, authorizer okta');
      });

      it('a dashboard route without JWT fails at authorization_type and authorizer_id; only SI-11 fails', () => {
        const rs = scenario(shape, (s) => {
          s.dashboardRoutes[0]!.values.authorization_type = 'NONE';
          delete s.dashboardRoutes[0]!.values.authorizer_id;
        });
        expectOnly(rs, shape, { 'SI-11': 'fail' });
        expect(lines(run(dashboardJwt, rs, shape))).toEqual([
          `fail ${ROUTE} authorization_type: dashboard route GET /incidents has authorization_type NONE (must be JWT)`,
          `fail ${ROUTE} authorizer_id: dashboard route GET /incidents has no authorizer_id`,
        ]);
      });

      it('an authorizer without issuer fails, and so does every route using it', () => {
        const rs = scenario(shape, (s) => {
          s.authorizer.values.jwt_configuration = [{ audience: ['api://ztait'] }];
        });
        const c = run(dashboardJwt, rs, shape);
        expect(findingOn(c, 'module.foundation.aws_apigatewayv2_authorizer.okta')).toMatchObject({ attr: 'jwt_configuration.issuer', message: 'authorizer okta has no issuer' });
        expect(findingOn(c, ROUTE).message).toBe('dashboard route GET /incidents uses authorizer okta, which is not a JWT authorizer with issuer and audience');
      });
    });
  }

  it('an API without any JWT authorizer fails at the API', () => {
    const rs = scenario('static', (s) => {
      s.authorizer.type = 'aws_apigatewayv2_deployment';
    });
    const c = run(dashboardJwt, rs);
    expect(c.status).toBe('fail');
    expect(findingOn(c, 'module.foundation.aws_apigatewayv2_api.main').message).toBe('API ztait-api has no aws_apigatewayv2_authorizer of type JWT with issuer and audience');
  });

  it('an authorizer collection gap is error', () => {
    const c = run(dashboardJwt, scenario('live'), 'live', { aws_apigatewayv2_authorizer: 'apigateway:GET AccessDenied' });
    expect(c).toMatchObject({ status: 'error', errors: ['aws_apigatewayv2_authorizer not collected: apigateway:GET AccessDenied'] });
  });

  it('an unknown authorization_type is error; no dashboard route is not applicable', () => {
    const rs = scenario('static', (s) => {
      s.dashboardRoutes[1]!.values.authorization_type = opaque('var.auth_type has no value');
    });
    expect(run(dashboardJwt, rs).status).toBe('error');
    const onlyHooks = scenario('static', (s) => {
      s.dashboardRoutes.length = 0;
    });
    expect(run(dashboardJwt, onlyHooks)).toMatchObject({ status: 'not_applicable' });
  });
});

describe('SI-10 when the tables could not be listed', () => {
  it('a missing dedup table is error, not fail, when the table listing failed', () => {
    const rs = scenario('live').filter((r) => r.type !== 'aws_dynamodb_table');
    const c = run(webhookReplay, rs, 'live', { aws_dynamodb_table: 'dynamodb:ListTables failed: AccessDenied (missing permission dynamodb:ListTables)' });
    expect(c.status).toBe('error');
    expect(c.findings.filter((f) => f.kind === 'fail')).toEqual([]);
    expect(findingOn(c, RECEIVER)).toMatchObject({ kind: 'error', message: expect.stringContaining('dynamodb:ListTables') });
  });
});
