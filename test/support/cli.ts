/**
 * The one way the tests run the built CLI, `node bin/ztait.js ARGS`, as a user does: in a working
 * directory (the repository root unless told), with colours off (NO_COLOR=1, no FORCE_COLOR), none of
 * the machine's AWS_* variables (nor ZTAIT_DEBUG), stdin given or closed, killed after a time limit,
 * with bounded output. `ztaitSync` blocks; `ztait` does not (for a test whose server lives in this
 * process, or that measures the process). A test about a verdict or a rule does not spawn: it calls
 * scan() or the CLI's main() in process (test/support/rule-tester.ts, runZtaitInProcess).
 *
 * `run` is the same for the other programs the tests call (tsc, markdownlint, the SARIF multitool).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export interface CliOptions {
  /** Working directory of the run; default the repository root. */
  cwd?: string;
  /** Variables set over the cleaned environment (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** Text given on stdin; without it stdin is closed. */
  input?: string;
  /** The process (group) is killed after this long; default 120 s. */
  timeoutMs?: number;
  /** Bytes of stdout and of stderr kept; default 64 MiB (sync: more is an error; async: the rest is dropped). */
  maxBuffer?: number;
  /** The package whose bin/ztait.js runs (a private build, as the probe tests make); default the repository. */
  packageDir?: string;
  /** Options of node itself, before the script (e.g. --max-old-space-size=1024). */
  nodeArgs?: string[];
  /** A command that runs node (e.g. GNU time -v -o FILE); async only. */
  wrapper?: string[];
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

const TIMEOUT_MS = 120_000;
const MAX_BUFFER = 64 * 1024 * 1024;

/** The environment of a run: this process's, without AWS_*, FORCE_COLOR and ZTAIT_DEBUG, with NO_COLOR=1, then `extra`. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AWS_') && k !== 'FORCE_COLOR' && k !== 'ZTAIT_DEBUG') env[k] = v;
  }
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

const argv = (args: string[], opts: CliOptions): string[] => [
  ...(opts.nodeArgs ?? []),
  join(opts.packageDir ?? REPO_ROOT, 'bin', 'ztait.js'),
  ...args,
];

/** `ztait ARGS`, waiting for it. A run that cannot start, overflows maxBuffer or times out throws (a test needs no more). */
export function ztaitSync(args: string[], opts: CliOptions = {}): CliRun {
  if (opts.wrapper) throw new Error('ztaitSync: wrapper is for the async ztait()');
  const start = performance.now();
  const r = spawnSync(process.execPath, argv(args, opts), {
    cwd: opts.cwd ?? REPO_ROOT,
    env: cliEnv(opts.env),
    encoding: 'utf8',
    input: opts.input ?? '',
    timeout: opts.timeoutMs ?? TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: opts.maxBuffer ?? MAX_BUFFER,
  });
  if (r.error) throw new Error(`ztait ${args.join(' ')}: ${r.error.message}`, { cause: r.error });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - start, timedOut: false };
}

/** `ztait ARGS` without blocking this process; on timeout its whole process group (wrapper included) is killed. */
export function ztait(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  const [cmd, ...rest] = [...(opts.wrapper ?? []), process.execPath, ...argv(args, opts)];
  const max = opts.maxBuffer ?? MAX_BUFFER;
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    // its own process group, so that a timeout kills node and not only a wrapper
    const child = spawn(cmd!, rest, { cwd: opts.cwd ?? REPO_ROOT, env: cliEnv(opts.env), detached: true });
    const collect = (stream: NodeJS.ReadableStream): Buffer[] => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (d: Buffer) => {
        if (size < max) chunks.push(d.subarray(0, max - size));
        size += d.length;
      });
      return chunks;
    };
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    child.stdin.on('error', () => undefined); // a CLI that exits without reading its input
    child.stdin.end(opts.input ?? '');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.timeoutMs ?? TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');
      resolvePromise({ code, signal, stdout: text(out), stderr: text(err), ms: performance.now() - start, timedOut });
    });
  });
}

export interface RunOptions {
  cwd?: string;
  /** The whole environment of the program; default this process's. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Another program (`cmd ARGS`), waiting for it: its exit code and output. A program that cannot start throws. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? REPO_ROOT,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: MAX_BUFFER,
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A tool the repository installs (node_modules/.bin/NAME). */
export const localBin = (name: string): string => join(REPO_ROOT, 'node_modules', '.bin', name);

/**
 * Builds dist/ (npx tsc -p tsconfig.json) when the suite runs without `npm test` having built it.
 * tsc exits non-zero when any file (possibly someone else's work in progress) has a type error, but
 * still emits: only a build that leaves the CLI's entry missing fails. (No parameters: vitest calls
 * a hook with its suite.)
 */
export function ensureBuilt(): void {
  const entry = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  if (existsSync(entry)) return;
  const r = run('npx', ['tsc', '-p', 'tsconfig.json']);
  if (!existsSync(entry)) throw new Error(`tsc did not build dist/cli/main.js:\n${r.stdout}\n${r.stderr}`);
}
