/**
 * IAM glob reasoning: `*` matches any run of characters (including `:` and `/`), `?` exactly one.
 *
 * Besides matching one string, policy checks must compare two globs: a policy's `table/ztait-*`
 * against an ARN known only in part (`arn:aws:dynamodb:*:*:table/ztait-audit`). Both questions are
 * decided exactly on the globs' automata:
 *  - overlap: is the product automaton's accepting state reachable (some string matches both)?
 *  - cover: does every string of `specific` reach an accepting state of `general`? (a subset
 *    construction on `general` driven by `specific`, over the literal characters of both patterns
 *    plus one symbol standing for every other character, since all such characters behave alike).
 */

type Token = { kind: 'star' } | { kind: 'one' } | { kind: 'lit'; ch: string };

const STAR: Token = { kind: 'star' };
const ONE: Token = { kind: 'one' };

/** Tokens of a glob; consecutive `*` collapse to one (same language, fewer states). */
function tokenize(pattern: string, caseInsensitive: boolean): Token[] {
  const src = caseInsensitive ? pattern.toLowerCase() : pattern;
  const out: Token[] = [];
  for (const ch of src) {
    if (ch === '*') {
      if (out[out.length - 1]?.kind !== 'star') out.push(STAR);
    } else if (ch === '?') out.push(ONE);
    else out.push({ kind: 'lit', ch });
  }
  return out;
}

const hasWildcard = (s: string): boolean => s.includes('*') || s.includes('?');

/** Matches one concrete string: two pointers, backtracking only to the last `*` (O(n*m) worst case). */
export function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const p = tokenize(pattern, caseInsensitive);
  const v = Array.from(caseInsensitive ? value.toLowerCase() : value);
  let i = 0;
  let j = 0;
  let starAt = -1;
  let starMatched = 0;
  while (j < v.length) {
    const t = p[i];
    if (t && t.kind === 'star') {
      starAt = i++;
      starMatched = j;
    } else if (t && (t.kind === 'one' || t.ch === v[j])) {
      i++;
      j++;
    } else if (starAt >= 0) {
      i = starAt + 1;
      j = ++starMatched;
    } else return false;
  }
  while (p[i]?.kind === 'star') i++;
  return i === p.length;
}

/** Can one character be read by both tokens? (`*` and `?` read any character.) */
function compatible(a: Token, b: Token): boolean {
  return a.kind !== 'lit' || b.kind !== 'lit' || a.ch === b.ch;
}

/** Some string matches both globs: reachability in the product of the two automata. */
export function globsOverlap(a: string, b: string, caseInsensitive = false): boolean {
  const ta = tokenize(a, caseInsensitive);
  const tb = tokenize(b, caseInsensitive);
  const width = tb.length + 1;
  const seen = new Set<number>();
  const stack: [number, number][] = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === ta.length && j === tb.length) return true;
    const x = ta[i];
    const y = tb[j];
    // A `*` may read nothing.
    if (x?.kind === 'star') stack.push([i + 1, j]);
    if (y?.kind === 'star') stack.push([i, j + 1]);
    // Both read one common character; a `*` stays where it is.
    if (x && y && compatible(x, y)) stack.push([x.kind === 'star' ? i : i + 1, y.kind === 'star' ? j : j + 1]);
  }
  return false;
}

/** Every string matched by `specific` is matched by `general`. */
export function globCovers(general: string, specific: string, caseInsensitive = false): boolean {
  return globsCoverUnion([general], specific, caseInsensitive);
}

/**
 * Upper bound on explored (specific state, general state set) pairs. Real patterns (ARNs, actions)
 * need a few hundred; past the bound the answer is "not proven covered", the safe side for a
 * checker (a Deny is then not taken as a guarantee).
 */
const COVER_BUDGET = 200_000;

/** Every string matched by `specific` is matched by at least one of `generals`. */
export function globsCoverUnion(generals: readonly string[], specific: string, caseInsensitive = false): boolean {
  if (generals.length === 0) return false;
  if (!hasWildcard(specific)) return generals.some((g) => globMatch(g, specific, caseInsensitive));
  const gs = generals.map((g) => tokenize(g, caseInsensitive));
  // A general made only of `*` matches everything.
  if (gs.some((g) => g.length === 1 && g[0]!.kind === 'star')) return true;
  const sp = tokenize(specific, caseInsensitive);

  // Alphabet: every literal of any pattern, and `null` for "any other character".
  const lits = new Set<string>();
  for (const t of [...gs.flat(), ...sp]) if (t.kind === 'lit') lits.add(t.ch);
  const alphabet: (string | null)[] = [...lits, null];

  // A general state is (pattern g, position); encoded as one number.
  const stride = Math.max(...gs.map((g) => g.length)) + 1;
  const closure = (states: Iterable<number>): number[] => {
    const out = new Set<number>();
    const stack = [...states];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (out.has(s)) continue;
      out.add(s);
      const g = Math.floor(s / stride);
      if (gs[g]![s % stride]?.kind === 'star') stack.push(s + 1);
    }
    return [...out].sort((x, y) => x - y);
  };
  const step = (states: readonly number[], sym: string | null): number[] => {
    const next: number[] = [];
    for (const s of states) {
      const t = gs[Math.floor(s / stride)]![s % stride];
      if (!t) continue;
      if (t.kind === 'star') next.push(s);
      else if (t.kind === 'one' || (sym !== null && t.ch === sym)) next.push(s + 1);
    }
    return closure(next);
  };
  const accepting = (states: readonly number[]): boolean =>
    states.some((s) => s % stride === gs[Math.floor(s / stride)]!.length);

  const start = closure(gs.map((_g, k) => k * stride));
  const seen = new Set<string>();
  const stack: [number, number[]][] = [[0, start]];
  while (stack.length > 0) {
    const [j, states] = stack.pop()!;
    // No general state left: some completion of `specific` is matched by none of them.
    if (states.length === 0) return false;
    const key = `${j}|${states.join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > COVER_BUDGET) return false;
    if (j === sp.length) {
      if (!accepting(states)) return false;
      continue;
    }
    const t = sp[j]!;
    if (t.kind === 'star') stack.push([j + 1, states]);
    const nj = t.kind === 'star' ? j : j + 1;
    const syms = t.kind === 'lit' ? [t.ch] : alphabet;
    for (const sym of syms) stack.push([nj, step(states, sym)]);
  }
  return true;
}

/** IAM action match (`iam:*Policy*`, `sts:AssumeRole*`, `*`): service and name case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern, action, true);
}
