/** IAM policies: the one home for parsing and evaluating them (see ./evaluate.ts for the reading). */
export type { ParseResult, PolicyDocument, PolicyStatement } from './types.js';
export { parsePolicy } from './parse.js';
export { actionMatches, arnsOverlap, globCovers, globMatch, globsCoverUnion, globsOverlap } from './match.js';
export {
  allowsOf,
  denyUndecidable,
  effectivePermission,
  explicitlyDenies,
  principalIsEveryone,
  statementApplies,
  type Applies,
  type Grant,
} from './evaluate.js';
