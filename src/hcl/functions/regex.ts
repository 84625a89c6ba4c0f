/**
 * regex(), regexall() and replace()'s `/pattern/` with Terraform's semantics: Go's RE2 syntax
 * (`(?P<name>...)`, `(?i)`, `\A`, `\z`, POSIX classes; no backreferences, no lookaround) and its
 * linear-time matching, through re2js (a port of Go's regexp). JavaScript's own engine backtracks,
 * so a pattern from a pull request could hang the run. Match loops and `$1`/`${name}` expansion
 * follow Go's regexp package, which re2js's Java-style helpers do not.
 */
import { RE2JS, RE2JSException, type Matcher } from 're2js';
import type { Value } from '../../model/value.js';
import { budgetOf, orFail, type EvalBudget } from '../budget.js';
import { FnError, makeObject, toStr } from './convert.js';
import { fn, type FunctionTable } from './types.js';

/**
 * Matching is linear in (program size x input length), not in the input alone: a legal
 * 7,000-instruction program over 30,000 characters takes seconds. Above this product a call is an
 * evaluation error instead (about a second of matching at worst; real patterns are far below).
 */
export const MAX_REGEX_WORK = 30_000_000;

/**
 * Each single search is bounded by the product above, but finding every match searches again from
 * each match, and a pattern like `.*z|a` makes every search scan to the end: quadratic in Go too.
 * So every search is charged to the run's evaluation budget (budget.ts), one step per this many
 * units of (program size x characters it may scan): counted, not timed, so the verdict is the same
 * on a loaded CI runner as on a laptop. The default 10 million steps allow 320 million units in a
 * run, a few seconds of matching at most.
 */
const REGEX_UNITS_PER_STEP = 32;

/** Compiling is linear in the pattern, but slow (~40 ms per KiB): real patterns are far shorter. */
export const MAX_PATTERN_CHARS = 4096;

/** Charges a search of `input` from `from` on; throws the budget's error once it is spent. */
function charge(re: RE2JS, input: string, from: number, budget: EvalBudget): void {
  orFail(budget.step(Math.ceil((re.programSize() * (input.length - from + 1)) / REGEX_UNITS_PER_STEP)), budget);
}

const cache = new Map<string, RE2JS>();

function shown(pattern: string): string {
  return JSON.stringify(pattern.length > 60 ? `${pattern.slice(0, 59)}…` : pattern);
}

/** Compiles a Go RE2 pattern. Throws FnError naming the pattern (not the input) when it cannot. */
export function compileRe2(pattern: string): RE2JS {
  const hit = cache.get(pattern);
  if (hit) return hit;
  if (pattern.length > MAX_PATTERN_CHARS)
    throw new FnError(`regular expression ${shown(pattern)} is longer than ${MAX_PATTERN_CHARS} characters`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    if (!(err instanceof RE2JSException)) throw err;
    throw new FnError(`invalid regular expression ${shown(pattern)}: ${err.message}`);
  }
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, re);
  return re;
}

function checkWork(re: RE2JS, pattern: string, input: string): void {
  if (re.programSize() * Math.max(1, input.length) > MAX_REGEX_WORK) {
    throw new FnError(
      `regular expression ${shown(pattern)} over a ${input.length}-character string is too costly to match (limit: program size x length <= ${MAX_REGEX_WORK})`,
    );
  }
}

/** Width of the character at `i` in UTF-16 units (Go advances one rune, not one byte, here). */
function width(s: string, i: number): number {
  const c = s.codePointAt(i);
  return c !== undefined && c > 0xffff ? 2 : 1;
}

/**
 * Every match as Go's FindAll does it: leftmost-first from each position, and an empty match right
 * after the previous match is dropped. Yields the matcher positioned on each match.
 */
function* allMatches(re: RE2JS, s: string, budget: EvalBudget): Generator<Matcher> {
  const m = re.matcher(s);
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length && (charge(re, s, pos, budget), m.find(pos))) {
    const [start, end] = [m.start(), m.end()];
    let accept = true;
    if (end === pos) {
      if (start === prevEnd) accept = false;
      pos += pos < s.length ? width(s, pos) : 1;
    } else {
      pos = end;
    }
    prevEnd = end;
    if (accept) yield m;
  }
}

/**
 * A match as Terraform returns it: the string, the list of captures, or the object of named ones;
 * a group that took no part in the match is null (Terraform 1.x, go-cty).
 */
function resultShape(re: RE2JS, pattern: string): 'string' | 'list' | 'object' {
  const count = re.groupCount();
  if (count === 0) return 'string';
  // re2js refuses a repeated group name (newer Go accepts it): so every name has one group.
  const named = Object.keys(re.namedGroups()).length;
  if (named === 0) return 'list';
  if (named === count) return 'object';
  throw new FnError(`invalid regular expression ${shown(pattern)}: cannot mix both named and unnamed capture groups`);
}

function matchValue(re: RE2JS, m: Matcher, shape: 'string' | 'list' | 'object'): Value {
  if (shape === 'string') return m.group(0) ?? '';
  if (shape === 'list') return Array.from({ length: re.groupCount() }, (_, i) => m.group(i + 1));
  return makeObject(Object.entries(re.namedGroups()).map(([name, i]) => [name, m.group(i)] as const));
}

function regex(pattern: string, s: string, budget: EvalBudget): Value {
  const re = compileRe2(pattern);
  const shape = resultShape(re, pattern);
  checkWork(re, pattern, s);
  charge(re, s, 0, budget);
  const m = re.matcher(s);
  // test() runs on the DFA (no captures): a string that does not match is rejected fast.
  if (!re.test(s) || !m.find(0)) throw new FnError('pattern did not match any part of the given string');
  return matchValue(re, m, shape);
}

function regexall(pattern: string, s: string, budget: EvalBudget): Value {
  const re = compileRe2(pattern);
  const shape = resultShape(re, pattern);
  checkWork(re, pattern, s);
  charge(re, s, 0, budget);
  if (!re.test(s)) return [];
  return Array.from(allMatches(re, s, budget), (m) => matchValue(re, m, shape));
}

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; an absent group is empty. */
function expand(template: string, re: RE2JS, m: Matcher): string {
  const names = re.namedGroups();
  return template.replace(/\$(?:\$|\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))?/gu, (all, braced?: string, bare?: string) => {
    if (all === '$$') return '$';
    const name = braced ?? bare;
    // Malformed (`$` alone, `${`, `${x`): Go copies the `$` as text.
    if (name === undefined) return '$';
    let index = -1;
    if (/^(0|[1-9]\d{0,7})$/.test(name)) index = Number(name);
    else if (Object.prototype.hasOwnProperty.call(names, name)) index = names[name]!;
    return index >= 0 && index <= re.groupCount() ? (m.group(index) ?? '') : '';
  });
}

/**
 * replace(s, "/re/", repl) as Go's ReplaceAllString. A pattern that matches everywhere multiplies
 * the replacement, so the result is held to the evaluation budget's string limit as it grows.
 */
export function regexReplace(s: string, pattern: string, repl: string, budget: EvalBudget): string {
  const re = compileRe2(pattern);
  checkWork(re, pattern, s);
  charge(re, s, 0, budget);
  if (!re.test(s)) return s;
  const out: string[] = [];
  let length = 0;
  const push = (piece: string): void => {
    length += piece.length;
    if (length > budget.limits.string) orFail(budget.string(length, 'replace()'), budget);
    out.push(piece);
  };
  const m = re.matcher(s);
  let lastEnd = 0;
  let pos = 0;
  while (pos <= s.length && (charge(re, s, pos, budget), m.find(pos))) {
    const [start, end] = [m.start(), m.end()];
    push(s.slice(lastEnd, start));
    // No replacement for an empty match right after the previous match (Go's rule).
    if (end > lastEnd || start === 0) push(expand(repl, re, m));
    lastEnd = end;
    const w = pos < s.length ? width(s, pos) : 1;
    pos = pos + w > end ? pos + w : end;
  }
  push(s.slice(lastEnd));
  return out.join('');
}

export const regexFunctions: FunctionTable = {
  regex: fn(2, 2, ([p, s], ctx) => regex(toStr(p!), toStr(s!), budgetOf(ctx))),
  regexall: fn(2, 2, ([p, s], ctx) => regexall(toStr(p!), toStr(s!), budgetOf(ctx))),
};
