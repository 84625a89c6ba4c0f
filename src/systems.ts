/**
 * Several root modules in one run (`ztait check envs/prod envs/staging`, or the roots found below a
 * repository root) are several systems: each is loaded and judged on its own, so what one root
 * declares never satisfies or breaks another's invariant (two roots calling the same module would
 * otherwise share addresses). The run's result holds each system's verdicts (`systems`) and, at the
 * top, every finding of every system with its root, each invariant's worst verdict over the systems,
 * and one gate over all of them.
 */
import { createHash } from 'node:crypto';
import type { CheckResult, Finding, InvariantResult, MaturitySection, Status, SystemResult } from './model/result.js';
import { nistStatus } from './rules/catalog/metadata.js';
import { applyBaseline, readBaseline } from './gate/baseline.js';
import { applyGate, type GatePolicy } from './gate/gate.js';
import { dict } from './model/dict.js';
import { summaryOf } from './engine.js';

/** Worst first: a fail anywhere is the invariant's fail; not_applicable only when it is so everywhere. */
const ORDER: Status[] = ['fail', 'error', 'suppressed', 'pass', 'not_applicable'];

export function worst(statuses: readonly Status[]): Status {
  for (const s of ORDER) if (statuses.includes(s)) return s;
  return 'not_applicable';
}

/** One result for systems judged one by one: per-system verdicts, findings with their root, one gate. */
export function combineSystems(
  systems: { root: string; result: CheckResult }[],
  opts: { baseline?: string; gate?: GatePolicy },
): CheckResult {
  const first = systems[0]!.result;
  const invariants: InvariantResult[] = first.invariants.map((inv, i) => {
    const each = systems.map((s) => ({ root: s.root, inv: s.result.invariants[i]! }));
    const status = worst(each.map((e) => e.inv.status));
    const reasons = each.filter((e) => e.inv.status === status && e.inv.reason).map((e) => `${e.root}: ${e.inv.reason}`);
    return {
      ...inv,
      status,
      findings: each.flatMap((e) => e.inv.findings.map((f) => rooted(f, e.root))),
      examined: each.flatMap((e) => e.inv.examined.map((x) => ({ ...x, root: e.root }))),
      ...(reasons.length ? { reason: reasons.join('; ') } : {}),
    } as InvariantResult;
  });
  const byType = dict<number>();
  for (const s of systems) for (const [t, n] of Object.entries(s.result.inventory.by_type)) byType[t] = (byType[t] ?? 0) + n;
  const inputs = new Map<string, { path: string; sha256: string }>();
  for (const s of systems) for (const i of s.result.source.inputs) inputs.set(i.path, i);
  const combined: CheckResult = {
    ...first,
    source: { ...first.source, inputs: [...inputs.values()].sort((a, b) => a.path.localeCompare(b.path)) },
    summary: summaryOf(invariants),
    inventory: {
      resources: systems.reduce((n, s) => n + s.result.inventory.resources, 0),
      by_type: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b))),
    },
    invariants,
    maturity: combinedMaturity(systems),
    nist: nistStatus(invariants.map((r) => ({ id: r.id, status: r.status }))),
    diagnostics: systems.flatMap((s) => s.result.diagnostics),
    limitations: [...new Set(systems.flatMap((s) => s.result.limitations))],
    systems: systems.map(({ root, result }) => systemOf(root, result)),
    gate: { passed: false, reason: 'not gated' },
  };
  if (opts.baseline) applyBaseline(combined, readBaseline(opts.baseline), opts.baseline);
  combined.gate = applyGate(combined, opts.gate ?? {});
  return combined;
}

/**
 * A finding of one system: its root said, and a fingerprint of its own (the same address in two roots
 * is two findings to a baseline).
 */
function rooted(f: Finding, root: string): Finding {
  const fingerprint = createHash('sha256').update(`${root}\u0000${f.fingerprint}`).digest('hex').slice(0, 32);
  return { ...f, root, fingerprint };
}

function systemOf(root: string, r: CheckResult): SystemResult {
  return {
    root,
    status: worst(r.invariants.map((i) => i.status)),
    summary: r.summary,
    inventory: r.inventory,
    invariants: r.invariants.map((i) => ({
      id: i.id,
      status: i.status,
      findings: i.findings.length,
      ...(i.reason ? { reason: i.reason } : {}),
    })),
    maturity: r.maturity,
    nist: r.nist,
  };
}

/** One level for the run only when every system declares the same one consistently; each system's own is in `systems`. */
function combinedMaturity(systems: { root: string; result: CheckResult }[]): MaturitySection {
  const levels = new Set(systems.map((s) => s.result.maturity.level));
  const consistent = systems.every((s) => s.result.maturity.consistent);
  const deviations = systems.flatMap((s) => s.result.maturity.deviations.map((d) => ({ ...d, root: s.root })));
  if (levels.size === 1) return { ...systems[0]!.result.maturity, consistent, deviations };
  return {
    level: null,
    consistent,
    deviations,
    reason: `the root modules declare different levels (${systems.map((s) => `${s.root}: ${s.result.maturity.level ?? 'none'}`).join(', ')}): see each system`,
  };
}
