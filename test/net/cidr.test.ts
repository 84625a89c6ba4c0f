import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains, isAnyAddress, parseCidr } from '../../src/net/cidr.js';

describe('parseCidr', () => {
  it.each<[string, ReturnType<typeof parseCidr>]>([
    ['0.0.0.0/0', { version: 4, bits: 0n, prefix: 0 }],
    ['10.0.0.0/8', { version: 4, bits: 10n << 24n, prefix: 8 }],
    ['10.1.2.3/8', { version: 4, bits: 10n << 24n, prefix: 8 }], // host bits cleared
    ['192.168.1.1', { version: 4, bits: 0xc0a80101n, prefix: 32 }],
    [' 172.16.0.0/12 ', { version: 4, bits: 0xac100000n, prefix: 12 }],
    ['::/0', { version: 6, bits: 0n, prefix: 0 }],
    ['::1', { version: 6, bits: 1n, prefix: 128 }],
    ['2001:db8::/32', { version: 6, bits: 0x20010db8n << 96n, prefix: 32 }],
    ['2001:db8:0:0:0:0:0:1/128', { version: 6, bits: (0x20010db8n << 96n) | 1n, prefix: 128 }],
    ['fe80::1:2/64', { version: 6, bits: 0xfe80n << 112n, prefix: 64 }],
    ['::ffff:10.0.0.1/128', { version: 6, bits: (0xffffn << 32n) | 0x0a000001n, prefix: 128 }],
    ['64:ff9b::192.0.2.33', { version: 6, bits: (0x64ff9bn << 96n) | 0xc0000221n, prefix: 128 }],
    ['1:2:3:4:5:6:1.2.3.4', { version: 6, bits: 0x0001000200030004000500060102_0304n, prefix: 128 }],
  ])('%s', (s, want) => {
    expect(parseCidr(s)).toEqual(want);
  });

  it.each([
    '',
    '10.0.0.0/33',
    '::/129',
    '256.0.0.0/8',
    '10.0.0/8',
    '01.2.3.4/32',
    '1::2::3/64',
    'fe80::1%eth0/64',
    'abc',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
  ])('%s is invalid', (s) => {
    expect(parseCidr(s)).toBeUndefined();
  });

  it('round-trips random IPv4 addresses', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
        const c = parseCidr(`${ip}/${prefix}`)!;
        const raw = ip.split('.').reduce((a, o) => a * 256n + BigInt(o), 0n);
        const host = BigInt(32 - prefix);
        expect(c).toEqual({ version: 4, bits: (raw >> host) << host, prefix });
      }),
    );
  });
  it('parses every valid IPv6 form fast-check generates, agreeing with the fully expanded form', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const c = parseCidr(ip);
        expect(c?.version).toBe(6);
        const groups = Array.from({ length: 8 }, (_v, i) => ((c!.bits >> BigInt(16 * (7 - i))) & 0xffffn).toString(16));
        expect(parseCidr(groups.join(':'))).toEqual(c);
      }),
    );
  });
});

describe('isAnyAddress', () => {
  it.each([
    ['0.0.0.0/0', true],
    ['::/0', true],
    ['10.0.0.0/0', true],
    ['0.0.0.0/1', false],
    ['10.0.0.0/8', false],
    ['0.0.0.0', false],
    ['nonsense', false],
  ])('%s -> %s', (c, want) => {
    expect(isAnyAddress(c)).toBe(want);
  });
});

describe('cidrContains', () => {
  it.each([
    ['0.0.0.0/0', '10.0.0.0/8', true],
    ['10.0.0.0/8', '10.20.0.0/16', true],
    ['10.0.0.0/8', '10.0.0.0/8', true],
    ['10.0.0.0/16', '10.0.0.0/8', false],
    ['10.0.0.0/8', '11.0.0.0/16', false],
    ['10.0.0.0/8', '10.255.255.255', true],
    ['::/0', '2001:db8::/32', true],
    ['2001:db8::/32', '2001:db8:ffff::/48', true],
    ['2001:db8::/32', '2001:db9::/48', false],
    ['0.0.0.0/0', '::/0', false],
    ['::/0', '0.0.0.0/0', false],
    ['bad', '10.0.0.0/8', false],
  ])('%s contains %s: %s', (o, i, want) => {
    expect(cidrContains(o, i)).toBe(want);
  });

  it('agrees with address arithmetic on random IPv4 prefixes', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (a, pa, b, pb) => {
        const n = (ip: string) => ip.split('.').reduce((x, o) => x * 256 + Number(o), 0);
        const net = (ip: string, p: number) => (p === 0 ? 0 : Math.floor(n(ip) / 2 ** (32 - p)));
        const want = pa <= pb && net(a, pa) === Math.floor(net(b, pb) / 2 ** (pb - pa));
        expect(cidrContains(`${a}/${pa}`, `${b}/${pb}`)).toBe(want);
      }),
      { numRuns: 500 },
    );
  });
});
