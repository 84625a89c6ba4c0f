/**
 * Value provenance for HCL: where an attribute's value was written. A finding points at the
 * attribute that uses a value (`enabled = var.pitr_enabled`); the change that broke it is often
 * elsewhere: a variable default, a tfvars line, a module input, a local, a policy document. This
 * follows an attribute's references through those, nearest first, without evaluating anything
 * again: the loader registers each resource instance with the module scope it was evaluated in.
 */
import { basename } from 'node:path';
import type { Inventory, Location, Origin, Provenance, Resource } from '../model/inventory.js';
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

  constructor(private readonly inv: Inventory) {}

  register(r: Resource, scope: ProvenanceScope, body: RawBody): void {
    this.resources.set(r, { scope, body });
  }

  origins(resource: Resource, attr: string | undefined, opts: { statement?: number } = {}): Origin[] {
    const reg = this.resources.get(resource);
    if (!reg || attr === undefined) return [];
    const { raw, iterators } = rawAt(reg.body, attr);
    if (raw === undefined) return [];
    const refs = referencesIn(raw);
    // `each.value` and a dynamic block's iterator come from a for_each expression: follow it too
    if (refs.some((r) => r[0] === 'each' || r[0] === 'count') && reg.body.for_each !== undefined)
      refs.push(...referencesIn(reg.body.for_each));
    if (reg.body.count !== undefined && refs.some((r) => r[0] === 'count')) refs.push(...referencesIn(reg.body.count));
    for (const it of iterators) refs.push(...referencesIn(it));
    return new Follower(this.inv, opts.statement).follow(reg.scope, refs);
  }
}

/** Walks references breadth first, so the steps run from the use towards the origin. */
class Follower {
  private readonly out: Origin[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly inv: Inventory,
    private readonly statement: number | undefined,
  ) {}

  follow(scope: ProvenanceScope, refs: (string | number)[][]): Origin[] {
    let frontier: { scope: ProvenanceScope; ref: (string | number)[] }[] = refs.map((ref) => ({ scope, ref }));
    for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
      const next: typeof frontier = [];
      for (const { scope: s, ref } of frontier) {
        for (const [scope2, raw] of this.step(s, ref)) for (const r of referencesIn(raw)) next.push({ scope: scope2, ref: r });
      }
      frontier = next;
    }
    return this.out;
  }

  /** Records where one reference's value is written; returns the expressions to follow from there. */
  private step(scope: ProvenanceScope, ref: (string | number)[]): [ProvenanceScope, unknown][] {
    const [root, name] = ref;
    if (typeof name !== 'string') return [];
    const key = `${scope.path}|${root}.${name}`;
    if (this.seen.has(key)) return [];
    this.seen.add(key);
    switch (root) {
      case 'var':
        return this.variable(scope, name);
      case 'local': {
        const l = scope.localDef(name);
        if (!l) return [];
        this.add(l.site, `${prefixed(scope, `local.${name}`)}`);
        return [[scope, l.raw]];
      }
      case 'module': {
        const out = typeof ref[2] === 'string' ? ref[2] : undefined;
        const child = scope.child(name);
        if (!child || !out) return [];
        const o = child.outputDef(out);
        if (!o) return [];
        this.add(o.site, `${prefixed(scope, `module.${name}`)} output ${out}`);
        return [[child, o.raw]];
      }
      case 'data': {
        // a policy document is part of the value of the policy that renders it
        const type = name;
        const label = ref[2];
        if (type !== 'aws_iam_policy_document' || typeof label !== 'string') return [];
        const b = scope.block(`data.${type}.${label}`);
        if (!b) return [];
        const stmt = this.statement !== undefined ? own(b.attrLocations, `statement.${this.statement}`) : undefined;
        const what = `${prefixed(scope, `data.${type}.${label}`)}`;
        this.add(stmt ?? b.location, stmt ? `${what} statement ${this.statement! + 1}` : what);
        // within the document, only the statement meant is followed further (the whole body names everything)
        const body = stmt ? (b.body.statement as unknown[] | undefined)?.[this.statement!] : undefined;
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
      if (arg) {
        this.add(arg.site, `${prefixed(scope.caller.scope, `module.${scope.caller.name}`)} input ${name}${shown}`);
        return [[scope.caller.scope, arg.raw]];
      }
      const d = scope.variable(name);
      if (d?.defaultSite) this.add(d.defaultSite, `${v} (default)`);
      return [];
    }
    const origin = own(this.inv.variableOrigins ?? {}, name);
    if (origin && origin.line > 0) this.add(origin, origin.kind === 'tfvars' ? `${v} (set in ${basename(origin.file)})` : `${v} (default)`);
    return [];
  }

  private add(loc: Location, what: string): void {
    if (this.seen.has(`@${loc.file}:${loc.line}`)) return;
    this.seen.add(`@${loc.file}:${loc.line}`);
    this.out.push({ file: loc.file, line: loc.line, endLine: loc.endLine, what });
  }
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
export function rawAt(body: RawBody, attr: string): { raw: unknown; iterators: unknown[] } {
  const iterators: unknown[] = [];
  let cur: unknown = body;
  for (const seg of attr.split('.')) {
    if (typeof cur === 'string') break;
    if (Array.isArray(cur)) {
      const i = /^\d+$/.test(seg) ? Number(seg) : undefined;
      if (i !== undefined) {
        cur = cur[i];
        continue;
      }
      cur = cur[0];
    }
    if (cur === null || typeof cur !== 'object') return { raw: undefined, iterators };
    const o = cur as RawBody;
    if (Object.prototype.hasOwnProperty.call(o, seg)) cur = o[seg];
    else {
      const dyn = (o.dynamic as Record<string, unknown> | undefined)?.[seg];
      const def = (Array.isArray(dyn) ? dyn[0] : dyn) as RawBody | undefined;
      if (!def || typeof def !== 'object') return { raw: undefined, iterators };
      iterators.push(def.for_each);
      const content = def.content;
      cur = Array.isArray(content) ? content[0] : content;
    }
  }
  return { raw: cur, iterators };
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
