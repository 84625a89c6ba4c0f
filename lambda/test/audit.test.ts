import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoAuditLog } from '../src/shared/audit.js';
import { assertAuditAppendOnly, docClient, fakeClock } from './helpers.js';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  ddb.reset();
  ddb.on(PutCommand).resolves({});
});

describe('audit records', () => {
  it('carry actor, time, reasoning and correlation id, written by a PutItem that cannot overwrite', async () => {
    const clock = fakeClock('2025-06-01T12:00:00.000Z');
    const log = new DynamoAuditLog(docClient(), 'ztait-audit', clock, () => 'abcd1234');
    await log.record({
      correlationId: 'corr-0000-0001',
      actor: 'ztait-triage-engine',
      event: 'triage.decision',
      decision: 'execute',
      reasoning: 'r'.repeat(5000),
    });
    const input = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      TableName: 'ztait-audit',
      ConditionExpression: 'attribute_not_exists(correlation_id)',
      Item: {
        correlation_id: 'corr-0000-0001',
        recorded_at: '2025-06-01T12:00:00.000Z#abcd1234',
        actor: 'ztait-triage-engine',
        time: '2025-06-01T12:00:00.000Z',
        decision: 'execute',
      },
    });
    expect((input.Item!.reasoning as string).length).toBe(2000);
  });

  it('the append-only check catches an update or a delete', async () => {
    const doc = docClient();
    ddb.on(UpdateCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    await doc.send(
      new UpdateCommand({
        TableName: 'ztait-audit',
        Key: { correlation_id: 'c', recorded_at: 'r' },
        UpdateExpression: 'SET a = :a',
        ExpressionAttributeValues: { ':a': 1 },
      }),
    );
    expect(() => assertAuditAppendOnly(ddb)).toThrow(/UpdateCommand/);
    ddb.resetHistory();
    await doc.send(new DeleteCommand({ TableName: 'ztait-audit', Key: { correlation_id: 'c', recorded_at: 'r' } }));
    expect(() => assertAuditAppendOnly(ddb)).toThrow(/DeleteCommand/);
    ddb.resetHistory();
    await doc.send(new PutCommand({ TableName: 'ztait-audit', Item: { correlation_id: 'c' } }));
    expect(() => assertAuditAppendOnly(ddb)).toThrow(/unconditional/);
  });

  it('no function source updates, deletes or batch-writes the audit table', () => {
    const root = join(import.meta.dirname, '..', 'src');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(20);
    const offending: string[] = [];
    let writesSeen = 0;
    for (const f of files) {
      const text = readFileSync(join(root, f), 'utf8');
      if (/BatchWrite|TransactWrite/.test(text)) offending.push(`${f}: batch/transaction write`);
      for (const m of text.matchAll(
        /new (UpdateCommand|DeleteCommand|UpdateItemCommand|DeleteItemCommand)\(\{\s*TableName:\s*([^,\n]+)/g,
      )) {
        writesSeen += 1;
        if (/audit/i.test(m[2]!)) offending.push(`${f}: ${m[1]} on ${m[2]}`);
      }
    }
    expect(offending).toEqual([]);
    expect(writesSeen).toBeGreaterThanOrEqual(5); // the scan does see the update/delete calls that exist
  });
});
