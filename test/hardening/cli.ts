/**
 * Runs the built CLI (`node bin/ztait.js ...`) on hostile input as a child process with a time
 * limit and a V8 heap limit, and checks that it ended cleanly: a verdict (exit 0 or 1 with a
 * report) or a clear error (exit 2, every stderr line a `ztait:` message, the offending file named),
 * never a crash, a stack trace, an internal error or a hang.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runZtaitInProcess } from '../cli/helpers.js';
import { REPO_ROOT, ztait, type CliRun as Run } from '../support/cli.js';

export { ensureBuilt } from '../support/cli.js';
export const ROOT = REPO_ROOT;

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'ztait-hostile-'));

export interface CliRun extends Run {
  /** Peak resident set size in MiB, when GNU time is installed. */
  peakMiB?: number;
  /** The JSON report, when the run wrote it to a file (`-o`) rather than stdout. */
  report?: string;
}

const GNU_TIME = '/usr/bin/time';

const MAX_CAPTURE = 4 * 1024 * 1024;

/**
 * `node --max-old-space-size=HEAP bin/ztait.js ARGS`, killed after `timeoutMs`; under GNU time
 * (when installed) so that the peak memory of the process is known. `env`: variables over the
 * cleaned environment (test/support/cli.ts: none of the machine's AWS_*).
 */
export async function runCli(
  args: string[],
  opts: { timeoutMs?: number; heapMiB?: number; cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliRun> {
  const usage = existsSync(GNU_TIME) ? join(tempDir(), 'usage.txt') : undefined;
  const run = await ztait(args, {
    nodeArgs: [`--max-old-space-size=${opts.heapMiB ?? 1024}`],
    ...(usage ? { wrapper: [GNU_TIME, '-v', '-o', usage] } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    timeoutMs: opts.timeoutMs ?? 30_000,
    maxBuffer: MAX_CAPTURE,
  });
  if (!usage) return run;
  const rss = existsSync(usage) ? /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(usage, 'utf8'))?.[1] : undefined;
  // GNU time reports a child killed by a signal as its own exit status 128+n.
  const killed = run.code !== null && run.code > 128 ? signalName(run.code - 128) : null;
  return {
    ...run,
    code: killed ? null : run.code,
    signal: run.signal ?? killed,
    stderr: run.stderr.replace(/^Command (terminated|exited) .*\n?/gm, ''),
    ...(rss ? { peakMiB: Number(rss) / 1024 } : {}),
  };
}

/**
 * `ztait ARGS` in this process (the CLI's main() from the sources), as a run that `expectClean` can
 * judge: for a test about a verdict, which needs no process of its own.
 */
export async function runInProcess(args: string[]): Promise<CliRun> {
  const start = performance.now();
  const run = await runZtaitInProcess(args);
  return { ...run, signal: null, ms: performance.now() - start, timedOut: false };
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
  for (const l of run.stderr.split('\n').filter((x) => x.trim() !== ''))
    expect(l, `every stderr line is one ztait message: ${why}`).toMatch(/^ztait: /);
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
