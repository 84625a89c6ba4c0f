import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Inventory } from '../../model/inventory.js';
import { InventoryBuilder, cmp } from './builder.js';
import { createClients, replayClients, ConnectionSetupError, type AwsClients, type ConnectionOptions } from './clients.js';
import { collectApis } from './collect/apigateway.js';
import { attempt, partitionOf, type CollectContext } from './collect/context.js';
import type { CallFailure } from './failure.js';
import { collectTables } from './collect/dynamodb.js';
import { collectNetwork } from './collect/ec2.js';
import { collectIam } from './collect/iam.js';
import { collectFunctions } from './collect/lambda.js';
import { collectParameters, collectSecrets } from './collect/secrets.js';
import { collectTrails } from './collect/trails.js';
import { compareWithSimulator, simulate } from './crosscheck.js';
import { ProbeSession, type CallLogEntry } from './session.js';
import { buildSnapshot, type Snapshot } from './snapshot.js';
import { DEFAULT_CONCURRENCY, DEFAULT_PREFIX } from './defaults.js';
export { DEFAULT_CONCURRENCY, DEFAULT_PREFIX } from './defaults.js';

export interface ProbeOptions extends ConnectionOptions {
  prefix?: string;
  concurrency?: number;
  /** Limits an endpoint cannot talk its way past (./transport.ts, ./collect/context.ts). */
  maxPages?: number;
  maxResponseMiB?: number;
  maxTotalMiB?: number;
  maxCalls?: number;
  allowInsecureEndpoint?: boolean;
  /** Called with the session before the first call (progress display). */
  onSession?: (s: ProbeSession) => void;
}

export interface ProbeRun {
  inventory: Inventory;
  snapshot: Snapshot;
  callLog: CallLogEntry[];
}

/** Live, read-only audit of the account the options point at. */
export async function probeLive(opts: ProbeOptions): Promise<ProbeRun> {
  // The SDK warns about future Node versions on stderr; irrelevant to a report reader.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const session = new ProbeSession({
    concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.roleArn ? { auditRoleArn: opts.roleArn } : {}),
    ...(opts.maxPages !== undefined ? { maxPages: opts.maxPages } : {}),
    ...(opts.maxResponseMiB !== undefined ? { maxResponseMiB: opts.maxResponseMiB } : {}),
    ...(opts.maxTotalMiB !== undefined ? { maxTotalMiB: opts.maxTotalMiB } : {}),
    ...(opts.maxCalls !== undefined ? { maxCalls: opts.maxCalls } : {}),
    ...(opts.allowInsecureEndpoint !== undefined ? { allowInsecureEndpoint: opts.allowInsecureEndpoint } : {}),
  });
  opts.onSession?.(session);
  const clients = await createClients(opts, session);
  return run(clients, session, opts.prefix ?? DEFAULT_PREFIX);
}

/** Offline re-evaluation: the same collectors answered from the snapshot; nothing is sent. */
export async function probeSnapshot(snapshot: Snapshot, prefix?: string, maxPages?: number): Promise<ProbeRun> {
  // The page cap holds in a replay too: a snapshot can record a pagination that never ends.
  const session = new ProbeSession({ replay: snapshot.calls, concurrency: 1, ...(maxPages !== undefined ? { maxPages } : {}) });
  const clients = replayClients(snapshot.region, session);
  const result = await run(clients, session, prefix ?? snapshot.prefix);
  // The evidence of a replay is the original run's: keep its call log.
  return { ...result, snapshot: { ...result.snapshot, call_log: snapshot.call_log }, callLog: snapshot.call_log };
}

/** sts:GetCallerIdentity failed: nothing else would be read (a fleet run makes it that account x region's error). */
export class IdentityUnreadableError extends ConnectionSetupError {
  constructor(
    message: string,
    readonly failure: CallFailure,
  ) {
    super(message);
  }
}

async function run(clients: AwsClients, session: ProbeSession, prefix: string): Promise<ProbeRun> {
  const out = new InventoryBuilder();
  const identity = await attempt(() => clients.sts.send(new GetCallerIdentityCommand({})));
  // GetCallerIdentity needs no permission: when it fails, the endpoint did not answer, or the
  // credentials (or the audit role) are not usable. Nothing else would be read either: that is a
  // run that could not start (one line, exit 2), not an account whose every invariant is `error`.
  // A call that fails after it is a gap, and the invariants that need it are `error`.
  if (!identity.ok) {
    const hint = session.replaying
      ? 'the snapshot holds no answer to it'
      : 'check --endpoint-url, --region, the network and the credentials';
    throw new IdentityUnreadableError(`could not read the account: ${identity.failure.reason} (${hint})`, identity.failure);
  }
  const account: NonNullable<Inventory['account']> = {
    ...(identity.value.Account ? { id: identity.value.Account } : {}),
    region: clients.region,
    ...(identity.value.Arn ? { caller: identity.value.Arn } : {}),
  };
  const ctx: CollectContext = {
    clients,
    prefix,
    accountId: account.id ?? '',
    region: clients.region,
    partition: identity.value.Arn ? (identity.value.Arn.split(':')[1] ?? 'aws') : partitionOf(clients.region),
    out,
    maxPages: session.maxPages,
  };

  const functionsDone = collectFunctions(ctx);
  const [, tables, roles] = await Promise.all([
    functionsDone.then((fns) => collectNetwork(ctx, fns)),
    collectTables(ctx),
    functionsDone.then((fns) => collectIam(ctx, [...new Set(fns.map((f) => f.fn.Role ?? '').filter(Boolean))])),
    collectSecrets(ctx),
    collectParameters(ctx),
    collectTrails(ctx),
    collectApis(ctx),
  ]);
  const simulation = await simulate(ctx, roles, tables);

  out.limitation(
    'DynamoDB table items are not read live (that needs dynamodb:Scan of application data): SI-14 looks for prompts in function environments and SSM parameters only',
  );
  const inventory = out.build(account);
  const cross = compareWithSimulator(inventory, prefix, simulation);
  if (cross.length > 0) inventory.limitations = [...new Set([...(inventory.limitations ?? []), ...cross])].sort(cmp);

  const snapshot = buildSnapshot({ prefix, region: clients.region, account, calls: session.recordedCalls(), callLog: session.callLog });
  return { inventory, snapshot, callLog: session.callLog };
}
