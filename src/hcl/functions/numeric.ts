/** Numeric functions. */
import type { Value } from '../../model/value.js';
import { FnError, toInt, toList, toNum, toStr } from './convert.js';
import { MANY, fn, type FunctionTable } from './types.js';

function numbers(args: readonly Value[]): number[] {
  if (args.length === 0) throw new FnError('needs at least one number');
  return args.map((a, i) => toNum(a, `argument ${i + 1}`));
}

function finite(n: number): number {
  if (!Number.isFinite(n)) throw new FnError('result is not a finite number');
  return n;
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** parseint(s, base): digits of `base` only (an optional leading sign), no prefixes. */
function parseInt2(s: string, base: number): number {
  if (base < 2 || base > 36) throw new FnError('base must be a whole number between 2 and 36');
  const m = /^([-+]?)([0-9a-zA-Z]+)$/.exec(s);
  const valid = DIGITS.slice(0, base);
  if (!m || [...m[2]!.toLowerCase()].some((c) => !valid.includes(c))) {
    throw new FnError(`cannot parse ${JSON.stringify(s)} as a base ${base} integer`);
  }
  const n = [...m[2]!.toLowerCase()].reduce((acc, c) => acc * BigInt(base) + BigInt(valid.indexOf(c)), 0n);
  return Number(m[1] === '-' ? -n : n);
}

export const numericFunctions: FunctionTable = {
  abs: fn(1, 1, ([n]) => Math.abs(toNum(n!))),
  ceil: fn(1, 1, ([n]) => Math.ceil(toNum(n!))),
  floor: fn(1, 1, ([n]) => Math.floor(toNum(n!))),
  signum: fn(1, 1, ([n]) => Math.sign(toNum(n!)) || 0),
  min: fn(1, MANY, (args) => Math.min(...numbers(args))),
  max: fn(1, MANY, (args) => Math.max(...numbers(args))),
  pow: fn(2, 2, ([a, b]) => finite(toNum(a!) ** toNum(b!))),
  log: fn(2, 2, ([a, b]) => finite(Math.log(toNum(a!)) / Math.log(toNum(b!)))),
  parseint: fn(2, 2, ([s, b]) => parseInt2(toStr(s!), toInt(b!, 'base'))),
  sum: fn(1, 1, ([l]) => {
    const list = toList(l!, 'list');
    if (list.length === 0) throw new FnError('cannot sum an empty list');
    return finite(list.reduce<number>((acc, el, i) => acc + toNum(el, `element ${i}`), 0));
  }),
};
