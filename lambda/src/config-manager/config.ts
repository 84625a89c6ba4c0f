import { requireString, type Env } from '../shared/env.js';

export interface ConfigManagerConfig {
  incidentsTable: string;
  auditTable: string;
  policiesTable: string;
  settingsTable: string;
  escalationRulesTable: string;
  eventBus: string;
  /** Only secrets whose name starts with this prefix are rotated (IAM confines the role the same way). */
  secretNamePrefix: string;
}

export function loadConfigManagerConfig(env: Env): ConfigManagerConfig {
  return {
    incidentsTable: requireString(env, 'INCIDENTS_TABLE'),
    auditTable: requireString(env, 'AUDIT_TABLE'),
    policiesTable: requireString(env, 'POLICIES_TABLE'),
    settingsTable: requireString(env, 'SETTINGS_TABLE'),
    escalationRulesTable: requireString(env, 'ESCALATION_RULES_TABLE'),
    eventBus: requireString(env, 'EVENT_BUS'),
    secretNamePrefix: requireString(env, 'SECRET_NAME_PREFIX'),
  };
}
