/**
 * The allow-list of `ztait export securityhub`, the one command that writes to AWS. It is its own:
 * the probe's read-only guard (../session.ts) stays as it is and never lets a write through. An SDK
 * middleware on every client of the export refuses, before a request is built:
 *  - any operation not listed here;
 *  - a write in a dry run;
 *  - a write that would touch anything but ztait's own findings in the caller's account: every
 *    imported finding has a `ztait/` Id and GeneratorId, the caller's account and the account's
 *    custom-integration product ARN; a workflow update names only such findings and sets only
 *    Workflow and Note.
 * `--print-policy` renders the IAM policy from this same list.
 */

import { ACCOUNT_ID } from '../fleet/accounts.js';

export type ExportService = 'sts' | 'securityhub';

export interface ExportAction {
  service: ExportService;
  operation: string;
  iamAction: string;
  write: boolean;
  why: string;
}

export const EXPORT_ACTIONS: readonly ExportAction[] = [
  {
    service: 'sts',
    operation: 'GetCallerIdentity',
    iamAction: 'sts:GetCallerIdentity',
    write: false,
    why: 'the account the findings go to',
  },
  {
    service: 'securityhub',
    operation: 'GetFindings',
    iamAction: 'securityhub:GetFindings',
    write: false,
    why: 'the findings ztait exported before (GeneratorId ztait/...), to resolve the ones fixed since',
  },
  {
    service: 'securityhub',
    operation: 'BatchImportFindings',
    iamAction: 'securityhub:BatchImportFindings',
    write: true,
    why: "imports the result's findings, and archives the fixed ones (RecordState ARCHIVED, Compliance PASSED)",
  },
  {
    service: 'securityhub',
    operation: 'BatchUpdateFindings',
    iamAction: 'securityhub:BatchUpdateFindings',
    write: true,
    why: 'sets Workflow.Status RESOLVED on fixed findings and SUPPRESSED on suppressed ones (BatchImportFindings cannot change the Workflow of a finding it created before)',
  },
];

/** The prefix of every Id and GeneratorId ztait writes. */
export const OWN_PREFIX = 'ztait/';

/** Thrown before a request is built: the call is not ztait's to make. */
export class ExportForbiddenError extends Error {
  constructor(service: string, operation: string, why: string) {
    super(`refused to send ${service}:${operation}: ${why}`);
    this.name = 'ExportForbiddenError';
  }
}

/** The account's custom-integration product: `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`. */
export function isOwnProduct(arn: unknown, account: string): boolean {
  if (!ACCOUNT_ID.test(account)) return false;
  return typeof arn === 'string' && new RegExp(`^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:${account}:product/${account}/default$`).test(arn);
}

type Obj = Record<string, unknown>;

export interface GuardOptions {
  dryRun: boolean;
  /** The caller's account once sts:GetCallerIdentity told it; writes wait for it. */
  account: () => string | undefined;
}

/** Checks one call against the allow-list; throws ExportForbiddenError, or returns the action. */
export function checkExportCall(service: ExportService, operation: string, input: unknown, opts: GuardOptions): ExportAction {
  const action = EXPORT_ACTIONS.find((a) => a.service === service && a.operation === operation);
  if (!action) throw new ExportForbiddenError(service, operation, "not in the export's allow-list");
  if (!action.write) return action;
  if (opts.dryRun) throw new ExportForbiddenError(service, operation, 'a dry run sends no write');
  const account = opts.account();
  if (!account) throw new ExportForbiddenError(service, operation, 'the caller account is not known yet');
  const i = (input ?? {}) as Obj;
  if (operation === 'BatchImportFindings') {
    const findings = Array.isArray(i.Findings) ? (i.Findings as Obj[]) : [];
    const foreign = findings.find(
      (f) =>
        typeof f.Id !== 'string' ||
        !f.Id.startsWith(OWN_PREFIX) ||
        typeof f.GeneratorId !== 'string' ||
        !f.GeneratorId.startsWith(OWN_PREFIX) ||
        f.AwsAccountId !== account ||
        !isOwnProduct(f.ProductArn, account),
    );
    if (findings.length === 0 || foreign) {
      throw new ExportForbiddenError(service, operation, `only ztait's own findings in account ${account} may be imported`);
    }
  } else {
    const ids = Array.isArray(i.FindingIdentifiers) ? (i.FindingIdentifiers as Obj[]) : [];
    const others = Object.keys(i).filter((k) => !['FindingIdentifiers', 'Workflow', 'Note'].includes(k));
    const foreign = ids.find((f) => typeof f.Id !== 'string' || !f.Id.startsWith(OWN_PREFIX) || !isOwnProduct(f.ProductArn, account));
    if (ids.length === 0 || foreign || others.length > 0) {
      throw new ExportForbiddenError(
        service,
        operation,
        `only the Workflow and Note of ztait's own findings in account ${account} may be updated`,
      );
    }
  }
  return action;
}

/** The part of an SDK client the guard needs. */
interface MiddlewareClient {
  middlewareStack: object;
}
type AddMiddleware = (mw: unknown, opts: { step: string; priority: string; name: string }) => void;

/** Installs the guard on a client (before it sends anything). */
export function guardClient<C extends MiddlewareClient>(client: C, service: ExportService, opts: GuardOptions): C {
  const middleware =
    (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
      checkExportCall(service, (context.commandName ?? '').replace(/Command$/, ''), args.input, opts);
      return next(args);
    };
  (client.middlewareStack as { add: AddMiddleware }).add(middleware, { step: 'initialize', priority: 'high', name: 'ztaitExportGuard' });
  return client;
}

/** The identity policy the export needs (`ztait export securityhub --print-policy`). */
export function exportPolicy(): { Version: string; Statement: { Sid: string; Effect: 'Allow'; Action: string[]; Resource: string }[] } {
  const actions = (write: boolean) => EXPORT_ACTIONS.filter((a) => a.write === write).map((a) => a.iamAction);
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ZtaitExportRead', Effect: 'Allow', Action: actions(false), Resource: '*' },
      { Sid: 'ZtaitExportFindings', Effect: 'Allow', Action: actions(true), Resource: '*' },
    ],
  };
}
