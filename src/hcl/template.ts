/**
 * Template text handling shared by the parser and the evaluator.
 *
 * hcl2json gives every expression as a string in Terraform-JSON template form: literal text already
 * unescaped, `${...}` / `%{...}` sequences as raw HCL, `$${` / `%%{` kept as escapes. To parse such a
 * string we turn it back into an HCL quoted string: escape the literal text, copy the sequences as
 * they are. Template files (templatefile) have the same form.
 */
import { Unknown, isUnknown } from '../model/value.js';
import { derivedUnknown } from './functions/unknowns.js';

/** True when the string has an unescaped `${` or `%{`, i.e. it is a template, not a plain string. */
export function isTemplateString(s: string): boolean {
  for (let i = 0; i < s.length - 1; i++) {
    const c = s[i];
    if ((c === '$' || c === '%') && s[i + 1] === c && s[i + 2] === '{') {
      i += 2;
      continue;
    }
    if ((c === '$' || c === '%') && s[i + 1] === '{') return true;
  }
  return false;
}

/** A plain (non-template) Terraform string's value: `$${` and `%%{` stand for `${` and `%{`. */
export function unescapeTemplateLiteral(s: string): string {
  return s.includes('{') ? s.replace(/([$%])\1\{/g, '$1{') : s;
}

const LITERAL_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * The HCL quoted-string source for a Terraform-JSON template string. `origin[i]` is the index in `s`
 * that produced character `i` of the result (used to map syntax error positions back).
 */
export function quoteTemplate(s: string): { source: string; origin: number[] } {
  const out: string[] = ['"'];
  const origin: number[] = [0];
  const emit = (text: string, from: number): void => {
    out.push(text);
    for (let k = 0; k < text.length; k++) origin.push(from);
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if ((c === '$' || c === '%') && s[i + 1] === c && s[i + 2] === '{') {
      emit(s.slice(i, i + 3), i);
      i += 3;
    } else if ((c === '$' || c === '%') && s[i + 1] === '{') {
      const end = sequenceEnd(s, i + 2);
      for (let k = i; k < end; k++) emit(s[k]!, k);
      i = end;
    } else {
      emit(LITERAL_ESCAPES[c] ?? c, i);
      i++;
    }
  }
  out.push('"');
  origin.push(s.length);
  return { source: out.join(''), origin };
}

/**
 * Index just past the `}` closing a `${`/`%{` sequence whose body starts at `from`. The body is raw
 * HCL: braces nest, and quoted strings, heredocs and comments (which hcl2json keeps) may hold any
 * brace without counting.
 */
function sequenceEnd(s: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') {
      i = quotedEnd(s, i + 1);
      continue;
    }
    const skipped = commentOrHeredocEnd(s, i);
    if (skipped > i) {
      i = skipped;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
    i++;
  }
  return s.length;
}

const HEREDOC = /<<-?([A-Za-z_][\w-]*)\r?\n/y;

/** When a comment or heredoc starts at `i`, the index just past it; otherwise `i`. */
function commentOrHeredocEnd(s: string, i: number): number {
  const two = s.slice(i, i + 2);
  if (s[i] === '#' || two === '//') {
    const nl = s.indexOf('\n', i);
    return nl < 0 ? s.length : nl;
  }
  if (two === '/*') {
    const close = s.indexOf('*/', i + 2);
    return close < 0 ? s.length : close + 2;
  }
  HEREDOC.lastIndex = i;
  const m = HEREDOC.exec(s);
  if (!m) return i;
  // The heredoc ends at the first line holding only its marker (HCL allows indentation for both forms).
  const marker = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, 'm');
  const rest = s.slice(HEREDOC.lastIndex);
  const end = marker.exec(rest);
  return end ? HEREDOC.lastIndex + end.index + end[0].length : s.length;
}

/** Index just past the closing quote of an HCL quoted string whose text starts at `from`. */
function quotedEnd(s: string, from: number): number {
  let i = from;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else if ((c === '$' || c === '%') && s[i + 1] === c && s[i + 2] === '{') i += 3;
    else if ((c === '$' || c === '%') && s[i + 1] === '{') i = sequenceEnd(s, i + 2);
    else i++;
  }
  return s.length;
}

/** Decodes the raw source text of a quoted-string literal part (`\n`, `\"`, `\u00e9`, `$${`, `%%{`). */
export function decodeQuotedLiteral(raw: string): string {
  return raw.replace(/\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))|([$%])\4\{/gs, (m, u4, u8, ch, esc) => {
    if (esc) return `${esc}{`;
    if (u4 || u8) return String.fromCodePoint(parseInt(u4 ?? u8, 16));
    switch (ch) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case '"':
        return '"';
      case '\\':
        return '\\';
      default:
        return m;
    }
  });
}

/**
 * Concatenates template pieces. All known -> the string. Some unknown -> an Unknown whose pattern is
 * the known text with each unknown piece replaced by its own pattern or `*`, carrying every piece's
 * refs; its reason is the first unknown piece's.
 */
export function joinPieces(pieces: readonly (string | Unknown)[]): string | Unknown {
  const unknowns = pieces.filter(isUnknown);
  if (unknowns.length === 0) return (pieces as string[]).join('');
  const pattern = pieces.map((p) => (typeof p === 'string' ? p : (p.pattern ?? '*'))).join('');
  return derivedUnknown(unknowns[0]!.reason, unknowns, { pattern });
}
