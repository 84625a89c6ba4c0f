/**
 * IAM glob reasoning: `*` matches any run of characters (including `:` and `/`), `?` exactly one.
 *
 * Besides matching one string, policy checks must compare two globs: a policy's `table/ztait-*`
 * against an ARN known only in part (`arn:aws:dynamodb:*:*:table/ztait-audit`). Both questions are
 * decided exactly on the globs' automata:
 *  - overlap: is the product automaton's accepting state reachable (some string matches both)?
 *  - cover: does every string of `specific` reach an accepting state of `general`? A subset
 *    construction on `general` driven by `specific`. It needs one input character only where
 *    `specific` has a wildcard: a character z that no general names. If some string of `specific`
 *    escapes the generals, so does the one with z at every wildcard-read position (only a general's
 *    `*`/`?` can read z, and they would read the original character as well).
 */

type Token = { kind: 'star' } | { kind: 'one' } | { kind: 'lit'; ch: string };

const STAR: Token = { kind: 'star' };
const ONE: Token = { kind: 'one' };

/**
 * A checker asks about the same few hundred patterns (a policy's actions and ARNs, a store's ARN)
 * hundreds of thousands of times: their tokens are kept. Bounded so that hostile input (a policy
 * with millions of distinct patterns) cannot grow it without limit: when full it starts over.
 */
const TOKEN_CACHE_LIMIT = 10_000;
const tokenCache = [new Map<string, readonly Token[]>(), new Map<string, readonly Token[]>()] as const;

/** Tokens of a glob; consecutive `*` collapse to one (same language, fewer states). Shared: never mutate. */
function tokenize(pattern: string, caseInsensitive: boolean): readonly Token[] {
  const cache = tokenCache[caseInsensitive ? 1 : 0];
  const hit = cache.get(pattern);
  if (hit) return hit;
  const out = tokenizeUncached(pattern, caseInsensitive);
  if (cache.size >= TOKEN_CACHE_LIMIT) cache.clear();
  cache.set(pattern, out);
  return out;
}

function tokenizeUncached(pattern: string, caseInsensitive: boolean): Token[] {
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

/** Matches one concrete string (O(n*m) worst case). */
export function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  return tokensMatch(tokenize(pattern, caseInsensitive), Array.from(caseInsensitive ? value.toLowerCase() : value));
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
 * Upper bound on explored (specific state, general state set) pairs, a guard against hostile
 * patterns: real ones (ARNs, actions) need at most a few hundred. Past the bound the answer is "not
 * proven covered", the safe side for a checker (a Deny is then not taken as a guarantee).
 */
const COVER_BUDGET = 50_000;

/** Every string matched by `specific` is matched by at least one of `generals`. */
export function globsCoverUnion(generals: readonly string[], specific: string, caseInsensitive = false): boolean {
  if (generals.length === 0) return false;
  if (!hasWildcard(specific)) return generals.some((g) => globMatch(g, specific, caseInsensitive));
  const gs = generals.map((g) => tokenize(g, caseInsensitive));
  // A general made only of `*` matches everything.
  if (gs.some((g) => g.length === 1 && g[0]!.kind === 'star')) return true;
  const sp = tokenize(specific, caseInsensitive);
  // The same glob (after collapsing `**`) covers itself: spares the search its worst case.
  const key = (ts: readonly Token[]): string => ts.map((t) => (t.kind === 'lit' ? `l${t.ch}` : t.kind)).join('\u0000');
  if (gs.some((g) => key(g) === key(sp))) return true;

  if (!gs.some((g) => g.some((t) => t.kind === 'one'))) return starOnlyCoverUnion(gs, sp);

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
  const accepting = (states: readonly number[]): boolean => states.some((s) => s % stride === gs[Math.floor(s / stride)]!.length);

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
    // Where `specific` reads any character, z (`null`: no general names it) suffices, see the top.
    stack.push([t.kind === 'star' ? j : j + 1, step(states, t.kind === 'lit' ? t.ch : null)]);
  }
  return true;
}

/**
 * Cover when no general has a `?` (nearly every IAM pattern), in linear time. Put one character z
 * that no general contains for every `*` and `?` of `specific`: in a general, only a `*` can read z,
 * and a `*` that reads z reads whatever else stands there, so a general matching that one string
 * matches every string of `specific`; conversely that string is itself one of `specific`'s. Hence
 * the union is covered iff one general matches it.
 */
function starOnlyCoverUnion(gs: readonly (readonly Token[])[], sp: readonly Token[]): boolean {
  const used = new Set(gs.flat().flatMap((t) => (t.kind === 'lit' ? [t.ch] : [])));
  let code = 0;
  while (used.has(String.fromCodePoint(code))) code++;
  const z = String.fromCodePoint(code);
  const witness = sp.map((t) => (t.kind === 'lit' ? t.ch : z));
  return gs.some((g) => tokensMatch(g, witness));
}

/** A glob's tokens against a string's characters: two pointers, backtracking only to the last `*`. */
function tokensMatch(p: readonly Token[], v: readonly string[]): boolean {
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

/** IAM action match (`iam:*Policy*`, `sts:AssumeRole*`, `*`): service and name case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern, action, true);
}

/**
 * Glob overlap read per ARN field. A glob `*` also matches `:`, so `...:*:*:secret:a-*` and
 * `...:*:*:secret:b-??????` overlap as globs (a region `*` swallowing the rest); but the unknown
 * region and account of a real ARN hold no `:`. Both ARNs with all six fields are compared field by
 * field (the resource part as one); anything else falls back to the plain glob answer.
 */
export function arnsOverlap(pattern: string, arn: string): boolean {
  if (!globsOverlap(pattern, arn)) return false;
  if (!pattern.startsWith('arn:') || !arn.startsWith('arn:')) return true;
  const p = pattern.split(':');
  const a = arn.split(':');
  if (p.length < 6 || a.length < 6) return true;
  for (let i = 1; i < 5; i++) if (!globsOverlap(p[i]!, a[i]!)) return false;
  return globsOverlap(p.slice(5).join(':'), a.slice(5).join(':'));
}
