/**
 * The two kinds of Unknown the evaluator produces, and how they combine.
 *
 * - A pending Unknown is a value Terraform itself would only know after apply (`aws_x.y.id`,
 *   `timestamp()`): it is a value, `try()` returns it.
 * - An `EvalError` is an evaluation failure (undefined name, type error, unsupported function, missing
 *   file): Terraform would have raised an error, so `try()` moves on and `can()` says false.
 *
 * Both are `Unknown`s for everyone else, so rules stay fail-closed either way.
 */
import { RefObject, Unknown, isObject, refsOf, type Value } from '../../model/value.js';

export class EvalError extends Unknown {}

export const isEvalError = (v: unknown): v is EvalError => v instanceof EvalError;

/** An evaluation failure; `from` are the values involved (their refs are kept). */
export function evalError(reason: string, from: readonly Value[] = []): EvalError {
  return new EvalError(reason, { refs: refsOf([...from]) });
}

/** The first evaluation failure anywhere inside a value (a list element, an object attribute...). */
export function findEvalError(v: Value): EvalError | undefined {
  if (v instanceof EvalError) return v;
  if (v instanceof Unknown) return v.structure === undefined ? undefined : findEvalError(v.structure);
  if (Array.isArray(v)) {
    for (const x of v) {
      const e = findEvalError(x);
      if (e) return e;
    }
  } else if (isObject(v)) {
    for (const x of Object.values(v)) {
      const e = findEvalError(x);
      if (e) return e;
    }
  }
  return undefined;
}

/** The Unknown standing for a whole resource object seen through a reference. */
export function refUnknown(ref: RefObject): Unknown {
  return new Unknown(`${ref.address} is known only after apply`, { refs: [ref.address] });
}

/** A top-level Unknown or RefObject as an Unknown; undefined for known values. */
export function asUnknown(v: Value): Unknown | undefined {
  if (v instanceof Unknown) return v;
  if (v instanceof RefObject) return refUnknown(v);
  return undefined;
}

/**
 * An Unknown computed from `inputs`: refs are the union of theirs; it is an evaluation failure when
 * any input holds one (an error stays an error through every operation).
 */
export function derivedUnknown(reason: string, inputs: readonly Value[], opts: { pattern?: string; structure?: Value } = {}): Unknown {
  const all = [...inputs, ...(opts.structure !== undefined ? [opts.structure] : [])];
  const refs = refsOf(all);
  const failure = all.map(findEvalError).find((e) => e !== undefined);
  if (failure) return new EvalError(failure.reason, { refs, ...opts });
  return new Unknown(reason, { refs, ...opts });
}

/** The first Unknown (or resource object) anywhere inside a value, for messages. */
export function firstUnknownDeep(v: Value): Unknown | undefined {
  const top = asUnknown(v);
  if (top) return top;
  const inner = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
  for (const x of inner) {
    const u = firstUnknownDeep(x);
    if (u) return u;
  }
  return undefined;
}
