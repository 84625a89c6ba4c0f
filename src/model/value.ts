/**
 * The value model shared by every source (HCL, plan, live) and every rule.
 *
 * Values are Terraform-shaped: null, bool, number, string, list, object (maps and objects alike),
 * plus two special kinds:
 *  - `Unknown`: a value that cannot be known statically (a resource id, a plan value "known after
 *    apply", an unimplemented function). It keeps what *is* known: the resource addresses it points
 *    at (`refs`), a glob `pattern` for partially known strings (an ARN with `*` for unknown parts), and
 *    for strings that encode a structure (jsonencode of a partly unknown object) that `structure`.
 *  - `RefObject`: a resource instance seen through a reference (`aws_dynamodb_table.audit`): its
 *    known attributes, and an Unknown that remembers the address for every computed one.
 */

export type Value = null | boolean | number | string | Value[] | ValueObject | Unknown | RefObject;
export interface ValueObject {
  [key: string]: Value;
}

export class Unknown {
  readonly refs: readonly string[];
  readonly pattern?: string;
  readonly structure?: Value;
  constructor(
    readonly reason: string,
    opts: { refs?: readonly string[]; pattern?: string; structure?: Value } = {},
  ) {
    this.refs = opts.refs ?? [];
    if (opts.pattern !== undefined) this.pattern = opts.pattern;
    if (opts.structure !== undefined) this.structure = opts.structure;
  }
  toJSON(): unknown {
    return { $unknown: this.reason, refs: this.refs, ...(this.pattern ? { pattern: this.pattern } : {}) };
  }
}

/**
 * A resource instance referenced from an expression. `attrs` holds what the source knows; a computed
 * attribute (`id`, `arn`) read through it becomes an Unknown carrying `address` in `refs`.
 */
export class RefObject {
  constructor(
    readonly address: string,
    readonly type: string,
    readonly attrs: ValueObject,
    /** Computes a partial-ARN glob for the `arn` attribute when the source can (HCL static). */
    readonly arnPattern?: string,
  ) {}
  get(name: string): Value {
    if (Object.prototype.hasOwnProperty.call(this.attrs, name)) {
      const v = this.attrs[name] ?? null;
      // A managed resource's id is computed by AWS: through a reference it is known only after apply
      // (a plan says so too), expected to be what the source computed (a bucket's id is its name),
      // and it designates the resource: two buckets sharing a name are told apart by the id referenced.
      if (name === 'id' && typeof v === 'string' && !/(^|\.)data\./.test(this.address)) {
        return new Unknown(`${this.address}.id is known only after apply`, { refs: [this.address], pattern: v });
      }
      // A partly known attribute read through the reference points at this resource, as the plan's
      // references say (`aws_s3_bucket.x.bucket` -> aws_s3_bucket.x), not at what its value was made
      // of (a variable, `data.aws_caller_identity`): so the reader can tell which resource it names.
      // Documents (a structure) and evaluation failures (a subclass) are kept as they are.
      if (
        v instanceof Unknown &&
        v.constructor === Unknown &&
        v.structure === undefined &&
        !(v.refs.length === 1 && v.refs[0] === this.address)
      ) {
        return new Unknown(v.reason, { refs: [this.address], ...(v.pattern ? { pattern: v.pattern } : {}) });
      }
      return v;
    }
    const pattern = name === 'arn' ? this.arnPattern : undefined;
    return new Unknown(`${this.address}.${name} is known only after apply`, {
      refs: [this.address],
      ...(pattern ? { pattern } : {}),
    });
  }
  toJSON(): unknown {
    return { $ref: this.address };
  }
}

export const isUnknown = (v: unknown): v is Unknown => v instanceof Unknown;
export const isRefObject = (v: unknown): v is RefObject => v instanceof RefObject;
export const isObject = (v: unknown): v is ValueObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown) && !(v instanceof RefObject);
export const isList = (v: unknown): v is Value[] => Array.isArray(v);

/** True when the value, or anything nested in it, is unknown. */
export function containsUnknown(v: Value): boolean {
  if (v instanceof Unknown || v instanceof RefObject) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (isObject(v)) return Object.values(v).some(containsUnknown);
  return false;
}

/** Every resource address an (unknown) value points at, nested values included. */
export function refsOf(v: Value): string[] {
  const out = new Set<string>();
  const walk = (x: Value): void => {
    if (x instanceof Unknown) {
      x.refs.forEach((r) => out.add(r));
      if (x.structure !== undefined) walk(x.structure);
    } else if (x instanceof RefObject) out.add(x.address);
    else if (Array.isArray(x)) x.forEach(walk);
    else if (isObject(x)) Object.values(x).forEach(walk);
  };
  walk(v);
  return [...out];
}

/** Reads a nested path (`['point_in_time_recovery', 0, 'enabled']`); undefined when absent. */
export function getPath(v: Value | undefined, path: readonly (string | number)[]): Value | undefined {
  let cur: Value | undefined = v;
  for (const seg of path) {
    if (cur === undefined || cur === null) return undefined;
    if (cur instanceof Unknown) return cur;
    if (cur instanceof RefObject) {
      cur = typeof seg === 'string' ? cur.get(seg) : undefined;
    } else if (Array.isArray(cur)) {
      cur = typeof seg === 'number' ? cur[seg] : undefined;
    } else if (isObject(cur)) {
      cur = Object.prototype.hasOwnProperty.call(cur, String(seg)) ? cur[String(seg)] : undefined;
    } else return undefined;
  }
  return cur;
}

/** The first element of a nested block list (`point_in_time_recovery { ... }` is a list of one). */
export function firstBlock(v: Value | undefined): ValueObject | Unknown | undefined {
  if (v instanceof Unknown) return v;
  if (Array.isArray(v)) {
    const f = v[0];
    if (f instanceof Unknown) return f;
    return isObject(f) ? f : undefined;
  }
  if (isObject(v)) return v;
  return undefined;
}

/** A short human rendering of a value for finding messages. */
export function show(v: Value | undefined, max = 80): string {
  if (v === undefined) return '(missing)';
  if (v instanceof Unknown) return `(unknown: ${v.reason})`;
  if (v instanceof RefObject) return v.address;
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v, (_k, x) => x);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Why a value is not known, for a message: the Unknown's reason, or the resource a RefObject is. */
export function unknownReason(v: Unknown | RefObject): string {
  return v instanceof Unknown ? v.reason : `it is the resource ${v.address}`;
}
