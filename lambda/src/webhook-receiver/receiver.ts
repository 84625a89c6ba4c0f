import { randomUUID } from 'node:crypto';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { AuditSink } from '../shared/audit.js';
import { TtlCache } from '../shared/cache.js';
import type { Clock } from '../shared/clock.js';
import { EVENTS } from '../shared/domain.js';
import { publish } from '../shared/events.js';
import { header, json, rawBody, type HttpEvent, type HttpResult } from '../shared/http.js';
import { describeError, type Logger } from '../shared/log.js';
import type { SecretCache } from '../shared/secrets.js';
import { boundedPayload, normalizeAlert } from './alert.js';
import type { ReceiverConfig } from './config.js';
import { SIGNATURE_HEADER } from './config.js';
import { Deduplicator } from './dedup.js';
import { checkTimestamp } from './replay.js';
import { hmacKeyFromSecret, verifySignature } from './signature.js';
import { findSuppression, parseSuppressionRules, SUPPRESSION_POLICY_ID, type SuppressionRule } from '../shared/suppression.js';

/**
 * The webhook receiver, in the order the controls apply:
 *   source known -> body size -> signature (401) -> timestamp (401) -> parse (400)
 *   -> dedup (duplicate: 200; first delivery still in flight: 503) -> suppression (200, audited with the rule id) -> audit + publish (202).
 * Nothing reads the payload before the signature is verified. Unauthenticated rejections are logged
 * but not audited (an unauthenticated caller must not be able to fill the audit table). When a
 * dependency fails the answer is 503, so that the sender retries later; the alert is never
 * acknowledged unless it was published, suppressed or already seen.
 */

export const MAX_BODY_BYTES = 1024 * 1024;
const RULES_TTL_MS = 30_000;
const ACTOR = 'ztait-webhook-receiver';

export interface ReceiverDeps {
  config: ReceiverConfig;
  secrets: SecretCache;
  doc: DynamoDBDocumentClient;
  events: EventBridgeClient;
  audit: AuditSink;
  clock: Clock;
  log: Logger;
  newCorrelationId?: () => string;
}

const unauthorized = (): HttpResult => json(401, { error: 'unauthorized' });
const unavailable = (): HttpResult => json(503, { error: 'temporarily unavailable, retry later' });

export function createReceiver(deps: ReceiverDeps): (event: HttpEvent) => Promise<HttpResult> {
  const { config, clock, log } = deps;
  const dedup = new Deduplicator(deps.doc, config.dedupTable, clock, config.dedupTtlSeconds);
  const rulesCache = new TtlCache<SuppressionRule[]>(clock, RULES_TTL_MS);
  const newCorrelationId = deps.newCorrelationId ?? (() => randomUUID());

  /** The source's acceptable HMAC keys: the current one, plus the previous one shortly after a rotation. */
  async function keysFor(secretArn: string): Promise<Buffer[]> {
    const current = await deps.secrets.get(secretArn, 'AWSCURRENT');
    if (!current) throw new Error('webhook secret has no current version');
    const keys = [hmacKeyFromSecret(current.value)];
    if (current.createdAt !== undefined && clock.now() - current.createdAt < config.rotationGraceSeconds * 1000) {
      const previous = await deps.secrets.get(secretArn, 'AWSPREVIOUS');
      if (previous) keys.push(hmacKeyFromSecret(previous.value));
    }
    return keys;
  }

  async function loadRules(): Promise<SuppressionRule[]> {
    return rulesCache.get('rules', async () => {
      const out = await deps.doc.send(new GetCommand({ TableName: config.policiesTable, Key: { policy_id: SUPPRESSION_POLICY_ID } }));
      const { rules, rejected } = parseSuppressionRules(out.Item?.rules);
      for (const r of rejected) log.warn('suppression rule rejected', { rule_id: r.ruleId, reason: r.reason });
      return rules;
    });
  }

  return async function receive(event: HttpEvent): Promise<HttpResult> {
    const source = event.pathParameters?.source ?? event.rawPath?.split('/').filter(Boolean).pop() ?? '';
    const secretArn = Object.hasOwn(config.secretArns, source) ? config.secretArns[source] : undefined;
    if (!secretArn) {
      log.warn('webhook rejected', { reason: 'unknown_source', source: source.slice(0, 64) });
      return unauthorized();
    }
    const body = rawBody(event);
    if (body.length > MAX_BODY_BYTES) return json(413, { error: 'payload too large' });

    let keys: Buffer[];
    try {
      keys = await keysFor(secretArn);
    } catch (e) {
      log.error('webhook secret unavailable', { source, error: describeError(e) });
      return unavailable();
    }
    const signature = verifySignature(body, header(event, SIGNATURE_HEADER), keys);
    if (!signature.ok) {
      log.warn('webhook rejected', { reason: `signature_${signature.reason}`, source });
      return unauthorized();
    }
    const timestamp = checkTimestamp(header(event, config.timestampHeader), clock.now(), config.replayWindowSeconds);
    if (!timestamp.ok) {
      log.warn('webhook rejected', { reason: `timestamp_${timestamp.reason}`, source });
      return unauthorized();
    }

    // Authenticated from here on.
    let payload: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      payload = parsed as Record<string, unknown>;
    } catch {
      log.warn('webhook rejected', { reason: 'payload_not_json_object', source });
      return json(400, { error: 'payload must be a JSON object' });
    }
    const alert = normalizeAlert(payload, header(event, 'X-GitHub-Delivery') ?? header(event, 'X-Alert-Id'), body);

    let claim;
    try {
      claim = await dedup.claim(source, alert.alertId, newCorrelationId());
    } catch (e) {
      log.error('dedup unavailable', { source, error: describeError(e) });
      return unavailable();
    }
    if (claim.status === 'duplicate' && claim.inFlight) {
      // Not acknowledged yet: if that earlier attempt dies, this retry must be able to take over.
      log.info('duplicate while the first delivery is in flight', { source, alert_id: alert.alertId });
      return unavailable();
    }
    if (claim.status === 'duplicate') {
      log.info('duplicate acknowledged', { source, alert_id: alert.alertId });
      return json(200, { status: 'duplicate' });
    }
    const { correlationId, claimedAt } = claim;

    try {
      let rules: SuppressionRule[] = [];
      try {
        rules = await loadRules();
      } catch (e) {
        // Without the rules nothing is suppressed: more alerts reach triage, none is dropped.
        log.warn('suppression rules unavailable, not suppressing', { error: describeError(e) });
      }
      const match = findSuppression(rules, { source, title: alert.title }, clock.now());
      for (const ruleId of match.timedOut)
        log.warn('suppression rule exceeded its time budget, treated as not matching', { rule_id: ruleId });
      if (match.ruleId) {
        await deps.audit.record({
          correlationId,
          actor: ACTOR,
          event: 'ingestion.suppressed',
          decision: 'suppressed',
          reasoning: `suppression rule ${match.ruleId} matched`,
          details: { source, alert_id: alert.alertId, rule_id: match.ruleId },
        });
        await dedup.settle(source, alert.alertId, correlationId, 'suppressed', claimedAt);
        log.info('alert suppressed', { source, alert_id: alert.alertId, rule_id: match.ruleId, correlation_id: correlationId });
        return json(200, { status: 'suppressed', rule_id: match.ruleId, correlation_id: correlationId });
      }

      await deps.audit.record({
        correlationId,
        actor: ACTOR,
        event: 'ingestion.accepted',
        decision: 'published',
        reasoning: 'signature and timestamp verified, first delivery, no suppression rule matched',
        details: { source, alert_id: alert.alertId },
      });
      const rawPayload = boundedPayload(payload, body);
      await publish(deps.events, config.eventBus, EVENTS.alertReceived.source, EVENTS.alertReceived.detailType, {
        correlation_id: correlationId,
        source,
        received_at: new Date(clock.now()).toISOString(),
        alert,
        ...(rawPayload ? { payload: rawPayload } : { payload_omitted: true }),
      });
      await dedup.settle(source, alert.alertId, correlationId, 'published', claimedAt);
      log.info('alert published', { source, alert_id: alert.alertId, correlation_id: correlationId });
      return json(202, { status: 'accepted', correlation_id: correlationId });
    } catch (e) {
      log.error('alert processing failed', { source, alert_id: alert.alertId, correlation_id: correlationId, error: describeError(e) });
      try {
        await dedup.settle(source, alert.alertId, correlationId, 'failed', claimedAt);
      } catch (inner) {
        // The claim then goes stale after STALE_CLAIM_SECONDS and a retry can take it over.
        log.error('could not release dedup claim', { error: describeError(inner) });
      }
      return unavailable();
    }
  };
}
