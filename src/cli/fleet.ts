/**
 * `ztait probe --org | --accounts IDS | --accounts-file FILE`: one probe run over many accounts
 * (src/sources/aws/fleet/), each account x region judged as soon as it is read and combined into
 * one result with the org summary (src/systems.ts fleetResult). The flags, their validation, the
 * fleet's --print-policy and the run.
 */
import { deserialize, serialize, setFlagsFromString } from 'node:v8';
import { Option, type Command } from 'commander';
import { emptyInventory } from '../model/inventory.js';
import type { CheckResult } from '../model/result.js';
import { scan } from '../scan.js';
import { DEFAULT_ACCOUNT_CONCURRENCY, DEFAULT_ROLE_NAME } from '../sources/aws/defaults.js';
import { checkRoleName, parseAccountList, parseRegions, readAccountsFile } from '../sources/aws/fleet/accounts.js';
import { parseShard, type Shard } from '../sources/aws/fleet/shard.js';
import { insecureEndpoint } from '../sources/aws/transport.js';
import { fleetResult, systemRoot, unreadResult } from '../systems.js';
import type { ZtaitConfig } from '../config/config.js';
import { checkDestinations, commandLine, emitResult, gatePolicy, type CommonOptions } from './common.js';
import { printDiagnostic, UsageError } from './errors.js';
import { positiveInt, probeOptions, validateLiveOptions, type LiveCliOptions } from './live-options.js';

export interface FleetCliOptions {
  org?: boolean;
  accounts?: string;
  accountsFile?: string;
  roleName?: string;
  regions?: string;
  accountConcurrency?: number;
  shard?: Shard;
}

const shardArg = (v: string): Shard => {
  try {
    return parseShard(v);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
};

/** The flags of a fleet run. */
export function addFleetOptions(cmd: Command): Command {
  return cmd
    .option(
      '--org',
      'sweep every ACTIVE account of the AWS Organization (organizations:ListAccounts, from the management or a delegated administrator account)',
    )
    .option('--accounts <ids>', 'sweep these accounts (12-digit ids, comma-separated)')
    .option('--accounts-file <file>', 'sweep the accounts listed in FILE (one id a line, # comments)')
    .option(
      '--role-name <name>',
      `fleet: the audit role assumed in each account, arn:aws:iam::<id>:role/NAME (default ${DEFAULT_ROLE_NAME}; --external-id applies to it)`,
    )
    .option(
      '--regions <list>',
      "fleet: the regions read in each account, us-east-1,eu-west-1, or all-enabled (each account's enabled regions, ec2:DescribeRegions) (default: --region)",
    )
    .addOption(
      new Option(
        '--account-concurrency <n>',
        `fleet: accounts swept at once, each with --concurrency calls in flight (default ${DEFAULT_ACCOUNT_CONCURRENCY})`,
      ).argParser(positiveInt('--account-concurrency')),
    )
    .addOption(
      new Option(
        '--shard <i/N>',
        'fleet: sweep only part i of N of the account list (a stable hash of each account id: adding an account moves no other); ztait merge recombines the parts',
      ).argParser(shardArg),
    );
}

/** Text for `probe --help`: the fleet's --print-policy layout. */
export const FLEET_HELP = `
Fleet runs (--org, --accounts, --accounts-file):
  Each account is read with the role --role-name (session ztait-audit) assumed from the caller's
  credentials; each account x region is judged on its own (root <account>/<region>) and the result
  adds an org summary (per invariant: accounts passing, failing, in error). An account whose role
  cannot be assumed, or a region that cannot be read, is that account's error verdicts, with the
  reason; the other accounts go on. Exit 2 only when the caller's identity or the account list
  cannot be read.
  --print-policy with a fleet flag prints one JSON object:
    auditor_policy     the caller's identity policy: organizations:ListAccounts (with --org) and
                       sts:AssumeRole on arn:aws:iam::*:role/<role name>
    member_role        role_name, trust_policy (trusting <AUDITOR_ACCOUNT_ID>, with an
                       sts:ExternalId condition given --external-id), permissions_policy
    stackset_template  CloudFormation YAML for the management account: a SERVICE_MANAGED StackSet
                       deploying that role into every account of the given OUs (not into the
                       management account itself)
  e.g. ztait probe --org --print-policy | jq -r .stackset_template > ztait-audit-role.yaml
  --org lists the management account too: a StackSet does not deploy there, so create the role
  there as well (or its verdicts are error), or sweep --accounts without it.
`;

const FLEET_ONLY = ['roleName', 'regions', 'accountConcurrency', 'shard'] as const;
const flag = (k: string): string => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Whether the flags ask for a fleet run; contradicting flags are refused (exit 2). */
export function isFleet(opts: FleetCliOptions & LiveCliOptions): boolean {
  const choosers = (['org', 'accounts', 'accountsFile'] as const).filter((k) => opts[k] !== undefined);
  if (choosers.length > 1) throw new UsageError(`${choosers.map(flag).join(' and ')} both choose the accounts: give one`);
  if (choosers.length === 0) {
    const given = FLEET_ONLY.filter((k) => opts[k] !== undefined);
    if (given.length > 0) throw new UsageError(`${given.map(flag).join(', ')} need a fleet: --org, --accounts or --accounts-file`);
    return false;
  }
  const chooser = flag(choosers[0]!);
  for (const k of ['roleArn', 'snapshot', 'saveSnapshot'] as const) {
    if (opts[k] === undefined) continue;
    const why = k === 'roleArn' ? 'each account is entered with --role-name' : 'a snapshot holds one account in one region';
    throw new UsageError(`${chooser} and ${flag(k)} do not go together: ${why}`);
  }
  if (opts.roleName !== undefined) checkRoleName(opts.roleName);
  return true;
}

/** `--print-policy` of a fleet (the layout is in FLEET_HELP). */
export async function printFleetPolicy(opts: FleetCliOptions & LiveCliOptions): Promise<void> {
  const { fleetPolicy } = await import('../sources/aws/fleet/policy.js');
  const policy = fleetPolicy({
    roleName: opts.roleName ?? DEFAULT_ROLE_NAME,
    ...(opts.externalId ? { externalId: opts.externalId } : {}),
    org: Boolean(opts.org),
  });
  process.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
}

type FleetRunOptions = FleetCliOptions & LiveCliOptions & CommonOptions;

/**
 * A sweep allocates fast (the SDK's garbage of every call) and holds little (the accounts being
 * read): V8's default then lets the heap grow to about four times what it holds between full
 * collections, and the peak rose with the run's length (bench: 300 MiB at 25 accounts, 350 at
 * 50). Growing by half of what it holds keeps the peak near 200 MiB, flat as the accounts double,
 * for no measurable CPU. A value the user gave node (`node --heap-growing-percent=N`) stays.
 */
function boundHeapGrowth(): void {
  if (!process.execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) setFlagsFromString('--heap-growing-percent=50');
}

/** Sweeps the fleet, judges each account x region, and writes the combined result. */
export async function probeFleet(opts: FleetRunOptions, config: ZtaitConfig, setExit: (code: number) => void): Promise<void> {
  // the endpoint's checks; --external-id belongs to --role-name here, not to --role-arn
  validateLiveOptions({ ...opts, externalId: undefined });
  const ids = opts.org ? undefined : opts.accounts !== undefined ? parseAccountList(opts.accounts) : readAccountsFile(opts.accountsFile!);
  const accounts = ids ? ids.map((id) => ({ id })) : ('org' as const);
  const regions = opts.regions !== undefined ? parseRegions(opts.regions) : undefined;
  checkDestinations(opts);
  const insecure = opts.endpointUrl ? insecureEndpoint(opts.endpointUrl) : undefined;
  if (insecure) process.stderr.write(`ztait: warning: ${insecure}\n`);

  const engine = {
    commandLine: commandLine(process.argv),
    ...(opts.prefix ? { prefix: opts.prefix } : {}),
    ...(opts.check ? { checks: opts.check } : {}),
    ...(opts.skipCheck ? { skipChecks: opts.skipCheck } : {}),
    suppressions: config.suppressions,
    ...(opts.configInfo ? { config: opts.configInfo } : {}),
  };
  const judge = (inventory: ReturnType<typeof emptyInventory>): Promise<CheckResult> =>
    scan({ source: { kind: 'inventory', inventory }, ...engine });
  const template = await judge(emptyInventory('live'));
  // Each account x region's verdicts are kept serialized, outside the JavaScript heap, until the
  // end: the heap holds the accounts being read, not every one read so far.
  const packed = (r: CheckResult): Buffer => serialize(r);
  boundHeapGrowth();
  // the AWS SDK is loaded only when a probe runs
  const [{ ConnectionSetupError }, { sweepFleet }] = await Promise.all([
    import('../sources/aws/clients.js'),
    import('../sources/aws/fleet/sweep.js'),
  ]);
  let swept: Awaited<ReturnType<typeof sweepFleet<Buffer>>>;
  try {
    swept = await sweepFleet<Buffer>(
      {
        ...probeOptions({ ...opts, roleArn: undefined, externalId: undefined }),
        ...(opts.prefix ? { prefix: opts.prefix } : {}),
        accounts,
        ...(opts.shard ? { shard: opts.shard } : {}),
        ...(opts.roleName ? { roleName: opts.roleName } : {}),
        ...(opts.externalId ? { externalId: opts.externalId } : {}),
        ...(regions ? { regions } : {}),
        ...(opts.accountConcurrency ? { accountConcurrency: opts.accountConcurrency } : {}),
      },
      {
        judge: async (inventory) => packed(await judge(inventory)),
        unread: (reason) => packed(unreadResult(template, reason)),
        onAccount: (a, calls) => {
          if (opts.quiet) return;
          const name = a.name ? ` (${a.name})` : '';
          const read = `${a.regions.length} region(s), ${calls.sent} calls, ${calls.failed} failed`;
          printDiagnostic(`account ${a.id}${name}: ${read}${a.reason ? `; not read: ${a.reason}` : ''}`);
        },
      },
    );
  } catch (e) {
    if (e instanceof ConnectionSetupError) throw new UsageError(e.message);
    throw e;
  }
  const result = fleetResult(
    swept.systems.map((s) => ({ ...s, root: systemRoot(s.account, s.region), result: deserialize(s.result) as CheckResult })),
    swept.accounts,
    {
      template,
      ...(opts.shard ? { shard: opts.shard } : {}),
      ...(opts.baseline ? { baseline: opts.baseline } : {}),
      gate: gatePolicy(opts),
      ...(insecure ? { diagnostics: [{ severity: 'warning' as const, message: insecure }] } : {}),
    },
  );
  if (!opts.quiet) {
    const unread = swept.accounts.filter((a) => a.reason).length;
    const part = opts.shard ? ` (shard ${opts.shard.index}/${opts.shard.count} of ${swept.listed} listed)` : '';
    printDiagnostic(
      `swept ${swept.accounts.length} account(s)${part}: ${swept.systems.length} account x region(s), ${unread} account(s) not read in full`,
    );
  }
  await emitResult(result, opts, setExit);
}
