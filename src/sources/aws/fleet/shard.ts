/**
 * `--shard i/N`: which part of the account list one CI job sweeps. Each account goes to the shard
 * with the highest score sha256(`<account id>/<shard>`) (rendezvous, or highest-random-weight,
 * hashing): the choice depends on the account id and N alone, never on the other accounts, so
 * adding or removing an account moves no other account, and going from N to N+1 shards moves only
 * the ~1/(N+1) accounts the new shard wins. Every account is in exactly one shard.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../../model/errors.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** More shards than this is a typo, not a CI matrix (GitHub Actions runs at most 256 jobs a matrix). */
const MAX_SHARDS = 1_000;

export function parseShard(value: string): Shard {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    const quoted = /^[\d/ ]{1,12}$/.test(value) ? ` (got "${value}")` : '';
    throw new InputError(`--shard expects i/N with 1 <= i <= N <= ${MAX_SHARDS}, such as 1/4${quoted}`);
  }
  return { index, count };
}

/** The shard (1-based) an account belongs to among `count`. */
export function shardOf(accountId: string, count: number): number {
  let best = 1;
  let bestScore = -1n;
  for (let i = 1; i <= count; i++) {
    const score = createHash('sha256').update(`${accountId}/${i}`).digest().readBigUInt64BE(0);
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

export function inShard<T extends { id: string }>(accounts: readonly T[], shard: Shard): T[] {
  return accounts.filter((a) => shardOf(a.id, shard.count) === shard.index);
}
