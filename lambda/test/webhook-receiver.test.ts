import { createHmac } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoAuditLog } from '../src/shared/audit.js';
import { memoryLogger } from '../src/shared/log.js';
import { SecretCache } from '../src/shared/secrets.js';
import { loadReceiverConfig } from '../src/webhook-receiver/config.js';
import { createReceiver } from '../src/webhook-receiver/receiver.js';
import { assertAuditAppendOnly, conditionalCheckFailed, docClient, fakeClock, region } from './helpers.js';

const GITHUB_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ztait-webhook-github';
const DATADOG_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ztait-webhook-datadog';
const KEYS: Record<string, string> = { [GITHUB_ARN]: 'github-key-0123456789abcdef', [DATADOG_ARN]: 'datadog-key-0123456789abcdef' };

const config = loadReceiverConfig({
  WEBHOOK_SECRET_ARNS: JSON.stringify({ github: GITHUB_ARN, datadog: DATADOG_ARN }),
  REPLAY_WINDOW_SECONDS: '300',
  DEDUP_TABLE: 'ztait-dedup',
  POLICIES_TABLE: 'ztait-policies',
  AUDIT_TABLE: 'ztait-audit',
  EVENT_BUS: 'ztait-bus',
});

const ddb = mockClient(DynamoDBDocumentClient);
const sm = mockClient(SecretsManagerClient);
const eb = mockClient(EventBridgeClient);

let clock: ReturnType<typeof fakeClock>;
let log: ReturnType<typeof memoryLogger>;
let receive: ReturnType<typeof createReceiver>;

function request(
  source: string,
  payload: unknown,
  opts: { key?: string; timestamp?: string; signature?: string | null; raw?: string } = {},
) {
  const body = opts.raw ?? JSON.stringify(payload);
  const key = opts.key ?? (source === 'github' ? KEYS[GITHUB_ARN]! : KEYS[DATADOG_ARN]!);
  const signature = opts.signature === undefined ? `sha256=${createHmac('sha256', key).update(body).digest('hex')}` : opts.signature;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-timestamp': opts.timestamp ?? String(Math.floor(clock.now() / 1000)),
  };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return { rawPath: `/webhooks/${source}`, pathParameters: { source }, headers, body, isBase64Encoded: false };
}

/** Makes the conditional dedup claim (and only it) answer `outcome`. */
function onClaim(outcome: () => unknown): void {
  ddb
    .on(PutCommand)
    .callsFake((input: { TableName: string; ConditionExpression?: string }) =>
      input.TableName === 'ztait-dedup' && input.ConditionExpression ? outcome() : {},
    );
}

const putsTo = (table: string) => ddb.commandCalls(PutCommand).filter((c) => c.args[0].input.TableName === table);

beforeEach(() => {
  ddb.reset();
  sm.reset();
  eb.reset();
  clock = fakeClock();
  log = memoryLogger();
  sm.on(GetSecretValueCommand).callsFake((input: { SecretId: string; VersionStage: string }) => {
    if (input.VersionStage !== 'AWSCURRENT') throw Object.assign(new Error('no such stage'), { name: 'ResourceNotFoundException' });
    return { SecretString: JSON.stringify({ hmac_key: KEYS[input.SecretId] }), CreatedDate: new Date('2025-01-01T00:00:00Z') };
  });
  ddb.on(PutCommand).resolves({});
  ddb.on(GetCommand).resolves({});
  eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  const doc = docClient();
  receive = createReceiver({
    config,
    secrets: new SecretCache(new SecretsManagerClient(region), clock),
    doc,
    events: new EventBridgeClient(region),
    audit: new DynamoAuditLog(doc, config.auditTable, clock, () => 'id'),
    clock,
    log,
    newCorrelationId: () => 'corr-0001',
  });
});

afterEach(() => vi.restoreAllMocks());

describe('webhook receiver', () => {
  it('publishes a signed, fresh, first delivery as alert.received', async () => {
    const res = await receive(request('github', { alertId: 'A-1', title: 'disk full', severity: 'critical' }));
    expect(res.statusCode).toBe(202);
    const entry = eb.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({ EventBusName: 'ztait-bus', Source: 'ztait.ingestion', DetailType: 'alert.received' });
    const detail = JSON.parse(entry.Detail!);
    expect(detail).toMatchObject({
      correlation_id: 'corr-0001',
      source: 'github',
      alert: { alertId: 'A-1', title: 'disk full', severity: 'critical' },
    });
    const dedup = putsTo('ztait-dedup');
    expect(dedup[0]!.args[0].input).toMatchObject({
      Item: { dedup_key: 'dedup#github#A-1', state: 'pending', expires_at: Math.floor(clock.now() / 1000) + 86400 },
      ConditionExpression: expect.stringContaining('attribute_not_exists(dedup_key)'),
    });
    expect(dedup[1]!.args[0].input.Item).toMatchObject({ state: 'published', correlation_id: 'corr-0001' });
    expect(putsTo('ztait-audit')[0]!.args[0].input.Item).toMatchObject({
      correlation_id: 'corr-0001',
      actor: 'ztait-webhook-receiver',
      decision: 'published',
    });
  });

  it("uses only the addressed source's own secret, cached for 5 minutes", async () => {
    await receive(request('datadog', { alertId: 'D-1', title: 't' }));
    await receive(request('datadog', { alertId: 'D-2', title: 't' }));
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).toEqual([DATADOG_ARN]);
    clock.advance(5 * 60 * 1000);
    await receive(request('datadog', { alertId: 'D-3', title: 't' }));
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    // another source's key does not authenticate this source
    const res = await receive(request('datadog', { alertId: 'D-4' }, { key: KEYS[GITHUB_ARN] }));
    expect(res.statusCode).toBe(401);
  });

  it('answers 401 before parsing the payload on a bad, missing or malformed signature', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const cases = [
      request('github', null, { raw: '{not json', signature: `sha256=${'0'.repeat(64)}` }),
      request('github', null, { raw: '{not json', signature: null }),
      request('github', null, { raw: '{not json', signature: 'sha1=abc' }),
      request('github', null, { raw: '{not json', signature: `sha256=${'a'.repeat(63)}` }),
    ];
    for (const c of cases) {
      const parsesBefore = parse.mock.calls.filter((args) => args[0] === '{not json').length;
      expect((await receive(c)).statusCode).toBe(401);
      expect(parse.mock.calls.filter((args) => args[0] === '{not json').length).toBe(parsesBefore);
    }
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(log.lines.map((l) => l.fields.reason)).toEqual([
      'signature_mismatch',
      'signature_missing',
      'signature_malformed',
      'signature_malformed',
    ]);
  });

  it('answers 401 to an unknown source without reading any secret', async () => {
    expect((await receive(request('jenkins', { alertId: 'x' }, { key: KEYS[GITHUB_ARN] }))).statusCode).toBe(401);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('answers 401 outside the replay window (301 s old, or too far ahead) and accepts exactly 300 s', async () => {
    const t = Math.floor(clock.now() / 1000);
    expect((await receive(request('github', { alertId: 'R-1' }, { timestamp: String(t - 301) }))).statusCode).toBe(401);
    expect((await receive(request('github', { alertId: 'R-2' }, { timestamp: String(t + 61) }))).statusCode).toBe(401);
    expect((await receive(request('github', { alertId: 'R-3' }, { timestamp: 'now' }))).statusCode).toBe(401);
    expect((await receive(request('github', { alertId: 'R-4' }, { timestamp: String(t - 300) }))).statusCode).toBe(202);
  });

  it('answers 400 to a signed payload that is not a JSON object', async () => {
    expect((await receive(request('github', null, { raw: '[1,2]' }))).statusCode).toBe(400);
    expect((await receive(request('github', null, { raw: '{oops' }))).statusCode).toBe(400);
  });

  it('acknowledges a duplicate with 200 and does not process it again', async () => {
    onClaim(() => {
      throw conditionalCheckFailed();
    });
    const res = await receive(request('github', { alertId: 'A-1', title: 'again' }));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'duplicate' });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(putsTo('ztait-audit')).toHaveLength(0);
  });

  it('asks for a retry (503) while the first delivery is still in flight', async () => {
    onClaim(() => {
      throw Object.assign(conditionalCheckFailed(), { Item: { dedup_key: { S: 'dedup#github#A-1' }, state: { S: 'pending' } } });
    });
    expect((await receive(request('github', { alertId: 'A-1' }))).statusCode).toBe(503);
    onClaim(() => {
      throw Object.assign(conditionalCheckFailed(), { Item: { dedup_key: { S: 'dedup#github#A-1' }, state: { S: 'published' } } });
    });
    expect((await receive(request('github', { alertId: 'A-1' }))).statusCode).toBe(200);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('keeps the earlier correlation id when it takes over a failed claim', async () => {
    onClaim(() => ({ Attributes: { correlation_id: 'corr-earlier', state: 'failed' } }));
    const res = await receive(request('github', { alertId: 'A-1' }));
    expect(JSON.parse(res.body).correlation_id).toBe('corr-earlier');
  });

  it('answers 503 when dedup is unavailable, and releases the claim when publishing fails', async () => {
    onClaim(() => {
      throw new Error('ProvisionedThroughputExceeded');
    });
    expect((await receive(request('github', { alertId: 'A-1' }))).statusCode).toBe(503);
    onClaim(() => ({}));
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    expect((await receive(request('github', { alertId: 'A-2' }))).statusCode).toBe(503);
    expect(putsTo('ztait-dedup').map((c) => c.args[0].input.Item!.state)).toEqual(['pending', 'pending', 'failed']);
  });

  it('answers 503 when the source secret cannot be read', async () => {
    sm.on(GetSecretValueCommand).rejects(new Error('AccessDenied'));
    expect((await receive(request('github', { alertId: 'A-1' }))).statusCode).toBe(503);
  });

  it('suppresses by rule, logs and audits the rule id, and does not publish', async () => {
    ddb.on(GetCommand, { TableName: 'ztait-policies', Key: { policy_id: 'suppression-rules' } }).resolves({
      Item: {
        policy_id: 'suppression-rules',
        rules: [
          { rule_id: 'evil', title_pattern: '(a+)+$' },
          { rule_id: 'noisy-disk', source_pattern: '^github$', title_pattern: 'disk' },
        ],
      },
    });
    const res = await receive(request('github', { alertId: 'S-1', title: 'Disk almost full' }));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'suppressed', rule_id: 'noisy-disk' });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(putsTo('ztait-audit')[0]!.args[0].input.Item).toMatchObject({
      event: 'ingestion.suppressed',
      details: { rule_id: 'noisy-disk' },
    });
    expect(log.lines.find((l) => l.message === 'alert suppressed')?.fields.rule_id).toBe('noisy-disk');
    expect(log.lines.find((l) => l.message === 'suppression rule rejected')?.fields.rule_id).toBe('evil');
    expect(putsTo('ztait-dedup').map((c) => c.args[0].input.Item!.state)).toEqual(['pending', 'suppressed']);
  });

  it('does not suppress when the rules cannot be read', async () => {
    ddb.on(GetCommand).rejects(new Error('AccessDenied'));
    expect((await receive(request('github', { alertId: 'S-2', title: 'disk' }))).statusCode).toBe(202);
  });

  it('accepts the previous key only within the grace period after a rotation', async () => {
    const oldKey = 'old-github-key-0123456789';
    const rotatedAt = new Date(clock.now() - 3600_000);
    sm.on(GetSecretValueCommand).callsFake((input: { SecretId: string; VersionStage: string }) => ({
      SecretString: JSON.stringify({ hmac_key: input.VersionStage === 'AWSCURRENT' ? KEYS[GITHUB_ARN] : oldKey }),
      CreatedDate: rotatedAt,
    }));
    expect((await receive(request('github', { alertId: 'G-1' }, { key: oldKey }))).statusCode).toBe(202);
    clock.advance(86400_000);
    expect((await receive(request('github', { alertId: 'G-2' }, { key: oldKey }))).statusCode).toBe(401);
  });

  it('identifies an alert without an id by the hash of its body', async () => {
    await receive(request('github', { title: 'no id' }));
    expect(putsTo('ztait-dedup')[0]!.args[0].input.Item!.dedup_key).toMatch(/^dedup#github#sha256-[0-9a-f]{64}$/);
  });

  it('refuses oversized bodies', async () => {
    expect((await receive(request('github', null, { raw: 'x'.repeat(1024 * 1024 + 1) }))).statusCode).toBe(413);
  });
});

// Whatever path a test took, the audit table only ever received conditional PutItems.
afterEach(() => {
  assertAuditAppendOnly(ddb);
});
