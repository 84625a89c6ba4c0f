/**
 * Values that are usually at hand but sometimes must be waited for. The evaluator works on these
 * instead of promises throughout: a configuration of 10,000 resources made 1.9 million promises
 * when every expression node was async, most of them for values already known.
 *
 * Siblings are still all started before any is waited for (see `all`), so evaluation order and the
 * cycle detection of once.ts see the same concurrency as with promises.
 */
export type Maybe<T> = T | Promise<T>;

export function isPromise<T>(x: Maybe<T>): x is Promise<T> {
  return x instanceof Promise;
}

/** `f(x)` now when `x` is at hand, after it settles when it is not. (Not named `then`: a module exporting `then` is itself a thenable.) */
export function andThen<T, U>(x: Maybe<T>, f: (t: T) => Maybe<U>): Maybe<U> {
  return x instanceof Promise ? x.then(f) : f(x);
}

/** All of `xs`: an array now when every one is at hand, else a promise of it. */
export function all<T>(xs: Maybe<T>[]): Maybe<T[]> {
  for (const x of xs) if (x instanceof Promise) return Promise.all(xs);
  return xs as T[];
}
