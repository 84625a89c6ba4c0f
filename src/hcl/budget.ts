/**
 * The evaluation budget: every file ztait evaluates was written by whoever opened the pull request,
 * so the work and memory an evaluation may take are bounded. Four limits:
 *
 * - instances: resource and module instances expanded, in total (count, for_each, module calls);
 * - collection: elements of one list, set or map, nested elements included;
 * - string: characters of one string;
 * - steps: evaluation work in total: expression nodes, plus the size of the values an operation
 *   builds or has to walk (one step per element, per reference of an unknown, per 16 characters).
 *
 * Sizes are checked before a big value is built. The first limit reached ends the evaluation for
 * good (every later step fails at once), and the loader reports it as an input error naming the
 * file and line of the expression being evaluated: every verdict that would pass becomes `error`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { RefObject, Unknown, type Value } from '../model/value.js';
import { FnError } from './functions/convert.js';
import { EvalError } from './functions/unknowns.js';

export const LIMIT_NAMES = ['instances', 'collection', 'string', 'steps'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
export type EvalLimits = Record<LimitName, number>;

/**
 * Sized on the bench tree (bench/gen/tree.mjs: ~10,000 instances; its 1,000-resource version takes
 * 150,000 steps, so about 1.5 million at full size) with a margin of 6x and more, and so that a
 * configuration that spends a whole limit ends within seconds under a 1 GiB heap (measured:
 * test/security/eval-budget.test.ts). Per step, at most about 100 bytes stay allocated.
 */
export const DEFAULT_LIMITS: Readonly<EvalLimits> = Object.freeze({
  instances: 100_000,
  collection: 1_000_000,
  string: 16 * 1024 * 1024,
  steps: 10_000_000,
});

const UNITS: Record<LimitName, string> = {
  instances: 'resource and module instances in total',
  collection: 'elements in one collection, nested elements included',
  string: 'characters in one string',
  steps: 'evaluation steps in total',
};

/** Characters of string that cost one step. */
const CHARS_PER_STEP = 16;

/** Where an expression is: the attribute or block being evaluated. */
export interface Site {
  file: string;
  line?: number;
}

export interface Exhaustion {
  limit: LimitName;
  message: string;
  site?: Site;
}

export class EvalBudget {
  readonly limits: EvalLimits;
  private stepsLeft: number;
  private instancesLeft: number;
  /** The first limit reached; from then on every charge fails. */
  exhausted: Exhaustion | undefined;
  private failure: EvalError | undefined;

  constructor(limits: Partial<EvalLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.stepsLeft = this.limits.steps;
    this.instancesLeft = this.limits.instances;
  }

  /** Steps spent so far (for tests and measurements). */
  get stepsSpent(): number {
    return this.exhausted ? this.limits.steps : this.limits.steps - this.stepsLeft;
  }

  /** Spends `n` steps; false once the budget is spent. */
  step(n = 1): boolean {
    this.stepsLeft -= n;
    if (this.stepsLeft >= 0) return true;
    return this.exceed('steps', 'the evaluation needs more steps');
  }

  /** Spends the steps of walking (or building) `v`. */
  walk(v: Value): boolean {
    return this.step(workOf(v));
  }

  /** Makes room for `n` more instances of `what`. */
  instances(n: number, what: string): boolean {
    if (this.exhausted) return false;
    if (n <= this.instancesLeft) {
      this.instancesLeft -= n;
      return this.step(n);
    }
    const total = this.limits.instances - this.instancesLeft + n;
    return this.exceed('instances', `${what} would make ${total} instances`);
  }

  /** A collection of `n` elements (nested included) about to be built by `what`. */
  collection(n: number, what: string): boolean {
    if (this.exhausted) return false;
    if (n <= this.limits.collection) return true;
    return this.exceed('collection', `${what} would hold ${n} elements`);
  }

  /** A string of `n` characters about to be built by `what`: checked, and its steps spent. */
  string(n: number, what: string): boolean {
    if (this.exhausted) return false;
    if (n > this.limits.string) return this.exceed('string', `${what} would be ${n} characters long`);
    return this.step(Math.ceil(n / CHARS_PER_STEP));
  }

  /** The value every evaluation gives once the budget is spent (an evaluation error). */
  error(): EvalError {
    return (this.failure ??= new EvalError(this.exhausted?.message ?? 'evaluation limit reached'));
  }

  /** Records the first limit reached (with where the evaluation was) and spends everything. */
  private exceed(limit: LimitName, detail: string): false {
    if (!this.exhausted) {
      const site = here;
      // (an instance address may hold a for_each key of any length: the line stays short)
      if (detail.length > 240) detail = `${detail.slice(0, 239)}…`;
      const message = `evaluation limit reached: ${detail}, over the limit of ${this.limits[limit]} ${UNITS[limit]} (raise it with --limit ${limit}=N)`;
      this.exhausted = { limit, message, ...(site ? { site } : {}) };
    }
    this.stepsLeft = -Infinity;
    this.instancesLeft = -Infinity;
    return false;
  }
}

// ---- where the evaluation is -------------------------------------------------------------------
// A plain variable, not an AsyncLocalStorage: one run per attribute made every promise of a load
// carry (and copy) one more store. An evaluation runs synchronously until it has to wait (a file, a
// resource another branch is computing): atSite() covers that part, and the evaluator schedules
// every continuation with later(), which runs it at the site it was scheduled from. An async
// function that goes on evaluating after an `await` takes siteNow() first and resumes with runAt()
// (the loader, the file functions). Elsewhere after an `await` the site is undefined.

let here: Site | undefined;

/** Runs `fn` as the evaluation of the expression at `site` (limits reached inside name it); without a site, where the evaluation already is. */
export function atSite<T>(site: Site | undefined, fn: () => T): T {
  return site === undefined ? fn() : runAt(site, fn);
}

/** Runs `fn` at `site`, even an undefined one (to resume where an evaluation was: see siteNow()). */
export function runAt<T>(site: Site | undefined, fn: () => T): T {
  const outer = here;
  here = site;
  try {
    return fn();
  } finally {
    here = outer;
  }
}

/** Where the evaluation is now: for an async function to resume there after an `await` (runAt()). */
export function siteNow(): Site | undefined {
  return here;
}

/** `p.then(f, onRejected)`, `f` running at the site the evaluation is at now. */
export function later<T, U>(p: Promise<T>, f: (t: T) => U | PromiseLike<U>, onRejected?: (err: unknown) => U | PromiseLike<U>): Promise<U> {
  const site = here;
  return p.then((t) => {
    const outer = here;
    here = site;
    try {
      return f(t);
    } finally {
      here = outer;
    }
  }, onRejected);
}

const budgets = new AsyncLocalStorage<EvalBudget>();

/** Runs `fn` (a whole load) with `budget` as the budget of every evaluation started inside it. */
export function withBudget<T>(budget: EvalBudget, fn: () => T): T {
  return budgets.run(budget, fn);
}

/** The budget of the load this evaluation belongs to, or a fresh one for an evaluation on its own. */
export function currentBudget(): EvalBudget {
  return budgets.getStore() ?? new EvalBudget();
}

// ---- sizes of values ---------------------------------------------------------------------------
// Values share structure (a list of a thousand references to one big list costs a thousand
// pointers), so sizes count what a walk over the value would visit, memoised per object: measuring
// a new value costs its new parts only.

interface Size {
  /** Elements, nested elements included. */
  elements: number;
  /** Steps a walk over the value costs: elements, unknowns' references, characters / 16. */
  work: number;
}

/**
 * Memoised sizes. Most values are small: their size packs into one small integer (elements x 2^20
 * + work), which the map holds without allocating anything; a bigger one keeps a Size.
 */
const SIZES = new WeakMap<object, number | Size>();
const WORK_BITS = 20;
const WORK_MASK = (1 << WORK_BITS) - 1;
/** Elements a packed size holds at most (a small integer is 31 bits). */
const PACKED_ELEMENTS = 1 << (30 - WORK_BITS);
/** Work of the values measured for the first time since the last freshWork() (see there). */
let fresh = 0;
/** Elements of the value measure() last returned the work of. */
let measured = 0;

/** The size of a value (see Size); primitives count their characters only. */
export function sizeOf(v: Value): Size {
  if (v === null || typeof v !== 'object') return { elements: 0, work: primitiveWork(v) };
  const work = measure(v);
  return { elements: measured, work };
}

/**
 * The work of a list, object, Unknown or RefObject, its elements left in `measured`. It runs for
 * every collection an evaluation builds, so it allocates nothing for a small value: no closure, no
 * Size object.
 */
function measure(v: object): number {
  const known = SIZES.get(v);
  if (known !== undefined) {
    if (typeof known === 'number') {
      measured = known >>> WORK_BITS;
      return known & WORK_MASK;
    }
    measured = known.elements;
    return known.work;
  }
  let elements = 0;
  let own = 1;
  let nested = 0;
  if (Array.isArray(v)) {
    // (A value nested deeper than the stack throws a RangeError: evaluate() makes it an error value.)
    const list = v as readonly Value[];
    elements += list.length;
    own += list.length;
    for (let i = 0; i < list.length; i++) {
      const x = list[i]!;
      if (x !== null && typeof x === 'object') {
        nested += measure(x);
        elements += measured;
      } else own += primitiveWork(x);
    }
  } else if (v instanceof Unknown) {
    own += v.refs.length + (v.pattern ? Math.floor(v.pattern.length / CHARS_PER_STEP) : 0);
    const x = v.structure;
    if (x !== null && typeof x === 'object') {
      nested += measure(x);
      elements += measured;
    } else if (x !== undefined) own += primitiveWork(x);
  } else if (!(v instanceof RefObject)) {
    const o = v as Readonly<Record<string, Value>>;
    for (const k in o) {
      elements += 1;
      // a key costs like a string (short ones 1): so work bounds the value's JSON length (encodedLengthAtLeast)
      own += 1 + Math.floor(k.length / CHARS_PER_STEP);
      const x = o[k]!;
      if (x !== null && typeof x === 'object') {
        nested += measure(x);
        elements += measured;
      } else own += primitiveWork(x);
    }
  }
  fresh += own;
  const work = own + nested;
  SIZES.set(v, elements < PACKED_ELEMENTS && work <= WORK_MASK ? (elements << WORK_BITS) | work : { elements, work });
  measured = elements;
  return work;
}

/** Elements of `v`, nested ones included (0 for a string, a number...). */
export function elementsOf(v: Value): number {
  if (v === null || typeof v !== 'object') return 0;
  measure(v);
  return measured;
}

function primitiveWork(v: Value): number {
  return typeof v === 'string' ? 1 + Math.floor(v.length / CHARS_PER_STEP) : 1;
}

/**
 * The work of the parts of `v` never measured before: what building `v` cost, when `v` was just
 * built from values measured already (a list of a thousand references to one list costs a thousand).
 */
export function freshWork(v: Value): number {
  if (v === null || typeof v !== 'object') return primitiveWork(v);
  fresh = 0;
  measure(v);
  return fresh;
}

/**
 * A collection `what` just built (see freshWork): its elements within the collection limit, and
 * the work of its new parts spent. One measurement for both.
 */
export function chargeBuilt(budget: EvalBudget, v: object, what: string): boolean {
  fresh = 0;
  measure(v);
  const work = fresh;
  return budget.collection(measured, what) && budget.step(work);
}

/**
 * Whether the JSON of `v` certainly fits in `max` characters without walking it: what
 * encodedLengthAtLeast counts is at most 20 per step of work (a string or key of length L costs
 * 1 + L/16 steps and counts L + 4 at most), and work is memoised. So jsonencode() of every policy
 * document is not walked twice.
 */
export function encodingFits(v: Value, max: number): boolean {
  return 20 * workOf(v) <= max;
}

/** Steps a walk over `v` costs. */
export function workOf(v: Value): number {
  return v !== null && typeof v === 'object' ? measure(v) : primitiveWork(v);
}

/** Parses `NAME=N` (from `--limit`) into limits; throws an Error whose message names the problem. */
export function parseLimit(spec: string, into: Partial<EvalLimits> = {}): Partial<EvalLimits> {
  const m = /^([a-z]+)=([0-9][0-9_]*)$/.exec(spec.trim());
  const name = m?.[1];
  if (!m || !name || !(LIMIT_NAMES as readonly string[]).includes(name)) {
    throw new Error(`--limit expects NAME=N with NAME one of ${LIMIT_NAMES.join(', ')}`);
  }
  const n = Number(m[2]!.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--limit ${name}: expects a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`);
  return { ...into, [name]: n };
}

/** The budget of an evaluation context (evaluate() gives every context one). */
export function budgetOf(ctx: { budget?: EvalBudget | undefined }): EvalBudget {
  return ctx.budget ?? currentBudget();
}

/** For function implementations: unless `ok`, the budget's error, thrown as the function's error. */
export function orFail(ok: boolean, budget: EvalBudget): void {
  if (!ok) throw new FnError(budget.error().reason, true);
}

/**
 * At least how many characters `v` takes as JSON (strings unescaped, one per number), counting no
 * further than `max`: jsonencode() of a list of a thousand references to one long string is checked
 * before it is written.
 */
export function encodedLengthAtLeast(v: Value, max: number): number {
  let n = 0;
  const stack: Value[] = [v];
  while (stack.length > 0 && n <= max) {
    const x = stack.pop()!;
    if (typeof x === 'string') n += x.length + 2;
    else if (x === null || typeof x !== 'object' || x instanceof Unknown || x instanceof RefObject) n += 1;
    else if (Array.isArray(x)) {
      n += 1 + x.length;
      for (const y of x) stack.push(y);
    } else {
      for (const k in x) {
        n += k.length + 4;
        stack.push(x[k]!);
      }
    }
  }
  return n;
}
