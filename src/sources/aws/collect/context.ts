import type { AwsClients } from '../clients.js';
import type { InventoryBuilder } from '../builder.js';
import type { CallFailure } from '../failure.js';
import { ProbeCallError } from '../session.js';

/** What every collector gets: the guarded clients, the namespace, where it runs, and where to put results. */
export interface CollectContext {
  clients: AwsClients;
  prefix: string;
  /** Account id from sts:GetCallerIdentity ('' when it could not be read). */
  accountId: string;
  region: string;
  partition: string;
  out: InventoryBuilder;
}

export type Attempt<T> = { ok: true; value: T } | { ok: false; failure: CallFailure };

/** Runs guarded calls; a failed AWS call becomes a value, anything else (a bug) still throws. */
export async function attempt<T>(fn: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (e instanceof ProbeCallError) return { ok: false, failure: e.failure };
    throw e;
  }
}

/** Every item of every page of an SDK paginator (or any async page sequence). */
export async function allPages<P, T>(pages: AsyncIterable<P>, items: (page: P) => readonly T[] | undefined | null): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

/** Pages of an operation without an SDK paginator (API Gateway v2): follows NextToken until it is empty. */
export async function* tokenPages<P extends { NextToken?: string | undefined }>(fetch: (token?: string) => Promise<P>): AsyncIterable<P> {
  let token: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await fetch(token);
    yield page;
    token = page.NextToken || undefined;
    // A token that repeats would loop forever: stop (the endpoint is misbehaving).
    if (token !== undefined) {
      if (seen.has(token)) return;
      seen.add(token);
    }
  } while (token !== undefined);
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Splits a list of filter values into chunks AWS accepts (at most 200 values per filter). */
export function chunks<T>(xs: readonly T[], size = 200): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

export const uniq = <T>(xs: Iterable<T>): T[] => [...new Set(xs)];
