import type { Api, Authorizer, Integration, Route } from '@aws-sdk/client-apigatewayv2';
import type { ValueObject } from '../../../model/value.js';
import { identified, type LiveResourceSpec } from '../builder.js';

/*
 * API Gateway parts are addressed by their AWS ids (`aws_apigatewayv2_route.a1b2c3d`): ids are unique
 * within a region, and an instance key built from the route key would read as a for_each key.
 */

/** Where an API lives, for ARNs (`arn:aws:apigateway:<region>::/apis/<id>`). */
export interface ApiScope {
  region: string;
  partition: string;
}

const apiArn = (s: ApiScope, path: string): string => `arn:${s.partition}:apigateway:${s.region}::${path}`;

/** A route, integration or authorizer of an API: addressed by its id, ARN under the API's path. */
function apiPart(type: string, apiId: string, kind: string, id: string, s: ApiScope, values: ValueObject): LiveResourceSpec {
  return identified(type, id, apiArn(s, `/apis/${apiId}/${kind}/${id}`), { api_id: apiId, ...values });
}

export function mapApi(a: Api, s: ApiScope): LiveResourceSpec {
  const id = a.ApiId ?? '';
  const arn = apiArn(s, `/apis/${id}`);
  return identified('aws_apigatewayv2_api', id, arn, {
    name: a.Name ?? null,
    protocol_type: a.ProtocolType ?? null,
    api_endpoint: a.ApiEndpoint ?? null,
    tags: { ...(a.Tags ?? {}) },
  });
}

export function mapRoute(apiId: string, r: Route, s: ApiScope): LiveResourceSpec {
  const id = r.RouteId ?? '';
  return apiPart('aws_apigatewayv2_route', apiId, 'routes', id, s, {
    route_key: r.RouteKey ?? null,
    authorization_type: r.AuthorizationType ?? 'NONE',
    authorizer_id: r.AuthorizerId ?? null,
    authorization_scopes: [...(r.AuthorizationScopes ?? [])],
    api_key_required: r.ApiKeyRequired ?? false,
    target: r.Target ?? null,
  });
}

/**
 * The function a Lambda proxy integration invokes, as its unqualified ARN: HTTP APIs accept the
 * function ARN itself or the `apigateway:...:lambda:path/.../functions/<arn>/invocations` URI, with
 * or without an alias or version.
 */
export function integrationFunctionArn(uri: string | undefined): string | null {
  if (!uri) return null;
  const wrapped = /^arn:[^:]+:apigateway:[^:]*:lambda:path\/[^/]+\/functions\/(arn:[^/]+)\/invocations$/.exec(uri);
  const fn = wrapped ? wrapped[1]! : uri;
  const m = /^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+)(?::[^:]+)?$/.exec(fn);
  return m ? m[1]! : null;
}

export function mapIntegration(apiId: string, i: Integration, s: ApiScope): LiveResourceSpec {
  const id = i.IntegrationId ?? '';
  const fnArn = integrationFunctionArn(i.IntegrationUri);
  return apiPart('aws_apigatewayv2_integration', apiId, 'integrations', id, s, {
    integration_type: i.IntegrationType ?? null,
    // Normalised to the function ARN so the route -> integration -> function chain resolves.
    integration_uri: fnArn ?? i.IntegrationUri ?? null,
    integration_method: i.IntegrationMethod ?? null,
    payload_format_version: i.PayloadFormatVersion ?? null,
    connection_type: i.ConnectionType ?? null,
  });
}

export function mapAuthorizer(apiId: string, a: Authorizer, s: ApiScope): LiveResourceSpec {
  const id = a.AuthorizerId ?? '';
  const jwt = a.JwtConfiguration;
  return apiPart('aws_apigatewayv2_authorizer', apiId, 'authorizers', id, s, {
    name: a.Name ?? null,
    authorizer_type: a.AuthorizerType ?? null,
    identity_sources: [...(a.IdentitySource ?? [])],
    authorizer_uri: a.AuthorizerUri ?? null,
    jwt_configuration: jwt ? [{ issuer: jwt.Issuer ?? null, audience: [...(jwt.Audience ?? [])] }] : [],
  });
}
