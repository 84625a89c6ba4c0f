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
