/**
 * One side of a drift comparison (the code, or the account) and how its values become normalized
 * values: a reference, whatever its form (a Terraform reference known only after apply, a name, an
 * id, an ARN), becomes the live resource it designates (Ref); the code's references go through the
 * matches made so far (code address -> live address).
 */
import type { Inventory, Resource } from '../model/inventory.js';
import { label } from '../model/inventory.js';
import { InventoryIndex } from '../inventory/index.js';
import { RefObject, Unknown, isObject, type Value } from '../model/value.js';
import { Any, Glob, Ref, Unk, type Norm, type NObject } from './norm.js';
import { dict } from '../model/dict.js';

export type SideKind = 'code' | 'account';

export class Side {
  readonly index: InventoryIndex;
  constructor(
    readonly kind: SideKind,
    readonly inventory: Inventory,
    /** The account side: a reference of the code resolves there when nothing of the code is it. */
    private readonly live?: Side,
    /** Code address -> live address, filled while matching. */
    readonly matched: Map<string, string> = new Map(),
  ) {
    this.index = new InventoryIndex(inventory);
  }

  /** The live resource as a Ref (its ids, for a Glob of the code to match). */
  refTo(r: Resource): Ref {
    const ids = [r.arn, r.values.arn, r.values.id, r.values.name, r.values.function_name, r.values.bucket].filter(
      (x): x is string => typeof x === 'string' && x !== '',
    );
    return new Ref(r.address, [...new Set(ids)], label(r));
  }

  private liveRef(address: string): Ref | undefined {
    const target = this.kind === 'account' ? this : this.live;
    const r = target?.index.byAddress(address);
    return r ? target!.refTo(r) : undefined;
  }

  /**
   * A value that designates a resource of one of `types`: the live resource (Ref), else what is known
   * of it (a Glob of a partly known string, the literal string), else Unk.
   */
  token(v: Value | undefined, types: readonly string[]): Norm {
    if (v === undefined || v === null || v === '') return null;
    if (this.kind === 'account') {
      if (typeof v !== 'string') return scalar(v);
      const hit = this.index.resolve(v, types).resources;
      return hit.length === 1 ? this.refTo(hit[0]!) : v;
    }
    if (v instanceof Unknown || v instanceof RefObject) {
      const refs = v instanceof RefObject ? [v.address] : v.refs;
      const targets = refs.flatMap((a) => this.index.instancesOf(a)).filter((r) => types.includes(r.type));
      if (targets.length === 1) return this.viaMatch(targets[0]!);
      if (v instanceof Unknown && v.pattern) return new Glob(v.pattern);
      if (v instanceof RefObject && v.arnPattern) return new Glob(v.arnPattern);
      return new Unk(v instanceof Unknown ? v.reason : `${v.address} is known only after apply`);
    }
    if (typeof v !== 'string') return scalar(v);
    const own = this.index.resolve(v, types).resources;
    if (own.length === 1) return this.viaMatch(own[0]!, v);
    const there = this.live?.index.resolve(v, types).resources ?? [];
    return there.length === 1 ? this.live!.refTo(there[0]!) : v;
  }

  /** A resource of the code as the live resource it matched; else what the code knows of its identity. */
  private viaMatch(r: Resource, literal?: string): Norm {
    const to = this.matched.get(r.address);
    const ref = to ? this.liveRef(to) : undefined;
    if (ref) return ref;
    return literal ?? new Unk(`refers to ${r.address}, which is not in the account`);
  }
}

/** A scalar as compared: numbers and booleans as Terraform writes them, unknowns as Unk. */
export function scalar(v: Value | undefined): Norm {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Unknown) return v.pattern ? new Glob(v.pattern) : new Unk(v.reason);
  if (v instanceof RefObject) return new Unk(`${v.address} is known only after apply`);
  return new Unk('a structure where a single value was expected');
}

/** A scalar compared as text (environment values: `300` and `"300"` are the same string to Lambda). */
export function text(v: Value | undefined): Norm {
  const s = scalar(v);
  return typeof s === 'number' || typeof s === 'boolean' ? String(s) : s;
}

/**
 * Plain data of a structure (a policy document): unknown parts become Any (or a Glob when their
 * pattern is known), so the rest is compared.
 */
export function structure(v: Value | undefined): Norm {
  if (v === undefined || v === null) return null;
  if (v instanceof Unknown) {
    if (v.structure !== undefined) return structure(v.structure);
    return v.pattern ? new Glob(v.pattern) : new Any(v.reason);
  }
  if (v instanceof RefObject) return v.arnPattern ? new Glob(v.arnPattern) : new Any(`${v.address} is known only after apply`);
  if (Array.isArray(v)) return v.map(structure);
  if (isObject(v)) {
    const out: NObject = dict();
    for (const [k, x] of Object.entries(v)) out[k] = structure(x);
    return out;
  }
  return v;
}
