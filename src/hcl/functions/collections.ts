/**
 * Collection and type-conversion functions. Sets are lists here: `toset` sorts (strings
 * lexicographically, numbers numerically) and deduplicates the known elements and keeps unknown
 * elements after them, so references inside a set are never lost.
 */
import { RefObject, Unknown, isObject, type Value, type ValueObject } from '../../model/value.js';
import { setOwn } from '../../model/dict.js';
import {
  FnError,
  UnknownSignal,
  compareStrings,
  graphemes,
  makeObject,
  sortedKeys,
  toBool,
  toInt,
  toList,
  toNum,
  toObj,
  toStr,
  typeName,
  valuesEqual,
} from './convert.js';
import { asUnknown, derivedUnknown } from './unknowns.js';
import { MANY, fn, type FunctionTable } from './types.js';
import { budgetOf, orFail, type EvalBudget } from '../budget.js';

/** Set semantics over a list (see the module comment). */
export function toSet(list: readonly Value[], budget?: EvalBudget): Value[] {
  const known: Value[] = [];
  const pending: Value[] = [];
  // Strings, numbers and booleans are told apart in a hash set; other elements by comparison,
  // which is quadratic: those comparisons are paid for.
  const primitives = new Set<string | number | boolean>();
  for (const el of list) {
    if (asUnknown(el)) {
      if (budget) orFail(budget.step(pending.length), budget);
      if (!pending.includes(el)) pending.push(el);
    } else if (el !== null && typeof el !== 'object') {
      if (!primitives.has(el)) {
        primitives.add(el);
        known.push(el);
      }
    } else {
      if (budget) orFail(budget.step(known.length), budget);
      if (!known.some((k) => valuesEqual(k, el) === true)) known.push(el);
    }
  }
  return [...sortSetElements(known), ...pending];
}

function sortSetElements(els: Value[]): Value[] {
  if (els.every((e) => typeof e === 'number')) return [...els].sort((a, b) => (a as number) - (b as number));
  if (els.every((e) => typeof e === 'boolean')) return [...els].sort((a, b) => Number(a) - Number(b));
  if (els.every((e) => typeof e === 'string' || typeof e === 'number' || typeof e === 'boolean')) {
    // Mixed primitives unify to strings, as Terraform's type conversion does.
    const strings = els.map((e) => toStr(e));
    return [...new Set(strings)].sort(compareStrings);
  }
  return els;
}

/** True / false / undefined (an unknown element might match). */
function includes(list: readonly Value[], v: Value): boolean | undefined {
  let maybe = false;
  for (const el of list) {
    const eq = valuesEqual(el, v);
    if (eq === true) return true;
    if (eq === undefined) maybe = true;
  }
  return maybe ? undefined : false;
}

function requireDecided(result: boolean | undefined, list: readonly Value[]): boolean {
  if (result === undefined) {
    const u = list.map(asUnknown).find((x) => x !== undefined);
    throw new UnknownSignal(u ?? new Unknown('a list element is known only after apply'));
  }
  return result;
}

/** Lists inside lists, recursively, into one list: counted as it grows (nested lists may be shared). */
function flatten(list: readonly Value[], budget: EvalBudget, out: Value[] = []): Value[] {
  for (const el of list) {
    if (el instanceof Unknown || el instanceof RefObject) throw new UnknownSignal(el);
    if (Array.isArray(el)) flatten(el, budget, out);
    else {
      out.push(el);
      if (out.length > budget.limits.collection) orFail(budget.collection(out.length, 'flatten()'), budget);
    }
  }
  orFail(budget.step(list.length), budget);
  return out;
}

/** Throws the budget's error when lists of these lengths together exceed one collection. */
function checkTotal(lengths: readonly number[], budget: EvalBudget, what: string): void {
  orFail(
    budget.collection(
      lengths.reduce((a, b) => a + b, 0),
      what,
    ),
    budget,
  );
}

function length(v: Value): number {
  if (typeof v === 'string') return graphemes(v).length;
  if (Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  if (v instanceof Unknown || v instanceof RefObject) throw new UnknownSignal(v);
  throw new FnError(`cannot take the length of a ${typeName(v)}`);
}

function range(args: readonly Value[], budget: EvalBudget): number[] {
  const nums = args.map((a, i) => toNum(a, `argument ${i + 1}`));
  const [start, limit] = nums.length === 1 ? [0, nums[0]!] : [nums[0]!, nums[1]!];
  const step = nums[2] ?? (start <= limit ? 1 : -1);
  if (step === 0) throw new FnError('step must not be zero');
  // the length is known before anything is built
  const n = Math.ceil((limit - start) / step);
  if (Number.isNaN(n)) throw new FnError('the bounds must be finite numbers');
  if (n > 0) orFail(budget.collection(n, 'range()'), budget);
  const out: number[] = [];
  for (let x = start; step > 0 ? x < limit : x > limit; x += step) out.push(x);
  return out;
}

/** Fold over booleans where one known value decides (`false` for alltrue, `true` for anytrue). */
function boolFold(list: readonly Value[], decisive: boolean): Value {
  const pending: Value[] = [];
  for (const el of list) {
    if (asUnknown(el)) pending.push(el);
    else if (toBool(el, 'element') === decisive) return decisive;
  }
  return pending.length > 0 ? derivedUnknown(asUnknown(pending[0]!)!.reason, pending) : !decisive;
}

/** coalesce: first argument that is neither null nor ""; an unknown before it leaves it open. */
function coalesce(args: readonly Value[]): Value {
  const hasString = args.some((a) => typeof a === 'string');
  for (const a of args) {
    const u = asUnknown(a);
    if (u) throw new UnknownSignal(u);
    if (a === null || a === '') continue;
    return hasString && (typeof a === 'number' || typeof a === 'boolean') ? toStr(a) : a;
  }
  throw new FnError('no non-null, non-empty-string arguments');
}

function lookup(map: Value, key: Value, fallback: Value[]): Value {
  const k = toStr(key, 'key');
  if (map instanceof RefObject) return map.get(k);
  const obj = toObj(map, 'map');
  if (Object.prototype.hasOwnProperty.call(obj, k)) return obj[k]!;
  if (fallback.length > 0) return fallback[0]!;
  throw new FnError(`the given key "${k}" does not exist in the map`);
}

function merge(args: readonly Value[], budget: EvalBudget): ValueObject {
  checkTotal(
    args.map((a) => (isObject(a) ? Object.keys(a).length : 0)),
    budget,
    'merge()',
  );
  const out = makeObject([]);
  args.forEach((a, i) => {
    if (a === null) return;
    const obj = toObj(a, `argument ${i + 1}`);
    for (const k of Object.keys(obj)) setOwn(out, k, obj[k]!);
  });
  return out;
}

function element(list: Value[], idx: Value): Value {
  const i = toInt(idx, 'index');
  if (list.length === 0) throw new FnError('cannot use element() on an empty list');
  if (i < 0) throw new FnError('cannot use element() with a negative index');
  return list[i % list.length]!;
}

function slice(list: Value[], s: Value, e: Value): Value[] {
  const start = toInt(s, 'start index');
  const end = toInt(e, 'end index');
  if (start < 0 || end > list.length || start > end) {
    throw new FnError(`slice bounds [${start}:${end}] out of range for a list of ${list.length}`);
  }
  return list.slice(start, end);
}

function setOperation(budget: EvalBudget, sets: Value[][], keep: (el: Value, others: Value[][]) => boolean | undefined): Value[] {
  const [first = [], ...others] = sets;
  // every element of the first set is looked for in every other: paid for
  const othersSize = others.reduce((n, o) => n + o.length, 0);
  return toSet(
    first.filter((el) => {
      orFail(budget.step(othersSize), budget);
      return requireDecided(keep(el, others), [el, ...others.flat()]);
    }),
    budget,
  );
}

export const collectionFunctions: FunctionTable = {
  length: fn(1, 1, ([v]) => length(v!)),
  contains: fn(2, 2, ([l, v]) => {
    const list = toList(l!, 'list');
    return requireDecided(includes(list, v!), list);
  }),
  index: fn(2, 2, ([l, v]) => {
    const list = toList(l!, 'list');
    for (let i = 0; i < list.length; i++) {
      const eq = valuesEqual(list[i]!, v!);
      if (eq === undefined) requireDecided(undefined, [list[i]!, v!]);
      if (eq) return i;
    }
    throw new FnError('item not found in the list');
  }),
  flatten: fn(1, 1, ([l], ctx) => flatten(toList(l!, 'list'), budgetOf(ctx))),
  distinct: fn(1, 1, ([l], ctx) => {
    const budget = budgetOf(ctx);
    const out: Value[] = [];
    for (const el of toList(l!, 'list')) {
      // a comparison per element kept so far: quadratic, so paid for
      orFail(budget.step(out.length), budget);
      if (!out.some((o) => valuesEqual(o, el) === true)) out.push(el);
    }
    return out;
  }),
  keys: fn(1, 1, ([m]) => sortedKeys(toObj(m!, 'map'))),
  values: fn(1, 1, ([m]) => {
    const obj = toObj(m!, 'map');
    return sortedKeys(obj).map((k) => obj[k]!);
  }),
  element: fn(2, 2, ([l, i]) => element(toList(l!, 'list'), i!)),
  lookup: fn(2, 3, ([m, k, ...d]) => lookup(m!, k!, d)),
  merge: fn(0, MANY, (args, ctx) => merge(args, budgetOf(ctx))),
  concat: fn(0, MANY, (args, ctx) => {
    const lists = args.map((a, i) => toList(a, `argument ${i + 1}`));
    checkTotal(
      lists.map((l) => l.length),
      budgetOf(ctx),
      'concat()',
    );
    return lists.flat();
  }),
  coalesce: fn(1, MANY, (args) => coalesce(args)),
  coalescelist: fn(1, MANY, (args) => {
    for (const [i, a] of args.entries()) {
      const list = toList(a, `argument ${i + 1}`);
      if (list.length > 0) return list;
    }
    throw new FnError('no non-empty list arguments');
  }),
  compact: fn(1, 1, ([l]) => toList(l!, 'list').filter((el) => el !== null && el !== '')),
  zipmap: fn(2, 2, ([k, v]) => {
    const keys = toList(k!, 'keys');
    const values = toList(v!, 'values');
    if (keys.length !== values.length) throw new FnError(`${keys.length} keys but ${values.length} values`);
    return makeObject(keys.map((key, i) => [toStr(key, `key ${i}`), values[i]!] as const));
  }),
  setunion: fn(1, MANY, (args, ctx) => {
    const lists = args.map((a, i) => toList(a, `argument ${i + 1}`));
    checkTotal(
      lists.map((l) => l.length),
      budgetOf(ctx),
      'setunion()',
    );
    return toSet(lists.flat(), budgetOf(ctx));
  }),
  setintersection: fn(1, MANY, (args, ctx) =>
    setOperation(
      budgetOf(ctx),
      args.map((a, i) => toList(a, `argument ${i + 1}`)),
      (el, others) => {
        const found = others.map((o) => includes(o, el));
        return found.includes(false) ? false : found.includes(undefined) ? undefined : true;
      },
    ),
  ),
  setsubtract: fn(2, 2, ([a, b], ctx) =>
    setOperation(budgetOf(ctx), [toList(a!, 'argument 1'), toList(b!, 'argument 2')], (el, [other]) => {
      const found = includes(other!, el);
      return found === undefined ? undefined : !found;
    }),
  ),
  range: fn(1, 3, (args, ctx) => range(args, budgetOf(ctx))),
  slice: fn(3, 3, ([l, s, e]) => slice(toList(l!, 'list'), s!, e!)),
  reverse: fn(1, 1, ([l]) => [...toList(l!, 'list')].reverse()),
  sort: fn(1, 1, ([l]) =>
    toList(l!, 'list')
      .map((el, i) => toStr(el, `element ${i}`))
      .sort(compareStrings),
  ),
  one: fn(1, 1, ([l]) => {
    if (l === null) return null;
    const list = toList(l!, 'list');
    if (list.length > 1) throw new FnError(`must be a list of no more than one element, got ${list.length}`);
    return list[0] ?? null;
  }),
  alltrue: fn(1, 1, ([l]) => boolFold(toList(l!, 'list'), false)),
  anytrue: fn(1, 1, ([l]) => boolFold(toList(l!, 'list'), true)),
  chunklist: fn(2, 2, ([l, n]) => {
    const list = toList(l!, 'list');
    const size = toInt(n!, 'size');
    if (size < 0) throw new FnError('the size must not be negative');
    if (size === 0) return [list];
    const out: Value[] = [];
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
    return out;
  }),
  tolist: fn(1, 1, ([v]) => (v === null ? null : toList(v!, 'value'))),
  toset: fn(1, 1, ([v], ctx) => (v === null ? null : toSet(toList(v!, 'value'), budgetOf(ctx)))),
  tomap: fn(1, 1, ([v]) => (v === null ? null : toObj(v!, 'value'))),
  tostring: fn(1, 1, ([v]) => (v === null ? null : toStr(v!, 'value'))),
  tonumber: fn(1, 1, ([v]) => (v === null ? null : toNum(v!, 'value'))),
  tobool: fn(1, 1, ([v]) => (v === null ? null : toBool(v!, 'value'))),
  sensitive: fn(1, 1, ([v]) => v!),
  nonsensitive: fn(1, 1, ([v]) => v!),
};
