/**
 * format() and formatlist() with Terraform's verbs (%v %#v %t %d %b %o %x %X %e %E %f %g %G %s %q
 * %%), flags (- + # 0 space), width, precision and `%[n]` argument indexes. An unknown argument
 * makes an Unknown whose pattern has `*` (or the argument's own pattern) in its place.
 */
import { Unknown, type Value } from '../../model/value.js';
import { joinPieces } from '../template.js';
import { FnError, formatNumber, graphemes, jsonText, toBool, toList, toNum, toStr, typeName } from './convert.js';
import { asUnknown } from './unknowns.js';
import { MANY, fn, type FunctionTable } from './types.js';
import { budgetOf, encodedLengthAtLeast, encodingFits, orFail, type EvalBudget } from '../budget.js';

/** Go's fmt refuses a width or precision above this (BADWIDTH, BADPREC); so does format(). */
const MAX_WIDTH = 1_000_000;

interface Spec {
  flags: string;
  width?: number;
  precision?: number;
  verb: string;
}

const SPEC = /%([-+# 0]*)(?:\[(\d+)\])?(\d+)?(?:\.(\d*))?(?:\[(\d+)\])?([a-zA-Z%])/y;

export function format(fmt: string, args: readonly Value[], budget?: EvalBudget): string | Unknown {
  const pieces: (string | Unknown)[] = [];
  // counted as it grows: the string is built only when it fits
  let length = 0;
  const counted = (piece: string | Unknown): string | Unknown => {
    length += typeof piece === 'string' ? piece.length : (piece.pattern?.length ?? 1);
    if (budget && length > budget.limits.string) orFail(budget.string(length, 'format()'), budget);
    return piece;
  };
  let next = 0;
  let used = 0;
  let literal = '';
  for (let i = 0; i < fmt.length;) {
    if (fmt[i] !== '%') {
      literal += fmt[i++];
      continue;
    }
    SPEC.lastIndex = i;
    const m = SPEC.exec(fmt);
    if (!m) throw new FnError(`invalid format directive at offset ${i}`);
    i = SPEC.lastIndex;
    const [, flags = '', idxA, width, precision, idxB, verb] = m;
    if (verb === '%') {
      literal += '%';
      continue;
    }
    const explicit = idxA ?? idxB;
    if (explicit !== undefined) next = Number(explicit) - 1;
    if (next < 0 || next >= args.length) throw new FnError(`not enough arguments for format directive ${m[0]}`);
    const arg = args[next++]!;
    used = Math.max(used, next);
    pieces.push(literal);
    literal = '';
    if (Number(width ?? 0) > MAX_WIDTH || Number(precision || 0) > MAX_WIDTH)
      throw new FnError(`a width or precision above ${MAX_WIDTH} is not supported`);
    const spec: Spec = {
      flags,
      ...(width !== undefined ? { width: Number(width) } : {}),
      ...(precision !== undefined ? { precision: Number(precision || '0') } : {}),
      verb: verb!,
    };
    // %v of a collection writes it as JSON: its length is bounded before it is written
    if (budget && arg !== null && typeof arg === 'object' && !encodingFits(arg, budget.limits.string)) {
      const least = encodedLengthAtLeast(arg, budget.limits.string);
      if (least > budget.limits.string) orFail(budget.string(least, 'format()'), budget);
    }
    pieces.push(counted(asUnknown(arg) ?? formatOne(spec, arg)));
  }
  pieces.push(literal);
  if (used < args.length) throw new FnError(`too many arguments; only ${used} used by the format string`);
  return joinPieces(pieces);
}

function formatOne(spec: Spec, v: Value): string {
  const { flags, verb } = spec;
  let body: string;
  let numeric = false;
  switch (verb) {
    case 'v':
      body = flags.includes('#') || (v !== null && typeof v === 'object') ? jsonText(v) : v === null ? 'null' : toStr(v);
      break;
    case 't':
      body = String(toBool(v, 'argument for %t'));
      break;
    case 's':
      if (v === null) throw new FnError('null value cannot be formatted with %s');
      body = toStr(v, 'argument for %s');
      if (spec.precision !== undefined) body = graphemes(body).slice(0, spec.precision).join('');
      break;
    case 'q':
      if (v === null) throw new FnError('null value cannot be formatted with %q');
      body = JSON.stringify(toStr(v, 'argument for %q'));
      break;
    case 'd':
    case 'b':
    case 'o':
    case 'x':
    case 'X':
      body = formatInteger(spec, toNum(v, `argument for %${verb}`));
      numeric = true;
      break;
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      body = formatFloat(spec, toNum(v, `argument for %${verb}`));
      numeric = true;
      break;
    default:
      throw new FnError(`unsupported format verb %${verb} for a ${typeName(v)}`);
  }
  return pad(spec, body, numeric);
}

function sign(flags: string, negative: boolean): string {
  return negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
}

function formatInteger(spec: Spec, n: number): string {
  if (!Number.isInteger(n)) throw new FnError(`%${spec.verb} needs a whole number, got ${formatNumber(n)}`);
  const base = { d: 10, b: 2, o: 8, x: 16, X: 16 }[spec.verb as 'd']!;
  let digits = BigInt(Math.abs(n)).toString(base);
  if (spec.verb === 'X') digits = digits.toUpperCase();
  if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
  const prefix = spec.flags.includes('#') ? (({ b: '0b', o: '0', x: '0x', X: '0X' } as Record<string, string>)[spec.verb] ?? '') : '';
  return sign(spec.flags, n < 0) + prefix + digits;
}

/** A finite non-negative double as an exact decimal fraction `n / 10^k` (every double is one). */
function exactDecimal(x: number): { n: bigint; k: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) mantissa |= 1n << 52n;
  const exp2 = (biased === 0 ? 1 : biased) - 1075;
  if (exp2 >= 0) return { n: mantissa << BigInt(exp2), k: 0 };
  return { n: mantissa * 5n ** BigInt(-exp2), k: -exp2 };
}

/** n / 10^shift rounded half to even (Go rounds the exact binary value this way). */
function divRound(n: bigint, shift: number): bigint {
  if (shift <= 0) return n * 10n ** BigInt(-shift);
  const d = 10n ** BigInt(shift);
  const q = n / d;
  const twice = (n % d) * 2n;
  return twice > d || (twice === d && q % 2n === 1n) ? q + 1n : q;
}

function fixed(x: number, precision: number): string {
  const { n, k } = exactDecimal(x);
  const digits = divRound(n, k - precision)
    .toString()
    .padStart(precision + 1, '0');
  return precision === 0 ? digits : `${digits.slice(0, -precision)}.${digits.slice(-precision)}`;
}

/** `precision + 1` significant digits and the decimal exponent of the first one. */
function significant(x: number, precision: number): { digits: string; exp: number } {
  if (x === 0) return { digits: '0'.repeat(precision + 1), exp: 0 };
  const { n, k } = exactDecimal(x);
  let exp = n.toString().length - 1 - k;
  let q = divRound(n, k + exp - precision);
  if (q.toString().length > precision + 1) {
    exp += 1;
    q = divRound(n, k + exp - precision);
  }
  return { digits: q.toString(), exp };
}

function exponentForm(digits: string, exp: number): string {
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** %g: %e form when the exponent is < -4 or >= the precision, trailing zeros dropped. */
function general(x: number, precision: number | undefined, keepZeros: boolean): string {
  let digits: string;
  let exp: number;
  if (precision === undefined) {
    // Shortest digits that read back as the same double, as Go's strconv.
    const [m = '0', e = '0'] = x.toExponential().split('e');
    digits = m.replace('.', '');
    exp = Number(e);
  } else {
    ({ digits, exp } = significant(x, Math.max(precision, 1) - 1));
  }
  if (!keepZeros) digits = digits.replace(/(?<=.)0+$/, '');
  const eprec = precision === undefined ? 6 : Math.max(precision, 1);
  if (exp < -4 || exp >= eprec) return exponentForm(digits, exp);
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return frac ? `${whole.slice(0, exp + 1)}.${frac}` : whole.slice(0, exp + 1);
}

function formatFloat(spec: Spec, n: number): string {
  const abs = Math.abs(n);
  const lower = spec.verb.toLowerCase();
  let body: string;
  if (lower === 'f') body = fixed(abs, spec.precision ?? 6);
  else if (lower === 'e') {
    const { digits, exp } = significant(abs, spec.precision ?? 6);
    body = exponentForm(digits, exp);
  } else body = general(abs, spec.precision, spec.flags.includes('#'));
  if (spec.verb === 'E' || spec.verb === 'G') body = body.toUpperCase();
  return sign(spec.flags, n < 0 || Object.is(n, -0)) + body;
}

function pad(spec: Spec, body: string, numeric: boolean): string {
  const width = spec.width ?? 0;
  const len = graphemes(body).length;
  if (len >= width) return body;
  const fill = width - len;
  if (spec.flags.includes('-')) return body + ' '.repeat(fill);
  if (numeric && spec.flags.includes('0')) {
    const signLen = /^[-+ ]/.test(body) ? 1 : 0;
    return body.slice(0, signLen) + '0'.repeat(fill) + body.slice(signLen);
  }
  return ' '.repeat(fill) + body;
}

/** formatlist: list arguments are iterated together (equal lengths), others repeat. */
function formatList(fmt: string, args: readonly Value[], budget: EvalBudget): Value {
  let length: number | undefined;
  for (const a of args) {
    if (asUnknown(a)) continue;
    if (Array.isArray(a)) {
      if (length !== undefined && a.length !== length) throw new FnError('all list arguments must have the same length');
      length = a.length;
    }
  }
  const pending = args.find((a) => asUnknown(a));
  if (pending) toList(pending);
  const rows: Value[] = [];
  for (let i = 0; i < (length ?? 1); i++) {
    const row = format(
      fmt,
      args.map((a) => (Array.isArray(a) ? a[i]! : a)),
      budget,
    );
    // every row may be as long as one string may be: together they are paid for as they come
    orFail(budget.string(typeof row === 'string' ? row.length : 1, 'formatlist()'), budget);
    rows.push(row);
  }
  return rows;
}

// A null argument makes Terraform's format() and formatlist() return null (whatever the verb).
export const formatFunctions: FunctionTable = {
  format: fn(1, MANY, ([f, ...args], ctx) => (args.includes(null) ? null : format(toStr(f!, 'format string'), args, budgetOf(ctx)))),
  formatlist: fn(1, MANY, ([f, ...args], ctx) =>
    args.includes(null) ? null : formatList(toStr(f!, 'format string'), args, budgetOf(ctx)),
  ),
};
