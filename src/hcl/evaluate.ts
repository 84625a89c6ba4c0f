/**
 * Evaluates Terraform expressions (ast.ts) into `Value`s with Terraform's semantics.
 *
 * Evaluation never throws: an evaluation problem becomes an `EvalError` (an Unknown with the reason),
 * a value only known after apply stays an Unknown carrying the addresses it depends on, and both
 * propagate through operators and functions (see functions/unknowns.ts).
 */
import { RefObject, Unknown, containsUnknown, isObject, type Value } from '../model/value.js';
import { setOwn } from '../model/dict.js';
import type { Conditional, Expr, For, ObjectCons, ScopeTraversal, Splat, TemplateFor, TraversalStep } from './ast.js';
import { callFunction } from './functions.js';
import {
  FnError,
  UnknownSignal,
  formatNumber,
  makeObject,
  normalizeNumber,
  sortedKeys,
  toBool,
  toNum,
  typeName,
  valuesEqual,
} from './functions/convert.js';
import { EvalError, asUnknown, derivedUnknown, evalError, findEvalError } from './functions/unknowns.js';
import { all, type Maybe } from './maybe.js';
import { HclSyntaxError, parseExpression, parsedExpression } from './parser.js';
import { isTemplateString, joinPieces, unescapeTemplateLiteral } from './template.js';
import { chargeBuilt, currentBudget, elementsOf, later, workOf, type EvalBudget } from './budget.js';

export { EvalError, evalError, isEvalError, findEvalError } from './functions/unknowns.js';

export interface EvalContext {
  /**
   * Resolves the start of a static traversal (`var.x...`, `aws_sg.lambda.id`, `module.m.out`,
   * `data.t.n.json`, `each.key`, `count.index`, `path.module`, `local.y`). Receives the full leading
   * run of name/literal-index segments; returns the value and how many segments it consumed (the
   * evaluator applies the rest), or undefined when the name is unknown.
   */
  resolve(segments: (string | number)[]): Maybe<{ value: Value; consumed: number } | undefined>;
  /**
   * Directory for file()/templatefile()/path-relative functions: the root module's directory, where
   * Terraform runs. File functions read nothing outside it (functions/root-files.ts), unless
   * `fileRoot` names a wider tree.
   */
  baseDir: string;
  /** The tree file functions may read, when `check --root` widens it beyond baseDir. */
  fileRoot?: string;
  /**
   * What this evaluation may still spend (budget.ts). Without one, an evaluation takes the budget
   * of the load it runs in, or a fresh one.
   */
  budget?: EvalBudget;
}

type Scope = ReadonlyMap<string, Value>;

const EMPTY_SCOPE: Scope = new Map();
/** Scope slot of the current splat element: not a name HCL can spell, so it never clashes. */
const SPLAT_ITEM = '\u0000splat';

export function evaluate(expr: Expr, ctx: EvalContext, scope: Scope = EMPTY_SCOPE): Promise<Value> {
  return Promise.resolve(evaluateNow(expr, budgeted(ctx), scope));
}

/** `ctx` with a budget (see EvalContext.budget): itself when it has one. */
function budgeted(ctx: EvalContext): EvalContext {
  if (ctx.budget) return ctx;
  // A derived object rather than a copy: the context may be a class with more than these fields.
  const out = Object.create(ctx) as EvalContext;
  out.budget = currentBudget();
  return out;
}

/** evaluate(), with the value itself when nothing had to be waited for (see maybe.ts). */
function evaluateNow(expr: Expr, ctx: EvalContext, scope: Scope): Maybe<Value> {
  let out: Maybe<Value>;
  try {
    out = ev(expr, ctx, scope);
  } catch (err) {
    return internalError(err);
  }
  return out instanceof Promise ? out.catch(internalError) : out;
}

/** An hcl2json string value: a template is parsed and evaluated, a plain string is returned as is. */
export function evaluateString(src: string, ctx: EvalContext, scope: Scope = EMPTY_SCOPE): Maybe<Value> {
  if (!isTemplateString(src)) return unescapeTemplateLiteral(src);
  ctx = budgeted(ctx);
  const ready = parsedExpression(src);
  if (ready) return evaluateNow(ready, ctx, scope);
  return later(
    parseExpression(src),
    (expr) => evaluateNow(expr, ctx, scope),
    (err: unknown) => {
      const detail = err instanceof HclSyntaxError ? `${err.detail} (line ${err.line}, column ${err.column})` : String(err);
      return evalError(`invalid expression ${JSON.stringify(abbreviate(src))}: ${detail}`);
    },
  );
}

/** An hcl2json body value: strings evaluated, arrays and objects recursed, other JSON kept. */
export function evaluateJson(raw: unknown, ctx: EvalContext, scope: Scope = EMPTY_SCOPE): Maybe<Value> {
  ctx = budgeted(ctx);
  const budget = ctx.budget!;
  // Every node costs a step: plain strings too, so that many instances of a big body are counted.
  if (!budget.step()) return budget.error();
  if (typeof raw === 'string') return evaluateString(raw, ctx, scope);
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number' || typeof raw === 'boolean') return raw;
  if (Array.isArray(raw)) {
    const items: Maybe<Value>[] = [];
    let pending = false;
    for (const x of raw as unknown[]) pending = push(items, evaluateJson(x, ctx, scope)) || pending;
    return pending ? later(Promise.all(items), (xs) => built(xs, budget, 'a list')) : built(items as Value[], budget, 'a list');
  }
  if (typeof raw === 'object') {
    // Keys are templates too: hcl2json writes `(local.k) = v` as `"${(local.k)}": v`.
    const o = raw as Record<string, unknown>;
    const kv: Maybe<Value>[] = [];
    let pending = false;
    for (const k of Object.keys(o)) {
      pending = push(kv, evaluateString(k, ctx, scope)) || pending;
      pending = push(kv, evaluateJson(o[k], ctx, scope)) || pending;
    }
    return pending
      ? later(Promise.all(kv), (xs) => built(objectFrom(xs), budget, 'an object'))
      : built(objectFrom(kv as Value[]), budget, 'an object');
  }
  return evalError(`unexpected ${typeof raw} in configuration`);
}

/** `f(x)` now when `x` is at hand, else once it settles, at the site the evaluation is at now (see later()). */
function andThen<T, U>(x: Maybe<T>, f: (t: T) => Maybe<U>): Maybe<U> {
  return x instanceof Promise ? later(x, f) : f(x);
}

/** Appends `x` to `xs`; true when it is still to be waited for. */
function push(xs: Maybe<Value>[], x: Maybe<Value>): boolean {
  xs.push(x);
  return x instanceof Promise;
}

/** An object from evaluated keys and values, alternating: an unknown key makes the whole object unknown. */
function objectFrom(kv: readonly Value[]): Value {
  const out = makeObject([]);
  for (let i = 0; i < kv.length; i += 2) {
    const key = kv[i]!;
    const u = asUnknown(key);
    if (u) return derivedUnknown(u.reason, kv);
    if (key === null || typeof key === 'object') return evalError(`object key must be a string, not ${typeName(key)}`);
    setOwn(out, typeof key === 'number' ? formatNumber(key) : String(key), kv[i + 1]!);
  }
  return out;
}

function abbreviate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

function internalError(err: unknown): EvalError {
  return evalError(`internal evaluation error: ${err instanceof Error ? err.message : String(err)}`);
}

/** Runs a value computation: FnError -> EvalError, UnknownSignal -> an Unknown derived from `inputs`. */
function guard(inputs: readonly Value[], compute: () => Value): Value {
  try {
    return compute();
  } catch (err) {
    return failed(err, inputs);
  }
}

/** What guard() gives for an exception thrown by a computation on `inputs`. */
function failed(err: unknown, inputs: readonly Value[]): Value {
  if (err instanceof FnError) return evalError(err.message, inputs);
  if (err instanceof UnknownSignal) return derivedUnknown(asUnknown(err.value)!.reason, inputs);
  return internalError(err);
}

// The evaluator runs for every node of every expression of every instance: the usual case, where
// nothing has to be waited for, allocates no closure (a promise continues in a `.then`).

function ev(e: Expr, ctx: EvalContext, scope: Scope): Maybe<Value> {
  const budget = ctx.budget!;
  if (!budget.step()) return budget.error();
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'template': {
      const parts = evAll(e.parts, ctx, scope);
      return parts instanceof Promise ? later(parts, (xs) => renderTemplate(xs, budget)) : renderTemplate(parts, budget);
    }
    case 'templateFor':
      return templateFor(e, ctx, scope);
    case 'traversal':
      return traversal(e, ctx, scope);
    case 'getAttr': {
      const target = ev(e.target, ctx, scope);
      return target instanceof Promise ? later(target, (t) => attrOf(t, e.name, budget)) : attrOf(target, e.name, budget);
    }
    case 'index': {
      const target = ev(e.target, ctx, scope);
      const key = ev(e.key, ctx, scope);
      if (target instanceof Promise || key instanceof Promise) return later(Promise.all([target, key]), ([t, k]) => indexOf(t, k, budget));
      return indexOf(target, key, budget);
    }
    case 'splat':
      return splat(e, ctx, scope);
    case 'splatItem':
      return scope.has(SPLAT_ITEM) ? scope.get(SPLAT_ITEM)! : evalError('splat element outside a splat');
    case 'call':
      return call(e.name, e.args, e.expandLast, ctx, scope);
    case 'tuple': {
      const items = evAll(e.items, ctx, scope);
      return items instanceof Promise ? later(items, (xs) => built(xs, budget, 'a tuple')) : built(items, budget, 'a tuple');
    }
    case 'object':
      return objectCons(e, ctx, scope);
    case 'for':
      return forExpr(e, ctx, scope);
    case 'conditional':
      return conditional(e, ctx, scope);
    case 'unary': {
      const operand = ev(e.operand, ctx, scope);
      return operand instanceof Promise ? later(operand, (v) => unaryOf(e.op, v)) : unaryOf(e.op, operand);
    }
    case 'binary':
      return binary(e.op, e.left, e.right, ctx, scope);
    case 'unsupported':
      return evalError(`unsupported expression: ${e.what}`);
  }
}

/** The values of `exprs`, all started before any is waited for (see maybe.ts `all`). */
function evAll(exprs: readonly Expr[], ctx: EvalContext, scope: Scope): Maybe<Value[]> {
  const out: Maybe<Value>[] = [];
  let pending = false;
  for (const x of exprs) pending = push(out, ev(x, ctx, scope)) || pending;
  return pending ? Promise.all(out) : (out as Value[]);
}

function attrOf(target: Value, name: string, budget: EvalBudget): Value {
  const out = getAttr(target, name);
  return out instanceof Unknown ? walked(out, [target], budget) : out;
}

function indexOf(target: Value, key: Value, budget: EvalBudget): Value {
  const out = index(target, key);
  return out instanceof Unknown ? walked(out, [target, key], budget) : out;
}

function unaryOf(op: string, v: Value): Value {
  try {
    return op === 'not' ? !toBool(v, 'operand of !') : -toNum(v, 'operand of -');
  } catch (err) {
    return failed(err, [v]);
  }
}

/** Template parts -> one string; unknown parts make an Unknown with a glob pattern. */
function renderTemplate(values: readonly Value[], budget: EvalBudget): Value {
  const pieces: (string | Unknown)[] = [];
  let length = 0;
  for (const v of values) {
    const u = asUnknown(v);
    if (u) pieces.push(u);
    else if (v === null) return evalError('template interpolation value is null', values);
    else if (typeof v === 'object') return evalError(`cannot include a ${typeName(v)} in a string template`, values);
    else pieces.push(typeof v === 'number' ? formatNumber(v) : String(v));
    const last = pieces[pieces.length - 1]!;
    length += typeof last === 'string' ? last.length : (last.pattern?.length ?? 1);
  }
  // The length is known before the string is built: a chain of doublings stops here.
  if (!budget.string(length, 'a string template')) return budget.error();
  return joinPieces(pieces);
}

/** A collection just built by `what`: within the collection limit, and the steps of its new parts spent. */
function built(v: Value, budget: EvalBudget, what: string): Value {
  if (v === null || typeof v !== 'object') return v;
  return chargeBuilt(budget, v, what) ? v : budget.error();
}

/** An operation's result; when it is unknown, the steps of walking the inputs (for their references). */
function walked(out: Value, inputs: readonly Value[], budget: EvalBudget): Value {
  if (!(out instanceof Unknown)) return out;
  let work = 0;
  for (const x of inputs) work += workOf(x);
  return budget.step(work) ? out : budget.error();
}

/**
 * A function's or operator's result: a string within the string limit, a collection within the
 * collection limit, the steps of what it built spent; and the steps of walking its inputs when it
 * had to (an unknown result collects the references of every input).
 */
function charged(out: Value, inputs: readonly Value[], budget: EvalBudget, what: string): Value {
  if (walked(out, inputs, budget) !== out) return budget.error();
  return sized(out, budget, what);
}

/** charged() once its inputs are paid for. */
function sized(out: Value, budget: EvalBudget, what: string): Value {
  if (typeof out === 'string') return budget.string(out.length, what) ? out : budget.error();
  return built(out, budget, what);
}

function templateFor(e: TemplateFor, ctx: EvalContext, scope: Scope): Maybe<Value> {
  return andThen(ev(e.collection, ctx, scope), (coll) => {
    const it = iterate(coll, 'template for directive');
    if ('failed' in it) return it.failed;
    // The rendered pieces are counted as they come, so that they stop at the string limit.
    const budget = ctx.budget!;
    let length = 0;
    const piece = (v: Value): Value => {
      length += typeof v === 'string' ? v.length : 1;
      return length <= budget.limits.string || budget.string(length, 'a template for directive') ? v : budget.error();
    };
    const pieces = it.items.map(([k, v]) =>
      budget.exhausted ? budget.error() : andThen(ev(e.body, ctx, bind(scope, e.keyVar, k, e.valVar, v)), piece),
    );
    return andThen(all(pieces), (parts) => renderTemplate(parts, budget));
  });
}

function bind(scope: Scope, keyVar: string | undefined, k: Value, valVar: string, v: Value): Scope {
  const inner = new Map(scope);
  if (keyVar) inner.set(keyVar, k);
  inner.set(valVar, v);
  return inner;
}

/** A collection's [key, value] pairs: lists by index, maps/objects by key in lexicographic order. */
function iterate(coll: Value, what: string): { items: [Value, Value][] } | { failed: Value } {
  const u = asUnknown(coll);
  if (u) return { failed: derivedUnknown(u.reason, [coll]) };
  if (Array.isArray(coll)) return { items: coll.map((v, i) => [i, v]) };
  if (isObject(coll)) return { items: sortedKeys(coll).map((k) => [k, coll[k]!]) };
  return { failed: evalError(`${what} cannot iterate over a ${typeName(coll)}`, [coll]) };
}

function traversal(e: ScopeTraversal, ctx: EvalContext, scope: Scope): Maybe<Value> {
  if (scope.size > 0 && scope.has(e.root)) return applySteps(scope.get(e.root)!, e.steps, 0);
  const segments: (string | number)[] = [e.root];
  for (const s of e.steps) segments.push(s.kind === 'attr' ? s.name : s.key);
  const found = ctx.resolve(segments);
  return found instanceof Promise ? later(found, (f) => resolved(e, segments, f)) : resolved(e, segments, found);
}

/** A traversal once its start is resolved: the steps the resolver did not consume applied. */
function resolved(e: ScopeTraversal, segments: readonly (string | number)[], found: { value: Value; consumed: number } | undefined): Value {
  if (!found) return evalError(`reference to undeclared ${renderTraversal(e.root, e.steps)}`);
  const consumed = Math.min(Math.max(found.consumed, 1), segments.length);
  return applySteps(found.value, e.steps, consumed - 1);
}

function renderTraversal(root: string, steps: readonly TraversalStep[]): string {
  // Name the object, not a deep attribute path: `var.x`, `aws_iam_role.r`, `local.y`.
  const shown = steps.slice(0, 2).map((s) => (s.kind === 'attr' ? `.${s.name}` : `[${JSON.stringify(s.key)}]`));
  return root + shown.join('');
}

/** `steps` from `from` on applied to `v`. */
function applySteps(v: Value, steps: readonly TraversalStep[], from: number): Value {
  for (let i = from; i < steps.length; i++) {
    const s = steps[i]!;
    v = s.kind === 'attr' ? getAttr(v, s.name) : index(v, s.key);
  }
  return v;
}

function getAttr(v: Value, name: string): Value {
  if (v instanceof RefObject) return v.get(name);
  if (v instanceof Unknown) return derivedUnknown(v.reason, [v]);
  if (isObject(v)) {
    if (Object.prototype.hasOwnProperty.call(v, name)) return v[name]!;
    return evalError(`object has no attribute "${name}"`, [v]);
  }
  if (v === null) return evalError(`cannot read attribute "${name}" of null`);
  return evalError(`cannot read attribute "${name}" of a ${typeName(v)}`, [v]);
}

function index(v: Value, key: Value): Value {
  const ku = asUnknown(key);
  if (v instanceof Unknown || ku) return derivedUnknown((asUnknown(v) ?? ku)!.reason, [v, key]);
  if (key === null) return evalError('index key is null', [v]);
  if (v instanceof RefObject) {
    return typeof key === 'string' ? v.get(key) : evalError(`cannot index ${v.address} with a ${typeName(key)}`, [v]);
  }
  if (Array.isArray(v)) {
    try {
      const i = toNum(key, 'list index');
      if (!Number.isInteger(i) || i < 0 || i >= v.length) {
        throw new FnError(`index ${formatNumber(i)} out of range for a list of ${v.length} element(s)`);
      }
      return v[i]!;
    } catch (err) {
      return failed(err, [v, key]);
    }
  }
  if (isObject(v)) {
    if (typeof key === 'object') return evalError(`cannot use a ${typeName(key)} as a map key`, [v, key]);
    const k = typeof key === 'number' ? formatNumber(key) : String(key);
    return Object.prototype.hasOwnProperty.call(v, k) ? v[k]! : evalError(`map has no element "${k}"`, [v]);
  }
  if (v === null) return evalError('cannot index null');
  return evalError(`cannot index a ${typeName(v)}`, [v]);
}

/** `x[*].a`: null -> [], a list maps element-wise, any other value is a one-element list. */
function splat(e: Splat, ctx: EvalContext, scope: Scope): Maybe<Value> {
  return andThen(ev(e.source, ctx, scope), (source) => {
    if (source === null) return [];
    if (source instanceof Unknown) return walked(derivedUnknown(source.reason, [source]), [source], ctx.budget!);
    const items = Array.isArray(source) ? source : [source];
    const results = all(
      items.map((item) => {
        const inner = new Map(scope);
        inner.set(SPLAT_ITEM, item);
        return ev(e.each, ctx, inner);
      }),
    );
    return andThen(results, (list) => built(list, ctx.budget!, 'a splat'));
  });
}

function call(name: string, argExprs: readonly Expr[], expandLast: boolean, ctx: EvalContext, scope: Scope): Maybe<Value> {
  if (name === 'try') return tryFn(argExprs, ctx, scope);
  if (name === 'can') return canFn(argExprs, ctx, scope);
  const args = evAll(argExprs, ctx, scope);
  return args instanceof Promise ? later(args, (xs) => callWith(name, xs, expandLast, ctx)) : callWith(name, args, expandLast, ctx);
}

/** A function applied to its evaluated arguments, its result charged to the budget. */
function callWith(name: string, args: Value[], expandLast: boolean, ctx: EvalContext): Maybe<Value> {
  if (expandLast && args.length > 0) {
    const last = args.pop()!;
    const u = asUnknown(last);
    if (u) return derivedUnknown(u.reason, [...args, last]);
    if (!Array.isArray(last)) return evalError(`${name}(): the argument expanded with ... must be a list`, [last]);
    args.push(...last);
  }
  const budget = ctx.budget!;
  let out: Maybe<Value>;
  try {
    out = callFunction(name, args, ctx);
  } catch (err) {
    out = internalError(err);
  }
  if (out instanceof Promise) return later(out.catch(internalError), (v) => charged(v, args, budget, `${name}()`));
  return charged(out, args, budget, `${name}()`);
}

/** try(): the first argument that evaluates without an evaluation error (a pending Unknown counts). */
function tryFn(argExprs: readonly Expr[], ctx: EvalContext, scope: Scope): Maybe<Value> {
  if (argExprs.length === 0) return evalError('try() needs at least one argument');
  const attempt = (i: number, lastError?: EvalError): Maybe<Value> => {
    if (i >= argExprs.length) return evalError(`no argument of try() succeeded; the last failed with: ${lastError!.reason}`);
    return andThen(ev(argExprs[i]!, ctx, scope), (v) => {
      if (!ctx.budget!.walk(v)) return ctx.budget!.error();
      const failure = findEvalError(v);
      return failure ? attempt(i + 1, failure) : v;
    });
  };
  return attempt(0);
}

/** can(): false on an evaluation error, unknown while the value is not wholly known, else true. */
function canFn(argExprs: readonly Expr[], ctx: EvalContext, scope: Scope): Maybe<Value> {
  if (argExprs.length !== 1) return evalError('can() takes exactly one argument');
  return andThen(ev(argExprs[0]!, ctx, scope), (v) => {
    if (!ctx.budget!.walk(v)) return ctx.budget!.error();
    if (findEvalError(v)) return false;
    if (containsUnknown(v)) return derivedUnknown(asUnknown(v)?.reason ?? 'can() of a value known only after apply', [v]);
    return true;
  });
}

function objectCons(e: ObjectCons, ctx: EvalContext, scope: Scope): Maybe<Value> {
  // keys and values alternating; a value is evaluated once its key is at hand
  const kv: Maybe<Value>[] = [];
  let pending = false;
  for (const en of e.entries) {
    const key = typeof en.key === 'string' ? en.key : ev(en.key, ctx, scope);
    pending = push(kv, key) || pending;
    pending = push(kv, key instanceof Promise ? later(key, () => ev(en.value, ctx, scope)) : ev(en.value, ctx, scope)) || pending;
  }
  const budget = ctx.budget!;
  return pending
    ? later(Promise.all(kv), (xs) => built(objectFrom(xs), budget, 'an object'))
    : built(objectFrom(kv as Value[]), budget, 'an object');
}

interface ForResult {
  cond: Value;
  key: Value;
  value: Value;
}

function forExpr(e: For, ctx: EvalContext, scope: Scope): Maybe<Value> {
  const coll = ev(e.collection, ctx, scope);
  return coll instanceof Promise ? later(coll, (c) => forOver(e, c, ctx, scope)) : forOver(e, coll, ctx, scope);
}

/** A for expression over its evaluated collection. */
function forOver(e: For, coll: Value, ctx: EvalContext, scope: Scope): Maybe<Value> {
  const it = iterate(coll, 'for expression');
  if ('failed' in it) return it.failed;
  // Elements (nested ones included) are counted as they come: the result stops at the limit.
  const budget = ctx.budget!;
  const count = { elements: 0 };
  // Per element: the condition first (a false one skips the element unevaluated), then key and value.
  const results: Maybe<ForResult | undefined>[] = [];
  let pending = false;
  for (const [k, v] of it.items) {
    // an element costs more than its expressions: a scope, a result, a place in the list
    if (!budget.step(ELEMENT_STEPS)) {
      results.push(undefined);
      continue;
    }
    const inner = bind(scope, e.keyVar, k, e.valVar, v);
    const raw = e.cond ? ev(e.cond, ctx, inner) : true;
    const r = raw instanceof Promise ? later(raw, (x) => forElement(e, x, ctx, inner, count)) : forElement(e, raw, ctx, inner, count);
    pending = r instanceof Promise || pending;
    results.push(r);
  }
  return pending
    ? later(Promise.all(results), (rs) => forDone(e, coll, rs, budget))
    : forDone(e, coll, results as (ForResult | undefined)[], budget);
}

/** One element of a for expression once its condition is known: undefined when it is skipped. */
function forElement(e: For, raw: Value, ctx: EvalContext, inner: Scope, count: { elements: number }): Maybe<ForResult | undefined> {
  let cond: Value = raw;
  if (!asUnknown(raw)) {
    try {
      cond = toBool(raw, 'for condition');
    } catch (err) {
      cond = failed(err, [raw]);
    }
  }
  if (cond === false) return undefined;
  const budget = ctx.budget!;
  const key = e.key ? ev(e.key, ctx, inner) : null;
  if (key instanceof Promise)
    return later(key, (k) => andThen(ev(e.value, ctx, inner), (value) => counted({ cond, key: k, value }, count, budget)));
  const value = ev(e.value, ctx, inner);
  return value instanceof Promise
    ? later(value, (v) => counted({ cond, key, value: v }, count, budget))
    : counted({ cond, key, value }, count, budget);
}

/** An element of a for expression, counted with its nested elements: undefined past the collection limit. */
function counted(r: ForResult, count: { elements: number }, budget: EvalBudget): ForResult | undefined {
  count.elements += 1 + elementsOf(r.value);
  return count.elements <= budget.limits.collection || budget.collection(count.elements, 'a for expression') ? r : undefined;
}

/** A for expression's result from its elements, charged to the budget. */
function forDone(e: For, coll: Value, rs: readonly (ForResult | undefined)[], budget: EvalBudget): Value {
  if (budget.exhausted) return budget.error();
  const kept = rs.filter((r): r is ForResult => r !== undefined);
  const out = forResult(e, coll, kept);
  // (an unknown result walks every value involved for its references)
  if (out instanceof Unknown && walked(out, involved(coll, kept), budget) !== out) return budget.error();
  return sized(out, budget, 'a for expression');
}

/** Steps an element of a for expression costs besides its expressions (measured: see budget.ts). */
const ELEMENT_STEPS = 3;

/** The values a for expression's result comes from: the collection, each kept element's condition, key and value. */
function involved(coll: Value, kept: readonly ForResult[]): Value[] {
  const out = [coll];
  for (const r of kept) out.push(r.cond, r.key, r.value);
  return out;
}

function forResult(e: For, coll: Value, kept: ForResult[]): Value {
  for (const r of kept) {
    const pending = asUnknown(r.cond) ?? (e.isObject ? asUnknown(r.key) : undefined);
    if (pending) return derivedUnknown(pending.reason, involved(coll, kept));
  }
  if (!e.isObject) return kept.map((r) => r.value);
  const out = makeObject([]);
  // groups grow in place (copying a group per element would be quadratic), then become values
  const groups = new Map<string, Value[]>();
  for (const r of kept) {
    if (r.key === null || typeof r.key === 'object') {
      return evalError(`for expression key must be a string, not ${typeName(r.key)}`, involved(coll, kept));
    }
    const k = typeof r.key === 'number' ? formatNumber(r.key) : String(r.key);
    const group = groups.get(k);
    if (group) group.push(r.value);
    else if (e.grouped) groups.set(k, [r.value]);
    else if (Object.prototype.hasOwnProperty.call(out, k))
      return evalError(`duplicate key "${k}" in for expression (use ... to group values)`, involved(coll, kept));
    else setOwn(out, k, r.value);
  }
  for (const [k, group] of groups) setOwn(out, k, group);
  return out;
}

function conditional(e: Conditional, ctx: EvalContext, scope: Scope): Maybe<Value> {
  const c = ev(e.cond, ctx, scope);
  return c instanceof Promise ? later(c, (x) => branch(e, x, ctx, scope)) : branch(e, c, ctx, scope);
}

/** A conditional once its condition is evaluated. */
function branch(e: Conditional, c: Value, ctx: EvalContext, scope: Scope): Maybe<Value> {
  const u = asUnknown(c);
  if (u) {
    return andThen(all([ev(e.then, ctx, scope), ev(e.else, ctx, scope)]), ([t, f]) => {
      // comparing the branches walks them
      if (!ctx.budget!.step(workOf(t!) + workOf(f!))) return ctx.budget!.error();
      if (!findEvalError(c) && valuesEqual(t!, f!) === true) return t!;
      return derivedUnknown(`condition is known only after apply (${u.reason})`, [c, t!, f!]);
    });
  }
  let b: Value;
  try {
    b = toBool(c, 'condition');
  } catch (err) {
    return failed(err, [c]);
  }
  return ev(b ? e.then : e.else, ctx, scope);
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => {
    if (b === 0) throw new FnError('division by zero');
    return a / b;
  },
  modulo: (a, b) => {
    if (b === 0) throw new FnError('modulo by zero');
    return a % b;
  },
  lessThan: (a, b) => Number(a < b),
  lessThanOrEqual: (a, b) => Number(a <= b),
  greaterThan: (a, b) => Number(a > b),
  greaterThanOrEqual: (a, b) => Number(a >= b),
};

function binary(op: string, left: Expr, right: Expr, ctx: EvalContext, scope: Scope): Maybe<Value> {
  if (op === 'and' || op === 'or') return logical(op, left, right, ctx, scope);
  const l = ev(left, ctx, scope);
  const r = ev(right, ctx, scope);
  if (l instanceof Promise || r instanceof Promise) return later(Promise.all([l, r]), ([a, b]) => binaryResult(op, a, b, ctx.budget!));
  return binaryResult(op, l, r, ctx.budget!);
}

/** A binary operation on its evaluated operands, charged to the budget. */
function binaryResult(op: string, l: Value, r: Value, budget: EvalBudget): Value {
  // equality walks both operands
  if ((op === 'equal' || op === 'notEqual') && !budget.step(workOf(l) + workOf(r))) return budget.error();
  const out = binaryOf(op, l, r);
  return out instanceof Unknown ? walked(out, [l, r], budget) : out;
}

function binaryOf(op: string, l: Value, r: Value): Value {
  if (op === 'equal' || op === 'notEqual') {
    if (findEvalError(l) || findEvalError(r)) return derivedUnknown('comparison of an invalid value', [l, r]);
    const eq = valuesEqual(l, r);
    if (eq === undefined)
      return derivedUnknown(asUnknown(l)?.reason ?? asUnknown(r)?.reason ?? 'comparison of values known only after apply', [l, r]);
    return op === 'equal' ? eq : !eq;
  }
  const fn = ARITHMETIC[op]!;
  try {
    const out = fn(toNum(l, `left operand of ${op}`), toNum(r, `right operand of ${op}`));
    if (op.startsWith('less') || op.startsWith('greater')) return out === 1;
    if (!Number.isFinite(out)) throw new FnError(`${op} result is not a finite number`);
    return normalizeNumber(out);
  } catch (err) {
    return failed(err, [l, r]);
  }
}

/** `&&` / `||`: a known left operand that decides the result short-circuits, as Terraform does. */
function logical(op: 'and' | 'or', left: Expr, right: Expr, ctx: EvalContext, scope: Scope): Maybe<Value> {
  const decisive = op === 'or';
  return andThen(ev(left, ctx, scope), (l) => {
    const lb = asUnknown(l) ? undefined : guard([l], () => toBool(l, `left operand of ${op === 'and' ? '&&' : '||'}`));
    if (lb !== undefined && typeof lb !== 'boolean') return lb;
    if (lb === decisive) return decisive;
    return andThen(ev(right, ctx, scope), (r) => {
      const rb = asUnknown(r) ? undefined : guard([r], () => toBool(r, `right operand of ${op === 'and' ? '&&' : '||'}`));
      if (rb !== undefined && typeof rb !== 'boolean') return rb;
      if (rb === decisive) return decisive;
      if (lb !== undefined && rb !== undefined) return !decisive;
      return derivedUnknown(asUnknown(l)?.reason ?? asUnknown(r)!.reason, [l, r]);
    });
  });
}
