import {
  paginateDescribeInternetGateways,
  paginateDescribeNatGateways,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcEndpoints,
  paginateDescribeVpcs,
  type Filter,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { inScope, tagMap, type InventoryTerm, type LiveResourceSpec } from '../builder.js';
import type { CallFailure } from '../failure.js';
import { deriveVpcId, mapFunction } from '../map/lambda.js';
import {
  LIVE_ENDPOINT_STATES,
  LIVE_NAT_STATES,
  mapInternetGateway,
  mapNatGateway,
  mapRouteTable,
  mapSecurityGroup,
  mapSubnet,
  mapVpc,
  mapVpcEndpoint,
  type Ec2Scope,
} from '../map/ec2.js';
import { allPages, attempt, chunks, uniq, type Attempt, type CollectContext } from './context.js';
import type { ScopedFunction } from './lambda.js';

const ROUTE_TYPES: InventoryTerm[] = ['aws_route_table', 'aws_route_table_association', 'aws_main_route_table_association', 'aws_route'];
const VPC_WIDE_TYPES: InventoryTerm[] = [
  'aws_vpc',
  'aws_subnet',
  ...ROUTE_TYPES,
  'aws_nat_gateway',
  'aws_internet_gateway',
  'aws_vpc_endpoint',
];

/** Runs one filtered Describe over value chunks and concatenates the items. */
async function describeBy<T>(name: string, values: readonly string[], run: (filters: Filter[]) => Promise<T[]>): Promise<Attempt<T[]>> {
  const out: T[] = [];
  for (const chunk of chunks(uniq(values).sort())) {
    const r = await attempt(() => run([{ Name: name, Values: chunk }]));
    if (!r.ok) return r;
    out.push(...r.value);
  }
  return { ok: true, value: out };
}

/**
 * The network of the in-scope functions (their subnets, security groups and everything of their
 * VPCs that decides where traffic goes), plus VPCs named or tagged in the namespace; then the
 * functions themselves, with the VPC derived from their subnets and security groups.
 */
export async function collectNetwork(ctx: CollectContext, functions: readonly ScopedFunction[]): Promise<void> {
  const { ec2 } = ctx.clients;
  const scope: Ec2Scope = { region: ctx.region, partition: ctx.partition, accountId: ctx.accountId };
  const fnSubnets = functions.flatMap((f) => f.fn.VpcConfig?.SubnetIds ?? []);
  const fnGroups = functions.flatMap((f) => f.fn.VpcConfig?.SecurityGroupIds ?? []);

  const [subnetsOfFns, groups, vpcs] = await Promise.all([
    describeBy('subnet-id', fnSubnets, (Filters) =>
      allPages(ctx, 'ec2:DescribeSubnets', paginateDescribeSubnets({ client: ec2 }, { Filters }), (p) => p.Subnets),
    ),
    describeBy('group-id', fnGroups, (Filters) =>
      allPages(ctx, 'ec2:DescribeSecurityGroups', paginateDescribeSecurityGroups({ client: ec2 }, { Filters }), (p) => p.SecurityGroups),
    ),
    attempt(() => allPages(ctx, 'ec2:DescribeVpcs', paginateDescribeVpcs({ client: ec2 }, {}), (p) => p.Vpcs)),
  ]);

  const vpcIds = new Set<string>();
  const vpcOfSubnet = new Map<string, string>();
  const vpcOfGroup = new Map<string, string>();
  if (subnetsOfFns.ok) {
    for (const s of subnetsOfFns.value) if (s.SubnetId && s.VpcId) vpcOfSubnet.set(s.SubnetId, s.VpcId);
  } else ctx.out.gap(['aws_subnet'], subnetsOfFns.failure);
  if (groups.ok) {
    for (const g of groups.value) {
      if (g.GroupId && g.VpcId) vpcOfGroup.set(g.GroupId, g.VpcId);
      ctx.out.add(mapSecurityGroup(g, scope));
    }
  } else ctx.out.gap(['aws_security_group'], groups.failure);
  [...vpcOfSubnet.values(), ...vpcOfGroup.values()].forEach((v) => vpcIds.add(v));
  if (vpcs.ok) {
    for (const v of vpcs.value) if (v.VpcId && inScope(tagMap(v.Tags)['Name'], tagMap(v.Tags), ctx.prefix)) vpcIds.add(v.VpcId);
  } else ctx.out.gap(['aws_vpc'], vpcs.failure);

  // Without the function subnets we do not know which VPCs matter: everything VPC-wide is missing.
  if (!subnetsOfFns.ok) {
    ctx.out.gap(VPC_WIDE_TYPES, `VPCs of the functions unknown because ${subnetsOfFns.failure.reason}`);
  }

  const ids = [...vpcIds].sort();
  if (vpcs.ok) {
    for (const v of vpcs.value) if (v.VpcId && vpcIds.has(v.VpcId)) ctx.out.add(mapVpc(v, scope));
  }
  await collectVpcContents(ctx, scope, ids);

  const lookupFailure = subnetsOfFns.ok ? undefined : subnetsOfFns.failure.reason;
  for (const { fn, tags } of functions) {
    const subnetIds = fn.VpcConfig?.SubnetIds ?? [];
    const groupIds = fn.VpcConfig?.SecurityGroupIds ?? [];
    const vpcId =
      subnetIds.length + groupIds.length > 0 ? deriveVpcId(subnetIds, groupIds, vpcOfSubnet, vpcOfGroup, lookupFailure) : undefined;
    ctx.out.add(mapFunction(fn, ctx.region, ctx.partition, vpcId, tags));
  }
}

async function collectVpcContents(ctx: CollectContext, scope: Ec2Scope, vpcIds: string[]): Promise<void> {
  if (vpcIds.length === 0) return;
  const { ec2 } = ctx.clients;
  const [subnets, tables, nats, igws, endpoints] = await Promise.all([
    describeBy('vpc-id', vpcIds, (Filters) =>
      allPages(ctx, 'ec2:DescribeSubnets', paginateDescribeSubnets({ client: ec2 }, { Filters }), (p) => p.Subnets),
    ),
    describeBy('vpc-id', vpcIds, (Filters) =>
      allPages(ctx, 'ec2:DescribeRouteTables', paginateDescribeRouteTables({ client: ec2 }, { Filters }), (p) => p.RouteTables),
    ),
    describeBy('vpc-id', vpcIds, (Filters) =>
      allPages(ctx, 'ec2:DescribeNatGateways', paginateDescribeNatGateways({ client: ec2 }, { Filter: Filters }), (p) => p.NatGateways),
    ),
    describeBy('attachment.vpc-id', vpcIds, (Filters) =>
      allPages(
        ctx,
        'ec2:DescribeInternetGateways',
        paginateDescribeInternetGateways({ client: ec2 }, { Filters }),
        (p) => p.InternetGateways,
      ),
    ),
    describeBy('vpc-id', vpcIds, (Filters) =>
      allPages(ctx, 'ec2:DescribeVpcEndpoints', paginateDescribeVpcEndpoints({ client: ec2 }, { Filters }), (p) => p.VpcEndpoints),
    ),
  ]);
  addAll(ctx, subnets, ['aws_subnet'], (xs: Subnet[]) => xs.map((s) => mapSubnet(s, scope)));
  addAll(ctx, tables, ROUTE_TYPES, (xs) => xs.flatMap((t) => mapRouteTable(t, scope)));
  addAll(ctx, igws, ['aws_internet_gateway'], (xs) => xs.map((g) => mapInternetGateway(g, scope)));
  addAll(ctx, nats, ['aws_nat_gateway'], (xs) =>
    xs
      .filter((n) => LIVE_NAT_STATES.has(n.State ?? '') || skipped(ctx, `NAT gateway ${n.NatGatewayId}`, n.State))
      .map((n) => mapNatGateway(n, scope)),
  );
  addAll(ctx, endpoints, ['aws_vpc_endpoint'], (xs) =>
    xs
      .filter(
        (e) =>
          LIVE_ENDPOINT_STATES.has((e.State ?? '').toLowerCase()) ||
          skipped(ctx, `VPC endpoint ${e.VpcEndpointId} (${e.ServiceName})`, e.State),
      )
      .map((e) => mapVpcEndpoint(e, scope)),
  );
}

function addAll<T>(ctx: CollectContext, r: Attempt<T[]>, gapTypes: InventoryTerm[], map: (xs: T[]) => LiveResourceSpec[]): void {
  if (!r.ok) return ctx.out.gap(gapTypes, r.failure as CallFailure);
  for (const spec of map(r.value)) ctx.out.add(spec);
}

/** Says (in the limitations) why an existing resource is not counted; never drops it silently. */
function skipped(ctx: CollectContext, what: string, state: string | undefined): false {
  if (!/^deleted$/i.test(state ?? '')) ctx.out.limitation(`${what} is in state ${state ?? 'unknown'} and carries no traffic: not counted`);
  return false;
}
