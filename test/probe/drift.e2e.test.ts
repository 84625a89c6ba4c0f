/**
 * `ztait drift` end to end: the built CLI, the reference example's HCL, and the local AWS test
 * server serving the reference account changed in two ways (fixtures/accounts/pitr-off.json,
 * role-without-boundary.json), read live. The cases in full, in process: test/drift/drift.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftResult } from '../../src/drift/index.js';
import { readSnapshot } from '../../src/sources/aws/snapshot.js';
import { join } from 'node:path';
import { startAwsServer, type AwsTestServer } from './server/server.js';
import { ACCOUNTS, READ_ACTION, account, buildCli, cleanup, ztait } from './harness.js';

const servers: AwsTestServer[] = [];

beforeAll(buildCli, 180_000);
afterAll(async () => {
  for (const s of servers) {
    // drift reads, as the probe does: nothing but reads reached the endpoint
    expect(s.received.filter((c) => !READ_ACTION.test(c.action))).toEqual([]);
    await s.close();
  }
  cleanup();
});

async function drift(fixture: string): Promise<{ code: number; stderr: string; result: DriftResult; calls: number }> {
  const srv = await startAwsServer({ account: account(fixture), lifetimeMs: 120_000 });
  servers.push(srv);
  const run = await ztait(['drift', 'terraform/examples/complete', '--endpoint-url', srv.url, '--region', 'us-east-1', '--format', 'json']);
  let result: DriftResult;
  try {
    result = JSON.parse(run.stdout) as DriftResult;
  } catch {
    throw new Error(`no JSON report (exit ${run.code}): ${run.stderr}`);
  }
  return { code: run.code, stderr: run.stderr, result, calls: srv.received.length };
}

describe('ztait drift against a live account', () => {
  it('PITR turned off on the audit table: one changed attribute, SI-6 passes in the code and fails in the account, exit 1', async () => {
    const { code, stderr, result, calls } = await drift('pitr-off');
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/^ztait: read account 111122223333 in us-east-1: \d+ calls, 0 failed\n$/);
    expect(result.items.map((i) => [i.kind, i.name, i.attribute, i.expected, i.actual])).toEqual([
      ['changed', 'ztait-audit', 'point_in_time_recovery', 'true', 'false'],
    ]);
    expect(result.items[0]).toMatchObject({
      alarming: true,
      file: 'terraform/modules/foundation/dynamodb.tf',
      arn: 'arn:aws:dynamodb:us-east-1:111122223333:table/ztait-audit',
      invariants: [{ invariant: 'SI-6', effect: 'fails_in_account', code: 'pass', account: 'fail' }],
    });
    expect(result.account).toMatchObject({ id: '111122223333', region: 'us-east-1', inputs: [] });
    // a drift run makes the probe's calls and no other: as many as the recorded probe of the account
    expect(calls).toBe(readSnapshot(join(ACCOUNTS, 'reference.snapshot.json')).snapshot.call_log.length);
  });

  it("the triage engine's permissions boundary detached: SI-3 and SI-4 fail in the account only, exit 1", async () => {
    const { code, stderr, result } = await drift('role-without-boundary');
    expect(code, stderr).toBe(1);
    expect(result.items.map((i) => [i.kind, i.name, i.attribute, i.actual, i.invariants.map((x) => `${x.invariant}:${x.effect}`)])).toEqual(
      [['changed', 'ztait-triage-engine', 'permissions_boundary', 'null', ['SI-3:fails_in_account', 'SI-4:fails_in_account']]],
    );
    expect(result.verdicts.filter((v) => v.code !== v.account).map((v) => `${v.id} ${v.code}->${v.account}`)).toEqual([
      'SI-3 pass->fail',
      'SI-4 pass->fail',
    ]);
  });
});
