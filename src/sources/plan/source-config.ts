import type { Inventory, Location, Resource } from '../../model/inventory.js';
import { RefObject, Unknown, isObject, type Value } from '../../model/value.js';
import { baseAddress } from '../../inventory/index.js';
import type { Json } from './format.js';
import type { ValuePath } from './values.js';

export type Locate = (
  baseAddress: string,
) => { location: Location; attrLocations: Record<string, Location>; comments: { text: string; line: number }[] } | undefined;

/**
 * The configuration directory a plan was made from, when the user gives it: its blocks' locations
 * and, evaluated by the HCL source with the plan's variables, the values plan JSON cannot show (a
 * map Terraform marks unknown as a whole because one entry is, values built from locals).
 */
export class SourceConfiguration {
  private readonly hcl = new Map<string, Resource>();

  constructor(
    hclInventory: Inventory | undefined,
    readonly locate: Locate | undefined,
  ) {
    for (const r of hclInventory?.resources ?? []) this.hcl.set(r.address, r);
  }

  get present(): boolean {
    return this.hcl.size > 0 || this.locate !== undefined;
  }

  /**
   * Whether the source sets a top-level attribute or block of a resource (a `dynamic` block
   * counts): 'unknown' when neither the evaluated HCL nor the block locations cover the resource.
   */
  sets(address: string, name: string): 'yes' | 'no' | 'unknown' {
    const r = this.hcl.get(address);
    if (r) return r.values[name] !== undefined ? 'yes' : 'no';
    const where = this.locate?.(baseAddress(address));
    if (!where) return 'unknown';
    return Object.keys(where.attrLocations).some((k) => k === name || k.startsWith(`${name}.`)) ? 'yes' : 'no';
  }

  /**
   * The HCL source's value at `path` of a resource, when it says more than a bare unknown. Set
   * elements may be ordered differently in HCL and in the plan, so a path only goes through lists
   * of one element.
   */
  valueAt(address: string, path: ValuePath): Value | undefined {
    const r = this.hcl.get(address);
    if (!r) return undefined;
    let cur: Value | undefined = r.values;
    for (const seg of path) {
      if (cur === undefined || cur === null) return undefined;
      if (typeof seg === 'number') {
        if (!Array.isArray(cur) || cur.length !== 1 || seg !== 0) return undefined;
        cur = cur[0];
      } else if (cur instanceof RefObject) cur = cur.get(seg);
      else if (isObject(cur)) cur = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
      else return undefined;
    }
    if (cur === undefined) return undefined;
    return cur instanceof Unknown && cur.structure === undefined && cur.pattern === undefined ? undefined : cur;
  }
}

/** Plan variable values as `--var` strings for the HCL source: strings as they are, the rest as JSON (valid HCL). */
export function planVarsForHcl(vars: Record<string, { value?: Json }> | undefined): [string, string][] {
  return Object.entries(vars ?? {})
    .filter(([, v]) => v.value !== undefined)
    .map(([k, v]) => [k, typeof v.value === 'string' ? v.value : JSON.stringify(v.value)]);
}
