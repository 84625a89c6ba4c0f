import type { ConfigResource, Expression, Json, ModuleConfig } from './format.js';
import { splitTraversal, type InstanceKey, type ModuleStep, type ResourceAddress, type Segment } from './address.js';
// A map entry of the document, never an inherited property (a module named `constructor`).
import { own } from '../../model/dict.js';

/**
 * The plan's `configuration`: module structure and, for every attribute, the references of its
 * expression, module-relative (`aws_security_group.lambda.id`, `module.foundation.boundary_arn`,
 * `var.sg_ids`). Resolving a reference follows module outputs and module input variables (through
 * the calling module's argument) until it reaches resource addresses.
 */

/** A resource a reference leads to, and the attribute read from it (`arn` of `aws_iam_role.x.arn`). */
export interface RefTarget {
  address: ResourceAddress;
  attr?: string;
  /** `each.value` or `[each.key]` of the instance with this key: prefer the target's instance of the same key. */
  preferKey?: InstanceKey;
}

export interface Resolution {
  targets: RefTarget[];
  /** References the plan does not describe (locals), so what they point at is not known. */
  opaque: string[];
  /** Root variables the expression reads (their values are in the plan's `variables`). */
  rootVars: string[];
}

interface Scope {
  modules: ModuleStep[];
  /** The for_each expression `each.value` refers to (of the resource or of the module call). */
  forEach?: Expression;
  instanceKey?: InstanceKey;
}

const MAX_DEPTH = 64;

export class PlanConfiguration {
  /** Each module's resource blocks by local address (`data.aws_iam_policy_document.x`), built on first use. */
  private readonly blocks = new Map<ModuleConfig, Map<string, ConfigResource>>();
  /**
   * What the same expression gives every instance of its block, worked out once: the references
   * under a configuration node, the most specific of a reference list, a reference's steps.
   */
  private readonly nodeRefs = new WeakMap<object, string[]>();
  private readonly specific = new WeakMap<readonly string[], string[]>();
  private readonly traversals = new Map<string, Segment[] | undefined>();
  private readonly modulesKeys = new WeakMap<readonly ModuleStep[], string>();
  /** Resolutions by reference list, then by module instance (and instance key, for lists reading `each`). */
  private readonly resolutions = new WeakMap<readonly string[], Map<string, Resolution>>();
  private readonly forEachTags = new WeakMap<Expression, number>();
  private nextTag = 0;

  constructor(private readonly root: ModuleConfig | undefined) {}

  get present(): boolean {
    return this.root !== undefined;
  }

  moduleAt(steps: readonly ModuleStep[]): ModuleConfig | undefined {
    let mod = this.root;
    for (const s of steps) mod = own(mod?.module_calls, s.name)?.module;
    return mod;
  }

  resource(addr: ResourceAddress): ConfigResource | undefined {
    const mod = this.moduleAt(addr.modules);
    if (!mod) return undefined;
    let blocks = this.blocks.get(mod);
    if (!blocks) {
      blocks = new Map();
      // The first of two blocks with one address wins, as a search in order would find it.
      for (const r of mod.resources ?? []) if (!blocks.has(r.address)) blocks.set(r.address, r);
      this.blocks.set(mod, blocks);
    }
    return blocks.get(`${addr.mode === 'data' ? 'data.' : ''}${addr.type}.${addr.name}`);
  }

  variable(name: string): { default?: Json; sensitive?: boolean } | undefined {
    return own(this.root?.variables, name);
  }

  /** Every module config with its (keyless) module path, root first. */
  *modules(): Generator<{ steps: ModuleStep[]; config: ModuleConfig }> {
    const walk = function* (
      steps: ModuleStep[],
      config: ModuleConfig | undefined,
    ): Generator<{ steps: ModuleStep[]; config: ModuleConfig }> {
      if (!config) return;
      yield { steps, config };
      for (const [name, call] of Object.entries(config.module_calls ?? {})) yield* walk([...steps, { name }], call.module);
    };
    yield* walk([], this.root);
  }

  /**
   * What the configuration says about the value at `path` of a resource: the references of the
   * expression that sets it (a path inside an expression, like an element of a list attribute, gets
   * the whole expression's; a path naming a whole block gets all of the block's); `unset` when the
   * enclosing block is configured but does not set it (the provider computes it); `undescribed`
   * when the enclosing block is not in the configuration (a `dynamic` block: plan JSON leaves those
   * out, so nothing is known about where the value comes from). `block` marks a path that names
   * nested blocks rather than an attribute.
   */
  expressionAt(
    cfg: ConfigResource,
    path: readonly (string | number)[],
    planned: (prefix: (string | number)[]) => Json | undefined,
  ): { refs: string[]; block?: true } | 'unset' | 'undescribed' {
    let node: Json | undefined = (cfg.expressions ?? {}) as Json;
    let isBlockBody = true;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (!isBlockBody && !Array.isArray(node)) break; // inside an expression: it covers the rest
      if (Array.isArray(node)) {
        if (typeof seg !== 'number') return { refs: this.referencesUnder(node), block: true };
        const block = alignBlock(node, planned(path.slice(0, i + 1) as (string | number)[]));
        if (block === undefined) return { refs: this.referencesUnder(node), block: true };
        node = block;
        isBlockBody = true;
      } else if (node && typeof node === 'object') {
        const next: Json | undefined = own(node as Record<string, Json>, String(seg));
        if (next === undefined) return 'unset';
        node = next;
        isBlockBody = false;
      } else return 'undescribed';
    }
    // Ending on a block list or a block body: the value is (part of) nested blocks, not an attribute.
    return isBlockBody || Array.isArray(node) ? { refs: this.referencesUnder(node), block: true } : { refs: this.referencesUnder(node) };
  }

  private referencesUnder(node: Json | undefined): string[] {
    if (typeof node !== 'object' || node === null) return [];
    let refs = this.nodeRefs.get(node);
    if (!refs) this.nodeRefs.set(node, (refs = allReferences(node)));
    return refs;
  }

  /**
   * Resolves module-relative references made in module instance `modules` to resource targets.
   * The result is shared by every instance of the block in that module instance (per instance
   * only when the expression reads `each`): treat it as read-only.
   */
  resolve(references: readonly string[], modules: ModuleStep[], self?: { forEach?: Expression; key?: InstanceKey }): Resolution {
    const readsEach = references.some((r) => r.startsWith('each.') || r === 'count.index');
    const forEachTag = readsEach && self?.forEach ? this.tagOf(self.forEach) : -1;
    const memoKey = `${this.keyOfModules(modules)}|${readsEach ? `${JSON.stringify(self?.key ?? null)}|${forEachTag}` : ''}`;
    let byScope = this.resolutions.get(references);
    if (!byScope) this.resolutions.set(references, (byScope = new Map()));
    const known = byScope.get(memoKey);
    if (known) return known;
    const out: Resolution = { targets: [], opaque: [], rootVars: [] };
    const scope: Scope = {
      modules,
      ...(self?.forEach ? { forEach: self.forEach } : {}),
      ...(self?.key !== undefined ? { instanceKey: self.key } : {}),
    };
    this.resolveInto(references, scope, out, new Set(), 0);
    byScope.set(memoKey, out);
    return out;
  }

  private keyOfModules(modules: readonly ModuleStep[]): string {
    let key = this.modulesKeys.get(modules);
    if (key === undefined) this.modulesKeys.set(modules, (key = JSON.stringify(modules)));
    return key;
  }

  /** A number for a for_each expression object, for memo keys. */
  private tagOf(expr: Expression): number {
    let tag = this.forEachTags.get(expr);
    if (tag === undefined) this.forEachTags.set(expr, (tag = this.nextTag++));
    return tag;
  }

  private resolveInto(references: readonly string[], scope: Scope, out: Resolution, seen: Set<string>, depth: number): void {
    if (depth > MAX_DEPTH) return;
    let refs = this.specific.get(references);
    if (!refs) this.specific.set(references, (refs = mostSpecific(references)));
    const sameKey = scope.instanceKey !== undefined && indexedByOwnKey(refs);
    const before = out.targets.length;
    const where = `${this.keyOfModules(scope.modules)}|${scope.instanceKey ?? ''}|`;
    for (const ref of refs) {
      const visitKey = where + ref;
      if (seen.has(visitKey)) continue;
      seen.add(visitKey);
      if (!this.traversals.has(ref)) this.traversals.set(ref, splitTraversal(ref));
      const segs = this.traversals.get(ref);
      if (!segs || segs.length === 0) {
        out.opaque.push(ref);
        continue;
      }
      this.resolveOne(ref, segs, scope, out, seen, depth);
    }
    if (sameKey) preferKey(out.targets, before, scope.instanceKey!);
  }

  private resolveOne(ref: string, segs: Segment[], scope: Scope, out: Resolution, seen: Set<string>, depth: number): void {
    const name = (i: number): string | undefined => {
      const s = segs[i];
      return s && 'name' in s ? s.name : undefined;
    };
    const keyAt = (i: number): { present: boolean; key?: InstanceKey } => {
      const s = segs[i];
      return s && 'key' in s ? { present: true, ...(s.key !== undefined ? { key: s.key } : {}) } : { present: false };
    };
    switch (name(0)) {
      case 'var': {
        // A root variable is a known value; a child module's is the calling module's argument.
        const last = scope.modules[scope.modules.length - 1];
        const varName = name(1);
        if (!varName) return;
        if (!last) {
          out.rootVars.push(varName);
          return;
        }
        const parent = scope.modules.slice(0, -1);
        const call = own(this.moduleAt(parent)?.module_calls, last.name);
        const expr = own(call?.expressions, varName);
        if (!expr) return;
        const callScope: Scope = {
          modules: parent,
          ...(call?.for_each_expression ? { forEach: call.for_each_expression } : {}),
          ...(last.key !== undefined ? { instanceKey: last.key } : {}),
        };
        const before = out.targets.length;
        this.resolveInto(expr.references ?? [], callScope, out, seen, depth + 1);
        // `var.role_arns["engine"]`: the entry of that key of a map built from a keyed resource.
        const k = keyAt(2);
        if (k.key !== undefined) preferKey(out.targets, before, k.key);
        return;
      }
      case 'each': {
        if (name(1) !== 'value' || !scope.forEach) return;
        const sub: Resolution = { targets: [], opaque: [], rootVars: [] };
        this.resolveInto(scope.forEach.references ?? [], { modules: scope.modules }, sub, seen, depth + 1);
        for (const t of sub.targets) {
          const attr = name(2);
          out.targets.push({
            address: t.address,
            ...(attr ? { attr } : t.attr ? { attr: t.attr } : {}),
            ...(scope.instanceKey !== undefined && t.address.key === undefined ? { preferKey: scope.instanceKey } : {}),
          });
        }
        out.opaque.push(...sub.opaque);
        out.rootVars.push(...sub.rootVars);
        return;
      }
      case 'local':
      case 'ephemeral': // ephemeral resources are in no plan: Terraform leaves them out
        out.opaque.push(ref);
        return;
      case 'count':
      case 'path':
      case 'terraform':
      case 'self':
        return;
      case 'module': {
        const callName = name(1);
        if (!callName) return;
        const k = keyAt(2);
        const outputName = name(k.present ? 3 : 2);
        const child = own(this.moduleAt(scope.modules)?.module_calls, callName)?.module;
        const childSteps: ModuleStep[] = [...scope.modules, { name: callName, ...(k.key !== undefined ? { key: k.key } : {}) }];
        // `module.x` alone (the whole module object): every output of it.
        const outputs = outputName ? [outputName] : Object.keys(child?.outputs ?? {});
        const before = out.targets.length;
        for (const o of outputs) {
          const expr = own(child?.outputs, o)?.expression;
          if (expr) this.resolveInto(expr.references ?? [], { modules: childSteps }, out, seen, depth + 1);
        }
        // `module.identity.role_arns["engine"]`, as `var.role_arns["engine"]` above.
        const entry = outputName ? keyAt(k.present ? 4 : 3) : { present: false };
        if (entry.key !== undefined) preferKey(out.targets, before, entry.key);
        return;
      }
      default: {
        const isData = name(0) === 'data';
        const base = isData ? 1 : 0;
        const type = name(base);
        const rname = name(base + 1);
        if (!type || !rname) {
          out.opaque.push(ref);
          return;
        }
        const k = keyAt(base + 2);
        const attr = name(base + (k.present ? 3 : 2));
        out.targets.push({
          address: {
            modules: scope.modules,
            mode: isData ? 'data' : 'managed',
            type,
            name: rname,
            ...(k.key !== undefined ? { key: k.key } : {}),
          },
          ...(attr ? { attr } : {}),
        });
      }
    }
  }
}

/**
 * Whether an expression reads a collection at the instance's own key: `aws_x.y[each.key]`,
 * `aws_x.y[count.index]` (Terraform lists `aws_x.y` and the key), `var.role_arns[each.key]`,
 * `module.m.arns[count.index]`. Not when something else could compute another key: a local, a
 * variable beside a resource (`aws_x.y[var.names[each.key]]`), two variables.
 */
function indexedByOwnKey(refs: readonly string[]): boolean {
  const key = refs.filter((r) => r === 'each.key' || r === 'count.index');
  if (key.length === 0) return false;
  const rest = refs.filter((r) => r !== 'each.key' && r !== 'count.index');
  if (rest.every((r) => !/^(local|var|each|count)\./.test(r))) return true;
  // The one collection read is a variable (a module input): its entries are what is keyed.
  return rest.length === 1 && rest[0]!.startsWith('var.');
}

/** Targets from `from` on that designate every instance of a block: prefer the instance of key `key`. */
function preferKey(targets: RefTarget[], from: number, key: InstanceKey): void {
  for (const t of targets.slice(from)) if (t.address.key === undefined && t.preferKey === undefined) t.preferKey = key;
}

/**
 * The configured block a planned block comes from. Plan order is not configuration order (sets are
 * sorted; `dynamic` blocks are missing from the configuration), so blocks are matched by content:
 * the one block whose constant attributes all equal the planned ones. Undefined when that is not
 * exactly one block (the caller then takes the references of all of them).
 */
function alignBlock(blocks: Json[], planned: Json | undefined): Json | undefined {
  const fits = blocks.filter((b) => {
    if (!b || typeof b !== 'object' || Array.isArray(b)) return false;
    if (!planned || typeof planned !== 'object' || Array.isArray(planned)) return blocks.length === 1;
    // A constant with references is a template of the JSON syntax (`"${var.name}"`), not the value.
    return Object.entries(b).every(
      ([k, e]) =>
        !isExpression(e) || !('constant_value' in e) || (e.references?.length ?? 0) > 0 || sameValue(e.constant_value, own(planned, k)),
    );
  });
  return fits.length === 1 ? fits[0] : undefined;
}

/** Equal as Terraform values, sets compared without order. */
function sameValue(a: Json | undefined, b: Json | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const key = (x: Json): string => JSON.stringify(x);
    return a.length === b.length && [...a].map(key).sort().join('\u0000') === [...b].map(key).sort().join('\u0000');
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Drops references that are prefixes of another one in the list (`aws_x.y` beside `aws_x.y.id`).
 * In sorted order the references a reference is a prefix of follow it directly, so each one looks
 * only at those (an expression may list thousands).
 */
function mostSpecific(refs: readonly string[]): string[] {
  const uniq = [...new Set(refs)];
  const sorted = [...uniq].sort();
  const dropped = new Set<string>();
  sorted.forEach((r, i) => {
    for (let j = i + 1; j < sorted.length && sorted[j]!.startsWith(r); j++) {
      if (/^[.[]/.test(sorted[j]!.slice(r.length))) {
        dropped.add(r);
        return;
      }
    }
  });
  return uniq.filter((r) => !dropped.has(r));
}

function isExpression(v: Json | undefined): v is Expression & Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && ('references' in v || 'constant_value' in v);
}

/** Every reference under a configuration node (an expression, a block body or a block list). */
function allReferences(node: Json | undefined): string[] {
  const out: string[] = [];
  const walk = (n: Json | undefined): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (isExpression(n)) out.push(...(n.references ?? []));
    else if (n && typeof n === 'object') Object.values(n).forEach(walk);
  };
  walk(node);
  return out;
}
