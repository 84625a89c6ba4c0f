/**
 * Value provenance for HCL: where an attribute's value was written. A finding points at the
 * attribute that uses a value (`enabled = var.pitr_enabled`); the change that broke it is often
 * elsewhere: a variable default, a tfvars line, a module input, a local, a policy document. This
 * follows an attribute's references through those, nearest first, without evaluating anything
 * again: the loader registers each resource instance with the module scope it was evaluated in.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Inventory, Location, Origin, Provenance, Resource, StatementRef } from '../model/inventory.js';
import { own } from '../model/dict.js';
import type { Value } from '../model/value.js';
import { referencesOf } from './ast.js';
import { isTemplateString, parsedExpression } from './parser.js';

type RawBody = Record<string, unknown>;

/** What provenance asks of a module instance (the loader's ModuleInstance answers). */
export interface ProvenanceScope {
  /** `''` for the root module, `module.data` for a child instance. */
  readonly path: string;
  /** The module that calls this one and the name of the call; undefined for the root. */
  readonly caller?: { scope: ProvenanceScope; name: string };
  /** The argument `name` of the call `call` in this module: its expression and where it is. */
  callArgument(call: string, name: string): { raw: unknown; site: Location } | undefined;
  localDef(name: string): { raw: unknown; site: Location } | undefined;
  /** A variable's declaration: where its default is (when it has one). */
  variable(name: string): { defaultSite?: Location; site: Location } | undefined;
  /** The value the variable has in this instance (for a short rendering of booleans and numbers). */
  variableValue(name: string): Value | undefined;
  outputDef(name: string): { raw: unknown; site: Location } | undefined;
  /** The first instance of a child module, to follow `module.x.output`. */
  child(name: string): ProvenanceScope | undefined;
  /** A resource or data block of this module by local address (`data.aws_iam_policy_document.x`). */
  block(key: string): { body: RawBody; location: Location; attrLocations: Record<string, Location> } | undefined;
}

interface Registered {
  scope: ProvenanceScope;
  body: RawBody;
}

/** How far a trace follows references (a local of a local of a module input ...). */
const MAX_DEPTH = 12;
/** How many strings of an attribute's subtree are searched for references (a big policy body). */
const MAX_STRINGS = 400;

export class HclProvenance implements Provenance {
  private readonly resources = new WeakMap<Resource, Registered>();
  /** Source lines of the files traces look into (read again only for findings that need a map key's line). */
  private readonly texts = new SourceLines();

  constructor(private readonly inv: Inventory) {}

  register(r: Resource, scope: ProvenanceScope, body: RawBody): void {
    this.resources.set(r, { scope, body });
  }

  origins(resource: Resource, attr: string | undefined, opts: { statement?: StatementRef } = {}): Origin[] {
    const reg = this.resources.get(resource);
    if (!reg) return [];
    // a policy document named itself (not through the policy that renders it): its statement, found as a reference finds it
    if (resource.mode === 'data' && resource.type === 'aws_iam_policy_document' && opts.statement)
      return new Follower(this.inv, opts.statement, this.texts).follow(reg.scope, [['data', resource.type, resource.name]]);
    if (attr === undefined) return [];
    const { raw, iterators, rest } = rawAt(reg.body, attr);
    if (raw === undefined) return [];
    // a dynamic block's content reads its iterator, which comes from the block's for_each
    const refs = [...referencesIn(raw), ...iterators.flatMap(referencesIn)];
    // `each.value` comes from the resource's for_each, `count.index` from its count
    if (refs.some((r) => r[0] === 'each') && reg.body.for_each !== undefined) refs.push(...referencesIn(reg.body.for_each));
    if (refs.some((r) => r[0] === 'count') && reg.body.count !== undefined) refs.push(...referencesIn(reg.body.count));
    // the path goes on inside an expression (a map key of a local): that key's line is looked for where the map is written
    return new Follower(this.inv, opts.statement, this.texts).follow(reg.scope, refs, rest[rest.length - 1]);
  }
}

/**
 * Walks references breadth first, so the steps run from the use towards the origin. Each step
 * remembers the step it was reached from: when a step is certain to be the one meant (the line that
 * writes the map key the finding is about, the policy statement named by its Sid), the steps that
 * lead to it and from it are kept and its siblings, which only share an expression, are dropped.
 */
class Follower {
  private readonly out: Origin[] = [];
  /** The steps each step was reached from (a reference reached again adds one). */
  private readonly parents: number[][] = [];
  /** The step a reference led to, for one reached again. */
  private readonly refSteps = new Map<string, number>();
  private readonly hot = new Set<number>();
  private readonly seen = new Set<string>();
  private readonly at = new Map<string, number>();
  /** The map key the finding is about, until a step finds the line that writes it. */
  private focus: string | undefined;
  /** The step the reference being followed was reached from (-1: the attribute itself), then the step it added. */
  private parent = -1;

  constructor(
    private readonly inv: Inventory,
    private readonly statement: StatementRef | undefined,
    private readonly texts: SourceLines,
  ) {}

  follow(scope: ProvenanceScope, refs: (string | number)[][], focus?: string): Origin[] {
    this.focus = focus;
    let frontier: { scope: ProvenanceScope; ref: (string | number)[]; parent: number }[] = refs.map((ref) => ({ scope, ref, parent: -1 }));
    for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
      const next: typeof frontier = [];
      for (const { scope: s, ref, parent } of frontier) {
        this.parent = parent;
        for (const [scope2, raw] of this.step(s, ref))
          for (const r of referencesIn(raw)) next.push({ scope: scope2, ref: r, parent: this.parent });
      }
      frontier = next;
    }
    return this.kept();
  }

  /** Every step, or, once a step is certain, only those on its path. */
  private kept(): Origin[] {
    if (this.hot.size === 0) return this.out;
    const up = (from: number[]): Set<number> => {
      const seen = new Set<number>();
      const todo = [...from];
      while (todo.length > 0) {
        const i = todo.pop()!;
        if (i < 0 || seen.has(i)) continue;
        seen.add(i);
        todo.push(...this.parents[i]!);
      }
      return seen;
    };
    const ancestors = up([...this.hot]);
    const below = (i: number): boolean => [...up([i])].some((a) => this.hot.has(a));
    return this.out.filter((_, i) => ancestors.has(i) || below(i));
  }

  /**
   * A multi-line expression (a local's map) where the focused key is written on one line: that line
   * is the step, and only its references are followed. Otherwise the whole expression.
   */
  private written(site: Location, what: string, scope: ProvenanceScope, raw: unknown): [ProvenanceScope, unknown][] {
    const key = this.focus;
    if (key !== undefined && site.endLine > site.line) {
      const hit = this.texts.keyLine(site, key);
      if (hit) {
        this.focus = undefined;
        this.add({ file: site.file, line: hit.line, endLine: hit.line }, `${what}: ${key}`, true);
        return [[scope, `\${${hit.value}}`]];
      }
    }
    this.add(site, what);
    return [[scope, raw]];
  }

  /** Records where one reference's value is written; returns the expressions to follow from there. */
  private step(scope: ProvenanceScope, ref: (string | number)[]): [ProvenanceScope, unknown][] {
    const [root, name] = ref;
    if (typeof name !== 'string') return [];
    // a data source is named by its type and label, a module's output by the module and the output
    const key = `${scope.path}|${ref.slice(0, root === 'data' || root === 'module' ? 3 : 2).join('.')}`;
    if (this.seen.has(key)) {
      // reached again: the step it led to is reached from here too
      const again = this.refSteps.get(key);
      if (again !== undefined && this.parent >= 0 && !this.parents[again]!.includes(this.parent)) this.parents[again]!.push(this.parent);
      return [];
    }
    this.seen.add(key);
    const from = this.parent;
    const next = this.visit(scope, ref, root, name);
    if (this.parent !== from) this.refSteps.set(key, this.parent);
    return next;
  }

  private visit(
    scope: ProvenanceScope,
    ref: (string | number)[],
    root: string | number | undefined,
    name: string,
  ): [ProvenanceScope, unknown][] {
    switch (root) {
      case 'var':
        return this.variable(scope, name);
      case 'local': {
        const l = scope.localDef(name);
        if (!l) return [];
        return this.written(l.site, prefixed(scope, `local.${name}`), scope, l.raw);
      }
      case 'module': {
        const out = typeof ref[2] === 'string' ? ref[2] : undefined;
        const child = scope.child(name);
        if (!child || !out) return [];
        const o = child.outputDef(out);
        if (!o) return [];
        return this.written(o.site, `${prefixed(scope, `module.${name}`)} output ${out}`, child, o.raw);
      }
      case 'data': {
        // a policy document is part of the value of the policy that renders it
        const type = name;
        const label = ref[2];
        if (type !== 'aws_iam_policy_document' || typeof label !== 'string') return [];
        const b = scope.block(`data.${type}.${label}`);
        if (!b) return [];
        const j = statementBlock(b.body, this.statement);
        const stmt = j !== undefined ? own(b.attrLocations, `statement.${j}`) : undefined;
        const what = `${prefixed(scope, `data.${type}.${label}`)}`;
        this.add(stmt ?? b.location, stmt ? `${what} statement ${j! + 1}` : what, stmt !== undefined);
        // within the document, only the statement meant is followed further (the whole body names everything)
        const body = stmt ? (b.body.statement as unknown[] | undefined)?.[j!] : undefined;
        return body !== undefined ? [[scope, body]] : [];
      }
      default:
        return [];
    }
  }

  private variable(scope: ProvenanceScope, name: string): [ProvenanceScope, unknown][] {
    const shown = short(scope.variableValue(name));
    const v = `${prefixed(scope, `var.${name}`)}${shown}`;
    if (scope.caller) {
      const arg = scope.caller.scope.callArgument(scope.caller.name, name);
      if (arg)
        return this.written(
          arg.site,
          `${prefixed(scope.caller.scope, `module.${scope.caller.name}`)} input ${name}${shown}`,
          scope.caller.scope,
          arg.raw,
        );
      const d = scope.variable(name);
      if (d?.defaultSite) this.add(d.defaultSite, `${v} (default)`);
      return [];
    }
    const origin = own(this.inv.variableOrigins ?? {}, name);
    if (origin && origin.line > 0) this.add(origin, origin.kind === 'tfvars' ? `${v} (set in ${basename(origin.file)})` : `${v} (default)`);
    return [];
  }

  /** A step, reached from the current parent; what follows from here is reached from it. `certain`: see the class. */
  private add(loc: Location, what: string, certain = false): void {
    const where = `${loc.file}:${loc.line}`;
    const known = this.at.get(where);
    if (known !== undefined) {
      if (this.parent >= 0 && this.parent !== known && !this.parents[known]!.includes(this.parent)) this.parents[known]!.push(this.parent);
      this.parent = known;
      return;
    }
    const i = this.out.push({ file: loc.file, line: loc.line, endLine: loc.endLine, what }) - 1;
    this.parents.push([this.parent]);
    this.at.set(where, i);
    if (certain) this.hot.add(i);
    this.parent = i;
  }
}

/**
 * The `statement` block of a policy document the rendered statement comes from: the one with its Sid,
 * else the one at its index when the document merges in no other (source documents come first).
 */
function statementBlock(body: RawBody, st: StatementRef | undefined): number | undefined {
  if (!st) return undefined;
  const blocks = Array.isArray(body.statement) ? (body.statement as unknown[]) : [];
  if (st.sid !== undefined) {
    const j = blocks.findIndex((b) => (b as RawBody | null)?.sid === st.sid);
    return j >= 0 ? j : undefined;
  }
  // without a Sid, the index names a block only in a document that merges in no other, and is not
  // trusted across several documents: the rule's statement may be another document's
  if (st.sid !== undefined) return undefined;
  const merges = body.source_policy_documents !== undefined || body.override_policy_documents !== undefined;
  return !merges && st.index < blocks.length ? st.index : undefined;
}

function prefixed(scope: ProvenanceScope, name: string): string {
  return scope.path ? `${scope.path}.${name}` : name;
}

/** ` = false` for a boolean or a number; strings are not shown (they may be secrets or long). */
function short(v: Value | undefined): string {
  return typeof v === 'boolean' || typeof v === 'number' ? ` = ${v}` : '';
}

/**
 * The raw (hcl2json) value at a dotted attribute path (`point_in_time_recovery.enabled`,
 * `egress.1.to_port`, `environment.variables.MATURITY_LEVEL`): nested blocks are lists of bodies,
 * dynamic blocks are followed into their content, and a path that goes on inside an expression
 * (a map written as one expression) stops at that expression. `iterators`: the for_each of the
 * dynamic blocks on the way.
 */
export function rawAt(body: RawBody, attr: string): { raw: unknown; iterators: unknown[]; rest: string[] } {
  const iterators: unknown[] = [];
  let cur: unknown = body;
  const path = attr.split('.');
  for (const [n, seg] of path.entries()) {
    if (typeof cur === 'string') return { raw: cur, iterators, rest: path.slice(n) };
    if (Array.isArray(cur)) {
      const i = /^\d+$/.test(seg) ? Number(seg) : undefined;
      if (i !== undefined) {
        cur = cur[i];
        continue;
      }
      cur = cur[0];
    }
    if (cur === null || typeof cur !== 'object') return { raw: undefined, iterators, rest: [] };
    const o = cur as RawBody;
    if (Object.prototype.hasOwnProperty.call(o, seg)) cur = o[seg];
    else {
      const dyn = (o.dynamic as Record<string, unknown> | undefined)?.[seg];
      const def = (Array.isArray(dyn) ? dyn[0] : dyn) as RawBody | undefined;
      if (!def || typeof def !== 'object') return { raw: undefined, iterators, rest: [] };
      iterators.push(def.for_each);
      const content = def.content;
      cur = Array.isArray(content) ? content[0] : content;
    }
  }
  return { raw: cur, iterators, rest: [] };
}

/** The lines of the files a trace looks into, read once per provenance (the loader read them already). */
class SourceLines {
  private readonly files = new Map<string, string[] | undefined>();

  /** The line within `site` that writes `key = value` (exactly one such line), and the value's text. */
  keyLine(site: Location, key: string): { line: number; value: string } | undefined {
    const lines = this.lines(site.file);
    if (!lines) return undefined;
    const name = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // only the key is matched by the pattern: the value is cut with string operations (a pattern over
    // a long hostile line's trailing whitespace would backtrack quadratically)
    const re = new RegExp(`^\\s*"?${name}"?\\s*[=:]\\s*`);
    const hits: { line: number; value: string }[] = [];
    for (let n = site.line; n <= Math.min(site.endLine, lines.length); n++) {
      const line = lines[n - 1]!;
      const m = re.exec(line);
      if (!m) continue;
      const value = line.slice(m[0].length).trimEnd();
      hits.push({ line: n, value: value.endsWith(',') ? value.slice(0, -1) : value });
    }
    return hits.length === 1 ? hits[0] : undefined;
  }

  private lines(file: string): string[] | undefined {
    if (!this.files.has(file)) {
      let text: string | undefined;
      try {
        text = readFileSync(resolve(file), 'utf8');
      } catch {
        text = undefined;
      }
      this.files.set(file, text?.split('\n'));
    }
    return this.files.get(file);
  }
}

/** Every reference in a raw value's expressions (`['var', 'x']`, `['local', 'y', 'z']`). */
export function referencesIn(raw: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  let strings = 0;
  const walk = (x: unknown): void => {
    if (strings > MAX_STRINGS) return;
    if (typeof x === 'string') {
      strings++;
      if (!isTemplateString(x)) return;
      const expr = parsedExpression(x);
      if (expr) out.push(...referencesOf(expr));
      else out.push(...roughReferences(x));
    } else if (Array.isArray(x)) x.forEach(walk);
    else if (x !== null && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) {
        walk(k);
        walk(v);
      }
    }
  };
  walk(raw);
  return out;
}

/** References found by their shape when the parsed expression is not at hand (its cache was cleared). */
function roughReferences(src: string): (string | number)[][] {
  const out: (string | number)[][] = [];
  for (const m of src.matchAll(/\b(var|local|module|data|each|count)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?/g)) {
    out.push([m[1]!, m[2]!, ...(m[3] ? [m[3]] : [])]);
  }
  return out;
}
