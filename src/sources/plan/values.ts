import { Unknown, type Value, type ValueObject } from '../../model/value.js';
import { dict, setOwn } from '../../model/dict.js';
import type { Json } from './format.js';

/** A path into a resource's values: attribute names and list indexes. */
export type ValuePath = (string | number)[];

/**
 * Merges known values with `after_unknown` (same shape, `true` where a value is known only after
 * apply): each unknown becomes `unknownAt(path)`, and an attribute for which it gives undefined is
 * left out. Plan JSON omits unknown attributes and writes unknown list elements as null, so the
 * unknown marks decide, not the known side.
 */
export function withUnknowns(
  known: Json | undefined,
  unknown: Json | undefined,
  unknownAt: (path: ValuePath) => Value | undefined,
  path: ValuePath = [],
): Value | undefined {
  if (unknown === true) return unknownAt(path);
  // Nothing unknown below: the planned value as it is (most of a plan; copying it all is most of the loader's garbage).
  if (unknown === null || typeof unknown !== 'object') return known ?? null;
  if (Array.isArray(unknown) || Array.isArray(known)) {
    const k = Array.isArray(known) ? known : [];
    const u = Array.isArray(unknown) ? unknown : [];
    const n = Math.max(k.length, u.length);
    const out: Value[] = [];
    for (let i = 0; i < n; i++) {
      // An element cannot be left out: that would shorten the list.
      out.push(
        withUnknowns(k[i] ?? null, u[i], unknownAt, [...path, i]) ??
          new Unknown(`element ${[...path, i].join('.')} is known only after apply`),
      );
    }
    return out;
  }
  if (isJsonObject(unknown) || isJsonObject(known)) {
    const k = isJsonObject(known) ? known : {};
    const u = isJsonObject(unknown) ? unknown : {};
    const out: ValueObject = dict();
    for (const key of new Set([...Object.keys(k), ...Object.keys(u)])) {
      const marks = Object.hasOwn(u, key) ? u[key] : undefined;
      if (!Object.hasOwn(k, key) && !hasUnknown(marks)) continue; // an empty unknown-marks shape for an absent value
      const v = withUnknowns(Object.hasOwn(k, key) ? k[key] : null, marks, unknownAt, [...path, key]);
      if (v !== undefined) setOwn(out, key, v);
    }
    return out;
  }
  return known ?? null;
}

function isJsonObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasUnknown(u: Json | undefined): boolean {
  if (u === true) return true;
  if (Array.isArray(u)) return u.some(hasUnknown);
  if (isJsonObject(u)) return Object.values(u).some(hasUnknown);
  return false;
}

/**
 * Every string under a sensitive mark (`after_sensitive`, `before_sensitive`, `sensitive_values`:
 * the value's shape with `true` where it is sensitive; a bare `true` marks the whole value).
 */
export function sensitiveStrings(value: Json | undefined, marks: Json | undefined, add: (s: string) => void): void {
  if (marks === true) return allStrings(value, add);
  if (Array.isArray(marks)) {
    if (Array.isArray(value)) marks.forEach((m, i) => sensitiveStrings(value[i], m, add));
    return;
  }
  if (isJsonObject(marks) && isJsonObject(value)) for (const [k, m] of Object.entries(marks)) sensitiveStrings(value[k], m, add);
}

export function allStrings(value: Json | undefined, add: (s: string) => void): void {
  if (typeof value === 'string') {
    if (value !== '') add(value);
  } else if (Array.isArray(value)) value.forEach((v) => allStrings(v, add));
  else if (isJsonObject(value)) Object.values(value).forEach((v) => allStrings(v, add));
}
