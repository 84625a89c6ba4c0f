import type { EvidenceProblem, EvidenceSet, EvidenceSource } from './evidence.js';
import { EvidenceError } from './evidence.js';
import {
  computeMetrics,
  dailyAccuracy,
  DEFAULT_WINDOW_DAYS,
  regressionCheck,
  round12,
  selectWindow,
  trustDistribution,
  trustHistogram,
  type DayAccuracy,
  type Metrics,
  type Ratio,
  type RegressionCheck,
  type TrustDistribution,
} from './metrics.js';
import { LEVEL_NAMES, type Level } from './table.js';

/**
 * The entry criteria of shared/spec/invariants.md, judged on the evidence for the transition out of
 * the current level (at L3: the ongoing requirement). Decisions the spec leaves open:
 * - "on at least 200 incidents" counts the REVIEWED rows in the window: agreement is measured only
 *   on reviewed rows, so that is the number of incidents it was measured on.
 * - the regression rule (daily accuracy < 0.90 for 7 consecutive days) applies at L2 and L3.
 * - a count criterion that needs reviews (zero P1/P2 misclassification) fails when nothing was
 *   reviewed: absence of errors over no reviews proves nothing.
 * - rows dropped as malformed or duplicate refuse the promotion unless --allow-invalid.
 */

export type Op = '>=' | '<=' | '==' | '<';

export const MIN_REVIEWED_INCIDENTS = 200;

export interface Criterion {
  id: string;
  description: string;
  value: number | null;
  op: Op;
  threshold: number;
  pass: boolean;
  numerator?: number;
  denominator?: number;
  /** Why it failed without a value, or a note on how it passed. */
  reason?: string;
  /** How far the value is from the threshold when it fails (always positive). */
  gap?: number;
}

export interface Assessment {
  current_level: Level;
  current_name: string;
  target_level: Level;
  target_name: string;
  /** `0->1`, or `3 ongoing`. */
  transition: string;
  source: EvidenceSource;
  window: {
    from: string;
    to: string;
    days: number;
    rows: number;
    reviewed: number;
    dropped: number;
    malformed: number;
    duplicates: number;
    outside_window: number;
  };
  criteria: Criterion[];
  eligible: boolean;
  metrics: Metrics;
  regression?: RegressionCheck & { target_level: Level };
  trust_score: TrustDistribution | null;
  /** The trust score's distribution in equal bins over [0, 1] (the HTML report's histogram); null as trust_score. */
  trust_histogram: { from: number; to: number; count: number }[] | null;
  /** Agreement (the accuracy at L3) per UTC day of the window, from its first row's day to its last (no reviews: null). */
  daily: DayAccuracy[];
  problems: EvidenceProblem[];
  allow_invalid: boolean;
}

export interface AssessOptions {
  current: Level;
  windowDays?: number;
  allowInvalid?: boolean;
}

export function assess(ev: EvidenceSet, opts: AssessOptions): Assessment {
  const windowDays = opts.windowDays ?? DEFAULT_WINDOW_DAYS;
  if (!Number.isInteger(windowDays) || windowDays < 1)
    throw new EvidenceError(`--window-days must be a whole number of days >= 1 (got ${windowDays})`);
  if (ev.rows.length === 0) {
    throw new EvidenceError(
      `${ev.source.name}: no valid rows to assess (${ev.problems.length} dropped${ev.problems[0] ? `; first: line ${ev.problems[0].line}: ${ev.problems[0].message}` : ''})`,
    );
  }
  const current = opts.current;
  const allowInvalid = opts.allowInvalid ?? false;
  const win = selectWindow(ev.rows, windowDays);
  const m = computeMetrics(win.rows);
  const criteria = transitionCriteria(current, m);
  let regression: Assessment['regression'];
  if (current >= 2) {
    const r = regressionCheck(win.rows);
    regression = { ...r, target_level: (current - 1) as Level };
    criteria.push({
      id: 'regression_rule',
      description: `no run of ${r.consecutive_days} consecutive days with daily accuracy < ${r.threshold} (else regression to L${current - 1})`,
      value: r.longest_run,
      op: '<',
      threshold: r.consecutive_days,
      pass: !r.due,
      ...(r.due
        ? { reason: `regression due: ${r.runs.map((x) => `${x.from}..${x.to}`).join(', ')}`, gap: r.longest_run - r.consecutive_days + 1 }
        : {}),
    });
  }
  const malformed = ev.problems.filter((p) => p.kind === 'malformed').length;
  const duplicates = ev.problems.filter((p) => p.kind === 'duplicate').length;
  const dropped = malformed + duplicates;
  criteria.push({
    id: 'rows_dropped',
    description: 'no evidence row was dropped as malformed or duplicate (or --allow-invalid)',
    value: dropped,
    op: '==',
    threshold: 0,
    pass: dropped === 0 || allowInvalid,
    ...(dropped > 0
      ? {
          reason: allowInvalid
            ? `${dropped} row(s) dropped, accepted by --allow-invalid`
            : `${dropped} row(s) dropped (${malformed} malformed, ${duplicates} duplicate): fix them or pass --allow-invalid`,
          gap: dropped,
        }
      : {}),
  });
  const target = (current === 3 ? 3 : current + 1) as Level;
  return {
    current_level: current,
    current_name: LEVEL_NAMES[current],
    target_level: target,
    target_name: LEVEL_NAMES[target],
    transition: current === 3 ? '3 ongoing' : `${current}->${target}`,
    source: ev.source,
    window: {
      from: win.from,
      to: win.to,
      days: windowDays,
      rows: win.rows.length,
      reviewed: m.reviewed,
      dropped,
      malformed,
      duplicates,
      outside_window: ev.rows.length - win.rows.length,
    },
    criteria,
    eligible: criteria.every((c) => c.pass),
    metrics: m,
    ...(regression ? { regression } : {}),
    trust_score: trustDistribution(win.rows),
    trust_histogram: trustHistogram(win.rows),
    daily: dailyAccuracy(win.rows),
    problems: ev.problems,
    allow_invalid: allowInvalid,
  };
}

/** The criteria to leave each level (at L3: the ongoing requirement), as in rules/maturity.yaml. */
export const TRANSITION_CRITERIA: Record<
  Level,
  { id: keyof Metrics | 'reviewed_incidents'; op: Op; threshold: number; description: string }[]
> = {
  0: [
    { id: 'agreement_rate', op: '>=', threshold: 0.85, description: 'agent severity and action agree with the human on reviewed rows' },
    {
      id: 'reviewed_incidents',
      op: '>=',
      threshold: MIN_REVIEWED_INCIDENTS,
      description: `agreement measured on at least ${MIN_REVIEWED_INCIDENTS} reviewed incidents`,
    },
    { id: 'average_confidence', op: '>=', threshold: 0.75, description: 'mean model confidence over all rows in the window' },
  ],
  1: [
    { id: 'override_rate', op: '<=', threshold: 0.15, description: 'modified or rejected over approved, modified or rejected' },
    {
      id: 'p1_p2_misclassifications',
      op: '<=',
      threshold: 0,
      description: 'reviewed rows where agent or human says P1/P2 and they differ',
    },
  ],
  2: [
    { id: 'p1_p2_approval_rate', op: '>=', threshold: 0.95, description: 'approved over judged rows with human_severity P1/P2' },
    { id: 'false_positive_mim', op: '<=', threshold: 0, description: 'MIM declarations found unwarranted by review' },
  ],
  3: [{ id: 'accuracy', op: '>=', threshold: 0.95, description: 'agreement rate over the window (L3 ongoing requirement)' }],
};

function transitionCriteria(current: Level, m: Metrics): Criterion[] {
  return TRANSITION_CRITERIA[current].map(({ id, op, threshold, description }) => {
    if (id === 'reviewed_incidents') return countCriterion(id, description, m.reviewed, op, threshold);
    const metric = m[id];
    if (typeof metric !== 'number') return rateCriterion(id, description, metric, op, threshold);
    const c = countCriterion(id, description, metric, op, threshold);
    // zero misclassifications over zero reviews shows nothing
    return id === 'p1_p2_misclassifications' ? needsReviews(c, m.reviewed) : c;
  });
}

export function compare(value: number, op: Op, threshold: number): boolean {
  const v = round12(value);
  switch (op) {
    case '>=':
      return v >= threshold;
    case '<=':
      return v <= threshold;
    case '==':
      return v === threshold;
    case '<':
      return v < threshold;
  }
}

function rateCriterion(id: string, description: string, r: Ratio, op: Op, threshold: number): Criterion {
  const base = { id, description, op, threshold, numerator: r.numerator, denominator: r.denominator };
  if (r.value === null) return { ...base, value: null, pass: false, reason: `not computed: ${r.reason ?? 'no data'}` };
  return withGap({ ...base, value: r.value, pass: compare(r.value, op, threshold) });
}

function countCriterion(id: string, description: string, value: number, op: Op, threshold: number): Criterion {
  return withGap({ id, description, value, op, threshold, pass: compare(value, op, threshold) });
}

function needsReviews(c: Criterion, reviewed: number): Criterion {
  if (reviewed > 0) return c;
  return { ...c, pass: false, reason: 'not computed: no reviewed rows, so the absence of misclassification is not shown' };
}

function withGap(c: Criterion): Criterion {
  if (c.pass || c.value === null) return c;
  return { ...c, gap: round12(Math.abs(c.value - c.threshold)) };
}

/** `agreement_rate 0.845 >= 0.85: FAIL, short by 0.005 (169/200)` and the like, for text reports. */
export function describeCriterion(c: Criterion): string {
  const v = c.value === null ? 'n/a' : fmt(c.value);
  const frac = c.denominator !== undefined && c.id !== 'average_confidence' ? ` (${c.numerator}/${c.denominator})` : '';
  let tail = '';
  if (!c.pass && c.value !== null && c.gap !== undefined && c.id !== 'rows_dropped' && c.id !== 'regression_rule') {
    tail = c.op === '>=' ? `, short by ${fmt(c.gap)}` : c.op === '<=' ? `, over by ${fmt(c.gap)}` : `, off by ${fmt(c.gap)}`;
    const more = neededToPass(c);
    if (more) tail += ` (${more})`;
  }
  if (c.reason) tail += `: ${c.reason}`;
  return `${c.id} ${v}${frac} ${c.op} ${fmt(c.threshold)}${tail}`;
}

/** For a rate below its threshold: how many more agreeing rows of the same total it would take. */
function neededToPass(c: Criterion): string | undefined {
  if (c.op !== '>=' || c.numerator === undefined || !c.denominator || c.id === 'average_confidence') return undefined;
  const need = Math.ceil(round12(c.threshold * c.denominator)) - c.numerator;
  return need > 0 ? `${need} more of ${c.denominator} needed` : undefined;
}

export const fmt = (x: number): string => String(round12(x));
