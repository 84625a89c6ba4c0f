import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import type { CheckResult } from '../../src/model/result.js';
import { startAwsServer, type AwsTestServer, type ReceivedCall } from './server/server.js';
import { SecurityHubStore } from './server/securityhub.js';
import { READ_ACTION, account, buildCli, cleanup, tempDir, ztait, type CliRun } from './harness.js';

/**
 * Issue 19, "findings where fleets look", through the built CLI against the local AWS test server:
 * probe -> export securityhub; a re-run is idempotent; a finding fixed since is resolved; the server
 * receives writes only from the export, never from the probe. One Security Hub (a shared store)
 * behind two servers: the account with PITR off, then the same account fixed.
 */

type Obj = Record<string, unknown>;
const servers: AwsTestServer[] = [];
const EXPORT_ACTIONS = new Set(['GetCallerIdentity', 'GetFindings', 'BatchImportFindings', 'BatchUpdateFindings']);
const WRITES = new Set(['BatchImportFindings', 'BatchUpdateFindings']);

beforeAll(buildCli, 180_000);
afterAll(async () => {
  for (const s of servers) await s.close();
  cleanup();
});

describe('ztait probe, then ztait export securityhub', () => {
  const hub = new SecurityHubStore();
  let broken: AwsTestServer;
  let fixed: AwsTestServer;
  const dir = (): string => tempDir();
  /** Every CLI run and what the servers received during it. */
  const runs: { args: string[]; received: ReceivedCall[]; run: CliRun }[] = [];

  async function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
    const before = servers.map((s) => s.received.length);
    const run = await ztait(args, env);
    runs.push({ args, received: servers.flatMap((s, i) => s.received.slice(before[i])), run });
    return run;
  }
  const probe = (srv: AwsTestServer, out: string, env: Record<string, string> = {}) =>
    cli(['probe', '--endpoint-url', srv.url, '--region', 'us-east-1', '--format', 'json,asff,ocsf', '-o', `${out}/`], env);
  const exportTo = (srv: AwsTestServer, result: string, ...more: string[]) =>
    cli(['export', 'securityhub', result, '--endpoint-url', srv.url, '--region', 'us-east-1', ...more]);
  const stored = (id: string): Obj => hub.byId(id)!;
  const withoutProcessing = (f: Obj): Obj => ({ ...f, ProcessedAt: undefined });

  let first: string;
  let asffIds: string[];
  const si6 = 'ztait/111122223333/us-east-1/SI-6/';

  beforeAll(async () => {
    broken = await startAwsServer({ account: account('pitr-off'), securityHub: hub, lifetimeMs: 300_000 });
    fixed = await startAwsServer({ account: account('reference'), securityHub: hub, lifetimeMs: 300_000 });
    servers.push(broken, fixed);
    first = dir();
    const run = await probe(broken, first);
    expect(run.code, run.stderr).toBe(1);
    asffIds = (JSON.parse(readFileSync(join(first, 'ztait.asff.json'), 'utf8')) as AwsSecurityFinding[]).map((f) => f.Id!).sort();
  }, 120_000);

  it('exports the result: the findings Security Hub holds are the ASFF report, SI-6 FAILED and NEW', async () => {
    const run = await exportTo(broken, join(first, 'ztait.json'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /^ztait: sent \d+ finding\(s\) to Security Hub in account 111122223333, us-east-1: 0 fixed since the last export archived, 0 resolved, 0 suppressed\n$/,
    );
    expect(hub.ids()).toEqual(asffIds);
    const failing = hub.ids().filter((id) => id.startsWith(si6) && !id.endsWith('/check'));
    expect(failing).toHaveLength(1);
    expect(stored(failing[0]!)).toMatchObject({
      RecordState: 'ACTIVE',
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
      Resources: [{ Type: 'AwsDynamoDbTable', Id: 'arn:aws:dynamodb:us-east-1:111122223333:table/ztait-audit' }],
    });
    // the OCSF report of the same probe has the same ids
    const ocsf = JSON.parse(readFileSync(join(first, 'ztait.ocsf.json'), 'utf8')) as { finding_info: { uid: string } }[];
    expect(ocsf.map((e) => e.finding_info.uid).sort()).toEqual(asffIds);
  });

  it('a re-run is idempotent: the same ids, the same findings', async () => {
    const before = new Map(hub.ids().map((id) => [id, withoutProcessing(stored(id))]));
    const run = await exportTo(broken, join(first, 'ztait.json'));
    expect(run.code, run.stderr).toBe(0);
    expect(hub.ids()).toEqual([...before.keys()]);
    for (const [id, f] of before) expect(withoutProcessing(stored(id)), id).toEqual(f);
  });

  it('--dry-run reads, prints the requests it would send and writes nothing', async () => {
    const calls = hub.calls.length;
    const run = await exportTo(broken, join(first, 'ztait.json'), '--dry-run');
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { dryRun: boolean; requests: { operation: string; input: { Findings: unknown[] } }[] };
    expect(report.dryRun).toBe(true);
    expect(report.requests.map((r) => r.operation)).toEqual(['BatchImportFindings']);
    expect(report.requests[0]!.input.Findings).toHaveLength(asffIds.length);
    expect(hub.calls.slice(calls).map((c) => c.action)).toEqual(['GetFindings']);
  });

  it('once fixed, the next export archives the finding, PASSED, with Workflow RESOLVED', async () => {
    const second = dir();
    const later = { SOURCE_DATE_EPOCH: '1735776000' };
    const run = await probe(fixed, second, later);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(second, 'ztait.json'), 'utf8')) as CheckResult;
    const exported = await exportTo(fixed, join(second, 'ztait.json'));
    expect(exported.code, exported.stderr).toBe(0);
    const failing = asffIds.filter((id) => id.startsWith(si6) && !id.endsWith('/check'));
    expect(exported.stderr).toContain(': 1 fixed since the last export archived, 1 resolved, 0 suppressed');
    expect(stored(failing[0]!)).toMatchObject({
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'PASSED' },
      Workflow: { Status: 'RESOLVED' },
      UpdatedAt: result.generated_at,
      Note: { Text: `fixed: absent from the ztait result of ${result.generated_at}`, UpdatedBy: 'ztait' },
    });
    expect(stored(`${si6}check`)).toMatchObject({ RecordState: 'ACTIVE', Compliance: { Status: 'PASSED' } });
    // an older result cannot undo it
    const stale = await exportTo(fixed, join(first, 'ztait.json'));
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/updated at .* after this result .*: export the newer result\n$/);
  });

  it('the servers received writes only from the export, and only Security Hub writes', () => {
    expect(runs.length).toBeGreaterThanOrEqual(7);
    for (const { args, received } of runs) {
      if (args[0] === 'probe') {
        expect(
          received.filter((c) => !READ_ACTION.test(c.action)),
          args.join(' '),
        ).toEqual([]);
      } else {
        expect(
          received.filter((c) => !EXPORT_ACTIONS.has(c.action)),
          args.join(' '),
        ).toEqual([]);
        for (const c of received) if (WRITES.has(c.action)) expect(c.service).toBe('securityhub');
      }
    }
    const writes = runs.flatMap((r) => r.received.filter((c) => WRITES.has(c.action)).map(() => r.args[0]));
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(writes)).toEqual(new Set(['export']));
  });
});
