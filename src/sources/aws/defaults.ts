/** Probe defaults, apart from the SDK-loading modules so the CLI can show them without loading the SDK. */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_PREFIX = 'ztait-';
/** Calls in flight at most: well under the per-account API rate limits of the services read. */
export const DEFAULT_CONCURRENCY = 8;
