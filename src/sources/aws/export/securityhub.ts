/**
 * `ztait export securityhub`: sends a result's ASFF findings to AWS Security Hub, and resolves the
 * ones ztait exported before that are fixed now.
 *
 *  - Security Hub takes a custom integration's findings only from the account they belong to (the
 *    caller's, sts:GetCallerIdentity), in their own region: the findings of other accounts of a
 *    fleet result are left out and counted; each region gets its own client.
 *  - BatchImportFindings in batches of 100 (its limit); the SDK retries throttling and server errors
 *    (adaptive, with backoff), and the findings a batch reports in FailedFindings are sent again, a
 *    few rounds with backoff. Ids are deterministic, so a re-run updates the same findings.
 *  - Fixed findings: securityhub:GetFindings (read-only) lists ztait's ACTIVE findings of the account
 *    and region (ProductArn, GeneratorId prefix `ztait/`). One whose Id the result no longer has, for
 *    a rule the result decided there (not in error: an undecided rule proves nothing), is imported
 *    again with RecordState ARCHIVED (and Compliance PASSED when it was FAILED), which takes it out of
 *    Security Hub's active views. Security Hub ignores a Workflow in BatchImportFindings once a finding
 *    exists, so its Workflow.Status is set with BatchUpdateFindings: RESOLVED for a fixed finding,
 *    SUPPRESSED for one ztait now suppresses; a status someone set in Security Hub (SUPPRESSED,
 *    RESOLVED) is left as it is.
 *  - A dry run reads (caller identity, earlier findings) and sends nothing: the guard refuses writes.
 */
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
  type AwsSecurityFindingFilters,
} from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_MIB, DEFAULT_MAX_TOTAL_MIB, DEFAULT_TIMEOUT_MS } from '../defaults.js';
import { MIB, limitedHandler, type RequestHandlerLike } from '../transport.js';
import { describeFailure } from '../failure.js';
import { EXPORT_ACTIONS, ExportForbiddenError, guardClient, OWN_PREFIX, type ExportService, type GuardOptions } from './guard.js';
import { ACCOUNT_ID } from '../fleet/accounts.js';
import { configuredRegion, NO_REGION, sdkBaseConfig } from '../clients.js';

/** BatchImportFindings and BatchUpdateFindings take at most 100 findings a call; GetFindings returns 100 a page. */
export const BATCH = 100;
/** Rounds of re-sending the findings a batch reported as failed. */
const RETRY_ROUNDS = 3;

export interface Failure {
  Id: string;
  code: string;
  message: string;
}

/** Security Hub in one region, as the export uses it (an interface, so the logic is tested without the SDK). */
export interface HubRegion {
  importFindings(findings: AwsSecurityFinding[]): Promise<Failure[]>;
  getFindings(filters: AwsSecurityFindingFilters, nextToken?: string): Promise<{ findings: AwsSecurityFinding[]; nextToken?: string }>;
  updateWorkflow(ids: { Id: string; ProductArn: string }[], status: 'RESOLVED' | 'SUPPRESSED', note: string): Promise<Failure[]>;
}

export interface HubConnection {
  /** The caller's account (sts:GetCallerIdentity). */
  account(): Promise<string>;
  region(region: string): HubRegion;
}

export interface ExportInput {
  /** The result's ASFF findings, every account and region. */
  findings: AwsSecurityFinding[];
  /** Per account x region, the rules the result decided (a finding of another rule is never resolved). */
  decided: { account: string; region: string; rules: string[] }[];
  /** The result's generated_at: UpdatedAt of what is archived. */
  generatedAt: string;
}

/** What one region got (or, in a dry run, would get). */
export interface RegionReport {
  region: string;
  imported: number;
  archived: string[];
  resolved: string[];
  suppressed: string[];
  failed: Failure[];
}

export interface ExportReport {
  account: string;
  dryRun: boolean;
  regions: RegionReport[];
  /** Findings of other accounts in the result: Security Hub takes them only from their own account. */
  skipped: { account: string; findings: number }[];
  /** Dry run: the write requests that would be sent, in order. */
  requests?: { region: string; operation: 'BatchImportFindings' | 'BatchUpdateFindings'; input: unknown }[];
}

/** The export cannot run as asked (exit 2): said in one line. */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

const chunks = <T>(items: T[], size = BATCH): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The fields a finding provider owns: what an archived finding keeps of what Security Hub returned. */
const PROVIDER_FIELDS = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'ProductName',
  'CompanyName',
  'GeneratorId',
  'AwsAccountId',
  'Region',
  'Types',
  'FirstObservedAt',
  'LastObservedAt',
  'CreatedAt',
  'Severity',
  'Title',
  'Description',
  'Remediation',
  'ProductFields',
  'Resources',
  'Compliance',
  'FindingProviderFields',
] as const;

/** An earlier finding, fixed: the same finding ARCHIVED, PASSED when it was FAILED, updated at the result's time. */
export function archived(previous: AwsSecurityFinding, generatedAt: string): AwsSecurityFinding {
  const kept: Partial<AwsSecurityFinding> = {};
  for (const k of PROVIDER_FIELDS) if (previous[k] !== undefined) Object.assign(kept, { [k]: previous[k] });
  // Security Hub adds aws/... product fields of its own; they are not the provider's to send
  const fields = Object.fromEntries(Object.entries(previous.ProductFields ?? {}).filter(([k]) => !k.startsWith('aws/')));
  const wasFailed = previous.Compliance?.Status === 'FAILED';
  return {
    ...kept,
    ProductFields: { ...fields, 'ztait/ResolvedAt': generatedAt },
    ...(previous.Compliance || wasFailed
      ? { Compliance: { ...previous.Compliance, ...(wasFailed ? { Status: 'PASSED' as const } : {}) } }
      : {}),
    UpdatedAt: generatedAt,
    RecordState: 'ARCHIVED',
  } as AwsSecurityFinding;
}

/** Imports in batches of 100, sending again what a batch reports as failed (a few rounds, with backoff). */
async function importAll(hub: HubRegion, findings: AwsSecurityFinding[], wait: (ms: number) => Promise<void>): Promise<Failure[]> {
  let pending = findings;
  let failed: Failure[] = [];
  for (let round = 0; round < RETRY_ROUNDS && pending.length > 0; round++) {
    if (round > 0) await wait(250 * 2 ** (round - 1));
    failed = [];
    for (const batch of chunks(pending)) failed.push(...(await hub.importFindings(batch)));
    const again = new Set(failed.map((f) => f.Id));
    pending = pending.filter((f) => again.has(f.Id!));
  }
  return failed;
}

/** ztait's ACTIVE findings of the account in the region (every page, up to the page limit). */
async function earlierFindings(hub: HubRegion, account: string, region: string, productArn: string): Promise<AwsSecurityFinding[]> {
  const filters: AwsSecurityFindingFilters = {
    ProductArn: [{ Value: productArn, Comparison: 'EQUALS' }],
    AwsAccountId: [{ Value: account, Comparison: 'EQUALS' }],
    Region: [{ Value: region, Comparison: 'EQUALS' }],
    GeneratorId: [{ Value: OWN_PREFIX, Comparison: 'PREFIX' }],
    RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
  };
  const out: AwsSecurityFinding[] = [];
  let token: string | undefined;
  for (let page = 0; page < DEFAULT_MAX_PAGES; page++) {
    const res = await hub.getFindings(filters, token);
    out.push(...res.findings);
    token = res.nextToken;
    if (!token) return out;
  }
  throw new ExportError(
    `securityhub:GetFindings in ${region} returned more than ${DEFAULT_MAX_PAGES} pages: the earlier findings cannot all be read`,
  );
}

/**
 * Exports the result's findings of the caller's account. In a dry run nothing is written: the report
 * lists the requests that would be sent.
 */
export async function exportToSecurityHub(
  input: ExportInput,
  hub: HubConnection,
  opts: { dryRun: boolean; wait?: (ms: number) => Promise<void> },
): Promise<ExportReport> {
  const account = await hub.account();
  const mine = input.findings.filter((f) => f.AwsAccountId === account);
  const others = new Map<string, number>();
  for (const f of input.findings) if (f.AwsAccountId !== account) others.set(f.AwsAccountId!, (others.get(f.AwsAccountId!) ?? 0) + 1);
  const skipped = [...others].sort(([a], [b]) => (a < b ? -1 : 1)).map(([acct, findings]) => ({ account: acct, findings }));
  if (mine.length === 0) {
    throw new ExportError(
      `the result holds no finding of account ${account}, the one the credentials belong to (it covers ${skipped.map((s) => s.account).join(', ') || 'no account'}); Security Hub takes findings only from their own account`,
    );
  }
  const report: ExportReport = { account, dryRun: opts.dryRun, regions: [], skipped, ...(opts.dryRun ? { requests: [] } : {}) };
  const wait = opts.wait ?? sleep;
  const regions = [...new Set(mine.map((f) => f.Region!))].sort();
  for (const region of regions) {
    const current = mine.filter((f) => f.Region === region);
    const productArn = current[0]!.ProductArn!;
    const client = hub.region(region);
    const earlier = await earlierFindings(client, account, region, productArn);
    const newer = earlier.find((f) => (f.UpdatedAt ?? '') > input.generatedAt);
    if (newer) {
      throw new ExportError(
        `Security Hub holds ztait findings in ${region} updated at ${newer.UpdatedAt}, after this result (${input.generatedAt}): export the newer result`,
      );
    }
    const ids = new Set(current.map((f) => f.Id));
    const decided = new Set(input.decided.find((d) => d.account === account && d.region === region)?.rules ?? []);
    const fixed = earlier.filter(
      (f) => !ids.has(f.Id) && f.Id?.startsWith(OWN_PREFIX) && decided.has((f.GeneratorId ?? '').slice(OWN_PREFIX.length)),
    );
    const open = (f: AwsSecurityFinding | undefined): boolean => !f?.Workflow?.Status || ['NEW', 'NOTIFIED'].includes(f.Workflow.Status);
    const resolve = fixed.filter((f) => f.Compliance?.Status !== 'PASSED' && open(f));
    const byId = new Map(earlier.map((f) => [f.Id, f]));
    const suppress = current.filter((f) => f.Workflow?.Status === 'SUPPRESSED' && byId.has(f.Id) && open(byId.get(f.Id)));
    const toImport = [...current, ...fixed.map((f) => archived(f, input.generatedAt))];
    const ref = (f: AwsSecurityFinding) => ({ Id: f.Id!, ProductArn: f.ProductArn! });
    const updates = [
      { status: 'RESOLVED' as const, ids: resolve.map(ref), note: `fixed: absent from the ztait result of ${input.generatedAt}` },
      { status: 'SUPPRESSED' as const, ids: suppress.map(ref), note: `suppressed in ztait (see ProductFields ztait/Suppression)` },
    ];
    const entry: RegionReport = {
      region,
      imported: current.length,
      archived: fixed.map((f) => f.Id!),
      resolved: resolve.map((f) => f.Id!),
      suppressed: suppress.map((f) => f.Id!),
      failed: [],
    };
    if (opts.dryRun) {
      for (const batch of chunks(toImport)) report.requests!.push({ region, operation: 'BatchImportFindings', input: { Findings: batch } });
      for (const u of updates)
        for (const batch of chunks(u.ids))
          report.requests!.push({
            region,
            operation: 'BatchUpdateFindings',
            input: { FindingIdentifiers: batch, Workflow: { Status: u.status }, Note: { Text: u.note, UpdatedBy: 'ztait' } },
          });
    } else {
      entry.failed.push(...(await importAll(client, toImport, wait)));
      const notImported = new Set(entry.failed.map((f) => f.Id));
      for (const u of updates) {
        for (const batch of chunks(u.ids.filter((i) => !notImported.has(i.Id))))
          entry.failed.push(...(await client.updateWorkflow(batch, u.status, u.note)));
      }
    }
    report.regions.push(entry);
  }
  return report;
}

export interface HubConnectionOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  allowInsecureEndpoint?: boolean;
  maxAttempts?: number;
  timeoutMs?: number;
  dryRun: boolean;
}

/** Thrown when the SDK cannot be configured (no region): the CLI turns it into exit 2. */
export class HubSetupError extends ExportError {}

/**
 * The SDK clients of the export: credentials from the default chain or the profile, adaptive retry
 * with backoff, every client guarded by the export's allow-list and the transport limits of the probe.
 */
export async function connectSecurityHub(opts: HubConnectionOptions): Promise<HubConnection> {
  // The SDK warns about future Node versions on stderr; irrelevant to the export's reader (as in the probe).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = sdkBaseConfig(opts);
  let account: string | undefined;
  const guard: GuardOptions = { dryRun: opts.dryRun, account: () => account };
  const total = { maxBytes: DEFAULT_MAX_TOTAL_MIB * MIB, used: 0 };
  const limit = <C extends { config: object; middlewareStack: object }>(client: C, service: 'sts' | 'securityhub'): C => {
    const config = client.config as { requestHandler?: RequestHandlerLike };
    if (config.requestHandler) {
      config.requestHandler = limitedHandler(config.requestHandler, {
        maxResponseBytes: DEFAULT_MAX_RESPONSE_MIB * MIB,
        total,
        bodyTimeoutMs: timeoutMs,
        allowInsecureEndpoint: opts.allowInsecureEndpoint ?? false,
      });
    }
    return guardClient(client, service, guard);
  };
  const sts = limit(new STSClient({ ...base, ...(opts.region ? { region: opts.region } : {}) }), 'sts');
  const region = await configuredRegion(sts);
  if (!region) throw new HubSetupError(NO_REGION);
  const clients = new Map<string, SecurityHubClient>();
  const hubIn = (r: string): SecurityHubClient => {
    let c = clients.get(r);
    if (!c) clients.set(r, (c = limit(new SecurityHubClient({ ...base, region: r }), 'securityhub')));
    return c;
  };
  const failures = (list: { Id?: string; ErrorCode?: string; ErrorMessage?: string }[] | undefined): Failure[] =>
    (list ?? []).map((f) => ({ Id: f.Id ?? '?', code: f.ErrorCode ?? 'Unknown', message: f.ErrorMessage ?? '' }));
  /** One call: a refused or failed call ends the export in one line naming the call and the fix (exit 2). */
  const call = async <T>(service: ExportService, operation: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (e) {
      if (e instanceof ExportForbiddenError) throw new ExportError(e.message);
      const iamAction =
        EXPORT_ACTIONS.find((a) => a.service === service && a.operation === operation)?.iamAction ?? `${service}:${operation}`;
      throw new ExportError(describeFailure(e, `${service}:${operation}`, iamAction, timeoutMs).reason);
    }
  };
  return {
    async account() {
      const who = await call('sts', 'GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})));
      // the endpoint's answer: an id of AWS's form or nothing (it ends up in the guard's pattern and in every finding)
      if (!who.Account || !ACCOUNT_ID.test(who.Account)) throw new ExportError('sts:GetCallerIdentity returned no 12-digit account id');
      account = who.Account;
      return account;
    },
    region(r) {
      const c = hubIn(r);
      return {
        async importFindings(findings) {
          const out = await call('securityhub', 'BatchImportFindings', () =>
            c.send(new BatchImportFindingsCommand({ Findings: findings })),
          );
          return failures(out.FailedFindings);
        },
        async getFindings(filters, nextToken) {
          const out = await call('securityhub', 'GetFindings', () =>
            c.send(new GetFindingsCommand({ Filters: filters, MaxResults: BATCH, ...(nextToken ? { NextToken: nextToken } : {}) })),
          );
          return { findings: out.Findings ?? [], ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
        },
        async updateWorkflow(ids, status, note) {
          const out = await call('securityhub', 'BatchUpdateFindings', () =>
            c.send(
              new BatchUpdateFindingsCommand({
                FindingIdentifiers: ids,
                Workflow: { Status: status },
                Note: { Text: note, UpdatedBy: 'ztait' },
              }),
            ),
          );
          return (out.UnprocessedFindings ?? []).map((u) => ({
            Id: u.FindingIdentifier?.Id ?? '?',
            code: u.ErrorCode ?? 'Unknown',
            message: u.ErrorMessage ?? '',
          }));
        },
      };
    },
  };
}
