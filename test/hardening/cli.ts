/**
 * Runs the built CLI (`node bin/ztait.js ...`) on hostile input as a child process with a time
 * limit and a V8 heap limit, and checks that it ended cleanly: a verdict (exit 0 or 1 with a
 * report) or a clear error (exit 2, every stderr line a `ztait:` message, the offending file named),
 * never a crash, a stack trace, an internal error or a hang.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';

export const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'ztait.js');

/** Builds dist/ when it is missing (npm test builds first; a lone vitest run may not have). */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) return;
  // tsc exits non-zero when some file has a type error, but still emits.
  await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT }).catch(() => undefined);
}

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'ztait-hostile-'));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
  /** Peak resident set size in MiB, when GNU time is installed. */
  peakMiB?: number;
  /** The JSON report, when the run wrote it to a file (`-o`) rather than stdout. */
  report?: string;
}

const GNU_TIME = '/usr/bin/time';

const MAX_CAPTURE = 4 * 1024 * 1024;

/**
 * `node --max-old-space-size=HEAP bin/ztait.js ARGS`, killed after `timeoutMs`; under GNU time
 * (when installed) so that the peak memory of the process is known.
 */
export function runCli(args: string[], opts: { timeoutMs?: number; heapMiB?: number; cwd?: string } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.ZTAIT_DEBUG;
  delete env.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const node = [process.execPath, `--max-old-space-size=${opts.heapMiB ?? 1024}`, CLI, ...args];
    const usage = existsSync(GNU_TIME) ? join(tempDir(), 'usage.txt') : undefined;
    const [cmd, ...argv] = usage ? [GNU_TIME, '-v', '-o', usage, ...node] : node;
    // Its own process group, so that a timeout kills node and not only GNU time.
    const child = spawn(cmd!, argv, { cwd: opts.cwd ?? ROOT, env, detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < MAX_CAPTURE) stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_CAPTURE) stderr += d.toString();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const rss = usage && existsSync(usage) ? /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(usage, 'utf8'))?.[1] : undefined;
      // GNU time reports a child killed by a signal as its own exit status 128+n.
      const killed = code !== null && code > 128 && usage ? signalName(code - 128) : null;
      resolve({ code: killed ? null : code, signal: signal ?? killed, stdout, stderr: usage ? stderr.replace(/^Command (terminated|exited) .*\n?/gm, '') : stderr, ms: performance.now() - start, timedOut, ...(rss ? { peakMiB: Number(rss) / 1024 } : {}) });
    });
  });
}

function signalName(n: number): NodeJS.Signals {
  return (Object.entries(constants.signals).find(([, v]) => v === n)?.[0] ?? `SIG${n}`) as NodeJS.Signals;
}

const show = (run: CliRun): string =>
  `exit ${run.code}${run.signal ? ` (${run.signal})` : ''}${run.timedOut ? ' TIMED OUT' : ''} after ${Math.round(run.ms)} ms${run.peakMiB ? `, peak ${Math.round(run.peakMiB)} MiB` : ''}\n--- stderr ---\n${run.stderr.slice(0, 3000)}\n--- stdout ---\n${run.stdout.slice(0, 500)}`;

/**
 * The run ended cleanly. `names`: a file (or files) an error message must name, when it ends in
 * an error. `outcome`: what is acceptable ('either' by default). `maxMiB`: bound on peak memory.
 */
export function expectClean(run: CliRun, opts: { names?: string[]; outcome?: 'error' | 'verdict' | 'either'; maxMiB?: number } = {}): void {
  const why = show(run);
  expect(run.timedOut, `hang: ${why}`).toBe(false);
  // The heap is capped at 1 GiB (runCli); buffers and code come on top.
  if (run.peakMiB !== undefined) expect(run.peakMiB, `peak memory: ${why}`).toBeLessThan(opts.maxMiB ?? 1536);
  expect(run.signal, `killed by a signal: ${why}`).toBeNull();
  expect([0, 1, 2], `crash: ${why}`).toContain(run.code);
  // No stack trace, no V8 fatal error, no error the tool did not expect.
  expect(run.stderr, `stack trace: ${why}`).not.toMatch(/^\s+at /m);
  expect(run.stderr, `fatal error: ${why}`).not.toMatch(/FATAL ERROR|heap out of memory|Aborted|core dumped/i);
  expect(run.stderr, `internal error: ${why}`).not.toMatch(/internal error/i);
  for (const l of run.stderr.split('\n').filter((x) => x.trim() !== '')) expect(l, `every stderr line is one ztait message: ${why}`).toMatch(/^ztait: /);
  const outcome = opts.outcome ?? 'either';
  if (run.code === 2) {
    expect(outcome, `expected a verdict, got an error: ${why}`).not.toBe('verdict');
    expect(run.stderr.trim(), `exit 2 without a message: ${why}`).not.toBe('');
    for (const n of opts.names ?? []) expect(run.stderr, `the message should name ${n}: ${why}`).toContain(n);
  } else {
    expect(outcome, `expected an error, got exit ${run.code}: ${why}`).not.toBe('error');
    let report: { invariants?: unknown[] } | undefined;
    try {
      report = JSON.parse(run.report ?? run.stdout) as { invariants?: unknown[] };
    } catch {
      report = undefined;
    }
    expect(Array.isArray(report?.invariants), `a verdict without a JSON report: ${why}`).toBe(true);
  }
}

/** A root module directory holding `files` (relative name -> text or bytes). */
export function rootModule(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

/**
 * `ztait check ARGS --format json -o FILE`: the report goes to a file (a large one would not fit
 * the captured stdout) and comes back as `run.report`.
 */
export async function checkTo(args: string[], opts: { timeoutMs?: number; heapMiB?: number } = {}): Promise<CliRun> {
  const out = join(tempDir(), 'report.json');
  const run = await runCli(['check', ...args, '--format', 'json', '-o', out], opts);
  return existsSync(out) ? { ...run, report: readFileSync(out, 'utf8') } : run;
}

/** `ztait check DIR` with a JSON report. */
export const check = (dir: string, timeoutMs = 30_000): Promise<CliRun> => checkTo([dir], { timeoutMs });

/** A well-formed table next to the hostile file, so there is something to judge. */
export const TABLE = `resource "aws_dynamodb_table" "audit" {
  name         = "ztait-audit"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }
}
`;
