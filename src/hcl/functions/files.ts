/**
 * Filesystem functions, relative to the module directory (`ctx.baseDir`). A file that is not there
 * (a package built later, a path outside the checkout) is an evaluation error naming the call, never
 * a crash; templatefile renders with our own template evaluator.
 */
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Value } from '../../model/value.js';
import { evaluate, type EvalContext } from '../evaluate.js';
import { HclSyntaxError, parseExpression } from '../parser.js';
import { FnError, toObj, toStr } from './convert.js';
import { digest } from './encoding.js';
import { fn, type FunctionTable } from './types.js';

/** Files larger than this are not read (a verdict never needs them; memory stays bounded). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

async function readBytes(name: string, ctx: EvalContext, p: Value): Promise<Buffer> {
  const rel = toStr(p, 'path');
  const full = path.resolve(ctx.baseDir, rel);
  const call = `${name}(${JSON.stringify(rel)})`;
  const info = await stat(full).catch(() => undefined);
  if (!info) throw new FnError(`${call}: file not found (${full})`, true);
  if (!info.isFile()) throw new FnError(`${call}: not a regular file (${full})`, true);
  if (info.size > MAX_FILE_BYTES) throw new FnError(`${call}: file is larger than ${MAX_FILE_BYTES} bytes`, true);
  try {
    return await readFile(full);
  } catch (err) {
    throw new FnError(`${call}: cannot read ${full}: ${(err as Error).message}`, true);
  }
}

async function readText(name: string, ctx: EvalContext, p: Value): Promise<string> {
  const bytes = await readBytes(name, ctx, p);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FnError(`${name}(${JSON.stringify(toStr(p))}): contents are not valid UTF-8`, true);
  }
}

const IN_TEMPLATE = Symbol('inside templatefile');

/** templatefile(path, vars): the file is a template over `vars` only (no other references). */
async function templatefile(ctx: EvalContext, p: Value, vars: Value): Promise<Value> {
  if ((ctx as { [IN_TEMPLATE]?: boolean })[IN_TEMPLATE]) throw new FnError('templatefile() cannot be called from inside a template file');
  const text = await readText('templatefile', ctx, p);
  const scope = new Map(Object.entries(toObj(vars, 'variables')));
  let expr;
  try {
    expr = await parseExpression(text);
  } catch (err) {
    if (err instanceof HclSyntaxError) {
      throw new FnError(`templatefile(${JSON.stringify(toStr(p))}): ${err.detail} at line ${err.line}, column ${err.column}`, true);
    }
    throw err;
  }
  const inner: EvalContext & { [IN_TEMPLATE]: boolean } = {
    baseDir: ctx.baseDir,
    resolve: () => Promise.resolve(undefined),
    [IN_TEMPLATE]: true,
  };
  return evaluate(expr, inner, scope);
}

function hashOf(name: string, algorithm: string, encoding: 'hex' | 'base64'): FunctionTable[string] {
  return fn(1, 1, async ([p], ctx) => digest(algorithm, await readBytes(name, ctx, p!), encoding));
}

function basename(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  return trimmed === '' ? '/' : path.posix.basename(trimmed);
}

export const fileFunctions: FunctionTable = {
  file: fn(1, 1, ([p], ctx) => readText('file', ctx, p!)),
  fileexists: fn(1, 1, async ([p], ctx) => {
    const info = await stat(path.resolve(ctx.baseDir, toStr(p!, 'path'))).catch(() => undefined);
    if (info && !info.isFile()) throw new FnError(`${toStr(p!)} is not a regular file`);
    return info !== undefined;
  }),
  filebase64: fn(1, 1, async ([p], ctx) => (await readBytes('filebase64', ctx, p!)).toString('base64')),
  filemd5: hashOf('filemd5', 'md5', 'hex'),
  filesha1: hashOf('filesha1', 'sha1', 'hex'),
  filesha256: hashOf('filesha256', 'sha256', 'hex'),
  filesha512: hashOf('filesha512', 'sha512', 'hex'),
  filebase64sha256: hashOf('filebase64sha256', 'sha256', 'base64'),
  filebase64sha512: hashOf('filebase64sha512', 'sha512', 'base64'),
  templatefile: fn(2, 2, ([p, vars], ctx) => templatefile(ctx, p!, vars!)),
  basename: fn(1, 1, ([p]) => basename(toStr(p!))),
  dirname: fn(1, 1, ([p]) => path.posix.dirname(toStr(p!))),
  abspath: fn(1, 1, ([p], ctx) => path.resolve(ctx.baseDir, toStr(p!))),
  pathexpand: fn(1, 1, ([p]) => toStr(p!).replace(/^~(?=$|\/)/, homedir())),
};
