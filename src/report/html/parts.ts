import type { Status } from '../../model/result.js';
import { STATUS_LABEL } from '../common.js';
import { cls, esc, markup, trusted, type Html, type Value } from './escape.js';

/** Small pieces every section uses: a status badge, a table, a list of facts, prose from rules/. */

export const badge = (s: Status): Html => markup`<span class="badge s-${cls(s)}">${STATUS_LABEL[s]}</span>`;

/** A section with its heading; `id` is a fixed word (never input), for the page's own links. */
export function section(id: string, title: string, body: Value): Html {
  return markup`<section id="${id}">
<h2>${title}</h2>
${body}
</section>
`;
}

export type Cell = Value | { value: Value; class: string };

function cell(tag: 'th' | 'td', c: Cell): Html {
  const t = trusted(tag);
  return c !== null && typeof c === 'object' && 'class' in c
    ? markup`<${t} class="${c.class}">${c.value}</${t}>`
    : markup`<${t}>${c as Value}</${t}>`;
}

/** A table; cells are text (escaped) or markup; a cell with a class is `{value, class}`. */
export function table(headers: Cell[], rows: Cell[][], opts: { class?: string } = {}): Html {
  return markup`<div class="scroll"><table${trusted(opts.class ? ` class="${cls(opts.class)}"` : '')}>
<thead><tr>${headers.map((h) => cell('th', h))}</tr></thead>
<tbody>
${rows.map((r) => markup`<tr>${r.map((c) => cell('td', c))}</tr>\n`)}</tbody>
</table></div>
`;
}

/** Label: value pairs. */
export function facts(items: [string, Value][]): Html {
  return markup`<dl class="facts">${items.map(([k, v]) => markup`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
`;
}

export const code = (s: string): Html => markup`<code>${s}</code>`;

/**
 * Markdown-like prose from the rule catalog (remediation): paragraphs, `- ` lists and `code` spans.
 * The text is escaped first; only the backquotes become markup.
 */
export function prose(text: string): Html {
  const inline = (s: string): string => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');
  const blocks = text
    .trim()
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.split('\n');
      if (lines.every((l) => /^\s*[-*] /.test(l) || /^\s{2,}\S/.test(l))) {
        const items: string[] = [];
        for (const l of lines) {
          if (/^\s*[-*] /.test(l)) items.push(l.replace(/^\s*[-*] /, ''));
          else items[items.length - 1] += ` ${l.trim()}`;
        }
        return `<ul>${items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;
      }
      return `<p>${inline(lines.map((l) => l.trim()).join(' '))}</p>`;
    });
  return trusted(blocks.join('\n'));
}

/** The legend of status colours. */
export function legend(statuses: readonly Status[]): Html {
  return markup`<p class="legend">${statuses.map((s) => markup`<span><span class="dot s-${cls(s)}"></span>${STATUS_LABEL[s]}</span>`)}</p>
`;
}

/** A fixed id for an invariant's section: `inv-SI-6` (ids are rule ids; anything else becomes `_`). */
export const invAnchor = (id: string): string => `inv-${id.replace(/[^A-Za-z0-9-]/g, '_')}`;
