/**
 * What drift compares, kind by kind, following the probe's mapping of AWS resources to Terraform
 * types (src/sources/aws/map/): how an object is identified on both sides (name, ARN, the API and
 * route key of a route, the VPC and CIDR of a subnet...), whether the probe reads it at all (the
 * code's resources it would never see are not "missing"), and its invariant-relevant attributes,
 * each with the invariants that read it.
 */
import type { Resource } from '../model/inventory.js';
import { isManagedAfterChange } from '../model/changes.js';
import { firstBlock, isObject, Unknown, type Value } from '../model/value.js';
import { REDACTED, looksSecret } from '../model/redact.js';
import { inScope, ssmNameInScope } from '../sources/aws/builder.js';
import { Glob, NSet, Ref, Unk, type Norm, type NObject } from './norm.js';
import { scalar, text, type Side } from './side.js';
import { policyNorm } from './policy.js';
import { RT_TYPES, SG_TYPES, type Folds } from './fold.js';
import { dict } from '../model/dict.js';

const IAM = ['SI-3', 'SI-4', 'SI-7', 'SI-13', 'SI-14'];
const NETWORK = ['SI-1'];
const PIPELINE = ['SI-9', 'SI-10', 'SI-11'];

/** One attribute of an object, normalized, with the resource and attribute path it comes from. */
export interface Attr {
  value: Norm;
  source: Resource;
  path?: string;
  /** Compared only when both sides have it (an environment variable: a key on one side is the keys' drift). */
  bothSides?: boolean;
  /** Secret-shaped: never compared or printed. */
  secret?: boolean;
}

export type Attrs = Record<string, Attr>;

/** What a kind's functions are given. */
export interface KindContext {
  side: Side;
  folds: Folds;
  prefix: string;
}

export interface KindSpec {
  /** The object kind: the Terraform type of its main resource. */
  kind: string;
  /** Resource types that are objects of this kind. */
  types: readonly string[];
  /**
   * Identities to match by, strongest first: each a (name of the identity, value). A value the code
   * knows in part is a Glob; one it does not know at all (Unk) is skipped.
   */
  keys(r: Resource, c: KindContext): [string, Norm][];
  /** The attributes compared, and the invariants each matters to. */
  attrs(r: Resource, c: KindContext): Attrs;
  relevance: Record<string, readonly string[]>;
  /** Code side: why the probe would not read this resource (then it is not compared), if it would not. */
  unread?(r: Resource, c: KindContext, covered: Coverage): string | undefined;
  /** Account side: objects AWS makes by itself, not unmanaged when the code does not mention them. */
  implicit?(r: Resource, c: KindContext): boolean;
}

/** Code resources the probe reaches through others (a function's role, subnets and groups). */
export interface Coverage {
  has(type: string, address: string): boolean;
}

// ---------------------------------------------------------------- helpers

const str = (v: Value | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function tagsOf(r: Resource): Record<string, string> | undefined {
  const out: Record<string, string> = dict();
  let any = false;
  for (const k of ['tags_all', 'tags']) {
    const t = r.values[k];
    if (!isObject(t)) continue;
    for (const [key, v] of Object.entries(t)) {
      if (typeof v === 'string') out[key] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}

const nameTag = (r: Resource): Norm => {
  const t = r.values.tags;
  return isObject(t) ? scalar(t.Name) : null;
};

/** A name attribute, or its `*_prefix` form as a Glob. */
function nameOf(r: Resource, attr: string): Norm {
  const v = r.values[attr];
  if (v !== undefined && v !== null && v !== '') return scalar(v);
  const prefix = r.values[`${attr === 'bucket' ? 'bucket' : 'name'}_prefix`];
  if (typeof prefix === 'string') return new Glob(`${prefix}*`);
  if (prefix instanceof Unknown && prefix.pattern) return new Glob(`${prefix.pattern}*`);
  return v === undefined ? null : scalar(v);
}

/** Several identity parts as one key: live resources by address, wildcards kept, unknowns void it. */
function composite(...parts: Norm[]): Norm {
  let glob = false;
  const out: string[] = [];
  for (const p of parts) {
    if (p instanceof Ref) out.push(p.address);
    else if (typeof p === 'string') out.push(p);
    else if (p instanceof Glob) {
      glob = true;
      out.push(p.pattern);
    } else return new Unk('part of the identity is not known');
  }
  const key = out.join('|');
  return glob ? new Glob(key) : key;
}

const bool = (v: Value | undefined, dflt: boolean): Norm => (v === undefined || v === null ? dflt : scalar(v));

function block(r: Resource, attr: string): { value?: Record<string, Value>; unknown?: Unk } {
  const b = firstBlock(r.values[attr]);
  if (b instanceof Unknown) return { unknown: new Unk(b.reason) };
  return b ? { value: b } : {};
}

function set(values: Value | undefined, f: (v: Value) => Norm): Norm {
  if (values instanceof Unknown) return new Unk(values.reason);
  if (values === undefined || values === null) return new NSet([]);
  return new NSet((Array.isArray(values) ? values : [values]).map(f));
}

function attr(source: Resource, value: Norm, path?: string, extra: Partial<Attr> = {}): Attr {
  return { value, source, ...(path ? { path } : {}), ...extra };
}

const managedChildren = (c: KindContext, r: Resource, type: string): Resource[] => c.folds.children(r, type).filter(isManagedAfterChange);

/** In the namespace the probe reads: the name starts with the prefix, or the ztait:system tag is there. */
const namespaced = (r: Resource, name: string, c: KindContext): boolean => {
  const n = nameOf(r, name);
  return inScope(typeof n === 'string' ? n : n instanceof Glob ? n.pattern : undefined, tagsOf(r), c.prefix);
};

const outsideNamespace = (what: string, c: KindContext): string =>
  `the probe reads ${what} only in the namespace (a name starting with ${c.prefix}, or the ztait:system tag)`;

// ---------------------------------------------------------------- security group rules and routes

const PROTOCOLS: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

function protocol(v: Value | undefined): Norm {
  const p = scalar(v);
  if (typeof p !== 'string' && typeof p !== 'number') return p;
  const s = String(p).toLowerCase();
  return PROTOCOLS[s] ?? s;
}

function rule(direction: string, proto: Norm, from: Value | undefined, to: Value | undefined, peer: Norm): Norm {
  const all = proto === '-1';
  const out: NObject = dict();
  out.direction = direction;
  out.protocol = proto;
  out.from_port = all ? 0 : (scalar(from ?? 0) ?? 0);
  out.to_port = all ? 0 : (scalar(to ?? 0) ?? 0);
  out.peer = peer;
  return out;
}

/** Rules of an inline block or aws_security_group_rule, one per peer. */
function peersOf(b: Record<string, Value>, self: Resource, c: KindContext, sgAttr: string): Norm[] {
  const peers: Norm[] = [];
  const each = (v: Value | undefined, f: (x: Value) => Norm): void => {
    if (v instanceof Unknown) peers.push(new Unk(v.reason));
    else if (Array.isArray(v)) v.forEach((x) => peers.push(f(x)));
    else if (v !== undefined && v !== null && v !== '') peers.push(f(v));
  };
  each(b.cidr_blocks, scalar);
  each(b.ipv6_cidr_blocks, scalar);
  each(b.prefix_list_ids, scalar);
  each(b[sgAttr], (x) => c.side.token(x, SG_TYPES));
  if (b.self === true) peers.push(c.side.token(self.values.id ?? self.address, SG_TYPES) ?? self.address);
  return peers;
}

function securityGroupRules(r: Resource, c: KindContext): Record<'ingress' | 'egress', Norm[] | Unk> {
  const out: Record<'ingress' | 'egress', Norm[] | Unk> = { ingress: [], egress: [] };
  const push = (dir: 'ingress' | 'egress', rules: Norm[]): void => {
    const cur = out[dir];
    if (!(cur instanceof Unk)) cur.push(...rules);
  };
  for (const dir of ['ingress', 'egress'] as const) {
    const inline = r.values[dir];
    if (inline instanceof Unknown) out[dir] = new Unk(inline.reason);
    else if (Array.isArray(inline))
      for (const b of inline) {
        if (!isObject(b)) continue;
        const proto = protocol(b.protocol);
        push(
          dir,
          peersOf(b, r, c, 'security_groups').map((p) => rule(dir, proto, b.from_port, b.to_port, p)),
        );
      }
  }
  for (const sr of managedChildren(c, r, 'aws_security_group_rule')) {
    const dir = sr.values.type === 'egress' ? 'egress' : 'ingress';
    const proto = protocol(sr.values.protocol);
    push(
      dir,
      peersOf(sr.values, r, c, 'source_security_group_id').map((p) => rule(dir, proto, sr.values.from_port, sr.values.to_port, p)),
    );
  }
  for (const dir of ['ingress', 'egress'] as const) {
    for (const vr of managedChildren(c, r, `aws_vpc_security_group_${dir}_rule`)) {
      const v = vr.values;
      const peer =
        v.cidr_ipv4 !== undefined && v.cidr_ipv4 !== null
          ? scalar(v.cidr_ipv4)
          : v.cidr_ipv6 !== undefined && v.cidr_ipv6 !== null
            ? scalar(v.cidr_ipv6)
            : v.prefix_list_id !== undefined && v.prefix_list_id !== null
              ? scalar(v.prefix_list_id)
              : c.side.token(v.referenced_security_group_id, SG_TYPES);
      push(dir, [rule(dir, protocol(v.ip_protocol), v.from_port, v.to_port, peer)]);
    }
  }
  return out;
}

const ROUTE_TARGETS = [
  'gateway_id',
  'nat_gateway_id',
  'egress_only_gateway_id',
  'network_interface_id',
  'transit_gateway_id',
  'vpc_peering_connection_id',
  'vpc_endpoint_id',
  'carrier_gateway_id',
  'core_network_arn',
  'local_gateway_id',
];
const TARGET_TYPES = ['aws_internet_gateway', 'aws_nat_gateway', 'aws_vpc_endpoint', 'aws_egress_only_internet_gateway'];

/**
 * A route as (destination, target). Routes a gateway endpoint adds (to a `vpce-` target) belong to
 * the endpoint, whose route_table_ids are compared instead; the local route is AWS's.
 */
function routeOf(b: Record<string, Value>, c: KindContext): Norm | undefined {
  const dest = str(b.cidr_block as Value) ?? str(b.destination_cidr_block) ?? str(b.ipv6_cidr_block) ?? str(b.destination_ipv6_cidr_block);
  const destination: Norm = dest ?? (str(b.destination_prefix_list_id) ? scalar(b.destination_prefix_list_id) : scalar(b.cidr_block));
  let target: Norm = null;
  for (const k of ROUTE_TARGETS) {
    const v = b[k];
    if (v === undefined || v === null || v === '') continue;
    if (v === 'local') return undefined;
    if (typeof v === 'string' && v.startsWith('vpce-')) return undefined;
    target = c.side.token(v, TARGET_TYPES);
    if (target instanceof Ref && target.address.startsWith('aws_vpc_endpoint.')) return undefined;
    if (target instanceof Glob && target.pattern.startsWith('vpce-')) return undefined;
    break;
  }
  const out: NObject = dict();
  out.destination = destination;
  out.target = target;
  return out;
}

// ---------------------------------------------------------------- the kinds

const byName =
  (attrName: string) =>
  (r: Resource): [string, Norm][] => [
    ['arn', typeof r.values.arn === 'string' ? r.values.arn : null],
    ['name', nameOf(r, attrName)],
  ];

const vpcOf = (r: Resource, c: KindContext): Norm => c.side.token(r.values.vpc_id, ['aws_vpc']);
const apiOf = (r: Resource, c: KindContext): Norm => c.side.token(r.values.api_id, ['aws_apigatewayv2_api']);

/** Environment variables: their names, and the value of each that is not secret-shaped. */
function environment(r: Resource, c: KindContext): Attrs {
  const out: Attrs = {};
  const env = block(r, 'environment');
  if (env.unknown) return { 'environment.keys': attr(r, env.unknown, 'environment') };
  const vars = env.value?.variables;
  if (vars instanceof Unknown) return { 'environment.keys': attr(r, new Unk(vars.reason), 'environment') };
  const entries = isObject(vars) ? Object.entries(vars) : [];
  out['environment.keys'] = attr(r, new NSet(entries.map(([k]) => k)), 'environment');
  for (const [k, v] of entries) {
    // as the probe decides (it keeps no such value), and a literal the code source marked secret
    const secret = v === REDACTED || (typeof v === 'string' && (looksSecret(k, v) || c.side.inventory.secrets.has(v)));
    const value = secret ? new Unk('secret-shaped: not compared') : envValue(v, c);
    out[`environment.${k}`] = attr(r, value, `environment.variables.${k}`, { bothSides: true, ...(secret ? { secret: true } : {}) });
  }
  return out;
}

/** An environment value: a reference to a resource (an ARN, a table name) compares as the resource. */
function envValue(v: Value, c: KindContext): Norm {
  const t = text(v);
  if (v instanceof Unknown && v.refs.length > 0) {
    const tok = c.side.token(v, ['aws_secretsmanager_secret', 'aws_dynamodb_table', 'aws_lambda_function', 'aws_sqs_queue']);
    if (tok instanceof Ref) return tok;
  }
  return t;
}

export const KINDS: readonly KindSpec[] = [
  {
    kind: 'aws_vpc',
    types: ['aws_vpc'],
    keys: (r) => [
      ['id', c0(r.values.id, /^vpc-/)],
      ['name', nameTag(r)],
      ['cidr', scalar(r.values.cidr_block)],
    ],
    attrs: (r) => ({ cidr_block: attr(r, scalar(r.values.cidr_block), 'cidr_block') }),
    relevance: { cidr_block: NETWORK },
    unread: (r, c, cov) =>
      cov.has('aws_vpc', r.address) || inScope(undefined, tagsOf(r), c.prefix) || inScope(str(tagsOf(r)?.Name), undefined, c.prefix)
        ? undefined
        : 'the probe reads the VPCs of the functions and those named or tagged in the namespace',
  },
  {
    kind: 'aws_iam_policy',
    types: ['aws_iam_policy'],
    keys: byName('name'),
    attrs: (r, c) => ({ policy: attr(r, policyNorm(r.values.policy, c.side.index), 'policy') }),
    relevance: { policy: IAM },
    unread: (r, _c, cov) =>
      cov.has('aws_iam_policy', r.address) ? undefined : 'the probe reads the policies attached to or bounding the roles it reads',
    implicit: (r) => r.values.aws_managed === true,
  },
  {
    kind: 'aws_iam_role',
    types: ['aws_iam_role'],
    keys: byName('name'),
    attrs: (r, c) => {
      const out: Attrs = {
        permissions_boundary: attr(r, c.side.token(r.values.permissions_boundary, ['aws_iam_policy']), 'permissions_boundary'),
      };
      const inline = r.values.inline_policy;
      if (inline instanceof Unknown) out['inline_policy'] = attr(r, new Unk(inline.reason), 'inline_policy');
      else if (Array.isArray(inline))
        inline.forEach((b, i) => {
          if (!isObject(b) || b.policy === undefined || b.policy === null || b.policy === '') return;
          out[`inline_policy.${String(b.name)}`] = attr(r, policyNorm(b.policy, c.side.index), `inline_policy.${i}.policy`);
        });
      for (const p of managedChildren(c, r, 'aws_iam_role_policy')) {
        const name = typeof p.values.name === 'string' ? p.values.name : p.address;
        out[`inline_policy.${name}`] = attr(p, policyNorm(p.values.policy, c.side.index), 'policy');
      }
      const attached: Norm[] = [];
      let source = r;
      for (const t of ['aws_iam_role_policy_attachment', 'aws_iam_policy_attachment']) {
        for (const a of managedChildren(c, r, t)) {
          attached.push(c.side.token(a.values.policy_arn, ['aws_iam_policy']));
          source = a;
        }
      }
      const arns = r.values.managed_policy_arns;
      if (Array.isArray(arns)) arns.forEach((a) => attached.push(c.side.token(a, ['aws_iam_policy'])));
      out['attached_policies'] = attr(source, arns instanceof Unknown ? new Unk(arns.reason) : new NSet(attached));
      return out;
    },
    relevance: { permissions_boundary: IAM, inline_policy: IAM, attached_policies: IAM },
    unread: (r, c, cov) => (cov.has('aws_iam_role', r.address) || namespaced(r, 'name', c) ? undefined : outsideNamespace('roles', c)),
  },
  {
    kind: 'aws_dynamodb_table',
    types: ['aws_dynamodb_table'],
    keys: byName('name'),
    attrs: (r) => {
      const pitr = block(r, 'point_in_time_recovery');
      const sse = block(r, 'server_side_encryption');
      const ttl = block(r, 'ttl');
      const ttlNorm: Norm = ttl.unknown
        ? ttl.unknown
        : ttl.value?.enabled === true
          ? { enabled: true, attribute_name: scalar(ttl.value.attribute_name) }
          : { enabled: bool(ttl.value?.enabled, false), attribute_name: null };
      return {
        point_in_time_recovery: attr(r, pitr.unknown ?? bool(pitr.value?.enabled, false), 'point_in_time_recovery.enabled'),
        server_side_encryption: attr(r, sse.unknown ?? bool(sse.value?.enabled, false), 'server_side_encryption.enabled'),
        ttl: attr(r, ttlNorm, 'ttl'),
      };
    },
    relevance: { point_in_time_recovery: ['SI-6'], server_side_encryption: ['SI-5'], ttl: ['SI-10'] },
    unread: (r, c) => (namespaced(r, 'name', c) ? undefined : outsideNamespace('tables', c)),
  },
  {
    kind: 'aws_lambda_function',
    types: ['aws_lambda_function'],
    keys: byName('function_name'),
    attrs: (r, c) => {
      const vpc = block(r, 'vpc_config');
      const vc = vpc.value;
      return {
        role: attr(r, c.side.token(r.values.role, ['aws_iam_role']), 'role'),
        'vpc_config.subnet_ids': attr(
          r,
          vpc.unknown ?? set(vc?.subnet_ids, (x) => c.side.token(x, ['aws_subnet'])),
          'vpc_config.subnet_ids',
        ),
        'vpc_config.security_group_ids': attr(
          r,
          vpc.unknown ?? set(vc?.security_group_ids, (x) => c.side.token(x, SG_TYPES)),
          'vpc_config.security_group_ids',
        ),
        ...environment(r, c),
      };
    },
    relevance: {
      role: [...IAM, ...PIPELINE],
      'vpc_config.subnet_ids': ['SI-1', 'SI-2'],
      'vpc_config.security_group_ids': ['SI-1', 'SI-2'],
      environment: ['SI-9', 'SI-10', 'SI-13', 'SI-14', 'ZT-MAT-1'],
    },
    unread: (r, c) => (namespaced(r, 'function_name', c) ? undefined : outsideNamespace('functions', c)),
  },
  {
    kind: 'aws_secretsmanager_secret',
    types: ['aws_secretsmanager_secret'],
    keys: byName('name'),
    attrs: (r, c) => {
      const rot = managedChildren(c, r, 'aws_secretsmanager_secret_rotation')[0];
      if (!rot) return { 'rotation.enabled': attr(r, false) };
      const rules = block(rot, 'rotation_rules');
      const out: Attrs = {
        'rotation.enabled': attr(rot, bool(rot.values.rotation_enabled, true), 'rotation_enabled'),
        'rotation.lambda': attr(rot, c.side.token(rot.values.rotation_lambda_arn, ['aws_lambda_function']), 'rotation_lambda_arn'),
      };
      if (rules.unknown) out['rotation.rules'] = attr(rot, rules.unknown, 'rotation_rules');
      else {
        out['rotation.automatically_after_days'] = attr(
          rot,
          scalar(rules.value?.automatically_after_days ?? null),
          'rotation_rules.automatically_after_days',
        );
        out['rotation.schedule_expression'] = attr(
          rot,
          scalar(rules.value?.schedule_expression ?? null),
          'rotation_rules.schedule_expression',
        );
      }
      return out;
    },
    relevance: { rotation: ['SI-12'] },
    unread: (r, c) => (namespaced(r, 'name', c) ? undefined : outsideNamespace('secrets', c)),
  },
  {
    kind: 'aws_ssm_parameter',
    types: ['aws_ssm_parameter'],
    keys: byName('name'),
    attrs: (r) => {
      const t = scalar(r.values.type);
      const v = r.values.value;
      const secret = t !== 'String' || (typeof v === 'string' && (looksSecret(String(r.values.name), v) || v === REDACTED));
      return {
        type: attr(r, t, 'type'),
        value: attr(r, secret ? new Unk('not a plain String: not compared') : text(v), 'value', { bothSides: true, secret }),
      };
    },
    relevance: { type: ['SI-14'], value: ['SI-14'] },
    unread: (r, c) => {
      const n = str(r.values.name);
      return (n && ssmNameInScope(n, c.prefix)) || inScope(undefined, tagsOf(r), c.prefix) ? undefined : outsideNamespace('parameters', c);
    },
  },
  {
    kind: 'aws_s3_bucket',
    types: ['aws_s3_bucket'],
    keys: (r) => [['name', nameOf(r, 'bucket')]],
    attrs: (r, c) => {
      const out: Attrs = {};
      const pol = managedChildren(c, r, 'aws_s3_bucket_policy')[0];
      if (pol) out.policy = attr(pol, policyNorm(pol.values.policy, c.side.index), 'policy');
      else if (r.values.policy !== undefined && r.values.policy !== null && r.values.policy !== '')
        out.policy = attr(r, policyNorm(r.values.policy, c.side.index), 'policy');
      else out.policy = attr(r, null);
      const ver = managedChildren(c, r, 'aws_s3_bucket_versioning')[0];
      const vb = ver ? block(ver, 'versioning_configuration') : block(r, 'versioning');
      const status: Norm = vb.unknown
        ? vb.unknown
        : ver
          ? scalar(vb.value?.status ?? 'Disabled')
          : vb.value?.enabled === true
            ? 'Enabled'
            : 'Disabled';
      out['versioning.status'] = attr(ver ?? r, status, ver ? 'versioning_configuration.status' : 'versioning');
      if (ver && vb.value?.mfa_delete !== undefined && vb.value.mfa_delete !== null)
        out['versioning.mfa_delete'] = attr(ver, scalar(vb.value.mfa_delete), 'versioning_configuration.mfa_delete', { bothSides: true });
      return out;
    },
    relevance: { policy: ['SI-8'], versioning: ['SI-8'] },
    unread: (r, _c, cov) => (cov.has('aws_s3_bucket', r.address) ? undefined : 'the probe reads the buckets of the trails it reads'),
  },
  {
    kind: 'aws_cloudtrail',
    types: ['aws_cloudtrail'],
    keys: byName('name'),
    attrs: (r, c) => ({
      enable_logging: attr(r, bool(r.values.enable_logging, true), 'enable_logging'),
      is_multi_region_trail: attr(r, bool(r.values.is_multi_region_trail, false), 'is_multi_region_trail'),
      include_global_service_events: attr(r, bool(r.values.include_global_service_events, true), 'include_global_service_events'),
      enable_log_file_validation: attr(r, bool(r.values.enable_log_file_validation, false), 'enable_log_file_validation'),
      s3_bucket_name: attr(r, c.side.token(r.values.s3_bucket_name, ['aws_s3_bucket']), 's3_bucket_name'),
    }),
    relevance: {
      enable_logging: ['SI-8'],
      is_multi_region_trail: ['SI-8'],
      include_global_service_events: ['SI-8'],
      enable_log_file_validation: ['SI-8'],
      s3_bucket_name: ['SI-8'],
    },
    unread: (r, c) => (namespaced(r, 'name', c) ? undefined : outsideNamespace('trails', c)),
  },
  {
    kind: 'aws_apigatewayv2_api',
    types: ['aws_apigatewayv2_api'],
    keys: (r) => [
      ['id', c0(r.values.id, /./)],
      ['name', nameOf(r, 'name')],
    ],
    attrs: (r) => ({ protocol_type: attr(r, scalar(r.values.protocol_type), 'protocol_type') }),
    relevance: { protocol_type: ['SI-11'] },
    unread: (r, c) => (namespaced(r, 'name', c) ? undefined : outsideNamespace('APIs', c)),
  },
  {
    kind: 'aws_subnet',
    types: ['aws_subnet'],
    keys: (r, c) => [
      ['id', c0(r.values.id, /^subnet-/)],
      ['cidr', composite(vpcOf(r, c), scalar(r.values.cidr_block))],
      ['name', composite(vpcOf(r, c), nameTag(r))],
    ],
    attrs: (r) => ({
      cidr_block: attr(r, scalar(r.values.cidr_block), 'cidr_block'),
      map_public_ip_on_launch: attr(r, bool(r.values.map_public_ip_on_launch, false), 'map_public_ip_on_launch'),
    }),
    relevance: { cidr_block: NETWORK, map_public_ip_on_launch: NETWORK },
    unread: (r, c, cov) => vpcWide(r, c, cov),
  },
  {
    kind: 'aws_security_group',
    types: SG_TYPES,
    keys: (r, c) => [
      ['id', c0(r.values.id, /^sg-/)],
      ['name', composite(vpcOf(r, c), r.type === 'aws_default_security_group' ? 'default' : nameOf(r, 'name'))],
    ],
    attrs: (r, c) => {
      const rules = securityGroupRules(r, c);
      return {
        ingress: attr(r, rules.ingress instanceof Unk ? rules.ingress : new NSet(rules.ingress), 'ingress'),
        egress: attr(r, rules.egress instanceof Unk ? rules.egress : new NSet(rules.egress), 'egress'),
      };
    },
    relevance: { ingress: NETWORK, egress: NETWORK },
    unread: (r, _c, cov) =>
      cov.has('aws_security_group', r.address) ? undefined : 'the probe reads the security groups of the functions it reads',
    implicit: (r) => r.values.name === 'default',
  },
  {
    kind: 'aws_internet_gateway',
    types: ['aws_internet_gateway'],
    keys: (r, c) => [
      ['id', c0(r.values.id, /^igw-/)],
      ['vpc', composite(vpcOf(r, c))],
    ],
    attrs: (r, c) => ({ vpc_id: attr(r, vpcOf(r, c), 'vpc_id') }),
    relevance: { vpc_id: NETWORK },
    unread: (r, c, cov) => vpcWide(r, c, cov),
  },
  {
    kind: 'aws_route_table',
    types: RT_TYPES,
    keys: (r, c) => {
      const main =
        r.type === 'aws_default_route_table' || managedChildren(c, r, 'aws_main_route_table_association').length > 0
          ? composite(c.side.kind === 'code' && r.type === 'aws_default_route_table' ? vpcOfDefault(r, c) : vpcOf(r, c), '(main)')
          : null;
      return [
        ['id', c0(r.values.id, /^rtb-/)],
        ['main', main],
        ['name', r.type === 'aws_default_route_table' ? null : composite(vpcOf(r, c), nameTag(r))],
        ['subnets', associated(r, c)],
      ];
    },
    attrs: (r, c) => {
      const routes: Norm[] = [];
      const inline = r.values.route;
      if (inline instanceof Unknown) return { routes: attr(r, new Unk(inline.reason), 'route'), subnets: attr(r, associatedSet(r, c)) };
      if (Array.isArray(inline))
        for (const b of inline) {
          if (!isObject(b)) continue;
          const x = routeOf(b, c);
          if (x !== undefined) routes.push(x);
        }
      for (const rt of managedChildren(c, r, 'aws_route')) {
        const x = routeOf(rt.values, c);
        if (x !== undefined) routes.push(x);
      }
      return { routes: attr(r, new NSet(routes), 'route'), subnets: attr(r, associatedSet(r, c)) };
    },
    relevance: { routes: NETWORK, subnets: NETWORK },
    unread: (r, c, cov) => (r.type === 'aws_default_route_table' ? undefined : vpcWide(r, c, cov)),
    implicit: (r, c) => managedChildren(c, r, 'aws_main_route_table_association').length > 0,
  },
  {
    kind: 'aws_nat_gateway',
    types: ['aws_nat_gateway'],
    keys: (r, c) => [
      ['id', c0(r.values.id, /^nat-/)],
      ['subnet', composite(c.side.token(r.values.subnet_id, ['aws_subnet']))],
    ],
    attrs: (r, c) => ({
      subnet_id: attr(r, c.side.token(r.values.subnet_id, ['aws_subnet']), 'subnet_id'),
      connectivity_type: attr(r, scalar(r.values.connectivity_type ?? 'public'), 'connectivity_type'),
    }),
    relevance: { subnet_id: NETWORK, connectivity_type: NETWORK },
    unread: (r, c, cov) => {
      const subnet = c.side.index.resolve(r.values.subnet_id, ['aws_subnet']).resources[0];
      return subnet ? vpcWide(subnet, c, cov) : undefined;
    },
  },
  {
    kind: 'aws_vpc_endpoint',
    types: ['aws_vpc_endpoint'],
    keys: (r, c) => [
      ['id', c0(r.values.id, /^vpce-/)],
      ['service', composite(vpcOf(r, c), scalar(r.values.service_name))],
    ],
    attrs: (r, c) => {
      const type = scalar(r.values.vpc_endpoint_type ?? 'Gateway');
      const out: Attrs = {
        vpc_endpoint_type: attr(r, type, 'vpc_endpoint_type'),
        route_table_ids: attr(
          r,
          set(r.values.route_table_ids, (x) => c.side.token(x, RT_TYPES)),
          'route_table_ids',
        ),
        subnet_ids: attr(
          r,
          set(r.values.subnet_ids, (x) => c.side.token(x, ['aws_subnet'])),
          'subnet_ids',
        ),
        security_group_ids: attr(
          r,
          set(r.values.security_group_ids, (x) => c.side.token(x, SG_TYPES)),
          'security_group_ids',
        ),
      };
      if (type === 'Interface') out.private_dns_enabled = attr(r, bool(r.values.private_dns_enabled, false), 'private_dns_enabled');
      return out;
    },
    relevance: {
      vpc_endpoint_type: NETWORK,
      route_table_ids: NETWORK,
      subnet_ids: NETWORK,
      security_group_ids: [],
      private_dns_enabled: NETWORK,
    },
    unread: (r, c, cov) => vpcWide(r, c, cov),
  },
  {
    kind: 'aws_apigatewayv2_authorizer',
    types: ['aws_apigatewayv2_authorizer'],
    keys: (r, c) => [
      ['id', c0(r.values.id, /./)],
      ['name', composite(apiOf(r, c), nameOf(r, 'name'))],
    ],
    attrs: (r) => {
      const jwt = block(r, 'jwt_configuration');
      return {
        authorizer_type: attr(r, scalar(r.values.authorizer_type), 'authorizer_type'),
        'jwt_configuration.issuer': attr(r, jwt.unknown ?? scalar(jwt.value?.issuer ?? null), 'jwt_configuration.issuer'),
        'jwt_configuration.audience': attr(r, jwt.unknown ?? set(jwt.value?.audience, scalar), 'jwt_configuration.audience'),
        identity_sources: attr(r, set(r.values.identity_sources, scalar), 'identity_sources'),
      };
    },
    relevance: { authorizer_type: ['SI-11'], jwt_configuration: ['SI-11'], identity_sources: ['SI-11'] },
    unread: (r, c, cov) => apiPart(r, c, cov),
  },
  {
    kind: 'aws_apigatewayv2_integration',
    types: ['aws_apigatewayv2_integration'],
    keys: (r, c) => [
      ['id', c0(r.values.id, /./)],
      ['function', composite(apiOf(r, c), c.side.token(r.values.integration_uri, ['aws_lambda_function']))],
    ],
    attrs: (r, c) => ({
      integration_type: attr(r, scalar(r.values.integration_type), 'integration_type'),
      integration_uri: attr(r, c.side.token(r.values.integration_uri, ['aws_lambda_function']), 'integration_uri'),
    }),
    relevance: { integration_type: PIPELINE, integration_uri: PIPELINE },
    unread: (r, c, cov) => apiPart(r, c, cov),
  },
  {
    kind: 'aws_apigatewayv2_route',
    types: ['aws_apigatewayv2_route'],
    keys: (r, c) => [
      ['id', c0(r.values.id, /./)],
      ['route_key', composite(apiOf(r, c), scalar(r.values.route_key))],
    ],
    attrs: (r, c) => {
      // the type and the authorizer change together (UpdateRoute to NONE drops the authorizer): one attribute
      const authorization: NObject = dict();
      authorization.authorization_type = scalar(r.values.authorization_type ?? 'NONE');
      authorization.authorizer = c.side.token(r.values.authorizer_id, ['aws_apigatewayv2_authorizer']);
      return {
        authorization: attr(r, authorization, 'authorization_type'),
        target: attr(r, routeTarget(r.values.target, c), 'target'),
      };
    },
    relevance: { authorization: ['SI-11', 'SI-9'], target: PIPELINE },
    unread: (r, c, cov) => apiPart(r, c, cov),
  },
];

/** A route's target `integrations/<id>` as the integration. */
function routeTarget(v: Value | undefined, c: KindContext): Norm {
  if (typeof v === 'string' && v.startsWith('integrations/'))
    return c.side.token(v.slice('integrations/'.length), ['aws_apigatewayv2_integration']);
  if (v instanceof Unknown && v.refs.length === 0 && v.pattern?.startsWith('integrations/')) return new Glob(v.pattern);
  return c.side.token(v, ['aws_apigatewayv2_integration']);
}

/** A known id of the expected shape (a state's), else nothing to match by. */
function c0(v: Value | undefined, shape: RegExp): Norm {
  return typeof v === 'string' && shape.test(v) ? v : null;
}

function associatedSet(r: Resource, c: KindContext): Norm {
  return new NSet(
    managedChildren(c, r, 'aws_route_table_association')
      .filter((a) => a.values.subnet_id !== undefined && a.values.subnet_id !== null)
      .map((a) => c.side.token(a.values.subnet_id, ['aws_subnet'])),
  );
}

/** The associated subnets as a key (a route table without a Name tag). */
function associated(r: Resource, c: KindContext): Norm {
  const s = associatedSet(r, c) as NSet;
  if (s.items.length === 0 || !s.items.every((x) => x instanceof Ref)) return null;
  return `${composite(vpcOf(r, c)) as string}|${s.items
    .map((x) => (x as Ref).address)
    .sort()
    .join(',')}`;
}

/** aws_default_route_table names its VPC through default_route_table_id (the VPC's attribute). */
function vpcOfDefaultRaw(r: Resource, c: KindContext): Value {
  const v = r.values.default_route_table_id;
  const vpc = c.side.index.resolve(v, ['aws_vpc']).resources[0];
  return vpc ? (vpc.values.id ?? vpc.address) : (v ?? null);
}
function vpcOfDefault(r: Resource, c: KindContext): Norm {
  return c.side.token(vpcOfDefaultRaw(r, c), ['aws_vpc']);
}

function vpcWide(r: Resource, c: KindContext, cov: Coverage): string | undefined {
  const vpc = c.side.index.resolve(r.values.vpc_id, ['aws_vpc']).resources[0];
  if (!vpc) return undefined;
  return KINDS[0]!.unread!(vpc, c, cov) ? 'the probe reads what is in the VPCs of the functions and in those of the namespace' : undefined;
}

function apiPart(r: Resource, c: KindContext, _cov: Coverage): string | undefined {
  const api = c.side.index.resolve(r.values.api_id, ['aws_apigatewayv2_api']).resources[0];
  if (!api) return undefined;
  return namespaced(api, 'name', c) ? undefined : outsideNamespace('APIs', c);
}

/** The kind an object of this type belongs to. */
export const KIND_OF = new Map<string, KindSpec>(KINDS.flatMap((k) => k.types.map((t) => [t, k] as const)));

/** The invariants an attribute (or, without one, the object's existence) matters to. */
export function relevanceOf(spec: KindSpec, attribute?: string): string[] {
  if (attribute === undefined) return [...new Set(Object.values(spec.relevance).flat())].sort();
  const key = Object.keys(spec.relevance)
    .filter((k) => attribute === k || attribute.startsWith(`${k}.`))
    .sort((a, b) => b.length - a.length)[0];
  return key ? [...spec.relevance[key]!] : [];
}
