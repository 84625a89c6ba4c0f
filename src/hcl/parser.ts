/**
 * The only module that talks to @cdktf/hcl2json (so it can be swapped out): parses files to their
 * JSON form and expression strings to our AST (ast.ts).
 *
 * hcl2json's expression syntax tree is positional: children are sub-expressions in source order, and
 * literal text, bare object keys and strip markers are only recoverable from the node ranges (UTF-8
 * byte offsets into the source we handed it). This module reads those ranges and hides the rest.
 */
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import type { BinaryOp, Expr, ObjectEntry, TraversalStep } from './ast.js';
import { parsePool, type WorkerReply } from './parse-pool.js';
import { simpleTemplate } from './simple-template.js';
import { decodeQuotedLiteral, isTemplateString, quoteTemplate, unescapeTemplateLiteral } from './template.js';

// Loaded on first use: instantiating the WASM parser costs ~0.4 s, which commands that parse no HCL
// (`--version`, `rules`, `probe`, `maturity diff`) should not pay.
type Hcl2Json = typeof import('@cdktf/hcl2json');
let hcl2json: Promise<Hcl2Json> | undefined;
const load = (): Promise<Hcl2Json> => (hcl2json ??= (tuneGoRuntime(), import('@cdktf/hcl2json')));

/**
 * The parser is a Go program: its garbage collector, at Go's default GOGC=100, runs often on the
 * short-lived trees a parse builds. GOGC=400 cut a 200 KB file's parse from 0.88 s to 0.71 s for
 * ~10 MB more heap. The bridge gives its Go runtime no environment of its own, so we load its
 * wasm_exec first and hand it one; if the package's layout changes, the default stays.
 */
function tuneGoRuntime(): void {
  try {
    const require = createRequire(createRequire(import.meta.url).resolve('@cdktf/hcl2json'));
    require('../wasm/bridge_wasm_exec.js');
    const g = globalThis as { Go?: new () => { env: Record<string, string>; exit?: (code: number) => void } };
    const Go = g.Go;
    if (typeof Go !== 'function') return;
    g.Go = class extends Go {
      constructor() {
        super();
        this.env = { ...this.env, GOGC: process.env.GOGC ?? '400' };
        const exit = this.exit;
        this.exit = (code: number) => {
          exit?.call(this, code);
          runtimeExited(code);
        };
      }
    };
  } catch {
    // keep hcl2json's defaults
  }
}

/**
 * The Go runtime stopped (a fatal error such as "malloc deadlock" or a stack overflow): a parse in
 * progress will never answer. A parse worker ends itself, so that the pool fails that file and
 * goes on with a new worker; on the main thread the launcher's guard turns the stall into exit 2.
 */
function runtimeExited(code: number): void {
  if (!isMainThread) process.exit(code === 0 ? 70 : code);
}

/** Loads the WASM parser now rather than on the first parse (a parse worker does, as it starts). */
export function warmParser(): void {
  void load();
}

/**
 * One call into the Go WASM runtime at a time: interleaved calls on deeply nested input were seen
 * to kill the runtime (`fatal error: malloc deadlock`), leaving promises that never settle.
 */
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(call: (h: Hcl2Json) => Promise<T>): Promise<T> {
  const run = queue.then(async () => call(await load()));
  queue = run.catch(() => undefined);
  return run;
}

/** Deeper nesting than this is refused with a clear error instead of exhausting the parser's stack. */
export const MAX_NESTING = 512;

/** The deepest bracket nesting of a text, and the line where it is first exceeded. */
export function nestingBeyond(text: string, limit: number): number | undefined {
  let depth = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 40 || c === 91 || c === 123) {
      if (++depth > limit) return line;
    } else if (c === 41 || c === 93 || c === 125) depth = Math.max(0, depth - 1);
  }
  return undefined;
}

export { isTemplateString } from './template.js';

export class HclSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
    this.name = 'HclSyntaxError';
  }
}

/**
 * A file's contents as hcl2json JSON (blocks keyed by type then labels, each an array of bodies).
 * On the main thread the work goes to the parse pool when there is one; the template expressions it
 * parsed there land in the expression cache.
 */
export async function parseHclFile(file: string, text: string): Promise<Record<string, unknown>> {
  const deepAt = nestingBeyond(text, MAX_NESTING);
  if (deepAt !== undefined)
    throw new HclSyntaxError(file, deepAt, 1, `brackets nested deeper than ${MAX_NESTING} levels are not supported`);
  const pool = isMainThread ? parsePool() : undefined;
  if (!pool) return parseHclFileHere(file, text);
  const reply = await pool.run({ kind: 'file', file, text }, 1);
  if (!reply.ok) throw fromWire(reply, file);
  rememberExpressions(reply.exprs ?? []);
  return reply.body ?? {};
}

/** The caller now waits on a file it asked for with `ahead` (see source-file.ts readSourceFile). */
export function hurryParse(file: string): void {
  if (isMainThread) parsePool()?.promote(file);
}

/** parseHclFile on this thread's own WASM runtime (the parse worker's side of the pool). */
export async function parseHclFileHere(file: string, text: string): Promise<Record<string, unknown>> {
  try {
    return (await serial((h) => h.parse(file, text))) as Record<string, unknown>;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const diag = firstDiagnostic(message, file);
    throw new HclSyntaxError(file, diag?.line ?? 1, diag?.column ?? 1, diag?.detail ?? message);
  }
}

/** An error reply from the pool as the error this module would have thrown itself. */
function fromWire(reply: Extract<WorkerReply, { ok: false }>, file: string): Error {
  const s = reply.syntax;
  return s
    ? new HclSyntaxError(s.file, s.line, s.column, s.detail)
    : new HclSyntaxError(file, 1, 1, reply.message ?? 'the HCL parser failed');
}

/** Every distinct template string in an hcl2json body (what the evaluator will ask parseExpression for). */
export function templateStrings(body: unknown, out = new Set<string>()): Set<string> {
  if (typeof body === 'string') {
    if (isTemplateString(body)) out.add(body);
  } else if (Array.isArray(body)) {
    for (const v of body) templateStrings(v, out);
  } else if (body !== null && typeof body === 'object') {
    for (const v of Object.values(body)) templateStrings(v, out);
  }
  return out;
}

/** `file:12,5-9: Summary; detail.` -> its parts; hcl2json joins several diagnostics with spaces. */
function firstDiagnostic(message: string, file: string): { line: number; column: number; detail: string } | undefined {
  const name = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`${name}:(\\d+),(\\d+)(?:-\\d+(?:,\\d+)?)?: (.*?)(?= ${name}:\\d+,\\d+|\\]?\\s*$)`, 's');
  const m = re.exec(message);
  if (!m) return undefined;
  const more = message.split(new RegExp(` ${name}:\\d+,\\d+`)).length - 1;
  const detail = m[3]!.trim() + (more > 0 ? ` (and ${more} more error${more > 1 ? 's' : ''})` : '');
  return { line: Number(m[1]), column: Number(m[2]), detail };
}

const cache = new Map<string, Promise<Expr>>();
/** The parses that have completed, for a caller that can use the AST at once (parsedExpression). */
const ready = new Map<string, Expr>();
const CACHE_LIMIT = 50_000;

/** The AST of `src` if it has been parsed already (a plain string or a cached template), else undefined. */
export function parsedExpression(src: string): Expr | undefined {
  return ready.get(src);
}

/**
 * The AST of an hcl2json string value (a Terraform-JSON template: `"${var.x}"`, `"a ${b}"`, heredoc
 * text). A plain string is a literal. Cached by source. Throws HclSyntaxError (file `<expr>`, line and
 * column within `src`) when the expression is malformed.
 */
export function parseExpression(src: string): Promise<Expr> {
  let hit = cache.get(src);
  if (!hit) {
    hit = parseUncached(src);
    remember(src, hit);
    // A failed parse is not kept: the rejection is delivered to this caller only.
    hit.then(
      (expr) => cache.get(src) === hit && ready.set(src, expr),
      () => cache.delete(src),
    );
  }
  return hit;
}

/** Expressions parsed elsewhere (a parse worker), for parseExpression to answer from. */
export function rememberExpressions(exprs: [string, Expr][]): void {
  for (const [src, expr] of exprs) {
    if (cache.has(src)) continue;
    remember(src, Promise.resolve(expr));
    ready.set(src, expr);
  }
}

function remember(src: string, expr: Promise<Expr>): void {
  if (cache.size >= CACHE_LIMIT) {
    cache.clear();
    ready.clear();
  }
  cache.set(src, expr);
}

async function parseUncached(src: string): Promise<Expr> {
  if (!isTemplateString(src)) return { kind: 'literal', value: unescapeTemplateLiteral(src) };
  const simple = simpleTemplate(src);
  if (simple) return simple;
  const pool = isMainThread ? parsePool() : undefined;
  if (!pool) return parseExpressionWasm(src);
  const reply = await pool.run({ kind: 'expr', src }, 0);
  if (!reply.ok) throw fromWire(reply, '<expr>');
  return reply.expr!;
}

/** parseExpression of a template string on this thread's own WASM runtime, uncached. */
export async function parseExpressionHere(src: string): Promise<Expr> {
  const simple = simpleTemplate(src);
  if (simple) return simple;
  return parseExpressionWasm(src);
}

/** parseExpressionHere without the fast path for simple references (the differential test's reference). */
export async function parseExpressionWasm(src: string): Promise<Expr> {
  const { source, origin } = quoteTemplate(src);
  let root: RawNode | null;
  try {
    root = (await serial((h) => h.getExpressionAst('<expr>', source))) as RawNode | null;
  } catch (err) {
    throw expressionError(err, src, source, origin);
  }
  if (!root) throw new HclSyntaxError('<expr>', 1, 1, 'empty expression');
  return new Converter(Buffer.from(source, 'utf8')).convert(root);
}

/** Maps an hcl2json expression error (positions in the quoted source) back onto `src`. */
function expressionError(err: unknown, src: string, quoted: string, origin: number[]): HclSyntaxError {
  const message = err instanceof Error ? err.message : String(err);
  const m = /<expr>:(\d+),(\d+)(?:-\d+(?:,\d+)?)?: (.*?)\s*$/s.exec(message);
  if (!m) return new HclSyntaxError('<expr>', 1, 1, message);
  // The bridge starts counting at line 0 / column 0; columns restart at 1 after a newline.
  const line0 = Number(m[1]);
  const col0 = line0 === 0 ? Number(m[2]) : Number(m[2]) - 1;
  let offset = 0;
  for (let l = 0; l < line0; l++) offset = quoted.indexOf('\n', offset) + 1;
  const at = origin[Math.min(offset + col0, origin.length - 1)] ?? 0;
  const before = src.slice(0, at).split('\n');
  return new HclSyntaxError('<expr>', before.length, before[before.length - 1]!.length + 1, m[3]!);
}

interface RawPos {
  byte: number;
}
interface RawNode {
  type: string;
  meta?: Record<string, unknown>;
  children?: RawNode[] | null;
  range: { start: RawPos; end: RawPos };
}

const BINARY_OPS: Record<string, BinaryOp> = {
  add: 'add',
  subtract: 'subtract',
  multiply: 'multiply',
  divide: 'divide',
  modulo: 'modulo',
  equal: 'equal',
  notEqual: 'notEqual',
  lessThan: 'lessThan',
  lessThanOrEqual: 'lessThanOrEqual',
  greaterThan: 'greaterThan',
  greaterThanOrEqual: 'greaterThanOrEqual',
  logicalAnd: 'and',
  logicalOr: 'or',
};

/** hcl2json syntax tree -> our AST, reading literal text from `source` by byte ranges. */
class Converter {
  constructor(private readonly source: Buffer) {}

  private text(n: RawNode): string {
    return this.source.subarray(n.range.start.byte, n.range.end.byte).toString('utf8');
  }

  private kids(n: RawNode): RawNode[] {
    return n.children ?? [];
  }

  convert(n: RawNode): Expr {
    const kids = this.kids(n);
    const meta = n.meta ?? {};
    switch (n.type) {
      case 'templateWrap':
        return kids.length === 1 ? this.convert(kids[0]!) : this.unsupported(n);
      case 'template':
        return this.template(n);
      case 'literalValue':
        return this.literal(n);
      case 'scopeTraversal': {
        const [first, ...rest] = this.steps(meta.traversal);
        if (!first || first.kind !== 'attr') return this.unsupported(n);
        return { kind: 'traversal', root: first.name, steps: rest };
      }
      case 'relativeTraversal':
        return this.applySteps(kids[0] ? this.convert(kids[0]) : this.unsupported(n), this.steps(meta.traversal));
      case 'index':
        return kids.length === 2 ? { kind: 'index', target: this.convert(kids[0]!), key: this.convert(kids[1]!) } : this.unsupported(n);
      case 'splat':
        return kids.length === 2 ? { kind: 'splat', source: this.convert(kids[0]!), each: this.convert(kids[1]!) } : this.unsupported(n);
      case '':
        // A parenthesised expression (one child) or a splat's anonymous element (`[*]`, `.*`).
        if (kids.length === 1) return this.convert(kids[0]!);
        return /^(\[\*\]|\.\*)$/.test(this.text(n)) ? { kind: 'splatItem' } : this.unsupported(n);
      case 'function':
        return {
          kind: 'call',
          name: String(meta.name ?? ''),
          args: kids.map((k) => this.convert(k)),
          expandLast: meta.expandedFinalArgument === true,
        };
      case 'tuple':
        return { kind: 'tuple', items: kids.map((k) => this.convert(k)) };
      case 'object':
        return this.object(n);
      case 'for':
        return this.forExpr(n);
      case 'conditional':
        return kids.length === 3
          ? { kind: 'conditional', cond: this.convert(kids[0]!), then: this.convert(kids[1]!), else: this.convert(kids[2]!) }
          : this.unsupported(n);
      case 'unaryOp': {
        const op = meta.operator === 'logicalNot' ? 'not' : meta.operator === 'negate' ? 'negate' : undefined;
        return op && kids.length === 1 ? { kind: 'unary', op, operand: this.convert(kids[0]!) } : this.unsupported(n);
      }
      case 'binaryOp': {
        const op = BINARY_OPS[String(meta.operator)];
        return op && kids.length === 2
          ? { kind: 'binary', op, left: this.convert(kids[0]!), right: this.convert(kids[1]!) }
          : this.unsupported(n);
      }
      case 'templateJoin':
        return kids.length === 1 ? this.convert(kids[0]!) : this.unsupported(n);
      default:
        return this.unsupported(n);
    }
  }

  private unsupported(n: RawNode): Expr {
    return { kind: 'unsupported', what: `${n.type || 'expression'} \`${this.text(n)}\`` };
  }

  private literal(n: RawNode): Expr {
    const meta = n.meta ?? {};
    const raw = this.text(n);
    switch (meta.type) {
      case 'string':
        return { kind: 'literal', value: decodeQuotedLiteral(raw) };
      case 'number': {
        const v = Number(raw);
        return Number.isFinite(v) ? { kind: 'literal', value: v } : this.unsupported(n);
      }
      case 'bool':
        return { kind: 'literal', value: raw === 'true' };
      default:
        return { kind: 'literal', value: null };
    }
  }

  /** A template's parts; literal text is decoded and trimmed where a `~` strip marker touches it. */
  private template(n: RawNode): Expr {
    const parts: Expr[] = [];
    for (const k of this.kids(n)) {
      if (k.type === 'literalValue' && k.meta?.type === 'string') {
        const text = this.stripped(k, decodeQuotedLiteral(this.text(k)));
        if (text !== '') parts.push({ kind: 'literal', value: text });
      } else parts.push(this.convert(k));
    }
    if (parts.length === 0) return { kind: 'literal', value: '' };
    const only = parts[0]!;
    if (parts.length === 1 && only.kind === 'literal' && typeof only.value === 'string') return only;
    return { kind: 'template', parts };
  }

  private stripped(n: RawNode, text: string): string {
    const { start, end } = n.range;
    const before = this.source.subarray(Math.max(0, start.byte - 2), start.byte).toString('latin1');
    const after = this.source.subarray(end.byte, end.byte + 3).toString('latin1');
    let out = text;
    if (before === '~}') out = out.replace(/^\s+/, '');
    if (after === '${~' || after === '%{~') out = out.replace(/\s+$/, '');
    return out;
  }

  private steps(traversal: unknown): TraversalStep[] {
    if (!Array.isArray(traversal)) return [];
    return traversal.map((t: { type?: string; segment?: string }): TraversalStep => {
      const seg = String(t.segment ?? '');
      if (t.type !== 'indexTraversal') return { kind: 'attr', name: seg };
      // Index segments are literal keys: a number, or a string rendered between quotes.
      if (seg.length >= 2 && seg.startsWith('"') && seg.endsWith('"')) return { kind: 'index', key: seg.slice(1, -1) };
      const num = Number(seg);
      return { kind: 'index', key: Number.isFinite(num) && seg.trim() !== '' ? num : seg };
    });
  }

  private applySteps(target: Expr, steps: TraversalStep[]): Expr {
    return steps.reduce<Expr>(
      (acc, s) =>
        s.kind === 'attr'
          ? { kind: 'getAttr', target: acc, name: s.name }
          : { kind: 'index', target: acc, key: { kind: 'literal', value: s.key } },
      target,
    );
  }

  private object(n: RawNode): Expr {
    const kids = this.kids(n);
    if (kids.length % 2 !== 0) return this.unsupported(n);
    const entries: ObjectEntry[] = [];
    for (let i = 0; i < kids.length; i += 2) {
      entries.push({ key: this.objectKey(kids[i]!), value: this.convert(kids[i + 1]!) });
    }
    return { kind: 'object', entries };
  }

  /** A bare identifier key is its own name; any other key (`"k"`, `(expr)`, `var.k`) is evaluated. */
  private objectKey(n: RawNode): string | Expr {
    const kids = this.kids(n);
    if (n.type === '' && kids.length === 0) return this.text(n).trim();
    const inner = n.type === '' && kids.length === 1 ? kids[0]! : n;
    const trav = inner.meta?.traversal;
    if (inner.type === 'scopeTraversal' && Array.isArray(trav) && trav.length === 1) {
      return String((trav[0] as { segment?: string }).segment);
    }
    return this.convert(inner);
  }

  /** Children are [collection, key (object form only), value, condition (when present)]. */
  private forExpr(n: RawNode): Expr {
    const meta = n.meta ?? {};
    const kids = this.kids(n);
    const open = String(meta.openRangeValue ?? '');
    const keyVar = meta.keyVar ? String(meta.keyVar) : undefined;
    const valVar = String(meta.valVar ?? '');
    if (open.startsWith('%{')) {
      if (kids.length !== 2) return this.unsupported(n);
      return {
        kind: 'templateFor',
        ...(keyVar ? { keyVar } : {}),
        valVar,
        collection: this.convert(kids[0]!),
        body: this.convert(kids[1]!),
      };
    }
    const isObject = open === '{';
    const expected = 2 + (isObject ? 1 : 0);
    if (kids.length !== expected && kids.length !== expected + 1) return this.unsupported(n);
    let i = 0;
    const collection = this.convert(kids[i++]!);
    const key = isObject ? this.convert(kids[i++]!) : undefined;
    const value = this.convert(kids[i++]!);
    const cond = kids[i] ? this.convert(kids[i]!) : undefined;
    return {
      kind: 'for',
      ...(keyVar ? { keyVar } : {}),
      valVar,
      collection,
      ...(key ? { key } : {}),
      value,
      ...(cond ? { cond } : {}),
      grouped: meta.groupedValue === true,
      isObject,
    };
  }
}
