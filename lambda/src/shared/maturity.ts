import { ConfigError, type Env } from './env.js';
import type { Severity } from './domain.js';

/**
 * The maturity settings every function receives from Terraform (Table 3 of the ZTAIT paper). The
 * environment is honoured, but never looser than Table 3 says for the declared level: a value
 * that would give the agent more autonomy than its level allows (execution at L1, no gating of
 * P1/P2 at L2, a lower confidence floor) is a configuration error, and the functions fail closed
 * on it (triage routes to human review, handlers refuse to act). Stricter values are honoured.
 */

type Flag = boolean | 'n/a';
type Threshold = number | 'n/a';

export interface MaturityRow {
  name: string;
  actionExecutionEnabled: boolean;
  gatingRequiredP1P2: Flag;
  gatingRequiredP3P4: Flag;
  displayRecommendations: boolean;
  autoRegressionEnabled: boolean;
  accuracyThreshold: Threshold;
  minConfidenceAuto: Threshold;
}

/**
 * A copy of rules/maturity.yaml, the one definition of Table 3: the bundled Lambda cannot read it at
 * run time. test/maturity/table3-copies.test.ts fails when the two differ.
 */
export const TABLE_3: readonly MaturityRow[] = [
  {
    name: 'shadow',
    actionExecutionEnabled: false,
    gatingRequiredP1P2: 'n/a',
    gatingRequiredP3P4: 'n/a',
    displayRecommendations: false,
    autoRegressionEnabled: false,
    accuracyThreshold: 'n/a',
    minConfidenceAuto: 'n/a',
  },
  {
    name: 'assisted',
    actionExecutionEnabled: false,
    gatingRequiredP1P2: true,
    gatingRequiredP3P4: true,
    displayRecommendations: true,
    autoRegressionEnabled: false,
    accuracyThreshold: 'n/a',
    minConfidenceAuto: 'n/a',
  },
  {
    name: 'supervised',
    actionExecutionEnabled: true,
    gatingRequiredP1P2: true,
    gatingRequiredP3P4: false,
    displayRecommendations: true,
    autoRegressionEnabled: true,
    accuracyThreshold: 0.9,
    minConfidenceAuto: 0.85,
  },
  {
    name: 'autonomous',
    actionExecutionEnabled: true,
    gatingRequiredP1P2: false,
    gatingRequiredP3P4: false,
    displayRecommendations: true,
    autoRegressionEnabled: true,
    accuracyThreshold: 0.95,
    minConfidenceAuto: 0.8,
  },
];

export interface Maturity extends MaturityRow {
  level: 0 | 1 | 2 | 3;
}

export const MATURITY_VARIABLES = [
  'MATURITY_LEVEL',
  'ACTION_EXECUTION_ENABLED',
  'GATING_REQUIRED_P1_P2',
  'GATING_REQUIRED_P3_P4',
  'DISPLAY_RECOMMENDATIONS',
  'AUTO_REGRESSION_ENABLED',
  'ACCURACY_THRESHOLD',
  'MIN_CONFIDENCE_AUTO',
] as const;

function raw(env: Env, name: string): string {
  const v = env[name];
  if (v === undefined || v.trim() === '') throw new ConfigError(`maturity setting ${name} is missing`);
  return v.trim().toLowerCase();
}

function bool(env: Env, name: string): boolean {
  const v = raw(env, name);
  if (v === 'true' || v === 'false') return v === 'true';
  throw new ConfigError(`maturity setting ${name} must be "true" or "false", got ${JSON.stringify(env[name])}`);
}

function flag(env: Env, name: string): Flag {
  return raw(env, name) === 'n/a' ? 'n/a' : bool(env, name);
}

function threshold(env: Env, name: string): Threshold {
  const v = raw(env, name);
  if (v === 'n/a') return 'n/a';
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(v))
    throw new ConfigError(`maturity setting ${name} must be a number in [0,1] or "n/a", got ${JSON.stringify(env[name])}`);
  return Number(v);
}

/** Parses and checks the eight settings; throws ConfigError when one is malformed or too loose. */
export function parseMaturity(env: Env): Maturity {
  const levelText = raw(env, 'MATURITY_LEVEL');
  if (!/^[0-3]$/.test(levelText)) throw new ConfigError(`MATURITY_LEVEL must be 0, 1, 2 or 3, got ${JSON.stringify(env.MATURITY_LEVEL)}`);
  const level = Number(levelText) as 0 | 1 | 2 | 3;
  const table = TABLE_3[level]!;
  const got: Maturity = {
    level,
    name: table.name,
    actionExecutionEnabled: bool(env, 'ACTION_EXECUTION_ENABLED'),
    gatingRequiredP1P2: flag(env, 'GATING_REQUIRED_P1_P2'),
    gatingRequiredP3P4: flag(env, 'GATING_REQUIRED_P3_P4'),
    displayRecommendations: bool(env, 'DISPLAY_RECOMMENDATIONS'),
    autoRegressionEnabled: bool(env, 'AUTO_REGRESSION_ENABLED'),
    accuracyThreshold: threshold(env, 'ACCURACY_THRESHOLD'),
    minConfidenceAuto: threshold(env, 'MIN_CONFIDENCE_AUTO'),
  };
  const looser: string[] = [];
  if (got.actionExecutionEnabled && !table.actionExecutionEnabled) looser.push('ACTION_EXECUTION_ENABLED');
  if (looserFlag(got.gatingRequiredP1P2, table.gatingRequiredP1P2)) looser.push('GATING_REQUIRED_P1_P2');
  if (looserFlag(got.gatingRequiredP3P4, table.gatingRequiredP3P4)) looser.push('GATING_REQUIRED_P3_P4');
  if (got.displayRecommendations && !table.displayRecommendations) looser.push('DISPLAY_RECOMMENDATIONS');
  if (!got.autoRegressionEnabled && table.autoRegressionEnabled) looser.push('AUTO_REGRESSION_ENABLED');
  if (looserThreshold(got.accuracyThreshold, table.accuracyThreshold)) looser.push('ACCURACY_THRESHOLD');
  if (looserThreshold(got.minConfidenceAuto, table.minConfidenceAuto)) looser.push('MIN_CONFIDENCE_AUTO');
  if (looser.length > 0) {
    throw new ConfigError(`maturity settings looser than Table 3 allows at level ${level} (${table.name}): ${looser.join(', ')}`);
  }
  return got;
}

// A flag Table 3 requires (true) may not be false or n/a; where Table 3 says n/a anything goes.
const looserFlag = (got: Flag, table: Flag): boolean => table === true && got !== true;
// A threshold Table 3 sets may not be lowered or dropped.
const looserThreshold = (got: Threshold, table: Threshold): boolean => table !== 'n/a' && (got === 'n/a' || got < table);

/** Whether Table 3 (as configured) requires human approval for this severity; n/a counts as required. */
export function gatingRequired(m: Maturity, severity: Severity): boolean {
  const f = severity === 'P1' || severity === 'P2' ? m.gatingRequiredP1P2 : m.gatingRequiredP3P4;
  return f !== false;
}

/** The environment subset to pass on, e.g. in audit details. */
export function maturitySummary(m: Maturity): Record<string, unknown> {
  return { level: m.level, name: m.name, action_execution_enabled: m.actionExecutionEnabled };
}

/**
 * The settings, or the error that makes them unusable. Functions that must keep running on a bad
 * configuration (triage records incidents for people; handlers refuse every action; the config
 * manager dispatches nothing) hold the error instead of failing their cold start.
 */
export function maturityOrError(env: Env, onError: (e: Error) => void): Maturity | Error {
  try {
    return parseMaturity(env);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    onError(err);
    return err;
  }
}
