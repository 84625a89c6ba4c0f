import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../../model/errors.js';
import { writeFileSafe } from '../../io/safe-write.js';
import type { Inventory } from '../../model/inventory.js';
import { VERSION } from '../../version.js';
import { jsonErrorMessage, parseJson } from '../../input/parse-error.js';
import type { ServiceId } from './actions.js';
import type { CallLogEntry, RecordedCall } from './session.js';

/**
 * What `--save-snapshot` writes: every response the probe read (secrets redacted, credentials never
 * kept), the call log and the account. `--snapshot` replays it through the same collectors, so the
 * offline inventory and verdicts are identical to the live run's.
 */
export interface Snapshot {
  format: 'ztait-probe-snapshot';
  version: 1;
  tool_version: string;
  prefix: string;
  region: string;
  account: Inventory['account'] | null;
  calls: RecordedCall[];
  call_log: CallLogEntry[];
}

export class SnapshotError extends Error {}

export function buildSnapshot(args: {
  prefix: string;
  region: string;
  account: Inventory['account'];
  calls: RecordedCall[];
  callLog: CallLogEntry[];
}): Snapshot {
  return {
    format: 'ztait-probe-snapshot',
    version: 1,
    tool_version: VERSION,
    prefix: args.prefix,
    region: args.region,
    account: args.account ?? null,
    calls: args.calls,
    call_log: args.callLog,
  };
}

export function writeSnapshot(file: string, snap: Snapshot): void {
  try {
    // never through a symlink: a InputError (exit 2) names it
    writeFileSafe(file, `${JSON.stringify(snap, null, 2)}\n`, { what: 'snapshot' });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new SnapshotError(`cannot write snapshot ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function readSnapshot(file: string): { snapshot: Snapshot; sha256: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SnapshotError(`cannot read snapshot ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new SnapshotError(`snapshot ${jsonErrorMessage(file, parsed.problem)}`);
  const data = parsed.value;
  const problem = validate(data);
  if (problem) throw new SnapshotError(`${file} is not a ztait probe snapshot: ${problem}`);
  return { snapshot: data as Snapshot, sha256: createHash('sha256').update(text).digest('hex') };
}

const SERVICES: readonly ServiceId[] = [
  'sts',
  'iam',
  'ec2',
  'lambda',
  'dynamodb',
  's3',
  'cloudtrail',
  'secretsmanager',
  'apigateway',
  'ssm',
];

function validate(d: unknown): string | undefined {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return 'not an object';
  const s = d as Record<string, unknown>;
  if (s.format !== 'ztait-probe-snapshot') return 'format is not "ztait-probe-snapshot"';
  if (s.version !== 1) return 'unsupported version (this ztait reads version 1)';
  if (typeof s.prefix !== 'string' || typeof s.region !== 'string' || s.region === '') return 'prefix or region missing';
  if (!Array.isArray(s.calls) || !Array.isArray(s.call_log)) return 'calls or call_log missing';
  for (const [i, c] of (s.calls as unknown[]).entries()) {
    const call = c as Record<string, unknown> | null;
    if (!call || typeof call !== 'object') return `calls[${i}] is not an object`;
    if (!SERVICES.includes(call.service as ServiceId) || typeof call.action !== 'string') return `calls[${i}] has no valid service/action`;
    if (call.output === undefined && (typeof call.failure !== 'object' || call.failure === null))
      return `calls[${i}] has neither output nor failure`;
    if (call.failure !== undefined && typeof (call.failure as { reason?: unknown }).reason !== 'string')
      return `calls[${i}].failure has no reason`;
  }
  return undefined;
}
