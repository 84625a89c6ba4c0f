import { describe, expect, it, beforeEach } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readEvidenceTable } from '../../src/maturity/table-source.js';
import { assess } from '../../src/maturity/assess.js';
import { maturityCli } from './helpers.js';

const item = (i: number, over: Record<string, unknown> = {}) => ({
  incident_id: `t-${i}`,
  timestamp: `2025-06-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
  agent_severity: 'P3',
  human_severity: 'P3',
  agent_action: 'page',
  human_action: 'page',
  confidence: 0.9,
  outcome: 'approved',
  mim_false_positive: false,
  ...over,
});

describe('--from-table: the incidents table, read with a paginated Scan', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  beforeEach(() => ddb.reset());

  it('follows LastEvaluatedKey across pages and validates items like file rows', async () => {
    ddb
      .on(ScanCommand, { TableName: 'ztait-incidents' })
      .resolvesOnce({ Items: Array.from({ length: 150 }, (_, i) => item(i)), LastEvaluatedKey: { incident_id: 't-149' } })
      .resolvesOnce({ Items: [...Array.from({ length: 60 }, (_, i) => item(150 + i)), item(999, { confidence: 3 }), item(0)] });
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
    const ev = await readEvidenceTable('ztait-incidents', client);
    const calls = ddb.commandCalls(ScanCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input).toMatchObject({ TableName: 'ztait-incidents', ExclusiveStartKey: { incident_id: 't-149' } });
    // only Scan: the read is read-only
    expect(ddb.calls().every((c) => c.args[0] instanceof ScanCommand)).toBe(true);
    expect(ev.source).toEqual({ kind: 'table', name: 'ztait-incidents', format: 'dynamodb' });
    expect(ev.rows).toHaveLength(210);
    expect(ev.problems).toEqual([
      { file: 'table:ztait-incidents', line: 211, kind: 'malformed', message: 'confidence 3 is outside [0,1]', incident_id: 't-999' },
      expect.objectContaining({ line: 212, kind: 'duplicate' }),
    ]);
    const a = assess(ev, { current: 0, allowInvalid: true });
    expect(a.criteria.find((c) => c.id === 'reviewed_incidents')).toMatchObject({ value: 210, pass: true });
  });

  it('an empty table or a failing Scan is unusable evidence', async () => {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
    ddb.on(ScanCommand).resolves({ Items: [] });
    await expect(readEvidenceTable('t', client)).rejects.toThrow(/has no items/);
    ddb.reset();
    ddb.on(ScanCommand).rejects(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }));
    await expect(readEvidenceTable('t', client)).rejects.toThrow(
      /cannot scan DynamoDB table t: ResourceNotFoundException: Requested resource not found/,
    );
  });

  it('ztait maturity assess --from-table reads the table through the CLI', async () => {
    ddb.on(ScanCommand).resolves({ Items: Array.from({ length: 200 }, (_, i) => item(i)) });
    const r = await maturityCli([
      'assess',
      '--from-table',
      'ztait-incidents',
      '--region',
      'eu-west-1',
      '--endpoint-url',
      'http://127.0.0.1:4566',
      '--current',
      '0',
      '--format',
      'json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      source: { kind: 'table', name: 'ztait-incidents' },
      eligible: true,
      window: { rows: 200 },
    });
    const both = await maturityCli(['assess', '--from-table', 't', '--evidence', 'x.jsonl', '--current', '0']);
    expect(both.code).toBe(2);
  });
});
