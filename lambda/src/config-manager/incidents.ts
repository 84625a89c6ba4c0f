import { GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { requestActions } from '../shared/actions.js';
import { isoAt } from '../shared/clock.js';
import { isAction, isIntegration, isSeverity, type Action, type Integration, type Severity } from '../shared/domain.js';
import { describeError } from '../shared/log.js';
import { firstEscalation } from '../shared/policy.js';
import { loadPolicies } from '../shared/policy-store.js';
import { sanitizeText } from '../triage-engine/sanitize.js';
import { HttpError, type ManagerDeps } from './context.js';

/**
 * Incidents on the dashboard: listing, one incident with its audit trail, and the human decision
 * on a pending approval or a human-review incident. The same settlement serves the gating
 * timeout sweep. A decision is recorded with a conditional update (only an incident still waiting
 * for a decision can be decided, once), audited, and dispatched to the action handlers only when
 * the maturity level executes actions.
 */

const AGENT_FIELDS = [
  'agent_severity',
  'agent_action',
  'confidence',
  'reasoning',
  'trust_score',
  'trust_c',
  'trust_b',
  'trust_h',
  'trust_e',
  'targets',
  'reasons',
];
const OPEN_STATUSES = ['pending_approval', 'human_review'];

/** At L0 (display_recommendations false) people decide without seeing the agent's proposal. */
function present(deps: ManagerDeps, item: Record<string, unknown>): Record<string, unknown> {
  const show = !(deps.maturity instanceof Error) && deps.maturity.displayRecommendations && item.display_recommendation !== false;
  if (show) return item;
  return Object.fromEntries(Object.entries(item).filter(([k]) => !AGENT_FIELDS.includes(k)));
}

export async function listIncidents(deps: ManagerDeps, query: Record<string, string | undefined>): Promise<unknown> {
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new HttpError(400, 'limit must be 1..100');
  let start: Record<string, unknown> | undefined;
  if (query.next) {
    try {
      start = JSON.parse(Buffer.from(query.next, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new HttpError(400, 'next is not a page token');
    }
    if (Object.keys(start ?? {}).join() !== 'incident_id' || typeof start?.incident_id !== 'string')
      throw new HttpError(400, 'next is not a page token');
  }
  const status = query.status;
  if (status !== undefined && !/^[a-z_]{1,32}$/.test(status)) throw new HttpError(400, 'status is malformed');
  const out = await deps.doc.send(
    new ScanCommand({
      TableName: deps.config.incidentsTable,
      Limit: limit,
      ...(start ? { ExclusiveStartKey: start } : {}),
      ...(status
        ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': status } }
        : {}),
    }),
  );
  return {
    incidents: (out.Items ?? []).map((i) => present(deps, i)),
    ...(out.LastEvaluatedKey ? { next: Buffer.from(JSON.stringify(out.LastEvaluatedKey)).toString('base64url') } : {}),
  };
}

async function getIncident(deps: ManagerDeps, id: string): Promise<Record<string, unknown>> {
  if (!/^[A-Za-z0-9._:-]{8,128}$/.test(id)) throw new HttpError(400, 'incident id is malformed');
  const out = await deps.doc.send(
    new GetCommand({ TableName: deps.config.incidentsTable, Key: { incident_id: id }, ConsistentRead: true }),
  );
  if (!out.Item) throw new HttpError(404, 'no such incident');
  return out.Item;
}

export async function showIncident(deps: ManagerDeps, id: string): Promise<unknown> {
  const incident = await getIncident(deps, id);
  const audit = await deps.doc.send(
    new QueryCommand({
      TableName: deps.config.auditTable,
      KeyConditionExpression: 'correlation_id = :id',
      ExpressionAttributeValues: { ':id': id },
      Limit: 100,
    }),
  );
  return { incident: present(deps, incident), audit: audit.Items ?? [] };
}

export interface Settlement {
  status: 'approved' | 'rejected' | 'suppressed';
  outcome: 'approved' | 'modified' | 'rejected' | 'auto' | 'shadow';
  decidedBy: string;
  reason: string;
  humanSeverity?: Severity;
  humanAction?: Action;
  targets: Integration[];
}

/** Records a decision on an open incident, audits it, and dispatches its actions when allowed. */
export async function settle(
  deps: ManagerDeps,
  incident: Record<string, unknown>,
  s: Settlement,
  from: readonly string[] = OPEN_STATUSES,
): Promise<{ dispatched: boolean; note: string }> {
  const id = String(incident.incident_id);
  const now = deps.clock.now();
  const values: Record<string, unknown> = {
    ':status': s.status,
    ':outcome': s.outcome,
    ':by': s.decidedBy,
    ':at': isoAt(now),
    ':reason': s.reason,
  };
  const sets = ['#s = :status', 'outcome = :outcome', 'decided_by = :by', 'decided_at = :at', 'decision_reason = :reason'];
  if (s.humanSeverity) {
    sets.push('human_severity = :hs');
    values[':hs'] = s.humanSeverity;
  }
  if (s.humanAction) {
    sets.push('human_action = :ha');
    values[':ha'] = s.humanAction;
  }
  const allowed = from.map((_, k) => `:from${k}`);
  from.forEach((st, k) => (values[`:from${k}`] = st));
  try {
    await deps.doc.send(
      new UpdateCommand({
        TableName: deps.config.incidentsTable,
        Key: { incident_id: id },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `#s IN (${allowed.join(', ')})`,
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
  } catch (e) {
    if ((e as { name?: string }).name === 'ConditionalCheckFailedException')
      throw new HttpError(409, 'the incident is not waiting for a decision (decided meanwhile?)');
    throw e;
  }
  await deps.audit.record({
    correlationId: id,
    actor: s.decidedBy,
    event: 'approval.decided',
    decision: s.outcome,
    reasoning: s.reason,
    details: {
      status: s.status,
      targets: s.targets,
      ...(s.humanSeverity ? { human_severity: s.humanSeverity } : {}),
      ...(s.humanAction ? { human_action: s.humanAction } : {}),
    },
  });

  if (s.status !== 'approved' || s.targets.length === 0) return { dispatched: false, note: 'nothing to execute' };
  if (deps.maturity instanceof Error)
    return { dispatched: false, note: `not executed: maturity settings unusable (${deps.maturity.message})` };
  if (!deps.maturity.actionExecutionEnabled) {
    return {
      dispatched: false,
      note: `not executed: maturity L${deps.maturity.level} (${deps.maturity.name}) does not execute actions; act manually`,
    };
  }
  try {
    await requestActions(
      deps.events,
      deps.config.eventBus,
      'config',
      {
        correlationId: id,
        severity: String(s.humanSeverity ?? incident.agent_severity ?? ''),
        title: String(incident.title ?? ''),
        summary: s.reason,
      },
      s.targets,
      s.decidedBy,
      isoAt(now),
    );
    return { dispatched: true, note: `dispatched to ${s.targets.join(', ')}` };
  } catch (e) {
    const reason = `dispatch failed: ${describeError(e)}`;
    await deps.doc.send(
      new UpdateCommand({
        TableName: deps.config.incidentsTable,
        Key: { incident_id: id },
        UpdateExpression: 'SET #s = :review, review_reason = :reason',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':review': 'human_review', ':reason': reason },
      }),
    );
    await deps.audit.record({
      correlationId: id,
      actor: s.decidedBy,
      event: 'approval.dispatch',
      decision: 'human_review',
      reasoning: reason,
    });
    return { dispatched: false, note: reason };
  }
}

const targetsOf = (v: unknown): Integration[] | undefined =>
  Array.isArray(v) && v.every(isIntegration) ? (v as Integration[]) : undefined;

/** POST /approvals/{id}: body {decision: approve|modify|reject, severity?, action?, comment?}. */
export async function decideApproval(deps: ManagerDeps, id: string, body: Record<string, unknown>, user: string): Promise<unknown> {
  const decision = body.decision;
  if (decision !== 'approve' && decision !== 'modify' && decision !== 'reject')
    throw new HttpError(400, 'decision must be approve, modify or reject');
  const comment = typeof body.comment === 'string' ? sanitizeText(body.comment, 1000) : '';
  const incident = await getIncident(deps, id);
  if (!OPEN_STATUSES.includes(String(incident.status)))
    throw new HttpError(409, `the incident is ${String(incident.status)}, not waiting for a decision`);

  const severity = decision === 'approve' ? incident.agent_severity : body.severity;
  const action = decision === 'approve' ? incident.agent_action : body.action;
  if (decision === 'reject') {
    // The reviewer's own classification, when given, is what the maturity evidence compares against.
    const s: Settlement = { status: 'rejected', outcome: 'rejected', decidedBy: user, reason: comment || 'rejected', targets: [] };
    if (isSeverity(body.severity)) s.humanSeverity = body.severity;
    if (isAction(body.action)) s.humanAction = body.action;
    return settle(deps, incident, s);
  }
  if (!isSeverity(severity) || !isAction(action)) {
    throw new HttpError(
      400,
      decision === 'approve'
        ? 'the incident has no valid agent proposal to approve; use modify with severity and action'
        : 'modify needs severity (P1-P4, noise) and action',
    );
  }
  let targets = decision === 'approve' ? targetsOf(incident.targets) : undefined;
  if (!targets) {
    let policies;
    try {
      policies = await loadPolicies(deps.doc, deps.config);
    } catch (e) {
      throw new HttpError(503, `escalation rules unavailable: ${describeError(e)}`);
    }
    targets = firstEscalation(policies.escalation, { severity, action, source: String(incident.source ?? '') })?.targets ?? [];
  }
  return settle(deps, incident, {
    status: 'approved',
    outcome: decision === 'approve' ? 'approved' : 'modified',
    decidedBy: user,
    reason: comment || decision,
    humanSeverity: severity,
    humanAction: action,
    targets,
  });
}
