import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/model/result.js';
import { INVARIANT_COUNT } from '../../src/rules/registry.js';
import { READ_ONLY_ACTIONS, minimalPolicy } from '../../src/sources/aws/actions.js';
import type { Faults, FixtureAccount } from './server/account.js';
import { startAwsServer, type AwsTestServer, type ReceivedCall } from './server/server.js';
import { READ_ACTION, account, buildCli, cleanup, tempDir, ztait, type CliRun } from './harness.js';

const everyReceived: ReceivedCall[] = [];
const servers: AwsTestServer[] = [];

async function serve(acct: FixtureAccount, faults?: Faults): Promise<AwsTestServer> {
  const srv = await startAwsServer({ account: acct, ...(faults ? { faults } : {}), lifetimeMs: 300_000 });
  servers.push(srv);
  return srv;
}

async function probe(srv: AwsTestServer, ...args: string[]): Promise<CliRun & { result: CheckResult }> {
  const run = await ztait(['probe', '--endpoint-url', srv.url, '--region', 'us-east-1', '--format', 'json', ...args]);
  let result: CheckResult;
  try {
    result = JSON.parse(run.stdout) as CheckResult;
  } catch {
    throw new Error(`no JSON report (exit ${run.code}): ${run.stderr}`);
  }
  return { ...run, result };
}

const statuses = (r: CheckResult): Record<string, string> => Object.fromEntries(r.invariants.map((i) => [i.id, i.status]));
const notPassing = (r: CheckResult): string[] => r.invariants.filter((i) => i.status !== 'pass').map((i) => i.id);
const si = (r: CheckResult, id: string) => r.invariants.find((i) => i.id === id)!;

beforeAll(buildCli, 180_000);
afterAll(async () => {
  for (const s of servers) {
    everyReceived.push(...s.received);
    await s.close();
  }
  // Whatever the test, nothing but reads ever reached the endpoint.
  cleanup();
  const writes = everyReceived.filter((c) => !READ_ACTION.test(c.action));
  expect(writes).toEqual([]);
});

describe('ztait probe against the deployed reference architecture', () => {
  let srv: AwsTestServer;
  let run: CliRun & { result: CheckResult };
  let snapshotFile: string;

  beforeAll(async () => {
    // The deployed example has no SSM parameter: one in the namespace makes the probe read a String
    // value (ssm:GetParameter), so every collector action of the allow-list is exercised here.
    const acct = account('reference');
    acct.ssm.Parameters.push({
      Name: '/ztait/config/log-level',
      Type: 'String',
      Value: 'info',
      ARN: 'arn:aws:ssm:us-east-1:111122223333:parameter/ztait/config/log-level',
      Tier: 'Standard',
      DataType: 'text',
      Tags: [],
    });
    srv = await serve(acct, { pageSize: 2 });
    snapshotFile = join(tempDir(), 'reference.snapshot.json');
    run = await probe(srv, '--save-snapshot', snapshotFile);
  }, 120_000);

  it('passes every invariant, exit 0, with the account and caller recorded', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^ztait: read account 111122223333 in us-east-1: \d+ calls, 0 failed\n$/);
    const ids = run.result.invariants.map((i) => i.id).filter((id) => id.startsWith('SI-'));
    expect(ids).toHaveLength(INVARIANT_COUNT);
    for (const id of ids)
      expect(statuses(run.result)[id], `${id}: ${si(run.result, id).reason ?? JSON.stringify(si(run.result, id).findings)}`).toBe('pass');
    expect(run.result.source.kind).toBe('live');
    expect(run.result.source.account).toEqual({
      id: '111122223333',
      region: 'us-east-1',
      caller: 'arn:aws:iam::111122223333:user/auditor',
    });
  });

  it('collects the namespace (prefix and ztait:system tag) and leaves everything else out', () => {
    const byType = run.result.inventory.by_type;
    expect(byType.aws_lambda_function).toBe(7);
    expect(byType.aws_iam_role).toBe(7);
    // (a name outside the prefix but tagged ztait:system is in scope too: inprocess.test.ts, --prefix)
    expect(byType.aws_dynamodb_table).toBe(7);
    expect(byType.aws_secretsmanager_secret).toBe(7); // 3 webhook sources + 4 integrations
    expect(byType.aws_ssm_parameter).toBe(1); // /ztait/config/log-level; /legacy/flag is outside the namespace
    expect(byType.aws_cloudtrail).toBe(1);
    expect(byType.aws_vpc_endpoint).toBe(4);
    const evidence = JSON.stringify(run.result.invariants);
    expect(evidence).not.toMatch(/legacy-|org-trail|AWSServiceRoleForSupport/);
    expect(evidence).toContain('arn:aws:dynamodb:us-east-1:111122223333:table/ztait-audit');
  });

  it('pages through every listing (page size 2) and sends nothing but reads', () => {
    const listed = srv.received.filter((c) => c.action === 'ListFunctions').length;
    expect(listed).toBeGreaterThan(3);
    expect(srv.received.every((c) => READ_ACTION.test(c.action))).toBe(true);
  });

  it('calls exactly the allow-listed collector actions, and --print-policy grants exactly those', async () => {
    const snap = JSON.parse(readFileSync(snapshotFile, 'utf8')) as { call_log: { service: string; action: string }[] };
    const called = new Set(snap.call_log.map((c) => `${c.service}:${c.action}`));
    const listed = new Set(READ_ONLY_ACTIONS.filter((a) => a.purpose === 'collector').map((a) => `${a.service}:${a.operation}`));
    expect([...called].sort()).toEqual([...listed].sort());
    for (const c of snap.call_log) expect(c.action).toMatch(READ_ACTION);

    const printed = await ztait(['probe', '--print-policy']);
    expect(printed.code).toBe(0);
    const policy = JSON.parse(printed.stdout) as ReturnType<typeof minimalPolicy>;
    const granted = new Set(READ_ONLY_ACTIONS.filter((a) => called.has(`${a.service}:${a.operation}`)).map((a) => a.iamAction));
    expect(policy.Statement[0]!.Action).toEqual([...granted].sort());
    expect(policy.Statement[0]!.Effect).toBe('Allow');
  });

  it('never writes secrets into the report or the snapshot', () => {
    const snap = readFileSync(snapshotFile, 'utf8');
    for (const text of [run.stdout, snap]) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('fixture-base-secret');
    }
  });

  it('re-evaluates the snapshot offline with identical verdicts', async () => {
    await srv.close(); // nothing left to answer: the replay must not need the network
    const replay = await ztait(['probe', '--snapshot', snapshotFile, '--format', 'json']);
    expect(replay.code, replay.stderr).toBe(0);
    const live = JSON.parse(run.stdout) as CheckResult;
    const offline = JSON.parse(replay.stdout) as CheckResult;
    expect(offline.source.inputs[0]!.path).toBe(snapshotFile);
    const comparable = (r: CheckResult) => JSON.stringify({ ...r, command_line: '', source: { ...r.source, inputs: [] } });
    expect(comparable(offline)).toBe(comparable(live));
  });
});

describe('one broken thing fails exactly that invariant, with the ARN', () => {
  it('PITR off on the audit table: only SI-6 fails, in every report format with the ARN', async () => {
    const srv = await serve(account('pitr-off'));
    const dir = tempDir();
    const run = await ztait([
      'probe',
      '--endpoint-url',
      srv.url,
      '--region',
      'us-east-1',
      '--format',
      'text,json,sarif,markdown,junit',
      '-o',
      `${dir}/`,
    ]);
    expect(run.code, run.stderr).toBe(1);
    const result = JSON.parse(readFileSync(join(dir, 'ztait.json'), 'utf8')) as CheckResult;
    expect(notPassing(result)).toEqual(['SI-6']);
    const tableArn = 'arn:aws:dynamodb:us-east-1:111122223333:table/ztait-audit';
    expect(si(result, 'SI-6').findings.map((f) => f.arn)).toEqual([tableArn]);
    for (const f of ['ztait.txt', 'ztait.sarif', 'ztait.md', 'ztait.xml'])
      expect(readFileSync(join(dir, f), 'utf8'), f).toContain(tableArn);
  });

  it('a role without a boundary: SI-3 and SI-4 fail on that role', async () => {
    const { code, result } = await probe(await serve(account('role-without-boundary')));
    expect(code).toBe(1);
    expect(notPassing(result)).toEqual(['SI-3', 'SI-4']);
    for (const id of ['SI-3', 'SI-4']) {
      expect(new Set(si(result, id).findings.map((f) => f.arn))).toEqual(new Set(['arn:aws:iam::111122223333:role/ztait-triage-engine']));
    }
  });

  it('a dashboard route without JWT: only SI-11 fails, on that route', async () => {
    const { code, result } = await probe(await serve(account('dashboard-route-without-jwt')));
    expect(code).toBe(1);
    expect(notPassing(result)).toEqual(['SI-11']);
    expect(new Set(si(result, 'SI-11').findings.map((f) => f.arn))).toEqual(
      new Set(['arn:aws:apigateway:us-east-1::/apis/a1b2c3d4e5/routes/rt0dash3']),
    );
  });
});

describe('fail closed', () => {
  it('AccessDenied on dynamodb:DescribeContinuousBackups: SI-6 is error naming the permission, SI-5 still passes', async () => {
    const { code, result } = await probe(await serve(account('no-pitr-permission')));
    expect(code).toBe(1);
    expect(notPassing(result)).toEqual(['SI-6']);
    const six = si(result, 'SI-6');
    expect(six.status).toBe('error');
    expect(JSON.stringify(six)).toContain('missing permission dynamodb:DescribeContinuousBackups');
  });

  it('AccessDenied on iam:ListRoles: the IAM invariants are error, never pass', async () => {
    const { code, result } = await probe(await serve(account('reference'), { actions: { 'iam:ListRoles': { kind: 'accessDenied' } } }));
    expect(code).toBe(1);
    for (const id of ['SI-3', 'SI-4', 'SI-7']) {
      expect(si(result, id).status, id).toBe('error');
      expect(JSON.stringify(si(result, id)), id).toContain('iam:ListRoles');
    }
    expect(result.limitations.join('\n')).toContain('missing permission iam:ListRoles');
  });

  it('throttling that outlasts the retries is error; throttling within them is absorbed', async () => {
    const absorbed = await probe(
      await serve(account('reference'), { actions: { 'dynamodb:DescribeTable': { kind: 'throttle', times: 2 } } }),
      '--max-attempts',
      '4',
    );
    expect(absorbed.code, JSON.stringify(notPassing(absorbed.result))).toBe(0);

    const srv = await serve(account('reference'), { actions: { 'dynamodb:ListTables': { kind: 'throttle', times: 1000 } } });
    const exhausted = await probe(srv, '--max-attempts', '3');
    expect(exhausted.code).toBe(1);
    // (SI-10 reports the missing dedup table as fail; error would be more exact, but it is not a pass.)
    expect(si(exhausted.result, 'SI-10').status).not.toBe('pass');
    for (const id of ['SI-5', 'SI-6', 'SI-10']) {
      if (id !== 'SI-10') expect(si(exhausted.result, id).status, id).toBe('error');
      expect(JSON.stringify(si(exhausted.result, id)), id).toMatch(
        /dynamodb:ListTables failed: ThrottlingException \(throttled after 3 attempts/,
      );
    }
    expect(srv.received.filter((c) => c.action === 'ListTables' && c.status === 400)).toHaveLength(3);
  });

  it('a 500 is retried; a slow answer past the timeout is error, within it is fine', async () => {
    const retried = await probe(await serve(account('reference'), { actions: { 'lambda:ListFunctions': { kind: 'error500', times: 1 } } }));
    expect(retried.code, JSON.stringify(notPassing(retried.result))).toBe(0);

    const slowOk = await probe(
      await serve(account('reference'), { actions: { 'secretsmanager:ListSecrets': { kind: 'delay', ms: 300 } } }),
      '--timeout-ms',
      '3000',
    );
    expect(slowOk.code).toBe(0);

    const tooSlow = await probe(
      await serve(account('reference'), { actions: { 'secretsmanager:ListSecrets': { kind: 'delay', ms: 2500 } } }),
      '--timeout-ms',
      '400',
      '--max-attempts',
      '1',
    );
    expect(tooSlow.code).toBe(1);
    const twelve = si(tooSlow.result, 'SI-12');
    expect(twelve.status).toBe('error');
    expect(JSON.stringify(twelve)).toContain('secretsmanager:ListSecrets failed');
  });

  it('an endpoint that does not answer is a run that could not start: one line, exit 2, no report', async () => {
    const srv = await serve(account('reference'));
    const url = srv.url;
    await srv.close();
    const run = await ztait([
      'probe',
      '--endpoint-url',
      url,
      '--region',
      'us-east-1',
      '--format',
      'json',
      '--max-attempts',
      '1',
      '--timeout-ms',
      '1000',
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^ztait: could not read the account: sts:GetCallerIdentity failed: .*the endpoint did not answer/);
  });

  it('a GetCallerIdentity that fails (HTTP 500 past the retries) is the same: exit 2, one line, nothing else sent', async () => {
    const srv = await serve(account('reference'), { actions: { 'sts:GetCallerIdentity': { kind: 'error500', times: 99 } } });
    const run = await ztait(['probe', '--endpoint-url', srv.url, '--region', 'us-east-1', '--max-attempts', '2']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^ztait: could not read the account: sts:GetCallerIdentity failed: /);
    expect(srv.received.map((c) => c.action)).toEqual(['GetCallerIdentity', 'GetCallerIdentity']);
  });

  it('a simulator the endpoint does not implement (HTML 500) is a limitation, not a verdict', async () => {
    const { code, result } = await probe(await serve(account('simulator-not-implemented')), '--max-attempts', '1');
    expect(code).toBe(0);
    expect(notPassing(result)).toEqual([]);
    expect(result.limitations.join('\n')).toMatch(/SimulatePrincipalPolicy.*not an AWS response/);
  });
});

describe('credentials and targeting', () => {
  it('--role-arn assumes the audit role as session ztait-audit and audits with its credentials', async () => {
    const srv = await serve(account('reference'));
    const { code, result } = await probe(
      srv,
      '--role-arn',
      'arn:aws:iam::111122223333:role/ztait-auditor',
      '--external-id',
      'ztait-external-id',
    );
    expect(code).toBe(0);
    expect(result.source.account?.caller).toBe('arn:aws:sts::111122223333:assumed-role/ztait-auditor/ztait-audit');
    const assume = srv.received.filter((c) => c.action === 'AssumeRole');
    expect(assume).toHaveLength(1);
    expect(assume[0]!.accessKeyId).toBe('AKIAFIXTURE000000001');
    const others = srv.received.filter((c) => c.action !== 'AssumeRole');
    expect(others.every((c) => c.accessKeyId?.startsWith('ASIAFIXTURE'))).toBe(true);
  });

  it('an audit role that cannot be assumed stops the run with exit 2 and one line', async () => {
    const srv = await serve(account('reference'));
    const run = await ztait([
      'probe',
      '--endpoint-url',
      srv.url,
      '--region',
      'us-east-1',
      '--role-arn',
      'arn:aws:iam::111122223333:role/ztait-auditor',
      '--external-id',
      'wrong',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/sts:AssumeRole failed: AccessDenied/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--profile reads credentials and region from the shared files', async () => {
    const srv = await serve(account('reference'));
    const dir = tempDir();
    writeFileSync(join(dir, 'config'), '[profile auditor]\nregion = us-east-1\n');
    writeFileSync(
      join(dir, 'credentials'),
      '[auditor]\naws_access_key_id = AKIAPROFILE000000001\naws_secret_access_key = profile-secret\n',
    );
    const run = await ztait(['probe', '--endpoint-url', srv.url, '--profile', 'auditor', '--format', 'json', '--quiet'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe(''); // --quiet, and no progress display when stderr is not a terminal
    expect((JSON.parse(run.stdout) as CheckResult).source.account?.region).toBe('us-east-1');
    expect(srv.received.length).toBeGreaterThan(0);
    expect(srv.received.every((c) => c.accessKeyId === 'AKIAPROFILE000000001')).toBe(true);
  });

  it('no credentials anywhere: exit 2 saying so, nothing sent', async () => {
    const srv = await serve(account('reference'));
    const run = await ztait(['probe', '--endpoint-url', srv.url, '--region', 'us-east-1'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/credentials/i);
    expect(srv.received).toEqual([]);
  });

  it('usage errors exit 2 with one line', async () => {
    const cases: [string[], RegExp][] = [
      [['probe', '--snapshot', '/nonexistent/snap.json'], /cannot read snapshot/],
      [['probe', '--external-id', 'x'], /--external-id needs --role-arn/],
      [['probe', '--role-arn', 'not-an-arn'], /not an IAM role ARN/],
      [['probe', '--concurrency', '0'], /positive integer/],
      [['probe', '--endpoint-url', 'ftp://x'], /http or https/],
      [['probe', '--snapshot', 'x.json', '--region', 'us-east-1'], /--snapshot replays offline/],
      [['probe', '--endpoint-url', 'http://127.0.0.1:9'], /no AWS region/],
    ];
    const runs = await Promise.all(cases.map(([args]) => ztait(args)));
    cases.forEach(([args, message], i) => {
      expect(runs[i]!.code, args.join(' ')).toBe(2);
      expect(runs[i]!.stderr, args.join(' ')).toMatch(message);
      expect(runs[i]!.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    });
  });
});
