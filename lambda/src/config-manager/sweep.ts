import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { isoAt } from '../shared/clock.js';
import { isIntegration, type Integration } from '../shared/domain.js';
import { describeError } from '../shared/log.js';
import { resolveTimeout } from '../shared/policy.js';
import { MANAGER_ACTOR, type ManagerDeps } from './context.js';
import { settle } from './incidents.js';

/**
 * The gating timeout: on a schedule, pending approvals whose deadline has passed take their
 * rule's timeout outcome: auto-approve (dispatched when the level executes actions) or
 * auto-suppress. Only decisions made under a gating rule with a timeout carry a deadline; an
 * approval that Table 3 or the regression rule made mandatory never times out by itself.
 */

export const isScheduledEvent = (e: unknown): boolean =>
  e !== null &&
  typeof e === 'object' &&
  (e as Record<string, unknown>).source === 'aws.events' &&
  (e as Record<string, unknown>)['detail-type'] === 'Scheduled Event';

const MAX_PER_RUN = 100;

export async function sweepGatingTimeouts(deps: ManagerDeps): Promise<{ approved: number; suppressed: number; failed: number }> {
  const now = deps.clock.now();
  const counts = { approved: 0, suppressed: 0, failed: 0 };
  let start: Record<string, unknown> | undefined;
  let seen = 0;
  do {
    const page = await deps.doc.send(
      new ScanCommand({
        TableName: deps.config.incidentsTable,
        FilterExpression: '#s = :pending AND approval_deadline <= :now',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending_approval', ':now': isoAt(now) },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      if (seen++ >= MAX_PER_RUN) return counts;
      const deadline = Date.parse(String(item.approval_deadline));
      const onTimeout = item.on_timeout === 'approve' || item.on_timeout === 'suppress' ? item.on_timeout : undefined;
      if (Number.isNaN(deadline) || !onTimeout) continue;
      const outcome = resolveTimeout({ deadline, onTimeout }, now);
      if (outcome === 'pending') continue;
      const targets = Array.isArray(item.targets) ? (item.targets.filter(isIntegration) as Integration[]) : [];
      try {
        await settle(
          deps,
          item,
          outcome === 'approve'
            ? {
                status: 'approved',
                outcome: 'auto',
                decidedBy: `${MANAGER_ACTOR} (gating timeout)`,
                reason: `gating rule ${String(item.gating_rule_id)} timed out: auto-approved`,
                targets,
              }
            : {
                status: 'suppressed',
                outcome: 'shadow',
                decidedBy: `${MANAGER_ACTOR} (gating timeout)`,
                reason: `gating rule ${String(item.gating_rule_id)} timed out: auto-suppressed`,
                targets: [],
              },
          ['pending_approval'],
        );
        counts[outcome === 'approve' ? 'approved' : 'suppressed'] += 1;
      } catch (e) {
        counts.failed += 1;
        deps.log.error('gating timeout not applied', { incident_id: item.incident_id, error: describeError(e) });
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return counts;
}
