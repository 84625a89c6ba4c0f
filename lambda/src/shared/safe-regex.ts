import { Script, createContext } from 'node:vm';

/**
 * Suppression patterns come from the policies table, i.e. from people; JavaScript's backtracking
 * regex engine can take exponential time on patterns like `(a+)+$`, and an ingestion function
 * that hangs on one is a denial of service on the whole pipeline. Three layers keep a bad
 * pattern from hanging the receiver:
 *  1. at load, patterns are analysed and refused when a repeated group contains a quantifier or an
 *     alternation (the shapes behind exponential backtracking: `(a+)+`, `(a|a)*`, `(\w*x?)+`),
 *     or use backreferences or lookarounds, or are longer than MAX_PATTERN_LENGTH;
 *  2. the text matched is cut to MAX_MATCH_INPUT characters, which bounds the polynomial cases
 *     the analysis admits (`.*a.*b`);
 *  3. each match runs under a time budget (node:vm's timeout interrupts a running regex); a match
 *     that exceeds it counts as "no match", so the alert is not suppressed (fail closed: an alert
 *     is never dropped because a rule misbehaved).
 */

export const MAX_PATTERN_LENGTH = 256;
export const MAX_MATCH_INPUT = 1024;
export const DEFAULT_MATCH_BUDGET_MS = 50;

export class UnsafePatternError extends Error {
  override name = 'UnsafePatternError';
}

interface Frame {
  hasQuantifier: boolean;
  hasAlternation: boolean;
}

/** The quantifier at `i` (if any): its length in characters and whether it allows more than one repetition. */
function quantifierAt(s: string, i: number): { length: number; repeats: boolean } | undefined {
  const c = s[i];
  let length: number;
  let repeats: boolean;
  if (c === '*' || c === '+') {
    length = 1;
    repeats = true;
  } else if (c === '?') {
    length = 1;
    repeats = false;
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(i));
    if (!m) return undefined;
    length = m[0].length;
    const min = Number(m[1]);
    repeats = m[2] === undefined ? min > 1 : m[3] === '' || Number(m[3]) > 1;
  } else {
    return undefined;
  }
  if (s[i + length] === '?') length += 1; // lazy variant
  return { length, repeats };
}

/** Why the pattern is refused, or undefined when it passes the structural checks. */
export function unsafeReason(pattern: string): string | undefined {
  if (pattern.length === 0) return 'empty pattern';
  if (pattern.length > MAX_PATTERN_LENGTH) return `pattern longer than ${MAX_PATTERN_LENGTH} characters`;
  const stack: Frame[] = [{ hasQuantifier: false, hasAlternation: false }];
  const top = (): Frame => stack[stack.length - 1]!;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      if (/[1-9]/.test(n) || (n === 'k' && pattern[i + 2] === '<')) return 'backreferences are not allowed';
      i += 2;
    } else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else if (c === '(') {
      if (/^\(\?(=|!|<=|<!)/.test(pattern.slice(i, i + 4))) return 'lookaround assertions are not allowed';
      stack.push({ hasQuantifier: false, hasAlternation: false });
      i += 1;
      continue;
    } else if (c === ')') {
      if (stack.length === 1) return 'unbalanced parenthesis';
      const group = stack.pop()!;
      const q = quantifierAt(pattern, i + 1);
      if (q?.repeats && (group.hasQuantifier || group.hasAlternation)) {
        return 'nested quantifier: a repeated group contains a quantifier or an alternation (catastrophic backtracking)';
      }
      // What is inside a group is inside its parent too.
      top().hasQuantifier ||= group.hasQuantifier || q !== undefined;
      top().hasAlternation ||= group.hasAlternation;
      i += 1 + (q?.length ?? 0);
      continue;
    } else if (c === '|') {
      top().hasAlternation = true;
      i += 1;
      continue;
    } else {
      i += 1;
    }
    // After an atom (escape, class or literal): a quantifier applies to it.
    const q = quantifierAt(pattern, i);
    if (q) {
      top().hasQuantifier = true;
      i += q.length;
    }
  }
  if (stack.length !== 1) return 'unbalanced parenthesis';
  return undefined;
}

/** Compiles a rule pattern (case-insensitive, Unicode) or throws UnsafePatternError saying why. */
export function compileSafePattern(pattern: string): RegExp {
  const reason = unsafeReason(pattern);
  if (reason) throw new UnsafePatternError(reason);
  try {
    return new RegExp(pattern, 'iu');
  } catch (e) {
    throw new UnsafePatternError(`invalid regular expression: ${(e as Error).message}`);
  }
}

const context = createContext({ re: /$^/, input: '' });
const testScript = new Script('re.test(input)');

/** Tests `re` against the first MAX_MATCH_INPUT characters of `input` within `budgetMs`; 'timeout' when it ran out. */
export function matchWithBudget(re: RegExp, input: string, budgetMs: number = DEFAULT_MATCH_BUDGET_MS): boolean | 'timeout' {
  context.re = new RegExp(re.source, re.flags.replace(/[gy]/g, '')); // no lastIndex state between calls
  context.input = input.slice(0, MAX_MATCH_INPUT);
  try {
    return testScript.runInContext(context, { timeout: budgetMs }) === true;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'timeout';
    throw e;
  } finally {
    context.input = '';
  }
}
