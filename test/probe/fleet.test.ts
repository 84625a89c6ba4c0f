/**
 * The fleet probe in process (src/sources/aws/fleet/, src/systems.ts fleetResult): one sweep of an
 * Organization on the local test server, judged and rendered in every format; the account list,
 * shards, reasons and the fleet's policy as units. The built CLI is run once, in fleet.e2e.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { emptyInventory, type Inventory } from '../../src/model/inventory.js';
import type { CheckResult } from '../../src/model/result.js';
import { render } from '../../src/report/index.js';
import { scan } from '../../src/scan.js';
import { minimalPolicy } from '../../src/sources/aws/actions.js';
import { ConnectionSetupError } from '../../src/sources/aws/clients.js';
import { parseAccountList, parseRegions, readAccountsFile } from '../../src/sources/aws/fleet/accounts.js';
import { fleetPolicy } from '../../src/sources/aws/fleet/policy.js';
import { blockedRegionReason } from '../../src/sources/aws/fleet/reasons.js';
import { inShard, parseShard, shardOf } from '../../src/sources/aws/fleet/shard.js';
import { sweepFleet, type FleetOptions } from '../../src/sources/aws/fleet/sweep.js';
import { ForbiddenCallError, ProbeSession } from '../../src/sources/aws/session.js';
import { fleetResult, systemRoot, unreadResult } from '../../src/systems.js';
import { markdownlint, schemaErrors } from '../report/tools.js';
import { FAKE_ENV, READ_ACTION, account, cleanup, tempDir, useFakeAwsEnv } from './harness.js';
import { startExampleOrganization } from './server/fleet.js';
import { startAwsServer, type AwsTestServer } from './server/server.js';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';

useFakeAwsEnv();

const MGMT = '111122223333';
const PROD = '222233334444';
const PITR = '333344445555';
const DENIED = '444455556666';

const judge = (inventory: Inventory): Promise<CheckResult> =>
  scan({ source: { kind: 'inventory', inventory }, commandLine: 'ztait probe --org' });

/** A sweep judged and combined as the CLI does it. */
async function fleet(srv: AwsTestServer, opts: Partial<FleetOptions>) {
  const template = await judge(emptyInventory('live'));
  const swept = await sweepFleet<CheckResult>(
    { endpointUrl: srv.url, region: 'us-east-1', accounts: 'org', ...opts },
    { judge, unread: (reason) => unreadResult(template, reason) },
  );
  const systems = swept.systems.map((s) => ({ ...s, root: systemRoot(s.account, s.region) }));
  const combine = (order: typeof systems) => fleetResult(order, swept.accounts, { template, ...(opts.shard ? { shard: opts.shard } : {}) });
  return { swept, result: combine(systems), reversed: combine([...systems].reverse()) };
}

const verdicts = (r: CheckResult, root: string): Record<string, string> =>
  Object.fromEntries(r.systems!.find((s) => s.root === root)!.invariants.map((i) => [i.id, i.status]));
const notPassing = (r: CheckResult, root: string): string[] =>
  Object.entries(verdicts(r, root))
    .filter(([, s]) => s !== 'pass')
    .map(([id, s]) => `${id} ${s}`);

describe('a sweep of an Organization', () => {
  let srv: AwsTestServer;
  let run: Awaited<ReturnType<typeof fleet>>;

  beforeAll(async () => {
    // (useFakeAwsEnv's credentials come with each test: this sweep runs before them)
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, FAKE_ENV);
    srv = await startExampleOrganization(account, { prod: PROD, pitr: PITR, denied: DENIED });
    run = await fleet(srv, { regions: 'all-enabled' });
  }, 60_000);
  afterAll(async () => {
    await srv.close();
    cleanup();
  });

  it('lists the active accounts, enters each with its own credentials and sends nothing but reads', () => {
    expect(run.result.fleet!.accounts.map((a) => [a.id, a.name, a.regions, a.status])).toEqual([
      [MGMT, `account-${MGMT}`, [], 'error'],
      [PROD, 'prod', ['eu-west-1', 'us-east-1'], 'error'],
      [PITR, 'staging', ['us-east-1'], 'fail'],
      [DENIED, `account-${DENIED}`, [], 'error'],
    ]);
    expect(srv.received.filter((c) => c.action === 'ListAccounts')).toHaveLength(1);
    // every read of a member is signed with the credentials AssumeRole issued in it
    const lambda = srv.received.filter((c) => c.action === 'ListFunctions').map((c) => c.accessKeyId?.slice(0, 23));
    expect(new Set(lambda)).toEqual(new Set([`ASIAFIXTURE${PROD}`, `ASIAFIXTURE${PITR}`]));
    expect(srv.received.filter((c) => !READ_ACTION.test(c.action))).toEqual([]);
  });

  it('gives each account x region its own verdicts, and contains what could not be read', () => {
    const r = run.result;
    expect(r.systems!.map((s) => [s.root, s.account, s.region, s.status])).toEqual([
      [MGMT, MGMT, undefined, 'error'],
      [`${PROD}/eu-west-1`, PROD, 'eu-west-1', 'error'],
      [`${PROD}/us-east-1`, PROD, 'us-east-1', 'pass'],
      [`${PITR}/us-east-1`, PITR, 'us-east-1', 'fail'],
      [DENIED, DENIED, undefined, 'error'],
    ]);
    expect(notPassing(r, `${PROD}/us-east-1`)).toEqual([]);
    expect(notPassing(r, `${PITR}/us-east-1`)).toEqual(['SI-6 fail']);
    expect(new Set(Object.values(verdicts(r, DENIED)))).toEqual(new Set(['error']));
    const denied = r.fleet!.accounts.find((a) => a.id === DENIED)!.reason!;
    expect(denied).toBe(
      `account ${DENIED} could not be entered: sts:AssumeRole of arn:aws:iam::${DENIED}:role/ztait-audit was denied (AccessDenied): the role is missing, or its trust policy does not let this auditor assume it`,
    );
    expect(r.systems!.find((s) => s.root === DENIED)!.invariants.every((i) => i.reason === denied)).toBe(true);
    // the endpoint's own words never reach the report
    expect(JSON.stringify(r)).not.toMatch(/not authorized to perform|explicit deny in a service control policy/);
    expect(r.fleet!.accounts.find((a) => a.id === PROD)!.reason).toMatch(
      /^region eu-west-1 could not be read: all \d+ regional calls were denied \(a service control policy denies the region/,
    );
    expect(r.source).toEqual({ kind: 'live', inputs: [] });
    expect(r.gate.passed).toBe(false);
  });

  it('counts each account once per invariant, with its worst verdict over its regions', () => {
    const si6 = run.result.fleet!.invariants.find((i) => i.id === 'SI-6')!.counts;
    expect(si6).toEqual({ pass: 0, fail: 1, error: 3, not_applicable: 0, suppressed: 0 });
    const si1 = run.result.fleet!.invariants.find((i) => i.id === 'SI-1')!.counts;
    expect(si1).toEqual({ pass: 1, fail: 0, error: 3, not_applicable: 0, suppressed: 0 });
  });

  it('is the same result whatever order the accounts finished in', () => {
    expect(render(run.reversed, 'json', { color: false })).toBe(render(run.result, 'json', { color: false }));
  });

  it('puts the account and region on every finding, in every format', () => {
    const r = run.result;
    const findings = r.invariants.flatMap((i) => i.findings);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect([f.account, f.region, f.root]).toEqual([PITR, 'us-east-1', `${PITR}/us-east-1`]);
    expect(r.invariants.flatMap((i) => i.examined).every((e) => e.account && e.region && e.root === `${e.account}/${e.region}`)).toBe(true);

    const sarif = JSON.parse(render(r, 'sarif', { color: false })) as {
      runs: {
        results: {
          ruleId: string;
          locations: { logicalLocations: { kind: string; fullyQualifiedName: string }[] }[];
          properties: object;
        }[];
        invocations: { toolExecutionNotifications: { descriptor: { id: string }; locations?: { logicalLocations?: object[] }[] }[] }[];
      }[];
    };
    expect(schemaErrors(sarif)).toEqual([]);
    const res = sarif.runs[0]!.results;
    expect(res.map((x) => x.ruleId)).toEqual(['SI-6']);
    expect(res[0]!.locations[0]!.logicalLocations).toContainEqual({ kind: 'module', fullyQualifiedName: `${PITR}/us-east-1` });
    expect(res[0]!.properties).toMatchObject({ account: PITR, region: 'us-east-1' });
    const undecided = sarif.runs[0]!.invocations[0]!.toolExecutionNotifications.find((n) => n.descriptor.id === 'ZTAIT-UNDECIDABLE')!;
    expect(undecided.locations!.flatMap((l) => l.logicalLocations)).toEqual([
      { kind: 'module', fullyQualifiedName: MGMT },
      { kind: 'module', fullyQualifiedName: `${PROD}/eu-west-1` },
      { kind: 'module', fullyQualifiedName: DENIED },
    ]);

    const junit = render(r, 'junit', { color: false });
    const all = String(r.invariants.length);
    const suites = [...junit.matchAll(/<testsuite name="([^"]+)"[^>]* failures="(\d+)" errors="(\d+)"/g)].map((m) => [m[1], m[2], m[3]]);
    expect(suites).toEqual([
      [MGMT, '0', all],
      [`${PROD}/eu-west-1`, '0', all],
      [`${PROD}/us-east-1`, '0', '0'],
      [`${PITR}/us-east-1`, '1', '0'],
      [DENIED, '0', all],
    ]);

    const md = render(r, 'markdown', { color: false });
    expect(md).toContain('## Organization summary');
    expect(md).toMatch(/\| SI-6 +\| 0 +\| 1 +\| 3 +\| 0 +\| 0 +\|/);
    expect(md).toContain(`## Account ${PITR} in us-east-1: fail`);
    expect(md.replace(/\s+/g, ' ')).toContain(`(account ${PITR}/us-east-1)`);
    expect(markdownlint(md).output).not.toMatch(/MD\d{3}/);

    const text = render(r, 'text', { color: false });
    expect(text.indexOf('Organization summary')).toBeLessThan(text.indexOf(`Account ${PITR} (staging) in us-east-1: fail`));
    expect(text).toContain(`[${PITR}/us-east-1]`);
    expect(text).toContain(`Account ${DENIED} (account-${DENIED}): error\n  not read: account ${DENIED} could not be entered`);
  });
});

describe('what stops a sweep (exit 2) and what does not', () => {
  it('an Organization that cannot be listed, or an auditor identity that cannot be read', async () => {
    const srv = await startAwsServer({
      account: account('reference'),
      faults: { actions: { 'organizations:ListAccounts': { kind: 'accessDenied' } } },
    });
    try {
      await expect(fleet(srv, {})).rejects.toThrow(
        new ConnectionSetupError(
          "could not list the Organization's accounts: organizations:ListAccounts was denied (AccessDeniedException) (--org reads from the management account or a delegated administrator)",
        ),
      );
    } finally {
      await srv.close();
    }
    const down = await startAwsServer({
      account: account('reference'),
      faults: { actions: { 'sts:GetCallerIdentity': { kind: 'accessDenied' } } },
    });
    try {
      await expect(fleet(down, { accounts: [{ id: PROD }] })).rejects.toThrow(
        /^could not read the auditor identity: sts:GetCallerIdentity was denied/,
      );
    } finally {
      await down.close();
    }
  });

  it('a shard the hash gives no account: every invariant not applicable, the gate passes', async () => {
    const template = await judge(emptyInventory('live'));
    const r = fleetResult([], [], { template, shard: { index: 2, count: 2 } });
    expect(new Set(r.invariants.map((i) => i.status))).toEqual(new Set(['not_applicable']));
    expect(r.fleet).toEqual({ accounts: [], invariants: expect.any(Array), shard: { index: 2, count: 2 } });
    expect(r.gate.passed).toBe(true);
  });

  it('an account throttled throughout is one region not read, in ztait words', () => {
    const log = ['lambda', 'dynamodb', 'ec2', 'iam'].map((service) => ({
      service: service as 'lambda',
      action: 'List',
      ok: service === 'iam',
      ...(service === 'iam' ? {} : { error: service === 'ec2' ? 'RequestLimitExceeded' : 'ThrottlingException' }),
      ms: 1,
    }));
    expect(blockedRegionReason('us-east-1', log)).toBe(
      'region us-east-1 could not be read: all 3 regional calls were throttled until the retries ran out',
    );
    expect(blockedRegionReason('us-east-1', [...log, { service: 'ssm', action: 'List', ok: true, ms: 1 }])).toBeUndefined();
  });
});

describe('choosing accounts', () => {
  it('checks ids, and names a bad line of a file without quoting more than an id-shaped token', () => {
    expect(parseAccountList(' 111122223333,444455556666 ')).toEqual(['111122223333', '444455556666']);
    expect(() => parseAccountList('111122223333,12345')).toThrow('--accounts: "12345" is not a 12-digit AWS account id');
    const file = join(tempDir(), 'accounts.txt');
    writeFileSync(file, '# prod\n111122223333  # main\n\n444455556666\r\n');
    expect(readAccountsFile(file)).toEqual(['111122223333', '444455556666']);
    writeFileSync(file, `111122223333\n${'secret-looking-text '.repeat(20)}\n`);
    expect(() => readAccountsFile(file)).toThrow(`${file}:2: is not a 12-digit AWS account id (one id a line, # comments)`);
    writeFileSync(file, '111122223333\n11112222333\n');
    expect(() => readAccountsFile(file)).toThrow(`${file}:2: "11112222333" is not a 12-digit AWS account id`);
    writeFileSync(file, 'AKIAIOSFODNN7EXAMPLE\n');
    expect(() => readAccountsFile(file)).toThrow(`${file}:1: is not a 12-digit AWS account id`);
    expect(() => readAccountsFile(join(tempDir(), 'none'))).toThrow(/no such file/);
    expect(parseRegions('us-east-1,eu-west-1,us-east-1')).toEqual(['eu-west-1', 'us-east-1']);
    expect(parseRegions('all-enabled')).toBe('all-enabled');
    expect(() => parseRegions('us-east-1,mars')).toThrow('--regions: "mars" is not an AWS region name');
  });

  it('--shard i/N: every account in exactly one shard, stable as accounts come and go', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/2', '3/2', '1/0', 'a/b', '1', '1/2/3']) expect(() => parseShard(bad)).toThrow(/--shard expects i\/N/);
    const ids = Array.from({ length: 400 }, (_, i) => ({ id: String(100000000000 + i * 7919) }));
    const parts = [1, 2, 3, 4].map((index) => inShard(ids, { index, count: 4 }));
    expect(
      parts
        .flat()
        .map((a) => a.id)
        .sort(),
    ).toEqual(ids.map((a) => a.id).sort());
    for (const p of parts) expect(p.length).toBeGreaterThan(60); // roughly even
    // an account's shard depends on its id alone; a fifth shard takes about a fifth from the others
    const moved = ids.filter((a) => shardOf(a.id, 5) !== shardOf(a.id, 4));
    expect(moved.every((a) => shardOf(a.id, 5) === 5)).toBe(true);
    expect(moved.length).toBeGreaterThan(40);
    expect(moved.length).toBeLessThan(130);
  });

  it('the session lets the auditor assume only --role-name, in any account, as ztait-audit', async () => {
    const session = new ProbeSession({ auditRoleName: 'ztait-audit' });
    const sts = session.attach(
      new STSClient({
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        maxAttempts: 1,
      }),
      'sts',
    );
    const assume = (RoleArn: string, RoleSessionName = 'ztait-audit') =>
      sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName })).catch((e: unknown) => e);
    expect(await assume(`arn:aws:iam::${PROD}:role/admin`)).toBeInstanceOf(ForbiddenCallError);
    expect(await assume(`arn:aws:iam::${PROD}:role/path/ztait-audit`)).toBeInstanceOf(ForbiddenCallError);
    expect(await assume(`arn:aws:iam::${PROD}:role/ztait-audit`, 'other')).toBeInstanceOf(ForbiddenCallError);
    expect(await assume(`arn:aws:iam::${PROD}:role/ztait-audit`)).not.toBeInstanceOf(ForbiddenCallError);
  });
});

describe('--print-policy of a fleet', () => {
  it('the auditor policy, the member role and a StackSet that deploys it', () => {
    const p = fleetPolicy({ roleName: 'ztait-audit', externalId: 'ext-123', org: true });
    expect(p.auditor_policy.Statement.map((s) => [s.Action, s.Resource])).toEqual([
      [['organizations:ListAccounts'], '*'],
      [['sts:AssumeRole'], 'arn:aws:iam::*:role/ztait-audit'],
    ]);
    expect(p.member_role.trust_policy.Statement[0]).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::<AUDITOR_ACCOUNT_ID>:root' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'ext-123' } },
    });
    expect(p.member_role.permissions_policy).toEqual(minimalPolicy({ fleet: true }));
    expect(p.member_role.permissions_policy.Statement[0]!.Action).toContain('ec2:DescribeRegions');
    expect(minimalPolicy().Statement[0]!.Action).not.toContain('ec2:DescribeRegions');

    const outer = parseYaml(p.stackset_template) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const stackSet = outer.Resources.ZtaitAuditRoleStackSet!;
    expect(stackSet.Type).toBe('AWS::CloudFormation::StackSet');
    expect(stackSet.Properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
    });
    const inner = parseYaml(stackSet.Properties.TemplateBody as string) as typeof outer;
    const role = inner.Resources.ZtaitAuditRole!;
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties.RoleName).toBe('ztait-audit');
    expect(role.Properties.Policies).toEqual([{ PolicyName: 'ztait-probe-read-only', PolicyDocument: minimalPolicy({ fleet: true }) }]);
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('"sts:ExternalId":{"Ref":"ExternalId"}');

    const plain = fleetPolicy({ roleName: 'auditor', org: false });
    expect(plain.auditor_policy.Statement.map((s) => s.Action)).toEqual([['sts:AssumeRole']]);
    expect(plain.member_role.trust_policy.Statement[0]!.Condition).toBeUndefined();
  });
});
