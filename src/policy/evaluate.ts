/**
 * IAM policy evaluation, read conservatively for a checker that must fail closed:
 *  - an Allow counts as a grant when it *may* apply (a Condition may hold, a resource pattern may
 *    overlap the resource);
 *  - a Deny counts as a guarantee only when it *certainly* applies: no Condition, nothing unknown
 *    in it, the action matched (Action pattern, or NotAction that excludes none of it) and every
 *    resource the query can mean covered (NotResource covers only what none of its patterns can
 *    touch, so never `*`).
 * The action and the resource of a query may be globs; a glob resource is a partly known ARN and
 * "certainly" then means "for every value the ARN can take".
 */
import { globMatch, globsCoverUnion, globsOverlap } from './match.js';
import type { PolicyDocument, PolicyStatement } from './types.js';

export interface Grant {
  origin: string;
  sid?: string;
  index: number;
  effect: 'Allow' | 'Deny';
  conditional: boolean;
}

export type Applies = 'yes' | 'maybe' | 'no';

/**
 * How a positive list (Action, Resource) or its Not-form relates to a value glob: 'yes' every value
 * is included, 'maybe' some is, 'no' none is. Neither list given: the statement names no resource
 * (a trust or resource policy: the resource it is attached to), so everything is included.
 */
function elementApplies(
  patterns: readonly string[] | undefined,
  notPatterns: readonly string[] | undefined,
  value: string,
  caseInsensitive: boolean,
): Applies {
  if (patterns) {
    if (globsCoverUnion(patterns, value, caseInsensitive)) return 'yes';
    return patterns.some((p) => globsOverlap(p, value, caseInsensitive)) ? 'maybe' : 'no';
  }
  if (notPatterns) {
    if (!notPatterns.some((p) => globsOverlap(p, value, caseInsensitive))) return 'yes';
    return globsCoverUnion(notPatterns, value, caseInsensitive) ? 'no' : 'maybe';
  }
  return 'yes';
}

/**
 * 'yes': certainly applies (action matched via Action or NotAction, resource certainly covered, no
 * Condition, nothing unknown); 'maybe': could apply; 'no': cannot. Actions compare case-insensitively,
 * resources (ARNs) case-sensitively, as IAM does. Principals are not considered here.
 */
export function statementApplies(st: PolicyStatement, action: string, resource: string): Applies {
  const a = actionApplies(st, action);
  if (a === 'no') return 'no';
  const r = resourceApplies(st, resource);
  if (r === 'no') return 'no';
  return a === 'yes' && r === 'yes' && !st.hasCondition && !st.partiallyUnknown ? 'yes' : 'maybe';
}

/**
 * Answers kept per statement and per document: a rule asks every role's statements about the same
 * actions and ARNs again and again (SI-7: roles x audit tables x delete actions). A statement's
 * action and resource parts are kept apart, so the memory grows with statements x (actions +
 * resources), not their product. Keyed by the objects: statements and documents are never changed
 * once parsed.
 *
 * Bounded against hostile input: past MEMO_BUDGET answers kept in all, every memo is dropped at once
 * (a fresh set of registries; the old memos become garbage) and answers are computed anew.
 */
const MEMO_BUDGET = 500_000;
let kept = 0;

interface StatementMemo {
  action: Memo<Applies>;
  resource: Memo<Applies>;
}

interface DocumentMemo {
  Allow: Memo<boolean>;
  Deny: Memo<boolean>;
  /** action -> resource -> some Deny certainly applies. */
  denies: Memo<Memo<boolean>>;
}

const newRegistries = () => ({
  statements: new WeakMap<PolicyStatement, StatementMemo>(),
  documents: new WeakMap<PolicyDocument, DocumentMemo>(),
  /** By list content: see sharedMemo. */
  lists: new Map<string, Memo<Applies>>(),
});
let registries = newRegistries();

/** A string-keyed memo counted against MEMO_BUDGET. */
class Memo<V> {
  private readonly map = new Map<string, V>();

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  /** Stores and returns `v`. */
  put(key: string, v: V): V {
    if (++kept > MEMO_BUDGET) {
      kept = 0;
      registries = newRegistries();
    }
    this.map.set(key, v);
    return v;
  }
}

/**
 * Statements with the same Action (or Resource) list answer alike, and an estate repeats lists (one
 * policy document per function, the same actions in each): such statements share one memo.
 */
function sharedMemo(kind: string, patterns: readonly string[] | undefined): Memo<Applies> {
  const key = JSON.stringify([kind, patterns ?? null]);
  let m = registries.lists.get(key);
  if (!m) {
    m = new Memo<Applies>();
    registries.lists.set(key, m);
  }
  return m;
}

/** Which list and which form (Action or NotAction...) decides: the memo's key. */
function statementMemo(st: PolicyStatement): StatementMemo {
  let m = registries.statements.get(st);
  if (!m) {
    m = {
      action: st.action ? sharedMemo('Action', st.action) : sharedMemo('NotAction', st.notAction),
      resource: st.resource ? sharedMemo('Resource', st.resource) : sharedMemo('NotResource', st.notResource),
    };
    registries.statements.set(st, m);
  }
  return m;
}

function documentMemo(policy: PolicyDocument): DocumentMemo {
  let m = registries.documents.get(policy);
  if (!m) {
    m = { Allow: new Memo(), Deny: new Memo(), denies: new Memo() };
    registries.documents.set(policy, m);
  }
  return m;
}

/** How the statement's Action / NotAction relates to `action` (case-insensitive, as IAM reads actions). */
function actionApplies(st: PolicyStatement, action: string): Applies {
  const m = statementMemo(st).action;
  return m.get(action) ?? m.put(action, elementApplies(st.action, st.notAction, action, true));
}

/** How the statement's Resource / NotResource relates to `resource` (ARNs are case-sensitive). */
function resourceApplies(st: PolicyStatement, resource: string): Applies {
  const m = statementMemo(st).resource;
  return m.get(resource) ?? m.put(resource, elementApplies(st.resource, st.notResource, resource, false));
}

/**
 * Some statement of `policy` with `effect` may apply to `action` on some resource (its Action or
 * NotAction does not rule the action out). When no statement may, statementApplies is 'no' for every
 * resource: a caller asking about many resources can skip them all.
 */
export function mayConcernAction(policy: PolicyDocument, effect: 'Allow' | 'Deny', action: string): boolean {
  const m = documentMemo(policy)[effect];
  return (
    m.get(action) ??
    m.put(
      action,
      policy.statements.some((st) => st.effect === effect && actionApplies(st, action) !== 'no'),
    )
  );
}

function grantOf(policy: PolicyDocument, st: PolicyStatement, index: number): Grant {
  return {
    origin: policy.origin,
    ...(st.sid !== undefined ? { sid: st.sid } : {}),
    index,
    effect: st.effect,
    conditional: st.hasCondition,
  };
}

/** Statements of `effect` that `keep` accepts, as Grants (with their index in the policy). */
function grantsWhere(policy: PolicyDocument, effect: 'Allow' | 'Deny', keep: (st: PolicyStatement) => boolean): Grant[] {
  const out: Grant[] = [];
  policy.statements.forEach((st, index) => {
    if (st.effect === effect && keep(st)) out.push(grantOf(policy, st, index));
  });
  return out;
}

const certainlyDenying = (st: PolicyStatement, action: string, resource: string): boolean =>
  st.effect === 'Deny' && statementApplies(st, action, resource) === 'yes';

const certainDenies = (p: PolicyDocument, action: string, resource: string): Grant[] =>
  grantsWhere(p, 'Deny', (st) => certainlyDenying(st, action, resource));

/** Some Deny of `policy` certainly applies (as effectivePermission counts them, principals aside). */
export function deniesCertainly(policy: PolicyDocument, action: string, resource: string): boolean {
  if (!mayConcernAction(policy, 'Deny', action)) return false;
  const byAction = documentMemo(policy).denies;
  const m = byAction.get(action) ?? byAction.put(action, new Memo<boolean>());
  return (
    m.get(resource) ??
    m.put(
      resource,
      policy.statements.some((st) => certainlyDenying(st, action, resource)),
    )
  );
}

const possibleAllows = (p: PolicyDocument, action: string, resource: string): Grant[] =>
  grantsWhere(p, 'Allow', (st) => statementApplies(st, action, resource) !== 'no');

/**
 * Effective permission of a principal, read conservatively for a checker:
 * 'denied' when an unconditional Deny (identity or boundary) certainly applies; else 'allowed' when
 * an identity Allow may apply and (no boundary, or a boundary Allow may apply); else 'implicit-deny'.
 * `allowedBy` lists the Allows that may apply - the identity policies' first, then the boundary's -
 * whatever the decision (so a message can say "allowed by X but the boundary grants nothing");
 * `deniedBy` the Denies that certainly apply. Read the decision, not the lists, for the verdict.
 */
export function effectivePermission(
  identity: PolicyDocument[],
  boundary: PolicyDocument | undefined,
  action: string,
  resource: string,
): { decision: 'allowed' | 'denied' | 'implicit-deny'; allowedBy: Grant[]; deniedBy: Grant[] } {
  const all = boundary ? [...identity, boundary] : identity;
  const deniedBy = all.flatMap((p) => certainDenies(p, action, resource));
  const identityAllows = identity.flatMap((p) => possibleAllows(p, action, resource));
  const boundaryAllows = boundary ? possibleAllows(boundary, action, resource) : [];
  const allowedBy = [...identityAllows, ...boundaryAllows];
  if (deniedBy.length > 0) return { decision: 'denied', allowedBy, deniedBy };
  const allowed = identityAllows.length > 0 && (!boundary || boundaryAllows.length > 0);
  return { decision: allowed ? 'allowed' : 'implicit-deny', allowedBy, deniedBy };
}

/**
 * The statement is addressed to every principal: Principal `"*"` or `{"AWS": "*"}` (a list holding
 * `"*"` too), and no NotPrincipal. False for identity-policy statements, which name no principal.
 * A resource policy's Deny is a guarantee "for all principals" only when this holds.
 */
export function principalIsEveryone(st: PolicyStatement): boolean {
  if (st.notPrincipal !== undefined || st.principal === undefined) return false;
  if (st.principal === '*') return true;
  return (st.principal.AWS ?? []).includes('*');
}

/** Names principals (a resource or trust policy statement) rather than being an identity policy's. */
const namesPrincipals = (st: PolicyStatement): boolean => st.principal !== undefined || st.notPrincipal !== undefined;

/**
 * An unconditional Deny of `policy` that certainly covers `action` on every resource matching
 * `resource` (default '*', i.e. the Deny's Resource must be "*"). NotAction that excludes the action
 * does not count; NotResource never counts as covering everything. In a resource policy (statements
 * with Principal/NotPrincipal, e.g. an S3 bucket policy) the Deny must also be addressed to everyone
 * (principalIsEveryone).
 */
export function explicitlyDenies(policy: PolicyDocument, action: string, resource = '*'): Grant | undefined {
  const index = policy.statements.findIndex(
    (st) => st.effect === 'Deny' && statementApplies(st, action, resource) === 'yes' && (!namesPrincipals(st) || principalIsEveryone(st)),
  );
  return index < 0 ? undefined : grantOf(policy, policy.statements[index]!, index);
}

/** Account of an ARN (`arn:aws:iam::123456789012:role/x` -> 123456789012), or a bare account id. */
function accountOf(s: string): string | undefined {
  if (/^\d{12}$/.test(s)) return s;
  return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(s)?.[1];
}

/** A Principal value may designate `who`: a glob match, or the account (`123456789012`, `...:root`) `who` is in. */
function principalValueMayMatch(value: string, who: string): boolean {
  if (value === '*' || globMatch(value, who)) return true;
  const isAccount = /^\d{12}$/.test(value) || /^arn:[^:]+:iam::\d{12}:root$/.test(value);
  return isAccount && accountOf(value) === accountOf(who);
}

/** The statement may be addressed to `who` (identity-policy statements always are). */
function principalMayApply(st: PolicyStatement, who: string): boolean {
  if (st.notPrincipal !== undefined) {
    if (st.notPrincipal === '*') return false;
    return !Object.values(st.notPrincipal).some((vs) => vs.some((v) => v === who));
  }
  if (st.principal === undefined || st.principal === '*') return true;
  return Object.values(st.principal).some((vs) => vs.some((v) => principalValueMayMatch(v, who)));
}

/**
 * Allow statements of `policy` that may grant `action` on `resource`. For a resource policy pass
 * `principal` (an ARN, account id or service name) to keep only statements that may be addressed to
 * it; without it every principal is assumed possible.
 */
export function allowsOf(policy: PolicyDocument, action: string, resource: string, principal?: string): Grant[] {
  return grantsWhere(
    policy,
    'Allow',
    (st) => statementApplies(st, action, resource) !== 'no' && (principal === undefined || principalMayApply(st, principal)),
  );
}

/**
 * A Deny that would be the guarantee if its unknown parts were known (no Condition, it matches
 * once read as known): the verdict is undecidable (`error`), not `fail`.
 */
export function denyUndecidable(policy: PolicyDocument, action: string, resource = '*'): boolean {
  return policy.statements.some(
    (st) =>
      st.effect === 'Deny' &&
      st.partiallyUnknown === true &&
      !st.hasCondition &&
      explicitlyDenies({ origin: policy.origin, statements: [{ ...st, partiallyUnknown: false }] }, action, resource) !== undefined,
  );
}
