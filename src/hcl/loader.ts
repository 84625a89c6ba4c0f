import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Diagnostic, Inventory, Location, Resource } from '../model/inventory.js';
import { emptyInventory } from '../model/inventory.js';
import { dict, fromEntries, hasOwn } from '../model/dict.js';
import { RefObject, Unknown, isObject, type Value, type ValueObject } from '../model/value.js';
import { HclSyntaxError, hurryParse, parseExpression, parseHclFile } from './parser.js';
import { problemOf, readSourceFile, type SourceRead } from './source-file.js';
import { evalError, evaluate, evaluateJson, type EvalContext } from './evaluate.js';
import { OnceEvaluator } from './once.js';
import { EvalBudget, atSite, runAt, siteNow, withBudget, workOf, type EvalLimits, type Site } from './budget.js';
import { isPromise, andThen, type Maybe } from './maybe.js';
import { scanHclTop, toBlockLocation, type BlockLocation, type ScannedBlock } from './locator.js';
import { parseTfJson, parseTfvarsJson } from './tf-json.js';
import { autoVarFiles, canonical, isDirectory, moduleFiles, readTextFile } from './files.js';
import { isWithin } from './functions/root-files.js';
import { renderPolicyDocument } from './policy-document.js';
import { arnPattern, knownComputed } from './computed.js';
import { InputError } from '../model/errors.js';
import { HclProvenance, type ProvenanceScope } from './provenance.js';
import { jsonProblem } from '../input/parse-error.js';

/**
 * The HCL source: a root module directory (with its local child modules, recursively) becomes the
 * inventory of resource instances Terraform would manage, with every expression evaluated as far as
 * it can be statically. What cannot be known stays an `Unknown` that remembers what it points at.
 */

export interface HclLoadOptions {
  varFiles?: string[];
  /** `--var k=v` in command-line order. */
  vars?: Record<string, string> | [string, string][];
  /** Typed root variable values that win over everything (a plan's `variables`). */
  values?: Record<string, Value>;
  /** Files already read and parsed by another load of the same tree in this run (see ParseCache). */
  reads?: ParseCache;
  /** Evaluation limits (budget.ts), from `--limit`; the defaults otherwise. */
  limits?: Partial<EvalLimits>;
  /**
   * `--root`: the directory file functions may read below, when wider than each scanned directory
   * (a monorepo whose modules read `${path.module}/policy.json` beside the scanned directory).
   */
  fileRoot?: string;
  /** A budget already spent on other root modules of this run (several systems do not multiply what a run may spend). */
  budget?: EvalBudget;
}

/**
 * Reads and parses of files by absolute path, shared by loads of one tree in one run: `check --plan
 * FILE DIR` locates the blocks of DIR, then evaluates it, and would otherwise parse it twice.
 */
export type ParseCache = Map<string, Promise<SourceRead>>;

type RawBody = Record<string, unknown>;

interface ParsedFile {
  path: string;
  display: string;
  body: RawBody;
  blocks: ScannedBlock[];
}

/** The literal `source` of every module block in an hcl2json body. */
function moduleSources(body: RawBody): string[] {
  return Object.values((body.module ?? {}) as Record<string, RawBody[]>)
    .map((bodies) => (Array.isArray(bodies) ? bodies[0] : (bodies as RawBody | undefined))?.source)
    .filter((s): s is string => typeof s === 'string');
}

interface ModuleSource {
  dir: string;
  files: ParsedFile[];
}

/** Meta-arguments and blocks that are not attributes of the resource itself. */
const META = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection', 'dynamic']);
const MAX_MODULE_DEPTH = 32;

export async function loadHcl(paths: string[], opts: HclLoadOptions = {}): Promise<Inventory> {
  if (paths.length === 0) paths = ['.'];
  const inv = emptyInventory('hcl');
  const seenRoots = new Set<string>();
  // One budget for the whole load: several roots do not multiply what a run may spend.
  const budget = opts.budget ?? new EvalBudget(opts.limits);
  const provenance = new HclProvenance(inv);
  inv.provenance = provenance;
  for (const p of paths) {
    const abs = resolve(p);
    let rootDir = abs;
    if (!(await isDirectory(abs))) {
      const r = await readTextFile(abs);
      if (!r.ok && /not found/.test(r.problem)) throw new InputError(`${p}: no such file or directory`);
      rootDir = dirname(abs);
    }
    // `DIR` and `DIR/` (or a symlink to it) are one root module, checked once
    const real = await canonical(rootDir);
    if (seenRoots.has(real)) continue;
    seenRoots.add(real);
    if (opts.fileRoot !== undefined && !isWithin(await canonical(resolve(opts.fileRoot)), real)) {
      throw new InputError(`--root ${opts.fileRoot} does not contain the scanned directory ${p}`);
    }
    const loader = new Loader(rootDir, inv, opts, budget, provenance);
    await withBudget(budget, () => loader.run());
  }
  // Fail closed: what was not evaluated may hold what would change a verdict, like a file that
  // does not parse (an input error).
  const spent = budget.exhausted;
  if (spent)
    inv.diagnostics.push({
      severity: 'error',
      message: spent.message,
      ...(spent.site ? { file: spent.site.file, ...(spent.site.line ? { line: spent.site.line } : {}) } : {}),
    });
  if (inv.inputs.length === 0) {
    throw new InputError(`${paths.join(', ')}: no Terraform files found (*.tf, *.tf.json)`);
  }
  inv.inputs.sort((a, b) => a.path.localeCompare(b.path));
  return inv;
}

class Loader {
  private readonly sources = new Map<string, Promise<ModuleSource>>();
  private readonly seenInputs = new Set<string>();
  /** Every lazily evaluated thing (locals, outputs, resources, module instances), keyed by absolute name. */
  readonly once = new OnceEvaluator<unknown>();

  constructor(
    readonly rootDir: string,
    readonly inv: Inventory,
    readonly opts: HclLoadOptions,
    readonly budget = new EvalBudget(opts.limits),
    readonly provenance = new HclProvenance(inv),
  ) {
    this.reads = opts.reads ?? new Map();
  }

  display(path: string): string {
    const rel = relative(process.cwd(), path);
    return rel === '' ? basename(path) : rel.startsWith('..') && isAbsolute(path) ? path : rel;
  }

  diag(d: Diagnostic): void {
    this.inv.diagnostics.push(d);
  }

  async run(): Promise<void> {
    const root = await this.source(this.rootDir);
    if (root.files.length === 0 && !this.inv.inputs.some((i) => i.path.startsWith(this.display(this.rootDir)))) {
      // reported by the caller when nothing at all was found
    }
    const vars = await this.rootVariables(root);
    const mod = new ModuleInstance(this, root, '', vars.values, 0, [this.rootDir]);
    this.inv.variables = fromEntries([...Object.entries(this.inv.variables ?? {}), ...Object.entries(vars.values)]);
    this.inv.variableOrigins = fromEntries([...Object.entries(this.inv.variableOrigins ?? {}), ...Object.entries(vars.origins)]);
    await mod.expandAll();
  }

  /** Reads and parses a module directory once (files in parallel: parsing is the costly part). */
  source(dir: string): Promise<ModuleSource> {
    return remembered(this.sources, dir, () => this.readModule(dir));
  }

  private async readModule(dir: string): Promise<ModuleSource> {
    let names: Awaited<ReturnType<typeof moduleFiles>>;
    try {
      names = await this.listing(dir);
    } catch (e) {
      this.diag({
        severity: 'error',
        message: `cannot read module directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        file: this.display(dir),
      });
      return { dir, files: [] };
    }
    // Fail closed: an override file may change any block of the module (Terraform merges it in),
    // so while it is not merged no verdict may pass on what the module seems to say.
    for (const o of names.overrides) {
      this.diag({
        severity: 'warning',
        message: 'override files are not merged by ztait, so no rule can pass on this configuration; check the plan (--plan) instead',
        file: this.display(join(dir, o)),
        line: 1,
        affects: ['*'],
      });
    }
    this.noteSizes(dir, names.sizes);
    const files = (await Promise.all([...names.tf, ...names.tfjson].map((n) => this.parseFile(join(dir, n))))).filter(
      (f): f is ParsedFile => f !== undefined,
    );
    for (const d of repeatedBlocks(files)) this.diag(d);
    return { dir, files };
  }

  /** A file read and parsed, with what went wrong reported (once per file) into the inventory. */
  async parseFile(path: string): Promise<ParsedFile | undefined> {
    const read = await this.fileRead(path);
    if (read.sha256) this.addInput(read.display, read.sha256);
    if ('problem' in read) {
      this.diag({
        severity: 'error',
        message: read.problem,
        file: read.display,
        line: read.line ?? 1,
        ...(read.column ? { column: read.column } : {}),
      });
      return undefined;
    }
    return { path, display: read.display, body: read.body, blocks: read.blocks };
  }

  // ---- reading ahead -----------------------------------------------------------------------------
  // Evaluation walks the module tree one call at a time, but parsing is the costly part and can run
  // on other cores (parse-pool.ts). So as soon as a directory is parsed, the local modules it calls
  // are listed and parsed ahead, recursively; evaluation later finds them done. Reading ahead has no
  // side effect: what it finds is reported when (and only if) evaluation asks for that file.

  private readonly listings = new Map<string, ReturnType<typeof moduleFiles>>();
  private readonly reads: ParseCache;
  private readonly readAhead = new Set<string>();
  /** File sizes from directory listings: how the parse pool balances its workers. */
  private readonly sizes = new Map<string, number>();

  private noteSizes(dir: string, sizes: Map<string, number>): void {
    for (const [n, size] of sizes) this.sizes.set(join(dir, n), size);
  }

  private readonly realpaths = new Map<string, Promise<string>>();
  private readonly dirs = new Map<string, Promise<boolean>>();

  /** canonical() and isDirectory() once per path: reading ahead has usually asked already. */
  realpath(p: string): Promise<string> {
    return remembered(this.realpaths, p, () => canonical(p));
  }

  isDir(p: string): Promise<boolean> {
    return remembered(this.dirs, p, () => isDirectory(p));
  }

  private listing(dir: string): ReturnType<typeof moduleFiles> {
    return remembered(this.listings, dir, () => moduleFiles(dir));
  }

  /** A file's read and parse, started once; asking again without `ahead` hurries a read-ahead parse. */
  private fileRead(path: string, ahead = false): Promise<SourceRead> {
    if (!ahead && this.reads.has(path)) hurryParse(this.display(path));
    return remembered(this.reads, path, () => this.readAndParse(path, ahead));
  }

  private async readAndParse(path: string, ahead: boolean): Promise<SourceRead> {
    const display = this.display(path);
    const dir = dirname(path);
    if (!path.endsWith('.json')) {
      // A big root module takes a while to parse: the module sources a text scan finds are read
      // meanwhile (parsing confirms them below; a wrong guess costs a directory listing).
      const read = await readSourceFile(path, display, {
        ahead,
        hint: (sources) => void this.readModulesAhead(dir, sources),
        ...(this.sizes.has(path) ? { size: this.sizes.get(path)! } : {}),
      });
      if ('body' in read) void this.readModulesAhead(dir, moduleSources(read.body));
      return read;
    }
    const r = await readTextFile(path);
    if (!r.ok) return { display, ...(r.sha256 ? { sha256: r.sha256 } : {}), problem: r.problem };
    try {
      const { body, blocks } = parseTfJson(display, r.text);
      void this.readModulesAhead(dir, moduleSources(body));
      return { display, sha256: r.sha256, body, blocks };
    } catch (e) {
      return { display, sha256: r.sha256, ...problemOf(e) };
    }
  }

  /** Starts reading the local modules at `sources` (relative to `dir`), each directory once. */
  private async readModulesAhead(dir: string, sources: string[]): Promise<void> {
    for (const source of sources) {
      if (!/^\.\.?(\/|\\|$)/.test(source)) continue;
      const child = resolve(dir, source);
      try {
        const real = await this.realpath(child);
        if (this.readAhead.has(real) || this.readAhead.size > 10_000) continue;
        this.readAhead.add(real);
        if (!(await this.isDir(child))) continue;
        const names = await this.listing(child);
        this.noteSizes(child, names.sizes);
        for (const n of [...names.tf, ...names.tfjson]) void this.fileRead(join(child, n), true);
      } catch {
        // evaluation reaches this directory itself and reports what is wrong with it
      }
    }
  }

  addInput(display: string, sha256: string): void {
    if (this.seenInputs.has(display)) return;
    this.seenInputs.add(display);
    this.inv.inputs.push({ path: display, sha256 });
  }

  /** Root variables: defaults < terraform.tfvars < *.auto.tfvars < --var-file < --var, as Terraform orders them. */
  private async rootVariables(root: ModuleSource): Promise<{ values: ValueObject; origins: NonNullable<Inventory['variableOrigins']> }> {
    // Keyed by names from tfvars and --var: `__proto__` or `constructor` must stay an ordinary name.
    const values: ValueObject = dict();
    const origins: NonNullable<Inventory['variableOrigins']> = dict();
    const decls = variableDecls(root);
    const files = [...(await autoVarFiles(root.dir)).map((f) => join(root.dir, f)), ...(this.opts.varFiles ?? []).map((f) => resolve(f))];
    for (const f of files) {
      const display = this.display(f);
      const r = await readTextFile(f);
      if (!r.ok) {
        if (this.opts.varFiles?.some((v) => resolve(v) === f) && /not found/.test(r.problem))
          throw new InputError(`--var-file ${display}: no such file`);
        this.diag({ severity: 'error', message: r.problem, file: display, line: 1 });
        continue;
      }
      this.addInput(display, r.sha256);
      let body: RawBody;
      let jsonAttrs: Map<string, Location> | undefined;
      try {
        if (f.endsWith('.json')) ({ body, attrs: jsonAttrs } = parseTfvarsJson(display, r.text));
        else body = (await parseHclFile(display, r.text)) as RawBody;
      } catch (e) {
        if (e instanceof HclSyntaxError) this.diag({ severity: 'error', message: e.detail, file: display, line: e.line, column: e.column });
        else {
          // V8's message quotes the file: only the position and a fixed phrase
          const p = jsonProblem(r.text, e);
          this.diag({ severity: 'error', message: `is not valid JSON (${p.kind})`, file: display, line: p.line, column: p.column });
        }
        continue;
      }
      const attrs = jsonAttrs ?? scanHclTop(display, r.text).attrs;
      for (const [k, raw] of Object.entries(body)) {
        const loc = attrs.get(k) ?? { file: display, line: 1, endLine: 1 };
        values[k] = await atSite(loc, () => evaluateJson(raw, constantContext(this.rootDir)));
        origins[k] = { ...loc, kind: 'tfvars' };
      }
    }
    const cli = Array.isArray(this.opts.vars) ? this.opts.vars : Object.entries(this.opts.vars ?? {});
    for (const [k, raw] of cli) {
      const v = await parseCliVar(raw, decls.get(k)?.type);
      // a value given again (a plan's variables) that a tfvars entry or the default already wrote was written there
      const d = decls.get(k);
      const written = hasOwn(values, k) ? values[k] : d?.hasDefault ? d.default : undefined;
      const same = written !== undefined && JSON.stringify(written) === JSON.stringify(v);
      values[k] = v;
      if (same && !hasOwn(origins, k) && d) origins[k] = { ...(d.defaultLocation ?? d.location), kind: 'default' };
      else if (!same) origins[k] = { file: '(command line)', line: 0, endLine: 0, kind: 'cli' };
    }
    for (const [k, v] of Object.entries(this.opts.values ?? {})) {
      values[k] = v;
      origins[k] = { file: '(plan variables)', line: 0, endLine: 0, kind: 'plan' };
    }
    for (const [name, d] of decls) {
      if (!hasOwn(values, name)) {
        if (d.hasDefault) {
          values[name] = d.default;
          origins[name] = { ...(d.defaultLocation ?? d.location), kind: 'default' };
        } else values[name] = new Unknown(`var.${name} has no value (no default, not set in a .tfvars file or --var)`);
      }
      if (d.sensitive) collectStrings(values[name] ?? null, this.inv.secrets);
    }
    return { values, origins };
  }
}

interface VariableDecl {
  hasDefault: boolean;
  default: Value;
  type?: string;
  sensitive: boolean;
  location: Location;
  defaultLocation?: Location;
}

/** The value in `map` at `key`, made by `make` the first time it is asked for. */
function remembered<K, V>(map: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

const REFS = new WeakMap<Resource, RefObject>();
/** The value of a resource with count or for_each (a list or a map of its instances), by its instances. */
const INSTANCE_SETS = new WeakMap<Map<string, Resource>, Value>();

const VARIABLE_DECLS = new WeakMap<ModuleSource, Map<string, VariableDecl>>();

/** A module's variable declarations (read once per module source: every instance and call asks). */
function variableDecls(src: ModuleSource): Map<string, VariableDecl> {
  return remembered(VARIABLE_DECLS, src, () => readVariableDecls(src));
}

function readVariableDecls(src: ModuleSource): Map<string, VariableDecl> {
  const out = new Map<string, VariableDecl>();
  for (const f of src.files) {
    const vars = (f.body.variable ?? {}) as Record<string, RawBody[]>;
    for (const [name, bodies] of Object.entries(vars)) {
      const b = (Array.isArray(bodies) ? bodies[0] : bodies) ?? {};
      const block = f.blocks.find((x) => x.type === 'variable' && x.labels[0] === name);
      const location = block?.location ?? { file: f.display, line: 1, endLine: 1 };
      const defaultLocation = block?.attrs.get('default');
      out.set(name, {
        hasDefault: Object.prototype.hasOwnProperty.call(b, 'default'),
        default: literalJson(b.default),
        ...(typeof b.type === 'string' ? { type: b.type.replace(/^\$\{(.*)\}$/s, '$1') } : {}),
        sensitive: b.sensitive === true,
        location,
        ...(defaultLocation ? { defaultLocation } : {}),
      });
    }
  }
  return out;
}

/** Variable defaults are literal values (Terraform allows no references there). */
function literalJson(raw: unknown): Value {
  if (raw === undefined) return null;
  if (typeof raw === 'string') return raw.replace(/\$\$\{/g, '${');
  if (Array.isArray(raw)) return raw.map(literalJson);
  if (raw !== null && typeof raw === 'object') return fromEntries(Object.entries(raw).map(([k, v]) => [k, literalJson(v)]));
  return raw as Value;
}

async function parseCliVar(raw: string, type?: string): Promise<Value> {
  if (!type || type === 'string') return raw;
  try {
    return await evaluate(await parseExpression(`\${${raw}}`), constantContext(process.cwd()));
  } catch {
    return raw;
  }
}

/** path.cwd is the runner's absolute path: reports must not reveal it, and no verdict needs it. */
const CWD_UNKNOWN = new Unknown('path.cwd depends on the directory Terraform runs in');

function constantContext(baseDir: string): EvalContext {
  return { baseDir, resolve: async () => undefined };
}

function collectStrings(v: Value, into: Set<string>): void {
  if (typeof v === 'string' && v.length >= 4) into.add(v);
  else if (Array.isArray(v)) v.forEach((x) => collectStrings(x, into));
  else if (isObject(v)) Object.values(v).forEach((x) => collectStrings(x, into));
}

interface ResourceDecl {
  mode: 'managed' | 'data';
  type: string;
  name: string;
  body: RawBody;
  file: ParsedFile;
  location: BlockLocation;
}

interface ModuleCall {
  name: string;
  body: RawBody;
  file: ParsedFile;
  location: Location;
  /** Where each argument of the call is. */
  attrs?: Map<string, Location>;
}

const BLOCKS = new WeakMap<ParsedFile, Map<string, ScannedBlock[]>>();

/**
 * A file's scanned blocks by type, and by type with their first one or two labels (indexed once:
 * every instance of a module looks every block up, which was quadratic in the blocks of a file).
 */
function blocksOf(f: ParsedFile): Map<string, ScannedBlock[]> {
  return remembered(BLOCKS, f, () => {
    const out = new Map<string, ScannedBlock[]>();
    for (const b of f.blocks) {
      remembered(out, b.type, () => []).push(b);
      for (let n = 1; n <= Math.min(2, b.labels.length); n++) remembered(out, blockKey(b.type, b.labels.slice(0, n)), () => []).push(b);
    }
    return out;
  });
}

function blockKey(type: string, labels: string[]): string {
  return [type, ...labels].join('\u0000');
}

/** The first block of `type` with these leading labels. */
function blockOf(f: ParsedFile, type: string, ...labels: string[]): ScannedBlock | undefined {
  return blocksOf(f).get(blockKey(type, labels))?.[0];
}

const LOCATIONS = new WeakMap<ScannedBlock, BlockLocation>();

function blockLocation(b: ScannedBlock): BlockLocation {
  return remembered(LOCATIONS, b, () => toBlockLocation(b));
}

/** Instances of a resource or module block after count / for_each. */
type Expansion =
  { kind: 'single' } | { kind: 'count'; n: number } | { kind: 'each'; entries: [string, Value][] } | { kind: 'unknown'; reason: Unknown };

class ModuleInstance implements EvalContext, ProvenanceScope {
  readonly baseDir: string;
  readonly fileRoot: string;
  readonly budget: EvalBudget;
  private readonly decls = new Map<string, ResourceDecl>();
  private readonly calls = new Map<string, ModuleCall>();
  private readonly localsRaw = new Map<string, { raw: unknown; file: ParsedFile }>();
  private readonly outputsRaw = new Map<string, { raw: unknown; file: ParsedFile }>();
  /** The first instance of each child module, for provenance to follow `module.x.output`. */
  private readonly children = new Map<string, ModuleInstance>();
  private readonly varDecls: Map<string, VariableDecl>;
  /** Expansions already computed (read synchronously by resourceRef/moduleRef after computing instances). */
  private readonly expansions = new Map<string, Expansion>();
  /** `path.module`: this module's directory relative to the root module's. */
  private pathModule: string | undefined;

  constructor(
    private readonly loader: Loader,
    private readonly src: ModuleSource,
    /** Address prefix: '' for root, `module.a["x"]` for a child instance. */
    readonly path: string,
    private readonly vars: ValueObject,
    private readonly depth: number,
    private readonly stack: string[],
    readonly caller?: { scope: ModuleInstance; name: string },
  ) {
    this.baseDir = loader.rootDir;
    this.fileRoot = loader.opts.fileRoot !== undefined ? resolve(loader.opts.fileRoot) : loader.rootDir;
    this.budget = loader.budget;
    this.varDecls = variableDecls(src);
    for (const f of src.files) this.index(f);
  }

  private index(f: ParsedFile): void {
    for (const mode of ['resource', 'data'] as const) {
      const section = (f.body[mode] ?? {}) as Record<string, Record<string, RawBody[]>>;
      for (const [type, byName] of Object.entries(section)) {
        for (const [name, bodies] of Object.entries(byName ?? {})) {
          const key = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
          const block = blockOf(f, mode, type, name);
          const location: BlockLocation = block
            ? blockLocation(block)
            : { location: { file: f.display, line: 1, endLine: 1 }, attrLocations: {}, comments: [] };
          if (this.decls.has(key)) {
            this.loader.diag({
              severity: 'error',
              message: `duplicate ${mode} "${type}" "${name}"`,
              file: f.display,
              line: location.location.line,
            });
            continue;
          }
          this.decls.set(key, {
            mode: mode === 'data' ? 'data' : 'managed',
            type,
            name,
            body: (Array.isArray(bodies) ? bodies[0] : bodies) ?? {},
            file: f,
            location,
          });
        }
      }
    }
    for (const [name, bodies] of Object.entries((f.body.module ?? {}) as Record<string, RawBody[]>)) {
      const block = blockOf(f, 'module', name);
      this.calls.set(name, {
        name,
        body: (Array.isArray(bodies) ? bodies[0] : bodies) ?? {},
        file: f,
        location: block?.location ?? { file: f.display, line: 1, endLine: 1 },
        ...(block ? { attrs: block.attrs } : {}),
      });
    }
    for (const l of (f.body.locals ?? []) as RawBody[]) for (const [k, v] of Object.entries(l)) this.localsRaw.set(k, { raw: v, file: f });
    for (const [name, bodies] of Object.entries((f.body.output ?? {}) as Record<string, RawBody[]>)) {
      const b = (Array.isArray(bodies) ? bodies[0] : bodies) ?? {};
      this.outputsRaw.set(name, { raw: b.value, file: f });
    }
    // every instance of a module indexes its files again: that work is counted
    this.loader.budget.step(f.blocks.length);
  }

  /** Where local `name` is defined, for a limit reached while evaluating it. */
  private localSite(name: string, f: ParsedFile): Site {
    for (const b of blocksOf(f).get('locals') ?? []) {
      const at = b.attrs.get(name);
      if (at) return at;
    }
    return { file: f.display };
  }

  // ---- ProvenanceScope: where this instance's values were written ----------------------------------

  callArgument(call: string, name: string): { raw: unknown; site: Location } | undefined {
    const c = this.calls.get(call);
    if (!c || !hasOwn(c.body, name)) return undefined;
    return { raw: c.body[name], site: c.attrs?.get(name) ?? c.location };
  }

  localDef(name: string): { raw: unknown; site: Location } | undefined {
    const d = this.localsRaw.get(name);
    const site = d ? this.localSite(name, d.file) : undefined;
    return d && site?.line ? { raw: d.raw, site: site as Location } : undefined;
  }

  variable(name: string): { defaultSite?: Location; site: Location } | undefined {
    const d = this.varDecls.get(name);
    return d ? { site: d.location, ...(d.defaultLocation ? { defaultSite: d.defaultLocation } : {}) } : undefined;
  }

  variableValue(name: string): Value | undefined {
    return hasOwn(this.vars, name) ? this.vars[name] : undefined;
  }

  outputDef(name: string): { raw: unknown; site: Location } | undefined {
    const o = this.outputsRaw.get(name);
    const block = o ? blockOf(o.file, 'output', name) : undefined;
    return o && block ? { raw: o.raw, site: block.location } : undefined;
  }

  child(name: string): ModuleInstance | undefined {
    return this.children.get(name);
  }

  block(key: string): { body: RawBody; location: Location; attrLocations: Record<string, Location> } | undefined {
    const d = this.decls.get(key);
    return d ? { body: d.body, location: d.location.location, attrLocations: d.location.attrLocations } : undefined;
  }

  /** Evaluates every resource and child module, in declaration order, into the inventory. */
  async expandAll(): Promise<void> {
    const at = siteNow();
    for (const key of this.decls.keys()) await runAt(at, () => this.resourceInstances(key));
    for (const name of this.calls.keys()) await runAt(at, () => this.childInstances(name));
  }

  // ---- EvalContext -------------------------------------------------------------------------------

  resolve(segments: (string | number)[]): Maybe<{ value: Value; consumed: number } | undefined> {
    const [root, second, third] = segments;
    if (typeof root !== 'string') return undefined;
    switch (root) {
      case 'var':
        if (typeof second !== 'string') return undefined;
        if (!hasOwn(this.vars, second)) return { value: evalError(`var.${second} is not declared in ${this.where()}`), consumed: 2 };
        return { value: this.vars[second] ?? null, consumed: 2 };
      case 'local':
        if (typeof second !== 'string') return undefined;
        return andThen(this.local(second), (value) => ({ value, consumed: 2 }));
      case 'path': {
        const rel = (this.pathModule ??= relative(this.loader.rootDir, this.src.dir) || '.');
        if (typeof second !== 'string')
          return {
            value: fromEntries<Value>([
              ['module', rel],
              ['root', '.'],
              ['cwd', CWD_UNKNOWN],
            ]),
            consumed: 1,
          };
        const value =
          second === 'module'
            ? rel
            : second === 'root'
              ? '.'
              : second === 'cwd'
                ? CWD_UNKNOWN
                : new Unknown(`path.${second} is not supported`);
        return { value, consumed: 2 };
      }
      case 'terraform':
        return { value: second === 'workspace' ? 'default' : new Unknown(`terraform.${String(second)} is not supported`), consumed: 2 };
      case 'module': {
        if (typeof second !== 'string') return undefined;
        if (!this.calls.has(second)) return { value: evalError(`module.${second} is not declared in ${this.where()}`), consumed: 2 };
        return this.moduleRef(second, segments.slice(2));
      }
      case 'data': {
        if (typeof second !== 'string' || typeof third !== 'string') return undefined;
        const key = `data.${second}.${third}`;
        if (!this.decls.has(key)) return { value: evalError(`data.${second}.${third} is not declared in ${this.where()}`), consumed: 3 };
        return andThen(this.resourceRef(key), (value) => ({ value, consumed: 3 }));
      }
      case 'each':
      case 'count':
      case 'self':
        return undefined; // bound per instance by InstanceContext
      default: {
        if (typeof second !== 'string') return undefined;
        const key = `${root}.${second}`;
        if (!this.decls.has(key)) {
          if (root.includes('_')) return { value: evalError(`${key} is not declared in ${this.where()}`), consumed: 2 };
          return undefined;
        }
        return andThen(this.resourceRef(key), (value) => ({ value, consumed: 2 }));
      }
    }
  }

  private where(): string {
    return this.path === '' ? 'the root module' : this.path;
  }

  /** Memoised, cycle-safe evaluation of one named thing of this module instance. */
  private once<T>(key: string, onCycle: (chain: string[]) => T, compute: () => Maybe<T>): Maybe<T> {
    return this.loader.once.get(`${this.path}|${key}`, onCycle as (c: string[]) => unknown, compute) as Maybe<T>;
  }

  private cycle(what: string): (chain: string[]) => Unknown {
    return (chain) =>
      evalError(`${what} depends on itself (cycle: ${chain.map((c) => c.replace(/^\|/, '').replace('|', '.')).join(' -> ')})`);
  }

  private local(name: string): Maybe<Value> {
    const decl = this.localsRaw.get(name);
    if (!decl) return evalError(`local.${name} is not declared in ${this.where()}`);
    return this.once<Value>(`local.${name}`, this.cycle(`local.${name}`), () =>
      atSite(this.localSite(name, decl.file), () => evaluateJson(decl.raw, this)),
    );
  }

  async output(name: string): Promise<Value> {
    if (!this.outputsRaw.has(name)) return evalError(`output "${name}" is not declared in ${this.where()}`);
    return this.once<Value>(`output.${name}`, this.cycle(`output.${name}`), () => evaluateJson(this.outputsRaw.get(name)?.raw, this));
  }

  async allOutputs(): Promise<ValueObject> {
    const at = siteNow();
    const out: ValueObject = dict();
    for (const name of [...this.outputsRaw.keys()].sort()) out[name] = await runAt(at, () => this.output(name));
    return out;
  }

  // ---- count / for_each ----------------------------------------------------------------------------

  private expansion(key: string, body: RawBody, ctx: EvalContext, site: BlockSites): Maybe<Expansion> {
    return this.once<Expansion>(
      `expand.${key}`,
      (chain) => ({ kind: 'unknown', reason: this.cycle(`count/for_each of ${key}`)(chain) }),
      () => this.computeExpansion(key, body, ctx, site),
    );
  }

  private async computeExpansion(key: string, body: RawBody, ctx: EvalContext, site: BlockSites): Promise<Expansion> {
    let e: Expansion = { kind: 'single' };
    if (body.count !== undefined) {
      const n = await atSite(site('count'), () => evaluateJson(body.count, ctx));
      // (how many instances a run may expand is the budget's to say: see instancesOf)
      if (typeof n === 'number' && Number.isInteger(n) && n >= 0) e = { kind: 'count', n };
      else if (n instanceof Unknown) e = { kind: 'unknown', reason: n };
      else
        e = {
          kind: 'unknown',
          reason: new Unknown(
            `count of ${key} is not a whole number (${typeof n === 'number' ? n : n === null ? 'null' : Array.isArray(n) ? 'a list' : typeof n === 'object' ? 'an object' : `a ${typeof n}`})`,
          ),
        };
    } else if (body.for_each !== undefined) {
      const fe = await atSite(site('for_each'), () => evaluateJson(body.for_each, ctx));
      if (fe instanceof Unknown || fe instanceof RefObject)
        e = { kind: 'unknown', reason: fe instanceof Unknown ? fe : new Unknown(`for_each of ${key} is a resource`) };
      else if (Array.isArray(fe)) {
        const keys = fe.map((x) => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined));
        if (keys.some((k) => k === undefined))
          e = { kind: 'unknown', reason: new Unknown(`for_each of ${key} has elements that are not known strings`) };
        else e = { kind: 'each', entries: [...new Set(keys as string[])].sort().map((k) => [k, k]) };
      } else if (isObject(fe))
        e = {
          kind: 'each',
          entries: Object.keys(fe)
            .sort()
            .map((k) => [k, fe[k] ?? null]),
        };
      else e = { kind: 'unknown', reason: new Unknown(`for_each of ${key} is not a map or set (${fe === null ? 'null' : typeof fe})`) };
    }
    // (once the budget is spent, everything is undetermined: the budget's error says so, once)
    if (e.kind === 'unknown' && !this.loader.budget.exhausted) {
      this.loader.diag({
        severity: 'warning',
        message: `${this.path ? `${this.path}.` : ''}${key}: instances cannot be determined (${e.reason.reason}); checked as one instance`,
      });
    }
    this.expansions.set(key, e);
    return e;
  }

  /**
   * The instances of a block, once the budget has room for them; none when it has not (the block's
   * references then give the budget's error).
   */
  private instancesOf(key: string, e: Expansion, site: BlockSites): ReturnType<ModuleInstance['instanceKeys']> {
    const n = e.kind === 'count' ? e.n : e.kind === 'each' ? e.entries.length : 1;
    const what = `${this.path ? `${this.path}.` : ''}${key}`;
    if (
      atSite(site(e.kind === 'count' ? 'count' : e.kind === 'each' ? 'for_each' : undefined), () => this.loader.budget.instances(n, what))
    )
      return this.instanceKeys(e);
    this.expansions.set(key, { kind: 'unknown', reason: this.loader.budget.error() });
    return [];
  }

  private instanceKeys(e: Expansion): { suffix: string; index?: string | number; each?: { key: Value; value: Value }; count?: Value }[] {
    switch (e.kind) {
      case 'single':
        return [{ suffix: '' }];
      case 'count':
        return Array.from({ length: e.n }, (_, i) => ({ suffix: `[${i}]`, index: i, count: i }));
      case 'each':
        return e.entries.map(([k, v]) => ({ suffix: `[${JSON.stringify(k)}]`, index: k, each: { key: k, value: v } }));
      case 'unknown':
        return [{ suffix: '', each: { key: e.reason, value: e.reason }, count: e.reason }];
    }
  }

  // ---- resources -----------------------------------------------------------------------------------

  private resourceInstances(key: string): Maybe<Map<string, Resource>> {
    // a cycle gives the referrer an empty instance set (resourceRef turns it into an error value)
    return this.once(
      `resource.${key}`,
      () => new Map<string, Resource>(),
      () => this.computeInstances(key),
    );
  }

  private async computeInstances(key: string): Promise<Map<string, Resource>> {
    const at = siteNow();
    const decl = this.decls.get(key)!;
    const result = new Map<string, Resource>();
    const site = blockSites(decl.location.location, decl.location.attrLocations);
    const e = await this.expansion(key, decl.body, this, site);
    const insts = this.instancesOf(key, e, site);
    for (const inst of insts) {
      // a spent budget stops the expansion: what is left would only be error values
      if (this.loader.budget.exhausted) break;
      const address = `${this.path ? `${this.path}.` : ''}${key}${inst.suffix}`;
      const ctx = new InstanceContext(this, inst.each, inst.count);
      const values = await this.evaluateBody(decl.body, ctx, undefined, false, site);
      Object.assign(values, knownComputed(decl.type, values));
      if (decl.mode === 'data' && decl.type === 'aws_iam_policy_document') {
        const json = runAt(at, () => renderPolicyDocument(values));
        values.json = json;
        values.minified_json = json;
        if (typeof json === 'string') values.id = String(hashCode(json));
      }
      const r: Resource = {
        address,
        mode: decl.mode,
        type: decl.type,
        name: decl.name,
        module: this.path,
        ...(inst.index !== undefined ? { index: inst.index } : {}),
        values,
        location: decl.location.location,
        attrLocations: decl.location.attrLocations,
        comments: decl.location.comments,
      };
      // the rules, the reports and the redaction walk every value of every resource
      atSite(site(), () => this.loader.budget.step(workOf(values)));
      result.set(inst.suffix, r);
      this.loader.inv.resources.push(r);
      this.loader.provenance.register(r, this, decl.body);
    }
    return result;
  }

  /** A resource as seen from an expression: one RefObject, a list (count) or a map (for_each). */
  private resourceRef(key: string): Maybe<Value> {
    return andThen(this.resourceInstances(key), (insts) => {
      // one per resource: every reference to it would otherwise build it (and its ARN glob) anew
      const ref = (r: Resource): RefObject =>
        remembered(REFS, r, () => new RefObject(r.address, r.type, r.values, arnPattern(r.type, r.values)));
      const e = this.expansions.get(key) ?? { kind: 'single' };
      if (insts.size === 0) return e.kind === 'unknown' ? e.reason : evalError(`${key} depends on itself (cycle)`);
      // one list or map of them per resource too: references to one instance each would build it again and again
      if (e.kind === 'count') return remembered(INSTANCE_SETS, insts, () => [...insts.values()].map(ref));
      if (e.kind === 'each')
        return remembered(INSTANCE_SETS, insts, () => fromEntries([...insts.values()].map((r) => [String(r.index), ref(r)])));
      if (e.kind === 'unknown') {
        const r = [...insts.values()][0]!;
        return new Unknown(`instances of ${key} are unknown: ${e.reason.reason}`, { refs: [r.address] });
      }
      return ref([...insts.values()][0]!);
    });
  }

  /** Evaluates a block body: attributes, nested blocks (lists of objects) and dynamic blocks. */
  async evaluateBody(
    body: RawBody,
    ctx: EvalContext,
    scope?: ReadonlyMap<string, Value>,
    nested = false,
    site?: BlockSites,
  ): Promise<ValueObject> {
    // without sites of its own (a nested block), every attribute is where the block is
    const at = siteNow();
    const out: ValueObject = dict();
    for (const [k, raw] of Object.entries(body)) {
      if (nested ? k === 'dynamic' : META.has(k)) continue;
      // nested blocks are lists of bodies and may hold `dynamic` blocks of their own
      if (Array.isArray(raw) && raw.length > 0 && raw.every(isRawBody) && raw.some((b) => 'dynamic' in b)) {
        const items: Value[] = [];
        for (const b of raw) items.push(await runAt(site ? site(k) : at, () => this.evaluateBody(b, ctx, scope, true)));
        out[k] = items;
      } else {
        const v = runAt(site ? site(k) : at, () => evaluateJson(raw, ctx, scope));
        out[k] = isPromise(v) ? await v : v;
      }
    }
    const dyn = body.dynamic as Record<string, RawBody[]> | undefined;
    if (dyn && typeof dyn === 'object') {
      for (const [label, defs] of Object.entries(dyn)) {
        for (const def of Array.isArray(defs) ? defs : [defs]) {
          const generated = await runAt(site ? site(label) : at, () => this.expandDynamic(label, def, ctx, scope));
          const prev = out[label];
          out[label] = [...(Array.isArray(prev) ? prev : []), ...(Array.isArray(generated) ? generated : [generated])];
        }
      }
    }
    return out;
  }

  private async expandDynamic(label: string, def: RawBody, ctx: EvalContext, scope?: ReadonlyMap<string, Value>): Promise<Value> {
    const at = siteNow();
    const iter = typeof def.iterator === 'string' ? def.iterator.replace(/^\$\{(.*)\}$/, '$1') : label;
    const fe = await evaluateJson(def.for_each, ctx, scope);
    const content = ((Array.isArray(def.content) ? def.content[0] : def.content) ?? {}) as RawBody;
    if (fe instanceof Unknown || fe instanceof RefObject) {
      // the number of blocks is unknown: one block evaluated with an unknown iterator stands for them
      const u = fe instanceof Unknown ? fe : new Unknown('dynamic for_each is a resource');
      const s = new Map(scope ?? []);
      s.set(iter, { key: u, value: u });
      return [await runAt(at, () => this.evaluateBody(content, ctx, s, true))];
    }
    const entries: [Value, Value][] = Array.isArray(fe)
      ? fe.map((v, i) => [i, v])
      : isObject(fe)
        ? Object.keys(fe)
            .sort()
            .map((k) => [k, fe[k] ?? null])
        : [];
    const out: Value[] = [];
    // as many blocks as the collection has elements: within the collection limit, never cut short
    if (!runAt(at, () => this.loader.budget.collection(entries.length, 'a dynamic block'))) return this.loader.budget.error();
    for (const [k, v] of entries) {
      const s = new Map(scope ?? []);
      s.set(iter, { key: k, value: v });
      out.push(await runAt(at, () => this.evaluateBody(content, ctx, s, true)));
    }
    return out;
  }

  // ---- child modules ---------------------------------------------------------------------------------

  private async moduleRef(name: string, rest: (string | number)[]): Promise<{ value: Value; consumed: number }> {
    const at = siteNow();
    const insts = await this.childInstances(name);
    const e = this.expansions.get(`module.${name}`) ?? { kind: 'single' };
    const one = async (
      m: ModuleInstance | Unknown,
      next: string | number | undefined,
      consumed: number,
    ): Promise<{ value: Value; consumed: number }> => {
      if (m instanceof Unknown) return { value: m, consumed: typeof next === 'string' ? consumed + 1 : consumed };
      if (typeof next === 'string') return { value: await runAt(at, () => m.output(next)), consumed: consumed + 1 };
      return { value: await runAt(at, () => m.allOutputs()), consumed };
    };
    if (e.kind === 'single' || e.kind === 'unknown') return one(insts.get('') ?? new Unknown(`module.${name} has no instance`), rest[0], 2);
    const keyed = rest[0];
    if (keyed !== undefined) {
      const suffix = `[${JSON.stringify(e.kind === 'count' ? Number(keyed) : String(keyed))}]`;
      const m = insts.get(suffix);
      if (m) return one(m, rest[1], 3);
    }
    // the whole collection of instances (indexed later by a computed key)
    const all: [string, Value][] = [];
    for (const [suffix, m] of insts) all.push([suffix, m instanceof Unknown ? m : await runAt(at, () => m.allOutputs())]);
    if (e.kind === 'count') return { value: all.map(([, v]) => v), consumed: 2 };
    return { value: fromEntries(all.map(([s, v]) => [JSON.parse(s.slice(1, -1)) as string, v])), consumed: 2 };
  }

  private childInstances(name: string): Maybe<Map<string, ModuleInstance | Unknown>> {
    const cyc = this.cycle(`module.${name}`);
    return this.once(
      `module.${name}`,
      (chain) => new Map<string, ModuleInstance | Unknown>([['', cyc(chain)]]),
      () => this.computeChildren(name),
    );
  }

  private async computeChildren(name: string): Promise<Map<string, ModuleInstance | Unknown>> {
    const at = siteNow();
    const call = this.calls.get(name)!;
    const result = new Map<string, ModuleInstance | Unknown>();
    const prefix = `${this.path ? `${this.path}.` : ''}module.${name}`;
    const sourceRaw = call.body.source;
    const source = typeof sourceRaw === 'string' ? sourceRaw : '';
    if (!/^\.\.?(\/|\\|$)/.test(source)) {
      // Fail closed: what a remote module declares is not seen, so no verdict may rely on its absence.
      const why = `${prefix}: module source "${source}" is not local and is not fetched; its resources are not checked (check the plan with --plan to cover them)`;
      this.loader.diag({ severity: 'warning', message: why, file: call.file.display, line: call.location.line, affects: ['*'] });
      result.set('', new Unknown(why));
      return result;
    }
    const dir = resolve(dirname(call.file.path), source);
    const real = await this.loader.realpath(dir);
    if (this.depth + 1 > MAX_MODULE_DEPTH || this.stack.includes(real)) {
      const why = `${prefix}: module source "${source}" ${this.stack.includes(real) ? 'includes itself (module cycle)' : `nests deeper than ${MAX_MODULE_DEPTH} levels`}`;
      this.loader.diag({ severity: 'error', message: why, file: call.file.display, line: call.location.line });
      result.set('', new Unknown(why));
      return result;
    }
    if (!(await this.loader.isDir(dir))) {
      const why = `${prefix}: module source "${source}" is not a directory`;
      this.loader.diag({ severity: 'error', message: why, file: call.file.display, line: call.location.line });
      result.set('', new Unknown(why));
      return result;
    }
    const src = await this.loader.source(dir);
    const site = blockSites(call.location, call.attrs);
    const e = await this.expansion(`module.${name}`, call.body, this, site);
    const childDecls = variableDecls(src);
    const insts = this.instancesOf(`module.${name}`, e, site);
    if (insts.length === 0) result.set('', this.loader.budget.error());
    for (const inst of insts) {
      if (this.loader.budget.exhausted) break;
      const ctx = new InstanceContext(this, inst.each, inst.count);
      const inputs: ValueObject = dict();
      for (const [k, raw] of Object.entries(call.body)) {
        if (META.has(k) || k === 'source' || k === 'version' || k === 'providers') continue;
        if (!childDecls.has(k)) {
          this.loader.diag({
            severity: 'warning',
            message: `${prefix}: argument "${k}" is not a variable of ${source}`,
            file: call.file.display,
            line: call.location.line,
          });
        }
        inputs[k] = await atSite(site(k), () => evaluateJson(raw, ctx));
      }
      for (const [k, d] of childDecls) {
        if (!hasOwn(inputs, k)) {
          inputs[k] = d.hasDefault ? d.default : new Unknown(`${prefix}: required variable "${k}" is not set`);
        }
        if (d.sensitive) collectStrings(inputs[k] ?? null, this.loader.inv.secrets);
      }
      const child = runAt(
        at,
        () =>
          new ModuleInstance(this.loader, src, `${prefix}${inst.suffix}`, inputs, this.depth + 1, [...this.stack, real], {
            scope: this,
            name,
          }),
      );
      result.set(inst.suffix, child);
      if (!this.children.has(name)) this.children.set(name, child);
      await runAt(at, () => child.expandAll());
    }
    return result;
  }
}

/** Where a block's attribute is (the block's line for one the scanner did not place). */
type BlockSites = (attr?: string) => Site;

function blockSites(block: Location, attrs?: Record<string, Location> | Map<string, Location>): BlockSites {
  return (attr) => (attr && (attrs instanceof Map ? attrs.get(attr) : attrs?.[attr])) || block;
}

/** The evaluation context of one resource or module instance: binds each.*, count.index. */
class InstanceContext implements EvalContext {
  readonly baseDir: string;
  readonly fileRoot: string;
  readonly budget: EvalBudget;
  constructor(
    private readonly mod: ModuleInstance,
    private readonly each?: { key: Value; value: Value },
    private readonly count?: Value,
  ) {
    this.baseDir = mod.baseDir;
    this.fileRoot = mod.fileRoot;
    this.budget = mod.budget;
  }

  resolve(segments: (string | number)[]): Maybe<{ value: Value; consumed: number } | undefined> {
    const [root, second] = segments;
    if (root === 'each') {
      if (!this.each) return { value: new Unknown('each is only available in a block with for_each'), consumed: 2 };
      if (second === 'key') return { value: this.each.key, consumed: 2 };
      if (second === 'value') return { value: this.each.value, consumed: 2 };
      return undefined;
    }
    if (root === 'count') {
      if (this.count === undefined) return { value: new Unknown('count.index is only available in a block with count'), consumed: 2 };
      return second === 'index' ? { value: this.count, consumed: 2 } : undefined;
    }
    return this.mod.resolve(segments);
  }
}

/**
 * Blocks a module defines twice, which Terraform refuses: a resource or data source repeated in one
 * file (a second body the evaluation would never see), or a module call repeated in any file.
 * Reported once per module directory; a resource repeated across files is reported by index().
 */
function repeatedBlocks(files: ParsedFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const calls = new Set<string>();
  for (const f of files) {
    const again = (type: string, labels: string[]): number => {
      const same = f.blocks.filter((b) => b.type === type && labels.every((l, i) => b.labels[i] === l));
      return (same[1] ?? same[0])?.location.line ?? 1;
    };
    for (const mode of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries((f.body[mode] ?? {}) as Record<string, Record<string, unknown>>)) {
        for (const [name, bodies] of Object.entries(byName ?? {})) {
          if (Array.isArray(bodies) && bodies.length > 1)
            out.push({
              severity: 'error',
              message: `duplicate ${mode} "${type}" "${name}"`,
              file: f.display,
              line: again(mode, [type, name]),
            });
        }
      }
    }
    for (const [name, bodies] of Object.entries((f.body.module ?? {}) as Record<string, unknown>)) {
      if (calls.has(name) || (Array.isArray(bodies) && bodies.length > 1))
        out.push({ severity: 'error', message: `duplicate module "${name}"`, file: f.display, line: again('module', [name]) });
      calls.add(name);
    }
  }
  return out;
}

function isRawBody(v: unknown): v is RawBody {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h >>> 0;
}

/** Locations of every resource/data block in a configuration tree (root + local child modules), keyed by address without instance keys. */
export async function locateConfigTree(rootDir: string, reads?: ParseCache): Promise<Map<string, BlockLocation>> {
  const out = new Map<string, BlockLocation>();
  const dummy = emptyInventory('hcl');
  const loader = new Loader(resolve(rootDir), dummy, reads ? { reads } : {});
  const visit = async (dir: string, prefix: string, stack: string[]): Promise<void> => {
    const src = await loader.source(dir);
    for (const f of src.files) {
      for (const b of f.blocks) {
        if ((b.type === 'resource' || b.type === 'data') && b.labels.length >= 2) {
          const key = `${prefix}${b.type === 'data' ? 'data.' : ''}${b.labels[0]}.${b.labels[1]}`;
          out.set(key, toBlockLocation(b));
        }
      }
      for (const [name, bodies] of Object.entries((f.body.module ?? {}) as Record<string, RawBody[]>)) {
        const body = (Array.isArray(bodies) ? bodies[0] : bodies) ?? {};
        const source = typeof body.source === 'string' ? body.source : '';
        if (!/^\.\.?(\/|\\|$)/.test(source)) continue;
        const child = resolve(dirname(f.path), source);
        const real = await canonical(child);
        if (stack.includes(real) || stack.length > MAX_MODULE_DEPTH || !(await isDirectory(child))) continue;
        await visit(child, `${prefix}module.${name}.`, [...stack, real]);
      }
    }
  };
  await visit(resolve(rootDir), '', [await canonical(resolve(rootDir))]);
  return out;
}
