/**
 * The plan source (`ztait check --plan tfplan.json [PATH]`): Terraform's JSON plan becomes the same
 * inventory the HCL source builds, and the change rules judge what only a plan shows.
 */
import type { Invariant } from '../../invariants/types.js';
import { ZT_PLAN_1 } from './rules/evidence.js';
import { ZT_PLAN_2, ZT_PLAN_3 } from './rules/maturity.js';

export { loadPlan, type PlanLoadOptions } from './loader.js';
export { PlanInputError } from './read.js';
export { isPlannedDeletion, isRemoval, isReplacement, survivingInventory } from './changes.js';
export { ZT_PLAN_1, ZT_PLAN_2, ZT_PLAN_3 };

/** The change rules, in report order, after the 14 invariants and ZT-MAT-1. */
export const PLAN_RULES: Invariant[] = [ZT_PLAN_1, ZT_PLAN_2, ZT_PLAN_3];
