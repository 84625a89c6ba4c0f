/**
 * Normalized values: what an attribute is on either side once references are turned into the live
 * resources they designate, so that the code's `aws_subnet.private[0].id` (known only after apply)
 * and the account's `subnet-0abc` compare equal. A value of the code may be partly known:
 *  - Glob: a string with `*` for its unknown parts (`arn:aws:iam::*:policy/ztait-boundary`);
 *  - Any: a part of a structure that is not known at all (matches whatever the account has);
 *  - Unk: an attribute not known at all (not compared; the report counts it).
 * Sets (NSet) are unordered multisets: security group rules, subnet ids, policy actions.
 */
import { globMatch } from '../policy/match.js';

/** A live resource a value designates (both sides point at the account's resource). */
export class Ref {
  constructor(
    readonly address: string,
    /** Its id, ARN and name: a Glob of the code matches any of them. */
    readonly ids: readonly string[],
    readonly label: string,
  ) {}
}

export class Glob {
  constructor(readonly pattern: string) {}
}

/** A wholly unknown part inside a structure the code knows otherwise. */
export class Any {
  constructor(readonly reason: string) {}
}

/** A wholly unknown attribute: not compared. */
export class Unk {
  constructor(readonly reason: string) {}
}

export class NSet {
  constructor(readonly items: readonly Norm[]) {}
}

export type Norm = null | boolean | number | string | Ref | Glob | Any | Unk | NSet | Norm[] | NObject;
export interface NObject {
  [key: string]: Norm;
}

export type Cmp = 'same' | 'differs' | 'unknown';

const isPlain = (n: Norm): n is NObject =>
  typeof n === 'object' &&
  n !== null &&
  !Array.isArray(n) &&
  !(n instanceof Ref) &&
  !(n instanceof Glob) &&
  !(n instanceof Any) &&
  !(n instanceof Unk) &&
  !(n instanceof NSet);

/** Whether the value holds a wildcard (it may match several things, so it is matched after exact ones). */
function wild(n: Norm): boolean {
  if (n instanceof Glob || n instanceof Any || n instanceof Unk) return true;
  if (n instanceof NSet) return n.items.some(wild);
  if (Array.isArray(n)) return n.some(wild);
  if (isPlain(n)) return Object.values(n).some(wild);
  return false;
}

/** Whether the value holds a part the code does not know at all. */
export function holdsUnknown(n: Norm): boolean {
  if (n instanceof Unk) return true;
  if (n instanceof NSet) return n.items.some(holdsUnknown);
  if (Array.isArray(n)) return n.some(holdsUnknown);
  if (isPlain(n)) return Object.values(n).some(holdsUnknown);
  return false;
}

/** Compares the code's value (`e`) with the account's (`a`). */
export function compare(e: Norm, a: Norm): Cmp {
  if (e instanceof Unk || a instanceof Unk) return 'unknown';
  if (e instanceof Any) return 'same';
  if (e instanceof Glob) {
    if (typeof a === 'string') return globMatch(e.pattern, a) ? 'same' : 'differs';
    if (a instanceof Ref) return a.ids.some((id) => globMatch(e.pattern, id)) ? 'same' : 'differs';
    if (typeof a === 'number' || typeof a === 'boolean') return globMatch(e.pattern, String(a)) ? 'same' : 'differs';
    return 'differs';
  }
  if (e instanceof Ref) {
    if (a instanceof Ref) return e.address === a.address ? 'same' : 'differs';
    if (typeof a === 'string') return e.ids.includes(a) ? 'same' : 'differs';
    return 'differs';
  }
  if (a instanceof Ref) return typeof e === 'string' && a.ids.includes(e) ? 'same' : 'differs';
  if (e instanceof NSet) {
    if (!(a instanceof NSet)) return 'differs';
    const m = matchSet(e.items, a.items);
    if (m.codeOnly.length === 0 && m.accountOnly.length === 0) return m.unknown ? 'unknown' : 'same';
    return m.codeOnly.some(holdsUnknown) ? 'unknown' : 'differs';
  }
  if (Array.isArray(e)) {
    if (!Array.isArray(a) || a.length !== e.length) return 'differs';
    return combine(e.map((x, i) => compare(x, a[i]!)));
  }
  if (isPlain(e)) {
    if (!isPlain(a)) return 'differs';
    const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])];
    return combine(keys.map((k) => compare(e[k] ?? null, a[k] ?? null)));
  }
  if (a instanceof NSet || Array.isArray(a) || isPlain(a) || a instanceof Glob || a instanceof Any) return 'differs';
  return e === a ? 'same' : 'differs';
}

/** A definite difference wins over what cannot be told. */
function combine(results: Cmp[]): Cmp {
  if (results.includes('differs')) return 'differs';
  return results.includes('unknown') ? 'unknown' : 'same';
}

export interface SetMatch {
  pairs: [Norm, Norm][];
  codeOnly: Norm[];
  accountOnly: Norm[];
  /** Some pair compared as unknown. */
  unknown: boolean;
}

/** Pairs the elements of two multisets: exact elements first, then the code's wildcards. */
export function matchSet(e: readonly Norm[], a: readonly Norm[]): SetMatch {
  const used = new Array<boolean>(a.length).fill(false);
  const out: SetMatch = { pairs: [], codeOnly: [], accountOnly: [], unknown: false };
  const pass = (items: readonly Norm[], accept: (c: Cmp) => boolean): Norm[] => {
    const left: Norm[] = [];
    for (const x of items) {
      let hit = -1;
      for (let j = 0; j < a.length && hit < 0; j++) if (!used[j] && accept(compare(x, a[j]!))) hit = j;
      if (hit < 0) {
        left.push(x);
        continue;
      }
      used[hit] = true;
      out.pairs.push([x, a[hit]!]);
    }
    return left;
  };
  const exact = e.filter((x) => !wild(x));
  const wildcards = e.filter(wild);
  const rest = [...pass(exact, (c) => c === 'same'), ...pass(wildcards, (c) => c === 'same')];
  // what cannot be told apart pairs with what is left
  const undecided = pass(rest, (c) => c === 'unknown');
  if (undecided.length < rest.length) out.unknown = true;
  out.codeOnly = undecided;
  out.accountOnly = a.filter((_, j) => !used[j]);
  return out;
}

/** A short rendering for reports (Refs by their label, sets sorted). */
export function render(n: Norm, max = 200): string {
  const s = show(n);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function show(n: Norm): string {
  if (n === null) return 'null';
  if (typeof n === 'string') return JSON.stringify(n);
  if (typeof n === 'number' || typeof n === 'boolean') return String(n);
  if (n instanceof Ref) return n.label;
  if (n instanceof Glob) return JSON.stringify(n.pattern);
  if (n instanceof Any) return '(known after apply)';
  if (n instanceof Unk) return `(unknown: ${n.reason})`;
  if (n instanceof NSet) return `{${n.items.map(show).sort().join(', ')}}`;
  if (Array.isArray(n)) return `[${n.map(show).join(', ')}]`;
  return `{${Object.keys(n)
    .sort()
    .filter((k) => n[k] !== null)
    .map((k) => `${k}: ${show(n[k]!)}`)
    .join(', ')}}`;
}
