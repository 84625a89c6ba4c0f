import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { READ_ONLY_ACTIONS, allowedAction, isReadOperation, minimalPolicy } from '../../src/sources/aws/actions.js';
import { liveAddress, ssmNameInScope } from '../../src/sources/aws/builder.js';
import { describeFailure } from '../../src/sources/aws/failure.js';
import { integrationFunctionArn } from '../../src/sources/aws/map/apigateway.js';
import { decodePolicyDocument } from '../../src/sources/aws/map/iam.js';
import { REDACTED, redactResponse } from '../../src/sources/aws/redact.js';
import { ForbiddenCallError, ProbeCallError, ProbeSession, callKey } from '../../src/sources/aws/session.js';

// An endpoint nothing listens on: a request that got past the guard would fail with a network error instead.
const cfg = {
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:9',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  maxAttempts: 1,
};

describe('the read-only allow-list', () => {
  it('holds only reads, and the policy grants each collector action once, never AssumeRole', () => {
    for (const a of READ_ONLY_ACTIONS) expect(isReadOperation(a.service, a.operation), `${a.service}:${a.operation}`).toBe(true);
    const policy = minimalPolicy();
    const actions = policy.Statement[0]!.Action;
    expect(actions).toEqual([...new Set(actions)].sort());
    expect(actions).not.toContain('sts:AssumeRole');
    expect(actions).toContain('apigateway:GET');
    expect(actions).toContain('dynamodb:DescribeContinuousBackups');
    expect(actions.every((a) => /^[a-z0-9-]+:(Get|List|Describe|GET$|SimulatePrincipalPolicy$)/.test(a))).toBe(true);
    expect(actions).not.toContain('secretsmanager:GetSecretValue');
  });

  it('knows which operations are reads', () => {
    expect(isReadOperation('dynamodb', 'DeleteTable')).toBe(false);
    expect(isReadOperation('iam', 'PutRolePolicy')).toBe(false);
    expect(isReadOperation('s3', 'GetBucketPolicy')).toBe(true);
    expect(allowedAction('secretsmanager', 'GetSecretValue')).toBeUndefined();
  });
});

describe('the call guard', () => {
  it('refuses a mutating operation before anything is sent, and logs nothing as sent', async () => {
    const session = new ProbeSession();
    const client = session.attach(new DynamoDBClient(cfg), 'dynamodb');
    await expect(client.send(new DeleteTableCommand({ TableName: 'ztait-audit' }))).rejects.toBeInstanceOf(ForbiddenCallError);
    expect(session.callLog).toEqual([]);
  });

  it('lets reads through (and records the failure of one that cannot reach the endpoint)', async () => {
    const session = new ProbeSession();
    const client = session.attach(new DynamoDBClient(cfg), 'dynamodb');
    const err = await client.send(new ListTablesCommand({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeCallError);
    expect((err as ProbeCallError).failure.kind).toBe('network');
    expect(session.callLog).toEqual([
      expect.objectContaining({ service: 'dynamodb', action: 'ListTables', ok: false, error: 'ECONNREFUSED' }),
    ]);
  });

  it('allows AssumeRole only for the audit role, as session ztait-audit', async () => {
    const session = new ProbeSession({ auditRoleArn: 'arn:aws:iam::1:role/audit' });
    const sts = session.attach(new STSClient(cfg), 'sts');
    await expect(
      sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::1:role/admin', RoleSessionName: 'ztait-audit' })),
    ).rejects.toBeInstanceOf(ForbiddenCallError);
    await expect(
      sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::1:role/audit', RoleSessionName: 'other' })),
    ).rejects.toBeInstanceOf(ForbiddenCallError);
    const allowed = await sts
      .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::1:role/audit', RoleSessionName: 'ztait-audit' }))
      .catch((e: unknown) => e);
    expect(allowed).toBeInstanceOf(ProbeCallError); // sent (and refused by the closed port), not forbidden
    expect(new ProbeSession().recordedCalls()).toEqual([]);
  });

  it('replays recorded answers and failures, and says when the snapshot has no answer', async () => {
    const input = { Limit: 100 };
    const session = new ProbeSession({
      replay: [
        { service: 'dynamodb', action: 'ListTables', input, output: { TableNames: ['ztait-a'] } },
        {
          service: 'dynamodb',
          action: 'DescribeTable',
          input: { TableName: 'ztait-a' },
          failure: { kind: 'access-denied', code: 'AccessDeniedException', reason: 'recorded reason' },
        },
      ],
    });
    const client = session.attach(new DynamoDBClient(cfg), 'dynamodb');
    expect(await client.send(new ListTablesCommand(input))).toEqual({ TableNames: ['ztait-a'] });
    const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
    await expect(client.send(new DescribeTableCommand({ TableName: 'ztait-a' }))).rejects.toThrow('recorded reason');
    await expect(client.send(new ListTablesCommand({}))).rejects.toThrow(/NotInSnapshot/);
    expect(callKey('dynamodb', 'X', { b: 1, a: [1, { d: 2, c: 3 }] })).toBe('dynamodb:X:{"a":[1,{"c":3,"d":2}],"b":1}');
  });
});

describe('failure reasons name the call and the fix', () => {
  const fail = (err: object, timeout?: number) => describeFailure(err, 'svc:Op', 'svc:Op', timeout);
  it.each([
    [
      { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } },
      'access-denied',
      'svc:Op failed: AccessDeniedException (missing permission svc:Op)',
    ],
    [
      { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } },
      'access-denied',
      'svc:Op failed: UnauthorizedOperation (missing permission svc:Op)',
    ],
    [
      { name: 'ThrottlingException', $metadata: { httpStatusCode: 400, attempts: 4 } },
      'throttled',
      'svc:Op failed: ThrottlingException (throttled after 4 attempts, retries exhausted)',
    ],
    [{ name: 'TimeoutError', message: 'request timed out' }, 'timeout', 'svc:Op failed: TimeoutError (no answer within 500 ms)'],
    [
      { name: 'InternalFailure', $metadata: { httpStatusCode: 500, attempts: 3 } },
      'server',
      'svc:Op failed: InternalFailure (HTTP 500 after 3 attempts)',
    ],
    [
      { name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
      'network',
      'svc:Op failed: ECONNREFUSED (the endpoint did not answer)',
    ],
    [
      { name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' },
      'credentials',
      'svc:Op failed: CredentialsProviderError (Could not load credentials from any providers)',
    ],
  ])('%o', (err, kind, reason) => {
    const f = fail(err, 500);
    expect(f.kind).toBe(kind);
    expect(f.reason).toBe(reason);
  });

  it('an HTML page instead of an AWS answer means the operation is not implemented there', () => {
    const f = fail({
      name: 'Unknown',
      message: 'Unknown',
      $metadata: { httpStatusCode: 500 },
      $response: { headers: { 'content-type': 'text/html' } },
    });
    expect(f.kind).toBe('not-implemented');
    const parse = fail({
      name: 'SyntaxError',
      message: 'Deserialization error: Unexpected token < in JSON at position 0',
      $metadata: { httpStatusCode: 500 },
    });
    expect(parse.kind).toBe('not-implemented');
    expect(fail({ name: 'InternalFailure', message: 'could not parse request', $metadata: { httpStatusCode: 500 } }).kind).toBe('server');
  });
});

describe('redaction', () => {
  it('drops secret values from function environments but keeps references to secrets', () => {
    const out = redactResponse('lambda', 'ListFunctions', {
      Functions: [
        {
          FunctionName: 'f',
          Environment: {
            Variables: {
              DB_PASSWORD: 'hunter2',
              WEBHOOK_SECRET_ARNS: '{"github":"arn:aws:secretsmanager:us-east-1:1:secret:x"}',
              SLACK_SECRET_NAME: 'ztait-slack',
              MODE: 'token-less',
            },
          },
        },
      ],
    }) as { Functions: { Environment: { Variables: Record<string, string> } }[] };
    const vars = out.Functions[0]!.Environment.Variables;
    expect(vars.DB_PASSWORD).toBe(REDACTED);
    expect(vars.WEBHOOK_SECRET_ARNS).toContain('arn:aws:secretsmanager');
    expect(vars.SLACK_SECRET_NAME).toBe('ztait-slack');
    expect(vars.MODE).toBe('token-less');
  });

  it('never keeps credentials or secret strings, whatever the operation', () => {
    expect(redactResponse('sts', 'AssumeRole', { Credentials: { SecretAccessKey: 'x' }, AssumedRoleUser: { Arn: 'a' } })).toEqual({
      AssumedRoleUser: { Arn: 'a' },
    });
    expect(redactResponse('ssm', 'GetParameter', { Parameter: { Name: '/ztait/api-token', Value: 'abcdef123' } })).toEqual({
      Parameter: { Name: '/ztait/api-token', Value: REDACTED },
    });
    expect(
      redactResponse('ssm', 'GetParameter', { Parameter: { Name: '/ztait/prompts/triage', Value: 'You are a triage assistant.' } }),
    ).toEqual({
      Parameter: { Name: '/ztait/prompts/triage', Value: 'You are a triage assistant.' },
    });
  });
});

describe('names', () => {
  it('live addresses are Terraform block names when the AWS name allows it', () => {
    expect(liveAddress('aws_dynamodb_table', 'ztait-audit')).toBe('aws_dynamodb_table.ztait-audit');
    expect(liveAddress('aws_ssm_parameter', '/ztait/x')).toBe('aws_ssm_parameter.live["/ztait/x"]');
    expect(liveAddress('aws_s3_bucket', 'logs.example.com')).toBe('aws_s3_bucket.live["logs.example.com"]');
  });

  it('SSM paths are in the namespace of the prefix stem', () => {
    expect(ssmNameInScope('/ztait/prompts/triage', 'ztait-')).toBe(true);
    expect(ssmNameInScope('ztait-flag', 'ztait-')).toBe(true);
    expect(ssmNameInScope('/ztaitx/y', 'ztait-')).toBe(false);
    expect(ssmNameInScope('/legacy/ztait', 'ztait-')).toBe(false);
  });

  it('integration URIs become the unqualified function ARN', () => {
    const fn = 'arn:aws:lambda:us-east-1:111122223333:function:ztait-webhook-receiver';
    expect(integrationFunctionArn(fn)).toBe(fn);
    expect(integrationFunctionArn(`${fn}:live`)).toBe(fn);
    expect(integrationFunctionArn(`arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn}:3/invocations`)).toBe(fn);
    expect(integrationFunctionArn('https://example.com/hook')).toBeNull();
  });

  it('IAM documents are URL-decoded, raw JSON kept as is', () => {
    expect(decodePolicyDocument('%7B%22Version%22%3A%222012-10-17%22%7D')).toBe('{"Version":"2012-10-17"}');
    expect(decodePolicyDocument('{"a": "100%"}')).toBe('{"a": "100%"}');
  });
});
