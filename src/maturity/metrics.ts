import type { EvidenceRow } from './evidence.js';

/**
 * The metrics of shared/spec/maturity.md, exactly as defined there, over a window of rows. A rate
 * whose denominator is zero has no value (null) and says why: it is never computed over nothing.
 */

export interface Ratio {
  numerator: number;
  denominator: number;
  value: number | null;
  reason?: string;
}

export interface Metrics {
  rows: number;
  reviewed: number;
  agreement_rate: Ratio;
  average_confidence: Ratio;
  override_rate: Ratio;
  p1_p2_misclassifications: number;
  p1_p2_approval_rate: Ratio;
  false_positive_mim: number;
  /** The agreement rate over the window: the L3 requirement. */
  accuracy: Ratio;
}

export interface Window {
  from: string;
  to: string;
  days: number;
  rows: EvidenceRow[];
}

const DAY_MS = 86_400_000;

/** Binary floating point noise must not decide a threshold: compare at 12 decimal places. */
export const round12 = (x: number): number => Math.round(x * 1e12) / 1e12;

/** The `days` days ending at the newest row: rows with from < time <= newest. */
export function selectWindow(rows: readonly EvidenceRow[], days: number): Window {
  const to = rows.reduce((m, r) => Math.max(m, r.time), -Infinity);
  const from = to - days * DAY_MS;
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    days,
    rows: rows.filter((r) => r.time > from && r.time <= to),
  };
}

function ratio(numerator: number, denominator: number, emptyReason: string): Ratio {
  if (denominator === 0) return { numerator, denominator, value: null, reason: emptyReason };
  return { numerator, denominator, value: round12(numerator / denominator) };
}

const isP1P2 = (s: string | null): boolean => s === 'P1' || s === 'P2';
const reviewedRows = (rows: readonly EvidenceRow[]): EvidenceRow[] => rows.filter((r) => r.humanSeverity !== null);
const agrees = (r: EvidenceRow): boolean => r.agentSeverity === r.humanSeverity && r.agentAction === r.humanAction;

/** Reviewed rows where agent and human agree on both severity and action, over reviewed rows. */
export function agreementRate(rows: readonly EvidenceRow[]): Ratio {
  const reviewed = reviewedRows(rows);
  return ratio(reviewed.filter(agrees).length, reviewed.length, 'no reviewed rows (human_severity empty everywhere)');
}

export function computeMetrics(rows: readonly EvidenceRow[]): Metrics {
  const reviewed = reviewedRows(rows);
  const agreement = agreementRate(rows);
  const judged = rows.filter((r) => r.outcome === 'approved' || r.outcome === 'modified' || r.outcome === 'rejected');
  const judgedP1P2 = judged.filter((r) => isP1P2(r.humanSeverity));
  const confidenceSum = rows.reduce((s, r) => s + r.confidence, 0);
  return {
    rows: rows.length,
    reviewed: reviewed.length,
    agreement_rate: agreement,
    average_confidence: {
      numerator: round12(confidenceSum),
      denominator: rows.length,
      ...(rows.length === 0 ? { value: null, reason: 'no rows' } : { value: round12(confidenceSum / rows.length) }),
    },
    override_rate: ratio(
      judged.filter((r) => r.outcome !== 'approved').length,
      judged.length,
      'no row with outcome approved, modified or rejected',
    ),
    p1_p2_misclassifications: reviewed.filter(
      (r) => (isP1P2(r.agentSeverity) || isP1P2(r.humanSeverity)) && r.agentSeverity !== r.humanSeverity,
    ).length,
    p1_p2_approval_rate: ratio(
      judgedP1P2.filter((r) => r.outcome === 'approved').length,
      judgedP1P2.length,
      'no row with human_severity P1/P2 and outcome approved, modified or rejected',
    ),
    false_positive_mim: rows.filter((r) => r.agentAction === 'declare_mim' && r.mimFalsePositive).length,
    accuracy: agreement,
  };
}

export interface DayAccuracy {
  day: string;
  reviewed: number;
  accuracy: number | null;
}

/** Accuracy per UTC day, every calendar day of the window's span (days without reviews: null). */
export function dailyAccuracy(rows: readonly EvidenceRow[]): DayAccuracy[] {
  if (rows.length === 0) return [];
  const byDay = new Map<string, EvidenceRow[]>();
  for (const r of rows) {
    const list = byDay.get(r.day);
    if (list) list.push(r);
    else byDay.set(r.day, [r]);
  }
  const days = [...byDay.keys()].sort();
  const out: DayAccuracy[] = [];
  for (let t = Date.parse(days[0]!); t <= Date.parse(days[days.length - 1]!); t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    const a = agreementRate(byDay.get(day) ?? []);
    out.push({ day, reviewed: a.denominator, accuracy: a.value });
  }
  return out;
}

export interface RegressionCheck {
  threshold: number;
  consecutive_days: number;
  /** True when some run of consecutive bad days is at least `consecutive_days` long. */
  due: boolean;
  longest_run: number;
  /** Each run of bad days long enough to trigger the regression, with its days. */
  runs: { from: string; to: string; days: DayAccuracy[] }[];
  /** Days in the window without a reviewed row: they break a run (nothing was measured). */
  days_without_reviews: string[];
}

/**
 * The automatic regression rule: accuracy under `threshold` on `consecutive` calendar days in a row.
 * A day without reviewed rows has no accuracy, so it is not a bad day and it ends a run.
 */
export const REGRESSION_RULE = { threshold: 0.9, consecutiveDays: 7 } as const;
export const DEFAULT_WINDOW_DAYS = 30;

export function regressionCheck(
  rows: readonly EvidenceRow[],
  threshold: number = REGRESSION_RULE.threshold,
  consecutive: number = REGRESSION_RULE.consecutiveDays,
): RegressionCheck {
  const days = dailyAccuracy(rows);
  const runs: DayAccuracy[][] = [];
  let current: DayAccuracy[] = [];
  for (const d of days) {
    if (d.accuracy !== null && d.accuracy < threshold) current.push(d);
    else {
      if (current.length > 0) runs.push(current);
      current = [];
    }
  }
  if (current.length > 0) runs.push(current);
  const triggering = runs.filter((r) => r.length >= consecutive);
  return {
    threshold,
    consecutive_days: consecutive,
    due: triggering.length > 0,
    longest_run: runs.reduce((m, r) => Math.max(m, r.length), 0),
    runs: triggering.map((r) => ({ from: r[0]!.day, to: r[r.length - 1]!.day, days: r })),
    days_without_reviews: days.filter((d) => d.accuracy === null).map((d) => d.day),
  };
}

export interface TrustDistribution {
  rows: number;
  min: number;
  p50: number;
  p90: number;
  mean: number;
  max: number;
}

/** T = 0.50*C + 0.15*B + 0.25*H + 0.10*E. */
export const TRUST_WEIGHTS = { c: 0.5, b: 0.15, h: 0.25, e: 0.1 } as const;
export const trustScore = (t: { c: number; b: number; h: number; e: number }): number =>
  round12(TRUST_WEIGHTS.c * t.c + TRUST_WEIGHTS.b * t.b + TRUST_WEIGHTS.h * t.h + TRUST_WEIGHTS.e * t.e);

/** Bins of the trust-score histogram: [0, 0.05), [0.05, 0.1), ... [0.95, 1] (the last bin holds 1). */
export const TRUST_BINS = 20;

/** How many rows' T fall in each of TRUST_BINS equal bins over [0, 1]; null when no row carries the components. */
export function trustHistogram(rows: readonly EvidenceRow[]): { from: number; to: number; count: number }[] | null {
  const scores = rows.flatMap((r) => (r.trust ? [trustScore(r.trust)] : []));
  if (scores.length === 0) return null;
  const counts = new Array<number>(TRUST_BINS).fill(0);
  // (round12: 0.15 * 20 is 3, not 2.9999999999999996)
  for (const s of scores) counts[Math.min(TRUST_BINS - 1, Math.max(0, Math.floor(round12(s * TRUST_BINS))))]! += 1;
  return counts.map((count, i) => ({ from: round12(i / TRUST_BINS), to: round12((i + 1) / TRUST_BINS), count }));
}

/** Distribution of T over the rows that carry the components (percentiles by nearest rank); null when none do. */
export function trustDistribution(rows: readonly EvidenceRow[]): TrustDistribution | null {
  const scores = rows.flatMap((r) => (r.trust ? [trustScore(r.trust)] : [])).sort((a, b) => a - b);
  if (scores.length === 0) return null;
  const rank = (p: number): number => scores[Math.max(0, Math.ceil(p * scores.length) - 1)]!;
  return {
    rows: scores.length,
    min: scores[0]!,
    p50: rank(0.5),
    p90: rank(0.9),
    mean: round12(scores.reduce((s, x) => s + x, 0) / scores.length),
    max: scores[scores.length - 1]!,
  };
}
