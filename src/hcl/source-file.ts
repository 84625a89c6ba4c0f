/**
 * One `.tf` file read, checked, parsed and located: the whole per-file job of the HCL source, done
 * on a parse worker when there is a pool (parse-pool.ts) so that the main thread only receives the
 * result. Reading and hashing happen there too: the main thread never holds the file's text.
 */
import { readTextFile, readTextFileSync } from './files.js';
import { scanHclTop, type ScannedBlock } from './locator.js';
import { HclSyntaxError, parseHclFile, rememberExpressions } from './parser.js';
import { parsePool } from './parse-pool.js';
import { isMainThread } from 'node:worker_threads';

/** A file's outcome: its parsed body and block positions, or what is wrong with it. */
export type SourceRead = { display: string; sha256?: string } & (
  { body: Record<string, unknown>; blocks: ScannedBlock[] } | { problem: string; line?: number; column?: number }
);

/** `source = "./..."` in HCL text: a hint of the local modules a file calls (a plain text scan). */
const LOCAL_SOURCE = /^\s*source\s*=\s*"(\.\.?\/[^"$%\n]*)"/gm;

/**
 * Reads and parses `path` here. `hint` gets the file's local module sources as soon as the text
 * is read, before the (longer) parse: a caller can start on those modules meanwhile.
 */
export async function readSourceFileHere(path: string, display: string, hint?: (sources: string[]) => void): Promise<SourceRead> {
  const r = isMainThread ? await readTextFile(path) : readTextFileSync(path);
  if (!r.ok) return { display, ...(r.sha256 ? { sha256: r.sha256 } : {}), problem: r.problem };
  hint?.([...r.text.matchAll(LOCAL_SOURCE)].map((m) => m[1]!));
  try {
    const body = await parseHclFile(display, r.text);
    return { display, sha256: r.sha256, body, blocks: scanHclTop(display, r.text).blocks };
  } catch (e) {
    return { display, sha256: r.sha256, ...problemOf(e) };
  }
}

/** A parse failure as a file's problem: a syntax error with its position, anything else on line 1. */
export function problemOf(e: unknown): { problem: string; line?: number; column?: number } {
  if (e instanceof HclSyntaxError) return { problem: e.detail, line: e.line, column: e.column };
  return { problem: `cannot parse: ${(e as Error).message.split('\n')[0]}` };
}

/**
 * readSourceFileHere, on a parse worker when there is a pool (the template expressions it parsed
 * there land in the expression cache). `ahead`: nobody waits on it yet, so it queues behind the rest.
 */
export async function readSourceFile(
  path: string,
  display: string,
  opts: { ahead?: boolean; hint?: (sources: string[]) => void; size?: number } = {},
): Promise<SourceRead> {
  const pool = isMainThread ? parsePool() : undefined;
  if (!pool) return readSourceFileHere(path, display, opts.hint);
  try {
    const reply = await pool.run({ kind: 'path', path, file: display }, opts.ahead ? 2 : 1, {
      ...(opts.hint ? { hint: opts.hint } : {}),
      ...(opts.size !== undefined ? { bytes: opts.size } : {}),
    });
    if (!reply.ok) return { display, problem: reply.message ?? 'the HCL parser failed' };
    rememberExpressions(reply.exprs ?? []);
    return reply.read!;
  } catch (e) {
    return { display, ...problemOf(e) };
  }
}
