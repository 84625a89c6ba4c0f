import type { AwsClients } from '../clients.js';
import type { InventoryBuilder } from '../builder.js';
import type { CallFailure } from '../failure.js';
import { createHash } from 'node:crypto';
import { DEFAULT_MAX_PAGES } from '../defaults.js';
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
  /** Pages one paginated call may take (default DEFAULT_MAX_PAGES). */
  maxPages?: number;
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

/**
 * Every item of every page of a paginated call (an SDK paginator or `tokenPages`), within two limits
 * an endpoint cannot talk its way past: a next-page token seen before in this pagination, or more
 * than `ctx.maxPages` pages, ends it with a failure naming the call (a collection gap, so the
 * invariants that need the listing are `error`). Both trip before the next request is sent. Every
 * paginated call goes through here; `call` is `service:Operation` as the allow-list names it.
 */
export async function allPages<P, T>(
  ctx: Pick<CollectContext, 'maxPages'>,
  call: string,
  pages: AsyncIterable<P>,
  items: (page: P) => readonly T[] | undefined | null,
): Promise<T[]> {
  const maxPages = ctx.maxPages ?? DEFAULT_MAX_PAGES;
  const seen = new Set<string>();
  const out: T[] = [];
  let n = 0;
  for await (const page of pages) {
    n += 1;
    out.push(...(items(page) ?? []));
    const token = nextPageToken(page);
    if (token === undefined) continue; // the last page
    // Tokens are the endpoint's text, of any size: keep a digest.
    const digest = createHash('sha256').update(token).digest('base64');
    if (seen.has(digest)) throw paginationFailure(call, `the endpoint repeated a pagination token after ${n} pages`);
    if (n >= maxPages) throw paginationFailure(call, `page cap of ${maxPages} reached with more pages announced; --max-pages raises it`);
    seen.add(digest);
  }
  return out;
}

/**
 * Every output field an AWS paginator reads its next token from (IAM `Marker`, Lambda `NextMarker`,
 * DynamoDB `LastEvaluatedTableName`, the rest `NextToken`), taken together: whichever field the
 * paginator follows, a page announcing more is counted, so no table of fields per call can drift
 * from the SDK and leave a pagination unbounded.
 */
const TOKEN_FIELDS = ['NextToken', 'NextMarker', 'Marker', 'LastEvaluatedTableName'] as const;

function nextPageToken(page: unknown): string | undefined {
  if (typeof page !== 'object' || page === null) return undefined;
  const parts = TOKEN_FIELDS.map((f) => (page as Record<string, unknown>)[f]).map((v) => (typeof v === 'string' ? v : ''));
  return parts.some((v) => v !== '') ? JSON.stringify(parts) : undefined;
}

function paginationFailure(call: string, detail: string): ProbeCallError {
  const code = detail.startsWith('page cap') ? 'PageCapReached' : 'PaginationLoop';
  return new ProbeCallError({ kind: 'limit', code, reason: `${call} failed: ${code} (${detail})` });
}

/** Pages of an operation without an SDK paginator: follows NextToken while there is one (`allPages` bounds it). */
export async function* tokenPages<P extends { NextToken?: string | undefined }>(fetch: (token?: string) => Promise<P>): AsyncIterable<P> {
  let token: string | undefined;
  do {
    const page = await fetch(token);
    yield page;
    token = page.NextToken || undefined;
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
