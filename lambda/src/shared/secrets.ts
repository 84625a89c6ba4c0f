import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TtlCache } from './cache.js';
import type { Clock } from './clock.js';

/**
 * A short-lived cache of secret values (one Secrets Manager call per secret and stage per TTL
 * instead of per request). Failures are not cached: a caller that cannot read a secret fails
 * closed and the next request asks again. The cache only ever asks for the ARNs it is given:
 * callers pass their own configured ARN, never one taken from a request.
 */

export interface SecretVersion {
  value: string;
  /** When this version was created (Secrets Manager's CreatedDate), if known. */
  createdAt?: number;
}

export const DEFAULT_SECRET_TTL_MS = 5 * 60 * 1000;

export class SecretCache {
  private readonly cache: TtlCache<SecretVersion | null>;

  constructor(
    private readonly client: SecretsManagerClient,
    clock: Clock,
    ttlMs: number = DEFAULT_SECRET_TTL_MS,
  ) {
    this.cache = new TtlCache(clock, ttlMs);
  }

  /** The secret's value at `stage`, or null when that stage does not exist (e.g. no AWSPREVIOUS yet). */
  get(secretArn: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS' = 'AWSCURRENT'): Promise<SecretVersion | null> {
    return this.cache.get(`${stage}\u0000${secretArn}`, () => this.fetch(secretArn, stage));
  }

  private async fetch(secretArn: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<SecretVersion | null> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
      if (typeof out.SecretString !== 'string') throw new Error(`secret ${secretArn} has no string value`);
      return { value: out.SecretString, ...(out.CreatedDate ? { createdAt: out.CreatedDate.getTime() } : {}) };
    } catch (e) {
      // A missing AWSPREVIOUS stage is normal before the first rotation; anything else is a failure.
      if (stage === 'AWSPREVIOUS' && (e as { name?: string }).name === 'ResourceNotFoundException') return null;
      throw e;
    }
  }
}

/** A secret holding JSON: the object, or an error naming the secret (never its content). */
export function secretJson(value: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`${what} is not JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}
