import { paginateSimulatePrincipalPolicy, type EvaluationResult } from '@aws-sdk/client-iam';
import type { Inventory } from '../../model/inventory.js';
import { InventoryIndex } from '../../inventory/index.js';
import { ASSUME_ROLE_ACTIONS, AUDIT_DELETE_ACTIONS, IAM_POLICY_WRITE_ACTIONS } from '../../policy/actions.js';
import { iamView, roleMay } from '../../policy/roles.js';
import { allPages, attempt, type CollectContext } from './collect/context.js';
import type { ScopedRole } from './collect/iam.js';
import type { ScopedTable } from './collect/dynamodb.js';

/**
 * Cross-check of SI-3, SI-4 and SI-7 with AWS's own policy simulator: for each in-scope role, the
 * simulator's decision on the actions those invariants forbid is compared with ztait's evaluator on
 * the collected documents. The simulator never decides a verdict: a disagreement, or a simulator
 * the endpoint does not implement, is reported as a limitation line.
 */

export interface Simulated {
  roleArn: string;
  action: string;
  resource: string;
  decision: string;
}

export interface SimulationRun {
  results: Simulated[];
  /** Why the cross-check did not run (fully), when it did not. */
  skipped?: string;
}

const SI_OF: Record<string, string> = {
  ...Object.fromEntries(ASSUME_ROLE_ACTIONS.map((a) => [a, 'SI-3'])),
  ...Object.fromEntries(IAM_POLICY_WRITE_ACTIONS.map((a) => [a, 'SI-4'])),
  ...Object.fromEntries(AUDIT_DELETE_ACTIONS.map((a) => [a, 'SI-7'])),
};

/**
 * Asks the simulator about every in-scope role. The first role goes alone: an endpoint that does not
 * implement the simulator then costs one failed call, not one per role. The rest go concurrently
 * (bounded by the session); the first failure in a fixed order is reported, so a replay says the same.
 */
export async function simulate(ctx: CollectContext, roles: readonly ScopedRole[], tables: readonly ScopedTable[]): Promise<SimulationRun> {
  const audit = tables
    .filter((t) => /audit/i.test(t.name) && t.arn)
    .map((t) => t.arn)
    .sort();
  const queries: { actions: string[]; resource?: string }[] = [
    { actions: [...ASSUME_ROLE_ACTIONS, ...IAM_POLICY_WRITE_ACTIONS] },
    ...audit.map((arn) => ({ actions: [...AUDIT_DELETE_ACTIONS], resource: arn })),
  ];
  const ordered = [...roles].filter((r) => r.arn).sort((a, b) => a.arn.localeCompare(b.arn));
  const ask = async (role: ScopedRole) =>
    Promise.all(
      queries.map(async (q) => {
        const got = await attempt(() =>
          allPages(
            ctx,
            'iam:SimulatePrincipalPolicy',
            paginateSimulatePrincipalPolicy(
              { client: ctx.clients.iam },
              { PolicySourceArn: role.arn, ActionNames: q.actions, ...(q.resource ? { ResourceArns: [q.resource] } : {}) },
            ),
            (p) => p.EvaluationResults,
          ),
        );
        return { role, q, got };
      }),
    );
  const first = ordered.length > 0 ? await ask(ordered[0]!) : [];
  const rest = first.every((a) => a.got.ok) ? (await Promise.all(ordered.slice(1).map(ask))).flat() : [];
  const results: Simulated[] = [];
  for (const { role, q, got } of [...first, ...rest]) {
    if (!got.ok)
      return { results: [], skipped: `cross-check of SI-3, SI-4, SI-7 with the AWS policy simulator skipped: ${got.failure.reason}` };
    results.push(
      ...got.value.map((r: EvaluationResult) => ({
        roleArn: role.arn,
        action: r.EvalActionName ?? '',
        resource: q.resource ?? '*',
        decision: r.EvalDecision ?? 'unknown',
      })),
    );
  }
  return { results };
}

/** Limitation lines where the simulator and ztait's evaluator disagree on the collected inventory. */
export function compareWithSimulator(inv: Inventory, prefix: string, run: SimulationRun): string[] {
  const lines: string[] = [];
  if (run.skipped) lines.push(run.skipped);
  if (run.results.length === 0) return lines;
  const index = new InventoryIndex(inv);
  const view = iamView({ index });
  const byArn = new Map(view.roles.map((rp) => [rp.role.arn ?? String(rp.role.values.arn ?? ''), rp]));
  for (const s of run.results) {
    const rp = byArn.get(s.roleArn);
    if (!rp) continue;
    const own = roleMay(rp, s.action, s.resource).decision;
    if (own === 'unknown') continue; // the rule already says error
    const simAllows = s.decision === 'allowed';
    const ownAllows = own === 'allowed';
    if (simAllows === ownAllows) continue;
    const si = SI_OF[s.action] ?? 'SI-?';
    lines.push(
      `${si} cross-check: the AWS policy simulator finds ${s.action} on ${s.resource} ${simAllows ? 'allowed' : `denied (${s.decision})`} ` +
        `for ${s.roleArn}, ztait's evaluator finds it ${ownAllows ? 'allowed' : own}${ownAllows ? ' (it counts a conditional Allow as a grant)' : ''}`,
    );
  }
  return lines;
}
