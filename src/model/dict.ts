/**
 * Maps keyed by input. Every key ztait reads from a file, a flag or an API answer may be
 * `__proto__`, `constructor`, `toString`...: on a plain object `o[k] = v` with `__proto__` replaces
 * the prototype, and `o.constructor` or `'toString' in o` answer for keys nobody wrote. A
 * null-prototype object has none of that: every key is an ordinary own property.
 */

/**
 * An empty null-prototype object. Not `Object.create(null)`: V8 makes that a dictionary-mode
 * object, several times slower to fill, read and enumerate (every value of every resource is one);
 * an ordinary object given a null prototype keeps fast properties.
 */
export function dict<T>(): Record<string, T> {
  return Object.setPrototypeOf({}, null) as Record<string, T>;
}

/** `Object.fromEntries`, into a null-prototype object (a later duplicate key wins, as there). */
export function fromEntries<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out = dict<T>();
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** A null-prototype copy of an object's own enumerable properties (`{ ...o }` without a prototype). */
export function toDict<T>(o: Readonly<Record<string, T>> | null | undefined): Record<string, T> {
  return o == null ? dict<T>() : fromEntries(Object.entries(o));
}

/**
 * `o[k] = v` as an own property whatever `k` is: on an object that still has a prototype (a value
 * from JSON.parse), `__proto__` would otherwise replace the prototype instead of setting a key.
 */
export function setOwn<T>(o: Record<string, T>, k: string, v: T): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** True when `k` is an own property of `o`: never a name inherited from Object.prototype. */
export function hasOwn(o: object | null | undefined, k: string): boolean {
  return o != null && Object.hasOwn(o, k);
}

/** `o[k]` when it is an own property of `o`, else undefined. */
export function own<T>(o: Readonly<Record<string, T>> | null | undefined, k: string): T | undefined {
  return o != null && Object.hasOwn(o, k) ? o[k] : undefined;
}
