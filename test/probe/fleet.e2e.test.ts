/**
 * `ztait probe --accounts` end to end through the built CLI, against the local test server holding
 * three member accounts: the reference architecture, one with PITR off, one whose audit role cannot
 * be assumed. Everything else of the fleet is tested in process (fleet.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/model/result.js';
import { FORMAT_EXTENSIONS, render } from '../../src/report/index.js';
import { READ_ACTION, account, buildCli, cleanup, tempDir, ztait, type CliRun } from './harness.js';
import { memberAccount } from './server/fleet.js';
import { startAwsServer, type AwsTestServer } from './server/server.js';

const PROD = '222233334444';
const PITR = '333344445555';
const DENIED = '444455556666';
const ALL = [PROD, PITR, DENIED];

let srv: AwsTestServer;
let dir: string;
let single: CliRun;
let singleJson: CliRun;
let shards: CheckResult[];
let merged: CliRun;
const MERGED_FORMATS = ['json', 'sarif', 'markdown', 'junit', 'html', 'ocsf'] as const;

const sweep = (...args: string[]) =>
  ztait(['probe', '--accounts', ALL.join(','), '--endpoint-url', srv.url, '--region', 'us-east-1', '--regions', 'us-east-1', ...args]);
const json = (run: CliRun): CheckResult => {
  try {
    return JSON.parse(run.stdout) as CheckResult;
  } catch {
    throw new Error(`no JSON report (exit ${run.code}): ${run.stderr}`);
  }
};

beforeAll(async () => {
  srv = await startAwsServer({
    account: account('reference'),
    accounts: {
      [PROD]: memberAccount(account('reference'), PROD),
      [PITR]: memberAccount(account('pitr-off'), PITR),
      [DENIED]: memberAccount(account('reference'), DENIED, { assumable: false }),
    },
    lifetimeMs: 300_000,
  });
  await buildCli();
  dir = tempDir();
  // the single run (twice: the shards' command line without --shard) and the two shards side by
  // side: the server answers them all
  const [one, plain, ...parts] = await Promise.all([
    sweep('--format', 'json,sarif,junit', '-o', `${dir}/`),
    sweep('--format', 'json', '--quiet'),
    sweep('--shard', '1/2', '--format', 'json', '--quiet'),
    sweep('--shard', '2/2', '--format', 'json', '--quiet'),
  ]);
  single = one!;
  singleJson = plain!;
  shards = parts.map(json);
  const files = parts.map((p, i) => {
    const file = join(dir, `shard-${i + 1}.json`);
    writeFileSync(file, p!.stdout);
    return file;
  });
  merged = await ztait(['merge', ...files, '--format', MERGED_FORMATS.join(','), '-o', `${dir}/merged/`]);
}, 180_000);

afterAll(async () => {
  await srv.close();
  cleanup();
});

describe('ztait probe --accounts: three accounts, one with PITR off, one whose role cannot be assumed', () => {
  it('gives exactly those verdicts per account in JSON, and exit 1', () => {
    expect(single.code, single.stderr).toBe(1);
    const r = JSON.parse(readFileSync(join(dir, 'ztait.json'), 'utf8')) as CheckResult;
    expect(r.fleet!.accounts.map((a) => [a.id, a.status])).toEqual([
      [PROD, 'pass'],
      [PITR, 'fail'],
      [DENIED, 'error'],
    ]);
    const notPassing = (root: string) =>
      r.systems!.find((s) => s.root === root)!.invariants.flatMap((i) => (i.status === 'pass' ? [] : [`${i.id} ${i.status}`]));
    expect(notPassing(`${PROD}/us-east-1`)).toEqual([]);
    expect(notPassing(`${PITR}/us-east-1`)).toEqual(['SI-6 fail']);
    expect(notPassing(`${DENIED}/us-east-1`)).toEqual(r.invariants.map((i) => `${i.id} error`));
    expect(r.fleet!.accounts[2]!.reason).toMatch(
      new RegExp(`^account ${DENIED} could not be entered: sts:AssumeRole of arn:aws:iam::${DENIED}:role/ztait-audit was denied`),
    );
    expect(r.invariants.flatMap((i) => i.findings).map((f) => [f.account, f.region])).toEqual([[PITR, 'us-east-1']]);
    expect(single.stderr).toMatch(new RegExp(`ztait: account ${DENIED}: 1 region\\(s\\), 1 calls, 1 failed; not read: `));
  });

  it('locates each finding by account and region in SARIF, and has a JUnit suite per account', () => {
    const sarif = JSON.parse(readFileSync(join(dir, 'ztait.sarif'), 'utf8')) as {
      runs: {
        results: { ruleId: string; locations: { logicalLocations: { kind: string; fullyQualifiedName: string }[] }[] }[];
        invocations: { toolExecutionNotifications: { descriptor: { id: string }; locations?: { logicalLocations?: object[] }[] }[] }[];
      }[];
    };
    const run = sarif.runs[0]!;
    expect(
      run.results.map((x) => [x.ruleId, x.locations[0]!.logicalLocations.find((l) => l.kind === 'module')?.fullyQualifiedName]),
    ).toEqual([['SI-6', `${PITR}/us-east-1`]]);
    const undecided = run.invocations[0]!.toolExecutionNotifications.filter((n) => n.descriptor.id === 'ZTAIT-UNDECIDABLE');
    for (const n of undecided)
      expect(n.locations).toEqual([{ logicalLocations: [{ kind: 'module', fullyQualifiedName: `${DENIED}/us-east-1` }] }]);

    const junit = readFileSync(join(dir, 'ztait.xml'), 'utf8');
    const suites = [...junit.matchAll(/<testsuite name="([^"]+)"[^>]* failures="(\d+)" errors="(\d+)"/g)].map((m) => [
      m[1],
      Number(m[2]),
      Number(m[3]) > 0,
    ]);
    expect(suites).toEqual([
      [`${PROD}/us-east-1`, 0, false],
      [`${PITR}/us-east-1`, 1, false],
      [`${DENIED}/us-east-1`, 0, true],
    ]);
  });

  it('--shard 1/2 and 2/2 cover every account exactly once, each with the verdicts of the single run', () => {
    const r = JSON.parse(readFileSync(join(dir, 'ztait.json'), 'utf8')) as CheckResult;
    expect(shards.map((s) => s.fleet!.shard)).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
    const covered = shards.flatMap((s) => s.fleet!.accounts.map((a) => a.id));
    expect([...covered].sort()).toEqual(ALL);
    for (const s of shards) for (const sys of s.systems!) expect(sys).toEqual(r.systems!.find((x) => x.root === sys.root));
  });

  it('ztait merge of the two shards is the single run: byte for byte in JSON, and in sarif, markdown, junit, html, ocsf', () => {
    expect(merged.code, merged.stderr).toBe(1);
    expect(merged.stderr).toBe('ztait: merged 2 shard(s): 3 account(s), 3 account x region(s), 1 account(s) not read in full\n');
    expect(singleJson.code, singleJson.stderr).toBe(1);
    const out = (format: (typeof MERGED_FORMATS)[number]) =>
      readFileSync(join(dir, 'merged', `ztait.${FORMAT_EXTENSIONS[format]}`), 'utf8');
    expect(out('json')).toBe(singleJson.stdout);
    const r = json(singleJson);
    for (const format of MERGED_FORMATS.slice(1)) expect(out(format), format).toBe(render(r, format, { color: false }));
  });

  it('sends nothing but reads', () => {
    expect(srv.received.length).toBeGreaterThan(100);
    expect(srv.received.filter((c) => !READ_ACTION.test(c.action))).toEqual([]);
  });

  it('--print-policy of a fleet, and flags that do not go together (exit 2)', async () => {
    const printed = await ztait(['probe', '--org', '--role-name', 'auditor', '--print-policy']);
    expect(printed.code, printed.stderr).toBe(0);
    const p = JSON.parse(printed.stdout) as Record<string, { Statement?: { Resource?: string }[] }>;
    expect(Object.keys(p)).toEqual(['auditor_policy', 'member_role', 'stackset_template']);
    expect(p.auditor_policy!.Statement!.map((s) => s.Resource)).toEqual(['*', 'arn:aws:iam::*:role/auditor']);
    const bad = await ztait(['probe', '--accounts', PROD, '--role-arn', `arn:aws:iam::${PROD}:role/x`]);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      'ztait: --accounts and --role-arn do not go together: each account is entered with --role-name\n',
    ]);
  });
});
