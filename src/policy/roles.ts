/**
 * A role's effective policy set, read from the inventory whatever the source, and what it lets the
 * role do:
 *  - identity policies: the role's `inline_policy` blocks, `aws_iam_role_policy`,
 *    `aws_iam_role_policy_attachment` / `aws_iam_policy_attachment` / `managed_policy_arns` ->
 *    `aws_iam_policy` documents (a `data.aws_iam_policy_document` reference is followed to its `json`);
 *  - the permissions boundary: `permissions_boundary` -> `aws_iam_policy`.
 * Roles are matched by reference, ARN or name (InventoryIndex.resolve). Whatever cannot be read (a
 * policy ARN not in the inventory, e.g. an AWS managed policy statically; an unknown document; an
 * attachment whose role is unknown) is kept with its reason so that a verdict it could change becomes
 * `error`, never `pass`. The rules (SI-3, SI-4, SI-7, SI-13, SI-14) and the live source's cross-check
 * with the AWS policy simulator ask the same questions here (roleMay).
 */
import type { Resource } from '../model/inventory.js';
import type { InventoryIndex } from '../inventory/index.js';
import { isManagedAfterChange } from '../model/changes.js';
import { label } from '../model/inventory.js';
import { RefObject, Unknown, isObject, refsOf, show, unknownReason, type Value } from '../model/value.js';
import { deniesCertainly, effectivePermission, mayConcernAction, statementApplies, type Grant } from './evaluate.js';
import { arnsOverlap } from './match.js';
import { parsePolicy } from './parse.js';
import type { PolicyDocument, PolicyStatement } from './types.js';

/** Where a policy document came from: the resource and attribute a finding should point at. */
export interface PolicySource {
  resource: Resource;
  attr: string;
  /** `policy aws_iam_role_policy.x`, `inline policy "y" of role z`. */
  label: string;
}

export type BoundaryState =
  { kind: 'none' } | { kind: 'ok'; policy: PolicyDocument; resource: Resource; name: string } | { kind: 'unreadable'; reason: string };

export interface RolePolicies {
  role: Resource;
  identity: PolicyDocument[];
  /** Identity policies that apply or may apply but cannot be read: each may allow anything. */
  unreadable: string[];
  /** Readable policies attached to a role that cannot be resolved: they may be this role's. */
  floating: { policy: PolicyDocument; reason: string }[];
  boundary: BoundaryState;
}

export interface IamView {
  roles: RolePolicies[];
  /** Look up a document's source by its origin. */
  source(origin: string): PolicySource | undefined;
  statement(g: Grant): PolicyStatement | undefined;
  forRole(role: Resource): RolePolicies;
}

const cache = new WeakMap<InventoryIndex, IamView>();

/** What iamView reads: the index of an inventory (a rule's context is one). */
export interface IamSource {
  index: InventoryIndex;
}

export function iamView(ctx: IamSource): IamView {
  const hit = cache.get(ctx.index);
  if (hit) return hit;
  const view = buildView(ctx);
  cache.set(ctx.index, view);
  return view;
}

function buildView(ctx: IamSource): IamView {
  const sources = new Map<string, PolicySource>();
  const docs = new Map<string, PolicyDocument>();
  const roles = ctx.index.byType('aws_iam_role').filter(isManagedAfterChange);
  const byRole = new Map<string, RolePolicies>(
    roles.map((role) => [role.address, { role, identity: [], unreadable: [], floating: [], boundary: { kind: 'none' } }]),
  );
  const floating: { policy: PolicyDocument; reason: string }[] = [];
  const floatingUnreadable: string[] = [];

  /** Parses a policy value once per origin; undefined + reason when it cannot be read. */
  const load = (value: Value | undefined, src: PolicySource): { policy?: PolicyDocument; reason?: string } => {
    const origin = src.label;
    const known = docs.get(origin);
    if (known) return { policy: known };
    const raw = documentValue(ctx, value);
    const parsed = parsePolicy(raw, origin);
    if (!parsed.ok) return { reason: `${origin} cannot be read: ${parsed.error}` };
    sources.set(origin, src);
    docs.set(origin, parsed.policy);
    if (raw !== undefined) RAW.set(parsed.policy, { raw, index: ctx.index, about: new Map() });
    return { policy: parsed.policy };
  };

  /** A managed policy by ARN/reference: its document, or why it cannot be read. */
  const managed = (arn: Value | undefined, what: string): { policy?: PolicyDocument; reason?: string; resource?: Resource } => {
    const res = ctx.index.resolve(arn, ['aws_iam_policy']);
    const pol = res.resources[0];
    if (!pol) {
      const why =
        arn instanceof Unknown || arn instanceof RefObject
          ? `${what} is unknown: ${unknownReason(arn)}`
          : `${what} ${show(arn)} is not in the inventory (its document is unknown)`;
      return { reason: why };
    }
    return { ...load(pol.values.policy, { resource: pol, attr: 'policy', label: `policy ${pol.address}` }), resource: pol };
  };

  /** The roles a `role`/`roles` value designates; `unknown` names the references that resolve nowhere. */
  const rolesOf = (v: Value | undefined): { roles: RolePolicies[]; unknown?: string } => {
    const found = new Map<string, RolePolicies>();
    const unknown: string[] = [];
    for (const item of Array.isArray(v) ? v : [v]) {
      const hits = ctx.index.resolve(item, ['aws_iam_role']).resources;
      for (const r of hits) {
        const rp = byRole.get(r.address);
        if (rp) found.set(r.address, rp);
      }
      // A plain name/ARN not in the inventory is a role out of scope; an unknown reference may be ours.
      if (hits.length === 0 && (item instanceof Unknown || item instanceof RefObject)) unknown.push(unknownReason(item));
    }
    return { roles: [...found.values()], ...(unknown.length > 0 ? { unknown: unknown.join(', ') } : {}) };
  };

  const attach = (
    targets: { roles: RolePolicies[]; unknown?: string },
    got: { policy?: PolicyDocument; reason?: string },
    what: string,
  ): void => {
    for (const rp of targets.roles) {
      if (got.policy) rp.identity.push(got.policy);
      else rp.unreadable.push(got.reason ?? `${what} cannot be read`);
    }
    if (targets.unknown !== undefined) {
      const why = `${what} is attached to a role that cannot be resolved (${targets.unknown})`;
      if (got.policy) floating.push({ policy: got.policy, reason: why });
      else floatingUnreadable.push(`${why}; ${got.reason ?? ''}`);
    }
  };

  for (const rp of byRole.values()) {
    const role = rp.role;
    const inline = role.values.inline_policy;
    if (Array.isArray(inline)) {
      inline.forEach((blk, i) => {
        if (blk instanceof Unknown) {
          rp.unreadable.push(`inline_policy of role ${label(role)} is unknown: ${blk.reason}`);
          return;
        }
        if (blk === null || typeof blk !== 'object' || Array.isArray(blk) || blk instanceof RefObject) return;
        const body = blk.policy;
        if (body === undefined || body === null || body === '') return; // the provider's "no inline policies" marker
        const name = typeof blk.name === 'string' ? blk.name : String(i);
        const got = load(body, {
          resource: role,
          attr: `inline_policy.${i}.policy`,
          label: `inline policy "${name}" of role ${label(role)}`,
        });
        if (got.policy) rp.identity.push(got.policy);
        else rp.unreadable.push(got.reason!);
      });
    } else if (inline instanceof Unknown) rp.unreadable.push(`inline_policy of role ${label(role)} is unknown: ${inline.reason}`);

    const arns = role.values.managed_policy_arns;
    if (arns instanceof Unknown) rp.unreadable.push(`managed_policy_arns of role ${label(role)} is unknown: ${arns.reason}`);
    else if (Array.isArray(arns)) {
      for (const arn of arns) {
        const got = managed(arn, `managed policy of role ${label(role)}`);
        if (got.policy) rp.identity.push(got.policy);
        else rp.unreadable.push(got.reason!);
      }
    }
    rp.boundary = boundaryOf(role, managed);
  }

  for (const rpol of ctx.index.byType('aws_iam_role_policy').filter(isManagedAfterChange)) {
    const got = load(rpol.values.policy, { resource: rpol, attr: 'policy', label: `policy ${rpol.address}` });
    attach(rolesOf(rpol.values.role), got, rpol.address);
  }
  for (const att of ctx.index.byType('aws_iam_role_policy_attachment').filter(isManagedAfterChange)) {
    attach(rolesOf(att.values.role), managed(att.values.policy_arn, `policy_arn of ${att.address}`), att.address);
  }
  for (const att of ctx.index.byType('aws_iam_policy_attachment').filter(isManagedAfterChange)) {
    attach(rolesOf(att.values.roles), managed(att.values.policy_arn, `policy_arn of ${att.address}`), att.address);
  }
  for (const rp of byRole.values()) {
    rp.floating.push(...floating);
    rp.unreadable.push(...floatingUnreadable);
  }

  const view: IamView = {
    roles: [...byRole.values()],
    source: (origin) => sources.get(origin),
    statement: (g) => docs.get(g.origin)?.statements[g.index],
    forRole: (role) =>
      byRole.get(role.address) ?? { role, identity: [], unreadable: [], floating: [], boundary: boundaryOf(role, managed) },
  };
  return view;
}

function boundaryOf(
  role: Resource,
  managed: (arn: Value | undefined, what: string) => { policy?: PolicyDocument; reason?: string; resource?: Resource },
): BoundaryState {
  const b = role.values.permissions_boundary;
  if (b === undefined || b === null || b === '') return { kind: 'none' };
  const got = managed(b, `permissions_boundary of role ${label(role)}`);
  if (!got.policy || !got.resource) return { kind: 'unreadable', reason: got.reason ?? 'boundary cannot be read' };
  return { kind: 'ok', policy: got.policy, resource: got.resource, name: label(got.resource) };
}

/**
 * A `data.aws_iam_policy_document` reference stands for its rendered `json`; any other value (a
 * document, a template, what refers to no such data source) is itself.
 */
export function documentValue(ctx: { index: InventoryIndex }, v: Value | undefined): Value | undefined {
  if (!(v instanceof Unknown || v instanceof RefObject) || (v instanceof Unknown && (v.structure !== undefined || v.pattern))) return v;
  const doc = ctx.index.resolve(v, ['aws_iam_policy_document']).resources.find((r) => r.mode === 'data');
  const json = doc?.values.json;
  return json !== undefined && json !== null ? json : v;
}

// ---------------------------------------------------------------- effective permission

export type Decision = 'allowed' | 'denied' | 'implicit-deny' | 'unknown';

export interface RoleDecision {
  decision: Decision;
  /** The identity Allows that grant it (decision allowed). */
  grants: Grant[];
  /** Why it cannot be decided (decision unknown). */
  reason?: string;
}

const ALLOW_ALL: PolicyDocument = {
  origin: '(a policy that cannot be read)',
  statements: [{ effect: 'Allow', action: ['*'], resource: ['*'], hasCondition: false }],
};

/** The raw value each parsed document came from, to re-read it about one resource. */
const RAW = new WeakMap<PolicyDocument, RawDocument>();

interface RawDocument {
  raw: Value;
  index: InventoryIndex;
  /** Addresses of the resources the document refers to (read once: rules ask about many resources). */
  targets?: Set<string>;
  about: Map<string, PolicyDocument>;
}

function targetsOf(entry: RawDocument): Set<string> {
  entry.targets ??= new Set(refsOf(entry.raw).flatMap((ref) => entry.index.instancesOf(ref).map((r) => r.address)));
  return entry.targets;
}

/**
 * The document as it reads when the question is about `about`: elements that refer only to that
 * resource (`aws_dynamodb_table.audit.arn`, `"${aws_s3_bucket.trail.arn}/*"`) denote the very ARN
 * being asked about, whatever its unknown parts (region, account) are, so they are taken as known
 * (their pattern). Without it a Deny naming the resource by reference could never count.
 */
export function policyAbout(doc: PolicyDocument, about: Resource | undefined): PolicyDocument {
  const entry = about ? RAW.get(doc) : undefined;
  if (!entry || !about || !targetsOf(entry).has(about.address)) return doc;
  const hit = entry.about.get(about.address);
  if (hit) return hit;
  const parsed = parsePolicy(knownSelfRefs(entry.index, entry.raw, about), doc.origin);
  const out = parsed.ok ? parsed.policy : doc;
  entry.about.set(about.address, out);
  return out;
}

/** `v` with every Unknown that refers only to `about` (and has a pattern) replaced by its pattern. */
export function knownSelfRefs(index: InventoryIndex, v: Value, about: Resource): Value {
  const onlyAbout = (u: Unknown): boolean =>
    u.refs.length > 0 &&
    u.refs.every((ref) => {
      const rs = index.instancesOf(ref);
      return rs.length > 0 && rs.every((r) => r.address === about.address);
    });
  const walk = (x: Value): Value => {
    if (x instanceof Unknown) {
      if (x.structure !== undefined) {
        return new Unknown(x.reason, { refs: x.refs, structure: walk(x.structure), ...(x.pattern ? { pattern: x.pattern } : {}) });
      }
      return x.pattern && onlyAbout(x) ? x.pattern : x;
    }
    if (Array.isArray(x)) return x.map(walk);
    if (isObject(x)) return Object.fromEntries(Object.entries(x).map(([k, e]) => [k, walk(e)]));
    return x;
  };
  return walk(v);
}

/** Whether some identity Allow / Deny statement of a role may concern an action (mayConcernAction). */
interface ActionNames {
  allow: boolean;
  deny: boolean;
}

/**
 * ActionNames per role and action, kept with the documents they were read from: rules ask about the
 * same role and action once per resource (SI-7: per audit table). Questions about a resource one of
 * the role's documents refers to read other documents (policyAbout) and are answered afresh.
 */
const ROLE_NAMES = new WeakMap<RolePolicies, { docs: readonly PolicyDocument[]; byAction: Map<string, ActionNames> }>();
const ROLE_NAMES_LIMIT = 4096;

function identityNames(rp: RolePolicies, identity: readonly PolicyDocument[], action: string): ActionNames {
  let memo = ROLE_NAMES.get(rp);
  if (!memo || !sameDocuments(memo.docs, identity)) {
    if (!sameDocuments(rp.identity, identity)) return readNames(identity, action);
    memo = { docs: [...identity], byAction: new Map() };
    ROLE_NAMES.set(rp, memo);
  }
  let hit = memo.byAction.get(action);
  if (!hit) {
    if (memo.byAction.size >= ROLE_NAMES_LIMIT) memo.byAction.clear();
    hit = readNames(identity, action);
    memo.byAction.set(action, hit);
  }
  return hit;
}

function readNames(identity: readonly PolicyDocument[], action: string): ActionNames {
  return {
    allow: identity.some((d) => mayConcernAction(d, 'Allow', action)),
    deny: identity.some((d) => mayConcernAction(d, 'Deny', action)),
  };
}

function sameDocuments(a: readonly PolicyDocument[], b: readonly PolicyDocument[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * May `rp.role` perform `action` on `resource` (a glob)? Known documents decide when they can;
 * 'unknown' when only what cannot be read (an unreadable policy, a policy of an unresolved role, an
 * unreadable boundary) would make it allowed.
 */
export function roleMay(rp: RolePolicies, action: string, resource: string, about?: Resource): RoleDecision {
  const boundary = rp.boundary.kind === 'ok' ? policyAbout(rp.boundary.policy, about) : undefined;
  const identity = rp.identity.map((d) => policyAbout(d, about));
  // Most questions are about an action no identity Allow of the role names (a delete on a table):
  // nothing can grant it whatever the resource, and nothing unreadable could add a grant, so only a
  // Deny can change the answer (denied rather than implicit deny). The evaluation below would reach
  // the same decision, comparing every statement's ARNs on the way.
  const names = identityNames(rp, identity, action);
  if (!names.allow) {
    const denied =
      (names.deny && identity.some((d) => deniesCertainly(d, action, resource))) ||
      (boundary !== undefined && deniesCertainly(boundary, action, resource));
    if (denied) return { decision: 'denied', grants: [] };
    if (rp.floating.length === 0) {
      // Only a policy that cannot be read (taken as Allow *) could grant it: then the boundary decides,
      // and one boundary serves many roles, so its answer is memoised (boundaryReaches).
      if (rp.unreadable.length === 0 || (boundary !== undefined && !boundaryReaches(boundary, action, resource))) {
        return { decision: 'implicit-deny', grants: [] };
      }
      const reasons = [...rp.unreadable, ...(rp.boundary.kind === 'unreadable' ? [rp.boundary.reason] : [])];
      return { decision: 'unknown', grants: [], reason: reasons.join('; ') };
    }
  }
  const base = judge(identity, boundary, action, resource);
  if (base.decision === 'denied') return { decision: 'denied', grants: [] };
  if (base.decision === 'allowed') {
    if (rp.boundary.kind === 'unreadable') return { decision: 'unknown', grants: base.grants, reason: rp.boundary.reason };
    return { decision: 'allowed', grants: base.grants };
  }
  const extra = [...(rp.unreadable.length > 0 ? [ALLOW_ALL] : []), ...rp.floating.map((f) => f.policy)];
  if (extra.length === 0 && rp.boundary.kind !== 'unreadable') return { decision: 'implicit-deny', grants: [] };
  const alt = judge([...identity, ...extra.map((d) => policyAbout(d, about))], boundary, action, resource);
  if (alt.decision !== 'allowed') return { decision: 'implicit-deny', grants: [] };
  const floatingHits = rp.floating.filter((f) => alt.grants.some((g) => g.origin === f.policy.origin));
  const reasons = [
    ...(alt.grants.some((g) => g.origin === ALLOW_ALL.origin) ? rp.unreadable : []),
    ...floatingHits.map((f) => `${f.policy.origin}: ${f.reason}`),
    ...(rp.boundary.kind === 'unreadable' ? [rp.boundary.reason] : []),
  ];
  return { decision: 'unknown', grants: [], reason: reasons.join('; ') };
}

/** Answers about one document (a boundary serves many roles), by question, computed once each. */
export function perDocument<T>(table: WeakMap<PolicyDocument, Map<string, T>>, doc: PolicyDocument, key: string, compute: () => T): T {
  let memo = table.get(doc);
  if (!memo) table.set(doc, (memo = new Map()));
  let hit = memo.get(key);
  if (hit === undefined) {
    if (memo.size >= ROLE_NAMES_LIMIT * 16) memo.clear();
    memo.set(key, (hit = compute()));
  }
  return hit;
}

/** A statement's Resource reaches `resource` (no Resource: a NotResource statement, taken as reaching). */
function reaches(st: PolicyStatement | undefined, resource: string): boolean {
  return !st?.resource || st.resource.some((p) => arnsOverlap(p, resource));
}

const BOUNDARY_REACHES = new WeakMap<PolicyDocument, Map<string, boolean>>();

/** Some Allow of the boundary may apply to `action` with a Resource reaching `resource` (as judge reads it). */
function boundaryReaches(boundary: PolicyDocument, action: string, resource: string): boolean {
  return perDocument(BOUNDARY_REACHES, boundary, `${action}\u0000${resource}`, () =>
    boundary.statements.some((st) => st.effect === 'Allow' && statementApplies(st, action, resource) !== 'no' && reaches(st, resource)),
  );
}

/**
 * No resource can make `action` allowed (or undecidable) for the role: roleMay says implicit deny
 * or denied for the resource `*`, which every ARN pattern overlaps. Questions about a resource one
 * of the role's documents refers to read other documents (policyAbout); ask roleMay about those.
 * Lets a rule skip a role x resource loop for the many roles that never touch a service.
 */
export function roleNeverMay(rp: RolePolicies, action: string): boolean {
  const d = roleMay(rp, action, '*');
  return d.decision === 'implicit-deny' || d.decision === 'denied';
}

/**
 * For one role: whether roleMay about `action` on `about` could say allowed or undecidable. False
 * needs no roleMay call: no resource can grant the action (roleNeverMay, memoised per action) and
 * the role's documents do not refer to `about` (a question about it reads other documents). Lets a
 * rule skip the many roles that never touch a service in its role x resource loops.
 */
export function mightGrant(rp: RolePolicies): (action: string, about?: Resource) => boolean {
  const targets = documentTargets(rp);
  const never = new Map<string, boolean>();
  return (action, about) => {
    if (about && targets.has(about.address)) return true;
    let v = never.get(action);
    if (v === undefined) never.set(action, (v = roleNeverMay(rp, action)));
    return !v;
  };
}

/** Addresses of the resources the role's documents (identity, floating, boundary) refer to. */
function documentTargets(rp: RolePolicies): Set<string> {
  const docs = [...rp.identity, ...rp.floating.map((f) => f.policy), ...(rp.boundary.kind === 'ok' ? [rp.boundary.policy] : [])];
  const out = new Set<string>();
  for (const d of docs) {
    const entry = RAW.get(d);
    if (entry) for (const t of targetsOf(entry)) out.add(t);
  }
  return out;
}

/** The evaluator's decision, with Allows kept only where a resource pattern reaches the ARN (arnsOverlap). */
function judge(
  identity: PolicyDocument[],
  boundary: PolicyDocument | undefined,
  action: string,
  resource: string,
): { decision: 'allowed' | 'denied' | 'implicit-deny'; grants: Grant[] } {
  const e = effectivePermission(identity, boundary, action, resource);
  if (e.decision === 'denied') return { decision: 'denied', grants: [] };
  const docs = new Map([...identity, ...(boundary ? [boundary] : [])].map((d) => [d.origin, d]));
  const reaching = e.allowedBy.filter((g) => reaches(docs.get(g.origin)?.statements[g.index], resource));
  const ids = new Set(identity.map((d) => d.origin));
  const grants = reaching.filter((g) => ids.has(g.origin));
  const allowed = grants.length > 0 && (!boundary || reaching.some((g) => g.origin === boundary.origin));
  return { decision: allowed ? 'allowed' : 'implicit-deny', grants };
}
