/** Scenario helpers: break one thing in the reference system, judge it in the static and live shapes. */
import { expect } from 'vitest';
import { INVARIANTS } from '../../src/rules/registry.js';
import type { Rule } from '../../src/rules/define.js';
import type { Resource } from '../../src/model/inventory.js';
import { check, inventory, lines, toLive, type Checked } from './builder.js';
import { system, type System } from './system.js';

export type Shape = 'static' | 'live';
export const SHAPES: readonly Shape[] = ['static', 'live'];

/** The reference system with `mutate` applied (it may return resources to add), in one shape. */
export function scenario(shape: Shape, mutate?: (s: System) => Resource[] | void): Resource[] {
  const s = system();
  const extra = mutate?.(s) ?? [];
  const all = [...s.all(), ...extra];
  return shape === 'static' ? all : toLive(all);
}

export function run(rule: Rule, resources: Resource[], shape: Shape = 'static', gaps?: Record<string, string>): Checked {
  return check(rule, inventory(resources, { kind: shape === 'static' ? 'hcl' : 'live', ...(gaps ? { gaps } : {}) }));
}

/** Ids of the invariants that do not pass, with their findings for a readable failure. */
export function notPassing(resources: Resource[], shape: Shape = 'static'): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const rule of INVARIANTS) {
    const c = run(rule, resources, shape);
    if (c.status !== 'pass') out[rule.id] = [c.status, ...lines(c)];
  }
  return out;
}

/** Exactly these invariants stop passing, with these statuses. */
export function expectOnly(resources: Resource[], shape: Shape, expected: Record<string, Checked['status']>): void {
  const got = notPassing(resources, shape);
  expect(Object.fromEntries(Object.entries(got).map(([k, v]) => [k, v[0]]))).toEqual(expected);
}

/** The one finding on `address` (and `attr` when given). */
export function findingOn(c: Checked, address: string, attr?: string) {
  const hits = c.findings.filter((f) => f.resource.address === address && (attr === undefined || f.attr === attr));
  expect(
    hits.map((f) => `${f.kind} ${f.attr ?? ''}: ${f.message}`),
    lines(c).join('\n'),
  ).toHaveLength(1);
  return hits[0]!;
}
