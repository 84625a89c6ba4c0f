/** ZT-PLAN-3: a plan that raises the maturity level records who approved it (--approved-by). */
import type { Rule } from '../define.js';
import { judgeMoves, levelName } from '../lib/maturity-moves.js';

export const ZT_PLAN_3: Rule = {
  id: 'ZT-PLAN-3',
  scope: 'change',
  evaluate: (ctx) => {
    const approvedBy = ctx.options?.approvedBy?.trim();
    return judgeMoves(ctx, ({ from, to }) => {
      if (to.level <= from) return { observed: `MATURITY_LEVEL ${from} -> ${to.level} (not raised)` };
      if (approvedBy) return { observed: `MATURITY_LEVEL ${from} -> ${to.level}, approved by ${approvedBy}` };
      return {
        observed: `MATURITY_LEVEL ${from} -> ${to.level}, no approval recorded`,
        finding: `the plan raises the maturity level from ${levelName(from)} to ${levelName(to.level)} without a recorded approval (--approved-by)`,
      };
    });
  },
};
