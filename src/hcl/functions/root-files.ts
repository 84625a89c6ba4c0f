/**
 * Where a file function may read: only a regular file whose real path lies inside the scanned root
 * (the root module's directory, where Terraform runs). The pull request wrote every path, so an
 * absolute path, `..`, `~`, or a symlink committed in the repository that points out of it must not
 * open anything outside, nor tell whether something exists there.
 *
 * The path is resolved one component at a time (lstat, readlink) rather than with realpath(): that
 * way a dangling link out of the root is "outside" too, not "missing", so can()/try() cannot probe
 * the runner's filesystem. Nothing here ever names a host path or returns file content in a reason.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';

/** Longer paths are refused before touching the filesystem (Linux's PATH_MAX). */
const MAX_PATH_CHARS = 4096;
/** Components walked, link expansions included: bounds the work of `a/../a/../...` and link chains. */
const MAX_STEPS = 1024;
/** Symlinks followed in one path (Linux's limit is 40 too). */
const MAX_LINKS = 40;

export type Located =
  | { kind: 'file'; real: string; size: number; dev: number; ino: number }
  | { kind: 'outside' }
  | { kind: 'private' }
  | { kind: 'missing' }
  | { kind: 'not-file'; what: string; real: string; isDir: boolean }
  | { kind: 'unreadable'; code: string };

/**
 * Inside the root but never written by the pull request, and able to hold credentials: git's
 * metadata (actions/checkout leaves the job's token in .git/config), Terraform's working directory
 * and state. Compared without case and without the code points macOS ignores in names (`.G\u200cIT`).
 */
const PRIVATE_DIRS = new Set(['.git', '.terraform', 'terraform.tfstate.d']);
const PRIVATE_FILE = /\.tfstate(\.backup)?$|^\.terraform\.tfstate\.lock\.info$/;
const IGNORABLE =
  /[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/gu;

function isPrivate(name: string): boolean {
  const plain = name.normalize('NFC').replace(IGNORABLE, '').toLowerCase();
  return PRIVATE_DIRS.has(plain) || PRIVATE_FILE.test(plain);
}

const realRoots = new Map<string, Promise<string | undefined>>();

/** The real path of a root directory, once per process; undefined when it cannot be resolved. */
function realRoot(root: string): Promise<string | undefined> {
  let hit = realRoots.get(root);
  if (!hit) {
    hit = realpath(root).catch(() => undefined);
    realRoots.set(root, hit);
  }
  return hit;
}

/** `p` is `dir` or below it (both absolute and normalized). */
export function isWithin(dir: string, p: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/** The components of `p` below `root`, when `p` spells a path inside it without `..`; else undefined. */
function below(root: string, p: string): string[] | undefined {
  const parts = p.split('/');
  // '/' splits into two empty names; any other root into '' and its names.
  const rootParts = root === '/' ? [''] : root.split('/');
  if (parts.length < rootParts.length || rootParts.some((c, i) => c !== '' && parts[i] !== c)) return undefined;
  const rest = parts.slice(rootParts.length);
  return rest.includes('..') ? undefined : rest;
}

/**
 * Resolves `rel` (relative to `where.baseDir`, or absolute) the way the kernel would, refusing as
 * soon as the walk leaves the root: `where.fileRoot` (`check --root`) or else the base directory
 * itself. Both are absolute directories, the base inside the root.
 */
export function locate(where: { baseDir: string; fileRoot?: string | undefined }, rel: string): Promise<Located> {
  const root = where.fileRoot ?? where.baseDir;
  const base = where.baseDir;
  // One walk per path and run: for_each instances often read the same file.
  const key = `${root}\0${base}\0${rel}`;
  let hit = located.get(key);
  if (!hit) {
    if (located.size > 10_000) located.clear();
    hit = walk(root, base, rel);
    located.set(key, hit);
  }
  return hit;
}

const located = new Map<string, Promise<Located>>();

async function walk(root: string, base: string, rel: string): Promise<Located> {
  if (rel.length > MAX_PATH_CHARS || rel.includes('\0')) return { kind: 'outside' };
  const top = await realRoot(root);
  const start = base === root ? top : await realRoot(base);
  if (top === undefined || start === undefined || !isWithin(top, start)) return { kind: 'unreadable', code: 'root' };
  let parts: string[];
  if (path.posix.isAbsolute(rel)) {
    // An absolute path is only followed when it spells a path inside the root (as given or real).
    const rest = below(path.resolve(root), rel) ?? below(top, rel);
    if (rest === undefined) return { kind: 'outside' };
    parts = rest;
  } else {
    parts = rel.split('/');
  }
  let cur = path.posix.isAbsolute(rel) ? top : start;
  let links = 0;
  let steps = 0;
  let last: Stats | undefined;
  while (parts.length > 0) {
    if (++steps > MAX_STEPS) return { kind: 'unreadable', code: 'ELOOP' };
    const c = parts.shift()!;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      // `cur` is always a real directory inside the root, so its parent is the real parent.
      if (cur === top) return { kind: 'outside' };
      cur = path.dirname(cur);
      last = undefined;
      continue;
    }
    if (isPrivate(c)) return { kind: 'private' };
    const next = path.join(cur, c);
    let st: Stats;
    try {
      st = await lstat(next);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'missing' } : { kind: 'unreadable', code };
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) return { kind: 'unreadable', code: 'ELOOP' };
      const target = await readlink(next).catch(() => undefined);
      if (target === undefined) return { kind: 'unreadable', code: 'readlink' };
      if (path.posix.isAbsolute(target)) {
        const rest = below(top, target);
        if (rest === undefined) return { kind: 'outside' };
        cur = top;
        parts = [...rest, ...parts];
      } else {
        parts = [...target.split('/'), ...parts];
      }
      last = undefined;
      continue;
    }
    if (parts.length > 0 && !st.isDirectory()) return { kind: 'missing' };
    cur = next;
    last = st;
  }
  if (!isWithin(top, cur)) return { kind: 'outside' };
  last ??= await lstat(cur).catch(() => undefined);
  if (!last) return { kind: 'missing' };
  if (!last.isFile())
    return { kind: 'not-file', what: last.isDirectory() ? 'a directory' : 'not a regular file', real: cur, isDir: last.isDirectory() };
  return { kind: 'file', real: cur, size: last.size, dev: last.dev, ino: last.ino };
}

/**
 * The bytes of a located file, at most `max` (undefined when there are more). Opened without
 * following a link and without blocking (a FIFO swapped in meanwhile must not hang the run), and
 * checked to be the same regular file that was located.
 */
export async function readLocated(file: Extract<Located, { kind: 'file' }>, max: number): Promise<Buffer | undefined> {
  const handle = await open(file.real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.dev !== file.dev || st.ino !== file.ino) throw Object.assign(new Error('changed'), { code: 'ECHANGED' });
    // The size is not trusted (it can grow, or be 0 for special files): read until end, bounded.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(1 << 20, max + 1 - total));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > max) return undefined;
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}
