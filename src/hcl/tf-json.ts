/**
 * Terraform's JSON configuration syntax (`*.tf.json`, `*.tfvars.json`), read as HCL's JSON spec
 * says rather than as JSON.parse would: every duplicate property is kept (JSON.parse keeps the last
 * and so hid the resources before it), block types may be arrays of objects at every label level,
 * `"//"` properties of a body are comments, and every node keeps its line. The result has the shape
 * hcl2json gives for native syntax (labels as nested objects down to a list of bodies), so the
 * loader reads both alike; the blocks come with positions, so findings in JSON get file:line too.
 *
 * Without a provider schema an object member of a body may be an attribute (`tags`) or a nested
 * block (`point_in_time_recovery`). Where Terraform would merge repeated blocks we merge, and where
 * it would reject a duplicate argument we reject: a configuration Terraform refuses is never
 * applied, so the only reading that matters is the one Terraform accepts.
 */
import { parse as parseJson, type MemberNode, type Node, type ValueNode } from '@humanwhocodes/momoa';
import type { Location } from '../model/inventory.js';
import { dict as newDict } from '../model/dict.js';
import type { ScannedBlock } from './locator.js';
import { HclSyntaxError, MAX_NESTING, nestingBeyond } from './parser.js';

type RawBody = Record<string, unknown>;

/** Top-level block types of the Terraform language, and how many labels each takes. */
const TOP_LABELS: Readonly<Record<string, number>> = Object.assign(Object.create(null) as Record<string, number>, {
  resource: 2,
  data: 2,
  ephemeral: 2,
  module: 1,
  variable: 1,
  output: 1,
  provider: 1,
  check: 1,
  terraform: 0,
  locals: 0,
  moved: 0,
  import: 0,
  removed: 0,
});

/** Nested blocks whose one label is known without a schema (`dynamic "ingress" {...}`). */
const LABELED_NESTED = new Set(['dynamic', 'provisioner']);

/** A comment property (Terraform ignores `"//"` in a body). */
const COMMENT = '//';

export interface TfJsonRead {
  body: RawBody;
  blocks: ScannedBlock[];
}

/** A `.tf.json` file as an hcl2json body with block positions; throws HclSyntaxError. */
export function parseTfJson(file: string, text: string): TfJsonRead {
  return new Converter(file, text).read(document(file, text));
}

/**
 * A `.tfvars.json` file as a body of variable values, with where each is set. A name set twice is
 * an error, as in Terraform (JSON.parse's last-wins is not what Terraform does). Terraform evaluates
 * no template in a variables file, so `${` and `%{` come back escaped: the evaluator then reads
 * every string, and every key, literally.
 */
export function parseTfvarsJson(file: string, text: string): { body: RawBody; attrs: Map<string, Location> } {
  const c = new Converter(file, text);
  const doc = document(file, text);
  const root = doc.type === 'Object' ? doc : c.fail(doc, 'a variables file must hold one JSON object');
  const body = dict();
  const attrs = new Map<string, Location>();
  for (const m of root.members) {
    const name = c.name(m);
    if (name === COMMENT) continue;
    const first = attrs.get(name);
    if (first) c.fail(m, `the ${quoted('variable', name)} is set twice (first on line ${first.line})`);
    attrs.set(name, c.loc(m));
    body[name] = escapeTemplates(c.value(m.value, false));
  }
  return { body, attrs };
}

/** The JSON document's root, or a syntax error naming the position and a fixed phrase (never the text). */
function document(file: string, text: string): ValueNode {
  const deepAt = nestingBeyond(text, MAX_NESTING);
  if (deepAt !== undefined)
    throw new HclSyntaxError(file, deepAt, 1, `brackets nested deeper than ${MAX_NESTING} levels are not supported`);
  try {
    return parseJson(text, { mode: 'json' }).body;
  } catch (e) {
    const at = e as { line?: unknown; column?: unknown; name?: unknown };
    const line = typeof at.line === 'number' ? at.line : 1;
    const column = typeof at.column === 'number' ? at.column : 1;
    throw new HclSyntaxError(file, line, column, `invalid JSON (${syntaxKind(at.name)})`);
  }
}

function syntaxKind(name: unknown): string {
  if (name === 'UnexpectedEOF') return 'the text ends before the document is complete';
  if (name === 'UnexpectedChar') return 'unexpected character';
  if (name === 'UnexpectedToken') return 'unexpected token';
  return 'a syntax error';
}

/** JSON forbids raw control characters in strings (Go's decoder, hence Terraform, rejects them). */
const RAW_CONTROL = /[\u0000-\u001f]/;

const dict = (): RawBody => newDict<unknown>();

function isBody(v: unknown): v is RawBody {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Object, null, or an array of objects (or of arrays of objects): what may stand for blocks. */
function blockShaped(n: ValueNode): boolean {
  if (n.type === 'Object' || n.type === 'Null') return true;
  return (
    n.type === 'Array' &&
    n.elements.every(
      (e) => e.value.type === 'Object' || (e.value.type === 'Array' && e.value.elements.every((x) => x.value.type === 'Object')),
    )
  );
}

class Converter {
  constructor(
    private readonly file: string,
    private readonly text: string,
  ) {}

  fail(node: Node, detail: string): never {
    throw new HclSyntaxError(this.file, node.loc.start.line, node.loc.start.column, detail);
  }

  loc(node: Node): Location {
    const { start, end } = node.loc;
    return { file: this.file, line: start.line, endLine: end.line, column: start.column, endColumn: end.column };
  }

  name(m: MemberNode): string {
    if (m.name.type !== 'String') this.fail(m, 'a property name must be a string');
    this.checkString(m.name);
    return m.name.value;
  }

  /** momoa lets raw control characters through; the decoded value may hold `\n` escapes, so the source span decides. */
  private checkString(n: Node & { value: string }): void {
    if (RAW_CONTROL.test(n.value) && RAW_CONTROL.test(this.text.slice(n.loc.start.offset, n.loc.end.offset))) {
      this.fail(n, 'a raw control character inside a string');
    }
  }

  /** The properties of an object, or of each object of an array (HCL's JSON spec merges them). */
  private members(n: ValueNode, what: string): MemberNode[] {
    if (n.type === 'Null') return [];
    if (n.type === 'Object') return n.members;
    if (n.type === 'Array') {
      return n.elements.flatMap((e) =>
        e.value.type === 'Object' ? e.value.members : this.fail(e.value, `${what}: a JSON object is required here`),
      );
    }
    return this.fail(n, `${what}: a JSON object or an array of objects is required here`);
  }

  read(root: ValueNode): TfJsonRead {
    const body = dict();
    const blocks: ScannedBlock[] = [];
    for (const m of this.members(root, 'the file')) {
      const kind = this.name(m);
      if (kind === COMMENT) continue;
      this.block(kind, TOP_LABELS[kind] ?? 0, m.value, m, [], body, blocks);
    }
    return { body, blocks };
  }

  /**
   * One block type's property: `labelsLeft` levels of objects keyed by label, then the body (an
   * object, or an array of bodies: several blocks). Stored as hcl2json does: out[kind][l1][l2] = [bodies].
   */
  private block(kind: string, labelsLeft: number, n: ValueNode, at: Node, labels: string[], out: RawBody, blocks: ScannedBlock[]): void {
    if (labelsLeft > 0) {
      const ms = this.members(n, `a ${quoted('block', kind)}`);
      if (ms.length === 0) this.fail(n, `a ${quoted('block', kind)} lacks a label (an empty object or null)`);
      const key = labels.length === 0 ? kind : labels[labels.length - 1]!;
      const level = out[key] === undefined ? (out[key] = dict()) : out[key];
      for (const m of ms) this.block(kind, labelsLeft - 1, m.value, m, [...labels, this.name(m)], level as RawBody, blocks);
      return;
    }
    const key = labels.length === 0 ? kind : labels[labels.length - 1]!;
    const list = (Array.isArray(out[key]) ? out[key] : (out[key] = [])) as RawBody[];
    const bodies: { node: ValueNode; at: Node }[] =
      n.type === 'Null' ? [] : n.type === 'Array' ? n.elements.map((e) => ({ node: e.value, at: e })) : [{ node: n, at }];
    for (const b of bodies) {
      if (b.node.type !== 'Object' && b.node.type !== 'Array')
        this.fail(b.node, `a ${quoted('block', kind)} needs a JSON object as its body`);
      const scanned: ScannedBlock = { type: kind, labels, location: this.loc(b.at), attrs: new Map(), blocks: [], comments: [] };
      list.push(kind === 'locals' ? this.attributes(b.node, scanned) : this.body(this.members(b.node, kind), scanned, true));
      blocks.push(scanned);
    }
  }

  /** A body of attributes only (`locals`): a name set twice is an error. */
  private attributes(n: ValueNode, scanned: ScannedBlock): RawBody {
    const out = dict();
    for (const m of this.members(n, 'locals')) {
      const k = this.name(m);
      if (k === COMMENT) continue;
      const first = scanned.attrs.get(k);
      if (first) this.fail(m, `the ${quoted('local value', k)} is set twice (first on line ${first.line})`);
      scanned.attrs.set(k, this.loc(m));
      out[k] = this.value(m.value, false);
    }
    return out;
  }

  /**
   * A block body. A property repeated with block-shaped values is a repeated nested block (merged,
   * as Terraform does); repeated otherwise it is an argument set twice, which Terraform refuses.
   * `scanned` receives positions: only for a block (a value's inner objects are located by
   * locateNested, in one walk, rather than once per level above them).
   */
  private body(ms: MemberNode[], scanned: ScannedBlock | undefined, topLevel: boolean): RawBody {
    const out = dict();
    const firstAt = new Map<string, MemberNode>();
    for (const m of ms) {
      const k = this.name(m);
      if (k === COMMENT && topLevel && scanned) {
        this.comment(m, scanned);
        continue;
      }
      const first = firstAt.get(k);
      if (first && !(blockShaped(first.value) && blockShaped(m.value))) {
        this.fail(m, `the ${quoted('argument', k)} is set twice in one block (first on line ${first.loc.start.line})`);
      }
      if (!first) {
        firstAt.set(k, m);
        scanned?.attrs.set(k, this.loc(m));
      }
      if (LABELED_NESTED.has(k) && m.value.type !== 'Null' && blockShaped(m.value)) {
        this.labeled(k, m.value, out, scanned);
        continue;
      }
      const v = this.value(m.value, true);
      if (scanned) this.locateNested(k, m.value, scanned);
      if (!first) out[k] = v;
      else out[k] = [...asBlockList(out[k]), ...asBlockList(v)];
    }
    return out;
  }

  /** `"//"` in a block body: a comment, which may carry a `ztait:ignore` like `#` in HCL. */
  private comment(m: MemberNode, scanned: ScannedBlock): void {
    const texts = m.value.type === 'String' ? [m.value] : m.value.type === 'Array' ? m.value.elements.map((e) => e.value) : [];
    for (const t of texts) {
      if (t.type !== 'String') continue;
      this.checkString(t);
      scanned.comments.push({ text: t.value, line: t.loc.start.line });
    }
  }

  /** `"dynamic": {"ingress": {...}}`: label level then bodies, stored as hcl2json does ({label: [bodies]}). */
  private labeled(kind: string, n: ValueNode, out: RawBody, scanned: ScannedBlock | undefined): void {
    const level = (isBody(out[kind]) ? out[kind] : (out[kind] = dict())) as RawBody;
    for (const m of this.members(n, kind)) {
      const label = this.name(m);
      const list = (Array.isArray(level[label]) ? level[label] : (level[label] = [])) as unknown[];
      const bodies =
        m.value.type === 'Array' ? m.value.elements.map((e) => ({ node: e.value, at: e as Node })) : [{ node: m.value, at: m as Node }];
      for (const b of bodies) {
        if (b.node.type === 'Null') continue;
        const child: ScannedBlock | undefined = scanned && {
          type: kind,
          labels: [label],
          location: this.loc(b.at),
          attrs: new Map(),
          blocks: [],
          comments: [],
        };
        list.push(this.body(this.members(b.node, `a ${quoted('block', kind)}`), child, false));
        if (child) scanned?.blocks.push(child);
      }
    }
  }

  /** Positions inside an object or a list of objects: as nested blocks (`egress.1.to_port`, `tags.Name`). */
  private locateNested(k: string, n: ValueNode, scanned: ScannedBlock): void {
    const nodes = n.type === 'Object' ? [n] : n.type === 'Array' && blockShaped(n) ? n.elements.map((e) => e.value) : [];
    for (const node of nodes) {
      const child: ScannedBlock = { type: k, labels: [], location: this.loc(node), attrs: new Map(), blocks: [], comments: [] };
      this.locateMembers(node.type === 'Object' ? node.members : this.members(node, 'a nested block'), child);
      scanned.blocks.push(child);
    }
  }

  private locateMembers(ms: MemberNode[], scanned: ScannedBlock): void {
    for (const m of ms) {
      const k = m.name.type === 'String' ? m.name.value : '';
      if (!scanned.attrs.has(k)) scanned.attrs.set(k, this.loc(m));
      if (k === 'dynamic' || k === 'content') continue;
      this.locateNested(k, m.value, scanned);
    }
  }

  /**
   * An attribute's value. `mayBeBlock`: it sits where a nested block may (a body member or inside
   * one), so an array of arrays of objects is one block each (HCL merges them) and a repeated
   * block-shaped key merges; elsewhere (inside a string list, in locals) a repeated key is an error.
   */
  value(n: ValueNode, mayBeBlock: boolean): unknown {
    // recursion is bounded: document() refused more than MAX_NESTING brackets
    switch (n.type) {
      case 'String':
        this.checkString(n);
        return n.value;
      case 'Number':
      case 'Boolean':
        return n.value;
      case 'Null':
        return null;
      case 'Array': {
        const asBlocks = mayBeBlock && blockShaped(n);
        return n.elements.map((e) =>
          asBlocks && e.value.type === 'Array'
            ? this.body(this.members(e.value, 'block'), undefined, false)
            : this.value(e.value, asBlocks),
        );
      }
      case 'Object':
        return mayBeBlock ? this.body(n.members, undefined, false) : this.object(n);
      default:
        return this.fail(n, 'not a JSON value');
    }
  }

  /** An object expression: a key set twice is an error ("Duplicate object attribute" in Terraform). */
  private object(n: ValueNode & { type: 'Object' }): RawBody {
    const out = dict();
    const firstAt = new Map<string, number>();
    for (const m of n.members) {
      const k = this.name(m);
      const first = firstAt.get(k);
      if (first !== undefined) this.fail(m, `the ${quoted('key', k)} is set twice in one object (first on line ${first})`);
      firstAt.set(k, m.loc.start.line);
      out[k] = this.value(m.value, false);
    }
    return out;
  }
}

/**
 * `argument "name"` when the name is a plain identifier, else `argument`: an error
 * message never quotes arbitrary text from the file (it may be a secret, or a forged log line).
 */
function quoted(what: string, name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(name) ? `${what} "${name}"` : what;
}

/** A block-shaped value as a list of blocks (an object is one block, null none). */
function asBlockList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return v === null || v === undefined ? [] : [v];
}

/** Template sequences doubled (`$${`, `%%{`), so that the evaluator reads the string literally. */
function escapeTemplates(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/([$%])\{/g, '$1$1{');
  if (Array.isArray(v)) return v.map(escapeTemplates);
  if (isBody(v)) {
    const out = dict();
    for (const [k, x] of Object.entries(v)) out[escapeTemplates(k) as string] = escapeTemplates(x);
    return out;
  }
  return v;
}
