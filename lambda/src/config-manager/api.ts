import { json, type HttpEvent, type HttpResult } from '../shared/http.js';
import { describeError } from '../shared/log.js';
import { HttpError, type ManagerDeps } from './context.js';
import { decideApproval, listIncidents, showIncident } from './incidents.js';
import { deleteSetting, getRuleSet, listSettings, putRuleSet, putSetting } from './settings.js';

/**
 * The dashboard API. API Gateway has already validated the OKTA JWT on every route (SI-11); the
 * handler still refuses a request without the token's subject (defence in depth, and the subject
 * is the actor every audit record names).
 */

export const isHttpEvent = (e: unknown): e is HttpEvent =>
  e !== null &&
  typeof e === 'object' &&
  typeof (e as HttpEvent).routeKey === 'string' &&
  (e as HttpEvent).requestContext?.http !== undefined;

function subject(event: HttpEvent): string | undefined {
  const sub = event.requestContext?.authorizer?.jwt?.claims?.sub;
  return typeof sub === 'string' && sub.trim() !== '' ? `user:${sub.trim().slice(0, 128)}` : undefined;
}

function body(event: HttpEvent): Record<string, unknown> {
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  if (text.length > 256 * 1024) throw new HttpError(413, 'body too large');
  try {
    const v: unknown = JSON.parse(text);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'body must be a JSON object');
}

type Route = (deps: ManagerDeps, event: HttpEvent, user: string) => Promise<unknown>;
const param = (event: HttpEvent, name: string): string => event.pathParameters?.[name] ?? '';

export const ROUTES: Record<string, Route> = {
  'GET /incidents': (d, e) => listIncidents(d, e.queryStringParameters ?? {}),
  'GET /incidents/{id}': (d, e) => showIncident(d, param(e, 'id')),
  'POST /approvals/{id}': (d, e, u) => decideApproval(d, param(e, 'id'), body(e), u),
  'GET /settings': (d) => listSettings(d),
  'PUT /settings': (d, e, u) => putSetting(d, body(e), u),
  'DELETE /settings/{key}': (d, e, u) => deleteSetting(d, param(e, 'key'), u),
  'GET /rules/{kind}': (d, e) => getRuleSet(d, param(e, 'kind')),
  'PUT /rules/{kind}': (d, e, u) => putRuleSet(d, param(e, 'kind'), body(e), u),
};

export async function handleApi(deps: ManagerDeps, event: HttpEvent): Promise<HttpResult> {
  const user = subject(event);
  if (!user) return json(401, { error: 'unauthorized' });
  const route = Object.hasOwn(ROUTES, event.routeKey ?? '') ? ROUTES[event.routeKey!] : undefined;
  if (!route) return json(404, { error: 'no such route' });
  try {
    return json(200, await route(deps, event, user));
  } catch (e) {
    if (e instanceof HttpError) return json(e.status, { error: e.message });
    deps.log.error('dashboard request failed', { route: event.routeKey, error: describeError(e) });
    return json(503, { error: 'temporarily unavailable' });
  }
}
