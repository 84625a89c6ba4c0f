/**
 * Markdown building blocks that keep generated reports clean under markdownlint's default rules:
 * text from findings is escaped (it can hold `|`, `*`, `_`, `<`, URLs), prose is wrapped at 80
 * columns (MD013), and tables - which cannot wrap - relax MD013 for themselves only.
 */
import { escapeControl } from './terminal.js';

export const WIDTH = 80;

/** Escapes text from the result so it renders literally and never becomes HTML, a link or a list. */
export function escapeText(text: string, opts: { cell?: boolean } = {}): string {
  // line breaks become spaces (a row or an item stays one line); other controls show escaped
  const flat = escapeControl(text.replace(/\r?\n|\r|\t|\u2028|\u2029/g, ' '));
  const escaped = flat
    .replace(/[\\`*_[\]<>|#~&]/g, '\\$&')
    // Bare URLs (MD034) and GFM autolink literals: break the scheme and www. patterns.
    .replace(/:\/\//g, ':\\/\\/')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`);
  if (opts.cell) return escaped; // a table cell never starts a line
  // Words that would start a list or underline a heading if wrapping put them first on a line,
  // and `::`, which starts a CI workflow command there (`\:` renders as `:`).
  return escaped
    .split(' ')
    .map((w) => (/^[-+=]+$/.test(w) ? `\\${w}` : w.replace(/^(\d+)([.)])$/, '$1\\$2').replace(/^::/, ':\\:')))
    .join(' ');
}

/** Wraps (already escaped) text at WIDTH; continuation lines get `indent`. Long tokens stay whole. */
export function wrap(text: string | string[], first = '', indent = ''): string[] {
  const words = typeof text === 'string' ? text.split(/ +/).filter(Boolean) : text;
  const lines: string[] = [];
  let line = first;
  let fresh = true;
  for (const w of words) {
    if (!fresh && line.length + 1 + w.length > WIDTH) {
      lines.push(line);
      line = indent + w;
    } else {
      line = fresh ? line + w : `${line} ${w}`;
    }
    fresh = false;
  }
  lines.push(line);
  return lines;
}

/** A paragraph of prose (escaped unless `raw`), wrapped, followed by a blank line. */
export function para(text: string, raw = false): string[] {
  return [...wrap(raw ? text : escapeText(text)), ''];
}

/** A bullet list; items are markdown already (escape parts with escapeText). */
export function bullets(items: string[]): string[] {
  return [...items.flatMap((i) => wrap(i, '- ', '  ')), ''];
}

function cell(text: string): string {
  const t = escapeText(text, { cell: true });
  return t === '' ? '(none)' : t;
}

/**
 * A GFM table with escaped cells. Table rows cannot be wrapped, so MD013 (line length) is
 * disabled around the table only, with blank lines between the comments and the table (MD058).
 */
export function table(headers: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    '<!-- markdownlint-disable MD013 -->',
    '',
    line(headers.map(cell)),
    line(headers.map(() => '---')),
    ...rows.map((r) => line(r.map(cell))),
    '',
    '<!-- markdownlint-enable MD013 -->',
    '',
  ];
}

export function heading(level: number, text: string): string[] {
  return [`${'#'.repeat(level)} ${text}`, ''];
}

/** Joins blocks into a document: single blank lines, one trailing newline (MD012, MD047). */
export function document(lines: string[]): string {
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/** Words of markdown prose, keeping each inline code span whole (it must not be split at a line start). */
function markdownWords(text: string): string[] {
  const words: string[] = [];
  let open = false;
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (open) words[words.length - 1] += ` ${w}`;
    else words.push(w);
    if ((w.match(/`/g) ?? []).length % 2 === 1) open = !open;
  }
  return words;
}

/**
 * Re-wraps trusted markdown (rule remediation from rules/) at WIDTH. Paragraphs are reflowed;
 * list items, fences and indented blocks are kept as they are.
 */
export function reflow(markdown: string): string[] {
  const out: string[] = [];
  for (const block of markdown.trim().split(/\n\s*\n/)) {
    const lines = block.split('\n');
    if (lines.some((l) => /^\s*([-*+]|\d+[.)])\s|^\s*```|^ {4}/.test(l))) out.push(...lines);
    else out.push(...wrap(markdownWords(block)));
    out.push('');
  }
  return out;
}
