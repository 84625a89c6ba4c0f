/**
 * The role each of the system's principals runs as (a Lambda function's `role`, a state machine's
 * `role_arn`, ...), read the same way whatever the source. The IAM rules judge the roles the
 * inventory holds; a principal whose role is not one of them (an admin role made elsewhere: a
 * literal ARN, `var.role_arn`, `data.aws_iam_role.x.arn`, an output of a module not loaded, an ARN
 * built from an account id, a role the live probe did not collect) runs with permissions nobody can
 * read here. Every rule about what roles may do is then `error` for that principal, never `pass`.
 */
import type { Resource } from '../../model/inventory.js';
import type { InventoryIndex } from '../../inventory/index.js';
import { RefObject, Unknown, show, type Value } from '../../model/value.js';
import { globCovers, globMatch, globsOverlap } from '../../policy/index.js';
import { arnGlob } from './iam.js';
import { inScope, label, type OutcomeBuilder } from './pipeline.js';
import type { RuleContext } from '../define.js';

/** Types whose attribute names the IAM role their code runs as, and what a message calls them. */
const ROLE_ATTRIBUTES: ReadonlyMap<string, { attr: string; noun: string }> = new Map([
  ['aws_lambda_function', { attr: 'role', noun: 'function' }],
  ['aws_sfn_state_machine', { attr: 'role_arn', noun: 'state machine' }],
  ['aws_bedrockagent_agent', { attr: 'agent_resource_role_arn', noun: 'Bedrock agent' }],
  ['aws_ecs_task_definition', { attr: 'task_role_arn', noun: 'ECS task definition' }],
  ['aws_iam_instance_profile', { attr: 'role', noun: 'instance profile' }],
]);

/** What the rules read to tell a principal's role, for gap checks (live: a function not listed may run as any role). */
export const PRINCIPAL_NEEDS = ['aws_lambda_function.role'] as const;

export type RoleBinding =
  | { kind: 'none' }
  /** In-scope roles of the inventory (more than one only when the value may be any of them). */
  | { kind: 'roles'; roles: Resource[] }
  /** Not a role of the inventory: `what` says what the value was, for a message. */
  | { kind: 'outside'; what: string };

export interface OutsideRole {
  principal: Resource;
  attr: string;
  /** `role "arn:aws:iam::123456789012:role/Admin"`, `an unknown role (var.role_arn has no value ...)`. */
  what: string;
}

/** `function ztait-triage (aws_lambda_function.triage)`. */
export function principalName(r: Resource): string {
  const noun = ROLE_ATTRIBUTES.get(r.type)?.noun ?? r.type;
  const name = label(r);
  return name === r.address ? `${noun} ${r.address}` : `${noun} ${name} (${r.address})`;
}

/** The attribute naming the role a principal of this type runs as, if it is one. */
export function roleAttribute(type: string): string | undefined {
  return ROLE_ATTRIBUTES.get(type)?.attr;
}

/** The role(s) a principal runs as; `none` when it names none. */
export function roleOf(ctx: RuleContext, principal: Resource): RoleBinding {
  const attr = roleAttribute(principal.type);
  if (attr === undefined) return { kind: 'none' };
  return bindRole(ctx, principal.values[attr], `${principal.address}.${attr}`);
}

const outsideCache = new WeakMap<InventoryIndex, OutsideRole[]>();

/** In-scope principals whose role is not a role of the inventory. */
export function outsideRoles(ctx: RuleContext): OutsideRole[] {
  const hit = outsideCache.get(ctx.index);
  if (hit) return hit;
  const out: OutsideRole[] = [];
  for (const principal of inScope(ctx, ...ROLE_ATTRIBUTES.keys())) {
    const b = roleOf(ctx, principal);
    if (b.kind === 'outside') out.push({ principal, attr: roleAttribute(principal.type)!, what: b.what });
  }
  outsideCache.set(ctx.index, out);
  return out;
}

/**
 * An `error` finding on every principal whose role is outside the inventory, on its role attribute
 * (so it carries file:line), saying what cannot be known: `may call sts:AssumeRole`.
 */
export function reportOutsideRoles(ctx: RuleContext, out: OutcomeBuilder, question: string): void {
  for (const o of outsideRoles(ctx)) {
    out.error(
      o.principal,
      `${principalName(o.principal)} runs as ${o.what}: no role the scanned configuration or account defines, so its permissions are unknown and whether it ${question} cannot be decided`,
      o.attr,
      'role-outside',
    );
    out.examine(o.principal, 'error', `${o.attr} is not a role in the inventory (${o.what})`);
  }
}

/**
 * The in-scope roles a role value designates. Fail closed: a value is bound to roles only when it
 * certainly is one of them:
 *  - a known string equal to a role's id/name/ARN, or an IAM role ARN its ARN pattern accepts (a
 *    role whose name is known statically: `arn:aws:iam::<any account>:role/<path><name>`);
 *  - an unknown value that is a reference to a role's `arn` (`id`, `name`) itself: through module
 *    inputs/outputs, locals and for_each keys the value is passed on unchanged. One computed from it
 *    (`var.admin ? var.arn : aws_iam_role.x.arn`, `coalesce(var.arn, ...)`, `"${...arn}${var.s}"`)
 *    carries another reason or a different pattern, and may be any role.
 * `own` is the attribute's own address (`aws_lambda_function.x.role`): a plan says "known only after
 * apply" about the attribute and lists the references of its expression (variables are known in a
 * plan, so only resources remain unknown).
 */
export function bindRole(ctx: RuleContext, v: Value | undefined, own: string): RoleBinding {
  if (v === undefined || v === null || v === '') return { kind: 'none' };
  const { roles, ours } = rolesOf(ctx);
  if (typeof v === 'string') {
    const byIdentity = ctx.index.resolve(v, ['aws_iam_role']).resources.filter((r) => ours.has(r.address));
    if (byIdentity.length > 0) return { kind: 'roles', roles: byIdentity };
    // IAM role names are unique regardless of case.
    const byArn = /^arn:[^:]+:iam::[^:]*:role\//.test(v)
      ? roles.filter((r) => {
          const g = arnGlob(r);
          return g.exact && globMatch(g.glob, v, true);
        })
      : [];
    return byArn.length > 0 ? { kind: 'roles', roles: byArn } : { kind: 'outside', what: `role ${show(v, 200)}` };
  }
  if (v instanceof RefObject) {
    return ours.has(v.address)
      ? { kind: 'roles', roles: ctx.index.instancesOf(v.address) }
      : { kind: 'outside', what: `the resource ${v.address}` };
  }
  if (!(v instanceof Unknown)) return { kind: 'outside', what: `role ${show(v, 200)}, which is not a role ARN` };
  return bindUnknown(ctx, roles, ours, v, own);
}

const rolesCache = new WeakMap<InventoryIndex, { roles: Resource[]; ours: Set<string> }>();

/** The in-scope roles, once per inventory (every principal asks). */
function rolesOf(ctx: RuleContext): { roles: Resource[]; ours: Set<string> } {
  let hit = rolesCache.get(ctx.index);
  if (!hit) {
    const roles = inScope(ctx, 'aws_iam_role');
    rolesCache.set(ctx.index, (hit = { roles, ours: new Set(roles.map((r) => r.address)) }));
  }
  return hit;
}

/** The attributes whose reference designates the role itself. */
const REF_ATTRS = ['arn', 'id', 'name', 'unique_id'] as const;

function bindUnknown(ctx: RuleContext, roles: Resource[], ours: Set<string>, v: Unknown, own: string): RoleBinding {
  const targets = v.refs.map((ref) => ({ ref, rs: ctx.index.instancesOf(ref) }));
  const refRoles = targets.flatMap((t) => t.rs);
  if (targets.length > 0 && targets.every((t) => t.rs.length > 0 && t.rs.every((r) => ours.has(r.address)))) {
    // A plan says the attribute itself is unknown and lists its expression's references.
    const ownForm = v.reason.startsWith(`${own} is known only after apply`);
    const direct = ownForm || v.refs.some((ref) => REF_ATTRS.some((a) => v.reason === `${ref}.${a} is known only after apply`));
    const globs = refRoles.map(arnGlob);
    // A reference to a role whose name is known carries its ARN pattern; one computed from it a different one, or none.
    const shapeOk =
      v.pattern !== undefined
        ? globs.some((g) => g.exact && (ownForm ? globsOverlap(g.glob, v.pattern!) : globCovers(g.glob, v.pattern!)))
        : ownForm || globs.every((g) => !g.exact);
    if (direct && shapeOk) return { kind: 'roles', roles: [...new Map(refRoles.map((r) => [r.address, r])).values()] };
  }
  // `arn:aws:iam::${var.account}:role/ztait-x`: only the account is unknown, and Lambda can only be
  // passed a role of its own account, so the name binds it as it binds a literal ARN.
  if (v.pattern !== undefined && /^arn:[^:*?]+:iam::[^:]*:role\//.test(v.pattern)) {
    const byName = roles.filter((r) => {
      const g = arnGlob(r);
      return g.exact && globCovers(g.glob, v.pattern!, true);
    });
    if (byName.length > 0) return { kind: 'roles', roles: byName };
  }
  const dataRole = refRoles.find((r) => r.mode === 'data' && r.type === 'aws_iam_role');
  if (dataRole) return { kind: 'outside', what: `role ${dataRole.address} (a data source)` };
  const pattern = v.pattern !== undefined ? ` of the form ${JSON.stringify(v.pattern)}` : '';
  if (v.refs.length === 0) return { kind: 'outside', what: `an unknown role${pattern} (${v.reason})` };
  return { kind: 'outside', what: `a role${pattern} computed from ${v.refs.join(', ')} (${v.reason})` };
}

/**
 * The one role a function runs as, for rules that follow "the role of X" (SI-13, SI-14); `problem`
 * when there is none to judge: its role is outside the inventory, missing, or one of several.
 */
export function soleRole(ctx: RuleContext, principal: Resource): { role: Resource } | { problem: string } {
  const b = roleOf(ctx, principal);
  if (b.kind === 'none') return { problem: `${principalName(principal)} names no role` };
  if (b.kind === 'outside')
    return { problem: `${principalName(principal)} runs as ${b.what}, no role the scanned configuration or account defines` };
  if (b.roles.length > 1)
    return {
      problem: `${principalName(principal)} runs as one of ${b.roles.map((r) => r.address).join(', ')}, which cannot be told apart statically`,
    };
  return { role: b.roles[0]! };
}
