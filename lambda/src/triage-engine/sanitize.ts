/**
 * Layer 1 of the prompt-injection defence: alert text is reduced to plain, bounded text before
 * it reaches the model. Control and invisible formatting characters, HTML/XML tags (which also
 * removes fake `</data>` closers) and template syntax (`{{...}}`, `{%...%}`, `{#...#}`) are
 * removed, and every field is cut to MAX_FIELD_CHARS. Every step is a linear scan (no regex
 * that can backtrack), and the input is bounded before any work, so a 100k-character field costs
 * the same as a 16k one. Removal runs until nothing changes (bounded passes) because one removal
 * can assemble another (`{<b>{x}</b>}` becomes `{{x}}` once the tags go).
 */

export const MAX_FIELD_CHARS = 4000;
/** Work bound: text beyond this many characters could never survive truncation in a useful way. */
const PRE_BOUND_FACTOR = 4;
const MAX_PASSES = 8;

// C0 (except tab and newline), DEL, C1, zero-width and bidirectional controls, BOM, line/paragraph separators.
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/g;

/** Removes every `open ... close` span (the span up to the first `close`); an unclosed `open` is removed alone. */
function removeSpans(s: string, open: string, close: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const start = s.indexOf(open, i);
    if (start < 0) return out + s.slice(i);
    out += s.slice(i, start);
    const end = s.indexOf(close, start + open.length);
    if (end < 0) return out + s.slice(start + open.length); // no closer anywhere after: drop the opener only
    i = end + close.length;
  }
}

function stripOnce(s: string): string {
  let t = removeSpans(s, '<', '>');
  t = removeSpans(t, '{{', '}}');
  t = removeSpans(t, '{%', '%}');
  t = removeSpans(t, '{#', '#}');
  return t;
}

/** Cuts to `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = /[\uD800-\uDBFF]/.test(s[max - 1] ?? '') ? max - 1 : max;
  return s.slice(0, cut);
}

export function sanitizeText(input: string, maxChars: number = MAX_FIELD_CHARS): string {
  let s = truncate(String(input), maxChars * PRE_BOUND_FACTOR);
  s = s.replace(/\r\n?/g, '\n').replace(INVISIBLE, '');
  // NFKC folds look-alikes (fullwidth ＜ ＞ ｛ ｝) into the ASCII characters the next steps remove.
  s = s.normalize('NFKC').replace(INVISIBLE, '');
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = stripOnce(s);
    if (next === s) break;
    s = next;
  }
  // Whatever an adversarial nesting left after the bounded passes loses its delimiters outright.
  s = s.replace(/[<>]/g, '').replace(/\{[{%#]|[}%#]\}/g, '');
  s = s
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return truncate(s, maxChars);
}

export interface SanitizedAlert {
  source: string;
  title: string;
  description: string;
  severity: string;
  service: string;
  /** Other payload fields, flattened (`labels.env`), bounded in number. */
  extra: Record<string, string>;
}

const MAX_EXTRA_FIELDS = 10;
const CORE = new Set(['alertId', 'alert_id', 'id', 'title', 'summary', 'description', 'details', 'severity', 'priority', 'service']);

function flatten(value: unknown, prefix: string, out: [string, string][], depth: number): void {
  if (out.length >= MAX_EXTRA_FIELDS * 4 || depth > 3) return;
  if (value === null || value === undefined) return;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out.push([prefix, String(value)]);
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 50)) {
      if (depth === 0 && CORE.has(k)) continue;
      flatten(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
    }
  }
}

const fieldName = (k: string): string => k.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);

/** The alert as the model will see it: every field sanitised and bounded. */
export function sanitizeAlert(
  alert: { title?: unknown; description?: unknown; severity?: unknown; service?: unknown },
  source: unknown,
  payload: unknown,
  maxChars: number = MAX_FIELD_CHARS,
): SanitizedAlert {
  const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? sanitizeText(String(v), maxChars) : '');
  const flat: [string, string][] = [];
  flatten(payload, '', flat, 0);
  const extra: Record<string, string> = {};
  for (const [k, v] of flat) {
    if (Object.keys(extra).length >= MAX_EXTRA_FIELDS) break;
    const name = fieldName(sanitizeText(k, 64));
    const value = sanitizeText(v, maxChars);
    if (name && value && !Object.hasOwn(extra, name)) extra[name] = value;
  }
  return {
    source: text(source),
    title: text(alert.title),
    description: text(alert.description),
    severity: text(alert.severity),
    service: text(alert.service),
    extra,
  };
}
