/**
 * What the invariant rules share besides IAM (./iam.ts):
 *  - reading values fail-closed (a value is known, missing, or unknown with a reason);
 *  - building a RuleOutcome (findings, examined evidence, not_applicable reason, gaps);
 *  - recognising the ZTAIT pipeline's parts by how resources are wired (spec: "Roles in the pipeline
 *    are recognised by how resources are wired"): webhook and dashboard routes, the webhook receiver,
 *    webhook sources and their secrets, integration handlers, audit/dedup tables, triage functions.
 * Nothing here knows which source (HCL, plan, live) produced the inventory.
 */
import { label, type Resource } from '../../model/inventory.js';
import { isManagedAfterChange } from '../../model/changes.js';
import { instanceKey, type InventoryIndex } from '../../inventory/index.js';
import {
  RefObject,
  Unknown,
  containsUnknown,
  firstBlock,
  isObject,
  refsOf,
  show,
  unknownReason,
  type Value,
  type ValueObject,
} from '../../model/value.js';
import type { RelatedSite, RuleContext, RuleExamined, RuleFinding, RuleOutcome } from '../define.js';

// ---------------------------------------------------------------- scope and names

/** Managed resources of these types that exist after the change (a plan's pure deletions are out). */
export function inScope(ctx: RuleContext, ...types: string[]): Resource[] {
  return ctx.index.byType(...types).filter(isManagedAfterChange);
}

export { label } from '../../model/inventory.js';
export { unknownReason } from '../../model/value.js';

/** The for_each key (or count index) of a resource instance. */
export function keyOf(r: Resource): string | undefined {
  const k = instanceKey(r.address);
  if (k !== undefined) return k;
  return r.index !== undefined ? String(r.index) : undefined;
}

/** Words of a name: `ztait-webhookSecret_github` -> [ztait, webhook, secret, github]. */
export function tokens(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** `text` names `name` as whole words (`ztait/webhooks/github` names `github`, `gitlabs` does not name `gitlab`). */
export function mentions(text: string | undefined, name: string): boolean {
  if (!text) return false;
  const t = tokens(text);
  const n = tokens(name);
  if (n.length === 0) return false;
  for (let i = 0; i + n.length <= t.length; i++) {
    if (n.every((w, j) => t[i + j] === w)) return true;
  }
  return false;
}

/** The strings a resource is known by: AWS name, for_each key, block name. */
export function namesOf(r: Resource): string[] {
  const out: string[] = [];
  for (const k of ['name', 'function_name', 'bucket', 'table_name']) {
    const v = r.values[k];
    if (typeof v === 'string' && v !== '') out.push(v);
  }
  const key = keyOf(r);
  if (key !== undefined) out.push(key);
  out.push(r.name);
  return out;
}

/** The resource's name, key or block name contains `word` (case-insensitive substring: `audit_log`, `ztaitAudit`). */
export function says(r: Resource, word: string): boolean {
  return namesOf(r).some((n) => n.toLowerCase().includes(word.toLowerCase()));
}

// ---------------------------------------------------------------- reading values

export type Read<T> =
  { kind: 'ok'; value: T } | { kind: 'missing' } | { kind: 'unknown'; reason: string } | { kind: 'invalid'; shown: string };

function readWith<T>(v: Value | undefined, convert: (x: Value) => T | undefined): Read<T> {
  if (v === undefined || v === null) return { kind: 'missing' };
  if (v instanceof Unknown || v instanceof RefObject) return { kind: 'unknown', reason: unknownReason(v) };
  const c = convert(v);
  return c === undefined ? { kind: 'invalid', shown: show(v) } : { kind: 'ok', value: c };
}

/** true/false, also as the strings Terraform and live APIs use. */
export function readBool(v: Value | undefined): Read<boolean> {
  return readWith(v, (x) => {
    if (typeof x === 'boolean') return x;
    if (typeof x === 'string' && /^(true|false)$/i.test(x.trim())) return x.trim().toLowerCase() === 'true';
    return undefined;
  });
}

/** A number, also a numeric string (`"300"`). */
export function readNumber(v: Value | undefined): Read<number> {
  return readWith(v, (x) => {
    if (typeof x === 'number') return x;
    if (typeof x === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(x)) return Number(x);
    return undefined;
  });
}

export function readString(v: Value | undefined): Read<string> {
  return readWith(v, (x) => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined));
}

/** A nested block (`point_in_time_recovery { ... }`), absent, or unknown. */
export type BlockRead = { kind: 'ok'; value: ValueObject } | { kind: 'missing' } | { kind: 'unknown'; reason: string };

export function readBlock(v: Value | undefined): BlockRead {
  if (v instanceof RefObject) return { kind: 'unknown', reason: unknownReason(v) };
  const b = firstBlock(v);
  if (b instanceof Unknown) return { kind: 'unknown', reason: b.reason };
  if (b === undefined) return { kind: 'missing' };
  return { kind: 'ok', value: b };
}

/** A Lambda function's environment variables. */
export type EnvRead = { kind: 'ok'; vars: ValueObject } | { kind: 'none' } | { kind: 'unknown'; reason: string };

export function environmentOf(fn: Resource): EnvRead {
  const env = readBlock(fn.values.environment);
  if (env.kind === 'missing') return { kind: 'none' };
  if (env.kind === 'unknown') return env;
  const vars = env.value.variables;
  if (vars === undefined || vars === null) return { kind: 'none' };
  // A map whose keys are known but some values are not (a source may say so through `structure`).
  if (vars instanceof Unknown && isObject(vars.structure)) return { kind: 'ok', vars: vars.structure };
  if (vars instanceof Unknown || vars instanceof RefObject) return { kind: 'unknown', reason: unknownReason(vars) };
  if (isObject(vars)) return { kind: 'ok', vars };
  // a plan can show a map it knows only after apply as a list of unknowns: not "no environment"
  if (containsUnknown(vars)) return { kind: 'unknown', reason: 'the environment variables are known only after apply' };
  return { kind: 'none' };
}

/** A list attribute (`subnet_ids`), element Unknowns kept. */
export function readList(v: Value | undefined): Read<Value[]> {
  return readWith(v, (x) => (Array.isArray(x) ? x : undefined));
}

// ---------------------------------------------------------------- outcome

const RANK = { pass: 0, error: 1, fail: 2 } as const;

/** The worse of two verdicts of one resource: fail over error over pass. */
export function worse(a: RuleExamined['status'], b: RuleExamined['status']): RuleExamined['status'] {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * What a rule saw of one resource over repeated looks: the worst status, and the observations joined
 * by `; `, an observation already among the parts not repeated. The parts are kept beside the text:
 * a rule may look at one role once per table (SI-7), and splitting the growing text on every look
 * was quadratic. Splitting is compositional (`a; b`.split = a.split ++ b.split), so the set equals
 * the split.
 */
export class Evidence {
  status: RuleExamined['status'] = 'pass';
  private text: string | undefined;
  private readonly parts = new Set<string>();

  add(status: RuleExamined['status'], observed: string): void {
    this.status = worse(this.status, status);
    if (this.text !== undefined && this.parts.has(observed)) return;
    this.text = this.text === undefined ? observed : `${this.text}; ${observed}`;
    if (!observed.includes('; ')) this.parts.add(observed);
    else for (const p of observed.split('; ')) this.parts.add(p);
  }

  observed(): string {
    return this.text ?? '';
  }
}

function finding(
  kind: RuleFinding['kind'],
  resource: Resource,
  message: string,
  attr?: string,
  key?: string,
  related?: RelatedSite[],
): RuleFinding {
  return { resource, message, kind, ...(attr ? { attr } : {}), ...(key ? { key } : {}), ...(related?.length ? { related } : {}) };
}

/** Collects findings and evidence; merges repeated looks at one resource into one examined entry. */
export class OutcomeBuilder {
  private readonly findings = new Map<string, RuleFinding>();
  private readonly examined = new Map<string, { resource: Resource; evidence: Evidence }>();
  readonly errors: string[] = [];

  constructor(errors: string[] = []) {
    this.errors.push(...errors);
  }

  /** `related`: the other places the verdict depends on (a granting statement), for the finding's trace. */
  fail(resource: Resource, message: string, attr?: string, key?: string, related?: RelatedSite[]): void {
    this.add(finding('fail', resource, message, attr, key, related));
  }

  error(resource: Resource, message: string, attr?: string, key?: string, related?: RelatedSite[]): void {
    this.add(finding('error', resource, message, attr, key, related));
  }

  private add(f: RuleFinding): void {
    const id = `${f.resource.address}\u0000${f.key ?? f.attr ?? ''}\u0000${f.kind}`;
    const prev = this.findings.get(id);
    if (!prev) this.findings.set(id, f);
    else {
      if (!prev.message.includes(f.message)) prev.message = `${prev.message}; ${f.message}`;
      if (f.related) prev.related = [...(prev.related ?? []), ...f.related];
    }
  }

  examine(resource: Resource, status: RuleExamined['status'], observed: string): void {
    let entry = this.examined.get(resource.address);
    if (!entry) this.examined.set(resource.address, (entry = { resource, evidence: new Evidence() }));
    entry.evidence.add(status, observed);
  }

  get hasFindings(): boolean {
    return this.findings.size > 0;
  }

  /** `notApplicable`: why nothing is in scope, used only when nothing was examined or found. */
  finish(notApplicable: string): RuleOutcome {
    const examined = [...this.examined.values()].map(({ resource, evidence }) => ({
      resource,
      status: evidence.status,
      observed: evidence.observed(),
    }));
    const out: RuleOutcome = { findings: [...this.findings.values()], examined };
    if (this.errors.length > 0) {
      out.errors = [...this.errors];
      out.reason = this.errors[0]!;
    } else if (out.findings.length === 0 && out.examined.length === 0) out.reason = notApplicable;
    return out;
  }
}

// ---------------------------------------------------------------- gaps (data not collected)

/**
 * `gap` (a type or `type.attr` that could not be collected) concerns `need` (what a rule reads: a
 * whole type, or only `type.attr` besides the resources' identity). A whole type missing concerns
 * every need of it; one attribute missing concerns the rules reading the whole type or that attribute.
 */
function gapConcerns(gap: string, need: string): boolean {
  const [gapType, gapAttr] = gap.split('.', 2) as [string, string | undefined];
  const [needType, needAttr] = need.split('.', 2) as [string, string | undefined];
  if (gapType !== needType) return false;
  return gapAttr === undefined || needAttr === undefined || gapAttr === needAttr;
}

/**
 * `Inventory.gaps` entries that concern what a rule reads (`needs`: whole types, or `type.attr`), as
 * messages naming the failed call: `aws_iam_role not collected: iam:ListRoles failed: AccessDenied`.
 * The source keys its gaps by what it could not read in inventory terms (model/inventory.ts); a
 * key that is no resource type (the account identity) concerns no rule.
 */
export function gapErrors(ctx: RuleContext, needs: readonly string[]): string[] {
  const out: string[] = [];
  for (const [key, why] of Object.entries(ctx.inventory.gaps ?? {})) {
    if (needs.some((n) => gapConcerns(key, n))) out.push(`${key} not collected: ${why}`);
  }
  return out;
}

// ---------------------------------------------------------------- references

/**
 * Resources of `types` a value refers to anywhere inside it: Unknown refs (also inside jsonencode
 * structures), RefObjects, known strings matching an id/ARN/name, and JSON-encoded maps of them.
 */
export function referencedResources(index: InventoryIndex, v: Value | undefined, types: readonly string[]): Resource[] {
  const found = new Map<string, Resource>();
  const visit = (x: Value | undefined, depth: number): void => {
    if (x === undefined || x === null || depth > 8) return;
    if (x instanceof Unknown || x instanceof RefObject) {
      for (const ref of refsOf(x)) for (const r of index.instancesOf(ref)) if (types.includes(r.type)) found.set(r.address, r);
      if (x instanceof Unknown && x.structure !== undefined) visit(x.structure, depth + 1);
      return;
    }
    if (Array.isArray(x)) return x.forEach((e) => visit(e, depth + 1));
    if (isObject(x)) return Object.values(x).forEach((e) => visit(e, depth + 1));
    if (typeof x !== 'string') return;
    const s = x.trim();
    if ((s.startsWith('{') && s.endsWith('}')) || (s.startsWith('[') && s.endsWith(']'))) {
      try {
        return visit(JSON.parse(s) as Value, depth + 1);
      } catch {
        /* not JSON: a plain string */
      }
    }
    for (const r of index.resolve(s, types).resources) found.set(r.address, r);
  };
  visit(v, 0);
  return [...found.values()];
}

// ---------------------------------------------------------------- the pipeline

export type RouteKind = 'webhook' | 'dashboard' | 'unknown';

export interface RouteInfo {
  route: Resource;
  /** `POST /webhooks/{source}` split; undefined when route_key is unknown. */
  method?: string;
  path?: string;
  /** Why route_key cannot be read. */
  keyUnknown?: string;
  /** The Lambda function the route's integration invokes. */
  fn?: Resource;
  /** Why the target function cannot be determined (unresolved reference, non-Lambda integration). */
  targetProblem?: string;
  /** The target reference is unknown (undecidable), rather than known to be no Lambda function. */
  targetUnknown?: boolean;
  kind: RouteKind;
  /** A webhook route's source: its for_each key, or its last path segment when literal. */
  source?: string;
}

export interface Pipeline {
  routes: RouteInfo[];
  /** Functions targeted by `/webhook...` routes (more than one when a webhook route is misrouted). */
  receivers: Resource[];
  /** The ingestion function: the receiver (the most targeted one when several). */
  receiver?: Resource;
}

const pipelineCache = new WeakMap<InventoryIndex, Pipeline>();

export function pipeline(ctx: RuleContext): Pipeline {
  const cached = pipelineCache.get(ctx.index);
  if (cached) return cached;
  const p = buildPipeline(ctx);
  pipelineCache.set(ctx.index, p);
  return p;
}

function buildPipeline(ctx: RuleContext): Pipeline {
  const routes = inScope(ctx, 'aws_apigatewayv2_route').map((route) => readRoute(ctx, route));
  const counts = new Map<string, { fn: Resource; n: number }>();
  for (const r of routes) {
    if (r.path !== undefined && isWebhookPath(r.path) && r.fn) {
      const c = counts.get(r.fn.address) ?? { fn: r.fn, n: 0 };
      c.n += 1;
      counts.set(r.fn.address, c);
    }
  }
  const receivers = [...counts.values()].map((c) => c.fn);
  // The receiver: the function /webhook routes target (one whose name says so, else the most targeted).
  const ranked = [...counts.values()].sort((a, b) => Number(saysReceiver(b.fn)) - Number(saysReceiver(a.fn)) || b.n - a.n);
  const receiver = ranked[0]?.fn;
  for (const r of routes) {
    if (r.path !== undefined && isWebhookPath(r.path)) r.kind = 'webhook';
    else if (r.fn && receiver && r.fn.address === receiver.address) r.kind = 'webhook';
    else if (r.keyUnknown !== undefined) r.kind = 'unknown';
    else r.kind = 'dashboard';
    if (r.kind === 'webhook') {
      const src = sourceOf(r);
      if (src !== undefined) r.source = src;
    }
  }
  return { routes, receivers, ...(receiver ? { receiver } : {}) };
}

const saysReceiver = (fn: Resource): boolean => ['webhook', 'receiver', 'ingest'].some((w) => says(fn, w));

export const isWebhookPath = (path: string): boolean => path.toLowerCase().startsWith('/webhook');

function readRoute(ctx: RuleContext, route: Resource): RouteInfo {
  const info: RouteInfo = { route, kind: 'dashboard' };
  const key = readString(route.values.route_key);
  if (key.kind === 'ok') {
    const m = /^(\S+)\s+(\S+)$/.exec(key.value.trim());
    if (m) {
      info.method = m[1]!;
      info.path = m[2]!;
    } else info.path = key.value.trim(); // `$default`
  } else {
    const v = route.values.route_key;
    // `"POST /webhooks/${each.key}"` with an unknown key still says whether the path is a webhook path.
    const m = v instanceof Unknown && v.pattern ? /^(\S+)\s+(\/\S*)$/.exec(v.pattern) : null;
    const literal = m ? m[2]!.split(/[*?]/)[0]!.toLowerCase() : '';
    if (m && (literal.startsWith('/webhook') || !'/webhook'.startsWith(literal))) {
      info.method = m[1]!;
      info.path = m[2]!;
    } else info.keyUnknown = key.kind === 'unknown' ? key.reason : 'route_key is missing';
  }
  const t = routeTarget(ctx, route);
  if (t.fn) info.fn = t.fn;
  if (t.problem) info.targetProblem = t.problem;
  if (t.unknown) info.targetUnknown = true;
  return info;
}

function sourceOf(r: RouteInfo): string | undefined {
  const key = keyOf(r.route);
  if (key !== undefined && !/^\d+$/.test(key)) return key;
  const last = r.path?.split('/').filter(Boolean).pop();
  if (!last || /^\{.*\}$/.test(last) || isWebhookPath(`/${last}`)) return undefined;
  return last;
}

/** The function behind a route: target `integrations/<id>` -> integration -> integration_uri -> Lambda. */
function routeTarget(ctx: RuleContext, route: Resource): { fn?: Resource; problem?: string; unknown?: boolean } {
  const t = route.values.target;
  if (t === undefined || t === null || t === '') return { problem: 'the route has no target' };
  const lookup = typeof t === 'string' ? t.replace(/^integrations\//, '') : t;
  const res = ctx.index.resolve(lookup, ['aws_apigatewayv2_integration']);
  const integ = res.resources[0];
  if (!integ) {
    return {
      problem: `target ${show(t)} resolves to no aws_apigatewayv2_integration in the inventory`,
      unknown: true,
    };
  }
  return functionOfUri(ctx, integ.values.integration_uri, integ.address);
}

/** A Lambda function from an integration URI: a reference, a function ARN, an invoke ARN, an alias. */
export function functionOfUri(
  ctx: RuleContext,
  uri: Value | undefined,
  where: string,
): { fn?: Resource; problem?: string; unknown?: boolean } {
  if (uri === undefined || uri === null || uri === '') return { problem: `${where} has no integration_uri` };
  const direct = ctx.index.resolve(uri, ['aws_lambda_function', 'aws_lambda_alias']).resources[0];
  if (direct) return direct.type === 'aws_lambda_function' ? { fn: direct } : functionOfAlias(ctx, direct);
  if (typeof uri !== 'string') {
    return { problem: `${where}.integration_uri ${show(uri)} resolves to no Lambda function in the inventory`, unknown: true };
  }
  // Invoke ARN: arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations
  const inner = /\/functions\/(arn:[^/]+)\/invocations/.exec(uri)?.[1] ?? uri;
  const fnArn = /^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+)(?::[^:]+)?$/.exec(inner);
  const candidates = [inner, ...(fnArn ? [fnArn[1]!, fnArn[1]!.split(':').pop()!] : [])];
  for (const c of candidates) {
    const hit = ctx.index.resolve(c, ['aws_lambda_function']).resources[0];
    if (hit) return { fn: hit };
  }
  if (!/lambda/.test(uri)) return { problem: `${where} does not invoke a Lambda function (${uri})` };
  return { problem: `${where}.integration_uri ${uri} is a Lambda function not in the inventory`, unknown: true };
}

function functionOfAlias(ctx: RuleContext, alias: Resource): { fn?: Resource; problem?: string; unknown?: boolean } {
  const fn = ctx.index.resolve(alias.values.function_name, ['aws_lambda_function']).resources[0];
  return fn ? { fn } : { problem: `alias ${alias.address} points at no Lambda function in the inventory`, unknown: true };
}

/** The Lambda functions whose name, key or block name says triage. */
export function triageByName(ctx: RuleContext): Resource[] {
  return inScope(ctx, 'aws_lambda_function').filter((fn) => says(fn, 'triage'));
}

/** Tables whose name, key or block name says `word` (audit, dedup). */
export function tablesSaying(ctx: RuleContext, word: string): Resource[] {
  return inScope(ctx, 'aws_dynamodb_table').filter((t) => says(t, word));
}

// ---------------------------------------------------------------- secrets and integrations

export const INTEGRATIONS = ['servicenow', 'pagerduty', 'mim', 'slack'] as const;

/** The integrations a string names (`ztait-slack-handler` -> [slack]). */
export function integrationsNamed(text: string | undefined): string[] {
  return INTEGRATIONS.filter((i) => mentions(text, i));
}

/** Secrets Manager secrets whose for_each key or name names `word`; `unnamed`: secrets whose name is unknown. */
export function secretsNaming(ctx: RuleContext, word: string): { matches: Resource[]; unnamed: Resource[] } {
  const matches: Resource[] = [];
  const unnamed: Resource[] = [];
  for (const s of inScope(ctx, 'aws_secretsmanager_secret')) {
    const name = s.values.name;
    if (mentions(keyOf(s), word) || (typeof name === 'string' && mentions(name, word))) matches.push(s);
    else if (typeof name !== 'string' && keyOf(s) === undefined) unnamed.push(s);
  }
  return { matches, unnamed };
}

/** Secrets a function's environment refers to (directly, by ARN/name, or inside an encoded map). */
export function secretsOfFunction(ctx: RuleContext, fn: Resource): Resource[] {
  const env = environmentOf(fn);
  if (env.kind !== 'ok') return [];
  return referencedResources(ctx.index, env.vars, ['aws_secretsmanager_secret']);
}

export interface Handler {
  fn: Resource;
  integration: string;
  /** Secrets its environment refers to. */
  envSecrets: Resource[];
}

/**
 * Action handlers: functions (not the webhook receiver, not triage) whose key, name or block name
 * names exactly one integration, or whose environment refers only to secrets of one integration.
 */
export function integrationHandlers(ctx: RuleContext): Handler[] {
  const p = pipeline(ctx);
  const excluded = new Set([...(p.receiver ? [p.receiver] : []), ...triageByName(ctx)].map((r) => r.address));
  const out: Handler[] = [];
  for (const fn of inScope(ctx, 'aws_lambda_function')) {
    if (excluded.has(fn.address)) continue;
    const envSecrets = secretsOfFunction(ctx, fn);
    let named: string[] = [];
    for (const n of [keyOf(fn), typeof fn.values.function_name === 'string' ? fn.values.function_name : undefined, fn.name]) {
      named = integrationsNamed(n);
      if (named.length > 0) break;
    }
    if (named.length === 0) {
      const viaSecrets = new Set(envSecrets.flatMap((s) => namesOf(s).flatMap(integrationsNamed)));
      named = [...viaSecrets];
    }
    if (named.length === 1) out.push({ fn, integration: named[0]!, envSecrets });
  }
  return out;
}

/**
 * A `block { enabled = true }` requirement (PITR, SSE, TTL): missing block, `enabled` false or unset
 * (the provider default is false) fail; unknown is error. Findings point at the most precise path.
 */
export function requireEnabled(out: OutcomeBuilder, r: Resource, block: string, what: string): void {
  const b = readBlock(r.values[block]);
  const path = `${block}.enabled`;
  if (b.kind === 'missing') {
    // The block is absent: the finding points at a `dynamic` block that yields nothing (where the fix
    // goes) when there is one, else at the resource block (the locator knows no line for the block).
    out.fail(r, `${what} ${label(r)} has no ${block} block (${path} must be true)`, block, block);
    out.examine(r, 'fail', `${block} = (none)`);
    return;
  }
  if (b.kind === 'unknown') {
    out.error(r, `${block} of ${what} ${label(r)} is unknown: ${b.reason}`, block);
    out.examine(r, 'error', `${block} unknown`);
    return;
  }
  const v = readBool(b.value.enabled);
  if (v.kind === 'ok' && v.value) out.examine(r, 'pass', `${path} = true`);
  else if (v.kind === 'ok' || v.kind === 'missing') {
    const why = v.kind === 'ok' ? 'is false' : 'is not set (the default is false)';
    out.fail(r, `${path} ${why} on ${what} ${label(r)}`, v.kind === 'ok' ? path : block, path);
    out.examine(r, 'fail', `${path} = ${v.kind === 'ok' ? 'false' : '(unset)'}`);
  } else {
    const why = v.kind === 'unknown' ? `is unknown: ${v.reason}` : `is not a boolean: ${v.shown}`;
    out.error(r, `${path} ${why} (${what} ${label(r)})`, path);
    out.examine(r, 'error', `${path} ${why}`);
  }
}
