import { parse, type CsvError as ParseError } from 'csv-parse/sync';

/**
 * RFC 4180 CSV, read with csv-parse, keeping line numbers so a bad row can be reported as
 * `file:line`. Quoted fields may hold commas, doubled quotes and line breaks (the record's line is
 * where it starts); `\n`, `\r\n` and `\r` all end a record, and blank lines are skipped. A malformed
 * record is reported and skipped, and reading resumes at the next physical line (csv-parse stops at
 * its first error, so it is started again there): one stray quote costs one row, not the rest of
 * the file. Messages are ours, by error code: csv-parse's quote the offending text, and an error
 * never quotes the file's content.
 */

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvError {
  line: number;
  message: string;
}

const MESSAGES: Record<string, string> = {
  CSV_INVALID_CLOSING_QUOTE: 'unexpected character after a closing quote',
  INVALID_OPENING_QUOTE: 'quote inside an unquoted field (quote the whole field and double the inner quotes)',
  CSV_QUOTE_NOT_CLOSED: 'unterminated quoted field',
};

// Blank lines are kept (one empty field each) so that every record's line can be counted: a record
// spans one line plus the line breaks inside its quoted fields.
const OPTIONS = { record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true };

/**
 * Each malformed record restarts csv-parse (about 150 us each, more when an open quote runs to the
 * end of the file): past this many, the file is refused rather than read for minutes.
 */
export const MAX_CSV_ERRORS = 1000;

/** `gaveUp`: more than MAX_CSV_ERRORS malformed records; the rest of the file was not read. */
export function parseCsv(text: string): { records: CsvRecord[]; errors: CsvError[]; gaveUp?: boolean } {
  const buf = Buffer.from(text, 'utf8');
  const lines = new LineIndex(buf);
  const records: CsvRecord[] = [];
  const errors: CsvError[] = [];
  let line = 1;
  while (lines.startOf(line) < buf.length) {
    const { rows, error } = readFrom(buf.subarray(lines.startOf(line)));
    for (const fields of rows) {
      if (fields.length > 1 || fields[0] !== '' || !lines.isBlank(line)) records.push({ line, fields });
      line += 1 + fields.reduce((n, f) => n + lineBreaks(f), 0);
    }
    if (!error) break;
    errors.push({ line, message: MESSAGES[error.code] ?? `unreadable record (${error.code})` });
    if (errors.length > MAX_CSV_ERRORS) return { records, errors, gaveUp: true };
    // The record's text as read ends with the character at fault: resume on the line after it. An
    // unterminated quote was read to the end of the file: resume after the record's first line.
    const raw = error.code === 'CSV_QUOTE_NOT_CLOSED' || typeof error.raw !== 'string' ? '' : error.raw;
    const upTo = Math.max(0, Buffer.byteLength(raw) - 1);
    line = lines.lineOf(lines.startOf(line) + upTo) + 1;
  }
  return { records, errors };
}

/** The records csv-parse reads from `input`, up to its first error if any. */
function readFrom(input: Buffer): { rows: string[][]; error?: ParseError } {
  try {
    return { rows: parse(input, OPTIONS) };
  } catch {
    // The sync API gives nothing on an error: read again, keeping the records as they come, and with
    // `raw`, so that the error carries the record's text up to the fault (`raw` also makes csv-parse
    // hand on_record `{ record, raw }`, which its types do not say).
    const rows: string[][] = [];
    try {
      const keep = (rec: string[]): null => {
        rows.push((rec as unknown as { record: string[] }).record);
        return null;
      };
      parse(input, { ...OPTIONS, raw: true, on_record: keep });
      return { rows };
    } catch (e) {
      return { rows, error: e as ParseError };
    }
  }
}

const lineBreaks = (s: string): number => (s.includes('\n') || s.includes('\r') ? (s.match(/\r\n|\r|\n/g)?.length ?? 0) : 0);

const CR = 0x0d;
const LF = 0x0a;

/** Where each physical line starts, in bytes (`\r\n`, `\n` and `\r` each end a line). */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly buf: Buffer) {
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (c === CR && buf[i + 1] === LF) i++;
      if (c === CR || c === LF) this.starts.push(i + 1);
    }
  }

  /** The 1-based line holding byte `offset`. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Byte offset where 1-based line `line` starts; the end of the input past the last line. */
  startOf(line: number): number {
    return this.starts[line - 1] ?? this.buf.length;
  }

  /** Whether the line holds nothing before its line break. */
  isBlank(line: number): boolean {
    const c = this.buf[this.startOf(line)];
    return c === undefined || c === CR || c === LF;
  }
}
