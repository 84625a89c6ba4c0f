import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCsv } from '../../src/maturity/csv.js';
import { buildEvidenceSet, type EvidenceRow } from '../../src/maturity/evidence.js';
import { computeMetrics, dailyAccuracy, regressionCheck } from '../../src/maturity/metrics.js';

function rows(specs: Record<string, unknown>[]): EvidenceRow[] {
  const set = buildEvidenceSet(
    { kind: 'file', name: 'mem', format: 'jsonl' },
    specs.map((s, i) => ({
      origin: { file: 'mem', line: i + 1 },
      fields: {
        incident_id: `i${i}`,
        timestamp: '2025-06-30T10:00:00Z',
        agent_severity: 'P3',
        human_severity: 'P3',
        agent_action: 'page',
        human_action: 'page',
        confidence: 0.5,
        outcome: 'approved',
        mim_false_positive: false,
        ...s,
      },
    })),
  );
  expect(set.problems).toEqual([]);
  return set.rows;
}

describe('metric definitions (shared/spec/maturity.md)', () => {
  it('agreement needs both severity and action; unreviewed rows are not in it', () => {
    const m = computeMetrics(
      rows([{}, { human_action: 'create_incident' }, { human_severity: 'P4' }, { human_severity: '', human_action: '' }]),
    );
    expect(m.reviewed).toBe(3);
    expect(m.agreement_rate).toMatchObject({ numerator: 1, denominator: 3 });
    expect(m.accuracy).toEqual(m.agreement_rate);
  });

  it('average confidence is over all rows, reviewed or not', () => {
    expect(computeMetrics(rows([{ confidence: 1 }, { confidence: 0, human_severity: '' }])).average_confidence.value).toBe(0.5);
  });

  it('override rate counts modified and rejected over approved, modified and rejected only', () => {
    const m = computeMetrics(
      rows([{ outcome: 'approved' }, { outcome: 'modified' }, { outcome: 'rejected' }, { outcome: 'shadow' }, { outcome: 'auto' }]),
    );
    expect(m.override_rate).toMatchObject({ numerator: 2, denominator: 3 });
  });

  it('a P1/P2 misclassification is a reviewed severity difference touching P1 or P2 on either side', () => {
    const m = computeMetrics(
      rows([
        { agent_severity: 'P1', human_severity: 'P1', human_action: 'declare_mim' }, // same severity: not one
        { agent_severity: 'P2', human_severity: 'P3' },
        { agent_severity: 'P4', human_severity: 'P1' },
        { agent_severity: 'P3', human_severity: 'P4' }, // neither side P1/P2
        { agent_severity: 'P1', human_severity: '', human_action: '' }, // not reviewed
      ]),
    );
    expect(m.p1_p2_misclassifications).toBe(2);
  });

  it('P1/P2 approval rate is over judged rows whose HUMAN severity is P1/P2', () => {
    const m = computeMetrics(
      rows([
        { human_severity: 'P1', agent_severity: 'P1', outcome: 'approved' },
        { human_severity: 'P2', agent_severity: 'P2', outcome: 'rejected' },
        { human_severity: 'P2', agent_severity: 'P2', outcome: 'auto' },
        { human_severity: 'P3', agent_severity: 'P1', outcome: 'approved' },
      ]),
    );
    expect(m.p1_p2_approval_rate).toMatchObject({ numerator: 1, denominator: 2, value: 0.5 });
  });

  it('false-positive MIM counts only declare_mim rows marked unwarranted', () => {
    const m = computeMetrics(
      rows([
        { agent_action: 'declare_mim', human_action: 'declare_mim', mim_false_positive: true },
        { agent_action: 'declare_mim', human_action: 'declare_mim', mim_false_positive: false },
        { agent_action: 'page', mim_false_positive: true },
      ]),
    );
    expect(m.false_positive_mim).toBe(1);
  });

  it('daily accuracy uses UTC days, and a day without reviews breaks a run of bad days', () => {
    const bad = (day: string) => ({ timestamp: `${day}T23:30:00-01:00`, human_severity: 'P4' }); // next UTC day
    const r = rows([bad('2025-06-01'), bad('2025-06-02'), { timestamp: '2025-06-04T12:00:00Z', human_severity: 'P4' }]);
    expect(dailyAccuracy(r).map((d) => [d.day, d.accuracy])).toEqual([
      ['2025-06-02', 0],
      ['2025-06-03', 0],
      ['2025-06-04', 0],
    ]);
    expect(regressionCheck(r, 0.9, 3).due).toBe(true);
    const gap = rows([
      { timestamp: '2025-06-01T12:00:00Z', human_severity: 'P4' },
      { timestamp: '2025-06-03T12:00:00Z', human_severity: 'P4' },
    ]);
    expect(regressionCheck(gap, 0.9, 2)).toMatchObject({ due: false, longest_run: 1, days_without_reviews: ['2025-06-02'] });
  });
});

describe('CSV reader round trip (property)', () => {
  it('reads back any table written by RFC 4180 rules', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é') });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (table, crlf) => {
          const quote = (f: string): string => (/[",\r\n]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f);
          const text = table.map((r) => r.map(quote).join(',')).join(crlf ? '\r\n' : '\n');
          const { records, errors } = parseCsv(text);
          expect(errors).toEqual([]);
          expect(records.map((r) => r.fields)).toEqual(table);
        },
      ),
      { numRuns: 300 },
    );
  });
});
