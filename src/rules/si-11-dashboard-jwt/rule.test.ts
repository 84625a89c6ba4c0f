import { describe, expect, it } from 'vitest';
import { dashboardJwt } from './rule.js';
import { lines, opaque } from '../../../test/support/builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from '../../../test/support/helpers.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

describe('SI-11 dashboard routes require the OKTA JWT', () => {
  const ROUTE = 'module.foundation.aws_apigatewayv2_route.dashboard["incidents"]';
  for (const shape of SHAPES) {
    describe(shape, () => {
      it('passes the reference system', () => {
        const c = run(dashboardJwt, scenario(shape), shape);
        expect(c.status).toBe('pass');
        expect(c.examined.find((e) => e.resource.address === ROUTE)!.observed).toBe(
          'GET /incidents: authorization_type = JWT, authorizer okta',
        );
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
        expect(findingOn(c, 'module.foundation.aws_apigatewayv2_authorizer.okta')).toMatchObject({
          attr: 'jwt_configuration.issuer',
          message: 'authorizer okta has no issuer',
        });
        expect(findingOn(c, ROUTE).message).toBe(
          'dashboard route GET /incidents uses authorizer okta, which is not a JWT authorizer with issuer and audience',
        );
      });
    });
  }

  it('an API without any JWT authorizer fails at the API', () => {
    const rs = scenario('static', (s) => {
      s.authorizer.type = 'aws_apigatewayv2_deployment';
    });
    const c = run(dashboardJwt, rs);
    expect(c.status).toBe('fail');
    expect(findingOn(c, 'module.foundation.aws_apigatewayv2_api.main').message).toBe(
      'API ztait-api has no aws_apigatewayv2_authorizer of type JWT with issuer and audience',
    );
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
