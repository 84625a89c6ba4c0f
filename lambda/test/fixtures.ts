/** Policy documents as the config manager stores them (one item per rule set). */

export const MATRIX_ITEM = {
  policy_id: 'decision-matrix',
  entries: [
    { severity: 'P1', allowed_actions: ['declare_mim', 'page', 'create_incident'] },
    { severity: 'P2', allowed_actions: ['page', 'create_incident'] },
    { severity: 'P3', allowed_actions: ['create_incident', 'log_only'] },
    { severity: 'P4', allowed_actions: ['create_incident', 'log_only'] },
    { severity: 'noise', allowed_actions: ['log_only'] },
  ],
};

export const ESCALATION_ITEM = {
  rule_id: 'ruleset',
  rules: [
    { rule_id: 'mim', priority: 10, severities: ['P1'], actions: ['declare_mim'], targets: ['mim', 'pagerduty', 'slack'] },
    { rule_id: 'page-high', priority: 20, severities: ['P1', 'P2'], targets: ['pagerduty', 'slack'] },
    { rule_id: 'ticket', priority: 30, actions: ['create_incident'], targets: ['servicenow'] },
    { rule_id: 'log', priority: 40, actions: ['log_only'], targets: [] },
  ],
};

export const GATING_ITEM = {
  policy_id: 'gating-rules',
  rules: [
    { rule_id: 'high-sev', priority: 10, severities: ['P1', 'P2'], trust_threshold: 0.9, timeout_seconds: 900, on_timeout: 'approve' },
    { rule_id: 'default', priority: 20, trust_threshold: 0.7, timeout_seconds: 3600, on_timeout: 'suppress' },
  ],
};
