/**
 * A small RFC 4180 CSV reader that keeps line numbers, so a bad row can be reported as `file:line`.
 * Quoted fields may hold commas, doubled quotes and line breaks (the record's line is where it
 * starts). A malformed record is reported and skipped; reading resumes at the next physical line, so
 * one stray quote costs one row, not the rest of the file. No CSV package is a dependency of the
 * project, and what the evidence needs is this much.
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

export function parseCsv(text: string): { records: CsvRecord[]; errors: CsvError[] } {
  const records: CsvRecord[] = [];
  const errors: CsvError[] = [];
  const n = text.length;
  const lineStarts = physicalLineStarts(text);
  let i = 0;
  let line = 1;
  const isNewline = (c: string | undefined): boolean => c === '\n' || c === '\r';
  const consumeNewline = (): void => {
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    line++;
  };

  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let quotedAny = false;
    let error: string | undefined;
    let restart = false;
    for (;;) {
      if (text[i] === '"') {
        quotedAny = true;
        i++;
        let value = '';
        let closed = false;
        while (i < n) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\r' && text[i + 1] === '\n') {
            value += '\r\n';
            i += 2;
            line++;
            continue;
          }
          if (isNewline(c)) line++;
          value += c;
          i++;
        }
        if (!closed) {
          error = 'unterminated quoted field';
          restart = true;
          break;
        }
        fields.push(value);
        if (i >= n) break;
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (isNewline(text[i])) {
          consumeNewline();
          break;
        }
        error = 'unexpected character after a closing quote'; // which one is the file's content: not quoted
        break;
      }
      let j = i;
      while (j < n && text[j] !== ',' && !isNewline(text[j]) && text[j] !== '"') j++;
      if (text[j] === '"') {
        error = 'quote inside an unquoted field (quote the whole field and double the inner quotes)';
        i = j;
        break;
      }
      fields.push(text.slice(i, j));
      i = j;
      if (i >= n) break;
      if (text[i] === ',') {
        i++;
        continue;
      }
      consumeNewline();
      break;
    }
    if (error !== undefined) {
      errors.push({ line: startLine, message: error });
      if (restart) {
        // the quote may have swallowed every later line: resume right after the record's first line
        line = startLine + 1;
        i = lineStarts[startLine] ?? n;
      } else {
        while (i < n && !isNewline(text[i])) i++;
        if (i < n) consumeNewline();
      }
      continue;
    }
    const blank = !quotedAny && fields.length === 1 && fields[0] === '';
    if (!blank) records.push({ line: startLine, fields });
  }
  return { records, errors };
}

/** Offsets where each physical line starts: index k is the start of line k+1. */
function physicalLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' && text[i + 1] === '\n') i++;
    if (c === '\n' || c === '\r') starts.push(i + 1);
  }
  return starts;
}
