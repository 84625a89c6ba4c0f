/**
 * SI-1: Lambda egress only HTTPS (tcp/443) via a NAT gateway; AWS service traffic via VPC endpoints.
 * For every function with a `vpc_config` (SI-2 judges functions without one):
 *  - every egress rule of its security groups (inline `egress` blocks, `aws_security_group_rule`
 *    type egress, `aws_vpc_security_group_egress_rule`) must be exactly tcp 443-443;
 *  - each subnet's effective route table (its explicit association, else the VPC's main table) must
 *    not send 0.0.0.0/0 or ::/0 to an internet gateway (an `aws_internet_gateway`, an `igw-` id or an
 *    egress-only gateway); a default route via a NAT gateway, another target (transit gateway,
 *    firewall endpoint) or no default route at all does not fail;
 *  - the functions' VPC, derived from their subnets, must have endpoints for DynamoDB (Gateway),
 *    Secrets Manager, Bedrock Runtime and EventBridge (Interface).
 * Referenced security groups, subnets and route tables that are not in the inventory are `error`.
 */
import type { Resource } from '../../model/inventory.js';
import { RefObject, Unknown, isObject, refsOf, show, type Value, type ValueObject } from '../../model/value.js';
import { egressViolation, isAnyAddress, normalizeProtocol } from '../../net/index.js';
import { OutcomeBuilder, gapErrors, inScope, label, readBlock, readList, readNumber, readString, unknownReason } from '../lib/pipeline.js';
import type { Rule, RuleContext, RuleOutcome } from '../define.js';

export const REQUIRED_ENDPOINTS = [
  { service: 'dynamodb', type: 'Gateway' },
  { service: 'secretsmanager', type: 'Interface' },
  { service: 'bedrock-runtime', type: 'Interface' },
  { service: 'events', type: 'Interface' },
] as const;

const NEEDS = [
  'aws_lambda_function',
  'aws_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_egress_rule',
  'aws_subnet',
  'aws_route_table',
  'aws_route',
  'aws_route_table_association',
  'aws_main_route_table_association',
  'aws_internet_gateway',
  'aws_vpc_endpoint',
  'aws_vpc',
];

type Status = 'pass' | 'fail' | 'error';
interface Verdict {
  status: Status;
  observed: string;
}
const worst = (a: Status, b: Status): Status => (a === 'fail' || b === 'fail' ? 'fail' : a === 'error' || b === 'error' ? 'error' : 'pass');

export const lambdaEgress: Rule = {
  id: 'SI-1',
  scope: 'state',
  evaluate(ctx: RuleContext): RuleOutcome {
    const out = new OutcomeBuilder(gapErrors(ctx, NEEDS));
    const check = new EgressCheck(ctx, out);
    let any = false;
    for (const fn of inScope(ctx, 'aws_lambda_function')) {
      const vc = readBlock(fn.values.vpc_config);
      if (vc.kind === 'missing') continue;
      any = true;
      if (vc.kind === 'unknown') {
        out.error(fn, `vpc_config of function ${label(fn)} is unknown: ${vc.reason}`, 'vpc_config');
        out.examine(fn, 'error', 'vpc_config unknown');
        continue;
      }
      const v = check.fn(fn, vc.value);
      out.examine(fn, v.status, v.observed);
    }
    if (!any) return out.finish('no Lambda function runs in a VPC (SI-2 judges functions outside one)');
    return out.finish('no Lambda function runs in a VPC');
  },
};

/** One identity for a VPC whether it is a resource in the inventory or only an id string. */
interface VpcRef {
  key: string;
  resource?: Resource;
  label: string;
}

class EgressCheck {
  private readonly sgDone = new Map<string, Verdict>();
  private readonly rtDone = new Map<string, Verdict>();
  private readonly vpcDone = new Map<string, Verdict>();
  /** Separate rule resources by the security group they attach to, per rule type (read once). */
  private readonly rulesOf = new Map<string, Map<string, Resource[]>>();

  constructor(
    private readonly ctx: RuleContext,
    private readonly out: OutcomeBuilder,
  ) {}

  fn(fn: Resource, vc: ValueObject): Verdict {
    let status: Status = 'pass';
    const observed = new Set<string>();
    const note = (v: Verdict): void => {
      status = worst(status, v.status);
      observed.add(v.observed);
    };
    for (const sg of this.members(
      fn,
      vc.security_group_ids,
      'aws_security_group',
      'security group',
      'vpc_config.security_group_ids',
      note,
    )) {
      note(this.memo(this.sgDone, sg.address, () => this.securityGroup(sg)));
    }
    const vpcs = new Map<string, VpcRef>();
    for (const subnet of this.members(fn, vc.subnet_ids, 'aws_subnet', 'subnet', 'vpc_config.subnet_ids', note)) {
      const vpc = this.vpcOfSubnet(subnet);
      if (!vpc) {
        note({ status: 'error', observed: `subnet ${label(subnet)}: VPC unknown` });
        continue;
      }
      vpcs.set(vpc.key, vpc);
      note(this.subnetRoutes(subnet, vpc));
    }
    for (const vpc of vpcs.values()) note(this.memo(this.vpcDone, vpc.key, () => this.endpoints(vpc, fn)));
    return { status, observed: [...observed].join('; ') || 'no security group or subnet to examine' };
  }

  private memo(m: Map<string, Verdict>, key: string, f: () => Verdict): Verdict {
    const hit = m.get(key);
    if (hit) return hit;
    const v = f();
    m.set(key, v);
    return v;
  }

  /** The resources a vpc_config list designates; unresolvable members are errors on the function. */
  private members(fn: Resource, list: Value | undefined, type: string, what: string, attr: string, note: (v: Verdict) => void): Resource[] {
    const l = readList(list);
    if (l.kind === 'unknown') {
      this.out.error(fn, `${attr} of function ${label(fn)} is unknown: ${l.reason}`, attr);
      note({ status: 'error', observed: `${attr} unknown` });
      return [];
    }
    if (l.kind !== 'ok') return [];
    const found = new Map<string, Resource>();
    for (const el of l.value) {
      if (el === null || el === '') continue;
      const res = this.ctx.index.resolve(el, [type]);
      if (res.resources.length === 0) {
        const why = el instanceof Unknown || el instanceof RefObject ? `is unknown: ${unknownReason(el)}` : 'is not in the inventory';
        this.out.error(fn, `${what} ${show(el)} of function ${label(fn)} ${why}`, attr, `${attr}:${show(el)}`);
        note({ status: 'error', observed: `${what} ${show(el)} not found` });
      }
      for (const r of res.resources) found.set(r.address, r);
    }
    return [...found.values()];
  }

  // ------------------------------------------------------------ security groups

  private securityGroup(sg: Resource): Verdict {
    let status: Status = 'pass';
    const seen: string[] = [];
    const judge = (rule: EgressRuleView): void => {
      const v = this.egressRule(sg, rule);
      status = worst(status, v.status);
      seen.push(v.observed);
    };
    const inline = readList(sg.values.egress);
    if (inline.kind === 'unknown') {
      this.out.error(sg, `egress of security group ${label(sg)} is unknown: ${inline.reason}`, 'egress');
      status = 'error';
    } else if (inline.kind === 'ok') {
      inline.value.forEach((blk, i) => {
        if (!isObject(blk)) {
          this.out.error(sg, `egress.${i} of security group ${label(sg)} is unknown`, `egress.${i}`);
          status = 'error';
          return;
        }
        judge({
          resource: sg,
          prefix: `egress.${i}.`,
          protocolAttr: 'protocol',
          protocol: blk.protocol,
          from: blk.from_port,
          to: blk.to_port,
          dests: [blk.cidr_blocks, blk.ipv6_cidr_blocks, blk.prefix_list_ids, blk.security_groups],
        });
      });
    }
    for (const rule of this.rulesAttachedTo('aws_security_group_rule', sg)) {
      const type = readString(rule.values.type);
      if (type.kind === 'ok' && type.value !== 'egress') continue;
      if (type.kind !== 'ok') {
        this.out.error(rule, `type of ${rule.address} is not known, so it may be an egress rule of ${label(sg)}`, 'type');
        status = 'error';
        continue;
      }
      judge({
        resource: rule,
        prefix: '',
        protocolAttr: 'protocol',
        protocol: rule.values.protocol,
        from: rule.values.from_port,
        to: rule.values.to_port,
        dests: [rule.values.cidr_blocks, rule.values.ipv6_cidr_blocks, rule.values.prefix_list_ids, rule.values.source_security_group_id],
      });
    }
    for (const rule of this.rulesAttachedTo('aws_vpc_security_group_egress_rule', sg)) {
      judge({
        resource: rule,
        prefix: '',
        protocolAttr: 'ip_protocol',
        protocol: rule.values.ip_protocol,
        from: rule.values.from_port,
        to: rule.values.to_port,
        dests: [rule.values.cidr_ipv4, rule.values.cidr_ipv6, rule.values.prefix_list_id, rule.values.referenced_security_group_id],
      });
    }
    const observed = `security group ${label(sg)}: ${seen.length === 0 ? 'no egress rule' : seen.join(', ')}`;
    this.out.examine(sg, status, observed);
    return { status, observed };
  }

  /** The `type` resources whose security_group_id designates `sg`, in inventory order. */
  private rulesAttachedTo(type: string, sg: Resource): Resource[] {
    let bySg = this.rulesOf.get(type);
    if (!bySg) {
      // one pass over the rules, not one per security group (100 groups x 900 rules on a large estate)
      bySg = new Map();
      for (const rule of inScope(this.ctx, type)) {
        // resolve() names each resource once, so a rule is listed once per group
        for (const target of this.ctx.index.resolve(rule.values.security_group_id, ['aws_security_group']).resources) {
          const list = bySg.get(target.address);
          if (list) list.push(rule);
          else bySg.set(target.address, [rule]);
        }
      }
      this.rulesOf.set(type, bySg);
    }
    return bySg.get(sg.address) ?? [];
  }

  /**
   * An egress rule is a definite violation as soon as a known part rules out "exactly tcp 443-443"
   * (a protocol other than tcp, a port other than 443), even while another part is unknown; only
   * what cannot be told either way is an error.
   */
  private egressRule(sg: Resource, rule: EgressRuleView): Verdict {
    const where = rule.resource === sg ? `security group ${label(sg)}` : `${rule.resource.address} (security group ${label(sg)})`;
    const p = readString(rule.protocol);
    const protoAttr = `${rule.prefix}${rule.protocolAttr}`;
    const protocol = p.kind === 'ok' ? normalizeProtocol(p.value) : undefined;
    const ports: { from?: number; to?: number } = {};
    const unknownPorts: { attr: string; reason: string }[] = [];
    if (protocol === undefined || protocol === 'tcp' || protocol === 'udp') {
      for (const [k, v] of [
        ['from', rule.from],
        ['to', rule.to],
      ] as const) {
        const n = readNumber(v);
        if (n.kind === 'ok') ports[k] = n.value;
        else if (n.kind === 'unknown') unknownPorts.push({ attr: `${rule.prefix}${k}_port`, reason: n.reason });
      }
    }
    const wrongPort = [ports.from, ports.to].some((n) => n !== undefined && n !== 443);
    const definite = (protocol !== undefined && protocol !== 'tcp') || wrongPort;
    if (!definite && p.kind !== 'ok') {
      const why = p.kind === 'unknown' ? `is unknown: ${p.reason}` : 'is missing';
      this.out.error(rule.resource, `${protoAttr} of ${where} ${why}`, protoAttr, protoAttr);
      return { status: 'error', observed: `${protoAttr} unknown` };
    }
    if (!definite && unknownPorts.length > 0) {
      const { attr, reason } = unknownPorts[0]!;
      this.out.error(rule.resource, `${attr} of ${where} is unknown: ${reason}`, attr, attr);
      return { status: 'error', observed: `${attr} unknown` };
    }
    const cidrs = destinations(rule.dests);
    const violation =
      p.kind === 'ok'
        ? egressViolation({
            protocol: p.value,
            ...(ports.from !== undefined ? { from_port: ports.from } : {}),
            ...(ports.to !== undefined ? { to_port: ports.to } : {}),
            cidrs,
          })
        : `egress rule allows ports ${ports.from ?? '?'}-${ports.to ?? '?'} of a protocol not known statically${cidrs.length ? ` to ${cidrs.join(', ')}` : ''}`;
    if (!violation) return { status: 'pass', observed: 'tcp/443' };
    // The port that widens the range: from_port below 443, else to_port above it.
    const portAttr = ports.from !== undefined && ports.from !== 443 ? 'from_port' : 'to_port';
    const attr = protocol === 'tcp' || protocol === undefined ? `${rule.prefix}${portAttr}` : protoAttr;
    this.out.fail(rule.resource, `${violation} (${where})`, attr, rule.prefix ? rule.prefix.slice(0, -1) : 'egress');
    return { status: 'fail', observed: violation.replace(/^egress rule allows /, '') };
  }

  // ------------------------------------------------------------ routes

  private vpcOfSubnet(subnet: Resource): VpcRef | undefined {
    const v = subnet.values.vpc_id;
    const ref = this.vpcRef(v);
    if (!ref) {
      const why = v instanceof Unknown || v instanceof RefObject ? `is unknown: ${unknownReason(v)}` : 'is missing';
      this.out.error(subnet, `vpc_id of subnet ${label(subnet)} ${why}`, 'vpc_id');
      this.out.examine(subnet, 'error', 'vpc_id unknown');
    }
    return ref;
  }

  private vpcRef(v: Value | undefined): VpcRef | undefined {
    const res = this.ctx.index.resolve(v, ['aws_vpc']).resources[0];
    if (res) return { key: res.address, resource: res, label: typeof res.values.id === 'string' ? res.values.id : res.address };
    if (typeof v === 'string' && v !== '') return { key: v, label: v };
    return undefined;
  }

  private sameVpc(v: Value | undefined, vpc: VpcRef): boolean {
    const r = this.vpcRef(v);
    return r !== undefined && r.key === vpc.key;
  }

  private subnetRoutes(subnet: Resource, vpc: VpcRef): Verdict {
    const table = this.routeTableOf(subnet, vpc);
    if ('problem' in table) {
      this.out.error(subnet, table.problem, 'id', 'route_table');
      this.out.examine(subnet, 'error', table.problem);
      return { status: 'error', observed: `subnet ${label(subnet)}: route table unknown` };
    }
    const v = this.memo(this.rtDone, table.rt.address, () => this.routes(table.rt));
    this.out.examine(subnet, v.status, `${table.how} route table ${label(table.rt)}: ${v.observed}`);
    return { status: v.status, observed: `route table ${label(table.rt)}: ${v.observed}` };
  }

  private routeTableOf(subnet: Resource, vpc: VpcRef): { rt: Resource; how: string } | { problem: string } {
    const assoc = inScope(this.ctx, 'aws_route_table_association').find((a) =>
      this.ctx.index.resolve(a.values.subnet_id, ['aws_subnet']).resources.some((s) => s.address === subnet.address),
    );
    if (assoc) {
      const rt = this.ctx.index.resolve(assoc.values.route_table_id, ['aws_route_table', 'aws_default_route_table']).resources[0];
      return rt
        ? { rt, how: 'associated' }
        : {
            problem: `route table ${show(assoc.values.route_table_id)} associated with subnet ${label(subnet)} (${assoc.address}) is not in the inventory`,
          };
    }
    const main = inScope(this.ctx, 'aws_main_route_table_association').find((m) => this.sameVpc(m.values.vpc_id, vpc));
    if (main) {
      const rt = this.ctx.index.resolve(main.values.route_table_id, ['aws_route_table', 'aws_default_route_table']).resources[0];
      return rt
        ? { rt, how: 'main' }
        : { problem: `main route table ${show(main.values.route_table_id)} of VPC ${vpc.label} is not in the inventory` };
    }
    const dflt = inScope(this.ctx, 'aws_default_route_table').find((d) =>
      this.ctx.index.resolve(d.values.default_route_table_id, ['aws_vpc']).resources.some((r) => r.address === vpc.key),
    );
    if (dflt) return { rt: dflt, how: 'main (default)' };
    return {
      problem: `subnet ${label(subnet)} has no route table association and the main route table of VPC ${vpc.label} is not known`,
    };
  }

  private routes(rt: Resource): Verdict {
    let status: Status = 'pass';
    const seen: string[] = [];
    const judge = (r: RouteView): void => {
      const v = this.route(rt, r);
      status = worst(status, v.status);
      if (v.observed) seen.push(v.observed);
    };
    const inline = readList(rt.values.route);
    if (inline.kind === 'unknown') {
      this.out.error(rt, `route of route table ${label(rt)} is unknown: ${inline.reason}`, 'route');
      status = 'error';
    } else if (inline.kind === 'ok') {
      inline.value.forEach((blk, i) => {
        if (!isObject(blk)) {
          this.out.error(rt, `route.${i} of route table ${label(rt)} is unknown`, `route.${i}`);
          status = 'error';
          return;
        }
        judge({ resource: rt, prefix: `route.${i}.`, v4: blk.cidr_block, v6: blk.ipv6_cidr_block, values: blk });
      });
    }
    for (const r of inScope(this.ctx, 'aws_route')) {
      const owner = this.ctx.index.resolve(r.values.route_table_id, ['aws_route_table', 'aws_default_route_table']).resources;
      if (!owner.some((o) => o.address === rt.address)) continue;
      judge({ resource: r, prefix: '', v4: r.values.destination_cidr_block, v6: r.values.destination_ipv6_cidr_block, values: r.values });
    }
    const observed = seen.length > 0 ? seen.join(', ') : 'no default route';
    this.out.examine(rt, status, observed);
    return { status, observed };
  }

  private route(rt: Resource, r: RouteView): Verdict {
    const dests = [r.v4, r.v6].filter((d) => d !== undefined && d !== null && d !== '');
    const known = dests.filter((d): d is string => typeof d === 'string');
    const isDefault = known.some((d) => isAnyAddress(d));
    const maybeDefault = dests.length > known.length;
    if (!isDefault && !maybeDefault) return { status: 'pass', observed: '' };
    const dest = known.find((d) => isAnyAddress(d)) ?? show(dests.find((d) => typeof d !== 'string'));
    const target = this.routeTarget(r.values);
    const where = r.resource === rt ? `route table ${label(rt)}` : `${r.resource.address} (route table ${label(rt)})`;
    const attr = `${r.prefix}${target.attr}`;
    if (target.kind === 'igw') {
      if (!isDefault) {
        this.out.error(
          r.resource,
          `a route of ${where} goes to internet gateway ${target.label} and its destination is unknown`,
          attr,
          attr,
        );
        return { status: 'error', observed: `? -> ${target.label}` };
      }
      this.out.fail(
        r.resource,
        `default route ${dest} of ${where} goes to internet gateway ${target.label} instead of a NAT gateway`,
        attr,
        attr,
      );
      return { status: 'fail', observed: `${dest} -> internet gateway ${target.label}` };
    }
    if (target.kind === 'unknown' && isDefault) {
      this.out.error(r.resource, `the target of default route ${dest} of ${where} is unknown: ${target.label}`, attr, attr);
      return { status: 'error', observed: `${dest} -> unknown` };
    }
    return { status: 'pass', observed: isDefault ? `${dest} -> ${target.label}` : '' };
  }

  private routeTarget(v: ValueObject): { kind: 'igw' | 'nat' | 'other' | 'unknown'; label: string; attr: string } {
    const present = (x: Value | undefined): boolean => x !== undefined && x !== null && x !== '';
    if (present(v.nat_gateway_id)) return { kind: 'nat', label: `NAT gateway ${showId(v.nat_gateway_id)}`, attr: 'nat_gateway_id' };
    if (present(v.egress_only_gateway_id)) {
      return { kind: 'igw', label: `(egress-only) ${showId(v.egress_only_gateway_id)}`, attr: 'egress_only_gateway_id' };
    }
    const g = v.gateway_id;
    if (present(g)) {
      const igw = this.ctx.index.resolve(g, ['aws_internet_gateway']).resources[0];
      if (igw) return { kind: 'igw', label: typeof igw.values.id === 'string' ? igw.values.id : igw.address, attr: 'gateway_id' };
      if (typeof g === 'string') {
        return g.startsWith('igw-') ? { kind: 'igw', label: g, attr: 'gateway_id' } : { kind: 'other', label: g, attr: 'gateway_id' };
      }
      const other = this.ctx.index.resolve(g).resources[0];
      if (other) return { kind: 'other', label: other.address, attr: 'gateway_id' };
      return { kind: 'unknown', label: `gateway_id ${show(g)}`, attr: 'gateway_id' };
    }
    for (const k of [
      'transit_gateway_id',
      'vpc_peering_connection_id',
      'network_interface_id',
      'vpc_endpoint_id',
      'carrier_gateway_id',
      'local_gateway_id',
      'core_network_arn',
    ]) {
      if (present(v[k])) return { kind: 'other', label: `${k} ${showId(v[k])}`, attr: k };
    }
    return { kind: 'other', label: 'no gateway', attr: 'gateway_id' };
  }

  // ------------------------------------------------------------ VPC endpoints

  private endpoints(vpc: VpcRef, someFn: Resource): Verdict {
    const mine: Resource[] = [];
    const maybe: Resource[] = [];
    for (const ep of inScope(this.ctx, 'aws_vpc_endpoint')) {
      // Live: an endpoint that is deleted, failed or rejected carries no traffic.
      const state = ep.values.state;
      if (typeof state === 'string' && state !== '' && !/^(available|pending)/i.test(state)) continue;
      if (this.sameVpc(ep.values.vpc_id, vpc)) mine.push(ep);
      else if (!this.vpcRef(ep.values.vpc_id)) maybe.push(ep);
    }
    const target = vpc.resource ?? someFn;
    const targetAttr = vpc.resource ? undefined : 'vpc_config.subnet_ids';
    let status: Status = 'pass';
    const have: string[] = [];
    for (const req of REQUIRED_ENDPOINTS) {
      const judged = mine.map((ep) => ({
        ep,
        svc: serviceMatch(ep.values.service_name, req.service),
        type: endpointType(ep.values.vpc_endpoint_type),
      }));
      const ok = judged.find((j) => j.svc === 'yes' && j.type === req.type);
      if (ok) {
        have.push(req.service);
        continue;
      }
      const wrongType = judged.find((j) => j.svc === 'yes' && j.type !== undefined && j.type !== req.type);
      const undecided = [
        ...judged.filter((j) => j.svc === 'maybe' || (j.svc === 'yes' && j.type === undefined)).map((j) => j.ep),
        ...maybe,
      ];
      if (undecided.length > 0) {
        const why = undecided.map(
          (ep) =>
            `${ep.address} (service_name ${show(ep.values.service_name)}, vpc_id ${show(ep.values.vpc_id)}, type ${show(ep.values.vpc_endpoint_type)})`,
        );
        this.out.error(
          target,
          `cannot tell whether VPC ${vpc.label} has a ${req.type} endpoint for ${req.service}: ${why.join('; ')}`,
          targetAttr,
          `endpoint:${req.service}`,
        );
        status = worst(status, 'error');
      } else if (wrongType) {
        this.out.fail(
          wrongType.ep,
          `the VPC endpoint for ${req.service} in VPC ${vpc.label} is ${wrongType.type}; a ${req.type} endpoint is required`,
          'vpc_endpoint_type',
          `endpoint:${req.service}`,
        );
        status = 'fail';
      } else {
        this.out.fail(
          target,
          `VPC ${vpc.label} has no VPC endpoint for ${req.service} (${req.type})`,
          targetAttr,
          `endpoint:${req.service}`,
        );
        status = 'fail';
      }
    }
    const missing = REQUIRED_ENDPOINTS.map((r) => r.service).filter((s) => !have.includes(s));
    const observed = `VPC ${vpc.label} endpoints: ${have.join(', ') || 'none'}${missing.length ? ` (missing or undecidable: ${missing.join(', ')})` : ''}`;
    if (vpc.resource) this.out.examine(vpc.resource, status, observed);
    return { status, observed };
  }
}

interface EgressRuleView {
  resource: Resource;
  /** `egress.1.` for inline blocks, '' for rule resources. */
  prefix: string;
  protocolAttr: string;
  protocol: Value | undefined;
  from: Value | undefined;
  to: Value | undefined;
  dests: (Value | undefined)[];
}

interface RouteView {
  resource: Resource;
  prefix: string;
  v4: Value | undefined;
  v6: Value | undefined;
  values: ValueObject;
}

/** Destinations of a rule for the message: CIDRs, prefix lists, groups (references by address). */
function destinations(values: (Value | undefined)[]): string[] {
  const out: string[] = [];
  const add = (v: Value | undefined): void => {
    if (v === undefined || v === null || v === '') return;
    if (Array.isArray(v)) return v.forEach(add);
    if (typeof v === 'string') out.push(v);
    else if (v instanceof Unknown || v instanceof RefObject) out.push(refsOf(v)[0] ?? '(unknown)');
  };
  values.forEach(add);
  return out;
}

const showId = (v: Value | undefined): string => (typeof v === 'string' ? v : (refsOf(v ?? null)[0] ?? show(v)));

/** Does `service_name` (`com.amazonaws.<region>.dynamodb`, maybe a partial pattern) name `service`? */
function serviceMatch(v: Value | undefined, service: string): 'yes' | 'no' | 'maybe' {
  const suffix = `.${service}`;
  if (typeof v === 'string') return v.endsWith(suffix) ? 'yes' : 'no';
  if (v instanceof Unknown && v.pattern) {
    if (v.pattern.endsWith(suffix)) return 'yes';
    const tail = v.pattern.slice(v.pattern.lastIndexOf('*') + 1);
    // The known tail after the last unknown part decides unless it is empty or could end the name.
    return v.pattern.includes('*') && suffix.endsWith(tail) ? 'maybe' : 'no';
  }
  return 'maybe';
}

/** `vpc_endpoint_type`, default Gateway (the provider's default); undefined when unknown. */
function endpointType(v: Value | undefined): string | undefined {
  if (v === undefined || v === null || v === '') return 'Gateway';
  return typeof v === 'string' ? v : undefined;
}
