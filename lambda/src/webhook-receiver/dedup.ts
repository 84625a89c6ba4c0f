import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../shared/clock.js';

/**
 * SI-10 dedup: one conditional PutItem on `dedup#{source}#{alertId}` (the receiver's only right on
 * the table is PutItem). The first delivery claims the key; a repeat within the TTL (24 h,
 * attribute `expires_at`, which the table's TTL deletes) finds it and is acknowledged without
 * being processed again. A claim can be taken over only when its processing failed, or when it
 * stayed `pending` longer than any invocation can last (the function crashed mid-way): otherwise a
 * failed publish would be acknowledged as a duplicate on the sender's retry and the alert lost.
 */

export type DedupState = 'pending' | 'published' | 'suppressed' | 'failed';

export type Claim =
  | { status: 'new'; correlationId: string; claimedAt: number }
  /** `inFlight`: the earlier delivery is still being processed (its claim is pending and fresh). */
  | { status: 'duplicate'; inFlight: boolean };

/** Longer than the receiver's timeout (10 s), so only a dead invocation's claim is stale. */
export const STALE_CLAIM_SECONDS = 60;

export const dedupKey = (source: string, alertId: string): string => `dedup#${source}#${alertId}`;

export class Deduplicator {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  /** Claims the alert; a retried claim keeps the correlation id of the earlier attempt. */
  async claim(source: string, alertId: string, freshCorrelationId: string): Promise<Claim> {
    const now = Math.floor(this.clock.now() / 1000);
    try {
      const out = await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: this.item(source, alertId, freshCorrelationId, 'pending', now),
          ConditionExpression: 'attribute_not_exists(dedup_key) OR #state = :failed OR (#state = :pending AND claimed_at < :stale)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':failed': 'failed', ':pending': 'pending', ':stale': now - STALE_CLAIM_SECONDS },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const previous = out.Attributes?.correlation_id;
      return { status: 'new', correlationId: typeof previous === 'string' ? previous : freshCorrelationId, claimedAt: now };
    } catch (e) {
      if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
      // The exception carries the existing item in DynamoDB's own encoding (not unmarshalled).
      const state = (e as { Item?: Record<string, { S?: string }> }).Item?.state?.S;
      return { status: 'duplicate', inFlight: state === 'pending' };
    }
  }

  /** Records how the claimed alert ended (a plain PutItem: the claim is ours). */
  async settle(
    source: string,
    alertId: string,
    correlationId: string,
    state: Exclude<DedupState, 'pending'>,
    claimedAt: number,
  ): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: this.item(source, alertId, correlationId, state, claimedAt) }));
  }

  private item(source: string, alertId: string, correlationId: string, state: DedupState, claimedAt: number): Record<string, unknown> {
    return {
      dedup_key: dedupKey(source, alertId),
      state,
      correlation_id: correlationId,
      claimed_at: claimedAt,
      expires_at: claimedAt + this.ttlSeconds,
    };
  }
}
