import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../src/shared/clock.js';

/** A clock tests move by hand. */
export function fakeClock(
  start: string | number = '2025-06-01T12:00:00.000Z',
): Clock & { set(t: string | number): void; advance(ms: number): void } {
  let now = typeof start === 'number' ? start : Date.parse(start);
  return {
    now: () => now,
    set: (t) => void (now = typeof t === 'number' ? t : Date.parse(t)),
    advance: (ms) => void (now += ms),
  };
}

export const region = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } };

export function docClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(region), { marshallOptions: { removeUndefinedValues: true } });
}

/** The Table 3 environment of a level, as Terraform's maturity_environment output renders it. */
export function maturityEnv(level: 0 | 1 | 2 | 3): Record<string, string> {
  const rows = [
    ['false', 'n/a', 'n/a', 'false', 'false', 'n/a', 'n/a'],
    ['false', 'true', 'true', 'true', 'false', 'n/a', 'n/a'],
    ['true', 'true', 'false', 'true', 'true', '0.90', '0.85'],
    ['true', 'false', 'false', 'true', 'true', '0.95', '0.80'],
  ] as const;
  const r = rows[level];
  return {
    MATURITY_LEVEL: String(level),
    ACTION_EXECUTION_ENABLED: r[0],
    GATING_REQUIRED_P1_P2: r[1],
    GATING_REQUIRED_P3_P4: r[2],
    DISPLAY_RECOMMENDATIONS: r[3],
    AUTO_REGRESSION_ENABLED: r[4],
    ACCURACY_THRESHOLD: r[5],
    MIN_CONFIDENCE_AUTO: r[6],
  };
}

/** The conditional-write failure DynamoDB answers when a condition does not hold. */
export function conditionalCheckFailed(): Error {
  const e = new Error('The conditional request failed');
  e.name = 'ConditionalCheckFailedException';
  return e;
}

/**
 * The audit table is append-only: every command a test run sent to it must be a conditional
 * PutItem that cannot replace an existing record (no UpdateItem, DeleteItem, BatchWriteItem).
 * Returns how many audit writes were checked.
 */
export function assertAuditAppendOnly(mock: { calls(): { args: unknown[] }[] }, table = 'ztait-audit'): number {
  let writes = 0;
  for (const call of mock.calls()) {
    const command = call.args[0] as {
      constructor: { name: string };
      input: { TableName?: string; RequestItems?: Record<string, unknown>; ConditionExpression?: string };
    };
    const touchesAudit =
      command.input.TableName === table || (command.input.RequestItems !== undefined && table in command.input.RequestItems);
    if (!touchesAudit) continue;
    const name = command.constructor.name;
    if (name === 'QueryCommand' || name === 'GetCommand') continue; // reads
    if (name !== 'PutCommand' || command.input.ConditionExpression !== 'attribute_not_exists(correlation_id)') {
      throw new Error(
        `audit table received ${name} (${command.input.ConditionExpression ?? 'unconditional'}): only conditional PutItem is allowed`,
      );
    }
    writes += 1;
  }
  return writes;
}
