/**
 * Terraform's automatic type conversions and comparisons over known values, shared by the
 * evaluator (templates, operators) and the functions.
 */
import { dict, setOwn } from '../../model/dict.js';
import { RefObject, Unknown, isObject, type Value, type ValueObject } from '../../model/value.js';

/**
 * A usage or type error inside a function or operator; becomes an EvalError with this message
 * (prefixed with the function's name unless `qualified` says the message already names the call).
 */
export class FnError extends Error {
  constructor(
    message: string,
    readonly qualified = false,
  ) {
    super(message);
  }
}

/** Thrown where a known value is required but an Unknown was found; the caller returns an Unknown. */
export class UnknownSignal extends Error {
  constructor(readonly value: Unknown | RefObject) {
    super('unknown value');
  }
}

export function typeName(v: Value): string {
  if (v === null) return 'null';
  if (v instanceof Unknown) return 'unknown value';
  if (v instanceof RefObject) return 'resource object';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

/**
 * Terraform computes in decimal with high precision (0.1 + 0.2 == 0.3); binary doubles do not. A
 * fractional result is rounded to 15 significant digits, which removes the binary noise.
 */
export function normalizeNumber(n: number): number {
  return Number.isInteger(n) || !Number.isFinite(n) ? n : Number(n.toPrecision(15));
}

/** Numbers as Terraform prints them: `1`, `1.5`, `1000000000000000000000` (never exponent form). */
export function formatNumber(n: number): string {
  if (Object.is(n, -0)) return '0';
  const s = String(normalizeNumber(n));
  if (!/e/i.test(s)) return s;
  if (Number.isInteger(n)) return BigInt(n).toString();
  return expandExponent(s);
}

/** `1e-25` -> `0.0000000000000000000000001`: Terraform prints numbers in full, every digit kept. */
function expandExponent(s: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/i.exec(s);
  if (!m) return s;
  const [, sign, int, frac = '', exp] = m;
  const digits = `${int}${frac}`;
  const point = int!.length + Number(exp);
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = `${digits}${'0'.repeat(point - digits.length)}`;
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  out = out.replace(/^0+(?=\d)/, '');
  if (out.includes('.')) out = out.replace(/0+$/, '').replace(/\.$/, '');
  return `${sign}${out}`;
}

/** String conversion of a primitive (templates, string arguments); unknowns signal. */
export function toStr(v: Value, what = 'value'): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Unknown || v instanceof RefObject) throw new UnknownSignal(v);
  if (v === null) throw new FnError(`${what} is null`);
  throw new FnError(`${what} must be a string, not a ${typeName(v)}`);
}

const NUMBER_SYNTAX = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

export function toNum(v: Value, what = 'value'): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && NUMBER_SYNTAX.test(v)) return Number(v);
  if (v instanceof Unknown || v instanceof RefObject) throw new UnknownSignal(v);
  if (v === null) throw new FnError(`${what} is null`);
  throw new FnError(`${what} must be a number, not ${typeof v === 'string' ? JSON.stringify(v) : `a ${typeName(v)}`}`);
}

export function toBool(v: Value, what = 'value'): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v instanceof Unknown || v instanceof RefObject) throw new UnknownSignal(v);
  if (v === null) throw new FnError(`${what} is null`);
  throw new FnError(`${what} must be a bool, not ${typeof v === 'string' ? JSON.stringify(v) : `a ${typeName(v)}`}`);
}

/** A list (sets and tuples are lists here). */
export function toList(v: Value, what = 'value'): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Unknown || v instanceof RefObject) throw new UnknownSignal(v);
  if (v === null) throw new FnError(`${what} is null`);
  throw new FnError(`${what} must be a list, not a ${typeName(v)}`);
}

/** A map or object. A RefObject is an object whose attributes are only partly known: it signals. */
export function toObj(v: Value, what = 'value'): ValueObject {
  if (isObject(v)) return v;
  if (v instanceof Unknown || v instanceof RefObject) throw new UnknownSignal(v);
  if (v === null) throw new FnError(`${what} is null`);
  throw new FnError(`${what} must be a map or object, not a ${typeName(v)}`);
}

/** Object keys in Terraform's order (lexicographic), whatever JavaScript's own order is. */
export function sortedKeys(o: ValueObject): string[] {
  return Object.keys(o).sort(compareStrings);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A null-prototype object (see model/dict.ts): `constructor`, `toString`... are only keys. */
export function makeObject(entries: Iterable<readonly [string, Value]>): ValueObject {
  const o: ValueObject = dict();
  for (const [k, v] of entries) setOwn(o, k, v);
  return o;
}

/**
 * Terraform equality: values of different types are unequal (`1 != "1"`). An Unknown decides nothing
 * unless the known parts already differ: the result is then `undefined`.
 */
export function valuesEqual(a: Value, b: Value): boolean | undefined {
  if (a instanceof RefObject || b instanceof RefObject) {
    if (a === null || b === null) return false;
    if (a instanceof RefObject && b instanceof RefObject && a.address === b.address) return true;
    return undefined;
  }
  if (a instanceof Unknown || b instanceof Unknown) return undefined;
  if (a === null || b === null) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return allEqual(a.map((x, i) => valuesEqual(x, b[i]!)));
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const ka = sortedKeys(a);
    const kb = sortedKeys(b);
    if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
    return allEqual(ka.map((k) => valuesEqual(a[k]!, b[k]!)));
  }
  return a === b;
}

function allEqual(results: (boolean | undefined)[]): boolean | undefined {
  if (results.includes(false)) return false;
  return results.includes(undefined) ? undefined : true;
}

/** JSON text of a known value with keys sorted, escaping like Terraform's jsonencode (`<` -> \u003c). */
export function jsonText(v: Value, placeholder?: (u: Unknown | RefObject) => string): string {
  if (v instanceof Unknown || v instanceof RefObject) {
    if (placeholder) return placeholder(v);
    throw new UnknownSignal(v);
  }
  if (v === null) return 'null';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new FnError('cannot encode a non-finite number');
    return formatNumber(v);
  }
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return jsonString(v);
  // (concatenated in loops: every policy document of a configuration goes through here)
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + jsonText(v[i]!, placeholder);
    return `${out}]`;
  }
  const keys = sortedKeys(v);
  let out = '{';
  for (let i = 0; i < keys.length; i++) out += `${i > 0 ? ',' : ''}${jsonString(keys[i]!)}:${jsonText(v[keys[i]!]!, placeholder)}`;
  return `${out}}`;
}

/** Escaped as \uXXXX, as Terraform's jsonencode does (search() ignores the g flag's lastIndex). */
const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

export function jsonString(s: string): string {
  const json = JSON.stringify(s);
  return s.search(HTML_UNSAFE) < 0 ? json : json.replace(HTML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A parsed JSON document (or YAML) as a Value; only plain data is expected. */
export function fromPlain(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return Number(x);
  if (x instanceof Date) return x.toISOString();
  if (Array.isArray(x)) return x.map(fromPlain);
  if (x instanceof Map) return makeObject([...x.entries()].map(([k, v]) => [String(k), fromPlain(v)] as const));
  if (typeof x === 'object') return makeObject(Object.entries(x).map(([k, v]) => [k, fromPlain(v)] as const));
  return String(x);
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** User-perceived characters: Terraform counts and slices strings by grapheme cluster. */
export function graphemes(s: string): string[] {
  return Array.from(segmenter.segment(s), (g) => g.segment);
}

/** A whole number argument (an index, a count, a bit length). */
export function toInt(v: Value, what = 'value'): number {
  const n = toNum(v, what);
  if (!Number.isInteger(n)) throw new FnError(`${what} must be a whole number, not ${formatNumber(n)}`);
  return n;
}
