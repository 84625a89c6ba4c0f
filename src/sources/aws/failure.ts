/**
 * Turns an SDK error into a stable, human reason that names what failed and what would fix it
 * (`dynamodb:DescribeContinuousBackups failed: AccessDeniedException (missing permission
 * dynamodb:DescribeContinuousBackups)`). The reason is recorded in snapshots and replayed verbatim,
 * so it holds no request ids, timings or other run-specific text.
 */
import { InsecureEndpointError, ResponseTooLargeError } from './transport.js';

export type FailureKind =
  | 'access-denied'
  | 'throttled'
  | 'timeout'
  | 'server'
  | 'not-implemented'
  | 'network'
  | 'not-found'
  | 'client'
  | 'credentials'
  | 'not-in-snapshot'
  /** The endpoint broke a limit: a response too large, a pagination that loops or never ends. */
  | 'limit'
  /** Refused before sending: plain http to a host that is not loopback. */
  | 'insecure-endpoint';

export interface CallFailure {
  kind: FailureKind;
  /** The error code (AccessDenied, ThrottlingException, TimeoutError, ECONNREFUSED...). */
  code: string;
  httpStatus?: number;
  /** One line naming the call, the code and the missing permission or condition. */
  reason: string;
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'AuthorizationErrorException',
  'Forbidden',
]);

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

const NOT_FOUND = /NotFound|NoSuch/;

/** Whether an error code (as the call log keeps it) says the call was denied, or throttled. */
export const isDeniedCode = (code: string): boolean => ACCESS_DENIED.has(code);
export const isThrottledCode = (code: string): boolean => THROTTLING.has(code);

interface SdkErrorLike {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

export function describeFailure(err: unknown, call: string, iamAction: string, timeoutMs?: number): CallFailure {
  const e = (err ?? {}) as SdkErrorLike;
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const attempts = e.$metadata?.attempts;
  const code = errorCode(e);
  const message = typeof e.message === 'string' ? e.message : '';
  const withStatus = (kind: FailureKind, detail: string): CallFailure => ({
    kind,
    code,
    ...(status !== undefined ? { httpStatus: status } : {}),
    reason: `${call} failed: ${code} (${detail})`,
  });
  const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';

  // Our own limits (./transport.ts), by class: an endpoint can name its error anything.
  if (err instanceof ResponseTooLargeError || err instanceof InsecureEndpointError) {
    return withStatus(err instanceof InsecureEndpointError ? 'insecure-endpoint' : 'limit', err.detail);
  }
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return withStatus('credentials', firstLine(message) || 'no credentials found');
  }
  if (ACCESS_DENIED.has(code) || (status === 403 && !THROTTLING.has(code))) {
    return withStatus('access-denied', `missing permission ${iamAction}`);
  }
  if (THROTTLING.has(code) || status === 429) return withStatus('throttled', `throttled${tries}, retries exhausted`);
  if (code === 'TimeoutError' || code === 'RequestTimeout' || code === 'ETIMEDOUT' || (/timed? ?out/i.test(message) && !status)) {
    return withStatus('timeout', `no answer within ${timeoutMs ?? '?'} ms${tries}`);
  }
  if (notAnAwsAnswer(e, message)) {
    return withStatus(
      'not-implemented',
      `the endpoint's answer is not an AWS response${status ? ` (HTTP ${status})` : ''}: the operation is probably not implemented there`,
    );
  }
  if (status !== undefined && status >= 500) return withStatus('server', `HTTP ${status}${tries}`);
  if (/^E[A-Z]+$/.test(code)) return withStatus('network', `the endpoint did not answer${tries}`);
  if (NOT_FOUND.test(code)) return withStatus('not-found', `${status ? `HTTP ${status}` : 'not found'}`);
  return withStatus('client', status ? `HTTP ${status}` : firstLine(message) || 'unexpected error');
}

function errorCode(e: SdkErrorLike): string {
  const raw = e.name && e.name !== 'Error' ? e.name : (e.code ?? e.Code ?? 'UnknownError');
  return (
    String(raw)
      .replace(/[^\w.-]/g, '')
      .slice(0, 80) || 'UnknownError'
  );
}

/**
 * Emulators answer operations they do not implement with an HTML page: the SDK either fails to
 * parse it (a deserialization / XML / JSON syntax error, no AWS error code) or reports an `Unknown`
 * error whose response is HTML.
 */
function notAnAwsAnswer(e: SdkErrorLike, message: string): boolean {
  if (/html/i.test(e.$response?.headers?.['content-type'] ?? '')) return true;
  const generic = e.name === undefined || ['Error', 'SyntaxError', 'Unknown', 'UnknownError'].includes(e.name);
  return generic && /Deserialization error|Unexpected token|not valid JSON|Invalid XML|Unclosed|is not expected|parse/i.test(message);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 200);
}
