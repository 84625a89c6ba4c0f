import { escapeControl } from '../terminal.js';

/**
 * The one way text from the result reaches the page. Resource names, messages, observed values,
 * file names and command lines come from the repository or the account being audited: a resource
 * named `<script>...` or `"><img onerror=...>` must be shown, never parsed. `esc` makes any string
 * safe in text and in a double-quoted attribute value (every attribute here is double-quoted), and
 * shows control and bidirectional-override characters as visible escapes, as the text report does.
 *
 * Markup is built with the `markup` tag: each interpolated value is escaped unless it is markup the
 * tag built itself (Html), so escaping does not depend on remembering to call esc. (The tag is not
 * named `html`: Prettier would reformat such templates as HTML, changing the page it writes.)
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(s: string): string {
  return escapeControl(s).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Markup built by `markup` (or trusted constants): interpolated as it is. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Value = string | number | Html | null | undefined | false | readonly Value[];

function piece(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.text;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return esc(v);
  return v.map(piece).join('');
}

/** A template of markup: strings interpolated into it are escaped, Html is kept, arrays are joined. */
export function markup(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += piece(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Markup ztait writes itself (the stylesheet, a tag name): never text from the result. */
export const trusted = (text: string): Html => new Html(text);

/** A class name from a fixed set (a status, a severity): only [a-z0-9_-] survive. */
export const cls = (s: string): string => s.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
