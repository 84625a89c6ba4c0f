/**
 * Table 3 of the ZTAIT paper (shared/spec/invariants.md) as code: the settings each maturity level
 * requires. The agent reads them from its Lambda environment (upper-case names) and the settings
 * table (lower-case names). rules/maturity.yaml is the one definition; this is its typed copy (no
 * file to read or go missing at run time), and test/maturity/table3-copies.test.ts fails when the
 * two differ, as it does for the Lambda's and Terraform's copies.
 */

export type Level = 0 | 1 | 2 | 3;
export const LEVELS: readonly Level[] = [0, 1, 2, 3];
export const LEVEL_NAMES: Record<Level, string> = { 0: 'Shadow', 1: 'Assisted', 2: 'Supervised', 3: 'Autonomous' };

/** A setting's value: a boolean, a threshold, or 'n/a' where Table 3 says the setting does not apply. */
export type SettingValue = boolean | number | 'n/a';

export const SETTINGS = [
  'action_execution_enabled',
  'gating_required_p1_p2',
  'gating_required_p3_p4',
  'display_recommendations',
  'auto_regression_enabled',
  'accuracy_threshold',
  'min_confidence_auto',
] as const;
export type Setting = (typeof SETTINGS)[number];

export const TABLE3: Record<Level, Record<Setting, SettingValue>> = {
  0: {
    action_execution_enabled: false,
    gating_required_p1_p2: 'n/a',
    gating_required_p3_p4: 'n/a',
    display_recommendations: false,
    auto_regression_enabled: false,
    accuracy_threshold: 'n/a',
    min_confidence_auto: 'n/a',
  },
  1: {
    action_execution_enabled: false,
    gating_required_p1_p2: true,
    gating_required_p3_p4: true,
    display_recommendations: true,
    auto_regression_enabled: false,
    accuracy_threshold: 'n/a',
    min_confidence_auto: 'n/a',
  },
  2: {
    action_execution_enabled: true,
    gating_required_p1_p2: true,
    gating_required_p3_p4: false,
    display_recommendations: true,
    auto_regression_enabled: true,
    accuracy_threshold: 0.9,
    min_confidence_auto: 0.85,
  },
  3: {
    action_execution_enabled: true,
    gating_required_p1_p2: false,
    gating_required_p3_p4: false,
    display_recommendations: true,
    auto_regression_enabled: true,
    accuracy_threshold: 0.95,
    min_confidence_auto: 0.8,
  },
};

/** The Lambda environment variable carrying a setting (`ACTION_EXECUTION_ENABLED`). */
export const envName = (s: Setting | 'maturity_level'): string => s.toUpperCase();

/** How a setting is written in a Lambda environment: "true"/"false", "0.90", "n/a". */
export function envValue(v: SettingValue): string {
  if (typeof v === 'number') return v.toFixed(2);
  return String(v);
}

export function isLevel(n: unknown): n is Level {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 3;
}

/** `2`, `L2`, `supervised` (any case) -> 2; anything else -> undefined. */
export function parseLevel(s: string): Level | undefined {
  const t = s.trim().toLowerCase();
  if (/^l?[0-3]$/.test(t)) return Number(t.replace('l', '')) as Level;
  const byName = LEVELS.find((l) => LEVEL_NAMES[l].toLowerCase() === t);
  return byName;
}

export const levelLabel = (l: Level): string => `L${l} ${LEVEL_NAMES[l]}`;

export interface SettingChange {
  setting: Setting;
  env: string;
  from: SettingValue;
  to: SettingValue;
}

/** The Table 3 rows whose value differs between two levels, in table order. */
export function diffLevels(from: Level, to: Level): SettingChange[] {
  return SETTINGS.filter((s) => TABLE3[from][s] !== TABLE3[to][s]).map((s) => ({
    setting: s,
    env: envName(s),
    from: TABLE3[from][s],
    to: TABLE3[to][s],
  }));
}
