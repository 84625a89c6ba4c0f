import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../shared/clock.js';

/**
 * Idempotency key = correlation id + action type. The incident item (incidents table, which the
 * handler may GetItem/UpdateItem) carries one attribute per action type, claimed with a
 * conditional UpdateItem: only the first delivery of an action runs it; a redelivery after success
 * is acknowledged without calling the target again. A claim can be retaken when the earlier
 * attempt failed, went to the fallback queue, or stayed in progress past the function timeout.
 */

export type ActionStatus = 'in_progress' | 'succeeded' | 'failed' | 'queued';
export type ClaimResult = { kind: 'claimed'; token: string } | { kind: 'done' } | { kind: 'busy' } | { kind: 'unknown_incident' };

export const STALE_CLAIM_MS = 60_000; // the handler's timeout is 30 s

export const idempotencyKey = (correlationId: string, actionType: string): string => `${correlationId}#${actionType}`;
const attribute = (actionType: string): string => `action_${actionType}`;

export class ActionLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly newToken: () => string,
  ) {}

  async claim(correlationId: string, actionType: string): Promise<ClaimResult> {
    const now = this.clock.now();
    const token = this.newToken();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { incident_id: correlationId },
          UpdateExpression: 'SET #a = :claim',
          ConditionExpression:
            'attribute_exists(incident_id) AND (attribute_not_exists(#a) OR #a.#s IN (:failed, :queued) OR (#a.#s = :busy AND #a.claimed_at < :stale))',
          ExpressionAttributeNames: { '#a': attribute(actionType), '#s': 'status' },
          ExpressionAttributeValues: {
            ':claim': { idempotency_key: idempotencyKey(correlationId, actionType), status: 'in_progress', claimed_at: now, token },
            ':failed': 'failed',
            ':queued': 'queued',
            ':busy': 'in_progress',
            ':stale': now - STALE_CLAIM_MS,
          },
        }),
      );
      return { kind: 'claimed', token };
    } catch (e) {
      if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
    }
    // Why the claim was refused: read the item (a consistent read after the failed condition).
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { incident_id: correlationId }, ConsistentRead: true }));
    if (!out.Item) return { kind: 'unknown_incident' };
    const previous = out.Item[attribute(actionType)] as { status?: unknown } | undefined;
    return previous?.status === 'succeeded' ? { kind: 'done' } : { kind: 'busy' };
  }

  /** Records the outcome under our claim; a failed or queued action flags the incident for human review. */
  async complete(
    correlationId: string,
    actionType: string,
    token: string,
    status: Exclude<ActionStatus, 'in_progress'>,
    detail: { reference?: string; reason: string },
  ): Promise<void> {
    const review = status !== 'succeeded';
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { incident_id: correlationId },
        UpdateExpression: review ? 'SET #a = :result, #st = :review, review_reason = :reason' : 'SET #a = :result',
        ConditionExpression: '#a.#t = :token',
        ExpressionAttributeNames: { '#a': attribute(actionType), '#t': 'token', ...(review ? { '#st': 'status' } : {}) },
        ExpressionAttributeValues: {
          ':token': token,
          ':result': {
            idempotency_key: idempotencyKey(correlationId, actionType),
            status,
            completed_at: this.clock.now(),
            token,
            reason: detail.reason,
            ...(detail.reference ? { reference: detail.reference } : {}),
          },
          ...(review ? { ':review': 'human_review', ':reason': `${actionType} ${status}: ${detail.reason}` } : {}),
        },
      }),
    );
  }
}
