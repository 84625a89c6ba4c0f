import { randomUUID } from 'node:crypto';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ActionRequest } from '../shared/actions.js';
import type { AuditSink } from '../shared/audit.js';
import type { Clock } from '../shared/clock.js';
import { CORRELATION_ID, EVENTS, INTEGRATION_ACTIONS } from '../shared/domain.js';
import { publish, type BusEvent } from '../shared/events.js';
import { describeError, type Logger } from '../shared/log.js';
import type { Maturity } from '../shared/maturity.js';
import { secretJson, type SecretCache } from '../shared/secrets.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { ActionConfig } from './config.js';
import { ActionLedger } from './idempotency.js';
import { buildCall, interpret, type HttpCall } from './integrations.js';

/**
 * An action handler: performs one integration's action for an `action.requested` event.
 *   envelope and addressing checks -> maturity (no execution below L2) -> idempotency claim
 *   -> circuit breaker (open: fallback queue) -> own secret -> the call -> outcome, audit.
 * A refused, failed or queued action is audited and the incident is flagged for human review.
 * Only the secret named by INTEGRATION_SECRET_ARN is ever read; nothing in the event can name another.
 */

export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

export interface ActionDeps {
  config: ActionConfig;
  maturity: Maturity | Error;
  secrets: SecretCache;
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
  events: EventBridgeClient;
  audit: AuditSink;
  clock: Clock;
  log: Logger;
  fetch: Fetch;
  breaker?: CircuitBreaker;
  newToken?: () => string;
}

export type ActionOutcome = 'refused' | 'duplicate' | 'succeeded' | 'queued';

/** Thrown for outcomes EventBridge should retry (the target failed, or another delivery is mid-way). */
export class RetryableActionError extends Error {
  override name = 'RetryableActionError';
}

export function createActionHandler(deps: ActionDeps): (event: BusEvent<Partial<ActionRequest>>) => Promise<ActionOutcome> {
  const { config, clock, log } = deps;
  const actor = `ztait-action-${config.integration}`;
  const actionType = INTEGRATION_ACTIONS[config.integration];
  const breaker =
    deps.breaker ?? new CircuitBreaker({ failureThreshold: config.failureThreshold, cooldownMs: config.cooldownSeconds * 1000 }, clock);
  const ledger = new ActionLedger(deps.doc, config.incidentsTable, clock, deps.newToken ?? (() => randomUUID()));
  const target = `${config.integration} ${config.endpointUrl}`;

  const audit = (correlationId: string, decision: string, reasoning: string, details: Record<string, unknown> = {}): Promise<void> =>
    deps.audit.record({
      correlationId,
      actor,
      event: 'action',
      decision,
      reasoning,
      details: { integration: config.integration, action_type: actionType, ...details },
    });

  async function call(request: ActionRequest, key: string): Promise<{ ok: boolean; reference?: string; detail: string }> {
    const secret = await deps.secrets.get(config.secretArn);
    if (!secret) throw new Error('integration secret has no current version');
    const http: HttpCall = buildCall(
      config.integration,
      config.endpointUrl,
      secretJson(secret.value, `${config.integration} secret`),
      request,
      key,
    );
    try {
      const res = await deps.fetch(http.url, {
        method: http.method,
        headers: http.headers,
        body: http.body,
        signal: AbortSignal.timeout(config.requestTimeoutMs),
      });
      return interpret(config.integration, res.status, await res.text());
    } catch (e) {
      return { ok: false, detail: `request failed: ${describeError(e)}` };
    }
  }

  async function toFallback(request: ActionRequest, reason: string): Promise<void> {
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: config.fallbackQueueUrl,
        MessageBody: JSON.stringify({ reason, request, queued_at: new Date(clock.now()).toISOString() }),
        MessageAttributes: { integration: { DataType: 'String', StringValue: config.integration } },
      }),
    );
  }

  return async function handle(event: BusEvent<Partial<ActionRequest>>): Promise<ActionOutcome> {
    const d = event.detail;
    const fromKnownSource =
      event.source === EVENTS.actionRequestedByTriage.source || event.source === EVENTS.actionRequestedByConfig.source;
    const correlationId = typeof d?.correlation_id === 'string' && CORRELATION_ID.test(d.correlation_id) ? d.correlation_id : undefined;
    if (!correlationId || !fromKnownSource || event['detail-type'] !== 'action.requested') {
      log.error('event refused', { reason: 'not a well-formed action.requested event', event_id: event.id });
      await audit(`malformed-event#${String(event.id ?? 'unknown').slice(0, 80)}`, 'refused', 'not a well-formed action.requested event');
      return 'refused';
    }
    const refuse = async (reason: string): Promise<ActionOutcome> => {
      log.warn('action refused', { correlation_id: correlationId, reason });
      await audit(correlationId, 'refused', reason);
      return 'refused';
    };
    if (d!.integration !== config.integration || d!.action_type !== actionType) {
      return refuse(
        `addressed to ${String(d!.integration)}/${String(d!.action_type)}, this handler is ${config.integration}/${actionType}`,
      );
    }
    if (deps.maturity instanceof Error) return refuse(`maturity settings unusable: ${deps.maturity.message}`);
    if (!deps.maturity.actionExecutionEnabled)
      return refuse(`maturity L${deps.maturity.level} (${deps.maturity.name}) does not execute actions`);

    const request: ActionRequest = {
      correlation_id: correlationId,
      integration: config.integration,
      action_type: actionType,
      severity: String(d!.severity ?? ''),
      title: String(d!.title ?? ''),
      summary: String(d!.summary ?? ''),
      requested_by: String(d!.requested_by ?? 'unknown'),
      requested_at: String(d!.requested_at ?? ''),
    };

    const claim = await ledger.claim(correlationId, actionType);
    if (claim.kind === 'unknown_incident') return refuse('no such incident');
    if (claim.kind === 'done') {
      log.info('duplicate action acknowledged', { correlation_id: correlationId, action_type: actionType });
      return 'duplicate';
    }
    if (claim.kind === 'busy') throw new RetryableActionError(`${actionType} for ${correlationId} is in progress elsewhere`);

    if (!breaker.tryAcquire(target)) {
      await toFallback(request, 'circuit_open');
      await ledger.complete(correlationId, actionType, claim.token, 'queued', { reason: 'circuit open: routed to the fallback queue' });
      await audit(correlationId, 'queued', `circuit open for ${config.integration}: routed to the fallback queue`);
      return 'queued';
    }

    let result: { ok: boolean; reference?: string; detail: string };
    try {
      result = await call(request, `${correlationId}#${actionType}`);
    } catch (e) {
      // Our own dependency (the secret) failed, not the target: the breaker is not charged.
      breaker.release(target);
      const reason = `cannot prepare the call: ${describeError(e)}`;
      await ledger.complete(correlationId, actionType, claim.token, 'failed', { reason });
      await audit(correlationId, 'failed', reason);
      throw new RetryableActionError(reason);
    }

    if (result.ok) {
      breaker.recordSuccess(target);
      await ledger.complete(correlationId, actionType, claim.token, 'succeeded', {
        reason: result.detail,
        ...(result.reference ? { reference: result.reference } : {}),
      });
      await audit(
        correlationId,
        'executed',
        `${config.integration} accepted the ${actionType} (${result.detail})`,
        result.reference ? { reference: result.reference } : {},
      );
      try {
        await publish(deps.events, config.eventBus, EVENTS.actionCompleted.source, EVENTS.actionCompleted.detailType, {
          correlation_id: correlationId,
          integration: config.integration,
          action_type: actionType,
          reference: result.reference,
        });
      } catch (e) {
        log.warn('could not publish action.completed', { correlation_id: correlationId, error: describeError(e) });
      }
      return 'succeeded';
    }

    breaker.recordFailure(target);
    if (breaker.state(target) === 'open') {
      await toFallback(request, `target failing: ${result.detail}`);
      await ledger.complete(correlationId, actionType, claim.token, 'queued', { reason: `${result.detail}; circuit opened` });
      await audit(correlationId, 'queued', `${config.integration} failed (${result.detail}); circuit opened: routed to the fallback queue`);
      return 'queued';
    }
    await ledger.complete(correlationId, actionType, claim.token, 'failed', { reason: result.detail });
    await audit(correlationId, 'failed', `${config.integration} failed: ${result.detail}`);
    throw new RetryableActionError(`${config.integration} failed: ${result.detail}`);
  };
}
