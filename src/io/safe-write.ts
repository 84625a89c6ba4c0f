import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../model/errors.js';

/**
 * Every file ztait writes goes through here. The directory it runs in was written by a pull
 * request, which can commit a symlink where a report, a baseline or a tfvars is written: a write
 * must never follow one. So a write refuses when the target, or any path component between the
 * root and the target, is a symlink (dangling ones too), then writes a new temp file beside the
 * target (O_EXCL) and renames it over the target; rename replaces a name, it never follows it.
 */

/** A write refused because its path goes through a symlink or names something not a file: exit 2. */
export class UnsafeWriteError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeWriteError';
  }
}

export interface SafeWriteOptions {
  /**
   * Components below this directory are checked (default: the current directory). A path outside
   * it was chosen by whoever ran ztait: only its last component is checked.
   */
  root?: string;
  /**
   * More directories the pull request wrote (the scanned one): a path inside one of them has every
   * component below the outermost of them checked.
   */
  roots?: string[];
  /** Check the root itself too (`ztait init DIR`: DIR must not be a symlink). */
  checkRoot?: boolean;
  /** fsync before the rename (source files ztait edits, not reports). */
  durable?: boolean;
  /** What is written, for messages: "report", "baseline", ... */
  what?: string;
}

/** `-o -` and `-o /dev/stdout` mean standard output: written there, not through the file system. */
export function isStdoutPath(path: string): boolean {
  return path === '-' || path === '/dev/stdout';
}

/** Whether `path` itself is a symlink (dangling ones too); trailing slashes do not hide it. */
export function isSymlink(path: string): boolean {
  try {
    return lstatSync(path.replace(/(.)[\\/]+$/, '$1')).isSymbolicLink();
  } catch {
    return false;
  }
}

const shown = (p: string): string => {
  const rel = relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel) ? p : rel;
};

const errCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0]!;

/**
 * Refuses (UnsafeWriteError) when `path` or a component between the root and it is a symlink, or
 * a component is not a directory. Returns the absolute path and the target's lstat, if it exists.
 */
export function checkWritePath(path: string, opts: SafeWriteOptions = {}): { abs: string; existing?: Stats } {
  const abs = resolve(path);
  const within = (dir: string): boolean => {
    const r = relative(dir, abs);
    return !(r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r));
  };
  const candidates = [opts.root ?? process.cwd(), ...(opts.roots ?? [])].map((d) => resolve(d)).filter(within);
  // the outermost directory holding the path: the most components are checked
  const root = candidates.sort((a, b) => a.length - b.length)[0] ?? resolve(opts.root ?? process.cwd());
  const rel = relative(root, abs);
  const inside = candidates.length > 0;
  const chain: string[] = [];
  if (inside) {
    if (opts.checkRoot) chain.push(root);
    let cur = root;
    for (const part of rel.split(sep).filter(Boolean)) chain.push((cur = join(cur, part)));
    if (rel === '' && !opts.checkRoot) chain.push(abs);
  } else chain.push(abs);
  const label = opts.what ? `${opts.what} ` : '';
  let existing: Stats | undefined;
  for (const p of chain) {
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') break; // the rest is created fresh
      throw new UnsafeWriteError(`cannot write ${label}${path}: ${errCode(e)}`);
    }
    if (st.isSymbolicLink()) {
      const which = p === abs ? 'it' : shown(p);
      throw new UnsafeWriteError(`refusing to write ${label}${path}: ${which} is a symbolic link (ztait never writes through one)`);
    }
    if (p === abs) existing = st;
    else if (!st.isDirectory()) throw new UnsafeWriteError(`cannot write ${label}${path}: ${shown(p)} is not a directory`);
  }
  if (existing && !existing.isFile()) throw new UnsafeWriteError(`refusing to write ${label}${path}: it exists and is not a regular file`);
  return existing ? { abs, existing } : { abs };
}

/**
 * Writes `content` to `path` without following a symlink: checks the path (checkWritePath),
 * creates missing directories, writes a temp file in the target directory (created exclusively,
 * mode 0o644 or the old file's mode) and renames it over the target.
 */
export function writeFileSafe(path: string, content: string | Buffer, opts: SafeWriteOptions = {}): void {
  const { abs, existing } = checkWritePath(path, opts);
  const label = opts.what ? `${opts.what} ` : '';
  const fail = (e: unknown): never => {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot write ${label}${path}: ${errCode(e)}`);
  };
  const dir = dirname(abs);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    fail(e);
  }
  const mode = existing ? existing.mode & 0o7777 : 0o644;
  const tmp = join(dir, `.${basename(abs)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', mode);
  } catch (e) {
    return fail(e);
  }
  try {
    // the umask applies at open; an existing file keeps exactly its mode
    if (existing) fchmodSync(fd, mode);
    writeFileSync(fd, content);
    if (opts.durable) fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, abs);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(tmp);
    } catch {
      // never created or already renamed
    }
    fail(e);
  }
}
