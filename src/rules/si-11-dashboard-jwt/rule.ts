/**
 * SI-11: dashboard routes require the OKTA JWT. Every route that is not a webhook route (see
 * pipeline.ts) is a dashboard route and must have `authorization_type = "JWT"` and an `authorizer_id`
 * designating an `aws_apigatewayv2_authorizer` of type JWT with an issuer and an audience; the API of
 * dashboard routes must have such an authorizer.
 */
import type { Resource } from '../../model/inventory.js';
import { RefObject, Unknown, show } from '../../model/value.js';
import { OutcomeBuilder, gapErrors, inScope, label, pipeline, readBlock, readList, readString, type RouteInfo } from '../lib/pipeline.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

const NEEDS = [
  'aws_apigatewayv2_api',
  'aws_apigatewayv2_route',
  'aws_apigatewayv2_authorizer',
  'aws_apigatewayv2_integration',
  'aws_lambda_function',
];

interface Problem {
  attr: string;
  message: string;
}

interface AuthorizerVerdict {
  authorizer: Resource;
  problems: Problem[];
  unknown: Problem[];
}

export const dashboardJwt: Rule = {
  id: 'SI-11',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    const out = new OutcomeBuilder(gapErrors(ctx, NEEDS));
    const p = pipeline(ctx);
    const routes = p.routes.filter((r) => r.kind !== 'webhook');
    if (routes.length === 0) return out.finish('no dashboard route (every API Gateway route is a webhook route, or there is none)');

    const authorizers = new Map(inScope(ctx, 'aws_apigatewayv2_authorizer').map((a) => [a.address, judgeAuthorizer(a)]));
    const apiOf = (v: Resource['values'][string] | undefined): string => {
      const api = ctx.index.resolve(v, ['aws_apigatewayv2_api']).resources[0];
      return api ? api.address : `?${show(v)}`;
    };

    // Each API serving dashboard routes needs a valid JWT authorizer.
    const apis = new Map<string, RouteInfo[]>();
    for (const r of routes) {
      if (r.kind !== 'dashboard') continue;
      const k = apiOf(r.route.values.api_id);
      apis.set(k, [...(apis.get(k) ?? []), r]);
    }
    for (const [apiKey, apiRoutes] of apis) {
      const api = apiKey.startsWith('?') ? undefined : ctx.index.byAddress(apiKey);
      const mine = [...authorizers.values()].filter((a) => apiOf(a.authorizer.values.api_id) === apiKey);
      const valid = mine.filter((a) => a.problems.length === 0 && a.unknown.length === 0);
      const subject = api ?? apiRoutes[0]!.route;
      const what = api ? `API ${label(api)}` : `the API of route ${apiRoutes[0]!.route.address}`;
      if (valid.length > 0) {
        if (api) out.examine(api, 'pass', `JWT authorizer ${valid.map((a) => label(a.authorizer)).join(', ')}`);
      } else if (mine.some((a) => a.problems.length === 0)) {
        for (const a of mine) for (const u of a.unknown) out.error(a.authorizer, u.message, u.attr, u.attr);
        if (api) out.examine(api, 'error', 'JWT authorizer undecidable');
      } else if (mine.length > 0) {
        for (const a of mine) for (const pr of a.problems) out.fail(a.authorizer, pr.message, pr.attr, pr.attr);
        if (api) out.examine(api, 'fail', 'no valid JWT authorizer');
      } else {
        out.fail(subject, `${what} has no aws_apigatewayv2_authorizer of type JWT with issuer and audience`, undefined, 'authorizer');
        if (api) out.examine(api, 'fail', 'authorizer = (none)');
      }
    }

    for (const r of routes) judgeRoute(ctx, out, r, authorizers);
    return out.finish('no dashboard route');
  },
};

function judgeAuthorizer(a: Resource): AuthorizerVerdict {
  const v: AuthorizerVerdict = { authorizer: a, problems: [], unknown: [] };
  const name = `authorizer ${label(a)}`;
  const type = readString(a.values.authorizer_type);
  if (type.kind === 'unknown')
    v.unknown.push({ attr: 'authorizer_type', message: `authorizer_type of ${name} is unknown: ${type.reason}` });
  else if (type.kind !== 'ok' || type.value !== 'JWT') {
    v.problems.push({
      attr: 'authorizer_type',
      message: `${name} has authorizer_type ${type.kind === 'ok' ? type.value : '(unset)'}, not JWT`,
    });
  }
  const cfg = readBlock(a.values.jwt_configuration);
  if (cfg.kind === 'unknown')
    v.unknown.push({ attr: 'jwt_configuration', message: `jwt_configuration of ${name} is unknown: ${cfg.reason}` });
  else if (cfg.kind === 'missing')
    v.problems.push({ attr: 'jwt_configuration', message: `${name} has no jwt_configuration (issuer and audience)` });
  else {
    const issuer = readString(cfg.value.issuer);
    if (issuer.kind === 'unknown')
      v.unknown.push({ attr: 'jwt_configuration.issuer', message: `issuer of ${name} is unknown: ${issuer.reason}` });
    else if (issuer.kind !== 'ok' || issuer.value.trim() === '')
      v.problems.push({ attr: 'jwt_configuration.issuer', message: `${name} has no issuer` });
    const aud = readList(cfg.value.audience);
    if (aud.kind === 'unknown')
      v.unknown.push({ attr: 'jwt_configuration.audience', message: `audience of ${name} is unknown: ${aud.reason}` });
    else if (aud.kind !== 'ok' || aud.value.filter((x) => x !== '' && x !== null).length === 0) {
      v.problems.push({ attr: 'jwt_configuration.audience', message: `${name} has no audience` });
    }
  }
  return v;
}

function judgeRoute(ctx: RuleContext, out: OutcomeBuilder, r: RouteInfo, authorizers: Map<string, AuthorizerVerdict>): void {
  const route = r.route;
  const key = r.method ? `${r.method} ${r.path}` : (r.path ?? route.address);
  const problems: Problem[] = [];
  const unknown: Problem[] = [];
  const type = readString(route.values.authorization_type);
  if (type.kind === 'unknown')
    unknown.push({ attr: 'authorization_type', message: `authorization_type of route ${key} is unknown: ${type.reason}` });
  else if (type.kind !== 'ok' || type.value !== 'JWT') {
    const shown = type.kind === 'ok' ? type.value : 'NONE (unset)';
    problems.push({ attr: 'authorization_type', message: `dashboard route ${key} has authorization_type ${shown} (must be JWT)` });
  }
  const id = route.values.authorizer_id;
  let authName = show(id);
  if (id === undefined || id === null || id === '') {
    problems.push({ attr: 'authorizer_id', message: `dashboard route ${key} has no authorizer_id` });
  } else {
    const a = ctx.index.resolve(id, ['aws_apigatewayv2_authorizer']).resources[0];
    const verdict = a ? authorizers.get(a.address) : undefined;
    if (verdict) authName = label(verdict.authorizer);
    if (!verdict) {
      const why = id instanceof Unknown || id instanceof RefObject ? 'cannot be resolved' : 'is not in the inventory';
      unknown.push({ attr: 'authorizer_id', message: `authorizer ${show(id)} of route ${key} ${why}` });
    } else if (verdict.problems.length > 0) {
      problems.push({
        attr: 'authorizer_id',
        message: `dashboard route ${key} uses authorizer ${label(verdict.authorizer)}, which is not a JWT authorizer with issuer and audience`,
      });
    } else if (verdict.unknown.length > 0) {
      unknown.push({
        attr: 'authorizer_id',
        message: `authorizer ${label(verdict.authorizer)} of route ${key} is undecidable: ${verdict.unknown[0]!.message}`,
      });
    }
  }
  if (r.kind === 'unknown' && (problems.length > 0 || unknown.length > 0)) {
    out.error(
      route,
      `cannot tell whether route ${route.address} is a webhook route (route_key ${r.keyUnknown}), and it is not protected by a JWT authorizer`,
      'route_key',
      'route_key',
    );
    out.examine(route, 'error', 'route_key unknown, no JWT');
    return;
  }
  for (const pr of problems) out.fail(route, pr.message, pr.attr, pr.attr);
  for (const u of unknown) out.error(route, u.message, u.attr, u.attr);
  out.examine(
    route,
    problems.length > 0 ? 'fail' : unknown.length > 0 ? 'error' : 'pass',
    problems.length > 0 || unknown.length > 0
      ? [...problems, ...unknown].map((x) => x.message).join('; ')
      : `${key}: authorization_type = JWT, authorizer ${authName}`,
  );
}
