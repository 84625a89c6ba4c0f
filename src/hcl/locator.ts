import { readFile } from 'node:fs/promises';
import { parseTfJson } from './tf-json.js';
import type { Location } from '../model/inventory.js';
import { dict } from '../model/dict.js';

/**
 * hcl2json gives no positions and drops comments, so this scanner finds, in the raw text, where every
 * block and attribute is (1-based lines and columns) and the comments inside or just above each block.
 * It understands strings with `${...}` nesting, heredocs and the three comment styles, so braces in
 * strings or comments never confuse it. It does not evaluate anything.
 */

export interface ScannedBlock {
  type: string;
  labels: string[];
  location: Location;
  attrs: Map<string, Location>;
  blocks: ScannedBlock[];
  /** Comments inside the block, and the contiguous comment lines just above it. */
  comments: { text: string; line: number }[];
}

export interface BlockLocation {
  location: Location;
  attrLocations: Record<string, Location>;
  comments: { text: string; line: number }[];
}

export function scanHcl(file: string, text: string): ScannedBlock[] {
  return new Scanner(file, text).body(true);
}

/** Top-level blocks and top-level attributes (a `.tfvars` file is only attributes). */
export function scanHclTop(file: string, text: string): { blocks: ScannedBlock[]; attrs: Map<string, Location> } {
  const s = new Scanner(file, text);
  const blocks = s.body(true);
  return { blocks, attrs: s.topAttrs() };
}

/** Flattens a block's nested attributes into dotted paths: `egress.1.to_port`, and `egress.to_port` for the first. */
export function attrLocationsOf(block: ScannedBlock): Record<string, Location> {
  const out: Record<string, Location> = dict();
  const walk = (b: ScannedBlock, prefix: string): void => {
    for (const [k, loc] of b.attrs) out[`${prefix}${k}`] = loc;
    const seen = new Map<string, number>();
    for (const child of b.blocks) {
      const name = child.type === 'dynamic' ? (child.labels[0] ?? 'dynamic') : child.type;
      const i = seen.get(name) ?? 0;
      seen.set(name, i + 1);
      const inner = child.type === 'dynamic' ? (child.blocks.find((c) => c.type === 'content') ?? child) : child;
      out[`${prefix}${name}.${i}`] = child.location;
      walk(inner, `${prefix}${name}.${i}.`);
      if (i === 0) {
        out[`${prefix}${name}`] = child.location;
        walk(inner, `${prefix}${name}.`);
      }
    }
  };
  walk(block, '');
  return out;
}

export function toBlockLocation(b: ScannedBlock): BlockLocation {
  return { location: b.location, attrLocations: attrLocationsOf(b), comments: b.comments };
}

/** Locations of the resource/data blocks of one file, keyed `type.name` / `data.type.name`. */
export async function locateFile(path: string, displayPath: string): Promise<Map<string, BlockLocation>> {
  const text = await readFile(path, 'utf8');
  const blocks = path.endsWith('.json') ? parseTfJson(displayPath, text).blocks : scanHcl(displayPath, text);
  const out = new Map<string, BlockLocation>();
  for (const b of blocks) {
    if (b.type === 'resource' && b.labels.length >= 2) out.set(`${b.labels[0]}.${b.labels[1]}`, toBlockLocation(b));
    if (b.type === 'data' && b.labels.length >= 2) out.set(`data.${b.labels[0]}.${b.labels[1]}`, toBlockLocation(b));
  }
  return out;
}

class Scanner {
  private pos = 0;
  private line = 1;
  private col = 1;
  /** Comment lines seen since the last statement, for "just above" attribution. */
  private pending: { text: string; line: number }[] = [];
  private collected: { text: string; line: number }[][] = [];

  constructor(
    private readonly file: string,
    private readonly src: string,
  ) {}

  body(top: boolean): ScannedBlock[] {
    const blocks: ScannedBlock[] = [];
    this.currentAttrs = new Map();
    for (;;) {
      this.skipSpaceAndComments(true);
      if (this.pos >= this.src.length) break;
      const ch = this.src[this.pos]!;
      if (ch === '}') {
        if (top) {
          this.advance();
          continue;
        }
        this.pendingFlush(); // trailing comments belong to the block being closed
        break;
      }
      const startLine = this.line;
      const startCol = this.col;
      const above = this.pending;
      this.pending = [];
      const ident = this.readIdent();
      if (!ident) {
        // not HCL (the parser reports it): skip a string whole, so that its text is never read as code
        if (ch === '"') this.skipString();
        else this.advance();
        continue;
      }
      this.skipInlineSpace();
      if (this.src[this.pos] === '=' && this.src[this.pos + 1] !== '=') {
        this.advance();
        const exprStart = this.pos;
        this.skipExpression();
        this.currentAttrs.set(ident, { file: this.file, line: startLine, endLine: this.line, column: startCol, endColumn: this.col });
        this.locateObjectKeys(ident, exprStart, startLine);
        this.collected.at(-1)?.push(...above);
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        this.skipInlineSpace();
        const c = this.src[this.pos];
        if (c === '"') labels.push(this.readQuoted());
        else if (c !== undefined && IDENT_START.test(c)) labels.push(this.readIdent());
        else break;
      }
      if (this.src[this.pos] !== '{') {
        this.skipToLineEnd();
        continue;
      }
      this.advance();
      const saved = this.currentAttrs;
      this.collected.push([...above]);
      const children = this.body(false);
      const attrs = this.currentAttrs;
      this.currentAttrs = saved;
      const comments = this.collected.pop() ?? [];
      if (this.src[this.pos] === '}') this.advance();
      const block: ScannedBlock = {
        type: ident,
        labels,
        location: { file: this.file, line: startLine, endLine: this.line, column: startCol, endColumn: this.col },
        attrs,
        blocks: children,
        comments,
      };
      this.collected.at(-1)?.push(...comments);
      blocks.push(block);
    }
    return blocks;
  }

  private currentAttrs = new Map<string, Location>();

  /**
   * Keys written one per line inside an attribute's object value (`variables = { REPLAY = 600 }`,
   * also inside `merge(..., { ... })`) become `attr.KEY` locations, so a finding about one
   * environment variable points at its line rather than at the whole map.
   */
  private locateObjectKeys(attr: string, from: number, firstLine: number): void {
    const text = this.src.slice(from, this.pos);
    if (!text.includes('{')) return;
    const lines = text.split('\n');
    for (let i = 1; i < lines.length; i++) {
      const m = /^(\s*)(?:"([^"\\]+)"|([A-Za-z_][A-Za-z0-9_-]*))\s*=(?![=>])/.exec(lines[i]!);
      if (!m) continue;
      const key = `${attr}.${m[2] ?? m[3]}`;
      if (this.currentAttrs.has(key)) continue;
      const col = m[1]!.length + 1;
      this.currentAttrs.set(key, {
        file: this.file,
        line: firstLine + i,
        endLine: firstLine + i,
        column: col,
        endColumn: lines[i]!.length + 1,
      });
    }
  }

  topAttrs(): Map<string, Location> {
    return this.currentAttrs;
  }

  private advance(n = 1): void {
    for (let i = 0; i < n && this.pos < this.src.length; i++) {
      if (this.src[this.pos] === '\n') {
        this.line++;
        this.col = 1;
      } else this.col++;
      this.pos++;
    }
  }

  private skipInlineSpace(): void {
    while (this.pos < this.src.length && (this.src[this.pos] === ' ' || this.src[this.pos] === '\t' || this.src[this.pos] === '\r'))
      this.advance();
  }

  /** Skips whitespace and comments, recording comments (they may hold suppressions). */
  private skipSpaceAndComments(record: boolean): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) return;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
        // a blank line detaches comments above it from the next block
        if (c === '\n' && this.src[this.pos + 1] === '\n') this.pendingFlush();
        this.advance();
        continue;
      }
      if (c === '#' || (c === '/' && this.src[this.pos + 1] === '/')) {
        const line = this.line;
        const start = this.pos;
        this.skipToLineEnd();
        if (record) this.pending.push({ text: this.src.slice(start, this.pos).replace(/^(#|\/\/)\s?/, ''), line });
        continue;
      }
      if (c === '/' && this.src[this.pos + 1] === '*') {
        const line = this.line;
        const start = this.pos;
        const end = this.src.indexOf('*/', this.pos + 2);
        this.advance((end < 0 ? this.src.length : end + 2) - this.pos);
        if (record) this.pending.push({ text: this.src.slice(start + 2, Math.max(start + 2, this.pos - 2)).trim(), line });
        continue;
      }
      return;
    }
  }

  private pendingFlush(): void {
    this.collected.at(-1)?.push(...this.pending);
    this.pending = [];
  }

  private readIdent(): string {
    IDENT.lastIndex = this.pos;
    const m = IDENT.exec(this.src);
    if (!m) return '';
    this.advance(m[0].length);
    return m[0];
  }

  private readQuoted(): string {
    const start = this.pos + 1;
    this.skipString();
    try {
      return JSON.parse(this.src.slice(start - 1, this.pos)) as string;
    } catch {
      return this.src.slice(start, this.pos - 1);
    }
  }

  private skipToLineEnd(): void {
    while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.advance();
  }

  /** Skips a quoted string starting at `"`, including nested `${ ... }` with their own strings. */
  private skipString(): void {
    this.advance(); // opening quote
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\') this.advance(2);
      else if (c === '"') {
        this.advance();
        return;
      } else if (this.skipTemplateSequence()) continue;
      else if (c === '\n')
        return; // unterminated: let the parser report it
      else this.advance();
    }
  }

  /**
   * At `$${` / `%%{` (a literal `${` / `%{`) or at `${` / `%{` (an interpolation or directive, an
   * expression that may hold strings, heredocs and braces), skips it; false anywhere else. Read left
   * to right as HCL's scanner does: in `$$${`, the first `$` is text and `$${` the escape.
   */
  private skipTemplateSequence(): boolean {
    const c = this.src[this.pos];
    if (c !== '$' && c !== '%') return false;
    if (this.src[this.pos + 1] === c && this.src[this.pos + 2] === '{') {
      this.advance(3);
      return true;
    }
    if (this.src[this.pos + 1] !== '{') return false;
    this.advance(2);
    this.skipBalanced('}');
    return true;
  }

  /** Skips until the matching closer at depth 0, through strings, heredocs and comments. */
  private skipBalanced(closer: string): void {
    const stack = [closer];
    while (this.pos < this.src.length && stack.length > 0) {
      const c = this.src[this.pos]!;
      if (c === '"') this.skipString();
      else if (c === '<' && this.src[this.pos + 1] === '<' && this.tryHeredoc()) continue;
      else if (c === '#' || (c === '/' && this.src[this.pos + 1] === '/')) this.skipToLineEnd();
      else if (c === '/' && this.src[this.pos + 1] === '*') this.skipSpaceAndComments(false);
      else if (c === '{' || c === '[' || c === '(') {
        stack.push(c === '{' ? '}' : c === '[' ? ']' : ')');
        this.advance();
      } else if (c === stack[stack.length - 1]) {
        stack.pop();
        this.advance();
      } else this.advance();
    }
  }

  /**
   * Heredoc `<<EOT` / `<<-EOT`, the marker any HCL identifier (`<<-END-OF-TEXT`, `<<EOT-2`): skips
   * to the closing marker, which HCL finds only on a line that starts as text (not after an
   * interpolation) and equals the marker once Go's TrimSpace has run, for both forms. Its content
   * is a template: `${ ... }` may span lines and hold anything, the closing marker included.
   */
  private tryHeredoc(): boolean {
    HEREDOC_START.lastIndex = this.pos;
    const m = HEREDOC_START.exec(this.src);
    if (!m) return false;
    const marker = m[1]!;
    this.advance(m[0].length);
    let lineStart = true;
    while (this.pos < this.src.length) {
      if (lineStart) {
        const lineEnd = this.src.indexOf('\n', this.pos);
        const lineText = this.src.slice(this.pos, lineEnd < 0 ? this.src.length : lineEnd);
        if (goTrimSpace(lineText) === marker) {
          this.advance(lineText.length);
          return true;
        }
      }
      if (this.skipTemplateSequence()) {
        lineStart = false;
        continue;
      }
      lineStart = this.src[this.pos] === '\n';
      this.advance();
    }
    return true;
  }

  /** An attribute's expression: to the end of the line at bracket depth 0. */
  private skipExpression(): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '\n') return;
      if (c === '"') this.skipString();
      else if (c === '<' && this.src[this.pos + 1] === '<' && this.tryHeredoc()) return;
      else if (c === '{' || c === '[' || c === '(') {
        this.advance();
        this.skipBalanced(c === '{' ? '}' : c === '[' ? ']' : ')');
      } else if (c === '#' || (c === '/' && this.src[this.pos + 1] === '/')) {
        const line = this.line;
        const start = this.pos;
        this.skipToLineEnd();
        this.collected.at(-1)?.push({ text: this.src.slice(start, this.pos).replace(/^(#|\/\/)\s?/, ''), line });
        return;
      } else if (c === '}')
        return; // one-line block `{ a = 1 }`
      else this.advance();
    }
  }
}

/** HCL identifiers: ID_Start or `_`, then ID_Continue or `-` (the HCL native syntax spec). */
const IDENT_START = /[\p{ID_Start}_]/u;
const IDENT = /[\p{ID_Start}_][\p{ID_Continue}-]*/uy;
/**
 * A heredoc's opening: `<<` or `<<-`, an identifier, the end of the line. Trailing blanks are
 * accepted although HCL refuses them: reading more as heredoc than HCL does can only hide comments
 * from a file the parser then rejects, never show a string's text as a comment.
 */
const HEREDOC_START = /<<-?([\p{ID_Start}_][\p{ID_Continue}-]*)[ \t]*\r?\n/uy;

/** Go's strings.TrimSpace (Unicode White_Space), which HCL applies to a heredoc's closing line: JS trim() differs (U+FEFF, U+0085). */
function goTrimSpace(s: string): string {
  return s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
}
