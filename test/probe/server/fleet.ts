/**
 * Fleet fixtures for the test server: a fixture account (fixtures/accounts/*.json, all recorded as
 * account 111122223333) moved to another account id, with the audit role a fleet run assumes.
 *
 *   const srv = await startAwsServer({ account: management, accounts: {
 *     '222233334444': memberAccount(account('reference'), '222233334444'),
 *     '333344445555': memberAccount(account('pitr-off'), '333344445555', { assumable: false }),
 *   } });
 */
import type { FixtureAccount } from './account.js';
import { ACCOUNT } from './reference.js';
import { startAwsServer, type AwsTestServer } from './server.js';

export interface MemberOptions {
  /** The audit role's name (default ztait-audit). */
  roleName?: string;
  /** The external id its trust policy requires. */
  externalId?: string;
  /** false: the role cannot be assumed (AssumeRole is AccessDenied). */
  assumable?: boolean;
  /** The name Organizations lists. */
  name?: string;
  regions?: string[];
  blockedRegions?: string[];
}

export function memberAccount(fixture: FixtureAccount, id: string, opts: MemberOptions = {}): FixtureAccount {
  // every ARN, owner id and name that says the recorded account says the member instead
  const moved = JSON.parse(JSON.stringify(fixture).replaceAll(ACCOUNT, id)) as FixtureAccount;
  delete moved.AuditRole;
  if (opts.assumable !== false) {
    moved.AuditRole = {
      Arn: `arn:aws:iam::${id}:role/${opts.roleName ?? 'ztait-audit'}`,
      ...(opts.externalId ? { ExternalId: opts.externalId } : {}),
    };
  }
  moved.Caller = `arn:aws:iam::${id}:user/nobody`;
  if (opts.name) moved.AccountName = opts.name;
  if (opts.regions) moved.Regions = opts.regions;
  if (opts.blockedRegions) moved.BlockedRegions = opts.blockedRegions;
  return moved;
}

/**
 * The test server holding the Organization the in-process fleet tests sweep: the management account
 * (the reference architecture, whose own role is not the audit role: a StackSet does not deploy
 * there); prod in two regions, one of which a service control policy blocks; staging with PITR off;
 * an account whose audit role cannot be assumed. `fixture` loads a fixture account by name
 * (harness.ts account).
 */
export function startExampleOrganization(
  fixture: (name: string) => FixtureAccount,
  ids: { prod: string; pitr: string; denied: string },
): Promise<AwsTestServer> {
  return startAwsServer({
    account: fixture('reference'),
    accounts: {
      [ids.prod]: memberAccount(fixture('reference'), ids.prod, {
        name: 'prod',
        regions: ['eu-west-1', 'us-east-1'],
        blockedRegions: ['eu-west-1'],
      }),
      [ids.pitr]: memberAccount(fixture('pitr-off'), ids.pitr, { name: 'staging' }),
      [ids.denied]: memberAccount(fixture('reference'), ids.denied, { assumable: false }),
    },
    lifetimeMs: 120_000,
  });
}
