import type {
  InternetGateway,
  IpPermission,
  NatGateway,
  RouteTable,
  SecurityGroup,
  Subnet,
  Tag,
  Vpc,
  VpcEndpoint,
} from '@aws-sdk/client-ec2';
import type { ValueObject } from '../../../model/value.js';
import { identified, tagMap, type LiveResourceSpec } from '../builder.js';
import { own } from '../../../model/dict.js';

/** Where EC2 resources live, for their ARNs. */
export interface Ec2Scope {
  region: string;
  partition: string;
  accountId: string;
}

const arn = (s: Ec2Scope, owner: string | undefined, kind: string, id: string): string =>
  `arn:${s.partition}:ec2:${s.region}:${owner || s.accountId}:${kind}/${id}`;

const tagsOf = (tags: Tag[] | undefined): Record<string, string> => tagMap(tags);

export function mapVpc(v: Vpc, s: Ec2Scope): LiveResourceSpec {
  const id = v.VpcId ?? '';
  const a = arn(s, v.OwnerId, 'vpc', id);
  return {
    type: 'aws_vpc',
    key: id,
    arn: a,
    values: { id, arn: a, cidr_block: v.CidrBlock ?? null, owner_id: v.OwnerId ?? null, tags: tagsOf(v.Tags) },
  };
}

export function mapSubnet(n: Subnet, s: Ec2Scope): LiveResourceSpec {
  const id = n.SubnetId ?? '';
  const a = n.SubnetArn ?? arn(s, n.OwnerId, 'subnet', id);
  return identified('aws_subnet', id, a, {
    vpc_id: n.VpcId ?? null,
    cidr_block: n.CidrBlock ?? null,
    ipv6_cidr_block: n.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock ?? null,
    availability_zone: n.AvailabilityZone ?? null,
    map_public_ip_on_launch: n.MapPublicIpOnLaunch ?? false,
    tags: tagsOf(n.Tags),
  });
}

/** Protocol numbers EC2 may return, as Terraform names them. */
const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

/** One EC2 permission as one Terraform `egress`/`ingress` block (ports 0-0 for protocol -1, as Terraform shows them). */
export function mapPermission(p: IpPermission): ValueObject {
  const raw = (p.IpProtocol ?? '-1').toLowerCase();
  const protocol = own(PROTOCOL_NAMES, raw) ?? raw;
  const all = protocol === '-1';
  return {
    protocol,
    from_port: all ? 0 : (p.FromPort ?? 0),
    to_port: all ? 0 : (p.ToPort ?? 0),
    cidr_blocks: (p.IpRanges ?? []).map((r) => r.CidrIp ?? '').filter(Boolean),
    ipv6_cidr_blocks: (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? '').filter(Boolean),
    prefix_list_ids: (p.PrefixListIds ?? []).map((r) => r.PrefixListId ?? '').filter(Boolean),
    security_groups: (p.UserIdGroupPairs ?? []).map((r) => r.GroupId ?? '').filter(Boolean),
    self: false,
    description: p.IpRanges?.[0]?.Description ?? p.Ipv6Ranges?.[0]?.Description ?? null,
  };
}

export function mapSecurityGroup(g: SecurityGroup, s: Ec2Scope): LiveResourceSpec {
  const id = g.GroupId ?? '';
  const a = g.SecurityGroupArn ?? arn(s, g.OwnerId, 'security-group', id);
  return identified('aws_security_group', id, a, {
    name: g.GroupName ?? null,
    description: g.Description ?? null,
    vpc_id: g.VpcId ?? null,
    egress: (g.IpPermissionsEgress ?? []).map(mapPermission),
    ingress: (g.IpPermissions ?? []).map(mapPermission),
    tags: tagsOf(g.Tags),
  });
}

/**
 * A route table with its routes as Terraform's `route` blocks (the implicit local route left out, as
 * Terraform does), plus one association resource per explicit association and the VPC's main one.
 */
export function mapRouteTable(t: RouteTable, s: Ec2Scope): LiveResourceSpec[] {
  const id = t.RouteTableId ?? '';
  const a = arn(s, t.OwnerId, 'route-table', id);
  const routes = (t.Routes ?? [])
    .filter((r) => r.GatewayId !== 'local' && r.Origin !== 'CreateRouteTable')
    .map((r): ValueObject => ({
      cidr_block: r.DestinationCidrBlock ?? '',
      ipv6_cidr_block: r.DestinationIpv6CidrBlock ?? '',
      destination_prefix_list_id: r.DestinationPrefixListId ?? '',
      gateway_id: r.GatewayId ?? '',
      nat_gateway_id: r.NatGatewayId ?? '',
      egress_only_gateway_id: r.EgressOnlyInternetGatewayId ?? '',
      network_interface_id: r.NetworkInterfaceId ?? '',
      transit_gateway_id: r.TransitGatewayId ?? '',
      vpc_peering_connection_id: r.VpcPeeringConnectionId ?? '',
      state: r.State ?? '',
    }));
  const out: LiveResourceSpec[] = [
    { type: 'aws_route_table', key: id, arn: a, values: { id, arn: a, vpc_id: t.VpcId ?? null, route: routes, tags: tagsOf(t.Tags) } },
  ];
  for (const assoc of t.Associations ?? []) {
    const assocId = assoc.RouteTableAssociationId ?? `${id}-${assoc.SubnetId ?? assoc.GatewayId ?? 'main'}`;
    if (assoc.AssociationState?.State && !['associated', 'associating'].includes(assoc.AssociationState.State)) continue;
    if (assoc.Main) {
      out.push({
        type: 'aws_main_route_table_association',
        key: assocId,
        values: { id: assocId, vpc_id: t.VpcId ?? null, route_table_id: id },
      });
    } else if (assoc.SubnetId) {
      out.push({
        type: 'aws_route_table_association',
        key: assocId,
        values: { id: assocId, subnet_id: assoc.SubnetId, route_table_id: id },
      });
    } else if (assoc.GatewayId) {
      out.push({
        type: 'aws_route_table_association',
        key: assocId,
        values: { id: assocId, gateway_id: assoc.GatewayId, route_table_id: id },
      });
    }
  }
  return out;
}

export function mapInternetGateway(g: InternetGateway, s: Ec2Scope): LiveResourceSpec {
  const id = g.InternetGatewayId ?? '';
  const a = arn(s, g.OwnerId, 'internet-gateway', id);
  return {
    type: 'aws_internet_gateway',
    key: id,
    arn: a,
    values: { id, arn: a, vpc_id: g.Attachments?.[0]?.VpcId ?? null, tags: tagsOf(g.Tags) },
  };
}

export function mapNatGateway(n: NatGateway, s: Ec2Scope): LiveResourceSpec {
  const id = n.NatGatewayId ?? '';
  const a = arn(s, undefined, 'natgateway', id);
  const addr = n.NatGatewayAddresses?.[0];
  return {
    type: 'aws_nat_gateway',
    key: id,
    arn: a,
    values: {
      id,
      subnet_id: n.SubnetId ?? null,
      vpc_id: n.VpcId ?? null,
      connectivity_type: n.ConnectivityType ?? 'public',
      allocation_id: addr?.AllocationId ?? null,
      public_ip: addr?.PublicIp ?? null,
      state: n.State ?? null,
      tags: tagsOf(n.Tags),
    },
  };
}

export function mapVpcEndpoint(e: VpcEndpoint, s: Ec2Scope): LiveResourceSpec {
  const id = e.VpcEndpointId ?? '';
  const a = arn(s, e.OwnerId, 'vpc-endpoint', id);
  return identified('aws_vpc_endpoint', id, a, {
    vpc_id: e.VpcId ?? null,
    service_name: e.ServiceName ?? null,
    vpc_endpoint_type: e.VpcEndpointType ?? null,
    state: (e.State ?? '').toLowerCase() || null,
    private_dns_enabled: e.PrivateDnsEnabled ?? false,
    route_table_ids: [...(e.RouteTableIds ?? [])],
    subnet_ids: [...(e.SubnetIds ?? [])],
    security_group_ids: (e.Groups ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
    policy: e.PolicyDocument ?? null,
    tags: tagsOf(e.Tags),
  });
}

/** Endpoints and NAT gateways that are gone or broken carry no traffic: they are not counted. */
export const LIVE_ENDPOINT_STATES = new Set(['available', 'pending']);
export const LIVE_NAT_STATES = new Set(['available', 'pending']);
