import { GetApisCommand, GetAuthorizersCommand, GetIntegrationsCommand, GetRoutesCommand } from '@aws-sdk/client-apigatewayv2';
import { inScope, type InventoryTerm } from '../builder.js';
import { mapApi, mapAuthorizer, mapIntegration, mapRoute, type ApiScope } from '../map/apigateway.js';
import { allPages, attempt, tokenPages, type CollectContext } from './context.js';

const API_TYPES: InventoryTerm[] = [
  'aws_apigatewayv2_api',
  'aws_apigatewayv2_route',
  'aws_apigatewayv2_integration',
  'aws_apigatewayv2_authorizer',
];
const PAGE = '100';

/** HTTP and WebSocket APIs in the namespace with their routes, integrations and authorizers. */
export async function collectApis(ctx: CollectContext): Promise<void> {
  const { apigw } = ctx.clients;
  const scope: ApiScope = { region: ctx.region, partition: ctx.partition };
  const apis = await attempt(() =>
    allPages(
      ctx,
      'apigateway:GetApis',
      tokenPages((NextToken) => apigw.send(new GetApisCommand({ NextToken, MaxResults: PAGE }))),
      (p) => p.Items,
    ),
  );
  if (!apis.ok) {
    ctx.out.gap(API_TYPES, apis.failure);
    return;
  }
  const scoped = apis.value.filter((a) => inScope(a.Name, a.Tags, ctx.prefix));
  await Promise.all(
    scoped.map(async (api) => {
      const ApiId = api.ApiId ?? '';
      ctx.out.add(mapApi(api, scope));
      const [routes, integrations, authorizers] = await Promise.all([
        attempt(() =>
          allPages(
            ctx,
            'apigateway:GetRoutes',
            tokenPages((NextToken) => apigw.send(new GetRoutesCommand({ ApiId, NextToken, MaxResults: PAGE }))),
            (p) => p.Items,
          ),
        ),
        attempt(() =>
          allPages(
            ctx,
            'apigateway:GetIntegrations',
            tokenPages((NextToken) => apigw.send(new GetIntegrationsCommand({ ApiId, NextToken, MaxResults: PAGE }))),
            (p) => p.Items,
          ),
        ),
        attempt(() =>
          allPages(
            ctx,
            'apigateway:GetAuthorizers',
            tokenPages((NextToken) => apigw.send(new GetAuthorizersCommand({ ApiId, NextToken, MaxResults: PAGE }))),
            (p) => p.Items,
          ),
        ),
      ]);
      if (routes.ok) routes.value.forEach((r) => ctx.out.add(mapRoute(ApiId, r, scope)));
      else ctx.out.gap(['aws_apigatewayv2_route'], routes.failure);
      if (integrations.ok) integrations.value.forEach((i) => ctx.out.add(mapIntegration(ApiId, i, scope)));
      else ctx.out.gap(['aws_apigatewayv2_integration'], integrations.failure);
      if (authorizers.ok) authorizers.value.forEach((a) => ctx.out.add(mapAuthorizer(ApiId, a, scope)));
      else ctx.out.gap(['aws_apigatewayv2_authorizer'], authorizers.failure);
    }),
  );
}
