/**
 * Security group protocol/port reasoning. Callers map both Terraform shapes to one rule:
 * `aws_security_group` egress blocks (protocol, from_port, to_port, cidr_blocks + ipv6_cidr_blocks)
 * and `aws_vpc_security_group_egress_rule` (ip_protocol, from_port, to_port, cidr_ipv4/cidr_ipv6).
 */
import { own } from '../model/dict.js';

export type Protocol = 'all' | 'tcp' | 'udp' | 'icmp' | 'icmpv6' | string;

/** IANA numbers and names EC2 accepts for the protocols that matter here. */
const PROTOCOLS: Record<string, Protocol> = {
  '-1': 'all',
  all: 'all',
  '6': 'tcp',
  tcp: 'tcp',
  '17': 'udp',
  udp: 'udp',
  '1': 'icmp',
  icmp: 'icmp',
  '58': 'icmpv6',
  icmpv6: 'icmpv6',
};

/** "-1"/"all"/-1 -> all, "6"/"tcp" -> tcp, "17" -> udp, "1" -> icmp, "58" -> icmpv6; others as written (lower case). */
export function normalizeProtocol(p: string | number): Protocol {
  const key = String(p).trim().toLowerCase();
  return own(PROTOCOLS, key) ?? key;
}

export interface EgressRule {
  protocol: string | number;
  from_port?: number;
  to_port?: number;
  cidrs?: string[];
}

function portRange(from: number | undefined, to: number | undefined): string {
  if (from === undefined && to === undefined) return 'with no port range';
  // A missing end is shown as `?` so "443-?" does not read as the compliant "443".
  if (from === undefined || to === undefined) return `${from ?? '?'}-${to ?? '?'}`;
  if (from === to) return String(from);
  return `${from}-${to}`;
}

/**
 * Why an egress rule is not "tcp/443 only", or undefined when it is exactly tcp 443-443.
 * e.g. `egress rule allows protocol -1 to 0.0.0.0/0`, `egress rule allows tcp 0-65535 to 0.0.0.0/0`,
 * `egress rule allows udp 53 to 10.0.0.0/8`.
 */
export function egressViolation(rule: EgressRule): string | undefined {
  const protocol = normalizeProtocol(rule.protocol);
  if (protocol === 'tcp' && rule.from_port === 443 && rule.to_port === 443) return undefined;
  const to = rule.cidrs && rule.cidrs.length > 0 ? ` to ${rule.cidrs.join(', ')}` : '';
  // All protocols and unnamed protocols carry no port range (EC2 ignores it); say the protocol as written.
  const what =
    protocol === 'tcp' || protocol === 'udp'
      ? `${protocol} ${portRange(rule.from_port, rule.to_port)}`
      : protocol === 'icmp' || protocol === 'icmpv6'
        ? protocol
        : `protocol ${String(rule.protocol).trim()}`;
  return `egress rule allows ${what}${to}`;
}
