/**
 * A finding's trace: where the value that decided it was written, from its use to its origin. The
 * rule names the attribute it judged and the other places its verdict depends on (the statement that
 * grants, the boundary that should deny); the static source's provenance follows each to where its
 * value comes from (a local, a module input, a variable default, a tfvars line). Live findings have
 * no trace: an account has no source lines.
 */
import type { Inventory, Location, Origin, Resource, StatementRef } from './model/inventory.js';
import type { TraceStep } from './model/result.js';
import type { RuleFinding } from './rules/define.js';
import { own } from './model/dict.js';

/** A trace longer than this is cut: the first steps are the nearest to the finding. */
const MAX_STEPS = 16;

/**
 * The location of an attribute path, falling back to its closest located ancestor, then the block.
 * `egress.1.protocol` tries `egress.1.protocol`, `egress.1`, `egress`, then the resource.
 */
export function locate(r: Resource, attr?: string): Location | undefined {
  if (attr && r.attrLocations) {
    const parts = attr.split('.');
    for (let n = parts.length; n > 0; n--) {
      const key = parts.slice(0, n).join('.');
      const hit = own(r.attrLocations, key) ?? own(r.attrLocations, key.replace(/\.0(?=\.|$)/g, ''));
      if (hit) return hit;
    }
  }
  return r.location;
}

export function traceOf(inv: Inventory, f: RuleFinding, at: Location | undefined): TraceStep[] {
  const steps: TraceStep[] = [];
  const seen = new Set<string>();
  // the finding's own place is its location, not a step of its trace
  if (at) seen.add(`${at.file}:${at.line}:${at.endLine}`);
  const add = (o: Origin): void => {
    const key = `${o.file}:${o.line}:${o.endLine}`;
    if (seen.has(key) || steps.length >= MAX_STEPS || o.line <= 0) return;
    seen.add(key);
    steps.push({ file: o.file, line: o.line, end_line: o.endLine, what: o.what });
  };
  const origins = (r: Resource, attr: string | undefined, statement?: StatementRef): Origin[] =>
    inv.provenance?.origins(r, attr, statement !== undefined ? { statement } : {}) ?? [];
  origins(f.resource, f.attr).forEach(add);
  for (const rel of f.related ?? []) {
    const loc = locate(rel.resource, rel.attr);
    if (loc) add({ ...loc, what: rel.what });
    origins(rel.resource, rel.attr, rel.statement).forEach(add);
  }
  return steps;
}
