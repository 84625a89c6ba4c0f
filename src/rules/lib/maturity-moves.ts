import type { Inventory, Resource } from '../../model/inventory.js';
import { Unknown, firstBlock, isObject, show, type Value, type ValueObject } from '../../model/value.js';
import type { RuleContext, RuleExamined, RuleFinding, RuleOutcome } from '../define.js';
import { LEVEL_NAMES, isLevel, type Level } from '../../maturity/table.js';
import { isPlanInventory, isPlannedDeletion } from '../../model/changes.js';

/**
 * How a plan moves the maturity level (ZT-PLAN-2 and ZT-PLAN-3 judge the moves). The level before apply is what the
 * deployed functions run with (MATURITY_LEVEL in a Lambda's prior environment); the level after is
 * the planned environment, or the plan's `maturity_level` variable where the planned value is known
 * only after apply. A function without a prior level (created by this plan) raises nothing.
 */

const ATTR = 'environment.variables.MATURITY_LEVEL';

type LevelRead = { level: Level } | { problem: string };

interface Move {
  resource: Resource;
  from: Level;
  to: LevelRead;
}

function levelOf(v: Value | undefined, what: string): LevelRead | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Unknown) return { problem: `${what} is known only after apply (${v.reason})` };
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  return isLevel(n) ? { level: n } : { problem: `${what} = ${show(v)} is not a maturity level (0..3)` };
}

function envLevel(values: ValueObject | null | undefined): Value | undefined {
  if (!values) return undefined;
  const env = firstBlock(values.environment);
  if (env instanceof Unknown) return env;
  if (!env) return undefined;
  const vars = env.variables;
  if (vars instanceof Unknown) return vars;
  return isObject(vars) ? vars.MATURITY_LEVEL : undefined;
}

/** Every function whose prior environment carries a level, with the level the plan gives it. */
function maturityMoves(inv: Inventory): Move[] {
  const planned = levelOf(inv.variables?.maturity_level, 'variable maturity_level');
  const moves: Move[] = [];
  for (const r of inv.resources) {
    if (r.type !== 'aws_lambda_function' || r.mode !== 'managed' || isPlannedDeletion(r)) continue;
    const before = levelOf(envLevel(r.change?.before), 'the prior MATURITY_LEVEL');
    if (!before || !('level' in before)) continue;
    let after = levelOf(envLevel(r.values), `${r.address} MATURITY_LEVEL`);
    if (after && 'problem' in after && planned && 'level' in planned) after = planned;
    moves.push({ resource: r, from: before.level, to: after ?? { problem: `${r.address} has no MATURITY_LEVEL after apply` } });
  }
  return moves;
}

export const levelName = (l: Level): string => `L${l} ${LEVEL_NAMES[l]}`;

/** Shared walk: `judge` says what a known move means; unknown targets are errors. */
export function judgeMoves(
  ctx: RuleContext,
  judge: (m: Move & { to: { level: Level } }) => { finding?: string; observed: string },
): RuleOutcome {
  if (!isPlanInventory(ctx.inventory)) return { findings: [], examined: [], reason: 'no plan changes to judge (the input is not a plan)' };
  const moves = maturityMoves(ctx.inventory);
  if (moves.length === 0)
    return { findings: [], examined: [], reason: 'no deployed function carries a maturity level (MATURITY_LEVEL) the plan could raise' };
  const findings: RuleFinding[] = [];
  const examined: RuleExamined[] = [];
  for (const m of moves) {
    if ('problem' in m.to) {
      findings.push({
        resource: m.resource,
        attr: ATTR,
        kind: 'error',
        key: 'maturity',
        message: `cannot tell the maturity level after apply: ${m.to.problem}`,
      });
      examined.push({ resource: m.resource, status: 'error', observed: `MATURITY_LEVEL ${m.from} -> unknown` });
      continue;
    }
    const j = judge(m as Move & { to: { level: Level } });
    if (j.finding) findings.push({ resource: m.resource, attr: ATTR, kind: 'fail', key: 'maturity', message: j.finding });
    examined.push({ resource: m.resource, status: j.finding ? 'fail' : 'pass', observed: j.observed });
  }
  return { findings, examined };
}
