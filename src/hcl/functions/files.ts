/**
 * Filesystem functions, relative to the root module's directory (`ctx.baseDir`, where Terraform
 * runs), which is also the only tree they may read (see root-files.ts). A path outside it is an
 * unknown value whose reason says so (the content, or whether it exists, is never known); a file
 * missing inside it is an evaluation error naming the call, as in Terraform. Reasons and errors
 * quote the path as written, never a host path or the content. templatefile renders with our own
 * template evaluator.
 */
import path from 'node:path';
import { Unknown, type Value } from '../../model/value.js';
import { budgetOf, orFail, runAt, siteNow } from '../budget.js';
import { evaluate, type EvalContext } from '../evaluate.js';
import { HclSyntaxError, parseExpression } from '../parser.js';
import { FnError, UnknownSignal, toObj, toStr } from './convert.js';
import { digest } from './encoding.js';
import { fileset } from './fileset.js';
import { locate, readLocated } from './root-files.js';
import { fn, type FunctionTable } from './types.js';

/** Files larger than this are not read (a verdict never needs them; memory stays bounded). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** `name("path")` for messages, the path shortened (it is input, and may be long). */
function callText(name: string, rel: string): string {
  const shown = rel.length > 120 ? `${rel.slice(0, 119)}…` : rel;
  return `${name}(${JSON.stringify(shown)})`;
}

/** Not read, on purpose: an unknown (not an error, so try() cannot swap in a known fallback). */
function notRead(call: string, why: string): never {
  throw new UnknownSignal(new Unknown(`${call}: ${why}; not read`));
}

const OUTSIDE = 'the file is outside the scanned directory (a CI job can widen that with --root)';
const PRIVATE = 'the file is git or Terraform metadata (.git, .terraform, state), which can hold credentials';

async function readBytes(name: string, ctx: EvalContext, p: Value): Promise<Buffer> {
  const rel = toStr(p, 'path');
  const call = callText(name, rel);
  const found = await locate(ctx, rel);
  switch (found.kind) {
    case 'outside':
      return notRead(call, OUTSIDE);
    case 'private':
      return notRead(call, PRIVATE);
    case 'missing':
      throw new FnError(`${call}: file not found`, true);
    case 'not-file':
      throw new FnError(`${call}: ${found.what}, not a regular file`, true);
    case 'unreadable':
      throw new FnError(`${call}: cannot read the file (${found.code})`, true);
  }
  if (found.size > MAX_FILE_BYTES) throw new FnError(`${call}: file is larger than ${MAX_FILE_BYTES} bytes`, true);
  let bytes: Buffer | undefined;
  try {
    bytes = await readLocated(found, MAX_FILE_BYTES);
  } catch (err) {
    throw new FnError(`${call}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`, true);
  }
  if (!bytes) throw new FnError(`${call}: file is larger than ${MAX_FILE_BYTES} bytes`, true);
  return bytes;
}

/** A file's content becomes a string of `chars` characters: held to the evaluation budget. */
function fits(ctx: EvalContext, chars: number, name: string): void {
  const budget = budgetOf(ctx);
  orFail(budget.string(chars, `${name}()`), budget);
}

async function readText(name: string, ctx: EvalContext, p: Value): Promise<string> {
  const at = siteNow();
  const bytes = await readBytes(name, ctx, p);
  runAt(at, () => fits(ctx, bytes.length, name));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FnError(`${callText(name, toStr(p))}: contents are not valid UTF-8`, true);
  }
}

/** fileexists(): false only for a path inside the root where nothing is; outside is unknown. */
async function fileexists(ctx: EvalContext, p: Value): Promise<boolean> {
  const rel = toStr(p, 'path');
  const found = await locate(ctx, rel);
  switch (found.kind) {
    case 'file':
      return true;
    case 'missing':
      return false;
    case 'outside':
      return notRead(callText('fileexists', rel), OUTSIDE);
    case 'private':
      return notRead(callText('fileexists', rel), PRIVATE);
    case 'not-file':
      throw new FnError(`${callText('fileexists', rel)}: ${found.what}, not a regular file`, true);
    case 'unreadable':
      throw new FnError(`${callText('fileexists', rel)}: cannot read the file (${found.code})`, true);
  }
}

const IN_TEMPLATE = Symbol('inside templatefile');

/** templatefile(path, vars): the file is a template over `vars` only (no other references). */
async function templatefile(ctx: EvalContext, p: Value, vars: Value): Promise<Value> {
  if ((ctx as { [IN_TEMPLATE]?: boolean })[IN_TEMPLATE]) throw new FnError('templatefile() cannot be called from inside a template file');
  const at = siteNow();
  const text = await readText('templatefile', ctx, p);
  const scope = new Map(Object.entries(toObj(vars, 'variables')));
  let expr;
  try {
    expr = await parseExpression(text);
  } catch (err) {
    if (err instanceof HclSyntaxError) {
      throw new FnError(`${callText('templatefile', toStr(p))}: ${err.detail} at line ${err.line}, column ${err.column}`, true);
    }
    throw err;
  }
  const inner: EvalContext & { [IN_TEMPLATE]: boolean } = {
    baseDir: ctx.baseDir,
    ...(ctx.fileRoot !== undefined ? { fileRoot: ctx.fileRoot } : {}),
    resolve: () => Promise.resolve(undefined),
    [IN_TEMPLATE]: true,
  };
  return runAt(at, () => evaluate(expr, inner, scope));
}

function hashOf(name: string, algorithm: string, encoding: 'hex' | 'base64'): FunctionTable[string] {
  return fn(1, 1, async ([p], ctx) => digest(algorithm, await readBytes(name, ctx, p!), encoding));
}

function basename(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  return trimmed === '' ? '/' : path.posix.basename(trimmed);
}

/**
 * abspath(): an absolute path stays (cleaned, as Go does); a relative one would be the runner's
 * working directory, which reports must not reveal and a verdict never needs: unknown.
 */
function abspath(p: string): string {
  if (!path.posix.isAbsolute(p)) return notRead(callText('abspath', p), 'the absolute path depends on the directory Terraform runs in');
  return path.posix.normalize(p).replace(/(.)\/$/, '$1');
}

/**
 * pathexpand(): `~` would be the runner's home directory, which reports must not reveal (and no
 * file function may read there anyway): unknown. Other paths are returned as they are.
 */
function pathexpand(p: string): string {
  if (!p.startsWith('~')) return p;
  if (p.length > 1 && p[1] !== '/') throw new FnError('cannot expand user-specific home dir');
  return notRead(callText('pathexpand', p), 'the home directory of the machine running Terraform is not known');
}

export const fileFunctions: FunctionTable = {
  file: fn(1, 1, ([p], ctx) => readText('file', ctx, p!)),
  fileexists: fn(1, 1, ([p], ctx) => fileexists(ctx, p!)),
  filebase64: fn(1, 1, async ([p], ctx) => {
    const at = siteNow();
    const bytes = await readBytes('filebase64', ctx, p!);
    runAt(at, () => fits(ctx, Math.ceil(bytes.length / 3) * 4, 'filebase64'));
    return bytes.toString('base64');
  }),
  filemd5: hashOf('filemd5', 'md5', 'hex'),
  filesha1: hashOf('filesha1', 'sha1', 'hex'),
  filesha256: hashOf('filesha256', 'sha256', 'hex'),
  filesha512: hashOf('filesha512', 'sha512', 'hex'),
  filebase64sha256: hashOf('filebase64sha256', 'sha256', 'base64'),
  filebase64sha512: hashOf('filebase64sha512', 'sha512', 'base64'),
  templatefile: fn(2, 2, ([p, vars], ctx) => templatefile(ctx, p!, vars!)),
  fileset: fn(2, 2, ([p, pattern], ctx) => fileset(ctx, p!, pattern!)),
  basename: fn(1, 1, ([p]) => basename(toStr(p!))),
  dirname: fn(1, 1, ([p]) => path.posix.dirname(toStr(p!))),
  abspath: fn(1, 1, ([p]) => abspath(toStr(p!))),
  pathexpand: fn(1, 1, ([p]) => pathexpand(toStr(p!))),
};
