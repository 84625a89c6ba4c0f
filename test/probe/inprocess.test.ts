import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { PassThrough } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/engine.js';
import { compareWithSimulator } from '../../src/sources/aws/crosscheck.js';
import { probeLive, probeSnapshot } from '../../src/sources/aws/probe.js';
import { showProgress } from '../../src/sources/aws/progress.js';
import { ProbeSession } from '../../src/sources/aws/session.js';
import { SnapshotError, readSnapshot, writeSnapshot } from '../../src/sources/aws/snapshot.js';
import { READ_ACTION, account, cleanup, tempDir, useFakeAwsEnv } from './harness.js';
import { referenceAccount } from './server/reference.js';
import { startAwsServer, type AwsTestServer } from './server/server.js';

useFakeAwsEnv();
afterAll(cleanup);

async function withServer<T>(srv: Promise<AwsTestServer>, fn: (s: AwsTestServer) => Promise<T>): Promise<T> {
  const s = await srv;
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

const passing = (inv: Parameters<typeof runChecks>[0]) =>
  runChecks(inv, { commandLine: 'test' })
    .invariants.filter((i) => i.id.startsWith('SI-') && i.status !== 'pass')
    .map((i) => `${i.id}: ${i.reason ?? JSON.stringify(i.findings)}`);

describe('the probe in process', () => {
  it('bounds the calls in flight by --concurrency', async () => {
    const inflight = async (concurrency: number) =>
      withServer(startAwsServer({ account: account('reference'), latencyMs: 25 }), async (srv) => {
        await probeLive({ endpointUrl: srv.url, region: 'us-east-1', concurrency });
        return srv.maxInFlight();
      });
    expect(await inflight(2)).toBeLessThanOrEqual(2);
    expect(await inflight(8)).toBeGreaterThan(2);
  });

  it('agrees with the AWS policy simulator on the reference account, and reports a disagreement as a limitation', async () => {
    await withServer(startAwsServer({ account: account('reference') }), async (srv) => {
      const run = await probeLive({ endpointUrl: srv.url, region: 'us-east-1' });
      expect(srv.received.filter((c) => c.action === 'SimulatePrincipalPolicy').length).toBeGreaterThanOrEqual(7);
      expect((run.inventory.limitations ?? []).filter((l) => /cross-check/.test(l))).toEqual([]);
      const role = 'arn:aws:iam::111122223333:role/ztait-triage-engine';
      const lines = compareWithSimulator(run.inventory, 'ztait-', {
        results: [{ roleArn: role, action: 'sts:AssumeRole', resource: '*', decision: 'allowed' }],
      });
      expect(lines).toEqual([
        `SI-3 cross-check: the AWS policy simulator finds sts:AssumeRole on * allowed for ${role}, ztait's evaluator finds it denied`,
      ]);
    });
  });

  it('scales: a reference account with 60 more functions, roles, tables and secrets still passes', async () => {
    await withServer(startAwsServer({ account: referenceAccount({ extra: 60 }), faults: { pageSize: 25 } }), async (srv) => {
      const run = await probeLive({ endpointUrl: srv.url, region: 'us-east-1', concurrency: 16 });
      expect(run.inventory.resources.filter((r) => r.type === 'aws_lambda_function')).toHaveLength(67);
      expect(passing(run.inventory)).toEqual([]);
    });
  });

  it('--prefix moves the namespace (tagged resources stay in it)', async () => {
    await withServer(startAwsServer({ account: account('reference') }), async (srv) => {
      const run = await probeLive({ endpointUrl: srv.url, region: 'us-east-1', prefix: 'legacy-' });
      const names = run.inventory.resources.filter((r) => r.type === 'aws_dynamodb_table').map((r) => r.values.name);
      expect(names).toContain('legacy-orders');
      expect(names).toContain('ztait-audit'); // tagged ztait:system
      expect(run.inventory.resources.some((r) => r.values.function_name === 'legacy-report-generator')).toBe(true);
      expect(run.snapshot.prefix).toBe('legacy-');
    });
  });

  it('replays a snapshot into the identical inventory, without a network', async () => {
    const file = join(tempDir(), 'snap.json');
    const live = await withServer(startAwsServer({ account: account('pitr-off'), faults: { pageSize: 3 } }), async (srv) => {
      const run = await probeLive({ endpointUrl: srv.url, region: 'us-east-1' });
      writeSnapshot(file, run.snapshot);
      return run;
    });
    const { snapshot } = readSnapshot(file);
    const offline = await probeSnapshot(snapshot);
    expect(JSON.stringify(offline.inventory.resources)).toBe(JSON.stringify(live.inventory.resources));
    expect(offline.inventory.gaps).toEqual(live.inventory.gaps);
    expect(offline.inventory.limitations).toEqual(live.inventory.limitations);
    expect(offline.inventory.account).toEqual(live.inventory.account);
    expect(offline.callLog).toEqual(live.callLog);
  });

  it('refuses files that are not snapshots', () => {
    const dir = tempDir();
    const bad = (name: string, text: string) => {
      const f = join(dir, name);
      writeFileSync(f, text);
      return () => readSnapshot(f);
    };
    expect(bad('a.json', '{')).toThrow(SnapshotError);
    expect(bad('b.json', '{"format":"other"}')).toThrow(/not a ztait probe snapshot/);
    expect(
      bad(
        'c.json',
        JSON.stringify({
          format: 'ztait-probe-snapshot',
          version: 1,
          prefix: 'ztait-',
          region: 'us-east-1',
          calls: [{ service: 'ec2', action: 'X' }],
          call_log: [],
        }),
      ),
    ).toThrow(/neither output nor failure/);
  });
});

describe('the test server', () => {
  it('records what it receives, writes included (so "no write was received" can fail)', async () => {
    await withServer(startAwsServer({ account: account('reference') }), async (srv) => {
      const raw = new DynamoDBClient({
        region: 'us-east-1',
        endpoint: srv.url,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        maxAttempts: 1,
      });
      await expect(raw.send(new DeleteTableCommand({ TableName: 'ztait-audit' }))).rejects.toThrow(/not served/);
      expect(srv.received).toEqual([expect.objectContaining({ service: 'dynamodb', action: 'DeleteTable', status: 400 })]);
      expect(READ_ACTION.test('DeleteTable')).toBe(false);
    });
  });

  it('stops by itself when its lifetime ends', async () => {
    const srv = await startAwsServer({ account: account('reference'), lifetimeMs: 50 });
    await new Promise((r) => setTimeout(r, 200));
    await expect(fetch(srv.url)).rejects.toThrow();
  });
});

describe('progress', () => {
  it('shows calls, services and errors on a terminal stream', async () => {
    const stream = Object.assign(new PassThrough(), {
      isTTY: true,
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    }) as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (d: Buffer) => (text += d.toString()));
    const session = new ProbeSession();
    const bar = showProgress(session, stream);
    const client = session.attach(
      new DynamoDBClient({
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        maxAttempts: 1,
      }),
      'dynamodb',
    );
    await client.send(new ListTablesCommand({})).catch(() => undefined);
    bar.stop();
    expect(text).toMatch(/1\/1 calls \| 1 services \| 1 errors/);
  });
});
