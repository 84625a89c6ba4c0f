import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/maturity/csv.js';
import { EvidenceError, readEvidenceFile } from '../../src/maturity/evidence.js';

const ROOT = join(import.meta.dirname, '../..');
const FIX = join(ROOT, 'fixtures/evidence');
const fx = (name: string): string => join(FIX, name);

describe('RFC 4180 CSV reader', () => {
  it('reads quoted commas, doubled quotes, embedded line breaks and CRLF with start lines', () => {
    const { records, errors } = parseCsv('a,b,c\r\n"x,1","say ""hi""","two\r\nlines"\r\n\r\nlast,,\r\n');
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x,1', 'say "hi"', 'two\r\nlines'] },
      { line: 5, fields: ['last', '', ''] },
    ]);
  });

  it('keeps a final record without a newline and an empty quoted field', () => {
    expect(parseCsv('a,""\nb,c').records).toEqual([
      { line: 1, fields: ['a', ''] },
      { line: 2, fields: ['b', 'c'] },
    ]);
  });

  it('reports bad quoting at the record line and resumes on the next line', () => {
    const { records, errors } = parseCsv('ok,1\n"bad"x,2\nb"ad,3\n"open,4\nafter,5\n');
    expect(errors).toEqual([
      { line: 2, message: 'unexpected character after a closing quote' },
      { line: 3, message: expect.stringMatching(/quote inside an unquoted field/) },
      { line: 4, message: 'unterminated quoted field' },
    ]);
    expect(records.map((r) => r.fields[0])).toEqual(['ok', 'after']);
    expect(records[1]!.line).toBe(5);
  });
});

describe('evidence files', () => {
  it('match what scripts/gen-evidence.mjs writes (fixtures are generated, not hand-edited)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ztait-evidence-'));
    execFileSync(process.execPath, [join(ROOT, 'scripts/gen-evidence.mjs'), dir]);
    const names = readdirSync(dir).sort();
    expect(readdirSync(FIX).sort()).toEqual(names);
    for (const n of names) expect(readFileSync(join(FIX, n), 'utf8'), n).toBe(readFileSync(join(dir, n), 'utf8'));
  });

  it('reads JSON Lines and CSV of the same rows alike', async () => {
    const a = await readEvidenceFile(fx('l0-agreement-85.jsonl'));
    const b = await readEvidenceFile(fx('l0-agreement-85.csv'));
    expect(a.source.format).toBe('jsonl');
    expect(b.source.format).toBe('csv');
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
    const strip = (rows: typeof a.rows) => rows.map(({ origin: _o, ...r }) => r);
    expect(strip(b.rows)).toEqual(strip(a.rows));
    expect(a.rows[0]).toMatchObject({
      incidentId: 'a85-0000',
      day: '2025-06-30',
      humanSeverity: 'P4',
      confidence: 0.8,
      mimFalsePositive: false,
    });
    expect(a.source.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports every malformed JSON line with file:line, drops it, and counts a duplicate once', async () => {
    const file = fx('malformed.jsonl');
    const ev = await readEvidenceFile(file);
    expect(ev.rows.map((r) => r.incidentId)).toEqual(['m-1', 'm-12']);
    expect(ev.rows[1]!.time).toBe(Date.parse('2025-06-29T12:00:00Z'));
    const byLine = Object.fromEntries(ev.problems.map((p) => [p.line, `${p.kind}: ${p.message}`]));
    expect(ev.problems.every((p) => p.file === file)).toBe(true);
    expect(Object.keys(byLine).map(Number)).toEqual([2, 3, 4, 5, 6, 8, 9, 10, 11]);
    expect(byLine[2]).toMatch(/^malformed: bad JSON/);
    expect(byLine[3]).toBe('malformed: agent_severity "P5" is not one of P1, P2, P3, P4, noise');
    expect(byLine[4]).toBe('malformed: confidence 1.2 is outside [0,1]');
    expect(byLine[5]).toMatch(/timestamp "2025-02-30T10:00:00Z" is not an RFC 3339 date-time/);
    expect(byLine[6]).toMatch(/timestamp "30\/06\/2025 10:00"/);
    expect(byLine[8]).toMatch(/^duplicate: duplicate incident_id "m-1" \(first at .*malformed\.jsonl:1\); counted once/);
    expect(byLine[9]).toBe('malformed: mim_false_positive is empty on a declare_mim row');
    expect(byLine[10]).toMatch(/human_action "escalate" is not one of .*; outcome "ignored" is not one of/);
    expect(byLine[11]).toMatch(/one JSON object/);
  });

  it('reports CSV quoting and field count errors at the line the record starts', async () => {
    const file = fx('malformed.csv');
    const ev = await readEvidenceFile(file);
    expect(ev.rows.map((r) => [r.incidentId, r.origin.line])).toEqual([
      ['c-1', 2],
      ['c-2,with comma', 3],
      ['c-6\r\nsecond line', 7],
      ['c-8', 10],
      ['c-10', 12],
    ]);
    expect(ev.problems.map((p) => [p.line, p.message])).toEqual([
      [4, 'bad CSV: unexpected character after a closing quote'],
      [5, 'bad CSV: 8 fields where the header has 9'],
      [6, expect.stringMatching(/^bad CSV: quote inside an unquoted field/)],
      [9, 'confidence "abc" is not a number'],
      [11, 'bad CSV: unterminated quoted field'],
    ]);
  });

  it('refuses unusable files: missing, empty, wrong CSV header', async () => {
    await expect(readEvidenceFile(fx('nope.jsonl'))).rejects.toThrow(/cannot read evidence file .*no such file/);
    await expect(readEvidenceFile(fx('empty.jsonl'))).rejects.toThrow(/has no rows/);
    await expect(readEvidenceFile(fx('wrong-header.csv'))).rejects.toThrow(/lacks the column\(s\) incident_id, timestamp, agent_severity/);
    await expect(readEvidenceFile(fx('wrong-header.csv'))).rejects.toBeInstanceOf(EvidenceError);
  });

  it('detects the format by content when the extension says nothing, and validates calendars and offsets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ztait-ev-'));
    const base = {
      incident_id: 'x',
      agent_severity: 'noise',
      human_severity: null,
      agent_action: 'log_only',
      human_action: null,
      confidence: '0.5',
      outcome: 'shadow',
      mim_false_positive: 'FALSE',
    };
    const lines = [
      { ...base, incident_id: 'leap', timestamp: '2024-02-29T23:30:00.250-01:00' },
      { ...base, incident_id: 'noleap', timestamp: '2025-02-29T00:00:00Z' },
      { ...base, incident_id: 'hour', timestamp: '2025-01-01T24:00:00Z' },
      { ...base, incident_id: 'neg', confidence: -0.1, timestamp: '2025-01-01T00:00:00Z' },
      { ...base, incident_id: '', timestamp: '2025-01-01T00:00:00Z' },
    ];
    writeFileSync(join(dir, 'export.txt'), lines.map((l) => JSON.stringify(l)).join('\n'));
    const ev = await readEvidenceFile(join(dir, 'export.txt'));
    expect(ev.source.format).toBe('jsonl');
    expect(ev.rows).toHaveLength(1);
    expect(ev.rows[0]).toMatchObject({ incidentId: 'leap', day: '2024-03-01', humanSeverity: null, confidence: 0.5 });
    expect(ev.rows[0]!.time).toBe(Date.parse('2024-03-01T00:30:00.250Z'));
    expect(ev.problems.map((p) => p.line)).toEqual([2, 3, 4, 5]);
    expect(ev.problems[3]!.message).toMatch(/incident_id is missing/);
  });

  it('reads trust components and rejects an incomplete set', async () => {
    const ev = await readEvidenceFile(fx('trust.jsonl'));
    expect(ev.rows[3]!.trust).toEqual({ c: 0.9, b: 0.3, h: 0.8, e: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'ztait-ev-'));
    const r = JSON.parse(readFileSync(fx('trust.jsonl'), 'utf8').split('\n')[0]!) as Record<string, unknown>;
    delete r.H;
    const noC = { ...JSON.parse(readFileSync(fx('trust.jsonl'), 'utf8').split('\n')[1]!), C: undefined, trust_b: 0.5, B: undefined };
    writeFileSync(join(dir, 'e.jsonl'), `${JSON.stringify(r)}\n${JSON.stringify(noC)}\n`);
    const bad = await readEvidenceFile(join(dir, 'e.jsonl'));
    expect(bad.problems).toEqual([expect.objectContaining({ line: 1, message: 'trust components incomplete: H missing' })]);
    expect(bad.rows[0]!.trust).toEqual({ c: 0.9, b: 0.5, h: 0.8, e: 1 });
  });
});
