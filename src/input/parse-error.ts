/**
 * Parse errors of input files, described without quoting the file. V8's JSON.parse messages
 * quote the text around the error (`Unexpected token 'x', "AKIA..." is not valid JSON`), and the
 * file may hold anything, a secret included: every message here is a fixed phrase plus the
 * position, so a report or a CI log never shows the file's bytes.
 */

export interface TextPosition {
  /** 1-based line. */
  line: number;
  /** 1-based column, in UTF-16 code units from the start of the line. */
  column: number;
}

export interface JsonProblem extends TextPosition {
  /** A fixed phrase: what kind of problem, never text from the input. */
  kind: string;
  /** The text stops before the document is complete (a cut-off download, a partial write). */
  truncated: boolean;
}

/** V8's messages (Node 20 and later), mapped to fixed phrases; anything else is a syntax error. */
const KINDS: [RegExp, string][] = [
  [/^Unexpected end of JSON input/, 'the text ends before the document is complete'],
  [/^Unexpected token/, 'unexpected character'],
  [/^Expected (double-quoted )?property name/, 'expected a property name in double quotes'],
  [/^Expected ':' after property name/, "expected ':' after a property name"],
  [/^Expected ',' or '\]' after array element/, "expected ',' or ']' after an array element"],
  [/^Expected ',' or '}' after property value/, "expected ',' or '}' after a property value"],
  [/^Bad control character in string literal/, 'a control character inside a string'],
  [/^Bad escaped character/, 'an invalid escape sequence in a string'],
  [/^Bad Unicode escape/, 'an invalid \\u escape in a string'],
  [/^Unterminated string/, 'an unterminated string'],
  [/^Unexpected non-whitespace character after JSON/, 'more text after the end of the JSON document'],
  [/^(No number after minus sign|Exponent part is missing a number|Unterminated fractional number)/, 'a malformed number'],
];

/** Parses JSON text; on failure, where and what kind of problem, never the text. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problem: JsonProblem } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, problem: jsonProblem(text, e) };
  }
}

/** Describes an error JSON.parse threw on `text`. */
export function jsonProblem(text: string, e: unknown): JsonProblem {
  const message = e instanceof Error ? e.message : '';
  const kind = KINDS.find(([re]) => re.test(message))?.[1] ?? 'a syntax error';
  const offset = Math.min(errorOffset(text, message), text.length);
  const truncated = offset >= text.trimEnd().length;
  return { ...positionAt(text, offset), kind: truncated ? KINDS[0]![1] : kind, truncated };
}

/** `FILE:LINE:COL: is not valid JSON (KIND)`: the one-line message for a file that is not JSON. */
export function jsonErrorMessage(file: string, problem: JsonProblem): string {
  return `${file}:${problem.line}:${problem.column}: is not valid JSON (${problem.kind})`;
}

/** Line and column of a UTF-16 offset. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** A prefix that fails only because it stops early (it is the start of some valid document). */
function endsEarly(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (e) {
    const message = e instanceof Error ? e.message : '';
    const m = /position (\d+)/.exec(message);
    return /^Unexpected end/.test(message) || (m !== null && Number(m[1]) >= prefix.length);
  }
}

/**
 * Where JSON.parse failed. V8 gives a position for most errors; for an unexpected character it
 * quotes the text instead, so the first failing character is found by bisection: every prefix
 * before it merely ends early, every one after it fails (about 30 parses for 100 MB).
 */
function errorOffset(text: string, message: string): number {
  const m = /at position (\d+)/.exec(message);
  if (m) return Number(m[1]);
  if (/^Unexpected end/.test(message)) return text.length;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (endsEarly(text.slice(0, mid + 1))) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The `yaml` package's commonest error codes in words; the others as they are, lower-cased. */
const YAML_KINDS: Record<string, string> = {
  BAD_INDENT: 'bad indentation',
  TAB_AS_INDENT: 'a tab used as indentation',
  MISSING_CHAR: 'a character is missing (a closing quote or bracket, or a colon)',
  DUPLICATE_KEY: 'a key appears twice',
  UNEXPECTED_TOKEN: 'unexpected text',
  MULTILINE_IMPLICIT_KEY: 'a key spans more than one line',
  BLOCK_AS_IMPLICIT_KEY: 'a nested mapping where a key is expected',
};

/** A YAML (the `yaml` package) error code as words: its message would quote the file. */
export function yamlErrorKind(code: unknown): string {
  if (typeof code !== 'string' || !/^[A-Z_]{1,40}$/.test(code)) return 'a syntax error';
  return YAML_KINDS[code] ?? code.toLowerCase().replace(/_/g, ' ');
}
