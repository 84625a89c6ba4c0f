import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EVENTS, INTEGRATION_ACTIONS, type ActionType, type Integration } from './domain.js';
import { publish } from './events.js';

/**
 * The `action.requested` event: what the triage engine (automatic execution) and the config
 * manager (a human approval) send to the action handlers. Each integration's EventBridge rule
 * delivers only the events whose `integration` is its own.
 */

export interface ActionRequest {
  correlation_id: string;
  integration: Integration;
  action_type: ActionType;
  severity: string;
  title: string;
  summary: string;
  requested_by: string;
  requested_at: string;
}

export async function requestActions(
  events: EventBridgeClient,
  bus: string,
  origin: 'triage' | 'config',
  incident: { correlationId: string; severity: string; title: string; summary: string },
  targets: readonly Integration[],
  requestedBy: string,
  at: string,
): Promise<void> {
  const kind = origin === 'triage' ? EVENTS.actionRequestedByTriage : EVENTS.actionRequestedByConfig;
  for (const integration of targets) {
    const detail: ActionRequest = {
      correlation_id: incident.correlationId,
      integration,
      action_type: INTEGRATION_ACTIONS[integration],
      severity: incident.severity,
      title: incident.title,
      summary: incident.summary,
      requested_by: requestedBy,
      requested_at: at,
    };
    await publish(events, bus, kind.source, kind.detailType, detail);
  }
}
