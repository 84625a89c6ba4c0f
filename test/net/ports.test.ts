import { describe, expect, it } from 'vitest';
import { egressViolation, normalizeProtocol } from '../../src/net/ports.js';

describe('normalizeProtocol', () => {
  it.each<[string | number, string]>([
    [-1, 'all'],
    ['-1', 'all'],
    ['all', 'all'],
    ['ALL', 'all'],
    [6, 'tcp'],
    ['6', 'tcp'],
    ['tcp', 'tcp'],
    ['TCP', 'tcp'],
    [17, 'udp'],
    ['udp', 'udp'],
    [1, 'icmp'],
    ['icmp', 'icmp'],
    [58, 'icmpv6'],
    ['58', 'icmpv6'],
    ['icmpv6', 'icmpv6'],
    ['50', '50'],
    ['esp', 'esp'],
  ])('%s -> %s', (p, want) => {
    expect(normalizeProtocol(p)).toBe(want);
  });
});

describe('egressViolation', () => {
  it.each<[Parameters<typeof egressViolation>[0], string | undefined]>([
    [{ protocol: 'tcp', from_port: 443, to_port: 443, cidrs: ['0.0.0.0/0'] }, undefined],
    [{ protocol: '6', from_port: 443, to_port: 443, cidrs: ['0.0.0.0/0', '::/0'] }, undefined],
    [{ protocol: 6, from_port: 443, to_port: 443 }, undefined],
    [{ protocol: '-1', from_port: 0, to_port: 0, cidrs: ['0.0.0.0/0'] }, 'egress rule allows protocol -1 to 0.0.0.0/0'],
    [{ protocol: -1, cidrs: ['0.0.0.0/0'] }, 'egress rule allows protocol -1 to 0.0.0.0/0'],
    [{ protocol: 'all', cidrs: ['::/0'] }, 'egress rule allows protocol all to ::/0'],
    [{ protocol: 'tcp', from_port: 0, to_port: 65535, cidrs: ['0.0.0.0/0'] }, 'egress rule allows tcp 0-65535 to 0.0.0.0/0'],
    [{ protocol: 'tcp', from_port: 443, to_port: 444, cidrs: ['0.0.0.0/0'] }, 'egress rule allows tcp 443-444 to 0.0.0.0/0'],
    [{ protocol: 'tcp', from_port: 80, to_port: 80, cidrs: ['0.0.0.0/0'] }, 'egress rule allows tcp 80 to 0.0.0.0/0'],
    [{ protocol: 'tcp', from_port: 443, cidrs: ['0.0.0.0/0'] }, 'egress rule allows tcp 443-? to 0.0.0.0/0'],
    [{ protocol: 'tcp', cidrs: ['0.0.0.0/0'] }, 'egress rule allows tcp with no port range to 0.0.0.0/0'],
    [{ protocol: 'udp', from_port: 443, to_port: 443, cidrs: ['0.0.0.0/0'] }, 'egress rule allows udp 443 to 0.0.0.0/0'],
    [{ protocol: 'udp', from_port: 53, to_port: 53, cidrs: ['10.0.0.0/8'] }, 'egress rule allows udp 53 to 10.0.0.0/8'],
    [{ protocol: '17', from_port: 53, to_port: 53, cidrs: ['10.0.0.0/8', '::/0'] }, 'egress rule allows udp 53 to 10.0.0.0/8, ::/0'],
    [{ protocol: 'icmp', from_port: 8, to_port: 0, cidrs: ['0.0.0.0/0'] }, 'egress rule allows icmp to 0.0.0.0/0'],
    [{ protocol: '50', cidrs: ['0.0.0.0/0'] }, 'egress rule allows protocol 50 to 0.0.0.0/0'],
    [{ protocol: 'udp', from_port: 0, to_port: 65535 }, 'egress rule allows udp 0-65535'],
  ])('%j -> %s', (rule, want) => {
    expect(egressViolation(rule)).toBe(want);
  });
});
