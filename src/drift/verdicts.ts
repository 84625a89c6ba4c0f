/**
 * The invariants on both sides, and what each drift item does to them. The same rules judge the
 * code's inventory and the account's (engine.runChecks); an item bears on an invariant it is
 * relevant to when the invariant's findings name its resource on one side only (it fails in the
 * account and passes in the code: the alarming case; or the reverse). An invariant whose verdict
 * differs with no item named by its findings is put on the items relevant to it, as a verdict that
 * differs. Ambiguous and unreadable items leave the invariants they concern undecided.
 */
import type { CheckResult, Status } from '../model/result.js';
import type { DriftImpact } from './model.js';

export interface Named {
  /** Invariant id -> addresses and ARNs its failing (or undecided) findings name. */
  code: Map<string, Set<string>>;
  account: Map<string, Set<string>>;
}

function namedBy(result: CheckResult): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const inv of result.invariants) {
    const s = new Set<string>();
    for (const f of inv.findings) {
      s.add(f.resource);
      if (f.arn) s.add(f.arn);
    }
    out.set(inv.id, s);
  }
  return out;
}

export function named(code: CheckResult, account: CheckResult): Named {
  return { code: namedBy(code), account: namedBy(account) };
}

/** The invariants both sides judged (the plan-only change rules are left out: an account has no plan). */
export function invariantIds(code: CheckResult, account: CheckResult): string[] {
  const theirs = new Set(account.invariants.map((i) => i.id));
  return code.invariants.map((i) => i.id).filter((id) => theirs.has(id));
}

export function statusOf(result: CheckResult, id: string): Status {
  return result.invariants.find((i) => i.id === id)?.status ?? 'not_applicable';
}

/**
 * The impacts of one item: `relevant` invariants, the names of its resources on each side (code
 * addresses; account addresses and ARNs).
 */
export function impactsOf(
  relevant: readonly string[],
  names: { code: readonly string[]; account: readonly string[] },
  n: Named,
  results: { code: CheckResult; account: CheckResult },
  undecided: boolean,
): DriftImpact[] {
  const out: DriftImpact[] = [];
  for (const id of relevant) {
    if (!n.account.has(id)) continue;
    const code = statusOf(results.code, id);
    const account = statusOf(results.account, id);
    if (undecided) {
      out.push({ invariant: id, effect: 'undecided', code, account });
      continue;
    }
    const inCode = names.code.some((x) => n.code.get(id)?.has(x));
    const inAccount = names.account.some((x) => n.account.get(id)?.has(x));
    if (inAccount && !inCode) out.push({ invariant: id, effect: 'fails_in_account', code, account });
    else if (inCode && !inAccount) out.push({ invariant: id, effect: 'passes_in_account', code, account });
  }
  return out;
}
