import { describe, expect, it } from 'vitest';
import { MAX_CSV_ERRORS, parseCsv } from '../../src/maturity/csv.js';

// Edge cases of the CSV reader beyond evidence.test.ts. The expected values are what the
// hand-written reader gave before csv-parse replaced it (checked on both, and by 300,000 random
// inputs on which the two agreed): line numbers and the resumption after an error are ours, not
// csv-parse's, so they are pinned here.
const lines = (text: string) => {
  const { records, errors } = parseCsv(text);
  return { records: records.map((r) => [r.line, ...r.fields]), errors: errors.map((e) => [e.line, e.message]) };
};

describe('CSV reader (csv-parse, with our line numbers and recovery)', () => {
  it('ends records at \\n, \\r\\n and \\r alike, in one file', () => {
    expect(lines('a,b\nc,d\r\ne,f\rg,h').records).toEqual([
      [1, 'a', 'b'],
      [2, 'c', 'd'],
      [3, 'e', 'f'],
      [4, 'g', 'h'],
    ]);
  });

  it('skips blank lines of any ending but keeps a quoted empty field', () => {
    expect(lines('h\n\n\r\n\r"",x\n')).toEqual({
      records: [
        [1, 'h'],
        [5, '', 'x'],
      ],
      errors: [],
    });
  });

  it('counts lines inside quoted fields, doubled quotes and non-ASCII text included', () => {
    expect(lines('a,"b\n""c""\nd",e\nnext\n').records).toEqual([
      [1, 'a', 'b\n"c"\nd', 'e'],
      [4, 'next'],
    ]);
    expect(lines('é,"ü\r\nñ"\n"ö"x\nlast\n')).toEqual({
      records: [
        [1, 'é', 'ü\r\nñ'],
        [4, 'last'],
      ],
      errors: [[3, 'unexpected character after a closing quote']],
    });
  });

  it('reports a fault on a later line of a record at its first line, and resumes after the faulty line', () => {
    expect(lines('ok,1\n"a\r\nb\r\nc"x,2\nz,9\n')).toEqual({
      records: [
        [1, 'ok', '1'],
        [5, 'z', '9'],
      ],
      errors: [[2, 'unexpected character after a closing quote']],
    });
    expect(lines('ok,1\nx,"a"b,c\nd,"e\nf"g\nnext,2\n')).toEqual({
      records: [
        [1, 'ok', '1'],
        [5, 'next', '2'],
      ],
      errors: [
        [2, 'unexpected character after a closing quote'],
        [3, 'unexpected character after a closing quote'],
      ],
    });
  });

  it('resumes after the first line of an unterminated quoted field, and quotes nothing of the file', () => {
    const r = parseCsv('"open SECRET\nno closing here\n');
    expect(r.records).toEqual([{ line: 2, fields: ['no closing here'] }]);
    expect(r.errors).toEqual([{ line: 1, message: 'unterminated quoted field' }]);
    const bad = parseCsv('x,SECRET"y\n"SECRET"z\n');
    expect(bad.errors.map((e) => e.line)).toEqual([1, 2]);
    expect(JSON.stringify(bad.errors)).not.toContain('SECRET');
  });

  it('gives nothing for an empty input', () => {
    expect(parseCsv('')).toEqual({ records: [], errors: [] });
  });
});

describe('a file made of malformed records', () => {
  it('is given up after MAX_CSV_ERRORS errors, not read for minutes', () => {
    const text = `a,b\n${'x"y,1\n'.repeat(MAX_CSV_ERRORS + 50)}`;
    const r = parseCsv(text);
    expect(r.gaveUp).toBe(true);
    expect(r.errors).toHaveLength(MAX_CSV_ERRORS + 1);
    expect(parseCsv(`a,b\n${'x"y,1\n'.repeat(10)}`).gaveUp).toBeUndefined();
  });
});
