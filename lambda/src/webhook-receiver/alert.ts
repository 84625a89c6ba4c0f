import { createHash } from 'node:crypto';

/**
 * The parts of a source's payload the pipeline uses, picked from the common field names of
 * monitoring webhooks. Values are kept as received (bounded in size); the triage engine is where
 * they are sanitised for the model, so nothing here trusts or interprets their content.
 */

export interface NormalizedAlert {
  alertId: string;
  title: string;
  description: string;
  severity: string;
  service: string;
}

const MAX_FIELD = 16_000; // generous: triage truncates to its own limit after sanitising
const MAX_RAW_PAYLOAD = 64 * 1024;
const SAFE_ID = /^[A-Za-z0-9._:@/-]{1,200}$/;

function pick(payload: Record<string, unknown>, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    let v: unknown = payload;
    for (const part of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

/**
 * The alert id becomes part of a table key: ids outside a plain character set are replaced by
 * their hash, and an alert without one is identified by the hash of its body (so an identical
 * redelivery is still a duplicate).
 */
export function alertIdOf(payload: Record<string, unknown>, deliveryHeader: string | undefined, body: Buffer): string {
  const id = pick(payload, ['alertId', 'alert_id', 'id', 'alert.id', 'incident.id', 'event.id']) ?? deliveryHeader;
  if (id !== undefined && SAFE_ID.test(id)) return id;
  const basis = id !== undefined ? Buffer.from(id, 'utf8') : body;
  return `sha256-${createHash('sha256').update(basis).digest('hex')}`;
}

export function normalizeAlert(payload: Record<string, unknown>, deliveryHeader: string | undefined, body: Buffer): NormalizedAlert {
  const field = (paths: readonly string[]): string => (pick(payload, paths) ?? '').slice(0, MAX_FIELD);
  return {
    alertId: alertIdOf(payload, deliveryHeader, body),
    title: field(['title', 'summary', 'alert.title', 'incident.title', 'name', 'message']),
    description: field(['description', 'details', 'body', 'text', 'alert.description', 'incident.description']),
    severity: field(['severity', 'priority', 'level', 'alert.severity', 'incident.severity']),
    service: field(['service', 'component', 'resource', 'host', 'alert.service']),
  };
}

/** The original payload, forwarded to triage only when small enough for an EventBridge event. */
export function boundedPayload(payload: Record<string, unknown>, body: Buffer): Record<string, unknown> | undefined {
  return body.length <= MAX_RAW_PAYLOAD ? payload : undefined;
}
