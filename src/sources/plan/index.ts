/**
 * The plan source (`ztait check --plan tfplan.json [PATH]`): Terraform's JSON plan becomes the same
 * inventory the HCL source builds (src/rules/zt-plan-* judge what only a plan shows).
 */
export { loadPlan, loadState, type PlanLoadOptions } from './loader.js';
export { PlanInputError } from './read.js';
export { isPlannedDeletion, isRemoval, isReplacement, survivingInventory } from '../../model/changes.js';
