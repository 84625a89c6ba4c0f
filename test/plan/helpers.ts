import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Inventory, Resource } from '../../src/model/inventory.js';
import { Unknown, type Value } from '../../src/model/value.js';
import { InventoryIndex } from '../../src/inventory/index.js';
import type { RuleContext } from '../../src/rules/define.js';
import { loadPlan, type PlanLoadOptions } from '../../src/sources/plan/index.js';

export const FIXTURES = 'fixtures/plans';
export const fixture = (name: string): string => join(FIXTURES, `${name}.plan.json`);
export const load = (name: string, opts?: PlanLoadOptions): Promise<Inventory> => loadPlan(fixture(name), opts);

export function byAddress(inv: Inventory, address: string): Resource {
  const r = inv.resources.find((x) => x.address === address);
  if (!r) throw new Error(`${address} not in the inventory (${inv.resources.map((x) => x.address).join(', ')})`);
  return r;
}

export function ctxOf(inv: Inventory, approvedBy?: string): RuleContext {
  return { inventory: inv, index: new InventoryIndex(inv), prefix: 'ztait-', ...(approvedBy ? { options: { approvedBy } } : {}) };
}

export function asUnknown(v: Value | undefined): Unknown {
  if (!(v instanceof Unknown)) throw new Error(`expected an Unknown, got ${JSON.stringify(v)}`);
  return v;
}

/** A file with this content in a fresh temporary directory. */
export function tempFile(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'ztait-plan-test-'));
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}
