/**
 * Why an account or a region of a fleet could not be read, in ztait's words: the call, what became
 * of it (from the failure's kind) and its error code when that is a plain token. Never the
 * endpoint's own message text.
 */
import type { CallLogEntry } from '../session.js';
import { isDeniedCode, isThrottledCode, type CallFailure } from '../failure.js';

const OUTCOME: Partial<Record<CallFailure['kind'], string>> = {
  'access-denied': 'was denied',
  throttled: 'was throttled until the retries ran out',
  timeout: 'got no answer in time',
  network: 'reached no endpoint',
  server: 'met server errors until the retries ran out',
  credentials: 'had no usable credentials',
  'not-implemented': 'is not implemented by the endpoint',
  limit: 'broke a response limit',
  'insecure-endpoint': 'was refused (plain http to a host that is not loopback)',
};

/** `was denied (AccessDenied)`. */
export function outcomeOf(f: Pick<CallFailure, 'kind' | 'code'>): string {
  const code = /^[A-Za-z][A-Za-z0-9.]{0,63}$/.test(f.code) ? ` (${f.code})` : '';
  return `${OUTCOME[f.kind] ?? 'failed'}${code}`;
}

const SCP_HINT = 'a service control policy denies the region, or it is not enabled in the account';

export function assumeRoleReason(account: string, roleArn: string, f: CallFailure, externalId: boolean): string {
  const hint =
    f.kind === 'access-denied'
      ? `: the role is missing, or its trust policy does not let this auditor assume it${externalId ? ' with this --external-id' : ''}`
      : '';
  return `account ${account} could not be entered: sts:AssumeRole of ${roleArn} ${outcomeOf(f)}${hint}`;
}

export function regionsReason(account: string, f: CallFailure): string {
  return `account ${account}: its enabled regions could not be listed: ec2:DescribeRegions ${outcomeOf(f)}`;
}

export function identityReason(region: string, f: CallFailure): string {
  return `region ${region} could not be read: sts:GetCallerIdentity ${outcomeOf(f)}${f.kind === 'access-denied' ? ` (${SCP_HINT})` : ''}`;
}

/** Calls to global services (IAM, STS) succeed where a region is blocked: only the regional ones say so. */
const GLOBAL = new Set(['iam', 'sts']);

/**
 * When every regional call of a run failed, and all alike (denied: the region is blocked; or
 * throttled: the account is), why the region could not be read; else undefined (the run's own
 * gaps say what is missing, invariant by invariant).
 */
export function blockedRegionReason(region: string, log: readonly CallLogEntry[]): string | undefined {
  const regional = log.filter((c) => !GLOBAL.has(c.service));
  if (regional.length === 0 || regional.some((c) => c.ok)) return undefined;
  const all = (test: (code: string) => boolean): boolean => regional.every((c) => test(c.error ?? ''));
  if (all(isDeniedCode)) return `region ${region} could not be read: all ${regional.length} regional calls were denied (${SCP_HINT})`;
  if (all(isThrottledCode))
    return `region ${region} could not be read: all ${regional.length} regional calls were throttled until the retries ran out`;
  return undefined;
}
