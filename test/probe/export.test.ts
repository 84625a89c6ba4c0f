import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  DeleteInsightCommand,
  GetFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
} from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/model/errors.js';
import { asffFindings } from '../../src/report/asff.js';
import { decidedScopes } from '../../src/report/cloud-findings.js';
import { readResultFile } from '../../src/cli/result-file.js';
import {
  checkExportCall,
  EXPORT_ACTIONS,
  ExportForbiddenError,
  exportPolicy,
  guardClient,
  isOwnProduct,
} from '../../src/sources/aws/export/guard.js';
import {
  archived,
  ExportError,
  exportToSecurityHub,
  type Failure,
  type HubConnection,
  type HubRegion,
} from '../../src/sources/aws/export/securityhub.js';
import { failingResult, liveResult } from '../report/fixtures.js';
import { runZtaitInProcess } from '../cli/helpers.js';

/**
 * `ztait export securityhub` in process: the export's own allow-list (never the probe's guard), and
 * the export logic against an in-memory Security Hub (batches, retried failures, idempotence, fixed
 * findings archived and resolved). test/probe/export.e2e.test.ts runs the built CLI over the wire.
 */

const ACCOUNT = '123456789012';
const PRODUCT = `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default`;
const own = (id = 'ztait/x/SI-1/abc'): Record<string, unknown> => ({
  Id: id,
  GeneratorId: 'ztait/SI-1',
  AwsAccountId: ACCOUNT,
  ProductArn: PRODUCT,
});

describe("the export's allow-list", () => {
  const opts = { dryRun: false, account: () => ACCOUNT };

  it('lists exactly the export calls, and the policy grants exactly them', () => {
    expect(EXPORT_ACTIONS.map((a) => a.iamAction)).toEqual([
      'sts:GetCallerIdentity',
      'securityhub:GetFindings',
      'securityhub:BatchImportFindings',
      'securityhub:BatchUpdateFindings',
    ]);
    expect(exportPolicy().Statement.flatMap((s) => s.Action)).toEqual(EXPORT_ACTIONS.map((a) => a.iamAction));
  });

  it('refuses any other operation, and every write in a dry run or before the account is known', () => {
    expect(() => checkExportCall('securityhub', 'DeleteInsight', {}, opts)).toThrow(/not in the export's allow-list/);
    expect(() => checkExportCall('securityhub', 'DisableSecurityHub', {}, opts)).toThrow(ExportForbiddenError);
    expect(() => checkExportCall('sts', 'AssumeRole', {}, opts)).toThrow(ExportForbiddenError);
    expect(checkExportCall('securityhub', 'GetFindings', {}, { dryRun: true, account: () => undefined }).write).toBe(false);
    expect(() => checkExportCall('securityhub', 'BatchImportFindings', { Findings: [own()] }, { ...opts, dryRun: true })).toThrow(
      /a dry run sends no write/,
    );
    expect(() =>
      checkExportCall('securityhub', 'BatchImportFindings', { Findings: [own()] }, { ...opts, account: () => undefined }),
    ).toThrow(/not known yet/);
  });

  it("takes no pattern from an account id: an id not of AWS's 12-digit form owns no product", () => {
    // the account is the endpoint's GetCallerIdentity answer: `.*` must not match every product ARN
    const hostile = { dryRun: false, account: () => '.*' };
    const foreign = { ...own(), AwsAccountId: '.*', ProductArn: 'arn:aws:securityhub:eu-west-1:999999999999:product/999999999999/default' };
    expect(() => checkExportCall('securityhub', 'BatchImportFindings', { Findings: [foreign] }, hostile)).toThrow(ExportForbiddenError);
    expect(isOwnProduct(PRODUCT.replaceAll(ACCOUNT, '1|.*'), '1|.*')).toBe(false);
    expect(isOwnProduct(PRODUCT, ACCOUNT)).toBe(true);
  });

  it("lets through only ztait's own findings of the caller's account, and only their Workflow and Note", () => {
    expect(checkExportCall('securityhub', 'BatchImportFindings', { Findings: [own()] }, opts).write).toBe(true);
    for (const bad of [
      { ...own(), Id: 'arn:aws:securityhub:...:finding/x' },
      { ...own(), GeneratorId: 'aws-foundational-security-best-practices/v/1.0.0/IAM.1' },
      { ...own(), AwsAccountId: '999999999999' },
      { ...own(), ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/guardduty' },
    ]) {
      expect(() => checkExportCall('securityhub', 'BatchImportFindings', { Findings: [own('ztait/ok/SI-1/1'), bad] }, opts)).toThrow(
        /only ztait's own findings in account 123456789012/,
      );
    }
    const ids = [{ Id: 'ztait/x/SI-1/abc', ProductArn: PRODUCT }];
    expect(
      checkExportCall('securityhub', 'BatchUpdateFindings', { FindingIdentifiers: ids, Workflow: { Status: 'RESOLVED' } }, opts).write,
    ).toBe(true);
    expect(() =>
      checkExportCall('securityhub', 'BatchUpdateFindings', { FindingIdentifiers: ids, Severity: { Label: 'LOW' } }, opts),
    ).toThrow(/only the Workflow and Note/);
    expect(() =>
      checkExportCall(
        'securityhub',
        'BatchUpdateFindings',
        { FindingIdentifiers: [{ Id: 'gd/1', ProductArn: PRODUCT }], Workflow: {} },
        opts,
      ),
    ).toThrow(ExportForbiddenError);
  });

  it('is a middleware: a refused call never reaches the HTTP handler; an allowed one does', async () => {
    const sent: string[] = [];
    const client = new SecurityHubClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIAEXPORTTEST000001', secretAccessKey: 'x' },
      maxAttempts: 1,
      requestHandler: {
        handle: async (req: { path: string }) => {
          sent.push(req.path);
          throw new Error('stop here');
        },
      },
    });
    guardClient(client, 'securityhub', { dryRun: false, account: () => ACCOUNT });
    await expect(client.send(new DeleteInsightCommand({ InsightArn: 'x' }))).rejects.toThrow(ExportForbiddenError);
    await expect(
      client.send(new BatchImportFindingsCommand({ Findings: [{ ...own(), AwsAccountId: '999999999999' } as AwsSecurityFinding] })),
    ).rejects.toThrow(ExportForbiddenError);
    await expect(client.send(new BatchUpdateFindingsCommand({ FindingIdentifiers: [{ Id: 'x', ProductArn: PRODUCT }] }))).rejects.toThrow(
      ExportForbiddenError,
    );
    expect(sent).toEqual([]);
    await expect(client.send(new GetFindingsCommand({}))).rejects.toThrow('stop here');
    await expect(client.send(new BatchImportFindingsCommand({ Findings: [own() as AwsSecurityFinding] }))).rejects.toThrow('stop here');
    expect(sent).toEqual(['/findings', '/findings/import']);
  });
});

/** An in-memory Security Hub with its documented behaviour: Workflow only on creation. */
class MemoryHub implements HubConnection {
  readonly store = new Map<string, AwsSecurityFinding>();
  readonly calls: string[] = [];
  /** Ids the next import reports as failed once each. */
  failOnce = new Set<string>();

  async account(): Promise<string> {
    return ACCOUNT;
  }

  region(region: string): HubRegion {
    return {
      importFindings: async (findings) => {
        this.calls.push(`import ${region} ${findings.length}`);
        const failed: Failure[] = [];
        for (const f of findings) {
          if (this.failOnce.delete(f.Id!)) {
            failed.push({ Id: f.Id!, code: 'InternalFailure', message: 'try again' });
            continue;
          }
          const before = this.store.get(f.Id!);
          this.store.set(f.Id!, { ...f, Workflow: before ? before.Workflow : (f.Workflow ?? { Status: 'NEW' }) });
        }
        return failed;
      },
      getFindings: async (filters, token) => {
        this.calls.push(`get ${region}`);
        const all = [...this.store.values()].filter(
          (f) => f.Region === region && f.RecordState === 'ACTIVE' && f.GeneratorId!.startsWith(filters.GeneratorId![0]!.Value!),
        );
        const start = Number(token ?? 0);
        const page = all.slice(start, start + 2);
        return { findings: page, ...(start + 2 < all.length ? { nextToken: String(start + 2) } : {}) };
      },
      updateWorkflow: async (ids, status) => {
        this.calls.push(`update ${region} ${status} ${ids.length}`);
        for (const { Id } of ids) this.store.set(Id, { ...this.store.get(Id)!, Workflow: { Status: status } });
        return [];
      },
    };
  }
}

const input = (r = liveResult()) => ({ findings: asffFindings(r), decided: decidedScopes(r), generatedAt: r.generated_at });
const noWait = async (): Promise<void> => undefined;

describe('exporting to Security Hub (in memory)', () => {
  it('imports in batches of 100, idempotently: a re-run holds the same set', async () => {
    const hub = new MemoryHub();
    const r = liveResult();
    // 250 failing resources: three batches
    const si1 = r.invariants[0]!;
    si1.status = 'fail';
    si1.findings = Array.from({ length: 250 }, (_, i) => ({
      resource: `aws_security_group.sg${i}`,
      message: 'egress to 0.0.0.0/0',
      status: 'fail' as const,
      fingerprint: i.toString(16).padStart(16, '0'),
    }));
    const first = await exportToSecurityHub(input(r), hub, { dryRun: false, wait: noWait });
    expect(first.regions).toEqual([{ region: 'eu-west-1', imported: 267, archived: [], resolved: [], suppressed: [], failed: [] }]);
    expect(hub.calls).toEqual(['get eu-west-1', 'import eu-west-1 100', 'import eu-west-1 100', 'import eu-west-1 67']);
    const ids = [...hub.store.keys()].sort();
    await exportToSecurityHub(input(r), hub, { dryRun: false, wait: noWait });
    expect([...hub.store.keys()].sort()).toEqual(ids);
    // the second run read the 267 earlier findings, 2 a page
    expect(hub.calls.filter((c) => c.startsWith('get')).length).toBe(1 + Math.ceil(267 / 2));
  });

  it('sends again what a batch reports as failed', async () => {
    const hub = new MemoryHub();
    const findings = input();
    hub.failOnce = new Set([findings.findings[3]!.Id!, findings.findings[7]!.Id!]);
    const report = await exportToSecurityHub(findings, hub, { dryRun: false, wait: noWait });
    expect(report.regions[0]!.failed).toEqual([]);
    expect(hub.calls).toEqual(['get eu-west-1', 'import eu-west-1 18', 'import eu-west-1 2']);
    expect(hub.store.size).toBe(18);
  });

  it('a finding fixed since the last export is archived (PASSED) and resolved; a rule in error resolves nothing', async () => {
    const hub = new MemoryHub();
    await exportToSecurityHub(input(), hub, { dryRun: false, wait: noWait });
    const failId = 'ztait/123456789012/eu-west-1/SI-3/99aa88bb77cc66dd';
    expect(hub.store.get(failId)).toMatchObject({ RecordState: 'ACTIVE', Compliance: { Status: 'FAILED' }, Workflow: { Status: 'NEW' } });
    // a later run: SI-3 fixed (passes); SI-4 still in error
    const fixed = liveResult();
    fixed.generated_at = '2025-01-03T00:00:00.000Z';
    fixed.invariants[2] = { ...fixed.invariants[2]!, status: 'pass', findings: [] };
    const report = await exportToSecurityHub(input(fixed), hub, { dryRun: false, wait: noWait });
    expect(report.regions[0]).toMatchObject({ archived: [failId], resolved: [failId] });
    expect(hub.store.get(failId)).toMatchObject({
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'PASSED' },
      Workflow: { Status: 'RESOLVED' },
      UpdatedAt: '2025-01-03T00:00:00.000Z',
    });
    expect(hub.store.get('ztait/123456789012/eu-west-1/SI-3/check')).toMatchObject({
      RecordState: 'ACTIVE',
      Compliance: { Status: 'PASSED' },
    });

    // SI-3 in error now: its earlier findings stay as they are
    const hub2 = new MemoryHub();
    await exportToSecurityHub(input(), hub2, { dryRun: false, wait: noWait });
    const undecided = liveResult();
    undecided.generated_at = '2025-01-03T00:00:00.000Z';
    undecided.invariants[2] = { ...undecided.invariants[2]!, status: 'error', findings: [], reason: 'iam:ListRoles failed: AccessDenied' };
    const r2 = await exportToSecurityHub(input(undecided), hub2, { dryRun: false, wait: noWait });
    expect(r2.regions[0]!.archived).toEqual([]);
    expect(hub2.store.get(failId)).toMatchObject({ RecordState: 'ACTIVE', Workflow: { Status: 'NEW' } });
  });

  it('a status someone set in Security Hub is left alone; a finding ztait now suppresses is set SUPPRESSED', async () => {
    const hub = new MemoryHub();
    await exportToSecurityHub(input(), hub, { dryRun: false, wait: noWait });
    const failId = 'ztait/123456789012/eu-west-1/SI-3/99aa88bb77cc66dd';
    const suppressed = liveResult();
    suppressed.generated_at = '2025-01-03T00:00:00.000Z';
    const f = suppressed.invariants[2]!.findings[0]!;
    suppressed.invariants[2] = {
      ...suppressed.invariants[2]!,
      status: 'suppressed',
      findings: [{ ...f, status: 'suppressed', suppression: { kind: 'external', reason: 'accepted risk' } }],
    };
    const report = await exportToSecurityHub(input(suppressed), hub, { dryRun: false, wait: noWait });
    expect(report.regions[0]!.suppressed).toEqual([failId]);
    expect(hub.store.get(failId)!.Workflow).toEqual({ Status: 'SUPPRESSED' });

    // fixed later: a SUPPRESSED finding is archived, its workflow kept
    const fixed = liveResult();
    fixed.generated_at = '2025-01-04T00:00:00.000Z';
    fixed.invariants[2] = { ...fixed.invariants[2]!, status: 'pass', findings: [] };
    const later = await exportToSecurityHub(input(fixed), hub, { dryRun: false, wait: noWait });
    expect(later.regions[0]).toMatchObject({ archived: [failId], resolved: [] });
    expect(hub.store.get(failId)).toMatchObject({ RecordState: 'ARCHIVED', Workflow: { Status: 'SUPPRESSED' } });
  });

  it('refuses an older result than what Security Hub holds, and a result of another account', async () => {
    const hub = new MemoryHub();
    const newer = liveResult();
    newer.generated_at = '2026-01-01T00:00:00.000Z';
    await exportToSecurityHub(input(newer), hub, { dryRun: false, wait: noWait });
    await expect(exportToSecurityHub(input(), hub, { dryRun: false, wait: noWait })).rejects.toThrow(
      /after this result .* export the newer result/,
    );
    const other = liveResult();
    other.source.account!.id = '999999999999';
    await expect(exportToSecurityHub(input(other), new MemoryHub(), { dryRun: false, wait: noWait })).rejects.toThrow(
      /holds no finding of account 123456789012.*it covers 999999999999/,
    );
    expect(new ExportError('x')).toBeInstanceOf(Error);
  });

  it("sends only the caller account's findings, each region to its own, and counts the others", async () => {
    const hub = new MemoryHub();
    const all = input();
    const other = all.findings.slice(0, 5).map((f) => ({ ...f, Id: f.Id!.replace(ACCOUNT, '999999999999'), AwsAccountId: '999999999999' }));
    const west = all.findings.slice(0, 3).map((f) => ({ ...f, Id: f.Id!.replace('eu-west-1', 'us-west-2'), Region: 'us-west-2' }));
    const report = await exportToSecurityHub({ ...all, findings: [...all.findings, ...other, ...west] }, hub, {
      dryRun: false,
      wait: noWait,
    });
    expect(report.skipped).toEqual([{ account: '999999999999', findings: 5 }]);
    expect(report.regions.map((r) => [r.region, r.imported])).toEqual([
      ['eu-west-1', 18],
      ['us-west-2', 3],
    ]);
    expect([...hub.store.values()].every((f) => f.AwsAccountId === ACCOUNT)).toBe(true);
  });

  it('a dry run reads and lists the requests, and writes nothing', async () => {
    const hub = new MemoryHub();
    const report = await exportToSecurityHub(input(), hub, { dryRun: true, wait: noWait });
    expect(hub.calls).toEqual(['get eu-west-1']);
    expect(report.requests!.map((q) => [q.region, q.operation, (q.input as { Findings: unknown[] }).Findings.length])).toEqual([
      ['eu-west-1', 'BatchImportFindings', 18],
    ]);
  });

  it('an archived finding keeps what the provider owns, drops what Security Hub added', () => {
    const prev = {
      ...(own() as AwsSecurityFinding),
      ProductFields: { 'ztait/RuleId': 'SI-1', 'aws/securityhub/FindingId': 'x' },
      Compliance: { Status: 'FAILED' as const, RelatedRequirements: ['ZTAIT SI-1'] },
      Workflow: { Status: 'NEW' as const },
      ProcessedAt: '2025-01-01T00:00:00Z',
      UpdatedAt: '2025-01-01T00:00:00Z',
    };
    const a = archived(prev, '2025-02-02T00:00:00.000Z');
    expect(a).toMatchObject({
      RecordState: 'ARCHIVED',
      UpdatedAt: '2025-02-02T00:00:00.000Z',
      Compliance: { Status: 'PASSED', RelatedRequirements: ['ZTAIT SI-1'] },
    });
    expect(a.ProductFields).toEqual({ 'ztait/RuleId': 'SI-1', 'ztait/ResolvedAt': '2025-02-02T00:00:00.000Z' });
    expect(a.Workflow).toBeUndefined();
    expect((a as Record<string, unknown>).ProcessedAt).toBeUndefined();
  });
});

describe('the RESULT.json the export reads', () => {
  const file = (text: string): string => {
    const p = join(mkdtempSync(join(tmpdir(), 'ztait-result-')), 'result.json');
    writeFileSync(p, text);
    return p;
  };

  it('reads a ztait JSON result, and refuses anything else in one line naming the file', () => {
    const good = file(JSON.stringify(liveResult()));
    expect(readResultFile(good).source.account!.id).toBe(ACCOUNT);
    const cases: [string, RegExp][] = [
      ['{"tool": {', /result\.json:1:\d+: is not valid JSON \([a-z ]+\): give the output of ztait --format json$/],
      ['[1,2]', /not a ztait JSON result \(\/ must be object\)/],
      [
        JSON.stringify({ ...liveResult(), tool: { name: 'other', version: '1' } }),
        /not a ztait JSON result \(\/tool\/name must be equal to constant\)/,
      ],
      [
        JSON.stringify({ ...liveResult(), source: { kind: 'live', inputs: [], account: { id: '1234:evil' } } }),
        /\/source\/account\/id must match pattern/,
      ],
    ];
    for (const [text, message] of cases) {
      const p = file(text);
      expect(() => readResultFile(p)).toThrow(InputError);
      expect(() => readResultFile(p)).toThrow(message);
    }
    // the secret-looking text of a broken file is never quoted
    const secret = file('{"tool": AKIAIOSFODNN7EXAMPLE}');
    expect(() => readResultFile(secret)).toThrow(/^(?!.*AKIA)/);
    expect(() => readResultFile(join(tmpdir(), 'ztait-no-such-result.json'))).toThrow(/no such file/);
    expect(() => readResultFile(tmpdir())).toThrow(/not a regular file/);
    expect(() => readResultFile(good, 100)).toThrow(/over the .* MiB a result may have/);
  });
});

describe('ztait export securityhub (in process, before any AWS call)', () => {
  it('--print-policy prints the export policy; a missing, broken or static result exits 2 in one line', async () => {
    const policy = await runZtaitInProcess(['export', 'securityhub', '--print-policy']);
    expect(policy.code).toBe(0);
    expect(JSON.parse(policy.stdout)).toEqual(exportPolicy());
    const dir = mkdtempSync(join(tmpdir(), 'ztait-export-'));
    writeFileSync(join(dir, 'broken.json'), '{"tool":');
    writeFileSync(join(dir, 'static.json'), JSON.stringify(failingResult()));
    const cases: [string[], RegExp][] = [
      [[], /^ztait: export securityhub needs the RESULT\.json of a probe/],
      [[join(dir, 'none.json')], /^ztait: .*none\.json: cannot read the result \(no such file\)\n$/],
      [[join(dir, 'broken.json')], /^ztait: .*broken\.json:\d+:\d+: is not valid JSON/],
      [[join(dir, 'static.json')], /^ztait: asff: a Security Hub finding belongs to an AWS account and region/],
      [[join(dir, 'static.json'), '--endpoint-url', 'http://example.com'], /plain http to a host that is not loopback/],
    ];
    for (const [args, err] of cases) {
      const run = await runZtaitInProcess(['export', 'securityhub', ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(err);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
});
