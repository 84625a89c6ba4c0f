/**
 * Root module discovery: `ztait check .` at a repository root finds the root modules below it, as
 * checkov and trivy do, instead of answering "no Terraform files found".
 *
 * A PATH that holds `.tf`/`.tf.json` files itself is a root module, as before: nothing below it is
 * looked at. Otherwise every directory below it with Terraform files is a candidate, and a candidate
 * that another candidate calls as a local module (`source = "./..."` or `"../..."`) is a module, not
 * a root. `.git`, `.terraform`, `.terragrunt-cache` and `node_modules` are never entered, nor what
 * `--skip-path` names.
 *
 * The PATH may come from a pull request: the walk never leaves it. A symlinked directory is not
 * entered (one inside the PATH leads where the walk goes anyway; one out of it must not be read, and
 * link loops end there); a symlinked `.tf` file counts only when its real path lies inside the PATH,
 * and only such files are read for their module calls. The walk is bounded in depth and in
 * directories, with an error that says what to do when a tree is larger.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, posix, resolve, sep } from 'node:path';
import { InputError } from '../model/errors.js';
import { isDirectory, moduleFiles, readTextFile } from '../hcl/files.js';
import { isWithin } from '../hcl/functions/root-files.js';
import { scanHclTop } from '../hcl/locator.js';
import { parseTfJson } from '../hcl/tf-json.js';

/** Directories that hold copies, caches or dependencies, never a root module of the repository. */
export const NEVER_ENTERED = ['.git', '.terraform', '.terragrunt-cache', 'node_modules'];
/** Directory levels below a PATH the walk goes down. */
export const MAX_DISCOVERY_DEPTH = 40;
/** Directories a walk below one PATH may enter. */
export const MAX_DISCOVERY_DIRS = 20_000;

export interface DiscoverOptions {
  /** `--skip-path` globs, matched against directory paths relative to the PATH. */
  skip?: string[];
  maxDepth?: number;
  maxDirs?: number;
}

/** What discovery made of one PATH: the root modules to check, as paths below it. */
export interface Discovered {
  path: string;
  roots: string[];
  /** True when the PATH had no Terraform files of its own and its roots were found below it. */
  discovered: boolean;
}

/**
 * A `--skip-path` glob as a test of a directory's path relative to the PATH (`/`-separated):
 * `*` is any characters within one name, `?` one character, `**` any number of directories. A
 * glob without `/` names a directory at any depth (`test`, `example*`); one with `/` is matched
 * against the whole relative path (`envs/dev`, `**\/examples/*`). A trailing `/` and a leading
 * `./` are ignored.
 */
export function skipMatcher(globs: string[]): (rel: string) => boolean {
  const res = globs.map((g) => {
    const glob = g
      .replace(/\\/g, '/')
      .replace(/^(\.\/)+/, '')
      .replace(/\/+$/, '');
    if (glob === '' || glob === '.') throw new InputError(`--skip-path "${g}" would skip the whole PATH: name directories below it`);
    const anchored = glob.includes('/') ? glob : `**/${glob}`;
    const body = anchored
      .split('/')
      .map((seg) =>
        seg === '**'
          ? '(?:[^/]+/)*'
          : `${seg.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : `\\${c}`))}/`,
      )
      .join('');
    return new RegExp(`^${body}$`);
  });
  return (rel) => res.some((re) => re.test(`${rel}/`));
}

/** The literal local module sources (`./x`, `../x`) of one configuration file's module blocks. */
function localSources(file: string, text: string): string[] {
  const sources: unknown[] = [];
  if (file.endsWith('.json')) {
    let body: Record<string, unknown>;
    try {
      body = parseTfJson(file, text).body;
    } catch {
      return []; // the loader reports the file; a call it cannot read calls nothing here
    }
    for (const bodies of Object.values((body.module ?? {}) as Record<string, unknown>))
      for (const b of Array.isArray(bodies) ? bodies : [bodies]) sources.push((b as Record<string, unknown> | undefined)?.source);
  } else {
    // the locator skips comments, strings and heredocs: a commented-out call calls nothing
    const lines = text.split('\n');
    for (const block of scanHclTop(file, text).blocks) {
      const at = block.type === 'module' ? block.attrs.get('source') : undefined;
      const m = at && /^source\s*=\s*"([^"]*)"/.exec(lines[at.line - 1]?.slice((at.column ?? 1) - 1) ?? '');
      if (m) sources.push(m[1]);
    }
  }
  return sources.filter((s): s is string => typeof s === 'string' && /^\.\.?[/\\]/.test(s));
}

interface Candidate {
  /** Absolute, below the PATH as the user spelt it. */
  dir: string;
  rel: string;
  files: string[];
}

/** Whether a symlink leads to a regular file inside the PATH (not out of it, dangling or a loop). */
async function linksToFileInside(p: string, realRoot: string): Promise<boolean> {
  try {
    const real = await realpath(p);
    return isWithin(realRoot, real) && (await stat(real)).isFile();
  } catch {
    return false;
  }
}

const isConfigFile = (name: string): boolean => !name.startsWith('.') && (name.endsWith('.tf') || name.endsWith('.tf.json'));

/** The root modules of one PATH. Throws InputError when the walk exceeds its bounds or finds no Terraform file. */
export async function discoverRoots(path: string, opts: DiscoverOptions = {}): Promise<Discovered> {
  const abs = resolve(path);
  if (!(await isDirectory(abs))) return { path, roots: [path], discovered: false };
  const own = await moduleFiles(abs);
  if (own.tf.length + own.tfjson.length + own.overrides.length > 0) return { path, roots: [path], discovered: false };
  const realRoot = await realpath(abs);
  const skipped = skipMatcher(opts.skip ?? []);
  const maxDepth = opts.maxDepth ?? MAX_DISCOVERY_DEPTH;
  const maxDirs = opts.maxDirs ?? MAX_DISCOVERY_DIRS;
  const tooLarge = (what: string): InputError =>
    new InputError(
      `${path}: ${what} while looking for root modules: name the root module directories, or leave directories out with --skip-path GLOB`,
    );

  const candidates: Candidate[] = [];
  let entered = 0;
  // breadth first, each directory's entries in name order: the same tree gives the same roots
  let level: { dir: string; rel: string }[] = [{ dir: abs, rel: '' }];
  for (let depth = 1; level.length > 0; depth++) {
    const next: typeof level = [];
    for (const { dir, rel } of level) {
      let entries: Dirent[];
      try {
        entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch {
        continue; // an unreadable directory below the PATH holds nothing ztait could check
      }
      const files: string[] = [];
      for (const e of entries) {
        if (e.isDirectory()) {
          const childRel = rel ? `${rel}/${e.name}` : e.name;
          if (NEVER_ENTERED.includes(e.name) || skipped(childRel)) continue;
          if (depth > maxDepth) throw tooLarge(`directories more than ${maxDepth} levels deep (${childRel})`);
          if (++entered > maxDirs) throw tooLarge(`more than ${maxDirs} directories`);
          next.push({ dir: join(dir, e.name), rel: childRel });
        } else if (isConfigFile(e.name) && (e.isFile() || (e.isSymbolicLink() && (await linksToFileInside(join(dir, e.name), realRoot)))))
          files.push(e.name);
      }
      if (rel && files.length > 0) candidates.push({ dir, rel, files });
    }
    level = next;
  }
  if (candidates.length === 0) {
    throw new InputError(
      `${path}: no Terraform files found (*.tf, *.tf.json) in it or below it (${NEVER_ENTERED.join(', ')} and --skip-path excluded)`,
    );
  }

  // A candidate another one calls is a module. Calls are compared by real path (no directory the
  // walk entered is a link: a candidate's is below the PATH's), so a call through a symlink names
  // the directory it leads to, and a call leaving the PATH names none.
  const real = (c: Candidate): string => join(realRoot, c.rel);
  const called = new Set<string>();
  for (const c of candidates) {
    for (const name of c.files) {
      const read = await readTextFile(join(c.dir, name));
      if (!read.ok) continue; // the loader reports it when it loads the directory
      for (const src of localSources(name, read.text)) {
        const target = await realpath(resolve(c.dir, src.replace(/\\/g, '/'))).catch(() => undefined);
        if (target && target !== real(c) && isWithin(realRoot, target)) called.add(target);
      }
    }
  }
  const roots = candidates.filter((c) => !called.has(real(c)));
  if (roots.length === 0)
    throw new InputError(`${path}: no root module found below it: every directory with Terraform files is called as a module by another`);
  return { path, roots: roots.map((c) => posix.join(path.split(sep).join('/'), c.rel)).sort(), discovered: true };
}
