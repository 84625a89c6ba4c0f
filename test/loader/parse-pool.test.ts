/**
 * Parsing on worker threads (src/hcl/parse-pool.ts, parse-worker.ts, source-file.ts): the built
 * CLI gives the same report with the pool as without it (ZTAIT_PARSE_WORKERS=0), errors in files
 * read ahead still name the file and line, a worker that dies fails only the file it was on, and
 * the worker's blocking file reader agrees with the main thread's.
 */
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTree } from '../../bench/gen/tree.mjs';
import { readTextFile, readTextFileSync } from '../../src/hcl/files.js';
import { ParsePool, ParserUnavailableError, defaultJobTimeout } from '../../src/hcl/parse-pool.js';
import { ensureBuilt, ztaitSync, type CliRun } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ztait-pool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(ensureBuilt, 300_000);

const FIXED = { SOURCE_DATE_EPOCH: '1700000000' };

/** `ztait check ARGS --format json` with and without parse workers. */
function bothWays(args: string[]): { pooled: CliRun; inline: CliRun } {
  const pooled = ztaitSync(['check', ...args, '--format', 'json'], { env: { ...FIXED, ZTAIT_PARSE_WORKERS: '2' } });
  const inline = ztaitSync(['check', ...args, '--format', 'json'], { env: { ...FIXED, ZTAIT_PARSE_WORKERS: '0' } });
  return { pooled, inline };
}

describe('parse workers give the same report as parsing in line', () => {
  it('on the shipped reference architecture', () => {
    const { pooled, inline } = bothWays(['terraform/examples/complete']);
    expect(pooled.code).toBe(0);
    expect(pooled.stdout).toBe(inline.stdout);
    expect(pooled.stderr).toBe(inline.stderr);
  }, 120_000);

  it('on a generated tree of 20 modules (read ahead, several workers, failing verdicts)', () => {
    const dir = join(tmp, 'tree');
    const made = generateTree(dir, { modules: 20, resources: 2000, seed: 7 });
    const { pooled, inline } = bothWays([dir]);
    expect(pooled.code).toBe(inline.code);
    expect(pooled.stdout).toBe(inline.stdout);
    const report = JSON.parse(pooled.stdout) as { inventory: { resources: number } };
    expect(report.inventory.resources).toBe(made.managed);
  }, 120_000);

  it('a broken file in a module read ahead is named with its line, the rest still judged', () => {
    const dir = join(tmp, 'broken');
    mkdirSync(join(dir, 'modules/a'), { recursive: true });
    writeFileSync(
      join(dir, 'main.tf'),
      'module "a" {\n  source = "./modules/a"\n}\n\nresource "aws_sqs_queue" "q" {\n  name = "ztait-q"\n}\n',
    );
    writeFileSync(join(dir, 'modules/a/main.tf'), 'resource "aws_sqs_queue" "q" {\n  name = "ztait-a"\n}\n');
    writeFileSync(join(dir, 'modules/a/bad.tf'), 'resource "aws_sqs_queue" "r" {\n  name = \n}\n');
    const { pooled, inline } = bothWays([dir]);
    expect(pooled.code).toBe(2);
    expect(pooled.stderr).toMatch(/modules\/a\/bad\.tf:2:10: Invalid expression/);
    expect(pooled.stderr).toBe(inline.stderr);
    expect(pooled.stdout).toBe(inline.stdout);
  }, 120_000);
});

describe('ParsePool', () => {
  const script = new URL('./fixtures/dying-parse-worker.mjs', import.meta.url);

  it('a worker that dies fails the file it was on; the others are answered by a new worker', async () => {
    for (const size of [1, 2]) {
      const pool = new ParsePool(script, size);
      const names = ['a.tf', 'b.tf', 'die.tf', 'c.tf', 'd.tf'];
      const outcomes = await Promise.allSettled(names.map((file) => pool.run({ kind: 'path', path: file, file }, 2)));
      const byName = Object.fromEntries(names.map((n, i) => [n, outcomes[i]!]));
      expect(byName['die.tf']!.status).toBe('rejected');
      expect((byName['die.tf'] as PromiseRejectedResult).reason).toBeInstanceOf(ParserUnavailableError);
      for (const n of names.filter((x) => x !== 'die.tf')) {
        const o = byName[n]!;
        expect(o.status, `${n} with ${size} worker(s)`).toBe('fulfilled');
        expect((o as PromiseFulfilledResult<{ read?: { body: { file: string } } }>).value.read?.body.file).toBe(n);
      }
    }
  }, 30_000);

  it('a job that never ends fails after its time, naming the file; the others are answered', async () => {
    const pool = new ParsePool(script, 1, () => 300);
    const names = ['a.tf', 'hang.tf', 'b.tf'];
    const outcomes = await Promise.allSettled(names.map((file) => pool.run({ kind: 'path', path: file, file }, 2)));
    expect(outcomes[1]!.status).toBe('rejected');
    const reason = (outcomes[1] as PromiseRejectedResult).reason as Error;
    expect(reason).toBeInstanceOf(ParserUnavailableError);
    expect(reason.message).toMatch(/no answer for hang\.tf after 0 s/);
    expect(outcomes[0]!.status).toBe('fulfilled');
    expect(outcomes[2]!.status).toBe('fulfilled');
  }, 30_000);

  it('gives a parse a minute, plus a second per 64 KB of source', () => {
    expect(defaultJobTimeout(0)).toBe(60_000);
    expect(defaultJobTimeout(200_000)).toBe(64_000);
    expect(defaultJobTimeout(10 * 1024 * 1024)).toBe(220_000);
  });

  it('gives up after repeated deaths instead of restarting workers for ever', async () => {
    const pool = new ParsePool(script, 1);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => pool.run({ kind: 'path', path: 'die.tf', file: 'die.tf' }, 1)),
    );
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    const late = await pool.run({ kind: 'path', path: 'a.tf', file: 'a.tf' }, 1).then(
      () => 'answered',
      (e: unknown) => e,
    );
    expect(late).toBeInstanceOf(ParserUnavailableError);
  }, 30_000);
});

describe('a parse worker', () => {
  it('takes a job the evaluator waits on before the read-ahead jobs sent earlier', async () => {
    // A warm worker finishes a small parse within microtasks; it used to start each job from the
    // message handler, and so ran every queued message in arrival order before it saw the urgent one.
    const pool = new ParsePool(new URL('../../dist/hcl/parse-worker.js', import.meta.url), 1);
    await pool.run({ kind: 'file', file: 'warm.tf', text: 'a = 1\n' }, 1);
    const order: string[] = [];
    const track = (name: string, p: Promise<unknown>): Promise<unknown> => p.then(() => order.push(name));
    const ahead = Array.from({ length: 300 }, (_, i) =>
      track(
        `ahead${i}`,
        pool.run({ kind: 'file', file: `ahead${i}.tf`, text: `resource "aws_sqs_queue" "q${i}" {\n  name = "q${i}"\n}\n` }, 2),
      ),
    );
    const urgent = track('urgent', pool.run({ kind: 'file', file: 'urgent.tf', text: 'b = 2\n' }, 1));
    await Promise.all([...ahead, urgent]);
    expect(order.indexOf('urgent')).toBeLessThan(50);
  }, 30_000);
});

describe('a parse worker told which templates another worker parsed', () => {
  it('does not parse them again, and still parses the others', async () => {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(new URL('../../dist/hcl/parse-worker.js', import.meta.url));
    try {
      const replies = new Map<number, { exprs?: [string, unknown][] }>();
      const answered = (id: number) =>
        new Promise<{ exprs?: [string, unknown][] }>((resolve) => {
          const poll = () => (replies.has(id) ? resolve(replies.get(id)!) : setTimeout(poll, 5));
          poll();
        });
      worker.on('message', (m: { id: number; ok?: boolean; exprs?: [string, unknown][] }) => {
        if ('ok' in m) replies.set(m.id, m);
      });
      const text = 'a = "${upper(var.x)}"\nb = "${lower(var.y)}"\n';
      worker.postMessage({ kind: 'known', srcs: ['${upper(var.x)}'] });
      worker.postMessage({ kind: 'file', file: 'k.tf', text, id: 1, priority: 1 });
      const sources = (await answered(1)).exprs!.map(([src]) => src);
      expect(sources).toEqual(['${lower(var.y)}']);
    } finally {
      await worker.terminate();
    }
  }, 30_000);
});

describe('a parse worker whose Go runtime stops', () => {
  it('ends itself (the pool then fails its file and moves on) instead of waiting for ever', async () => {
    // The runtime calls its exit hook on a fatal error; call it the same way in a worker.
    const parser = new URL('../../dist/hcl/parser.js', import.meta.url).href;
    const code = `
      const { warmParser } = await import(${JSON.stringify(parser)});
      warmParser();
      while (typeof globalThis.__parse_terraform_config_wasm__ !== 'object') await new Promise((r) => setTimeout(r, 10));
      new globalThis.Go().exit(2);
      await new Promise((r) => setTimeout(r, 5000));
      process.exit(0);
    `;
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
    const exitCode = await new Promise<number>((resolve) => worker.on('exit', resolve));
    expect(exitCode).toBe(2);
  }, 30_000);
});

describe('readTextFileSync (parse workers) agrees with readTextFile', () => {
  it.each([
    ['plain.tf', Buffer.from('a = 1\n')],
    ['bom.tf', Buffer.from('\ufeffa = 1\n')],
    ['binary.tf', Buffer.from([0x61, 0x00, 0x62])],
    ['latin1.tf', Buffer.from([0x61, 0xe9, 0x0a])],
  ])('%s', async (name, bytes) => {
    const file = join(tmp, name);
    writeFileSync(file, bytes);
    expect(readTextFileSync(file)).toEqual(await readTextFile(file));
  });

  it('missing files and symlink loops', async () => {
    const loop = join(tmp, 'loop.tf');
    symlinkSync(loop, loop);
    for (const f of [join(tmp, 'missing.tf'), loop]) expect(readTextFileSync(f)).toEqual(await readTextFile(f));
  });
});
