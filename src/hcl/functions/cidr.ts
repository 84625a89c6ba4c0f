/**
 * cidrsubnet, cidrsubnets, cidrhost, cidrnetmask with Terraform's arithmetic, on the project's one
 * CIDR parser (src/net). Addresses print as Go does (IPv6 in RFC 5952 compressed form).
 */
import { parseCidr, type Cidr } from '../../net/cidr.js';
import type { Value } from '../../model/value.js';
import { FnError, toInt, toStr } from './convert.js';
import { MANY, fn, type FunctionTable } from './types.js';

const width = (c: Cidr): number => (c.version === 4 ? 32 : 128);

function prefixArg(v: Value): Cidr {
  const s = toStr(v, 'prefix');
  const c = s.includes('/') ? parseCidr(s) : undefined;
  if (!c) throw new FnError(`invalid CIDR address ${JSON.stringify(s)}`);
  return c;
}

export function formatAddress(bits: bigint, version: 4 | 6): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((bits >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((bits >> BigInt(112 - 16 * i)) & 0xffffn));
  // The longest run of two or more zero groups (the first on a tie) becomes `::`.
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

function cidrsubnet(base: Cidr, newbits: number, netnum: number): string {
  const w = width(base);
  const prefix = base.prefix + newbits;
  if (newbits < 0 || prefix > w) {
    throw new FnError(`insufficient address space to extend prefix of ${base.prefix} by ${newbits}`);
  }
  if (netnum < 0 || BigInt(netnum) >= 1n << BigInt(newbits)) {
    throw new FnError(`prefix extension of ${newbits} does not accommodate a subnet numbered ${netnum}`);
  }
  const bits = base.bits | (BigInt(netnum) << BigInt(w - prefix));
  return `${formatAddress(bits, base.version)}/${prefix}`;
}

function cidrhost(base: Cidr, hostnum: number): string {
  const size = 1n << BigInt(width(base) - base.prefix);
  const host = hostnum < 0 ? size + BigInt(hostnum) : BigInt(hostnum);
  if (host < 0n || host >= size) throw new FnError(`prefix of ${base.prefix} does not accommodate a host numbered ${hostnum}`);
  return formatAddress(base.bits | host, base.version);
}

function cidrnetmask(base: Cidr): string {
  if (base.version !== 4) throw new FnError('only IPv4 prefixes have a netmask');
  const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - base.prefix)) - 1n);
  return formatAddress(mask, 4);
}

/** Consecutive subnets of the given sizes, each aligned after the previous one (go-cidr's NextSubnet). */
function cidrsubnets(base: Cidr, newbits: number[]): string[] {
  const w = width(base);
  const modulus = 1n << BigInt(w);
  const blockStart = (addr: bigint, prefix: number): bigint => (addr >> BigInt(w - prefix)) << BigInt(w - prefix);
  const blockSize = (prefix: number): bigint => 1n << BigInt(w - prefix);
  const baseEnd = base.bits + blockSize(base.prefix);
  let lastAddr = (base.bits - 1n + modulus) % modulus;
  return newbits.map((nb) => {
    const prefix = base.prefix + nb;
    if (nb < 1 || prefix > w) throw new FnError(`would extend prefix to ${prefix} bits, which is too long for this address`);
    const start = blockStart(lastAddr, prefix) + blockSize(prefix);
    if (start < base.bits || start + blockSize(prefix) > baseEnd) {
      throw new FnError(`not enough remaining address space for a subnet with a prefix of ${prefix} bits`);
    }
    lastAddr = start + blockSize(prefix) - 1n;
    return `${formatAddress(start, base.version)}/${prefix}`;
  });
}

export const cidrFunctions: FunctionTable = {
  cidrsubnet: fn(3, 3, ([p, nb, nn]) => cidrsubnet(prefixArg(p!), toInt(nb!, 'newbits'), toInt(nn!, 'netnum'))),
  cidrhost: fn(2, 2, ([p, h]) => cidrhost(prefixArg(p!), toInt(h!, 'hostnum'))),
  cidrnetmask: fn(1, 1, ([p]) => cidrnetmask(prefixArg(p!))),
  cidrsubnets: fn(1, MANY, ([p, ...nbs]) =>
    cidrsubnets(
      prefixArg(p!),
      nbs.map((n, i) => toInt(n, `newbits ${i + 1}`)),
    ),
  ),
};
