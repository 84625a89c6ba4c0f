import { integerSetting, requireString, type Env } from '../shared/env.js';
import { MAX_FIELD_CHARS } from './sanitize.js';

/**
 * The triage engine's configuration. It refuses to start without a guardrail id and version:
 * every model call must go through the guardrail (layer 3). There is deliberately no setting for
 * the prompt (SI-14).
 */
export interface TriageConfig {
  modelId: string;
  guardrailId: string;
  guardrailVersion: string;
  maxFieldChars: number;
  incidentsTable: string;
  auditTable: string;
  policiesTable: string;
  escalationRulesTable: string;
  settingsTable: string;
  eventBus: string;
}

export function loadTriageConfig(env: Env): TriageConfig {
  return {
    modelId: requireString(env, 'MODEL_ID'),
    guardrailId: requireString(env, 'GUARDRAIL_ID'),
    guardrailVersion: requireString(env, 'GUARDRAIL_VERSION'),
    maxFieldChars: integerSetting(env, 'MAX_FIELD_CHARS', { min: 100, max: MAX_FIELD_CHARS }, MAX_FIELD_CHARS),
    incidentsTable: requireString(env, 'INCIDENTS_TABLE'),
    auditTable: requireString(env, 'AUDIT_TABLE'),
    policiesTable: requireString(env, 'POLICIES_TABLE'),
    escalationRulesTable: requireString(env, 'ESCALATION_RULES_TABLE'),
    settingsTable: requireString(env, 'SETTINGS_TABLE'),
    eventBus: requireString(env, 'EVENT_BUS'),
  };
}
