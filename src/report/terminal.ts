/**
 * Text for terminals and CI logs. Names, values and messages come from the pull request: a
 * newline, a carriage return or an ESC sequence in them would let it write its own lines into the
 * log (a fake `PASSED`, a GitHub `::error::` or `::add-mask::` workflow command, an Azure
 * `##vso[...]` logging command) or repaint the screen. Every such character is shown as a visible
 * escape instead, so a line of output is always one line, and it starts with ztait's own text.
 */

/**
 * What is escaped: C0 controls (tab and newline included), DEL, C1 controls, the line and
 * paragraph separators U+2028/U+2029, the bidirectional overrides, embeddings and isolates
 * (U+202A-U+202E, U+2066-U+2069) and marks (U+200E, U+200F, U+061C) that reorder what a reader
 * sees, and the byte order mark U+FEFF.
 */
// eslint-disable-next-line no-control-regex -- the control characters are what it finds
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * CI logging commands the runner recognises anywhere in a line (Azure Pipelines `##vso[`, the
 * older `##[` form): the second `#` is shown escaped so that the text no longer parses as one.
 */
const CI_ANYWHERE = /##(?=(?:vso)?\[)/gi;

function visible(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One piece of input text, safe inside a line of terminal or log output. */
export function escapeControl(s: string): string {
  if (!needsEscape(s)) return s;
  UNSAFE.lastIndex = 0;
  return s.replace(UNSAFE, visible).replace(CI_ANYWHERE, '#\\x23');
}

/** The fast test: most strings hold no control character and no `#`. */
function needsEscape(s: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s) || s.includes('##');
}

/**
 * A copy of a value (the result object) with every string, keys included, escaped for a
 * terminal; the value itself when nothing needed escaping. Statuses, ids and counts hold no
 * control character, so they are unchanged.
 */
export function escapeDeep<T>(value: T): T {
  // a report of 10,000 resources holds some 50,000 strings: copied only where one needs escaping
  return needsDeep(value) ? (walk(value) as T) : value;
}

function needsDeep(v: unknown): boolean {
  if (typeof v === 'string') return needsEscape(v);
  if (Array.isArray(v)) return v.some(needsDeep);
  if (v !== null && typeof v === 'object') {
    for (const k in v) if (needsEscape(k) || needsDeep((v as Record<string, unknown>)[k])) return true;
  }
  return false;
}

function walk(v: unknown): unknown {
  if (typeof v === 'string') return escapeControl(v);
  if (Array.isArray(v)) return v.map((x) => (needsDeep(x) ? walk(x) : x));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [escapeControl(k), needsDeep(x) ? walk(x) : x]));
  }
  return v;
}

/**
 * The last guard of a rendered text: a line that would begin, after blanks, with `::` or `##`
 * (which a CI runner reads as a command) gets its first character escaped. ztait's own lines
 * never begin so; this only matters if some input text ever reaches the start of a line.
 */
export function guardLines(text: string): string {
  return text.replace(/^([ \t]*)([:#])(?=[:#])/gm, (_m, blank: string, c: string) => `${blank}${visible(c)}`);
}
