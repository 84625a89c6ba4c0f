/** String functions: case, trimming, slicing, splitting and joining. */
import type { Unknown, Value } from '../../model/value.js';
import { joinPieces } from '../template.js';
import { FnError, graphemes, toInt, toList, toStr } from './convert.js';
import { regexReplace } from './regex.js';
import { asUnknown } from './unknowns.js';
import { MANY, fn, type FunctionTable } from './types.js';
import { budgetOf, orFail, type EvalBudget } from '../budget.js';

/** Go's strings.Title: a letter following a separator (space, ASCII punctuation) is upper-cased. */
function title(s: string): string {
  let prevSeparator = true;
  let out = '';
  for (const ch of s) {
    out += prevSeparator ? ch.toUpperCase() : ch;
    prevSeparator = /^[\p{L}\p{N}_]$/u.test(ch) ? false : ch.charCodeAt(0) < 0x80 || /^\s$/u.test(ch);
  }
  return out;
}

function trimSet(s: string, cutset: string): string {
  const cut = new Set(Array.from(cutset));
  const chars = Array.from(s);
  let start = 0;
  let end = chars.length;
  while (start < end && cut.has(chars[start]!)) start++;
  while (end > start && cut.has(chars[end - 1]!)) end--;
  return chars.slice(start, end).join('');
}

function substr(s: string, offset: number, length: number): string {
  const chars = graphemes(s);
  let from = offset < 0 ? chars.length + offset : offset;
  if (from < 0) from = 0;
  if (from > chars.length) return '';
  const to = length < 0 ? chars.length : Math.min(chars.length, from + length);
  return chars.slice(from, to).join('');
}

/** join(sep, list...): unknown elements make an Unknown with a glob pattern (`a,*,c`). */
function join(sep: string, lists: readonly Value[][], budget: EvalBudget): string | Unknown {
  const pieces: (string | Unknown)[] = [];
  let length = 0;
  lists.flat().forEach((el, i) => {
    if (i > 0) pieces.push(sep);
    const u = asUnknown(el);
    if (u) pieces.push(u);
    else if (el === null) throw new FnError(`element ${i} is null`);
    else pieces.push(toStr(el, `element ${i}`));
    // counted as it grows: the string is built only when it fits
    const last = pieces[pieces.length - 1]!;
    length += (i > 0 ? sep.length : 0) + (typeof last === 'string' ? last.length : (last.pattern?.length ?? 1));
    if (length > budget.limits.string) orFail(budget.string(length, 'join()'), budget);
  });
  return joinPieces(pieces);
}

/** Throws the budget's error unless a string of `n` characters fits. */
function fits(n: number, budget: EvalBudget, what: string): void {
  if (n > budget.limits.string) orFail(budget.string(n, what), budget);
}

/** Occurrences of `needle` (not empty) in `s`. */
function occurrences(s: string, needle: string): number {
  let n = 0;
  for (let i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length)) n++;
  return n;
}

function isRegexLiteral(s: string): boolean {
  return s.length >= 2 && s.startsWith('/') && s.endsWith('/');
}

export const stringFunctions: FunctionTable = {
  lower: fn(1, 1, ([s]) => toStr(s!).toLowerCase()),
  upper: fn(1, 1, ([s]) => toStr(s!).toUpperCase()),
  title: fn(1, 1, ([s]) => title(toStr(s!))),
  trimspace: fn(1, 1, ([s]) => toStr(s!).replace(/^\s+|\s+$/gu, '')),
  trim: fn(2, 2, ([s, cut]) => trimSet(toStr(s!), toStr(cut!))),
  trimprefix: fn(2, 2, ([s, p]) => {
    const str = toStr(s!);
    const prefix = toStr(p!);
    return str.startsWith(prefix) ? str.slice(prefix.length) : str;
  }),
  trimsuffix: fn(2, 2, ([s, p]) => {
    const str = toStr(s!);
    const suffix = toStr(p!);
    return suffix !== '' && str.endsWith(suffix) ? str.slice(0, -suffix.length) : str;
  }),
  chomp: fn(1, 1, ([s]) => toStr(s!).replace(/(?:\r\n|\r|\n)+$/, '')),
  indent: fn(2, 2, ([n, s], ctx) => {
    const str = toStr(s!);
    const spaces = Math.max(0, toInt(n!, 'spaces'));
    fits(str.length + spaces * occurrences(str, '\n'), budgetOf(ctx), 'indent()');
    return str.replace(/\n/g, `\n${' '.repeat(spaces)}`);
  }),
  startswith: fn(2, 2, ([s, p]) => toStr(s!).startsWith(toStr(p!))),
  endswith: fn(2, 2, ([s, p]) => toStr(s!).endsWith(toStr(p!))),
  strcontains: fn(2, 2, ([s, p]) => toStr(s!).includes(toStr(p!))),
  strrev: fn(1, 1, ([s]) => graphemes(toStr(s!)).reverse().join('')),
  substr: fn(3, 3, ([s, o, l]) => substr(toStr(s!), toInt(o!, 'offset'), toInt(l!, 'length'))),
  split: fn(2, 2, ([sep, s]) => {
    const separator = toStr(sep!);
    const str = toStr(s!);
    return separator === '' ? Array.from(str) : str.split(separator);
  }),
  join: fn(2, MANY, ([sep, ...lists], ctx) => {
    const separator = toStr(sep!);
    return join(
      separator,
      lists.map((l, i) => toList(l, `list ${i + 1}`)),
      budgetOf(ctx),
    );
  }),
  replace: fn(3, 3, ([s, search, repl], ctx) => {
    const str = toStr(s!);
    const needle = toStr(search!);
    const replacement = toStr(repl!);
    if (isRegexLiteral(needle)) return regexReplace(str, needle.slice(1, -1), replacement, budgetOf(ctx));
    // the result's length is known before it is built
    const count = needle === '' ? Array.from(str).length + 1 : occurrences(str, needle);
    fits(str.length + count * (replacement.length - needle.length), budgetOf(ctx), 'replace()');
    // Go's strings.Replace: an empty needle matches before every character and at the end.
    if (needle === '')
      return (
        replacement +
        Array.from(str)
          .map((c) => c + replacement)
          .join('')
      );
    return str.split(needle).join(replacement);
  }),
};
