/** The vocabulary of the pipeline, shared by every function. */

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4', 'noise'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What the model may recommend. */
export const ACTIONS = ['create_incident', 'page', 'declare_mim', 'log_only'] as const;
export type Action = (typeof ACTIONS)[number];

/** The four integrations and the one action each performs (the idempotency key uses the action). */
export const INTEGRATION_ACTIONS = {
  servicenow: 'create_incident',
  pagerduty: 'page',
  mim: 'declare_mim',
  slack: 'notify',
} as const;
export type Integration = keyof typeof INTEGRATION_ACTIONS;
export type ActionType = (typeof INTEGRATION_ACTIONS)[Integration];
export const INTEGRATIONS = Object.keys(INTEGRATION_ACTIONS) as Integration[];

export const isSeverity = (v: unknown): v is Severity => typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
export const isAction = (v: unknown): v is Action => typeof v === 'string' && (ACTIONS as readonly string[]).includes(v);
export const isIntegration = (v: unknown): v is Integration => typeof v === 'string' && Object.hasOwn(INTEGRATION_ACTIONS, v);

/** Correlation ids travel between functions and become table keys: a strict shape keeps them inert. */
export const CORRELATION_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Event bus vocabulary (the EventBridge rules of the Terraform modules match on these). */
export const EVENTS = {
  alertReceived: { source: 'ztait.ingestion', detailType: 'alert.received' },
  actionRequestedByTriage: { source: 'ztait.triage', detailType: 'action.requested' },
  actionRequestedByConfig: { source: 'ztait.config', detailType: 'action.requested' },
  actionCompleted: { source: 'ztait.actions', detailType: 'action.completed' },
} as const;
