import { randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isoAt, type Clock } from './clock.js';

/**
 * The append-only audit trail (complete auditability). Every decision of every function is one
 * item: who decided (actor), when, what, why (reasoning) and for which flow (correlation id).
 * Written with PutItem only, conditional on the key being new, so a record is never replaced;
 * no code path here (or anywhere in the functions) updates or deletes an audit item.
 */

export interface AuditEntry {
  correlationId: string;
  /** The function or the human (JWT subject) that decided. */
  actor: string;
  /** What was decided about, e.g. `ingestion.suppressed`, `triage.decision`, `action.executed`. */
  event: string;
  /** The outcome in one word, e.g. `published`, `human_review`, `executed`. */
  decision: string;
  reasoning: string;
  details?: Record<string, unknown>;
}

export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}

export class DynamoAuditLog implements AuditSink {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly newId: () => string = () => randomUUID().slice(0, 8),
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const at = this.clock.now();
    // The range key carries a short random suffix: two decisions of one flow in the same
    // millisecond must both be kept, and the condition below forbids replacing either.
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          correlation_id: entry.correlationId,
          recorded_at: `${isoAt(at)}#${this.newId()}`,
          actor: entry.actor,
          event: entry.event,
          decision: entry.decision,
          reasoning: entry.reasoning.slice(0, 2000),
          time: isoAt(at),
          ...(entry.details ? { details: entry.details } : {}),
        },
        ConditionExpression: 'attribute_not_exists(correlation_id)',
      }),
    );
  }
}
