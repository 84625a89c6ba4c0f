/**
 * CIDR reasoning for IPv4 and IPv6 on bigints: parse, containment, "any address".
 * Syntax is validated by node:net (isIPv4/isIPv6); the arithmetic is ours, there is no IP library
 * in the dependency set.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  version: 4 | 6;
  /** Network address (host bits cleared) as an integer of 32 or 128 bits. */
  bits: bigint;
  prefix: number;
}

const widthOf = (version: 4 | 6): number => (version === 4 ? 32 : 128);

function ipv4ToBigint(addr: string): bigint {
  return addr.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

/** Eight 16-bit groups; `::` expands to the missing zeros, a trailing dotted quad is two groups. */
function ipv6ToBigint(addr: string): bigint {
  let text = addr;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = Number(ipv4ToBigint(dotted[1]!));
    tail.push(v4 >>> 16, v4 & 0xffff);
    // `::ffff:1.2.3.4` -> `::ffff`, `::1.2.3.4` -> `::` (keep the `::`, drop a lone separator).
    text = text.slice(0, -dotted[1]!.length);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (s: string | undefined): number[] =>
    s
      ? s
          .split(':')
          .filter((g) => g !== '')
          .map((g) => parseInt(g, 16))
      : [];
  const left = groups(head);
  const right = [...groups(rest), ...tail];
  const zeros = rest === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right].reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** `10.0.0.0/8`, `2001:db8::/32`; a bare address is a host route (/32, /128). Undefined when invalid. */
export function parseCidr(s: string): Cidr | undefined {
  const m = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(s.trim());
  if (!m) return undefined;
  const addr = m[1]!;
  const version: 4 | 6 | undefined = isIPv4(addr) ? 4 : isIPv6(addr) && !addr.includes('%') ? 6 : undefined;
  if (version === undefined) return undefined;
  const width = widthOf(version);
  const prefix = m[2] === undefined ? width : Number(m[2]);
  if (prefix > width) return undefined;
  const raw = version === 4 ? ipv4ToBigint(addr) : ipv6ToBigint(addr);
  const hostBits = BigInt(width - prefix);
  return { version, bits: (raw >> hostBits) << hostBits, prefix };
}

/** Every address of its family: `0.0.0.0/0`, `::/0` (any /0). */
export function isAnyAddress(cidr: string): boolean {
  return parseCidr(cidr)?.prefix === 0;
}

/** `inner` lies entirely within `outer` (same family). False when either is invalid. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (!o || !i || o.version !== i.version || o.prefix > i.prefix) return false;
  const shift = BigInt(widthOf(o.version) - o.prefix);
  return i.bits >> shift === o.bits >> shift;
}
