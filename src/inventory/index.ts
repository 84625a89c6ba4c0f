import type { Inventory, Resource } from '../model/inventory.js';
import { RefObject, Unknown, isObject, type Value } from '../model/value.js';

/**
 * Reference resolution: the one place that answers "which resource does this value point at?",
 * whatever the source. Static sources give Unknowns carrying the referenced address
 * (`aws_security_group.lambda.id` -> refs ['aws_security_group.lambda']); plans give the same through
 * `configuration` references; live sources give real ids, ARNs and names.
 */
export class InventoryIndex {
  private readonly byAddr = new Map<string, Resource>();
  private readonly byTypeMap = new Map<string, Resource[]>();
  /** Resource addresses without instance keys -> instances (`aws_x.y` -> `aws_x.y["a"]`, `aws_x.y["b"]`). */
  private readonly byBase = new Map<string, Resource[]>();
  /** id / arn / name attribute values -> resources. */
  private readonly byIdentity = new Map<string, Resource[]>();

  constructor(readonly inventory: Inventory) {
    for (const r of inventory.resources) {
      this.byAddr.set(r.address, r);
      push(this.byTypeMap, r.type, r);
      push(this.byBase, baseAddress(r.address), r);
      for (const key of ['id', 'arn', 'name', 'function_name', 'bucket']) {
        const v = r.values[key];
        if (typeof v === 'string' && v !== '') push(this.byIdentity, v, r);
      }
      if (r.arn) push(this.byIdentity, r.arn, r);
    }
  }

  get resources(): readonly Resource[] {
    return this.inventory.resources;
  }

  byType(...types: string[]): Resource[] {
    return types.flatMap((t) => this.byTypeMap.get(t) ?? []);
  }

  byAddress(address: string): Resource | undefined {
    return this.byAddr.get(address);
  }

  /** All instances of an address given with or without instance key. */
  instancesOf(address: string): Resource[] {
    const exact = this.byAddr.get(address);
    if (exact) return [exact];
    return this.byBase.get(baseAddress(address)) ?? [];
  }

  /**
   * The resources a value points at, optionally restricted to some types. Follows Unknown refs and
   * RefObjects, and matches known strings against ids, ARNs and names. Lists are resolved element by
   * element. `unresolved` lists the parts that lead nowhere known (so a rule can say `error`).
   */
  resolve(value: Value | undefined, types?: readonly string[]): { resources: Resource[]; unresolved: string[] } {
    const found = new Map<string, Resource>();
    const unresolved: string[] = [];
    const accept = (r: Resource): boolean => !types || types.includes(r.type);
    const visit = (v: Value | undefined): void => {
      if (v === undefined || v === null) return;
      if (Array.isArray(v)) return v.forEach(visit);
      if (v instanceof RefObject || v instanceof Unknown) {
        const refs = v instanceof RefObject ? [v.address] : v.refs;
        let hit = false;
        for (const ref of refs) {
          for (const r of this.instancesOf(ref)) {
            if (accept(r)) {
              found.set(r.address, r);
              hit = true;
            }
          }
        }
        if (!hit) unresolved.push(v instanceof Unknown ? v.reason : v.address);
        return;
      }
      if (typeof v === 'string') {
        const rs = (this.byIdentity.get(v) ?? []).filter(accept);
        if (rs.length === 0) unresolved.push(v);
        rs.forEach((r) => found.set(r.address, r));
        return;
      }
      if (isObject(v)) return;
    };
    visit(value);
    return { resources: [...found.values()], unresolved };
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** `module.a["x"].aws_b.c["k"]` -> `module.a.aws_b.c`: instance keys stripped everywhere. */
export function baseAddress(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|\d+)\]/g, '');
}

/** The last `[...]` key of an address (`aws_x.y["slack"]` -> `slack`), if any. */
export function instanceKey(address: string): string | undefined {
  const m = /\[(?:"((?:[^"\\]|\\.)*)"|(\d+))\]$/.exec(address);
  if (!m) return undefined;
  return m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : m[2];
}
