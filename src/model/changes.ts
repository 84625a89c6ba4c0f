import type { Inventory, Resource } from './inventory.js';

/**
 * What a plan does to a resource, as the change rules and the engine need to know it. Works on any
 * inventory: resources without `change` (HCL, live) are simply not changing.
 */

/** The plan destroys this object and creates nothing in its place: it will not exist after apply. */
export function isPlannedDeletion(r: Resource): boolean {
  const a = r.change?.actions ?? [];
  return a.includes('delete') && !a.includes('create');
}

/** The plan destroys this object, alone or to replace it by a new one. */
export function isRemoval(r: Resource): boolean {
  return r.change?.actions.includes('delete') ?? false;
}

/**
 * A managed resource that still exists once the change is applied: a plan's pure deletions are out
 * (every managed resource of an HCL or live inventory counts).
 */
export function isManagedAfterChange(r: Resource): boolean {
  return r.mode === 'managed' && !(r.change?.actions.length === 1 && r.change.actions[0] === 'delete');
}

export function isReplacement(r: Resource): boolean {
  const a = r.change?.actions ?? [];
  return a.includes('replace') || (a.includes('delete') && a.includes('create'));
}

/**
 * The inventory of what exists after apply: the plan's deletions removed. The 14 invariants judge
 * this one (a table being destroyed must not pass or fail SI-6); the change rules read the full one.
 */
export function survivingInventory(inv: Inventory): Inventory {
  if (!inv.resources.some(isPlannedDeletion)) return inv;
  return { ...inv, resources: inv.resources.filter((r) => !isPlannedDeletion(r)) };
}

/** Whether the change rules have anything to read: a plan (even an empty one) or resources with changes. */
export const isPlanInventory = (inv: Inventory): boolean => inv.kind === 'plan' || inv.resources.some((r) => r.change !== undefined);
