/**
 * A small typed builder for inventories in tests: resources with Terraform addresses, references the
 * way the static sources give them (Unknowns with refs and ARN patterns, known names as strings),
 * jsonencode and templates with unknown parts, and `toLive` turning a static inventory into the shape
 * the live probe produces (plain ids and ARNs, inline policies on roles), so one scenario can be
 * judged in both shapes.
 */
import { arnPattern } from '../../src/hcl/computed.js';
import { InventoryIndex } from '../../src/inventory/index.js';
import type { Rule, RuleOutcome } from '../../src/rules/define.js';
import { emptyInventory, type Inventory, type Resource } from '../../src/model/inventory.js';
import { RefObject, Unknown, containsUnknown, isObject, refsOf, type Value, type ValueObject } from '../../src/model/value.js';

export interface ResOpts {
  module?: string;
  key?: string | number;
  mode?: 'managed' | 'data';
}

export function res(type: string, name: string, values: ValueObject = {}, opts: ResOpts = {}): Resource {
  const key = opts.key === undefined ? '' : typeof opts.key === 'number' ? `[${opts.key}]` : `[${JSON.stringify(opts.key)}]`;
  const local = `${opts.mode === 'data' ? 'data.' : ''}${type}.${name}${key}`;
  return {
    address: opts.module ? `${opts.module}.${local}` : local,
    mode: opts.mode ?? 'managed',
    type,
    name,
    module: opts.module ?? '',
    ...(opts.key !== undefined ? { index: opts.key } : {}),
    values,
  };
}

/** Attributes whose value Terraform sets to the configured name (mirrors src/hcl/computed.ts). */
const ID_FROM: Record<string, string> = {
  aws_iam_role: 'name',
  aws_s3_bucket: 'bucket',
  aws_dynamodb_table: 'name',
  aws_ssm_parameter: 'name',
  aws_lambda_function: 'function_name',
};

/** `target.attr` in an expression, as the static source evaluates it. */
export class Ref extends Unknown {
  constructor(
    readonly target: Resource,
    readonly attr: string,
  ) {
    const pattern = attr === 'arn' ? arnPattern(target.type, target.values) : undefined;
    super(`${target.address}.${attr} is known only after apply`, { refs: [target.address], ...(pattern ? { pattern } : {}) });
  }
}

/** A reference: the known value when the static source knows it (a literal name), else a Ref. */
export function ref(target: Resource, attr = 'id'): Value {
  const own = target.values[attr];
  if (typeof own === 'string') return own;
  if (attr === 'id' && ID_FROM[target.type] && typeof target.values[ID_FROM[target.type]!] === 'string') {
    return target.values[ID_FROM[target.type]!]!;
  }
  return new Ref(target, attr);
}

/** A template `"integrations/${aws_apigatewayv2_integration.x.id}"` with unknown parts. */
export class Tpl extends Unknown {
  constructor(readonly parts: Value[]) {
    const unknowns = parts.filter((p): p is Unknown => p instanceof Unknown);
    super(unknowns[0]?.reason ?? 'template', {
      refs: unknowns.flatMap((u) => u.refs),
      pattern: parts.map((p) => (typeof p === 'string' ? p : p instanceof Unknown ? (p.pattern ?? '*') : '*')).join(''),
    });
  }
}

export function tpl(...parts: Value[]): Value {
  return parts.every((p) => typeof p === 'string') ? parts.join('') : new Tpl(parts);
}

/** `jsonencode(obj)`: a JSON string when all is known, else an Unknown carrying the structure. */
export function jsonencode(obj: Value): Value {
  if (!containsUnknown(obj)) return JSON.stringify(obj);
  return new Unknown('jsonencode of a value known only after apply', { refs: refsOf(obj), structure: obj });
}

/** A value that cannot be known (a variable without value). */
export const opaque = (reason: string): Unknown => new Unknown(reason);

export function inventory(resources: Resource[], opts: { kind?: Inventory['kind']; gaps?: Record<string, string> } = {}): Inventory {
  const inv = emptyInventory(opts.kind ?? 'hcl');
  inv.resources.push(...resources);
  if (opts.gaps) inv.gaps = opts.gaps;
  return inv;
}

export type Status = 'pass' | 'fail' | 'error' | 'not_applicable';

export interface Checked extends RuleOutcome {
  status: Status;
}

/** Runs one rule and derives the status the way the engine does (without suppressions). */
export function check(rule: Rule, input: Resource[] | Inventory): Checked {
  const inv = Array.isArray(input) ? inventory(input) : input;
  const outcome = rule.evaluate({ inventory: inv, index: new InventoryIndex(inv), prefix: 'ztait-' });
  let status: Status;
  if (outcome.findings.some((f) => f.kind === 'fail')) status = 'fail';
  else if (outcome.findings.length > 0 || (outcome.errors ?? []).length > 0) status = 'error';
  else if (outcome.examined.length > 0) status = 'pass';
  else status = 'not_applicable';
  return { ...outcome, status };
}

/** Findings as `kind resource attr: message` lines, for readable assertions. */
export function lines(c: Checked): string[] {
  return c.findings.map((f) => `${f.kind} ${f.resource.address}${f.attr ? ` ${f.attr}` : ''}: ${f.message}`);
}

// ------------------------------------------------------------------ the live shape

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';

const ID_PREFIX: Record<string, string> = {
  aws_vpc: 'vpc-',
  aws_subnet: 'subnet-',
  aws_security_group: 'sg-',
  aws_route_table: 'rtb-',
  aws_internet_gateway: 'igw-',
  aws_nat_gateway: 'nat-',
  aws_vpc_endpoint: 'vpce-',
  aws_apigatewayv2_api: 'api',
  aws_apigatewayv2_route: 'rt',
  aws_apigatewayv2_integration: 'int',
  aws_apigatewayv2_authorizer: 'auth',
  aws_route_table_association: 'rtbassoc-',
};

function liveArn(r: Resource): string | undefined {
  const v = r.values;
  const s = (k: string): string => String(v[k]);
  switch (r.type) {
    case 'aws_lambda_function':
      return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${s('function_name')}`;
    case 'aws_iam_role':
      return `arn:aws:iam::${ACCOUNT}:role/${s('name')}`;
    case 'aws_iam_policy':
      return `arn:aws:iam::${ACCOUNT}:policy/${s('name')}`;
    case 'aws_dynamodb_table':
      return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${s('name')}`;
    case 'aws_secretsmanager_secret':
      return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${s('name')}-AbC123`;
    case 'aws_s3_bucket':
      return `arn:aws:s3:::${s('bucket')}`;
    case 'aws_ssm_parameter':
      return `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${s('name').startsWith('/') ? '' : '/'}${s('name')}`;
    case 'aws_cloudtrail':
      return `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${s('name')}`;
    default:
      return undefined;
  }
}

/**
 * The same resources as the live probe would report them: every reference replaced by the real id
 * or ARN, jsonencoded policies as JSON strings, `aws_iam_role_policy` as `inline_policy` blocks of
 * the role, data sources gone, no locations.
 */
export function toLive(resources: Resource[]): Resource[] {
  const ids = new Map<string, { id: string; arn?: string }>();
  resources.forEach((r, i) => {
    const arn = liveArn(r);
    const prefix = ID_PREFIX[r.type];
    const named = r.values.function_name ?? r.values.name ?? r.values.bucket;
    const id =
      r.type === 'aws_secretsmanager_secret'
        ? arn!
        : prefix
          ? `${prefix}${(i + 1).toString(16).padStart(8, '0')}`
          : typeof named === 'string'
            ? named
            : r.address;
    ids.set(r.address, { id, ...(arn ? { arn } : {}) });
  });
  const attr = (target: Resource, a: string): Value => {
    const t = ids.get(target.address)!;
    if (a === 'arn' || a === 'invoke_arn') return t.arn ?? t.id;
    if (a === 'id') return t.id;
    const v = target.values[a];
    return v === undefined ? null : live(v);
  };
  const live = (v: Value): Value => {
    if (v instanceof Ref) return attr(v.target, v.attr);
    if (v instanceof Tpl) return v.parts.map((p) => String(live(p))).join('');
    if (v instanceof Unknown) return v.structure !== undefined ? JSON.stringify(live(v.structure)) : v;
    if (v instanceof RefObject) return v;
    if (Array.isArray(v)) return v.map(live);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, live(x)]));
    return v;
  };
  const out: Resource[] = [];
  for (const r of resources) {
    if (r.mode === 'data') continue;
    const t = ids.get(r.address)!;
    const values = live(r.values) as ValueObject;
    values.id = t.id;
    if (t.arn) values.arn = t.arn;
    out.push({ ...r, values, ...(t.arn ? { arn: t.arn } : {}) });
  }
  // Inline role policies are reported on the role, as GetRolePolicy gives them.
  for (const rp of out.filter((r) => r.type === 'aws_iam_role_policy')) {
    const role = out.find((r) => r.type === 'aws_iam_role' && (r.values.name === rp.values.role || r.values.arn === rp.values.role));
    if (!role) continue;
    const inline = Array.isArray(role.values.inline_policy) ? role.values.inline_policy : [];
    role.values.inline_policy = [...inline, { name: rp.values.name ?? rp.name, policy: rp.values.policy ?? null }];
  }
  return out.filter((r) => r.type !== 'aws_iam_role_policy');
}

// ------------------------------------------------------------------ plan changes

/** A resource as a plan gives it: `values` after apply, the change's actions and the values before. */
export function planResource(
  address: string,
  type: string,
  values: ValueObject,
  actions: NonNullable<Resource['change']>['actions'],
  before: ValueObject | null,
): Resource {
  const name = address.split('.').pop()!;
  return { address, mode: 'managed', type, name, module: '', values, change: { actions, before } };
}

/** A plan's inventory: these resources, and the plan's variables when given. */
export function planInventory(resources: Resource[], variables?: ValueObject): Inventory {
  return { ...emptyInventory('plan'), resources, ...(variables ? { variables } : {}) };
}

/** Addresses of an outcome's fail findings. */
export const failing = (o: RuleOutcome): string[] => o.findings.filter((f) => f.kind === 'fail').map((f) => f.resource.address);
/** Addresses of an outcome's error findings. */
export const errors = (o: RuleOutcome): string[] => o.findings.filter((f) => f.kind === 'error').map((f) => f.resource.address);
