/**
 * Matching the code's resources to the account's, kind by kind (a kind's references to earlier kinds
 * go through the matches already made: a subnet is known by its VPC and CIDR, a route by its API and
 * route key). Exact identities first; then what the code knows only in part (a Glob: an account id
 * or a random suffix left unknown) among what is left. Several candidates are an ambiguity, reported,
 * never guessed.
 */
import type { Resource } from '../model/inventory.js';
import { isManagedAfterChange } from '../model/changes.js';
import { firstBlock, isObject } from '../model/value.js';
import { globMatch } from '../policy/match.js';
import { Glob, type Norm } from './norm.js';
import { KINDS, type Coverage, type KindContext, type KindSpec } from './kinds.js';

export interface Pair {
  spec: KindSpec;
  code: Resource;
  account: Resource;
}

export interface Matching {
  pairs: Pair[];
  missing: { spec: KindSpec; code: Resource }[];
  unmanaged: { spec: KindSpec; account: Resource }[];
  ambiguous: { spec: KindSpec; code: Resource; candidates: Resource[] }[];
  /** Code resources the probe never reads: not compared. */
  unread: { spec: KindSpec; code: Resource; why: string }[];
}

type Keys = [string, Norm][];

export function matchAll(code: KindContext, account: KindContext): Matching {
  const out: Matching = { pairs: [], missing: [], unmanaged: [], ambiguous: [], unread: [] };
  const coverage = codeCoverage(code);
  for (const spec of KINDS) {
    const codeObjs: Resource[] = [];
    for (const r of code.side.index.byType(...spec.types).filter(isManagedAfterChange)) {
      const why = spec.unread?.(r, code, coverage);
      if (why) out.unread.push({ spec, code: r, why });
      else codeObjs.push(r);
    }
    const accObjs = account.side.index.byType(...spec.types);
    matchKind(spec, codeObjs, accObjs, code, account, out);
  }
  return out;
}

function matchKind(
  spec: KindSpec,
  codeObjs: Resource[],
  accObjs: Resource[],
  code: KindContext,
  account: KindContext,
  out: Matching,
): void {
  const accKeys = new Map<Resource, Map<string, string>>();
  for (const a of accObjs) {
    const m = new Map<string, string>();
    for (const [by, v] of spec.keys(a, account)) if (typeof v === 'string') m.set(by, v);
    accKeys.set(a, m);
  }
  const claimed = new Map<Resource, Resource>();
  const inAmbiguity = new Set<Resource>();
  const decided = new Set<Resource>();
  const codeKeys = new Map<Resource, Keys>(codeObjs.map((r) => [r, spec.keys(r, code)]));

  const settle = (r: Resource, candidates: Resource[]): void => {
    decided.add(r);
    const free = candidates.filter((c) => !claimed.has(c));
    if (candidates.length === 1 && free.length === 1) {
      claimed.set(free[0]!, r);
      out.pairs.push({ spec, code: r, account: free[0]! });
      code.side.matched.set(r.address, free[0]!.address);
      return;
    }
    candidates.forEach((c) => inAmbiguity.add(c));
    out.ambiguous.push({ spec, code: r, candidates });
  };

  // exact identities first, so that a wildcard never takes what a name claims
  for (const [r, keys] of codeKeys) {
    for (const [by, v] of keys) {
      if (typeof v !== 'string') continue;
      const hits = accObjs.filter((a) => accKeys.get(a)!.get(by) === v);
      if (hits.length > 0) {
        settle(r, hits);
        break;
      }
    }
  }
  for (const [r, keys] of codeKeys) {
    if (decided.has(r)) continue;
    for (const [by, v] of keys) {
      if (!(v instanceof Glob)) continue;
      const hits = accObjs.filter((a) => !claimed.has(a) && globMatch(v.pattern, accKeys.get(a)!.get(by) ?? '\u0000'));
      if (hits.length > 0) {
        settle(r, hits);
        break;
      }
    }
    if (!decided.has(r)) out.missing.push({ spec, code: r });
  }
  for (const a of accObjs) {
    if (claimed.has(a) || inAmbiguity.has(a) || spec.implicit?.(a, account)) continue;
    out.unmanaged.push({ spec, account: a });
  }
}

/**
 * The code's resources the probe reaches through others: the roles, subnets and security groups of
 * the functions it reads, the policies of those roles, the buckets of its trails, the VPCs of its
 * functions.
 */
function codeCoverage(c: KindContext): Coverage {
  const seen = new Set<string>();
  const add = (rs: Resource[]): void => rs.forEach((r) => seen.add(r.address));
  const idx = c.side.index;
  const fnSpec = KINDS.find((k) => k.kind === 'aws_lambda_function')!;
  const functions = idx.byType('aws_lambda_function').filter((f) => !fnSpec.unread?.(f, c, { has: () => false }));
  const roleSpec = KINDS.find((k) => k.kind === 'aws_iam_role')!;
  for (const f of functions) {
    add(idx.resolve(f.values.role, ['aws_iam_role']).resources);
    const vc = firstBlock(f.values.vpc_config);
    if (isObject(vc)) {
      const subnets = idx.resolve(vc.subnet_ids, ['aws_subnet']).resources;
      const groups = idx.resolve(vc.security_group_ids, ['aws_security_group']).resources;
      add(groups);
      for (const x of [...subnets, ...groups]) add(idx.resolve(x.values.vpc_id, ['aws_vpc']).resources);
    }
  }
  const roles = idx.byType('aws_iam_role').filter((r) => seen.has(r.address) || !roleSpec.unread?.(r, c, { has: () => false }));
  for (const role of roles) {
    add(idx.resolve(role.values.permissions_boundary, ['aws_iam_policy']).resources);
    add(idx.resolve(role.values.managed_policy_arns, ['aws_iam_policy']).resources);
    for (const t of ['aws_iam_role_policy_attachment', 'aws_iam_policy_attachment'])
      for (const a of c.folds.children(role, t)) add(idx.resolve(a.values.policy_arn, ['aws_iam_policy']).resources);
  }
  const trailSpec = KINDS.find((k) => k.kind === 'aws_cloudtrail')!;
  for (const t of idx.byType('aws_cloudtrail').filter((x) => !trailSpec.unread?.(x, c, { has: () => false })))
    add(idx.resolve(t.values.s3_bucket_name, ['aws_s3_bucket']).resources);
  return { has: (_type, address) => seen.has(address) };
}
