import { Transform, type Readable } from 'node:stream';

/**
 * Limits on what an endpoint may send back, enforced in the SDK's HTTP request handler (so on every
 * attempt of every call, whatever the operation or protocol):
 *  - a response body larger than the limit is aborted while it streams in, before the SDK buffers
 *    it (a declared Content-Length over the limit is refused before the first body byte; a missing
 *    or lying one is caught by counting). The SDK never decompresses a body, so the bytes counted
 *    are the bytes it would hold. All bodies of the run together have a limit too: many pages of
 *    nearly the limit each would otherwise add up without bound;
 *  - the body must arrive within the per-attempt timeout after the headers (the SDK's own timeouts
 *    bound the wait for the headers and idle gaps, not a body dripped one byte at a time);
 *  - a request in plain http to a host that is not loopback is refused unless allowed: it would
 *    carry the access key id and session token in clear, and its answers (the verdicts' evidence)
 *    could be rewritten on the way.
 */

export interface TransportLimits {
  maxResponseBytes: number;
  /** Bytes of all response bodies of the run together (shared by every client of a session). */
  total: { maxBytes: number; used: number };
  /** The whole body must arrive within this long after the headers. */
  bodyTimeoutMs: number;
  allowInsecureEndpoint: boolean;
}

/** The parts of the SDK's HttpRequest / HttpResponse / RequestHandler used here. */
interface RequestLike {
  protocol?: string;
  hostname?: string;
}
interface ResponseLike {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body?: unknown;
}
export interface RequestHandlerLike {
  handle(request: RequestLike, options?: object): Promise<{ response: ResponseLike }>;
  destroy?(): void;
  /** Read by SDK middleware (the protocol decides the Host header): passed through. */
  metadata?: object;
  updateHttpClientConfig?(key: never, value: never): void;
  httpHandlerConfigs?(): object;
}

export const MIB = 1024 * 1024;

/** `detail` is the failure reason's explanation (./failure.ts): our text, never the endpoint's. */
export class ResponseTooLargeError extends Error {
  readonly detail: string;
  constructor(limit: number, scope: 'response' | 'run' = 'response') {
    const detail =
      scope === 'response'
        ? `response body over the ${limit / MIB} MiB limit, aborted while streaming; --max-response-mib raises it`
        : `the responses of this run passed ${limit / MIB} MiB in all, aborted while streaming; --max-total-mib raises it`;
    super(detail);
    this.name = 'ResponseTooLarge';
    this.detail = detail;
  }
}

export class InsecureEndpointError extends Error {
  readonly detail: string;
  constructor(host: string) {
    const detail = `refused to send credentials over plain http to ${host}, which is not loopback; use https, or --allow-insecure-endpoint`;
    super(detail);
    this.name = 'InsecureEndpoint';
    this.detail = detail;
  }
}

/** Wraps a client's request handler with the limits. */
export function limitedHandler(inner: RequestHandlerLike, limits: TransportLimits): RequestHandlerLike {
  return {
    async handle(request, options) {
      if (request.protocol === 'http:' && !limits.allowInsecureEndpoint && !isLoopbackHost(request.hostname ?? '')) {
        throw new InsecureEndpointError(request.hostname ?? '');
      }
      const out = await inner.handle(request, options);
      const body = out.response.body;
      if (!isReadable(body)) return out;
      const declared = Number(out.response.headers['content-length'] ?? headerOf(out.response.headers, 'content-length') ?? NaN);
      if (declared > limits.maxResponseBytes) {
        body.destroy();
        throw new ResponseTooLargeError(limits.maxResponseBytes);
      }
      out.response.body = limitBody(body, limits);
      return out;
    },
    destroy: () => inner.destroy?.(),
    ...(inner.metadata ? { metadata: inner.metadata } : {}),
    updateHttpClientConfig: (key: never, value: never) => inner.updateHttpClientConfig?.(key, value),
    httpHandlerConfigs: () => inner.httpHandlerConfigs?.() ?? {},
  };
}

function headerOf(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

function isReadable(x: unknown): x is Readable {
  return typeof x === 'object' && x !== null && typeof (x as Readable).pipe === 'function' && typeof (x as Readable).destroy === 'function';
}

/** The body, counted and timed: errors (and drops the connection) past the size or the deadline. */
function limitBody(body: Readable, limits: TransportLimits): Readable {
  let seen = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      limits.total.used += chunk.length;
      const over = seen > limits.maxResponseBytes ? 'response' : limits.total.used > limits.total.maxBytes ? 'run' : undefined;
      if (over) {
        body.destroy();
        done(new ResponseTooLargeError(over === 'response' ? limits.maxResponseBytes : limits.total.maxBytes, over));
        return;
      }
      done(null, chunk);
    },
  });
  const timer = setTimeout(() => {
    body.destroy();
    counted.destroy(
      Object.assign(new Error(`the response body did not arrive within ${limits.bodyTimeoutMs} ms`), { name: 'TimeoutError' }),
    );
  }, limits.bodyTimeoutMs);
  counted.on('close', () => clearTimeout(timer));
  // Whoever reads the body gets the error; a body nobody reads must not crash the process with it.
  counted.on('error', () => undefined);
  body.on('error', (e: Error) => counted.destroy(e));
  body.pipe(counted);
  return counted;
}

/**
 * Loopback: 127.0.0.0/8, ::1 (also as an IPv4-mapped address) and the name localhost. Anything else,
 * including names that might resolve to loopback, counts as remote. Expects a URL's hostname
 * (already normalised: `0x7f.1` reads 127.0.0.1); brackets around IPv6 are allowed.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (h === 'localhost') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|7f[0-9a-f]{2}:[0-9a-f]{1,4})$/.test(h);
}

/**
 * Why an endpoint URL would send credentials unprotected, or undefined when it would not (https,
 * or plain http to loopback). The URL is one the CLI has already checked parses.
 */
export function insecureEndpoint(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' || isLoopbackHost(u.hostname)) return undefined;
  return `--endpoint-url ${u.protocol}//${u.host} is plain http to a host that is not loopback: signed requests (access key id, session token) and the account's answers would travel unencrypted and could be read or rewritten on the way`;
}
