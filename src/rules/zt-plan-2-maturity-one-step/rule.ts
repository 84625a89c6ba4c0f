/** ZT-PLAN-2: a plan raises the maturity level by one step at most (each level has entry criteria). */
import type { Rule } from '../define.js';
import { judgeMoves, levelName } from '../lib/maturity-moves.js';
import type { Level } from '../../maturity/table.js';

export const ZT_PLAN_2: Rule = {
  id: 'ZT-PLAN-2',
  scope: 'change',
  evaluate: (ctx) =>
    judgeMoves(ctx, ({ from, to }) => {
      const observed = `MATURITY_LEVEL ${from} -> ${to.level}`;
      if (to.level - from <= 1) return { observed };
      return {
        observed,
        finding: `the plan raises the maturity level from ${levelName(from)} to ${levelName(to.level)}: ${to.level - from} steps at once, skipping the entry criteria of ${levelName((from + 1) as Level)}`,
      };
    }),
};
