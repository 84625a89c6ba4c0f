/**
 * One probe run over many accounts. The auditor's own credentials list the accounts (--org) and
 * assume `--role-name` in each (session ztait-audit); each account x region is one probe run with
 * those credentials (../probe.ts probeLive), judged as soon as it is read: only what `judge`
 * returns is kept, never the inventory or the snapshot. Accounts run `accountConcurrency` at a
 * time, the regions of one account one after the other, so a worker holds one inventory at a time.
 *
 * Failures are contained: an account whose role cannot be assumed, a region a service control
 * policy blocks or an account throttled throughout becomes `unread(reason)` for that account (or
 * region), and the other accounts go on. Only an auditor identity that cannot be used, or an
 * account list that cannot be had, stops the run (ConnectionSetupError: exit 2).
 */
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient, paginateListAccounts, type Account } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import pLimit from 'p-limit';
import type { Inventory } from '../../../model/inventory.js';
import type { FleetAccount } from '../../../model/result.js';
import { assumeRoleProvider, callerSts, ConnectionSetupError, type SharedConfig } from '../clients.js';
import { allPages, attempt, partitionOf } from '../collect/context.js';
import { IdentityUnreadableError, probeLive, type ProbeOptions } from '../probe.js';
import { DEFAULT_ACCOUNT_CONCURRENCY, DEFAULT_ROLE_NAME } from '../defaults.js';
import { ForbiddenCallError, ProbeCallError, ProbeSession, type SessionOptions } from '../session.js';
import { ACCOUNT_ID, REGION_NAME, uniqueTargets, type FleetTarget } from './accounts.js';
import { assumeRoleReason, blockedRegionReason, identityReason, outcomeOf, regionsReason } from './reasons.js';
import { inShard, type Shard } from './shard.js';

export interface FleetOptions extends Omit<ProbeOptions, 'roleArn' | 'externalId' | 'credentials' | 'onSession'> {
  /** The accounts, or `org`: the Organization's active accounts. */
  accounts: FleetTarget[] | 'org';
  shard?: Shard;
  /** The audit role's name in every account (default ztait-audit). */
  roleName?: string;
  externalId?: string;
  /** The regions of every account (default: the home region, --region); `all-enabled`: each account's own. */
  regions?: string[] | 'all-enabled';
  /** Accounts swept at once (default 8); `concurrency` bounds the calls of each. */
  accountConcurrency?: number;
}

/** What the sweep keeps of an account besides its systems (its status is theirs). */
export type AccountOutcome = Omit<FleetAccount, 'status'>;

export interface SweptSystem<R> {
  account: string;
  /** Absent when the account could not be entered and its regions are unknown (--regions all-enabled). */
  region?: string;
  result: R;
}

export interface FleetHooks<R> {
  /** Judges one account x region's inventory as soon as it is read. */
  judge(inventory: Inventory): Promise<R>;
  /** What stands for an account x region nothing could be read of. */
  unread(reason: string): R;
  /** An account is done (progress on stderr). */
  onAccount?(account: AccountOutcome, calls: { sent: number; failed: number }): void;
}

export interface FleetSweep<R> {
  systems: SweptSystem<R>[];
  accounts: AccountOutcome[];
  /** The accounts listed before --shard took its part. */
  listed: number;
}

export async function sweepFleet<R>(opts: FleetOptions, hooks: FleetHooks<R>): Promise<FleetSweep<R>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const roleName = opts.roleName ?? DEFAULT_ROLE_NAME;
  const limits: SessionOptions = {
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.maxPages !== undefined ? { maxPages: opts.maxPages } : {}),
    ...(opts.maxResponseMiB !== undefined ? { maxResponseMiB: opts.maxResponseMiB } : {}),
    ...(opts.allowInsecureEndpoint !== undefined ? { allowInsecureEndpoint: opts.allowInsecureEndpoint } : {}),
  };
  // The auditor's session: its identity, ListAccounts, and AssumeRole of --role-name in any account.
  const session = new ProbeSession({
    ...limits,
    concurrency: opts.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY,
    auditRoleName: roleName,
  });
  const { base, baseSts, region } = await callerSts(opts, session);
  const me = await attempt(() => baseSts.send(new GetCallerIdentityCommand({})));
  if (!me.ok) {
    throw new ConnectionSetupError(
      `could not read the auditor identity: sts:GetCallerIdentity ${outcomeOf(me.failure)} (check --endpoint-url, --region, the network and the credentials)`,
    );
  }
  const partition = me.value.Arn?.split(':')[1] || partitionOf(region);
  const listed = opts.accounts === 'org' ? await orgAccounts(session, base) : uniqueTargets(opts.accounts);
  const targets = opts.shard ? inShard(listed, opts.shard) : listed;

  const account = { opts, hooks, base, baseSts, region, partition, roleName, limits };
  const limit = pLimit(opts.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY);
  const swept = await Promise.all(targets.map((t) => limit(() => sweepAccount(t, account))));
  return { systems: swept.flatMap((s) => s.systems), accounts: swept.map((s) => s.outcome), listed: listed.length };
}

async function orgAccounts(session: ProbeSession, base: SharedConfig): Promise<FleetTarget[]> {
  const org = session.attach(new OrganizationsClient(base), 'organizations');
  const listed = await attempt(() => listOrgAccounts(org, session.maxPages));
  if (!listed.ok) {
    const hint = listed.failure.kind === 'access-denied' ? ' (--org reads from the management account or a delegated administrator)' : '';
    throw new ConnectionSetupError(
      `could not list the Organization's accounts: organizations:ListAccounts ${outcomeOf(listed.failure)}${hint}`,
    );
  }
  if (listed.value.length === 0) throw new ConnectionSetupError('the Organization lists no active account');
  return uniqueTargets(listed.value);
}

/**
 * The Organization's active accounts (organizations:ListAccounts, from the management or a
 * delegated administrator account), paginated through `allPages`. A suspended or closing account is
 * left out: it cannot be audited. Throws the guarded call's failure (ProbeCallError).
 */
export async function listOrgAccounts(org: OrganizationsClient, maxPages: number): Promise<FleetTarget[]> {
  const ctx = { maxPages };
  const accounts = await allPages(ctx, 'organizations:ListAccounts', paginateListAccounts({ client: org }, {}), (p) => p.Accounts);
  // (a name is the endpoint's text: Organizations allows 50 characters, a report shows at most 100)
  return accounts
    .filter((a) => active(a) && ACCOUNT_ID.test(a.Id ?? ''))
    .map((a) => ({ id: a.Id!, ...(a.Name ? { name: a.Name.slice(0, 100) } : {}) }));
}

/** `State` replaces the deprecated `Status` (2025); either says ACTIVE for an account that can be read. */
const active = (a: Account): boolean => (a.State ?? a.Status) === 'ACTIVE';

interface AccountContext<R> {
  opts: FleetOptions;
  hooks: FleetHooks<R>;
  base: SharedConfig;
  baseSts: STSClient;
  region: string;
  partition: string;
  roleName: string;
  limits: SessionOptions;
}

async function sweepAccount<R>(
  target: FleetTarget,
  ctx: AccountContext<R>,
): Promise<{ systems: SweptSystem<R>[]; outcome: AccountOutcome }> {
  const { opts, hooks } = ctx;
  const named = { id: target.id, ...(target.name ? { name: target.name } : {}) };
  const calls = { sent: 0, failed: 0 };
  const done = (systems: SweptSystem<R>[], regions: string[], reasons: string[]) => {
    const outcome: AccountOutcome = { ...named, regions, ...(reasons.length ? { reason: reasons.join('; ') } : {}) };
    hooks.onAccount?.(outcome, calls);
    return { systems, outcome };
  };
  const explicit = opts.regions === 'all-enabled' ? undefined : (opts.regions ?? [ctx.region]);
  // Nothing of the account can be read: each requested region (or the account as a whole) says why.
  const unreadAccount = (reason: string) =>
    done(
      (explicit ?? [undefined]).map((region) => ({ account: target.id, ...(region ? { region } : {}), result: hooks.unread(reason) })),
      explicit ?? [],
      [reason],
    );

  const roleArn = `arn:${ctx.partition}:iam::${target.id}:role/${ctx.roleName}`;
  const credentials = assumeRoleProvider(ctx.baseSts, roleArn, opts.externalId);
  const assumed = await attempt(() => credentials().catch(noCredentials));
  calls.sent += 1;
  if (!assumed.ok) {
    calls.failed += 1;
    return unreadAccount(assumeRoleReason(target.id, roleArn, assumed.failure, Boolean(opts.externalId)));
  }
  let regions = explicit;
  if (!regions) {
    const enabled = await enabledRegions(ctx, credentials);
    calls.sent += 1;
    if (!enabled.ok) {
      calls.failed += 1;
      return unreadAccount(regionsReason(target.id, enabled.failure));
    }
    regions = enabled.value;
  }

  const systems: SweptSystem<R>[] = [];
  const reasons: string[] = [];
  for (const region of regions) {
    const unread = (reason: string) => {
      reasons.push(reason);
      systems.push({ account: target.id, region, result: hooks.unread(reason) });
    };
    let run: Awaited<ReturnType<typeof probeLive>>;
    try {
      run = await probeLive({ ...memberOptions(opts), region, credentials });
    } catch (e) {
      if (!(e instanceof IdentityUnreadableError)) throw e;
      calls.sent += 1;
      calls.failed += 1;
      unread(identityReason(region, e.failure));
      continue;
    }
    calls.sent += run.callLog.length;
    calls.failed += run.callLog.filter((c) => !c.ok).length;
    const blocked = blockedRegionReason(region, run.callLog);
    if (blocked) unread(blocked);
    // only the verdicts are kept: the inventory and the snapshot go with `run`
    else systems.push({ account: target.id, region, result: await hooks.judge(run.inventory) });
  }
  return done(systems, regions, reasons);
}

/** AssumeRole answered without credentials: a failed call like any other (a ProbeCallError). */
function noCredentials(e: unknown): never {
  if (e instanceof ProbeCallError || e instanceof ForbiddenCallError) throw e;
  throw new ProbeCallError({ kind: 'credentials', code: 'NoCredentials', reason: 'sts:AssumeRole returned no credentials' });
}

/** The regions enabled in the account (ec2:DescribeRegions with its credentials, from the home region). */
async function enabledRegions<R>(ctx: AccountContext<R>, credentials: AwsCredentialIdentityProvider) {
  const session = new ProbeSession({ ...ctx.limits, concurrency: 1 });
  const ec2 = session.attach(new EC2Client({ ...ctx.base, credentials }), 'ec2');
  return attempt(async () => {
    const out = await ec2.send(new DescribeRegionsCommand({}));
    const names = (out.Regions ?? []).map((r) => r.RegionName ?? '').filter((r) => REGION_NAME.test(r));
    return [...new Set(names)].sort();
  });
}

/** The options of one account x region's probe run: the fleet's endpoint, namespace and limits. */
function memberOptions(o: FleetOptions): Omit<ProbeOptions, 'region' | 'credentials'> {
  const {
    accounts: _a,
    shard: _s,
    roleName: _r,
    externalId: _e,
    regions: _g,
    accountConcurrency: _c,
    profile: _p,
    region: _h,
    ...member
  } = o;
  return member;
}
