import type { ActionRequest } from '../shared/actions.js';
import type { Integration, Severity } from '../shared/domain.js';
import { isSeverity } from '../shared/domain.js';

/**
 * The one call each integration makes, built from the action request and the integration's own
 * credentials. Every call carries the idempotency key (correlation id + action type) in the form
 * the target understands (PagerDuty dedup_key, ServiceNow correlation_id, an Idempotency-Key
 * header), so a retried call does not open a second incident there either.
 */

export interface HttpCall {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export interface CallResult {
  ok: boolean;
  /** The target's reference for what it created (ticket number, dedup key, message ts). */
  reference?: string;
  detail: string;
}

type Credentials = Record<string, unknown>;

function need(creds: Credentials, field: string, integration: Integration): string {
  const v = creds[field];
  if (typeof v !== 'string' || v.trim() === '') throw new Error(`the ${integration} secret lacks ${field}`);
  return v;
}

const severityOf = (s: string): Severity => (isSeverity(s) ? s : 'P1'); // unknown: treat as the most urgent
const PAGERDUTY_SEVERITY: Record<Severity, string> = { P1: 'critical', P2: 'error', P3: 'warning', P4: 'info', noise: 'info' };
const SERVICENOW_URGENCY: Record<Severity, string> = { P1: '1', P2: '1', P3: '2', P4: '3', noise: '3' };
const SERVICENOW_IMPACT: Record<Severity, string> = { P1: '1', P2: '2', P3: '2', P4: '3', noise: '3' };

/** Slack formats `<...>` as links and mentions (`<!channel>`); alert text must stay text. */
export const slackEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

export function buildCall(
  integration: Integration,
  endpoint: string,
  creds: Credentials,
  action: ActionRequest,
  idempotencyKey: string,
): HttpCall {
  const severity = severityOf(action.severity);
  const title = action.title.slice(0, 160) || '(no title)';
  switch (integration) {
    case 'servicenow': {
      const basic = Buffer.from(`${need(creds, 'username', integration)}:${need(creds, 'password', integration)}`).toString('base64');
      return {
        url: `${endpoint}/api/now/table/incident`,
        method: 'POST',
        headers: { ...JSON_HEADERS, authorization: `Basic ${basic}` },
        body: JSON.stringify({
          short_description: title,
          description: action.summary.slice(0, 4000),
          urgency: SERVICENOW_URGENCY[severity],
          impact: SERVICENOW_IMPACT[severity],
          correlation_id: idempotencyKey,
          correlation_display: 'ZTAIT',
        }),
      };
    }
    case 'pagerduty':
      return {
        url: endpoint,
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({
          routing_key: need(creds, 'routing_key', integration),
          event_action: 'trigger',
          dedup_key: idempotencyKey,
          payload: {
            summary: title,
            source: 'ztait',
            severity: PAGERDUTY_SEVERITY[severity],
            custom_details: { summary: action.summary.slice(0, 4000), correlation_id: action.correlation_id },
          },
        }),
      };
    case 'mim':
      return {
        url: endpoint,
        method: 'POST',
        headers: { ...JSON_HEADERS, authorization: `Bearer ${need(creds, 'token', integration)}`, 'idempotency-key': idempotencyKey },
        body: JSON.stringify({
          correlation_id: action.correlation_id,
          severity,
          title,
          summary: action.summary.slice(0, 4000),
          declared_by: action.requested_by,
        }),
      };
    case 'slack':
      return {
        url: endpoint,
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${need(creds, 'bot_token', integration)}` },
        body: JSON.stringify({
          channel: need(creds, 'channel', integration),
          text: slackEscape(`[ZTAIT ${severity}] ${title}\n${action.summary.slice(0, 2000)}\n(correlation ${action.correlation_id})`),
          unfurl_links: false,
          unfurl_media: false,
        }),
      };
  }
}

function parse(body: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body);
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Whether the target accepted the call. Slack answers 200 with `ok: false` on errors. */
export function interpret(integration: Integration, status: number, body: string): CallResult {
  const json = parse(body);
  if (status < 200 || status >= 300) return { ok: false, detail: `HTTP ${status}` };
  switch (integration) {
    case 'servicenow': {
      const number = (json.result as Record<string, unknown> | undefined)?.number;
      return { ok: true, detail: `HTTP ${status}`, ...(typeof number === 'string' ? { reference: number } : {}) };
    }
    case 'pagerduty':
      return { ok: true, detail: `HTTP ${status}`, ...(typeof json.dedup_key === 'string' ? { reference: json.dedup_key } : {}) };
    case 'slack':
      return json.ok === true
        ? { ok: true, detail: `HTTP ${status}`, ...(typeof json.ts === 'string' ? { reference: json.ts } : {}) }
        : { ok: false, detail: `slack error ${typeof json.error === 'string' ? json.error : 'unknown'}` };
    case 'mim':
      return { ok: true, detail: `HTTP ${status}`, ...(typeof json.id === 'string' ? { reference: json.id } : {}) };
  }
}
