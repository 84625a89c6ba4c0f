/**
 * Brute-force reference semantics for the property tests: globs become regular expressions, and a
 * glob query is expanded to every string of a small bounded universe it matches. Nothing here
 * shares code with src/policy, so agreement means something.
 */
import type { PolicyDocument, PolicyStatement } from '../../src/policy/types.js';

export function globRegex(glob: string, caseInsensitive = false): RegExp {
  const body = Array.from(glob)
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, caseInsensitive ? 'isu' : 'su');
}

/** Every string over `alphabet` of length 0..maxLen. */
export function universe(alphabet: readonly string[], maxLen: number): string[] {
  const out = [''];
  let layer = [''];
  for (let n = 1; n <= maxLen; n++) {
    layer = layer.flatMap((s) => alphabet.map((c) => s + c));
    out.push(...layer);
  }
  return out;
}

export const refOverlap = (a: string, b: string, u: readonly string[]): boolean => {
  const ra = globRegex(a);
  const rb = globRegex(b);
  return u.some((s) => ra.test(s) && rb.test(s));
};

export const refCovers = (general: string, specific: string, u: readonly string[]): boolean => {
  const rg = globRegex(general);
  const rs = globRegex(specific);
  return u.every((s) => !rs.test(s) || rg.test(s));
};

const anyOf = (ps: readonly string[], v: string, ci: boolean): boolean => ps.some((p) => globRegex(p, ci).test(v));

/** The statement's Action / NotAction admits the concrete `action`. */
export function refActionMatches(st: PolicyStatement, action: string): boolean {
  return st.action ? anyOf(st.action, action, true) : !anyOf(st.notAction ?? [], action, true);
}

/** AWS's reading of one statement for one concrete request (conditions ignored). */
function refMatchesConcrete(st: PolicyStatement, action: string, resource: string): boolean {
  const actionOk = refActionMatches(st, action);
  const resourceOk = st.resource ? anyOf(st.resource, resource, false) : st.notResource ? !anyOf(st.notResource, resource, false) : true;
  return actionOk && resourceOk;
}

/** yes: applies to every concrete resource the query can be; maybe: to some; no: to none. */
export function refApplies(st: PolicyStatement, action: string, resources: readonly string[]): 'yes' | 'maybe' | 'no' {
  const hits = resources.filter((r) => refMatchesConcrete(st, action, r)).length;
  if (hits === 0) return 'no';
  return hits === resources.length && !st.hasCondition && !st.partiallyUnknown ? 'yes' : 'maybe';
}

export function refEffective(
  identity: PolicyDocument[],
  boundary: PolicyDocument | undefined,
  action: string,
  resources: readonly string[],
): 'allowed' | 'denied' | 'implicit-deny' {
  const sts = (ps: PolicyDocument[]) => ps.flatMap((p) => p.statements);
  const all = sts(boundary ? [...identity, boundary] : identity);
  if (all.some((st) => st.effect === 'Deny' && refApplies(st, action, resources) === 'yes')) return 'denied';
  const mayAllow = (ss: PolicyStatement[]) => ss.some((st) => st.effect === 'Allow' && refApplies(st, action, resources) !== 'no');
  if (mayAllow(sts(identity)) && (!boundary || mayAllow(boundary.statements))) return 'allowed';
  return 'implicit-deny';
}
