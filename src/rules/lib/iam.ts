/**
 * What the IAM rules (SI-3, SI-4, SI-7, SI-8, SI-13, SI-14) share besides the evaluation itself:
 * what they read (gap checks), the ARN a resource is known by, grant findings grouped by policy
 * statement, and SI-3/SI-4's boundary reading. A role's effective policy set and what it lets the
 * role do (iamView, roleMay) live with the evaluator in src/policy/roles.ts, which the live source's
 * cross-check reads as well.
 */
import type { Resource, StatementRef } from '../../model/inventory.js';
import { own } from '../../model/dict.js';
import { Unknown } from '../../model/value.js';
import {
  actionMatches,
  arnsOverlap,
  denyUndecidable,
  explicitlyDenies,
  globCovers,
  type Grant,
  type PolicyDocument,
  type PolicyStatement,
} from '../../policy/index.js';
import { resourceTypesOf } from '../../policy/actions.js';
import { iamView, perDocument, roleMay, type BoundaryState, type IamView, type PolicySource } from '../../policy/roles.js';
import { OutcomeBuilder, gapErrors, label } from './pipeline.js';
import { PRINCIPAL_NEEDS, reportOutsideRoles } from './principals.js';
import type { RuleContext, RuleOutcome } from '../define.js';

/** What the IAM rules read, for gap checks. */
export const IAM_NEEDS = [
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_iam_role_policy_attachment',
  'aws_iam_policy_attachment',
  'aws_iam_policy',
] as const;

/** How a statement grants an action: the pattern that matched, the resources, a Condition. */
export interface GrantParts {
  action: string;
  via: string;
  on: string;
}

export function grantParts(st: PolicyStatement | undefined, action: string, resource: string): GrantParts {
  if (!st) return { action, via: '', on: resource };
  let via = '';
  if (st.action) {
    const m = st.action.filter((a) => actionMatches(a, action));
    if (m.length > 0 && !m.some((a) => a.toLowerCase() === action.toLowerCase())) {
      via = ` (via ${m.map((a) => JSON.stringify(a)).join(', ')})`;
    }
  } else if (st.notAction) via = ` (via NotAction ${JSON.stringify(st.notAction)}, which does not exclude it)`;
  let on: string;
  if (st.resource) {
    const r = st.resource.filter((p) => arnsOverlap(p, resource));
    on = (r.length > 0 ? r : st.resource).join(', ');
  } else if (st.notResource) on = `everything but ${st.notResource.join(', ')}`;
  else on = '*';
  if (st.hasCondition) on += ' (with a Condition, which may hold)';
  return { action, via, on };
}

/** `dynamodb:DeleteItem, dynamodb:DeleteTable (via "dynamodb:*") on arn:...:table/ztait-*`. */
export function describeGrants(parts: readonly GrantParts[]): string {
  const groups = new Map<string, string[]>();
  for (const p of parts) {
    const k = `${p.via}\u0000${p.on}`;
    const l = groups.get(k) ?? [];
    if (!l.includes(p.action)) l.push(p.action);
    groups.set(k, l);
  }
  return [...groups]
    .map(([k, actions]) => {
      const [via, on] = k.split('\u0000') as [string, string];
      return `${actions.join(', ')}${via} on ${on}`;
    })
    .join('; ');
}

/** Why `policy` has no unconditional Deny of `action` on `resource`, for a message. */
export function whyNotDenied(policy: PolicyDocument, action: string, resource = '*'): string {
  const covering = policy.statements.filter(
    (st) =>
      st.effect === 'Deny' &&
      (st.action ? st.action.some((a) => actionMatches(a, action)) : !st.notAction!.some((a) => actionMatches(a, action))),
  );
  if (covering.length === 0) {
    const excluded = policy.statements.some((st) => st.effect === 'Deny' && st.notAction?.some((a) => actionMatches(a, action)));
    return excluded ? 'its Deny uses NotAction that excludes it' : 'no Deny statement names it';
  }
  const why = new Set<string>();
  for (const st of covering) {
    if (st.hasCondition) why.add('its Deny has a Condition');
    if (st.partiallyUnknown) why.add('its Deny is not fully known statically');
    if (st.notResource) why.add(`its Deny uses NotResource ${JSON.stringify(st.notResource)}`);
    else if (st.resource && !st.resource.some((r) => globCovers(r, resource))) {
      why.add(`its Deny covers only ${st.resource.join(', ')}`);
    }
    if (st.principal !== undefined && st.principal !== '*' && !(st.principal.AWS ?? []).includes('*')) {
      why.add('its Deny is not addressed to every principal');
    }
    if (st.notPrincipal !== undefined) why.add('its Deny uses NotPrincipal');
  }
  return why.size > 0 ? [...why].join(', ') : 'no unconditional Deny covers it';
}

// ---------------------------------------------------------------- ARNs of resources

const ARN_BUILDERS: Record<string, (r: Resource) => string | undefined> = {
  aws_dynamodb_table: (r) => nameFor(r, 'name', (n) => `arn:aws:dynamodb:*:*:table/${n}`),
  // AWS appends `-` and six random characters to a secret's name.
  aws_secretsmanager_secret: (r) => nameFor(r, 'name', (n) => `arn:aws:secretsmanager:*:*:secret:${n}-??????`),
  aws_ssm_parameter: (r) => nameFor(r, 'name', (n) => `arn:aws:ssm:*:*:parameter${n.startsWith('/') ? '' : '/'}${n}`),
  aws_lambda_function: (r) => nameFor(r, 'function_name', (n) => `arn:aws:lambda:*:*:function:${n}`),
  aws_s3_bucket: (r) => nameFor(r, 'bucket', (n) => `arn:aws:s3:::${n}`),
  aws_iam_role: (r) => nameFor(r, 'name', (n) => `arn:aws:iam::*:role${typeof r.values.path === 'string' ? r.values.path : '/'}${n}`),
};

function nameFor(r: Resource, attr: string, make: (n: string) => string): string | undefined {
  const n = r.values[attr];
  return typeof n === 'string' && n !== '' ? make(n) : undefined;
}

const WILDCARD_ARN: Record<string, string> = {
  aws_dynamodb_table: 'arn:aws:dynamodb:*:*:table/*',
  aws_secretsmanager_secret: 'arn:aws:secretsmanager:*:*:secret:*',
  aws_ssm_parameter: 'arn:aws:ssm:*:*:parameter/*',
  aws_lambda_function: 'arn:aws:lambda:*:*:function:*',
  aws_s3_bucket: 'arn:aws:s3:::*',
  aws_iam_role: 'arn:aws:iam::*:role/*',
  aws_bedrockagent_prompt: 'arn:aws:bedrock:*:*:prompt/*',
};

/**
 * The resource's ARN as a glob: the known ARN (live), the source's partial pattern, or one built
 * from the known name (`arn:aws:dynamodb:*:*:table/<name>`). `exact: false` when even the name is
 * unknown and the pattern is the type's wildcard.
 */
export function arnGlob(r: Resource): { glob: string; exact: boolean } {
  const v = r.values.arn;
  if (typeof v === 'string' && v !== '') return { glob: v, exact: true };
  if (r.arn) return { glob: r.arn, exact: true };
  // r.type is input (`resource "constructor" ...`): only the tables' own entries count
  if (v instanceof Unknown && v.pattern) return { glob: v.pattern, exact: v.pattern !== own(WILDCARD_ARN, r.type) };
  const built = own(ARN_BUILDERS, r.type)?.(r);
  if (built) return { glob: built, exact: true };
  return { glob: own(WILDCARD_ARN, r.type) ?? '*', exact: false };
}

// ---------------------------------------------------------------- grant findings

/**
 * Collects "policy X grants A on R" findings grouped by policy statement, so one statement granting
 * several actions to several roles gives one finding naming them all.
 */
export interface GrantGroup {
  src: PolicySource;
  /** `dynamodb:DeleteItem (via "dynamodb:*") on arn:...` */
  grants: string;
  roles: string[];
  /** Free-form context the rule passed (`the audit table ztait-audit`), deduplicated. */
  context: string[];
}

function statementRef(index: number, sid: string | undefined): StatementRef {
  return sid !== undefined ? { index, sid } : { index };
}

export class GrantCollector {
  private readonly groups = new Map<
    string,
    { src: PolicySource; statement: StatementRef; parts: GrantParts[]; roles: Set<string>; context: Set<string> }
  >();

  constructor(private readonly view: IamView) {}

  add(grants: readonly Grant[], action: string, resource: string, role: Resource, context = ''): void {
    for (const g of grants) {
      const src = this.view.source(g.origin);
      if (!src) continue;
      const key = `${g.origin}#${g.index}`;
      const grp = this.groups.get(key) ?? {
        src,
        statement: statementRef(g.index, this.view.statement(g)?.sid),
        parts: [],
        roles: new Set(),
        context: new Set(),
      };
      grp.parts.push(grantParts(this.view.statement(g), action, resource));
      grp.roles.add(label(role));
      if (context) grp.context.add(context);
      this.groups.set(key, grp);
    }
  }

  emit(out: OutcomeBuilder, message: (g: GrantGroup) => string): void {
    for (const [key, grp] of this.groups) {
      const g: GrantGroup = { src: grp.src, grants: describeGrants(grp.parts), roles: [...grp.roles], context: [...grp.context] };
      // the statement that grants, for the trace (its own block when the policy is a policy document)
      const stmt = {
        resource: grp.src.resource,
        attr: grp.src.attr,
        statement: grp.statement,
        what: `statement ${grp.statement.sid ?? grp.statement.index + 1} allows it`,
      };
      out.fail(grp.src.resource, message(g), grp.src.attr, key, [stmt]);
    }
  }
}

// ---------------------------------------------------------------- SI-3 / SI-4: what the boundary guarantees

/**
 * Every in-scope role must have a permissions boundary that explicitly denies each action on "*",
 * and no identity policy may effectively allow it on an ARN the action acts on (resourceTypesOf).
 * Shared by SI-3 (sts:AssumeRole) and SI-4 (IAM policy writes): the guarantee is the boundary's,
 * not the role's current policies.
 */
export function rolesCannot(ctx: RuleContext, actions: readonly string[], what: string): RuleOutcome {
  const out = new OutcomeBuilder(gapErrors(ctx, [...IAM_NEEDS, ...PRINCIPAL_NEEDS]));
  const view = iamView(ctx);
  const grants = new GrantCollector(view);
  // A function running as a role made elsewhere may do anything: its role is not among those below.
  reportOutsideRoles(ctx, out, `may ${what}`);

  for (const rp of view.roles) {
    const role = rp.role;
    const b = rp.boundary;
    if (b.kind === 'none') {
      out.fail(
        role,
        `role ${label(role)} has no permissions_boundary, so nothing guarantees it cannot ${what}`,
        'permissions_boundary',
        'permissions_boundary',
      );
      out.examine(role, 'fail', 'permissions_boundary = (none)');
    } else if (b.kind === 'unreadable') {
      out.error(role, `role ${label(role)}: ${b.reason}`, 'permissions_boundary', 'permissions_boundary');
      out.examine(role, 'error', `permissions_boundary cannot be read: ${b.reason}`);
    } else judgeBoundary(out, role, b, actions);
    // A grant counts on the ARNs the action acts on (a role's for sts:AssumeRole): `Allow *` on
    // S3 ARNs grants no one a role, and a message names only the Resource patterns that reach them.
    for (const a of actions) {
      for (const on of resourceTypesOf(a)) {
        const d = roleMay(rp, a, on);
        if (d.decision === 'allowed') {
          grants.add(d.grants, a, on, role);
          out.examine(role, 'fail', `an identity policy grants ${a}`);
        } else if (d.decision === 'unknown') {
          out.error(role, `cannot decide whether role ${label(role)} may call ${a}: ${d.reason}`, undefined, a);
          out.examine(role, 'error', `${a} undecidable: ${d.reason}`);
        }
      }
    }
  }
  grants.emit(out, (g) => `${g.src.label} grants ${g.grants} to role ${g.roles.join(', ')} and no boundary denies it`);
  return out.finish('no aws_iam_role in the inventory');
}

/** Per boundary document and action list: the actions it does not deny on "*", and those it may. One boundary serves many roles. */
const BOUNDARY_VERDICTS = new WeakMap<PolicyDocument, Map<string, { notDenied: string[]; undecided: string[] }>>();

function boundaryVerdict(policy: PolicyDocument, actions: readonly string[]): { notDenied: string[]; undecided: string[] } {
  return perDocument(BOUNDARY_VERDICTS, policy, actions.join('\u0000'), () => {
    const notDenied = actions.filter((a) => !explicitlyDenies(policy, a, '*'));
    return { notDenied, undecided: notDenied.filter((a) => denyUndecidable(policy, a)) };
  });
}

/** The role's boundary denies each action on "*" unconditionally; findings point at the role's permissions_boundary. */
function judgeBoundary(out: OutcomeBuilder, role: Resource, b: Extract<BoundaryState, { kind: 'ok' }>, actions: readonly string[]): void {
  const { notDenied, undecided } = boundaryVerdict(b.policy, actions);
  const missing = notDenied.filter((a) => !undecided.includes(a));
  const where = `boundary ${b.name} of role ${label(role)}`;
  // the boundary's document is where a Deny is missing or undecidable: the trace names it
  const related = [{ resource: b.resource, attr: 'policy', what: `boundary policy ${b.name}, which should deny ${actions.join(', ')}` }];
  if (undecided.length > 0) {
    out.error(
      role,
      `cannot tell whether ${where} denies ${undecided.join(', ')} on "*": its Deny is not fully known statically`,
      'permissions_boundary',
      'boundary-undecided',
      related,
    );
    out.examine(role, 'error', `permissions_boundary = ${b.name} (Deny of ${undecided.join(', ')} not fully known)`);
  }
  if (missing.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const a of missing) {
      const why = whyNotDenied(b.policy, a);
      byReason.set(why, [...(byReason.get(why) ?? []), a]);
    }
    const parts = [...byReason].map(([why, acts]) => `${acts.join(', ')} on "*" (${why})`);
    out.fail(role, `${where} does not deny ${parts.join('; ')}`, 'permissions_boundary', 'boundary', related);
    out.examine(role, 'fail', `permissions_boundary = ${b.name} (does not deny ${missing.join(', ')} on *)`);
  }
  if (notDenied.length === 0) out.examine(role, 'pass', `permissions_boundary = ${b.name} (denies ${actions.join(', ')} on *)`);
}
