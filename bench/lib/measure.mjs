/**
 * Runs a command as a child process and measures it: wall time, CPU time and peak resident memory.
 * Peak memory comes from GNU time (`/usr/bin/time -v`, "Maximum resident set size") when it is
 * installed; otherwise the child is started through rss-child.mjs, which reports
 * `process.resourceUsage().maxRSS` of the Node process it runs in when that process exits.
 * Asynchronous, so a server living in the benchmark process keeps serving while the child runs.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';
const RSS_CHILD = join(import.meta.dirname, 'rss-child.mjs');

/** Whether peak memory is read with GNU time (else with the Node wrapper; BENCH_NO_GNU_TIME=1 forces it). */
export const usesGnuTime = existsSync(GNU_TIME) && !process.env.BENCH_NO_GNU_TIME;

/**
 * @param {string[]} nodeArgs arguments of `node` (a script and its arguments)
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, timeoutMs?: number }} opts
 * @returns {Promise<{ code: number|null, signal: string|null, wallMs: number, cpuMs?: number, maxRssMiB?: number, stdout: string, stderr: string, timedOut: boolean }>}
 */
export function measureNode(nodeArgs, opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ztait-bench-m-'));
  const report = join(dir, 'usage.txt');
  const [cmd, args] = usesGnuTime
    ? [GNU_TIME, ['-v', '-o', report, process.execPath, ...nodeArgs]]
    : [process.execPath, [RSS_CHILD, report, ...nodeArgs]];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - start;
      clearTimeout(timer);
      const usage = existsSync(report) ? readFileSync(report, 'utf8') : '';
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, wallMs, ...parseUsage(usage), stdout, stderr, timedOut });
    });
  });
}

/** GNU time -v report, or the wrapper's JSON line, into CPU ms and peak RSS MiB. */
function parseUsage(text) {
  if (!text) return {};
  if (text.trimStart().startsWith('{')) {
    const u = JSON.parse(text);
    return { cpuMs: u.cpuMs, maxRssMiB: u.maxRssKiB / 1024 };
  }
  const num = (re) => Number(re.exec(text)?.[1] ?? NaN);
  const user = num(/User time \(seconds\): ([\d.]+)/);
  const sys = num(/System time \(seconds\): ([\d.]+)/);
  const rss = num(/Maximum resident set size \(kbytes\): (\d+)/);
  return { cpuMs: (user + sys) * 1000, maxRssMiB: rss / 1024 };
}
