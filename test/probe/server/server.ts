/**
 * A local AWS-compatible HTTP endpoint serving a fixture account over the real wire protocols the
 * SDK uses, with fault injection. Loopback only, bounded (request size, request count, lifetime),
 * and it stops by itself when its lifetime ends. Every received operation is recorded, so tests can
 * assert that nothing but reads ever reached it.
 *
 *   const srv = await startAwsServer({ account: loadAccount('fixtures/accounts/reference.json') });
 *   // ztait probe --endpoint-url srv.url ...
 *   await srv.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mergeFaults, type Fault, type Faults, type FixtureAccount } from './account.js';
import { AwsError, HANDLERS, type HandlerContext } from './handlers.js';
import { PROTOCOL, accessDenied, encodeError, encodeOutput, htmlError, throttled, type Service, type WireResponse } from './wire.js';
import { SecurityHubStore, decodeSecurityHub } from './securityhub.js';

export interface ServerOptions {
  /** The account the caller's own credentials read (a fleet's management or auditor account). */
  account: FixtureAccount;
  /**
   * A fleet: the Organization's member accounts by id (./fleet.ts memberAccount). ListAccounts lists
   * them, AssumeRole of a member's AuditRole returns credentials whose access key id says the account,
   * and every call signed with them is answered from that account (its own faults included).
   */
  accounts?: Record<string, FixtureAccount>;
  /** Added to the account's own `faults`. */
  faults?: Faults;
  /** Delay added to every call (benchmarks). */
  latencyMs?: number;
  /** The server closes itself after this long (default 10 minutes). */
  lifetimeMs?: number;
  maxRequests?: number;
  /** Security Hub's findings (./securityhub.ts): pass one store to several servers to share it. */
  securityHub?: SecurityHubStore;
}

export interface ReceivedCall {
  service: string;
  action: string;
  accessKeyId?: string;
  status: number;
}

export interface AwsTestServer {
  url: string;
  received: ReceivedCall[];
  /** The most requests ever in flight at once (to check client-side concurrency bounds). */
  maxInFlight(): number;
  close(): Promise<void>;
  /** What Security Hub holds and was asked. */
  securityHub: SecurityHubStore;
}

const MAX_BODY = 1 << 20;

export async function startAwsServer(opts: ServerOptions): Promise<AwsTestServer> {
  const faultsOf = new Map<FixtureAccount, Faults>();
  const faultsFor = (a: FixtureAccount): Faults => {
    if (!faultsOf.has(a)) faultsOf.set(a, mergeFaults(a.faults, opts.faults));
    return faultsOf.get(a)!;
  };
  /** The account a request is answered from: a member's when signed with credentials AssumeRole issued in it. */
  const accountFor = (accessKeyId: string | undefined): FixtureAccount => {
    const id = accessKeyId ? /^arn:aws:sts::(\d{12}):/.exec(sessions.get(accessKeyId) ?? '')?.[1] : undefined;
    return (id && opts.accounts?.[id]) || opts.account;
  };
  const received: ReceivedCall[] = [];
  const securityHub = opts.securityHub ?? new SecurityHubStore();
  const counts = new Map<string, number>();
  const sessions = new Map<string, string>();
  const maxRequests = opts.maxRequests ?? 200_000;
  let inFlight = 0;
  let maxInFlight = 0;

  const server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => (inFlight -= 1));
    void handle(req, res).catch((e: unknown) => {
      send(res, { status: 500, headers: { 'content-type': 'text/plain' }, body: `test server error: ${(e as Error).message}` });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (received.length >= maxRequests) return send(res, { status: 503, headers: {}, body: 'request budget exhausted' });
    const body = await readBody(req);
    if (body === undefined) return send(res, { status: 413, headers: {}, body: 'too large' });
    const decoded = decode(req, body);
    if (!decoded) {
      received.push({ service: 'unknown', action: `${req.method} ${req.url}`, status: 400 });
      return send(res, { status: 400, headers: {}, body: 'unrecognised request' });
    }
    const { service, action, params } = decoded;
    const scope = /Credential=([^/]+)\/\d+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
    const accessKeyId = scope?.[1];
    const account = accountFor(accessKeyId);
    const faults = faultsFor(account);
    if (service === 'securityhub') {
      const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
      const reply = securityHub.respond(action, params, { account: opts.account.Account, region });
      received.push({ service, action, ...(accessKeyId ? { accessKeyId } : {}), status: reply.status });
      return send(res, reply);
    }
    const key = `${service}:${action}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (opts.latencyMs) await sleep(opts.latencyMs);
    const streamed = streamingFault(faults.actions?.[key]);
    if (streamed) {
      received.push({ service, action, ...(accessKeyId ? { accessKeyId } : {}), status: 200 });
      return streamBody(res, streamed);
    }
    const blocked = account.BlockedRegions?.includes(scope?.[2] ?? '') && service !== 'iam' && service !== 'sts';
    const reply = blocked
      ? encodeError(
          service as Service,
          accessDenied(service as Service).status,
          accessDenied(service as Service).code,
          'explicit deny in a service control policy',
        )
      : await respond(service as Service, action, params, accessKeyId, n, account, faults);
    received.push({ service, action, ...(accessKeyId ? { accessKeyId } : {}), status: reply.status });
    send(res, reply);
  }

  async function respond(
    service: Service,
    action: string,
    params: Record<string, unknown>,
    accessKeyId: string | undefined,
    n: number,
    account: FixtureAccount,
    faults: Faults,
  ): Promise<WireResponse> {
    const handler = HANDLERS[service]?.[action];
    if (!handler) return encodeError(service, 400, 'InvalidAction', `${service}:${action} is not served by the test server`);
    const list = faults.actions?.[`${service}:${action}`];
    for (const f of Array.isArray(list) ? list : list ? [list] : []) {
      const injected = await inject(service, f, n);
      if (injected) return injected;
    }
    const ctx: HandlerContext = {
      account,
      ...(opts.accounts ? { members: opts.accounts } : {}),
      sessions,
      ...(faults.pageSize ? { pageSize: faults.pageSize } : {}),
      ...(accessKeyId ? { accessKeyId } : {}),
    };
    try {
      const tokenFault = (Array.isArray(list) ? list : list ? [list] : []).some((f) => f.kind === 'token');
      // A token fault answers every page alike, whatever token the client sends back.
      const input = tokenFault
        ? Object.fromEntries(Object.entries(params).filter(([k]) => !/^(Marker|NextToken|ExclusiveStartTableName)$/.test(k)))
        : params;
      return encodeOutput(service, action, withToken(handler(input, ctx), list, n));
    } catch (e) {
      if (e instanceof AwsError) return encodeError(service, e.status, e.code, e.message);
      throw e;
    }
  }

  async function inject(service: Service, f: Fault, n: number): Promise<WireResponse | undefined> {
    switch (f.kind) {
      case 'throttle': {
        if (n > f.times) return undefined;
        const t = throttled(service);
        return encodeError(service, t.status, t.code, 'Rate exceeded');
      }
      case 'error500':
        return n <= f.times ? encodeError(service, 500, 'InternalFailure', 'internal failure') : undefined;
      case 'delay':
        if (f.times === undefined || n <= f.times) await sleep(f.ms);
        return undefined;
      case 'accessDenied': {
        const d = accessDenied(service);
        return encodeError(service, d.status, d.code, 'User is not authorized to perform this action');
      }
      case 'html500':
        return htmlError(500);
      default:
        return undefined;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const lifetime = setTimeout(() => void close(), opts.lifetimeMs ?? 600_000);
  lifetime.unref();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, maxInFlight: () => maxInFlight, close, securityHub };
}

function send(res: ServerResponse, r: WireResponse): void {
  if (res.headersSent) return;
  res.writeHead(r.status, {
    ...r.headers,
    'x-amzn-requestid': '00000000-0000-4000-8000-000000000000',
    'content-length': Buffer.byteLength(r.body),
  });
  res.end(r.body);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A `token` fault: the page announces a next page whatever the data (IAM also says IsTruncated). */
function withToken(output: Record<string, unknown>, faults: Fault | Fault[] | undefined, n: number): Record<string, unknown> {
  const f = (Array.isArray(faults) ? faults : faults ? [faults] : []).find((x) => x.kind === 'token');
  if (f?.kind !== 'token') return output;
  return {
    ...output,
    [f.field]: f.value === 'same' ? 'loop-token' : `token-${n}`,
    ...('IsTruncated' in output ? { IsTruncated: true } : {}),
  };
}

type StreamFault = Extract<Fault, { kind: 'hugeBody' | 'drip' }>;

function streamingFault(faults: Fault | Fault[] | undefined): StreamFault | undefined {
  return (Array.isArray(faults) ? faults : faults ? [faults] : []).find(
    (x): x is StreamFault => x.kind === 'hugeBody' || x.kind === 'drip',
  );
}

/** Writes a hostile body chunk by chunk, with backpressure, until done or the client hangs up. */
async function streamBody(res: ServerResponse, f: StreamFault): Promise<void> {
  const total = f.kind === 'hugeBody' ? f.mib * 1024 * 1024 : Infinity;
  res.writeHead(200, { 'content-type': 'text/xml', ...(f.kind === 'hugeBody' && f.declare ? { 'content-length': String(total) } : {}) });
  const chunk = Buffer.alloc(f.kind === 'hugeBody' ? 256 * 1024 : 1, 0x20);
  let sent = 0;
  while (sent < total && !res.destroyed) {
    if (f.kind === 'drip') await sleep(f.everyMs);
    const piece = total - sent < chunk.length ? chunk.subarray(0, total - sent) : chunk;
    sent += piece.length;
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Which operation a request is, from the signing scope, X-Amz-Target, Action or the REST path. */
export function decode(
  req: IncomingMessage,
  body: string,
): { service: string; action: string; params: Record<string, unknown> } | undefined {
  const scope = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''));
  const service = scope?.[1];
  if (service === 'securityhub') {
    const hub = decodeSecurityHub(req.method ?? 'GET', new URL(req.url ?? '/', 'http://localhost').pathname, body);
    return hub && { service, ...hub };
  }
  if (!service || !(service in PROTOCOL)) return undefined;
  const url = new URL(req.url ?? '/', 'http://localhost');
  switch (PROTOCOL[service as Service]) {
    case 'awsJson1_0':
    case 'awsJson1_1': {
      const target = String(req.headers['x-amz-target'] ?? '');
      return { service, action: target.split('.').pop() ?? '', params: body ? (JSON.parse(body) as Record<string, unknown>) : {} };
    }
    case 'awsQuery':
    case 'ec2Query': {
      const form = new URLSearchParams(body);
      return { service, action: form.get('Action') ?? '', params: nestQuery(form) };
    }
    case 'restJson':
      return service === 'lambda' ? decodeLambda(req.method ?? 'GET', url) : decodeApiGateway(req.method ?? 'GET', url);
    case 'restXml': {
      const bucket = decodeURIComponent(url.pathname.split('/')[1] ?? '');
      const sub = ['policy', 'versioning'].find((k) => url.searchParams.has(k));
      const action =
        req.method === 'GET' && sub
          ? sub === 'policy'
            ? 'GetBucketPolicy'
            : 'GetBucketVersioning'
          : `${req.method} ${url.pathname}${url.search}`;
      return { service, action, params: { Bucket: bucket } };
    }
  }
}

/** `Filter.1.Value.1=x&ActionNames.member.2=y` -> {Filter: [{Value: [x]}], ActionNames: [, y]}. */
function nestQuery(form: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [k, v] of form) {
    const parts = k.split('.').filter((p) => p !== 'member');
    let cur: Record<string, unknown> | unknown[] = root;
    parts.forEach((p, i) => {
      const last = i === parts.length - 1;
      const key: string | number = /^\d+$/.test(p) ? Number(p) - 1 : p;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!);
      const c = cur as Record<string | number, unknown>;
      if (last) c[key] = v;
      else {
        c[key] ??= nextIsIndex ? [] : {};
        cur = c[key] as Record<string, unknown> | unknown[];
      }
    });
  }
  return root;
}

function decodeLambda(method: string, url: URL) {
  const q = Object.fromEntries(url.searchParams);
  if (method === 'GET' && /^\/2015-03-31\/functions\/?$/.test(url.pathname))
    return { service: 'lambda', action: 'ListFunctions', params: q };
  const tags = /^\/2017-03-31\/tags\/(.+)$/.exec(url.pathname);
  if (method === 'GET' && tags) return { service: 'lambda', action: 'ListTags', params: { Resource: decodeURIComponent(tags[1]!) } };
  return { service: 'lambda', action: `${method} ${url.pathname}`, params: q };
}

function decodeApiGateway(method: string, url: URL) {
  const params: Record<string, unknown> = {
    NextToken: url.searchParams.get('nextToken') ?? undefined,
    MaxResults: url.searchParams.get('maxResults') ?? undefined,
  };
  if (method === 'GET' && url.pathname === '/v2/apis') return { service: 'apigateway', action: 'GetApis', params };
  const m = /^\/v2\/apis\/([^/]+)\/(routes|integrations|authorizers)$/.exec(url.pathname);
  if (method === 'GET' && m) {
    const action = { routes: 'GetRoutes', integrations: 'GetIntegrations', authorizers: 'GetAuthorizers' }[m[2] as 'routes'];
    return { service: 'apigateway', action, params: { ...params, ApiId: decodeURIComponent(m[1]!) } };
  }
  return { service: 'apigateway', action: `${method} ${url.pathname}`, params };
}
