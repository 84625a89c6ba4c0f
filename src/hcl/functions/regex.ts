/**
 * Regular expressions with Terraform's (Go RE2) syntax, run on JavaScript's engine: the common RE2
 * spellings are translated (leading `(?i)`-style flags, `(?P<name>`, `\A`, `\z`, POSIX classes,
 * `${1}` in replacements). What cannot be translated is an error, never a silent mismatch.
 */
import type { Value } from '../../model/value.js';
import { FnError, makeObject, toStr } from './convert.js';
import { fn, type FunctionTable } from './types.js';

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, RegExp>();

/** Compiles an RE2 pattern; `global` for all-matches use. Throws FnError when it cannot. */
export function compileRegex(pattern: string, global = false): RegExp {
  const key = `${global ? 'g' : ''}:${pattern}`;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  let body = pattern;
  let flags = global ? 'g' : '';
  for (let m = /^\(\?([a-zA-Z]+)\)/.exec(body); m; m = /^\(\?([a-zA-Z]+)\)/.exec(body)) {
    for (const f of m[1]!) {
      if (!'ims'.includes(f)) throw new FnError(`regular expression flag "${f}" is not supported`);
      if (!flags.includes(f)) flags += f;
    }
    body = body.slice(m[0].length);
  }
  if (/\(\?[a-zA-Z-]+[:)]/.test(body)) throw new FnError('inline regular expression flags are only supported at the start');
  body = body
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '(?<![\\s\\S])')
    .replace(/\\z/g, '(?![\\s\\S])')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      if (!cls || neg) throw new FnError(`regular expression class ${m} is not supported`);
      return cls;
    })
    .replace(/\\p([A-Z])/g, '\\p{$1}');
  let re: RegExp;
  try {
    re = new RegExp(body, `${flags}u`);
  } catch {
    try {
      re = new RegExp(body, flags);
    } catch (err) {
      throw new FnError(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
    }
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, re);
  return re;
}

function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`, re.flags.replace('g', '')).exec('')!.length - 1;
}

/** A match as Terraform returns it: the string, the list of captures, or the named captures. */
function matchValue(re: RegExp, m: RegExpExecArray): Value {
  const count = groupCount(re);
  if (count === 0) return m[0];
  const named = m.groups ? Object.keys(m.groups) : [];
  if (named.length > 0) {
    if (named.length !== count) throw new FnError('regular expression mixes named and unnamed groups');
    return makeObject(named.map((n) => [n, m.groups![n] ?? ''] as const));
  }
  return m.slice(1).map((g) => g ?? '');
}

/** Go replacement syntax (`$1`, `${1}`, `${name}`, `$$`) -> JavaScript's. */
function jsReplacement(repl: string): string {
  return repl.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (_m, all: string, braced?: string, bare?: string) => {
    if (all === '$') return '$$';
    const name = braced ?? bare!;
    return /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
  });
}

export function regexReplace(s: string, pattern: string, repl: string): string {
  return s.replace(compileRegex(pattern, true), jsReplacement(repl));
}

export const regexFunctions: FunctionTable = {
  regex: fn(2, 2, ([p, s]) => {
    const re = compileRegex(toStr(p!));
    const m = re.exec(toStr(s!));
    if (!m) throw new FnError('pattern did not match any part of the given string');
    return matchValue(re, m);
  }),
  regexall: fn(2, 2, ([p, s]) => {
    const re = compileRegex(toStr(p!), true);
    return Array.from(toStr(s!).matchAll(re), (m) => matchValue(re, m));
  }),
};
