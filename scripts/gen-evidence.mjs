#!/usr/bin/env node
// Writes the maturity evidence fixtures (fixtures/evidence/) deterministically: no randomness, fixed
// dates, so every boundary case is exactly at its boundary. Run: node scripts/gen-evidence.mjs [DIR]
// test/maturity/fixtures.test.ts regenerates into a temp dir and asserts the committed files match.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const DAY = 86_400_000;
const NEWEST = Date.parse('2025-06-30T12:00:00Z');
const COLUMNS = [
  'incident_id',
  'timestamp',
  'agent_severity',
  'human_severity',
  'agent_action',
  'human_action',
  'confidence',
  'outcome',
  'mim_false_positive',
];

/** A reviewed, agreeing, approved P3 decision; `over` changes what a case needs. */
function row(id, time, over = {}) {
  return {
    incident_id: id,
    timestamp: new Date(time).toISOString().replace('.000Z', 'Z'),
    agent_severity: 'P3',
    human_severity: 'P3',
    agent_action: 'create_incident',
    human_action: 'create_incident',
    confidence: 0.8,
    outcome: 'approved',
    mim_false_positive: false,
    ...over,
  };
}

/** n rows spread over the 28 days before NEWEST (row 0 is the newest). */
function spread(prefix, n, over = () => ({})) {
  return Array.from({ length: n }, (_, i) =>
    row(`${prefix}-${String(i).padStart(4, '0')}`, NEWEST - (i % 28) * DAY - (i % 60) * 60_000, over(i)),
  );
}

/** Reviewed rows where the first `disagree` have the human say P4 instead of P3. */
const agreement = (prefix, n, disagree) => spread(prefix, n, (i) => (i < disagree ? { human_severity: 'P4' } : {}));

/** Unreviewed shadow rows (count in the window and the average confidence, not in agreement). */
const shadow = (prefix, n) => spread(prefix, n, () => ({ human_severity: '', human_action: '', outcome: 'shadow' }));

/** `days` days of 10 reviewed rows each, ending at NEWEST's day; `agreeOn(day)` = agreeing rows that day. */
function daily(prefix, days, agreeOn) {
  const rows = [];
  for (let d = 0; d < days; d++) {
    const dayStart = NEWEST - (days - 1 - d) * DAY;
    for (let j = 0; j < 10; j++) {
      rows.push(
        row(
          `${prefix}-d${String(d).padStart(2, '0')}-${j}`,
          dayStart + j * 60_000,
          j < agreeOn(d) ? { outcome: 'auto' } : { human_severity: 'P4', outcome: 'auto' },
        ),
      );
    }
  }
  return rows;
}

const jsonl = (rows) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
function csvField(v) {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const csv = (rows, columns = COLUMNS) =>
  [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c] ?? '')).join(','))].join('\n') + '\n';

const files = {
  // L0 -> L1: agreement exactly 85% on exactly 200 reviewed incidents (eligible)
  'l0-agreement-85.jsonl': jsonl(agreement('a85', 200, 30)),
  'l0-agreement-85.csv': csv(agreement('a85', 200, 30)),
  // one agreeing decision short: 169/200 = 0.845
  'l0-agreement-845.jsonl': jsonl(agreement('a845', 200, 31)),
  // 1% short: 168/200 = 0.84
  'l0-agreement-84.jsonl': jsonl(agreement('a84', 200, 32)),
  // 199 reviewed incidents (all agreeing) plus 60 unreviewed: 259 rows but only 199 incidents measured
  'l0-199-incidents.jsonl': jsonl([...agreement('r199', 199, 0), ...shadow('s199', 60)]),
  'l0-200-incidents.jsonl': jsonl(agreement('r200', 200, 0)),
  // average confidence exactly 0.75 from 0.7 and 0.8 halves (floating point sums must not decide)
  'l0-confidence-075.jsonl': jsonl(spread('c75', 200, (i) => ({ confidence: i % 2 ? 0.7 : 0.8 }))),
  // 0.74965: row 0 at 0.73 instead of 0.8 in an otherwise exact 0.75 set
  'l0-confidence-under.jsonl': jsonl(spread('c74', 200, (i) => ({ confidence: i === 0 ? 0.73 : i % 2 ? 0.7 : 0.8 }))),
  // rows older than the 30-day window would fail the agreement; they must not count
  'l0-old-rows.jsonl': jsonl([
    ...agreement('new', 200, 0),
    ...Array.from({ length: 100 }, (_, i) => row(`old-${i}`, NEWEST - 40 * DAY - i * 60_000, { human_severity: 'P4' })),
  ]),
  // L1 -> L2: override rate exactly 15% (30 of 200 judged), no P1/P2 misclassification
  'l1-override-15.jsonl': jsonl(spread('o15', 200, (i) => (i < 20 ? { outcome: 'modified' } : i < 30 ? { outcome: 'rejected' } : {}))),
  'l1-override-155.jsonl': jsonl(spread('o155', 200, (i) => (i < 31 ? { outcome: 'modified' } : {}))),
  // a single P1 misclassification (agent said P3, human P1) in otherwise eligible evidence
  'l1-one-p1-miss.jsonl': jsonl(spread('p1', 200, (i) => (i === 7 ? { human_severity: 'P1', outcome: 'modified' } : {}))),
  // L2 -> L3: P1/P2 approval exactly 95% (95 of 100), MIM declarations that were warranted
  'l2-approval-95.jsonl': jsonl([
    ...spread('p12', 100, (i) => ({
      agent_severity: i % 2 ? 'P1' : 'P2',
      human_severity: i % 2 ? 'P1' : 'P2',
      outcome: i < 5 ? 'modified' : 'approved',
    })),
    ...spread('mim', 10, () => ({
      agent_severity: 'P1',
      human_severity: 'P1',
      agent_action: 'declare_mim',
      human_action: 'declare_mim',
      outcome: 'auto',
    })),
  ]),
  // ... and one false-positive MIM declaration
  'l2-fp-mim.jsonl': jsonl([
    ...spread('p12', 100, () => ({ agent_severity: 'P1', human_severity: 'P1', outcome: 'approved' })),
    row('mim-fp', NEWEST - DAY, {
      agent_severity: 'P1',
      human_severity: 'P1',
      agent_action: 'declare_mim',
      human_action: 'declare_mim',
      outcome: 'auto',
      mim_false_positive: true,
    }),
  ]),
  // L3: 30 days x 10 decisions; days 10..16 at 80% accuracy (7 in a row: regression due),
  // overall accuracy 286/300 = 0.9533 (the ongoing requirement alone would hold)
  'l3-regression-7days.jsonl': jsonl(daily('reg7', 30, (d) => (d >= 10 && d <= 16 ? 8 : 10))),
  // 6 bad days, then a day at exactly 90% (not < 90%): no regression
  'l3-regression-6days.jsonl': jsonl(daily('reg6', 30, (d) => (d >= 10 && d <= 15 ? 8 : d === 16 ? 9 : 10))),
  // trust components on every row: T = 0.5C + 0.15B + 0.25H + 0.1E
  'trust.jsonl': jsonl(spread('t', 10, (i) => ({ confidence: 0.9, C: 0.9, B: i / 10, H: 0.8, E: 1 }))),
};

// Malformed JSON Lines: every kind of bad row at a known line (see test/maturity/evidence.test.ts).
const good = (id, over) => JSON.stringify(row(id, NEWEST - DAY, over));
files['malformed.jsonl'] =
  [
    good('m-1'), // 1 ok
    '{"incident_id": "m-2", "timestamp": ', // 2 bad JSON
    good('m-3', { agent_severity: 'P5' }), // 3 unknown severity
    good('m-4', { confidence: 1.2 }), // 4 confidence outside [0,1]
    good('m-5', { timestamp: '2025-02-30T10:00:00Z' }), // 5 no such day
    good('m-6', { timestamp: '30/06/2025 10:00' }), // 6 not RFC 3339
    '', // 7 blank: skipped
    good('m-1'), // 8 duplicate of line 1
    good('m-9', { agent_action: 'declare_mim', mim_false_positive: '' }), // 9 MIM without verdict
    good('m-10', { outcome: 'ignored', human_action: 'escalate' }), // 10 two bad fields
    '[1, 2]', // 11 not an object
    good('m-12', { timestamp: '2025-06-29T14:00:00+02:00' }), // 12 ok (offset)
  ].join('\n') + '\n';

// Malformed CSV: quoting errors, a field count error, and a valid multi-line quoted field.
const C = (r) => COLUMNS.map((c) => csvField(r[c] ?? '')).join(',');
files['malformed.csv'] =
  [
    COLUMNS.join(','), // 1 header
    C(row('c-1', NEWEST - DAY)), // 2 ok
    `"c-2,with comma",2025-06-29T12:00:00Z,P3,P3,page,page,0.8,approved,false`, // 3 ok (quoted comma)
    `"c-3"x,2025-06-29T12:00:00Z,P3,P3,page,page,0.8,approved,false`, // 4 text after a closing quote
    `c-4,2025-06-29T12:00:00Z,P3,P3,page,page,0.8,approved`, // 5 8 fields for 9 columns
    `c"5,2025-06-29T12:00:00Z,P3,P3,page,page,0.8,approved,false`, // 6 quote in an unquoted field
    `"c-6`, // 7 a record spanning two lines:
    `second line",2025-06-29T12:00:00Z,P3,P3,page,page,0.8,approved,false`, // 8 (id has a newline; ok)
    `c-7,2025-06-29T12:00:00Z,P3,P3,page,page,abc,approved,TRUE`, // 9 confidence not a number
    `c-8,2025-06-29T12:00:00Z,P3,P3,page,page,0.8,approved,false`, // 10 ok
    `"c-9,2025-06-29T12:00:00Z,P3,P3,page,page,0.8,approved,false`, // 11 unterminated quote
    `c-10,2025-06-29T12:00:00Z,P3,P3,page,page,0.8,approved,false`, // 12 ok (read after the bad quote)
  ].join('\r\n') + '\r\n';

files['all-bad.jsonl'] = ['not json', '{"incident_id": 1}'].join('\n') + '\n';
files['empty.jsonl'] = '';
files['wrong-header.csv'] = 'id,when,severity\n1,2025-06-30T12:00:00Z,P3\n';

const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'evidence');
mkdirSync(out, { recursive: true });
for (const [name, content] of Object.entries(files)) writeFileSync(join(out, name), content);
process.stdout.write(`wrote ${Object.keys(files).length} evidence files to ${out}\n`);
