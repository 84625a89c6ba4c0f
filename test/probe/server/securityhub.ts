/**
 * AWS Security Hub for the local test server (REST-JSON): BatchImportFindings (POST /findings/import),
 * GetFindings (POST /findings) and BatchUpdateFindings (PATCH /findings/batchupdate), with the
 * documented behaviour an export depends on:
 *  - a finding is stored by Id and ProductArn, only from the account it belongs to and for that
 *    account's custom product in the signing region; a malformed finding (missing required field,
 *    over a limit, a reserved `aws/` product field) is a FailedFindings entry, not a stored finding;
 *  - BatchImportFindings takes Workflow and Note only when it creates a finding (later imports keep
 *    them), and resets a RESOLVED or NOTIFIED workflow to NEW when the record state goes back to
 *    ACTIVE or the compliance status leaves PASSED; BatchUpdateFindings sets Workflow and Note;
 *  - GetFindings filters by string filters (EQUALS, PREFIX, NOT_EQUALS) on the fields the tests use,
 *    100 a page at most, in Id order.
 * Faults: `failOnce` makes the named findings fail once each (ErrorCode InternalFailure).
 * The store can be shared by several servers: one account's Security Hub across several probes.
 */
import type { WireResponse } from './wire.js';

type Obj = Record<string, unknown>;

export interface SecurityHubCall {
  action: string;
  /** Findings in the request (imports and updates). */
  count: number;
}

export class SecurityHubStore {
  /** Findings by `ProductArn Id`. */
  readonly findings = new Map<string, Obj>();
  readonly calls: SecurityHubCall[] = [];
  /** Ids whose next import fails once (InternalFailure). */
  readonly failOnce = new Set<string>();
  private clock = 0;

  /** Every stored finding, by Id. */
  byId(id: string): Obj | undefined {
    return [...this.findings.values()].find((f) => f.Id === id);
  }

  ids(): string[] {
    return [...this.findings.values()].map((f) => String(f.Id)).sort();
  }

  respond(action: string, params: Obj, ctx: { account: string; region: string }): WireResponse {
    switch (action) {
      case 'BatchImportFindings':
        return json(this.batchImport(params, ctx));
      case 'GetFindings':
        return this.getFindings(params, ctx);
      case 'BatchUpdateFindings':
        return json(this.batchUpdate(params, ctx));
      default:
        return error(400, 'InvalidAction', `securityhub:${action} is not served by the test server`);
    }
  }

  private now(): string {
    this.clock += 1;
    return new Date(Date.UTC(2030, 0, 1, 0, 0, this.clock)).toISOString();
  }

  private batchImport(params: Obj, ctx: { account: string; region: string }): Obj {
    const list = Array.isArray(params.Findings) ? (params.Findings as Obj[]) : [];
    this.calls.push({ action: 'BatchImportFindings', count: list.length });
    if (list.length > 100)
      return {
        FailedCount: list.length,
        SuccessCount: 0,
        FailedFindings: list.map((f) => failed(f, 'LimitExceeded', 'at most 100 findings a call')),
      };
    const failures: Obj[] = [];
    for (const f of list) {
      const problem = invalid(f, ctx);
      if (problem) {
        failures.push(failed(f, 'InvalidInput', problem));
        continue;
      }
      if (this.failOnce.delete(String(f.Id))) {
        failures.push(failed(f, 'InternalFailure', 'injected failure'));
        continue;
      }
      const key = `${String(f.ProductArn)} ${String(f.Id)}`;
      const before = this.findings.get(key);
      const stored: Obj = { ...f, RecordState: f.RecordState ?? 'ACTIVE', ProcessedAt: this.now() };
      stored.ProductFields = {
        ...(f.ProductFields as Obj | undefined),
        'aws/securityhub/FindingId': `${String(f.ProductArn)}/${String(f.Id)}`,
        'aws/securityhub/ProductName': f.ProductName ?? 'Default',
        'aws/securityhub/CompanyName': f.CompanyName ?? 'Personal',
      };
      if (before) {
        // Workflow and Note are the customer's once the finding exists
        stored.Workflow = before.Workflow;
        if (before.Note) stored.Note = before.Note;
        else delete stored.Note;
        const status = (before.Workflow as Obj | undefined)?.Status;
        const reactivated = before.RecordState === 'ARCHIVED' && stored.RecordState === 'ACTIVE';
        const regressed =
          (before.Compliance as Obj | undefined)?.Status === 'PASSED' &&
          ((stored.Compliance as Obj | undefined)?.Status ?? 'PASSED') !== 'PASSED';
        if ((status === 'RESOLVED' || status === 'NOTIFIED') && (reactivated || regressed)) stored.Workflow = { Status: 'NEW' };
      } else {
        stored.Workflow = f.Workflow ?? { Status: 'NEW' };
      }
      this.findings.set(key, stored);
    }
    return { FailedCount: failures.length, SuccessCount: list.length - failures.length, FailedFindings: failures };
  }

  private getFindings(params: Obj, ctx: { account: string }): WireResponse {
    this.calls.push({ action: 'GetFindings', count: 0 });
    const filters = (params.Filters ?? {}) as Record<string, { Value?: string; Comparison?: string }[]>;
    const fields: Record<string, (f: Obj) => unknown> = {
      ProductArn: (f) => f.ProductArn,
      AwsAccountId: (f) => f.AwsAccountId,
      Region: (f) => f.Region,
      GeneratorId: (f) => f.GeneratorId,
      Id: (f) => f.Id,
      RecordState: (f) => f.RecordState,
      WorkflowStatus: (f) => (f.Workflow as Obj | undefined)?.Status,
      ComplianceStatus: (f) => (f.Compliance as Obj | undefined)?.Status,
    };
    for (const name of Object.keys(filters)) {
      if (!fields[name]) return error(400, 'InvalidInputException', `filter ${name} is not served by the test server`);
    }
    const match = (f: Obj): boolean =>
      Object.entries(filters).every(([name, conds]) =>
        conds.every((c) => {
          const v = String(fields[name]!(f) ?? '');
          if (c.Comparison === 'PREFIX') return v.startsWith(c.Value ?? '');
          if (c.Comparison === 'NOT_EQUALS') return v !== c.Value;
          return v === c.Value;
        }),
      );
    const all = [...this.findings.values()]
      .filter((f) => f.AwsAccountId === ctx.account && match(f))
      .sort((a, b) => (String(a.Id) < String(b.Id) ? -1 : 1));
    const size = Math.min(100, Math.max(1, Number(params.MaxResults) || 100));
    const start = params.NextToken ? Number(Buffer.from(String(params.NextToken), 'base64url').toString()) : 0;
    if (!Number.isInteger(start) || start < 0 || start > all.length) return error(400, 'InvalidInputException', 'invalid NextToken');
    const end = Math.min(all.length, start + size);
    return json({
      Findings: all.slice(start, end),
      ...(end < all.length ? { NextToken: Buffer.from(String(end)).toString('base64url') } : {}),
    });
  }

  private batchUpdate(params: Obj, ctx: { account: string }): Obj {
    const ids = Array.isArray(params.FindingIdentifiers) ? (params.FindingIdentifiers as Obj[]) : [];
    this.calls.push({ action: 'BatchUpdateFindings', count: ids.length });
    const processed: Obj[] = [];
    const unprocessed: Obj[] = [];
    for (const id of ids) {
      const f = this.findings.get(`${String(id.ProductArn)} ${String(id.Id)}`);
      if (!f || f.AwsAccountId !== ctx.account) {
        unprocessed.push({ FindingIdentifier: id, ErrorCode: 'FindingNotFound', ErrorMessage: 'no such finding' });
        continue;
      }
      if (params.Workflow) f.Workflow = { Status: (params.Workflow as Obj).Status };
      if (params.Note) f.Note = { ...(params.Note as Obj), UpdatedAt: this.now() };
      processed.push(id);
    }
    return { ProcessedFindings: processed, UnprocessedFindings: unprocessed };
  }
}

const REQUIRED = ['SchemaVersion', 'Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'CreatedAt', 'UpdatedAt', 'Title', 'Description'];

/** Why Security Hub would refuse the finding (undefined when it takes it). */
function invalid(f: Obj, ctx: { account: string; region: string }): string | undefined {
  const missing = REQUIRED.filter((k) => typeof f[k] !== 'string' || f[k] === '');
  if (missing.length) return `missing ${missing.join(', ')}`;
  if (f.SchemaVersion !== '2018-10-08') return 'SchemaVersion must be 2018-10-08';
  if (f.AwsAccountId !== ctx.account) return `AwsAccountId ${String(f.AwsAccountId)} is not the calling account ${ctx.account}`;
  if (f.ProductArn !== `arn:aws:securityhub:${ctx.region}:${ctx.account}:product/${ctx.account}/default`)
    return 'ProductArn is not this account and region';
  const severity = f.Severity as Obj | undefined;
  if (!severity?.Label && severity?.Normalized === undefined) return 'Severity.Label is required';
  const resources = f.Resources as Obj[] | undefined;
  if (!Array.isArray(resources) || resources.length === 0 || resources.length > 32) return 'Resources: 1 to 32 resources';
  if (resources.some((r) => typeof r.Type !== 'string' || typeof r.Id !== 'string'))
    return 'Resources: every resource has a Type and an Id';
  if ([...String(f.Title)].length > 256 || [...String(f.Description)].length > 1024) return 'Title or Description too long';
  if (Object.keys((f.ProductFields ?? {}) as Obj).some((k) => k.startsWith('aws/')))
    return 'ProductFields keys starting with aws/ are reserved';
  return undefined;
}

function failed(f: Obj, code: string, message: string): Obj {
  return { Id: String(f.Id ?? ''), ErrorCode: code, ErrorMessage: message };
}

function json(body: Obj): WireResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function error(status: number, code: string, message: string): WireResponse {
  return { status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': code }, body: JSON.stringify({ message }) };
}

/** The Security Hub operation of a request (REST paths), or undefined. */
export function decodeSecurityHub(method: string, path: string, body: string): { action: string; params: Obj } | undefined {
  const action =
    method === 'POST' && path === '/findings/import'
      ? 'BatchImportFindings'
      : method === 'POST' && path === '/findings'
        ? 'GetFindings'
        : method === 'PATCH' && path === '/findings/batchupdate'
          ? 'BatchUpdateFindings'
          : `${method} ${path}`;
  let params: Obj = {};
  try {
    params = body ? (JSON.parse(body) as Obj) : {};
  } catch {
    return undefined;
  }
  return { action, params };
}
