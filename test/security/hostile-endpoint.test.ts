/**
 * Issue 15, C11: a hostile or broken AWS endpoint cannot hang `ztait probe` or exhaust its memory,
 * and plain http to a remote endpoint is refused (or, when allowed, said). In process: the
 * pagination guard, the response limits and the loopback decision; through the built CLI: one run
 * per attack class against the local test server (loopback only: nothing here reaches a network).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/model/result.js';
import { allowedAction, type ServiceId } from '../../src/sources/aws/actions.js';
import { allPages, tokenPages } from '../../src/sources/aws/collect/context.js';
import { DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_MIB } from '../../src/sources/aws/defaults.js';
import { probeLive } from '../../src/sources/aws/probe.js';
import { ProbeCallError, ProbeSession } from '../../src/sources/aws/session.js';
import {
  InsecureEndpointError,
  MIB,
  ResponseTooLargeError,
  insecureEndpoint,
  isLoopbackHost,
  limitedHandler,
  type RequestHandlerLike,
} from '../../src/sources/aws/transport.js';
import { ROOT, ensureBuilt, runCli, tempDir, type CliRun } from '../hardening/cli.js';
import { FAKE_ENV, account, useFakeAwsEnv } from '../probe/harness.js';
import type { Faults } from '../probe/server/account.js';
import { startAwsServer, type AwsTestServer } from '../probe/server/server.js';

useFakeAwsEnv();

/** Pages whose next token comes from `tokens` (undefined: the last page); counts the fetches. */
function pagesOf(tokens: readonly (string | undefined)[]): {
  pages: AsyncIterable<{ NextToken?: string; Items: number[] }>;
  fetched: () => number;
} {
  let fetched = 0;
  const pages = tokenPages(async () => {
    const i = fetched++;
    const t = i < tokens.length ? tokens[i] : `t${i}`;
    return { Items: [i], ...(t !== undefined ? { NextToken: t } : {}) };
  });
  return { pages, fetched: () => fetched };
}

const failureOf = async (p: Promise<unknown>): Promise<ProbeCallError> => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ProbeCallError);
  return e as ProbeCallError;
};

describe('every paginated call is bounded (allPages)', () => {
  it('stops at a repeated token, before sending it again, with a reason naming the call', async () => {
    const { pages, fetched } = pagesOf(['a', 'b', 'a']);
    const e = await failureOf(allPages({}, 'iam:ListRoles', pages, (p) => p.Items));
    expect(e.failure).toMatchObject({ kind: 'limit', code: 'PaginationLoop' });
    expect(e.failure.reason).toBe('iam:ListRoles failed: PaginationLoop (the endpoint repeated a pagination token after 3 pages)');
    expect(fetched()).toBe(3);
  });

  it('stops at the page cap when a next page is still announced, and lets a listing of exactly the cap through', async () => {
    const endless = pagesOf([]);
    const e = await failureOf(allPages({ maxPages: 25 }, 'lambda:ListFunctions', endless.pages, (p) => p.Items));
    expect(e.failure.reason).toBe(
      'lambda:ListFunctions failed: PageCapReached (page cap of 25 reached with more pages announced; --max-pages raises it)',
    );
    expect(endless.fetched()).toBe(25);
    const exact = pagesOf([...Array.from({ length: 24 }, (_, i) => `t${i}`), undefined]);
    expect(await allPages({ maxPages: 25 }, 'x:Y', exact.pages, (p) => p.Items)).toHaveLength(25);
  });

  it('reads the token where the SDK paginator does (IAM Marker, Lambda NextMarker, DynamoDB LastEvaluatedTableName)', async () => {
    async function* same(field: string) {
      for (;;) yield { [field]: 'same', Items: [1] };
    }
    for (const [call, field] of [
      ['iam:ListRoles', 'Marker'],
      ['lambda:ListFunctions', 'NextMarker'],
      ['dynamodb:ListTables', 'LastEvaluatedTableName'],
      ['ec2:DescribeVpcs', 'NextToken'],
    ] as const) {
      expect((await failureOf(allPages({}, call, same(field), (p) => p.Items as number[]))).failure.code).toBe('PaginationLoop');
    }
  });

  it('is where every paginator of the probe goes: each SDK paginator and tokenPages call is an allPages argument naming its allowed call', () => {
    const dir = join(ROOT, 'src/sources/aws');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    let seen = 0;
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const m of text.matchAll(/\b(paginate[A-Z]\w*|tokenPages)\(/g)) {
        const before = text.slice(0, m.index).replace(/\s+/g, ' ');
        if (/(export )?(async )?function\*? ?$/.test(before)) continue; // the definition
        const named = /allPages\( ?ctx, ?'([a-z0-9]+):(\w+)', ?$/.exec(before);
        expect(named, `${f}: ${m[1]} outside allPages`).not.toBeNull();
        expect(allowedAction(named![1] as ServiceId, named![2]!), `${f}: ${named![1]}:${named![2]}`).toBeDefined();
        if (m[1] !== 'tokenPages') expect(m[1]).toBe(`paginate${named![2]}`);
        seen += 1;
      }
    }
    expect(seen).toBeGreaterThanOrEqual(20);
  });

  it('property: whatever tokens the endpoint sends, at most max-pages pages are fetched, none after a repeat, and a failure is never silent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { nil: undefined }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 30 }),
        async (tokens, maxPages) => {
          const { pages, fetched } = pagesOf(tokens);
          const got = await allPages({ maxPages }, 'x:Y', pages, (p) => p.Items).then(
            (items) => ({ items }),
            (e: unknown) => ({ e }),
          );
          expect(fetched()).toBeLessThanOrEqual(maxPages);
          // The reference: walk the tokens as a paginator would.
          const seen = new Set<string>();
          let n = 0;
          let expected: 'done' | 'loop' | 'cap' = 'done';
          for (;;) {
            const t = n < tokens.length ? tokens[n] : `t${n}`;
            n += 1;
            if (t === undefined) break;
            if (seen.has(t)) {
              expected = 'loop';
              break;
            }
            if (n >= maxPages) {
              expected = 'cap';
              break;
            }
            seen.add(t);
          }
          expect(fetched()).toBe(n);
          if (expected === 'done') expect('items' in got && got.items.length === n).toBe(true);
          else expect('e' in got && (got.e as ProbeCallError).failure.code).toBe(expected === 'loop' ? 'PaginationLoop' : 'PageCapReached');
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** A request handler answering `body` with `headers`, counting what it was asked. */
function fakeHandler(body: Readable, headers: Record<string, string> = {}): RequestHandlerLike & { calls: number } {
  const h = {
    calls: 0,
    handle: async () => {
      h.calls += 1;
      return { response: { statusCode: 200, headers, body } };
    },
  };
  return h;
}

const collect = async (r: Readable): Promise<number> => {
  let n = 0;
  for await (const c of r) n += (c as Buffer).length;
  return n;
};

/** `mib` MiB of blanks, generated as read (never held). */
function blanks(bytes: number): Readable & { produced: () => number } {
  let produced = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const r = new Readable({
    read() {
      if (produced >= bytes) return void this.push(null);
      const piece = chunk.subarray(0, Math.min(chunk.length, bytes - produced));
      produced += piece.length;
      this.push(piece);
    },
  });
  return Object.assign(r, { produced: () => produced });
}

const LIMITS = { maxResponseBytes: 1 * MIB, total: { maxBytes: 1024 * MIB, used: 0 }, bodyTimeoutMs: 2_000, allowInsecureEndpoint: false };
const LOCAL = { protocol: 'http:', hostname: '127.0.0.1' };

describe('the response limits (transport)', () => {
  it('passes a body within the limit through intact', async () => {
    const { response } = await limitedHandler(fakeHandler(blanks(MIB)), LIMITS).handle(LOCAL);
    expect(await collect(response.body as Readable)).toBe(MIB);
  });

  it('aborts a body over the limit while it streams, with or without a (lying) Content-Length', async () => {
    for (const headers of [{}, { 'content-length': '10' }]) {
      const body = blanks(200 * MIB);
      const { response } = await limitedHandler(fakeHandler(body, headers), LIMITS).handle(LOCAL);
      await expect(collect(response.body as Readable)).rejects.toBeInstanceOf(ResponseTooLargeError);
      expect(body.produced()).toBeLessThan(2 * MIB + 256 * 1024);
      expect(body.destroyed).toBe(true);
    }
  });

  it('bounds all bodies of a run together: many bodies just under the limit add up to the run limit, then abort', async () => {
    const limits = { ...LIMITS, total: { maxBytes: 5 * MIB, used: 0 } };
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { response } = await limitedHandler(fakeHandler(blanks(MIB - 1)), limits).handle(LOCAL);
      outcomes.push(
        await collect(response.body as Readable).then(
          () => 'ok',
          (e: Error) => (e instanceof ResponseTooLargeError ? e.detail : e.message),
        ),
      );
    }
    expect(outcomes.slice(0, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(outcomes[5]).toBe('the responses of this run passed 5 MiB in all, aborted while streaming; --max-total-mib raises it');
    expect(limits.total.used).toBeLessThan(8 * MIB);
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const body = blanks(200 * MIB);
    await expect(limitedHandler(fakeHandler(body, { 'content-length': String(200 * MIB) }), LIMITS).handle(LOCAL)).rejects.toBeInstanceOf(
      ResponseTooLargeError,
    );
    expect(body.destroyed).toBe(true);
  });

  it('ends a body dripped slower than the per-attempt timeout', async () => {
    const drip = new PassThrough();
    const timer = setInterval(() => drip.write(' '), 20);
    try {
      const { response } = await limitedHandler(fakeHandler(drip), { ...LIMITS, bodyTimeoutMs: 300 }).handle(LOCAL);
      const started = performance.now();
      await expect(collect(response.body as Readable)).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      clearInterval(timer);
    }
  });

  it('refuses plain http to a host that is not loopback before the request exists, unless allowed', async () => {
    const inner = fakeHandler(blanks(1));
    for (const hostname of ['10.0.0.5', 'localstack', '169.254.169.254', 'example.com', '[::ffff:a00:5]']) {
      await expect(limitedHandler(inner, LIMITS).handle({ protocol: 'http:', hostname })).rejects.toBeInstanceOf(InsecureEndpointError);
    }
    expect(inner.calls).toBe(0);
    await limitedHandler(inner, LIMITS).handle({ protocol: 'https:', hostname: 'example.com' });
    await limitedHandler(inner, { ...LIMITS, allowInsecureEndpoint: true }).handle({ protocol: 'http:', hostname: '10.0.0.5' });
    expect(inner.calls).toBe(2);
  });

  it('knows loopback (127/8, ::1, localhost, in any spelling the URL parser normalises) from everything else', () => {
    const loop = [
      'http://127.0.0.1:4566',
      'http://127.1.2.3',
      'http://localhost:1',
      'http://LOCALHOST.',
      'http://[::1]:9',
      'http://0x7f.1',
      'http://2130706433',
      'http://[::ffff:127.0.0.1]',
    ];
    const remote = [
      'http://10.1.2.3',
      'http://localhost.evil.com',
      'http://127.0.0.1.nip.io',
      'http://[::2]',
      'http://0.0.0.0',
      'http://192.168.1.1',
      'http://foo.localhost',
      'http://[fe80::1]',
    ];
    for (const u of loop) expect(insecureEndpoint(u), u).toBeUndefined();
    for (const u of remote) expect(insecureEndpoint(u), u).toMatch(/not loopback/);
    expect(insecureEndpoint('https://10.1.2.3')).toBeUndefined();
    expect(isLoopbackHost('[::1]')).toBe(true);
  });
});

describe('the limits on a guarded client, in process', () => {
  it('a response over the limit is a failure naming the call, never a crash', async () => {
    const srv = await startAwsServer({
      account: account('reference'),
      faults: { actions: { 'iam:ListRoles': { kind: 'hugeBody', mib: 50 } } },
    });
    try {
      const session = new ProbeSession({ maxResponseMiB: 2, timeoutMs: 10_000 });
      const iam = session.attach(new IAMClient({ region: 'us-east-1', endpoint: srv.url, maxAttempts: 1 }), 'iam');
      const e = await failureOf(iam.send(new ListRolesCommand({})));
      expect(e.failure).toMatchObject({ kind: 'limit', code: 'ResponseTooLarge' });
      expect(e.failure.reason).toBe(
        'iam:ListRoles failed: ResponseTooLarge (response body over the 2 MiB limit, aborted while streaming; --max-response-mib raises it)',
      );
    } finally {
      await srv.close();
    }
  });

  it('a body dripped a byte at a time (never idle long enough for the socket timeout) ends at the attempt timeout', async () => {
    const srv = await startAwsServer({
      account: account('reference'),
      faults: { actions: { 'iam:ListRoles': { kind: 'drip', everyMs: 100 } } },
    });
    try {
      const session = new ProbeSession({ timeoutMs: 1_500 });
      const iam = session.attach(
        new IAMClient({
          region: 'us-east-1',
          endpoint: srv.url,
          maxAttempts: 1,
          requestHandler: { requestTimeout: 1_500, throwOnRequestTimeout: true },
        }),
        'iam',
      );
      const started = performance.now();
      const e = await failureOf(iam.send(new ListRolesCommand({})));
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(e.failure).toMatchObject({ kind: 'timeout', code: 'TimeoutError' });
    } finally {
      await srv.close();
    }
  });

  it('the run has a call budget: past it every call is a failure naming it, nothing more is sent', async () => {
    const srv = await startAwsServer({ account: account('reference') });
    try {
      const run = await probeLive({ endpointUrl: srv.url, region: 'us-east-1', maxCalls: 12 });
      expect(srv.received.length).toBeLessThanOrEqual(12);
      const gaps = Object.values(run.inventory.gaps ?? {}).join('\n');
      expect(gaps).toMatch(/failed: CallBudgetSpent \(the run's budget of 12 calls is spent; --max-calls raises it\)/);
    } finally {
      await srv.close();
    }
  });

  it('a looping ListRoles leaves the IAM invariants error naming the call, within a few requests', async () => {
    const srv = await startAwsServer({
      account: account('reference'),
      faults: { actions: { 'iam:ListRoles': { kind: 'token', field: 'Marker', value: 'same' } } },
    });
    try {
      const run = await probeLive({ endpointUrl: srv.url, region: 'us-east-1' });
      expect(srv.received.filter((c) => c.action === 'ListRoles')).toHaveLength(2);
      expect(run.inventory.gaps?.aws_iam_role).toMatch(
        /^iam:ListRoles failed: PaginationLoop \(the endpoint repeated a pagination token after 2 pages\)/,
      );
    } finally {
      await srv.close();
    }
  });
});

// ------------------------------------------------------------------ through the built CLI

const servers: AwsTestServer[] = [];
let preload = '';

beforeAll(async () => {
  await ensureBuilt();
  // Resolves the one test name to loopback, so a "remote" endpoint can be served locally.
  preload = join(tempDir(), 'resolve-test-name.cjs');
  writeFileSync(
    preload,
    `const dns = require('node:dns'); const orig = dns.lookup;
dns.lookup = function (host, opts, cb) {
  if (host !== 'ztait-test.invalid') return orig.apply(this, arguments);
  if (typeof opts === 'function') { cb = opts; opts = {}; }
  process.nextTick(() => (opts && opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
};\n`,
  );
}, 180_000);
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function serve(faults: Faults): Promise<AwsTestServer> {
  const srv = await startAwsServer({ account: account('reference'), faults, lifetimeMs: 120_000 });
  servers.push(srv);
  return srv;
}

/** `ztait probe` with fake credentials (the CLI gets none of this process's AWS_*) and a JSON report. */
async function probe(url: string, args: string[] = [], timeoutMs = 60_000): Promise<CliRun & { result?: CheckResult }> {
  const run = await runCli(['probe', '--endpoint-url', url, '--region', 'us-east-1', '--format', 'json', ...args], {
    timeoutMs,
    env: FAKE_ENV,
  });
  try {
    return { ...run, result: JSON.parse(run.stdout) as CheckResult };
  } catch {
    return run;
  }
}

const errorsNaming = (r: CheckResult | undefined, text: RegExp): string[] =>
  (r?.invariants ?? []).filter((i) => i.status === 'error' && text.test(JSON.stringify(i))).map((i) => i.id);

const show = (run: CliRun): string =>
  `exit ${run.code}, ${Math.round(run.ms)} ms, peak ${run.peakMiB ?? '?'} MiB\n${run.stderr.slice(0, 2000)}`;

describe('ztait probe against a hostile endpoint', () => {
  it('a ListRoles that repeats its Marker for ever: ends within seconds, exit 1, SI-3/4/7 error naming the call', async () => {
    const srv = await serve({ actions: { 'iam:ListRoles': { kind: 'token', field: 'Marker', value: 'same' } } });
    const run = await probe(srv.url);
    expect(run.code, show(run)).toBe(1);
    expect(run.ms, show(run)).toBeLessThan(20_000);
    expect(srv.received.filter((c) => c.action === 'ListRoles')).toHaveLength(2);
    const errors = errorsNaming(run.result, /iam:ListRoles failed: PaginationLoop/);
    for (const id of ['SI-3', 'SI-4', 'SI-7']) expect(errors, show(run)).toContain(id);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('a ListFunctions that announces a new page for ever: the default page cap trips after exactly 1,000 requests', async () => {
    const srv = await serve({ actions: { 'lambda:ListFunctions': { kind: 'token', field: 'NextMarker', value: 'fresh' } } });
    const run = await probe(srv.url);
    expect(run.code, show(run)).toBe(1);
    expect(srv.received.filter((c) => c.action === 'ListFunctions')).toHaveLength(DEFAULT_MAX_PAGES);
    expect(
      errorsNaming(run.result, /lambda:ListFunctions failed: PageCapReached \(page cap of 1000 reached/).length,
      show(run),
    ).toBeGreaterThan(0);
  }, 90_000);

  it('a 200 MiB streamed body with --max-response-mib 8: aborted early, bounded memory, a gap naming the call, no crash', async () => {
    const srv = await serve({ actions: { 'lambda:ListFunctions': { kind: 'hugeBody', mib: 200 } } });
    const run = await probe(srv.url, ['--max-response-mib', '8']);
    expect(run.code, show(run)).toBe(1);
    expect(run.ms, show(run)).toBeLessThan(20_000);
    if (run.peakMiB !== undefined) expect(run.peakMiB, show(run)).toBeLessThan(400);
    expect(
      errorsNaming(run.result, /lambda:ListFunctions failed: ResponseTooLarge \(response body over the 8 MiB limit/).length,
      show(run),
    ).toBeGreaterThan(0);
  }, 60_000);

  it(`a chunked body just over the default ${DEFAULT_MAX_RESPONSE_MIB} MiB: aborted, a gap, bounded memory`, async () => {
    const srv = await serve({ actions: { 'iam:ListRoles': { kind: 'hugeBody', mib: DEFAULT_MAX_RESPONSE_MIB + 1 } } });
    const run = await probe(srv.url);
    expect(run.code, show(run)).toBe(1);
    if (run.peakMiB !== undefined) expect(run.peakMiB, show(run)).toBeLessThan(600);
    expect(errorsNaming(run.result, /iam:ListRoles failed: ResponseTooLarge/), show(run)).toContain('SI-3');
    console.log(`default response cap: ${show(run).split('\n')[0]}`);
  }, 60_000);

  it('plain http to a host that is not loopback: refused (exit 2, one line) with nothing sent', async () => {
    const run = await runCli(['probe', '--endpoint-url', 'http://10.255.255.1:9', '--region', 'us-east-1'], { timeoutMs: 20_000 });
    expect(run.code, show(run)).toBe(2);
    expect(run.stderr.trim().split('\n'), show(run)).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^ztait: --endpoint-url http:\/\/10\.255\.255\.1:9 is plain http to a host that is not loopback.*--allow-insecure-endpoint/,
    );
  }, 30_000);

  it('with --allow-insecure-endpoint: a warning on stderr before any request, and in the report', async () => {
    const srv = await serve({});
    const port = new URL(srv.url).port;
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim();
    expect(existsSync(preload)).toBe(true);
    const run = await probe(`http://ztait-test.invalid:${port}`, ['--allow-insecure-endpoint']);
    expect(run.code, show(run)).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0], show(run)).toMatch(
      /^ztait: warning: --endpoint-url http:\/\/ztait-test\.invalid:\d+ is plain http to a host that is not loopback/,
    );
    expect(run.result?.diagnostics.some((d) => d.severity === 'warning' && /plain http/.test(d.message))).toBe(true);
    expect(srv.received.length).toBeGreaterThan(0);
  }, 60_000);
});
