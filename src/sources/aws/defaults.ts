/** Probe defaults, apart from the SDK-loading modules so the CLI can show them without loading the SDK. */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_PREFIX = 'ztait-';
/**
 * Calls in flight at most. Reads are spread over ten services, each with its own per-account rate
 * limit, and the SDK's adaptive retry backs off on throttling; 16 keeps a 2,000-resource account
 * within seconds at 50 ms latency (see bench/README.md).
 */
export const DEFAULT_CONCURRENCY = 16;
/**
 * Pages one paginated call may take. A real listing stays far below: 1,000 pages hold 50,000 SSM
 * parameters or Lambda functions and 100,000 IAM roles, DynamoDB tables or secrets at the page
 * sizes the collectors ask for; an endpoint that never stops paginating costs at most this many
 * requests per listing, then the listing is a collection gap (`--max-pages` raises it).
 */
export const DEFAULT_MAX_PAGES = 1_000;
/**
 * Largest response body, in MiB. The biggest real answers (1,000 security groups with their rules,
 * a page of 50 Lambda configurations) are a few MiB; the SDK buffers a body whole and parses it
 * into objects several times its size, so a bigger body is aborted while it streams in
 * (`--max-response-mib` raises it).
 */
export const DEFAULT_MAX_RESPONSE_MIB = 64;
/**
 * All response bodies of one run together, in MiB: ten thousand functions, roles and tables read in
 * full stay far below; past it every further response is aborted (a gap), so memory stays bounded
 * whatever the endpoint answers (`--max-total-mib` raises it).
 */
export const DEFAULT_MAX_TOTAL_MIB = 1_024;
/**
 * Calls one live run may send. Paginations are capped one by one, but what a listing returns fans
 * out (a call per role, per table...): this bounds the whole run. A 10,000-resource account needs
 * a few tens of thousands (`--max-calls` raises it).
 */
export const DEFAULT_MAX_CALLS = 100_000;
/** Fleet runs: the audit role assumed in every account (`--role-name`), as the single-account session is named. */
export const DEFAULT_ROLE_NAME = 'ztait-audit';
/**
 * Fleet runs: accounts swept at once (`--account-concurrency`). Each holds one account x region's
 * inventory at a time and sends up to `--concurrency` calls.
 */
export const DEFAULT_ACCOUNT_CONCURRENCY = 8;
