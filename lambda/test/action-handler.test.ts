import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from '../src/action-handler/circuit-breaker.js';
import { loadActionConfig } from '../src/action-handler/config.js';
import { createActionHandler, RetryableActionError, type Fetch } from '../src/action-handler/handler.js';
import { slackEscape } from '../src/action-handler/integrations.js';
import { DynamoAuditLog } from '../src/shared/audit.js';
import { INTEGRATION_ACTIONS, INTEGRATIONS, type Integration } from '../src/shared/domain.js';
import { memoryLogger } from '../src/shared/log.js';
import { parseMaturity } from '../src/shared/maturity.js';
import { SecretCache } from '../src/shared/secrets.js';
import { assertAuditAppendOnly, conditionalCheckFailed, docClient, fakeClock, maturityEnv, region } from './helpers.js';

const ddb = mockClient(DynamoDBDocumentClient);
const sm = mockClient(SecretsManagerClient);
const sqs = mockClient(SQSClient);
const eb = mockClient(EventBridgeClient);

const arnOf = (i: Integration) => `arn:aws:secretsmanager:eu-west-1:111122223333:secret:ztait-integration-${i}-AbCdEf`;
const SECRETS: Record<string, string> = {
  [arnOf('servicenow')]: JSON.stringify({ username: 'ztait-svc', password: 'pw-servicenow' }),
  [arnOf('pagerduty')]: JSON.stringify({ routing_key: 'rk-pagerduty' }),
  [arnOf('mim')]: JSON.stringify({ token: 'tok-mim' }),
  [arnOf('slack')]: JSON.stringify({ bot_token: 'xoxb-slack', channel: 'C123' }),
};
const ENDPOINTS: Record<Integration, string> = {
  servicenow: 'https://example.service-now.com',
  pagerduty: 'https://events.pagerduty.com/v2/enqueue',
  mim: 'https://mim.example.com/declare',
  slack: 'https://slack.com/api/chat.postMessage',
};

function configFor(integration: Integration) {
  return loadActionConfig({
    INTEGRATION: integration,
    INTEGRATION_SECRET_ARN: arnOf(integration),
    INTEGRATION_ENDPOINT_URL: ENDPOINTS[integration],
    INCIDENTS_TABLE: 'ztait-incidents',
    AUDIT_TABLE: 'ztait-audit',
    FALLBACK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/ztait-actions-fallback',
    EVENT_BUS: 'ztait-bus',
    CIRCUIT_BREAKER_FAILURE_THRESHOLD: '5',
  });
}

let clock: ReturnType<typeof fakeClock>;
let fetchMock: ReturnType<typeof vi.fn<Fetch>>;

function handlerFor(integration: Integration, level: 0 | 1 | 2 | 3 = 3) {
  const doc = docClient();
  return createActionHandler({
    config: configFor(integration),
    maturity: parseMaturity(maturityEnv(level)),
    secrets: new SecretCache(new SecretsManagerClient(region), clock),
    doc,
    sqs: new SQSClient(region),
    events: new EventBridgeClient(region),
    audit: new DynamoAuditLog(doc, 'ztait-audit', clock, () => 'id'),
    clock,
    log: memoryLogger(),
    fetch: fetchMock,
    newToken: () => 'tok',
  });
}

function request(integration: Integration, over: Record<string, unknown> = {}, correlationId = 'corr-0000-0001') {
  return {
    id: 'evt-1',
    source: 'ztait.triage',
    'detail-type': 'action.requested',
    detail: {
      correlation_id: correlationId,
      integration,
      action_type: INTEGRATION_ACTIONS[integration],
      severity: 'P1',
      title: 'Checkout down',
      summary: 'Errors at 40%',
      requested_by: 'ztait-triage-engine',
      ...over,
    },
  };
}

const respond = (status: number, body: unknown) => ({ status, text: async () => JSON.stringify(body) });
const audits = () =>
  ddb
    .commandCalls(PutCommand)
    .filter((c) => c.args[0].input.TableName === 'ztait-audit')
    .map((c) => c.args[0].input.Item!);

beforeEach(() => {
  ddb.reset();
  sm.reset();
  sqs.reset();
  eb.reset();
  clock = fakeClock();
  fetchMock = vi.fn<Fetch>(async () => respond(202, { status: 'success', dedup_key: 'corr-0000-0001#page' }));
  sm.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => ({ SecretString: SECRETS[input.SecretId] }));
  ddb.on(UpdateCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(GetCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
});

describe('circuit breaker timeline (fake clock)', () => {
  it('opens after 5 consecutive failures, half-opens after the cool-down, closes on a successful trial', () => {
    const c = fakeClock();
    const b = new CircuitBreaker({ failureThreshold: 5, cooldownMs: 60_000 }, c);
    for (let k = 0; k < 4; k++) {
      expect(b.tryAcquire('t')).toBe(true);
      b.recordFailure('t');
    }
    expect(b.state('t')).toBe('closed');
    b.recordSuccess('t'); // a success resets the count: failures must be consecutive
    for (let k = 0; k < 4; k++) b.recordFailure('t');
    expect(b.state('t')).toBe('closed');
    b.recordFailure('t');
    expect(b.state('t')).toBe('open');
    expect(b.tryAcquire('t')).toBe(false);
    c.advance(59_999);
    expect(b.tryAcquire('t')).toBe(false);
    c.advance(1);
    expect(b.state('t')).toBe('half_open');
    expect(b.tryAcquire('t')).toBe(true);
    expect(b.tryAcquire('t')).toBe(false); // one trial at a time
    b.recordSuccess('t');
    expect(b.state('t')).toBe('closed');
    expect(b.state('other')).toBe('closed'); // per target
  });

  it('a failed trial reopens the circuit for a full cool-down', () => {
    const c = fakeClock();
    const b = new CircuitBreaker({ failureThreshold: 5, cooldownMs: 60_000 }, c);
    for (let k = 0; k < 5; k++) b.recordFailure('t');
    c.advance(60_000);
    expect(b.tryAcquire('t')).toBe(true);
    b.recordFailure('t');
    expect(b.state('t')).toBe('open');
    c.advance(59_999);
    expect(b.tryAcquire('t')).toBe(false);
    c.advance(1);
    expect(b.tryAcquire('t')).toBe(true);
  });
});

describe('action handlers', () => {
  it('pages with the idempotency key as PagerDuty dedup_key and records the outcome', async () => {
    expect(await handlerFor('pagerduty')(request('pagerduty'))).toBe('succeeded');
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(JSON.parse(init.body)).toMatchObject({
      routing_key: 'rk-pagerduty',
      event_action: 'trigger',
      dedup_key: 'corr-0000-0001#page',
      payload: { severity: 'critical' },
    });
    const [claim, complete] = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(claim).toMatchObject({
      TableName: 'ztait-incidents',
      Key: { incident_id: 'corr-0000-0001' },
      ExpressionAttributeNames: { '#a': 'action_page' },
    });
    expect(claim!.ConditionExpression).toMatch(/attribute_exists\(incident_id\)/);
    expect(complete!.ExpressionAttributeValues![':result']).toMatchObject({ status: 'succeeded', idempotency_key: 'corr-0000-0001#page' });
    expect(audits()[0]).toMatchObject({ correlation_id: 'corr-0000-0001', actor: 'ztait-action-pagerduty', decision: 'executed' });
    expect(eb.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]).toMatchObject({
      Source: 'ztait.actions',
      DetailType: 'action.completed',
    });
  });

  it('each handler reads only its own integration secret, whatever the event says', async () => {
    for (const integration of INTEGRATIONS) {
      sm.resetHistory();
      fetchMock.mockResolvedValue(respond(200, { ok: true, result: { number: 'INC001' } }));
      const event = request(integration, {
        secret_arn: arnOf('servicenow'),
        SecretId: arnOf('slack'),
        integration_secret_arn: arnOf('mim'),
      });
      expect(await handlerFor(integration)(event)).toBe('succeeded');
      const ids = sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId);
      expect(ids).toEqual([arnOf(integration)]);
    }
  });

  it('refuses an action addressed to another integration without reading any secret', async () => {
    expect(await handlerFor('slack')(request('mim'))).toBe('refused');
    expect(await handlerFor('slack')(request('slack', { action_type: 'declare_mim' }))).toBe('refused');
    expect(sm.commandCalls(GetSecretValueCommand)).toEqual([]);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(audits().map((a) => a.decision)).toEqual(['refused', 'refused']);
  });

  it('executes nothing at L0 and L1', async () => {
    for (const level of [0, 1] as const) {
      expect(await handlerFor('mim', level)(request('mim'))).toBe('refused');
    }
    expect(fetchMock).not.toHaveBeenCalled();
    expect(ddb.commandCalls(UpdateCommand)).toEqual([]);
    expect(audits().map((a) => a.reasoning)).toEqual([
      expect.stringMatching(/L0 \(shadow\) does not execute/),
      expect.stringMatching(/L1 \(assisted\) does not execute/),
    ]);
  });

  it('refuses malformed events and events from other sources', async () => {
    const h = handlerFor('mim');
    expect(await h({ ...request('mim'), source: 'attacker' })).toBe('refused');
    expect(await h(request('mim', { correlation_id: 'x;DROP' }))).toBe('refused');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('acknowledges a redelivered action without calling the target again', async () => {
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: { incident_id: 'corr-0000-0001', action_declare_mim: { status: 'succeeded' } } });
    expect(await handlerFor('mim')(request('mim'))).toBe('duplicate');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('asks for a retry while another delivery holds the claim, and refuses unknown incidents', async () => {
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: { incident_id: 'corr-0000-0001', action_declare_mim: { status: 'in_progress' } } });
    await expect(handlerFor('mim')(request('mim'))).rejects.toBeInstanceOf(RetryableActionError);
    ddb.on(GetCommand).resolves({});
    expect(await handlerFor('mim')(request('mim'))).toBe('refused');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('treats Slack ok:false as a failure, flags the incident for review, and escapes mentions', async () => {
    fetchMock.mockResolvedValue(respond(200, { ok: false, error: 'channel_not_found' }));
    await expect(handlerFor('slack')(request('slack', { title: '<!channel> hi' }))).rejects.toThrow(/channel_not_found/);
    expect(JSON.parse(fetchMock.mock.calls[0]![1].body).text).toContain('&lt;!channel&gt; hi');
    const complete = ddb.commandCalls(UpdateCommand)[1]!.args[0].input;
    expect(complete.ExpressionAttributeValues).toMatchObject({ ':review': 'human_review', ':result': { status: 'failed' } });
    expect(slackEscape('a & <b>')).toBe('a &amp; &lt;b&gt;');
  });

  it('does not charge the breaker when its own secret is unreadable', async () => {
    sm.on(GetSecretValueCommand).rejects(new Error('AccessDenied'));
    const h = handlerFor('mim');
    for (let k = 0; k < 6; k++) await expect(h(request('mim', {}, `corr-0000-010${k}`))).rejects.toThrow(/cannot prepare the call/);
    expect(sqs.commandCalls(SendMessageCommand)).toEqual([]);
  });

  it('opens the circuit after 5 consecutive target failures and routes to the fallback queue until a trial succeeds', async () => {
    fetchMock.mockResolvedValue(respond(503, {}));
    const h = handlerFor('servicenow');
    const run = (k: number) => h(request('servicenow', {}, `corr-0000-02${String(k).padStart(2, '0')}`));
    for (let k = 0; k < 4; k++) await expect(run(k)).rejects.toThrow(/HTTP 503/);
    expect(await run(4)).toBe('queued'); // the 5th failure opens the circuit; this action goes to the queue
    expect(fetchMock).toHaveBeenCalledTimes(5);
    clock.advance(30_000);
    expect(await run(5)).toBe('queued'); // open: not even tried
    expect(fetchMock).toHaveBeenCalledTimes(5);
    const queued = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(queued).toHaveLength(2);
    expect(queued[0]!.QueueUrl).toMatch(/ztait-actions-fallback$/);
    expect(JSON.parse(queued[1]!.MessageBody!)).toMatchObject({
      reason: 'circuit_open',
      request: { correlation_id: 'corr-0000-0205', integration: 'servicenow' },
    });
    clock.advance(30_000); // cool-down over: one trial
    fetchMock.mockResolvedValue(respond(201, { result: { number: 'INC0012345' } }));
    expect(await run(6)).toBe('succeeded');
    expect(await run(7)).toBe('succeeded');
    expect(audits().map((a) => a.decision)).toEqual(['failed', 'failed', 'failed', 'failed', 'queued', 'queued', 'executed', 'executed']);
  });

  it('builds ServiceNow and MIM calls with the key and their own credentials', async () => {
    fetchMock.mockResolvedValue(respond(201, { result: { number: 'INC1' } }));
    await handlerFor('servicenow')(request('servicenow'));
    const [snUrl, snInit] = fetchMock.mock.calls[0]!;
    expect(snUrl).toBe('https://example.service-now.com/api/now/table/incident');
    expect(snInit.headers.authorization).toBe(`Basic ${Buffer.from('ztait-svc:pw-servicenow').toString('base64')}`);
    expect(JSON.parse(snInit.body)).toMatchObject({ correlation_id: 'corr-0000-0001#create_incident', urgency: '1', impact: '1' });
    await handlerFor('mim')(request('mim'));
    const [, mimInit] = fetchMock.mock.calls[1]!;
    expect(mimInit.headers).toMatchObject({ authorization: 'Bearer tok-mim', 'idempotency-key': 'corr-0000-0001#declare_mim' });
  });
});

describe('action handler configuration', () => {
  const base = {
    INTEGRATION: 'slack',
    INTEGRATION_SECRET_ARN: arnOf('slack'),
    INTEGRATION_ENDPOINT_URL: 'https://slack.com/api/chat.postMessage',
    INCIDENTS_TABLE: 'i',
    AUDIT_TABLE: 'a',
    FALLBACK_QUEUE_URL: 'q',
    EVENT_BUS: 'b',
  };
  it('refuses unknown integrations, non-HTTPS endpoints and credentials in URLs', () => {
    expect(configFor('slack').failureThreshold).toBe(5);
    expect(() => loadActionConfig({ ...base, INTEGRATION: 'jira' })).toThrow(/INTEGRATION/);
    expect(() => loadActionConfig({ ...base, INTEGRATION_ENDPOINT_URL: 'http://slack.com/api' })).toThrow(/https/);
    expect(() => loadActionConfig({ ...base, INTEGRATION_ENDPOINT_URL: 'https://slack.com:8443/api' })).toThrow(/443/);
    expect(() => loadActionConfig({ ...base, INTEGRATION_ENDPOINT_URL: 'https://u:p@slack.com/api' })).toThrow(/credentials/);
    expect(() => loadActionConfig({ ...base, INTEGRATION_SECRET_ARN: '*' })).toThrow(/ARN/);
  });
});

// Whatever path a test took, the audit table only ever received conditional PutItems.
afterEach(() => {
  assertAuditAppendOnly(ddb);
});
