/**
 * fileset(path, pattern): the regular files under `path` whose path relative to it matches the glob
 * (`*`, `**`, `?`, `[class]`, `{a,b}`), sorted, as Terraform returns the set. Confined like the
 * other file functions: `path` must lie inside the scanned root, the walk never follows a symlink
 * to a directory, and a symlink out of the root (or to a directory) that the walk meets makes the
 * whole set unknown: Terraform would list what it points at, so a smaller known set could hide
 * for_each instances. The walk is bounded in depth and entries.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Unknown, type Value } from '../../model/value.js';
import type { EvalContext } from '../evaluate.js';
import { FnError, UnknownSignal, compareStrings, toStr } from './convert.js';
import { compileRe2 } from './regex.js';
import { locate } from './root-files.js';

const MAX_ENTRIES = 100_000;
const MAX_DEPTH = 64;

const SPECIAL = new Set('\\.+*?()|[]{}^$'.split(''));
const quote = (c: string): string => (SPECIAL.has(c) ? `\\${c}` : c);

/** The glob as an anchored RE2 pattern over `/`-separated relative paths. */
export function globPattern(glob: string): string {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) {
      out += quote(glob[++i]!);
    } else if (c === '*') {
      const whole = glob[i + 1] === '*' && (i === 0 || glob[i - 1] === '/') && (i + 2 === glob.length || glob[i + 2] === '/');
      if (whole && i + 2 === glob.length) {
        out += '.*';
        i += 1;
      } else if (whole) {
        out += '(?:[^/]*/)*';
        i += 2;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      // Go's filepath.Match: only `^` negates (`[!a]` is `!` or `a`, as Terraform 1.11 answers).
      const close = glob.indexOf(']', i + (glob[i + 1] === '^' ? 3 : 2));
      if (close < 0) throw new FnError(`invalid pattern ${JSON.stringify(glob)}: unclosed [`);
      let body = glob.slice(i + 1, close);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      // A negated class never matches the separator, as in a glob.
      out += negated ? `[^${body}/]` : `[${body}]`;
      i = close;
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === ',' && braces > 0) {
      out += '|';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else {
      out += quote(c);
    }
  }
  if (braces > 0) throw new FnError(`invalid pattern ${JSON.stringify(glob)}: unclosed {`);
  return `^${out}$`;
}

/** How deep the walk must go: the pattern's components, or the limit when `**` can match any depth. */
function depthOf(glob: string): number {
  return glob.includes('**') ? MAX_DEPTH : glob.split('/').length;
}

export async function fileset(ctx: EvalContext, p: Value, pat: Value): Promise<Value> {
  const dir = toStr(p, 'path');
  const glob = toStr(pat, 'pattern');
  const call = `fileset(${JSON.stringify(dir.length > 120 ? `${dir.slice(0, 119)}…` : dir)}, ${JSON.stringify(glob.length > 120 ? `${glob.slice(0, 119)}…` : glob)})`;
  const unknown = (why: string): never => {
    throw new UnknownSignal(new Unknown(`${call}: ${why}`));
  };
  let re;
  try {
    re = compileRe2(globPattern(glob));
  } catch (err) {
    throw new FnError(`${call}: ${(err as Error).message}`, true);
  }
  // Terraform joins and cleans the two, so `..` or an absolute pattern walks elsewhere: not followed.
  if (glob.startsWith('/') || glob.split('/').includes('..')) return unknown('a pattern leaving the directory is not followed');
  const base = dir === '' ? '.' : dir;
  const found = await locate(ctx, base);
  if (found.kind === 'outside') return unknown('the directory is outside the scanned directory; not listed');
  if (found.kind === 'private') return unknown('the directory is git or Terraform metadata; not listed');
  if (found.kind === 'unreadable') throw new FnError(`${call}: cannot read the directory (${found.code})`, true);
  // Terraform's glob over a missing directory or a file matches nothing.
  if (found.kind !== 'not-file' || !found.isDir) return [];
  const out: string[] = [];
  let entries = 0;
  const maxDepth = depthOf(glob);
  const walk = async (real: string, rel: string, depth: number): Promise<void> => {
    let list: Dirent[];
    try {
      list = await readdir(real, { withFileTypes: true });
    } catch (err) {
      throw new FnError(`${call}: cannot read a directory (${(err as NodeJS.ErrnoException).code ?? 'error'})`, true);
    }
    for (const e of list) {
      if (++entries > MAX_ENTRIES) throw new FnError(`${call}: more than ${MAX_ENTRIES} entries to walk`, true);
      const name = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (depth + 1 < maxDepth) await walk(path.join(real, e.name), name, depth + 1);
      } else if (e.isFile()) {
        if (re.test(name)) out.push(name);
      } else if (e.isSymbolicLink()) {
        const target = await locate(ctx, `${base}/${name}`);
        if (target.kind === 'file') {
          if (re.test(name)) out.push(name);
        } else if (target.kind === 'outside' || target.kind === 'private') {
          unknown(`${JSON.stringify(name)} is a symbolic link out of the scanned directory or into its metadata; the set is not known`);
        } else if (target.kind === 'not-file' && target.isDir && depth + 1 < maxDepth) {
          unknown(`${JSON.stringify(name)} is a symbolic link to a directory, not followed; the set is not known`);
        }
      }
    }
  };
  await walk(found.real, '', 0);
  return [...new Set(out)].sort(compareStrings);
}
