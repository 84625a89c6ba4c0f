import { createHash } from 'node:crypto';
import type { ChangeAction, Diagnostic, Inventory, Provenance, Resource } from '../../model/inventory.js';
import { emptyInventory } from '../../model/inventory.js';
import { dict, own, setOwn } from '../../model/dict.js';
import { Unknown, isObject, type Value, type ValueObject } from '../../model/value.js';
import { baseAddress } from '../../inventory/index.js';
import { renderPolicyDocument } from '../../hcl/policy-document.js';
import { arnPattern } from '../../hcl/computed.js';
import { addressMatches, formatAddress, formatModulePath, parseAddress, type ResourceAddress } from './address.js';
import { PlanConfiguration, type RefTarget, type Resolution } from './configuration.js';
import type { ConfigResource, Json, JsonObject, PlanJson, PlanModule, PlanResource, ResourceChange } from './format.js';
import { readPlanFile, readStateFile } from './read.js';
import { SourceConfiguration, planVarsForHcl, type Locate } from './source-config.js';
import { loadHcl, type ParseCache } from '../../hcl/loader.js';
import type { EvalLimits } from '../../hcl/budget.js';
import { InputError } from '../../model/errors.js';
import { allStrings, sensitiveStrings, withUnknowns, type ValuePath } from './values.js';

export interface PlanLoadOptions {
  /**
   * When the configuration directory is given too: where each resource block is, keyed by address
   * without instance keys (`module.actions.aws_lambda_function.handler`).
   */
  locate?: Locate;
  /**
   * The configuration directory the plan was made from. Its HCL, evaluated with the plan's
   * variables, fills in values plan JSON cannot show: a map Terraform marks unknown as a whole
   * because one entry is (a Lambda environment with one ARN known only after apply), values built
   * from locals (plan JSON does not describe locals). Known plan values always win.
   */
  configDir?: string;
  /** Files of configDir already parsed in this run (by locateConfigTree). */
  configReads?: ParseCache;
  /** Evaluation limits for configDir (`--limit`, hcl/budget.ts). */
  configLimits?: Partial<EvalLimits>;
  /** `check --root`, for the configuration directory's file functions. */
  configFileRoot?: string;
}

/**
 * One resource instance of the plan before it becomes a `Resource`: what the plan says it will be
 * (planned values and unknown marks), or, for a deletion, what it was.
 */
interface PlanRecord {
  address: string;
  parsed: ResourceAddress;
  raw: PlanResource;
  known: JsonObject;
  unknownMarks?: Json;
  change?: ResourceChange;
  deleted: boolean;
  /** The value's sensitivity shape (`sensitive_values`): it lists every collection, so it tells lists from scalars. */
  shape?: Json;
  built?: ValueObject;
  building?: boolean;
  /** The block in the plan's configuration section (null: not there), looked up once. */
  config?: ConfigResource | null;
}

/**
 * The plan source: `terraform show -json` output becomes the inventory of the state the plan would
 * produce. Resources the plan deletes are in it too, with their prior values and `change.actions`
 * `['delete']`, so the change rules see them; `isPlannedDeletion` tells the invariants to skip them.
 */
export async function loadPlan(file: string, opts: PlanLoadOptions = {}): Promise<Inventory> {
  return loadDocument(file, await readPlanFile(file), opts);
}

/**
 * A state as `terraform show -json terraform.tfstate` prints it (format 1.x): its `values` read as a
 * plan's planned values, so the inventory is what is recorded as deployed (every id and ARN known).
 */
export async function loadState(file: string, opts: PlanLoadOptions = {}): Promise<Inventory> {
  return loadDocument(file, await readStateFile(file), opts);
}

async function loadDocument(
  file: string,
  { plan, bytes, text, state }: { plan: PlanJson; bytes: Buffer; text: string; state?: boolean },
  opts: PlanLoadOptions,
): Promise<Inventory> {
  const inv = emptyInventory('plan');
  inv.inputs.push({ path: file, sha256: createHash('sha256').update(bytes).digest('hex') });
  const hcl = opts.configDir
    ? await evaluateConfiguration(opts.configDir, plan, inv, opts.configReads, opts.configLimits, opts.configFileRoot)
    : undefined;
  if (hcl) {
    hcl.secrets.forEach((s) => inv.secrets.add(s));
    // The plan is the input; a configuration file the HCL source cannot read only costs the fill-ins.
    // What makes the HCL source fail closed (a remote module, an override file) is in the plan, which
    // Terraform built with them: it says so but does not hold back any verdict.
    for (const { affects: _covered, ...d } of hcl.diagnostics)
      inv.diagnostics.push({ ...d, severity: 'warning', message: `configuration: ${d.message}` });
  }
  new PlanReader(plan, file, text, inv, new SourceConfiguration(hcl, opts.locate), Boolean(state)).read();
  if (hcl?.provenance) inv.provenance = byAddress(hcl, hcl.provenance);
  return inv;
}

/** The configuration's provenance for the plan's resources: a plan instance is the configuration's of the same address. */
function byAddress(hcl: Inventory, provenance: Provenance): Provenance {
  const resources = new Map(hcl.resources.map((r) => [r.address, r]));
  return {
    origins: (r, attr, opts) => {
      const same = resources.get(r.address);
      return same ? provenance.origins(same, attr, opts) : [];
    },
  };
}

/**
 * The configuration directory evaluated with the plan's variables. A directory that is not there is
 * the user's error (exit 2); one the HCL source fails on only costs the fill-ins, and says so.
 */
async function evaluateConfiguration(
  dir: string,
  plan: PlanJson,
  inv: Inventory,
  reads?: ParseCache,
  limits?: Partial<EvalLimits>,
  fileRoot?: string,
): Promise<Inventory | undefined> {
  try {
    return await loadHcl([dir], {
      vars: planVarsForHcl(plan.variables),
      ...(reads ? { reads } : {}),
      ...(limits ? { limits } : {}),
      ...(fileRoot ? { fileRoot } : {}),
    });
  } catch (e) {
    if (e instanceof InputError) throw e;
    inv.diagnostics.push({
      severity: 'warning',
      message: `configuration ${dir} could not be evaluated (${(e as Error).message.split('\n')[0]}): values plan JSON cannot show stay unknown`,
    });
    return undefined;
  }
}

class PlanReader {
  private readonly config: PlanConfiguration;
  private readonly records = new Map<string, PlanRecord>();
  /**
   * Surviving records by resource block (address without instance keys): a reference target is
   * matched against its block's instances only, not the whole plan (quadratic on large plans).
   */
  private readonly survivingByBlock = new Map<string, PlanRecord[]>();
  private readonly targetInstances = new WeakMap<RefTarget, PlanRecord[]>();
  /** Computed collections left out without the configuration directory to tell them from dynamic blocks. */
  private guessedComputed = false;

  constructor(
    private readonly plan: PlanJson,
    private readonly file: string,
    private readonly text: string,
    private readonly inv: Inventory,
    private readonly source: SourceConfiguration,
    /** A state file's values: there is no configuration section to miss. */
    private readonly state = false,
  ) {
    this.config = new PlanConfiguration(plan.configuration?.root_module);
  }

  read(): void {
    this.collectRecords();
    for (const rec of this.records.values()) this.inv.resources.push(this.toResource(rec));
    this.collectSecrets();
    this.readVariables();
    this.noteLimits();
  }

  private collectRecords(): void {
    const changes = new Map<string, ResourceChange>();
    const deposed: ResourceChange[] = [];
    for (const rc of this.plan.resource_changes ?? []) {
      if (rc.deposed) deposed.push(rc);
      else changes.set(rc.address, rc);
    }
    for (const r of moduleResources(this.plan.planned_values?.root_module)) {
      const change = changes.get(r.address);
      this.addRecord(r, r.values ?? {}, change?.change.after_unknown, change, false);
    }
    // Deletions are absent from planned_values: what they were comes from `before`.
    for (const rc of changes.values()) {
      if (this.records.has(rc.address)) continue;
      const before = rc.change.before;
      if (!isJsonObject(before)) continue;
      const deleted = rc.change.actions.includes('delete');
      this.addRecord(rawOf(rc), before, undefined, rc, deleted);
      if (rc.change.actions.includes('forget')) {
        this.diag('warning', `${rc.address} leaves Terraform state without being destroyed (removed block): it keeps existing unmanaged`);
      }
    }
    // What exists and the plan does not mention (a -target plan): it stays as it is.
    for (const r of moduleResources(this.plan.prior_state?.values?.root_module)) {
      if (r.mode !== 'managed' || this.records.has(r.address)) continue;
      const values = r.values ?? {};
      this.addRecord(r, values, undefined, { ...rawOf(r), change: { actions: ['no-op'], before: values } }, false);
    }
    // A deposed object (left by an interrupted create_before_destroy) being destroyed is a deletion
    // of its own, beside the current object of the same address.
    for (const rc of deposed) {
      if (!isJsonObject(rc.change.before) || !rc.change.actions.includes('delete')) continue;
      this.addRecord({ ...rawOf(rc), address: `${rc.address} (deposed object ${rc.deposed})` }, rc.change.before, undefined, rc, true);
    }
  }

  private addRecord(
    raw: PlanResource,
    known: JsonObject,
    unknownMarks: Json | undefined,
    change: ResourceChange | undefined,
    deleted: boolean,
  ): void {
    const parsed = parseAddress(raw.address.replace(/ \(deposed object [^)]*\)$/, ''));
    if (!parsed) {
      this.diag('warning', `${raw.address}: not a resource address Terraform writes; skipped`);
      return;
    }
    const shape = raw.sensitive_values ?? change?.change.after_sensitive;
    const rec: PlanRecord = {
      address: raw.address,
      parsed,
      raw,
      known,
      deleted,
      ...(unknownMarks !== undefined ? { unknownMarks } : {}),
      ...(change ? { change } : {}),
      ...(shape !== undefined ? { shape } : {}),
    };
    this.records.set(raw.address, rec);
    if (deleted) return;
    const block = blockKey(parsed);
    const same = this.survivingByBlock.get(block);
    if (same) same.push(rec);
    else this.survivingByBlock.set(block, [rec]);
  }

  private toResource(rec: PlanRecord): Resource {
    const r: Resource = {
      address: rec.address,
      mode: rec.parsed.mode,
      type: rec.parsed.type,
      name: rec.parsed.name,
      module: formatModulePath(rec.parsed.modules),
      values: this.valuesOf(rec),
    };
    if (rec.parsed.key !== undefined) r.index = rec.parsed.key;
    if (rec.change) {
      const before = rec.change.change.before;
      r.change = { actions: changeActions(rec.change.change.actions), before: isJsonObject(before) ? (before as ValueObject) : null };
    }
    const where = this.source.locate?.(baseAddress(rec.address.replace(/ \(deposed object [^)]*\)$/, '')));
    if (where) {
      r.location = where.location;
      r.attrLocations = where.attrLocations;
      r.comments = where.comments;
    }
    return r;
  }

  /** The values of a record with its unknowns resolved; memoised, because unknowns read other records. */
  private valuesOf(rec: PlanRecord): ValueObject {
    if (rec.built) return rec.built;
    if (rec.building) return {};
    rec.building = true;
    const v = withUnknowns(rec.known, rec.unknownMarks, (path) => this.unknownAt(rec, path));
    let values: ValueObject = isObject(v) ? v : {};
    // A policy document read only at apply: what the configuration renders (exact ARN patterns of
    // templates), else what is known of it in the plan, rendered as Terraform will.
    if (rec.parsed.mode === 'data' && rec.parsed.type === 'aws_iam_policy_document' && values.json instanceof Unknown) {
      values = Object.assign(dict<Value>(), values, { json: this.source.valueAt(rec.address, ['json']) ?? renderPolicyDocument(values) });
    }
    rec.built = values;
    rec.building = false;
    return values;
  }

  /**
   * What stands for a value the plan knows only after apply: an Unknown pointing at what its
   * expression references (a list of them, one per resource, for a list filled from resources), or
   * nothing for a scalar the configuration does not set and the provider computes, which the HCL
   * source leaves out too (a legacy `aws_s3_bucket.policy` is not a second bucket policy).
   */
  private unknownAt(rec: PlanRecord, path: ValuePath): Value | undefined {
    const v = this.planUnknownAt(rec, path);
    // Where the plan can only say "unknown" (and guess from references), the configuration evaluated
    // with the plan's variables knows the expression: a template's exact pattern, a map's entries.
    if (v === undefined) return undefined;
    return this.source.valueAt(rec.address, path) ?? v;
  }

  private planUnknownAt(rec: PlanRecord, path: ValuePath): Value | undefined {
    // Built when needed: most computed attributes are left out, and a plan has tens of thousands.
    const reason = (): string => `${rec.address}.${path.join('.')} is known only after apply`;
    // The configuration is per block: module instance keys do not matter (`moduleAt` reads names).
    if (rec.config === undefined) rec.config = this.config.resource(rec.parsed) ?? null;
    const cfg = rec.config;
    if (!cfg) return new Unknown(reason());
    const collection = isCollectionAt(rec.shape, path);
    const expr = this.config.expressionAt(cfg, path, (prefix) => knownAt(rec.known, prefix));
    if (expr === 'unset' || expr === 'undescribed') {
      // A data source's results, and a resource's own identity: a reference to itself.
      if (rec.parsed.mode === 'data' || (path.length === 1 && (path[0] === 'id' || path[0] === 'arn'))) {
        const pattern = path[0] === 'arn' ? arnPattern(rec.parsed.type, rec.known as ValueObject) : undefined;
        return new Unknown(reason(), { refs: [rec.address], ...(pattern ? { pattern } : {}) });
      }
      if (expr === 'unset' && this.computedUnset(rec, path, collection)) return undefined;
      return new Unknown(`${reason()} (computed by the provider, or set in a dynamic block, which plan JSON does not describe)`);
    }
    const resolution = this.config.resolve(expr.refs, rec.parsed.modules, {
      ...(cfg.for_each_expression ? { forEach: cfg.for_each_expression } : {}),
      ...(rec.parsed.key !== undefined ? { key: rec.parsed.key } : {}),
    });
    // An element of a policy document's resources is an ARN whatever attribute Terraform's
    // references lost (`aws_x.y[each.key].arn` is listed as `aws_x.y`).
    const arnOnly =
      rec.parsed.type === 'aws_iam_policy_document' && path[0] === 'statement' && (path[2] === 'resources' || path[2] === 'not_resources');
    return this.unknownFrom(reason(), resolution, collection === true && !expr.block, arnOnly);
  }

  /**
   * Whether a value the configuration section does not set is one the provider computes, which the
   * HCL source leaves out too (a legacy `aws_s3_bucket.policy` is not a second bucket policy, an
   * SG's computed `egress` is its separate rule resources). A scalar is: blocks are collections.
   * A top-level collection may be a `dynamic` block (plan JSON leaves those out): the configuration
   * directory tells; without it, it is taken as computed and the limitation is said.
   */
  private computedUnset(rec: PlanRecord, path: ValuePath, collection: boolean | undefined): boolean {
    if (collection === false) return true;
    if (path.length !== 1) return false;
    const sets = this.source.sets(rec.address, String(path[0]));
    if (sets !== 'unknown') return sets === 'no';
    if (collection !== true) return false;
    this.guessedComputed = true;
    return true;
  }

  private unknownFrom(reason: string, resolution: Resolution, isList: boolean, arnOnly: boolean): Value {
    const instances = resolution.targets.map((t) => ({ t, recs: this.instancesOf(t) }));
    const hits = instances.flatMap(({ t, recs }) => recs.map((rec) => ({ t, rec })));
    const missing = instances.filter(({ recs }) => recs.length === 0).map(({ t }) => formatAddress(t.address));
    const refs = [...new Set([...hits.map((h) => h.rec.address), ...missing])];
    const why = resolution.opaque.length
      ? `${reason} (through ${[...new Set(resolution.opaque)].join(', ')}, which plan JSON does not describe: give the configuration directory to evaluate them)`
      : reason;
    // A list filled from resources (`subnet_ids = aws_subnet.private[*].id`): one element per
    // resource, as the HCL source gives it, plus what root variables add to it.
    if (isList && hits.length > 0 && missing.length === 0 && resolution.opaque.length === 0) {
      return [
        ...hits.map((h) => this.throughTarget(why, h.t, h.rec, [h.rec.address], arnOnly)),
        ...this.rootVariableStrings(resolution.rootVars),
      ];
    }
    if (hits.length === 1 && missing.length === 0) return this.throughTarget(why, hits[0]!.t, hits[0]!.rec, refs, arnOnly);
    return new Unknown(why, { refs });
  }

  /** An Unknown read through one resource: the rendered document of a policy document's `json`, an ARN's pattern. */
  private throughTarget(why: string, t: RefTarget, rec: PlanRecord, refs: string[], arnOnly: boolean): Unknown {
    if ((t.attr === 'json' || t.attr === 'minified_json') && rec.parsed.type === 'aws_iam_policy_document') {
      const doc = this.valuesOf(rec).json;
      if (doc instanceof Unknown && doc.structure !== undefined) {
        return new Unknown(why, {
          refs: [...new Set([...refs, ...doc.refs])],
          structure: doc.structure,
          ...(doc.pattern ? { pattern: doc.pattern } : {}),
        });
      }
      if (typeof doc === 'string') return new Unknown(why, { refs, structure: safeJson(doc), pattern: doc });
    }
    // Plan JSON does not say whether the expression is the ARN itself or a template around it
    // (`"${aws_s3_bucket.trail.arn}/*"`); values built from an ARN start with it.
    const arn = t.attr === 'arn' || (arnOnly && t.attr === undefined) ? arnPattern(rec.parsed.type, rec.known as ValueObject) : undefined;
    return new Unknown(why, { refs, ...(arn ? { pattern: arn.endsWith('*') ? arn : `${arn}*` } : {}) });
  }

  /** The strings root variables hold (a list of extra ids, one id); conditions and counts add nothing. */
  private rootVariableStrings(names: string[]): Value[] {
    const out: Value[] = [];
    for (const n of new Set(names)) {
      const v = own(this.plan.variables, n)?.value;
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) out.push(...v.filter((x): x is string => typeof x === 'string'));
    }
    return out;
  }

  /**
   * The surviving instances a reference target designates (all instances unless the key is known).
   * Targets are shared by the instances of a block (resolutions are), so each is looked up once.
   */
  private instancesOf(t: RefTarget): PlanRecord[] {
    const known = this.targetInstances.get(t);
    if (known) return known;
    let all = (this.survivingByBlock.get(blockKey(t.address)) ?? []).filter((rec) => addressMatches(t.address, rec.parsed));
    if (t.preferKey !== undefined) {
      const same = all.filter((rec) => rec.parsed.key === t.preferKey);
      if (same.length > 0) all = same;
    }
    this.targetInstances.set(t, all);
    return all;
  }

  private collectSecrets(): void {
    const add = (s: string): void => {
      this.inv.secrets.add(s);
    };
    for (const rc of this.plan.resource_changes ?? []) {
      sensitiveStrings(rc.change.after, rc.change.after_sensitive, add);
      sensitiveStrings(rc.change.before, rc.change.before_sensitive, add);
    }
    const fromModule = (m: PlanModule | undefined): void => {
      for (const r of moduleResources(m)) sensitiveStrings(r.values, r.sensitive_values, add);
    };
    fromModule(this.plan.planned_values?.root_module);
    fromModule(this.plan.prior_state?.values?.root_module);
    for (const outputs of [this.plan.planned_values?.outputs, this.plan.prior_state?.values?.outputs]) {
      for (const o of Object.values(outputs ?? {})) if (o.sensitive) allStrings(o.value, add);
    }
    for (const [name, v] of Object.entries(this.plan.variables ?? {})) {
      if (this.config.variable(name)?.sensitive) allStrings(v.value, add);
    }
  }

  private readVariables(): void {
    const vars = this.plan.variables;
    if (!vars) return;
    this.inv.variables = dict();
    this.inv.variableOrigins = dict();
    const section = this.text.indexOf('"variables"');
    const lineAt = lineCounter(this.text);
    for (const [name, v] of Object.entries(vars)) {
      setOwn(this.inv.variables, name, coerceVariable(v.value ?? null, this.config.variable(name)?.default));
      const at = section >= 0 ? this.text.indexOf(JSON.stringify(name), section) : -1;
      const line = at >= 0 ? lineAt(at) : 1;
      setOwn(this.inv.variableOrigins, name, { file: this.file, line, endLine: line, kind: 'plan' });
    }
  }

  private noteLimits(): void {
    if (!this.config.present && !this.state) {
      (this.inv.limitations ??= []).push(
        `${this.file}: the plan has no configuration section, so values known only after apply cannot be traced to the resources they come from`,
      );
    }
    if (this.guessedComputed) {
      (this.inv.limitations ??= []).push(
        `${this.file}: collections Terraform computes and the configuration does not set (an SG's egress kept in separate rule resources) are left out, as the HCL check does; without the configuration directory a dynamic block whose for_each is known only after apply looks the same: give it (ztait check --plan ${this.file} DIR)`,
      );
    }
    if (this.plan.errored) this.diag('error', 'the plan errored: terraform could not plan every change, so its content is incomplete');
    else if (this.plan.complete === false)
      this.diag('warning', 'the plan is incomplete (deferred changes): another plan and apply will follow this one');
  }

  private diag(severity: Diagnostic['severity'], message: string): void {
    this.inv.diagnostics.push({ severity, message, file: this.file, ...(severity === 'error' ? { affects: ['*'] } : {}) });
  }
}

/**
 * The line of an offset in `text`. Offsets asked in increasing order cost one pass over the text
 * in all (a plan may declare thousands of variables); a smaller one starts again from the top.
 */
function lineCounter(text: string): (offset: number) => number {
  let pos = 0;
  let line = 1;
  return (offset) => {
    if (offset < pos) {
      pos = 0;
      line = 1;
    }
    for (let nl = text.indexOf('\n', pos); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
      line += 1;
      pos = nl + 1;
    }
    return line;
  };
}

/**
 * Whether the value at `path` is a collection (list, set, map, nested blocks) according to the
 * sensitivity shape, which has an entry for every collection and none for scalars; undefined when
 * the shape cannot tell (absent, or the whole value marked sensitive).
 */
function isCollectionAt(shape: Json | undefined, path: ValuePath): boolean | undefined {
  if (!isJsonObject(shape)) return undefined;
  let node: Json | undefined = shape;
  for (let i = 0; i < path.length; i++) {
    if (node === true) return undefined;
    const seg = path[i]!;
    const next: Json | undefined = Array.isArray(node)
      ? typeof seg === 'number'
        ? node[seg]
        : undefined
      : isJsonObject(node)
        ? own(node, String(seg))
        : undefined;
    if (next === undefined && i < path.length - 1) return undefined;
    node = next;
  }
  if (node === true) return undefined;
  return Array.isArray(node) || isJsonObject(node);
}

/** The known planned value at a path (plan JSON writes unknown list elements as null). */
function knownAt(known: Json, path: ValuePath): Json | undefined {
  let cur: Json | undefined = known;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isJsonObject(cur) && typeof seg === 'string') cur = own(cur, seg);
    else return undefined;
  }
  return cur;
}

/** A resource block's identity: mode, type, name and module path, instance keys left out. */
function blockKey(a: ResourceAddress): string {
  // Terraform's own form (`module.a.module.b.data.x.y`): names are identifiers, so it is unambiguous.
  let key = '';
  for (const m of a.modules) key += `module.${m.name}.`;
  return a.mode === 'data' ? `${key}data.${a.type}.${a.name}` : `${key}${a.type}.${a.name}`;
}

function isJsonObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function* moduleResources(m: PlanModule | undefined): Generator<PlanResource> {
  if (!m) return;
  yield* m.resources ?? [];
  for (const c of m.child_modules ?? []) yield* moduleResources(c);
}

function rawOf(rc: Pick<ResourceChange, 'address' | 'mode' | 'type' | 'name' | 'index'>): PlanResource {
  return { address: rc.address, mode: rc.mode, type: rc.type, name: rc.name, ...(rc.index !== undefined ? { index: rc.index } : {}) };
}

/** Terraform's action lists, with `replace` added to delete-and-create pairs (either order). */
export function changeActions(actions: readonly string[]): ChangeAction[] {
  const known = new Set<ChangeAction>(['create', 'update', 'delete', 'no-op', 'read']);
  const out = actions.filter((a): a is ChangeAction => known.has(a as ChangeAction));
  if (out.includes('delete') && out.includes('create')) out.push('replace');
  // `forget` (a removed block): the object stays as it is, out of Terraform's hands.
  if (out.length === 0) out.push('no-op');
  return out;
}

/**
 * A `-var` value reaches the plan as the string typed on the command line (`"2"`, `"false"`); the
 * variable's default tells which type terraform converted it to.
 */
function coerceVariable(value: Json, def: Json | undefined): Value {
  if (typeof value !== 'string' || def === undefined || def === null) return value as Value;
  if (typeof def === 'number' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  if (typeof def === 'boolean' && /^(true|false)$/.test(value.trim())) return value.trim() === 'true';
  if (typeof def === 'object') {
    try {
      return JSON.parse(value) as Value;
    } catch {
      return value;
    }
  }
  return value;
}

function safeJson(s: string): Value {
  try {
    return JSON.parse(s) as Value;
  } catch {
    return s;
  }
}
