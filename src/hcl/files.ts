import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Reading configuration files defensively: a binary file, invalid UTF-8, a huge file or a dangling
 * or looping symlink becomes a one-line problem for that file, never a crash or a hang.
 */

/** Larger files are refused: no real Terraform file is this big, and hcl2json would hold it all. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

export type ReadResult = { ok: true; text: string; sha256: string } | { ok: false; problem: string; sha256?: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function readTextFile(path: string): Promise<ReadResult> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    return unreadable(e);
  }
  if (size > MAX_FILE_BYTES) return tooBig(size);
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    return { ok: false, problem: `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  return decodeText(buf);
}

/**
 * readTextFile with blocking calls, for a parse worker: it has nothing else to do meanwhile, and
 * five thread-pool round trips per file (stat, open, fstat, read, close) left it idle half the time.
 */
export function readTextFileSync(path: string): ReadResult {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    return unreadable(e);
  }
  if (size > MAX_FILE_BYTES) return tooBig(size);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    return { ok: false, problem: `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  return decodeText(buf);
}

function unreadable(e: unknown): ReadResult {
  const code = (e as NodeJS.ErrnoException).code;
  return {
    ok: false,
    problem:
      code === 'ELOOP' ? 'symlink loop' : code === 'ENOENT' ? 'file not found (dangling symlink?)' : `cannot read (${code ?? 'error'})`,
  };
}

function tooBig(size: number): ReadResult {
  return { ok: false, problem: `file is ${Math.round(size / 1048576)} MiB, larger than the ${MAX_FILE_BYTES / 1048576} MiB limit` };
}

/** The checked text of a file's bytes: no NUL bytes, valid UTF-8, BOM dropped. */
function decodeText(buf: Buffer): ReadResult {
  const sha256 = createHash('sha256').update(buf).digest('hex');
  if (buf.includes(0)) return { ok: false, problem: 'binary file (contains NUL bytes), not Terraform text', sha256 };
  try {
    const text = utf8.decode(buf);
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, sha256 };
  } catch {
    return { ok: false, problem: 'not valid UTF-8 text', sha256 };
  }
}

/** Terraform configuration files of one module directory (not recursive, like Terraform). */
export async function moduleFiles(
  dir: string,
): Promise<{ tf: string[]; tfjson: string[]; overrides: string[]; sizes: Map<string, number> }> {
  const names = (await readdir(dir)).sort();
  const sizes = new Map<string, number>();
  const isFile = async (n: string): Promise<boolean> => {
    try {
      const st = await stat(join(dir, n));
      sizes.set(n, st.size);
      return st.isFile();
    } catch {
      return true; // a broken link is reported when read
    }
  };
  const tf: string[] = [];
  const tfjson: string[] = [];
  const overrides: string[] = [];
  for (const n of names) {
    if (n.startsWith('.')) continue;
    if (!(n.endsWith('.tf') || n.endsWith('.tf.json'))) continue;
    if (!(await isFile(n))) continue;
    if (/(^|_)override\.tf(\.json)?$/.test(n)) overrides.push(n);
    else if (n.endsWith('.tf')) tf.push(n);
    else tfjson.push(n);
  }
  return { tf, tfjson, overrides, sizes };
}

/** `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars(.json)` in lexical order, as Terraform loads them. */
export async function autoVarFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).sort();
  const out: string[] = [];
  for (const n of ['terraform.tfvars', 'terraform.tfvars.json']) if (names.includes(n)) out.push(n);
  for (const n of names) if (/\.auto\.tfvars(\.json)?$/.test(n)) out.push(n);
  return out;
}

export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

export async function canonical(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    return p;
  }
}
