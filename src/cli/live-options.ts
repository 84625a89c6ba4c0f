/**
 * What reads an account for a command: the probe's flags (credentials, endpoint, limits, snapshot
 * record and replay), their validation, and the collection itself (live or replayed, read-only,
 * fail closed). `probe` and `drift` both read an account this one way.
 */
import { Option, type Command } from 'commander';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_CALLS,
  DEFAULT_MAX_PAGES,
  DEFAULT_MAX_RESPONSE_MIB,
  DEFAULT_MAX_TOTAL_MIB,
  DEFAULT_TIMEOUT_MS,
} from '../sources/aws/defaults.js';
import { insecureEndpoint } from '../sources/aws/transport.js';
import type { ProbeRun } from '../sources/aws/probe.js';
import type { InputFile } from '../model/inventory.js';
import { checkWritePath } from '../io/safe-write.js';
import { printDiagnostic, UsageError } from './errors.js';

export interface LiveCliOptions {
  region?: string;
  profile?: string;
  roleArn?: string;
  externalId?: string;
  endpointUrl?: string;
  concurrency?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  maxPages?: number;
  maxResponseMib?: number;
  maxTotalMib?: number;
  maxCalls?: number;
  allowInsecureEndpoint?: boolean;
  saveSnapshot?: string;
  snapshot?: string;
  prefix?: string;
  quiet?: boolean;
}

export const positiveInt =
  (flag: string) =>
  (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} expects a positive integer, got "${v}"`);
    return Number(v);
  };

const LIVE_ONLY = ['region', 'profile', 'roleArn', 'externalId', 'endpointUrl', 'allowInsecureEndpoint'] as const;

/** The flags that say which account to read and how (every read-only limit), and the snapshot flags. */
export function addLiveOptions(cmd: Command): Command {
  return cmd
    .option('--region <region>', "AWS region (default: AWS_REGION or the profile's region)")
    .option('--profile <name>', 'named profile from the shared AWS config and credentials files')
    .option('--role-arn <arn>', `assume this audit role first (session name ztait-audit; needs sts:AssumeRole)`)
    .option('--external-id <id>', "external id the audit role's trust policy requires")
    .option('--endpoint-url <url>', 'send every call to this AWS-compatible endpoint (LocalStack, moto, a proxy)')
    .addOption(
      new Option('--concurrency <n>', 'calls in flight at most').default(DEFAULT_CONCURRENCY).argParser(positiveInt('--concurrency')),
    )
    .addOption(
      new Option('--timeout-ms <ms>', 'timeout of each call attempt').default(DEFAULT_TIMEOUT_MS).argParser(positiveInt('--timeout-ms')),
    )
    .addOption(
      new Option('--max-attempts <n>', 'attempts per call (adaptive retry with backoff)')
        .default(DEFAULT_MAX_ATTEMPTS)
        .argParser(positiveInt('--max-attempts')),
    )
    .addOption(
      new Option('--max-pages <n>', 'pages one paginated listing may take; past it the listing is a collection gap')
        .default(DEFAULT_MAX_PAGES)
        .argParser(positiveInt('--max-pages')),
    )
    .addOption(
      new Option('--max-response-mib <n>', 'largest response body; a bigger one is aborted while streaming, a collection gap')
        .default(DEFAULT_MAX_RESPONSE_MIB)
        .argParser(positiveInt('--max-response-mib')),
    )
    .addOption(
      new Option('--max-total-mib <n>', 'all response bodies of the run together; past it every further response is a collection gap')
        .default(DEFAULT_MAX_TOTAL_MIB)
        .argParser(positiveInt('--max-total-mib')),
    )
    .addOption(
      new Option('--max-calls <n>', 'calls the run may send; past it every further call is a collection gap')
        .default(DEFAULT_MAX_CALLS)
        .argParser(positiveInt('--max-calls')),
    )
    .option(
      '--allow-insecure-endpoint',
      'allow an --endpoint-url in plain http to a host that is not loopback (credentials and answers unprotected)',
    )
    .option('--save-snapshot <file>', 'write every response read (secrets redacted) and the call log to FILE')
    .option('--snapshot <file>', 're-evaluate a saved snapshot offline, with no AWS call');
}

/** Flags that contradict each other or cannot work, refused before anything is read (exit 2). */
export function validateLiveOptions(opts: LiveCliOptions): void {
  if (opts.snapshot) {
    const given = LIVE_ONLY.filter((k) => opts[k] !== undefined);
    if (given.length > 0) {
      const flags = given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      throw new UsageError(`--snapshot replays offline: ${flags.join(', ')} do not apply`);
    }
  }
  if (opts.externalId && !opts.roleArn) throw new UsageError('--external-id needs --role-arn');
  if (opts.roleArn && !/^arn:aws[\w-]*:iam::\d{12}:role\/.+/.test(opts.roleArn)) {
    throw new UsageError(`--role-arn ${opts.roleArn} is not an IAM role ARN (arn:aws:iam::123456789012:role/name)`);
  }
  if (opts.endpointUrl) {
    let u: URL;
    try {
      u = new URL(opts.endpointUrl);
    } catch {
      throw new UsageError(`--endpoint-url ${opts.endpointUrl} is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--endpoint-url must be http or https, got ${u.protocol}`);
    const insecure = insecureEndpoint(opts.endpointUrl);
    if (insecure && !opts.allowInsecureEndpoint) throw new UsageError(`${insecure}: use https, or pass --allow-insecure-endpoint`);
  }
}

/** The probe's connection and limit options from the flags. */
export function probeOptions(o: LiveCliOptions) {
  return {
    ...(o.region ? { region: o.region } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.roleArn ? { roleArn: o.roleArn } : {}),
    ...(o.externalId ? { externalId: o.externalId } : {}),
    ...(o.endpointUrl ? { endpointUrl: o.endpointUrl } : {}),
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
    ...(o.maxPages ? { maxPages: o.maxPages } : {}),
    ...(o.maxResponseMib ? { maxResponseMiB: o.maxResponseMib } : {}),
    ...(o.maxTotalMib ? { maxTotalMiB: o.maxTotalMib } : {}),
    ...(o.maxCalls ? { maxCalls: o.maxCalls } : {}),
    ...(o.allowInsecureEndpoint ? { allowInsecureEndpoint: true } : {}),
  };
}

/**
 * Reads the account (live, or the --snapshot replayed), writes --save-snapshot, and says on stderr
 * what was read (unless --quiet). The run's inventory carries the snapshot as its input and the
 * insecure-endpoint warning. A run that cannot start is a UsageError (exit 2). A replay keeps the
 * snapshot's prefix unless `replayPrefix` (the --prefix flag itself, not a configuration's) says otherwise.
 */
export async function collectAccount(opts: LiveCliOptions, replayPrefix: string | undefined): Promise<ProbeRun> {
  // refuse a symlinked destination before reading the account, not after
  if (opts.saveSnapshot) checkWritePath(opts.saveSnapshot, { what: 'snapshot' });
  // The SDK warns about future Node versions on stderr, a replay included; irrelevant to a report reader.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Allowed with --allow-insecure-endpoint: said before the first request, and in the report.
  const insecure = !opts.snapshot && opts.endpointUrl ? insecureEndpoint(opts.endpointUrl) : undefined;
  if (insecure) process.stderr.write(`ztait: warning: ${insecure}\n`);
  let run: ProbeRun;
  let inputs: InputFile[] = [];
  // the AWS SDK is loaded only when a probe runs: `ztait --help`, `check` and `rules` stay fast
  const [{ ConnectionSetupError }, { probeLive, probeSnapshot }, { showProgress }, { SnapshotError, readSnapshot, writeSnapshot }] =
    await Promise.all([
      import('../sources/aws/clients.js'),
      import('../sources/aws/probe.js'),
      import('../sources/aws/progress.js'),
      import('../sources/aws/snapshot.js'),
    ]);
  try {
    if (opts.snapshot) {
      const { snapshot, sha256 } = readSnapshot(opts.snapshot);
      run = await probeSnapshot(snapshot, replayPrefix, opts.maxPages);
      inputs = [{ path: opts.snapshot, sha256 }];
    } else {
      const progress: { stop(): void }[] = [];
      try {
        run = await probeLive({
          ...probeOptions(opts),
          ...(opts.prefix ? { prefix: opts.prefix } : {}),
          onSession: (s) => {
            if (process.stderr.isTTY && !opts.quiet) progress.push(showProgress(s));
          },
        });
      } finally {
        progress.forEach((p) => p.stop());
      }
    }
    if (opts.saveSnapshot) writeSnapshot(opts.saveSnapshot, run.snapshot);
  } catch (e) {
    if (e instanceof ConnectionSetupError || e instanceof SnapshotError) throw new UsageError(e.message);
    throw e;
  }
  run.inventory.inputs = inputs;
  if (insecure) run.inventory.diagnostics.push({ severity: 'warning', message: insecure });
  if (!opts.quiet) {
    const failed = run.callLog.filter((c) => !c.ok).length;
    const acct = run.inventory.account;
    printDiagnostic(
      `${opts.snapshot ? 'replayed' : 'read'} account ${acct?.id ?? '(unknown)'} in ${acct?.region ?? '?'}: ${run.callLog.length} calls, ${failed} failed`,
    );
  }
  return run;
}
