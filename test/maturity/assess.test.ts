import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assess, describeCriterion, type Assessment } from '../../src/maturity/assess.js';
import { buildEvidenceSet, readEvidenceFile, type RawRecord } from '../../src/maturity/evidence.js';
import type { Level } from '../../src/maturity/table.js';

const FIX = join(import.meta.dirname, '../../fixtures/evidence');
const run = async (name: string, current: Level, opts: { windowDays?: number; allowInvalid?: boolean } = {}): Promise<Assessment> =>
  assess(await readEvidenceFile(join(FIX, name)), { current, ...opts });
const crit = (a: Assessment, id: string) => a.criteria.find((c) => c.id === id)!;

describe('L0 -> L1', () => {
  it('agreement exactly 85% on exactly 200 incidents is eligible', async () => {
    const a = await run('l0-agreement-85.jsonl', 0);
    expect(a).toMatchObject({ current_level: 0, target_level: 1, eligible: true });
    expect(a.window).toMatchObject({
      from: '2025-05-31T12:00:00.000Z',
      to: '2025-06-30T12:00:00.000Z',
      rows: 200,
      dropped: 0,
      reviewed: 200,
    });
    expect(a.criteria.map(({ id, value, op, threshold, pass }) => ({ id, value, op, threshold, pass }))).toEqual([
      { id: 'agreement_rate', value: 0.85, op: '>=', threshold: 0.85, pass: true },
      { id: 'reviewed_incidents', value: 200, op: '>=', threshold: 200, pass: true },
      { id: 'average_confidence', value: 0.8, op: '>=', threshold: 0.75, pass: true },
      { id: 'rows_dropped', value: 0, op: '==', threshold: 0, pass: true },
    ]);
    expect(crit(a, 'agreement_rate')).toMatchObject({ numerator: 170, denominator: 200 });
  });

  it('the CSV export of the same rows gives the same verdict', async () => {
    const a = await run('l0-agreement-85.csv', 0);
    expect(a.eligible).toBe(true);
    expect(crit(a, 'agreement_rate').value).toBe(0.85);
  });

  it('one agreeing decision short (84.5%) fails, saying by how much', async () => {
    const a = await run('l0-agreement-845.jsonl', 0);
    expect(a.eligible).toBe(false);
    const c = crit(a, 'agreement_rate');
    expect(c).toMatchObject({ value: 0.845, pass: false, gap: 0.005, numerator: 169 });
    expect(describeCriterion(c)).toBe('agreement_rate 0.845 (169/200) >= 0.85, short by 0.005 (1 more of 200 needed)');
    const b = await run('l0-agreement-84.jsonl', 0);
    expect(crit(b, 'agreement_rate')).toMatchObject({ value: 0.84, pass: false, gap: 0.01 });
  });

  it('199 reviewed incidents fail even with 259 rows in the window; 200 pass', async () => {
    const a = await run('l0-199-incidents.jsonl', 0);
    expect(a.window.rows).toBe(259);
    expect(crit(a, 'reviewed_incidents')).toMatchObject({ value: 199, pass: false, gap: 1 });
    expect(crit(a, 'agreement_rate')).toMatchObject({ value: 1, pass: true });
    expect(a.eligible).toBe(false);
    expect((await run('l0-200-incidents.jsonl', 0)).eligible).toBe(true);
  });

  it('average confidence exactly 0.75 passes despite floating point; 0.74965 fails', async () => {
    expect(crit(await run('l0-confidence-075.jsonl', 0), 'average_confidence')).toMatchObject({ value: 0.75, pass: true });
    expect(crit(await run('l0-confidence-under.jsonl', 0), 'average_confidence')).toMatchObject({ value: 0.74965, pass: false });
  });

  it('rows older than the window do not count; a shorter window excludes more', async () => {
    const a = await run('l0-old-rows.jsonl', 0);
    expect(a.window).toMatchObject({ rows: 200, outside_window: 100 });
    expect(a.eligible).toBe(true);
    const wide = await run('l0-old-rows.jsonl', 0, { windowDays: 45 });
    expect(wide.window.rows).toBe(300);
    expect(crit(wide, 'agreement_rate')).toMatchObject({ value: 0.666666666667, pass: false });
    const narrow = await run('l0-200-incidents.jsonl', 0, { windowDays: 7 });
    expect(narrow.window.rows).toBeLessThan(200);
    expect(crit(narrow, 'reviewed_incidents').pass).toBe(false);
  });
});

describe('L1 -> L2', () => {
  it('override exactly 15% passes, 15.5% fails', async () => {
    const a = await run('l1-override-15.jsonl', 1);
    expect(a).toMatchObject({ target_level: 2, eligible: true });
    expect(crit(a, 'override_rate')).toMatchObject({ value: 0.15, numerator: 30, denominator: 200, pass: true });
    expect(crit(a, 'p1_p2_misclassifications')).toMatchObject({ value: 0, pass: true });
    const b = await run('l1-override-155.jsonl', 1);
    expect(crit(b, 'override_rate')).toMatchObject({ value: 0.155, pass: false, gap: 0.005 });
    expect(describeCriterion(crit(b, 'override_rate'))).toContain('over by 0.005');
  });

  it('a single P1 misclassification refuses the promotion', async () => {
    const a = await run('l1-one-p1-miss.jsonl', 1);
    expect(crit(a, 'override_rate').pass).toBe(true);
    expect(crit(a, 'p1_p2_misclassifications')).toMatchObject({ value: 1, op: '<=', threshold: 0, pass: false });
    expect(a.eligible).toBe(false);
  });
});

describe('L2 -> L3 and L3', () => {
  it('P1/P2 approval exactly 95% with warranted MIMs passes; one false-positive MIM fails', async () => {
    const a = await run('l2-approval-95.jsonl', 2);
    expect(crit(a, 'p1_p2_approval_rate')).toMatchObject({ value: 0.95, numerator: 95, denominator: 100, pass: true });
    expect(crit(a, 'false_positive_mim')).toMatchObject({ value: 0, pass: true });
    expect(a.eligible).toBe(true);
    const b = await run('l2-fp-mim.jsonl', 2);
    expect(crit(b, 'false_positive_mim')).toMatchObject({ value: 1, pass: false });
    expect(b.eligible).toBe(false);
  });

  it('7 consecutive days under 90% make regression due at L3 and list the days', async () => {
    const a = await run('l3-regression-7days.jsonl', 3);
    expect(a).toMatchObject({ target_level: 3, transition: '3 ongoing', eligible: false });
    expect(crit(a, 'accuracy')).toMatchObject({ value: 0.953333333333, pass: true });
    expect(crit(a, 'regression_rule')).toMatchObject({ value: 7, op: '<', threshold: 7, pass: false });
    expect(a.regression).toMatchObject({ due: true, longest_run: 7, target_level: 2 });
    expect(a.regression!.runs).toHaveLength(1);
    expect(a.regression!.runs[0]).toMatchObject({ from: '2025-06-11', to: '2025-06-17' });
    expect(a.regression!.runs[0]!.days.map((d) => d.accuracy)).toEqual([0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]);
  });

  it('6 bad days followed by a day at exactly 90% do not', async () => {
    const a = await run('l3-regression-6days.jsonl', 3);
    expect(a.regression).toMatchObject({ due: false, longest_run: 6, runs: [] });
    expect(a.eligible).toBe(true);
  });

  it('the regression rule also applies at L2', async () => {
    const a = await run('l3-regression-7days.jsonl', 2);
    expect(a.regression).toMatchObject({ due: true, target_level: 1 });
    expect(crit(a, 'regression_rule').pass).toBe(false);
  });
});

describe('bad and thin evidence', () => {
  it('refuses a promotion when rows were dropped, unless --allow-invalid', async () => {
    const a = await run('malformed.jsonl', 0);
    expect(a.window).toMatchObject({ rows: 2, dropped: 9, malformed: 8, duplicates: 1 });
    expect(crit(a, 'rows_dropped')).toMatchObject({ value: 9, pass: false });
    expect(crit(a, 'rows_dropped').reason).toMatch(/9 row\(s\) dropped \(8 malformed, 1 duplicate\)/);
    const b = await run('malformed.jsonl', 0, { allowInvalid: true });
    expect(crit(b, 'rows_dropped')).toMatchObject({ pass: true, reason: expect.stringMatching(/--allow-invalid/) });
    expect(b.eligible).toBe(false); // 2 rows are far from 200 incidents
  });

  it('no valid rows is unusable evidence, not a verdict', async () => {
    await expect(run('all-bad.jsonl', 0)).rejects.toThrow(/no valid rows to assess \(2 dropped; first: line 1: bad JSON/);
  });

  it('a rate over nothing fails with a reason instead of being computed', () => {
    const raw = (id: string, over: Record<string, unknown>): RawRecord => ({
      origin: { file: 'x', line: 1 },
      fields: {
        incident_id: id,
        timestamp: '2025-06-30T00:00:00Z',
        agent_severity: 'P3',
        agent_action: 'page',
        confidence: 0.9,
        outcome: 'shadow',
        ...over,
      },
    });
    const ev = buildEvidenceSet({ kind: 'file', name: 'x', format: 'jsonl' }, [raw('a', {}), raw('b', {})]);
    const l0 = assess(ev, { current: 0 });
    expect(crit(l0, 'agreement_rate')).toMatchObject({ value: null, pass: false, reason: expect.stringMatching(/no reviewed rows/) });
    const l1 = assess(ev, { current: 1 });
    expect(crit(l1, 'override_rate')).toMatchObject({ value: null, pass: false });
    expect(crit(l1, 'p1_p2_misclassifications')).toMatchObject({
      value: 0,
      pass: false,
      reason: expect.stringMatching(/no reviewed rows/),
    });
    const l2 = assess(ev, { current: 2 });
    expect(crit(l2, 'p1_p2_approval_rate')).toMatchObject({ value: null, pass: false });
    expect(crit(l2, 'regression_rule').pass).toBe(true);
    expect(assess(ev, { current: 3 }).eligible).toBe(false);
    expect(() => assess(ev, { current: 0, windowDays: 0 })).toThrow(/window-days/);
  });

  it('gives the trust score distribution when rows carry the components', async () => {
    const a = await run('trust.jsonl', 0);
    // T = 0.45 + 0.15*B + 0.2 + 0.1 with B = 0, 0.1, ... 0.9
    expect(a.trust_score).toEqual({ rows: 10, min: 0.75, p50: 0.81, p90: 0.87, mean: 0.8175, max: 0.885 });
    expect((await run('l0-200-incidents.jsonl', 0)).trust_score).toBeNull();
  });

  it('bins the trust score in 20 bins over [0, 1] for the histogram (a score on a bin edge goes up)', async () => {
    const a = await run('trust.jsonl', 0);
    expect(a.trust_histogram).toHaveLength(20);
    expect(a.trust_histogram![15]).toEqual({ from: 0.75, to: 0.8, count: 4 });
    expect(a.trust_histogram!.filter((b) => b.count > 0).map((b) => [b.from, b.count])).toEqual([
      [0.75, 4],
      [0.8, 3],
      [0.85, 3],
    ]);
    expect((await run('l0-200-incidents.jsonl', 0)).trust_histogram).toBeNull();
  });

  it('carries the daily agreement of every day of the window for the chart', async () => {
    const a = await run('l3-regression-7days.jsonl', 3);
    expect(a.daily).toHaveLength(30);
    expect(a.daily.filter((d) => d.accuracy !== null && d.accuracy < 0.9).map((d) => d.day)).toEqual(
      a.regression!.runs[0]!.days.map((d) => d.day),
    );
  });
});
