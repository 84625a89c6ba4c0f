/**
 * Several root modules in one run (`ztait check envs/prod envs/staging`, or the roots found below a
 * repository root) are several systems: each is loaded and judged on its own, so what one root
 * declares never satisfies or breaks another's invariant (two roots calling the same module would
 * otherwise share addresses). The run's result holds each system's verdicts (`systems`) and, at the
 * top, every finding of every system with its root, each invariant's worst verdict over the systems,
 * and one gate over all of them.
 */
import { createHash } from 'node:crypto';
import type {
  CheckResult,
  FleetAccount,
  FleetSummary,
  Finding,
  InvariantResult,
  MaturitySection,
  Status,
  SystemResult,
} from './model/result.js';
import { STATUSES } from './model/result.js';
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

/**
 * One system to combine. Fleet runs (`probe --org`/`--accounts`) say the account and region it is
 * (root `<account>/<region>`): its findings, examined resources and entry in `systems` carry them.
 */
export interface SystemInput {
  root: string;
  result: CheckResult;
  account?: string;
  region?: string;
}

/** One result for systems judged one by one: per-system verdicts, findings with their root, one gate. */
export function combineSystems(systems: SystemInput[], opts: { baseline?: string; gate?: GatePolicy }): CheckResult {
  const first = systems[0]!.result;
  const invariants: InvariantResult[] = first.invariants.map((inv, i) => {
    const each = systems.map((s) => ({ root: s.root, where: placeOf(s), inv: s.result.invariants[i]! }));
    const status = worst(each.map((e) => e.inv.status));
    const reasons = each.filter((e) => e.inv.status === status && e.inv.reason).map((e) => `${e.root}: ${e.inv.reason}`);
    return {
      ...inv,
      status,
      findings: each.flatMap((e) => e.inv.findings.map((f) => ({ ...rooted(f, e.root), ...e.where }))),
      examined: each.flatMap((e) => e.inv.examined.map((x) => ({ ...x, root: e.root, ...e.where }))),
      ...(reasons.length ? { reason: reasons.join('; ') } : {}),
    } as InvariantResult;
  });
  const byType = dict<number>();
  for (const s of systems) for (const [t, n] of Object.entries(s.result.inventory.by_type)) byType[t] = (byType[t] ?? 0) + n;
  const inputs = new Map<string, { path: string; sha256: string }>();
  for (const s of systems) for (const i of s.result.source.inputs) inputs.set(i.path, i);
  const source = { ...first.source, inputs: [...inputs.values()].sort((a, b) => a.path.localeCompare(b.path)) };
  // a fleet's accounts are said per system, never one for the run
  if (systems.some((s) => s.account)) delete source.account;
  const combined: CheckResult = {
    ...first,
    source,
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
    systems: systems.map(systemOf),
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
  // already a system's (a shard's finding combined again by a merge): its fingerprint stays
  if (f.root === root) return f;
  const fingerprint = createHash('sha256').update(`${root}\u0000${f.fingerprint}`).digest('hex').slice(0, 32);
  return { ...f, root, fingerprint };
}

/** A fleet system's account and region, as findings and examined resources carry them. */
function placeOf(s: SystemInput): { account?: string; region?: string } {
  return { ...(s.account ? { account: s.account } : {}), ...(s.region ? { region: s.region } : {}) };
}

function systemOf({ root, result: r, ...where }: SystemInput): SystemResult {
  return {
    root,
    ...placeOf({ root, result: r, ...where }),
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
    // a fleet's limitations are said per account and region too (the run's are their union)
    ...(where.account ? { limitations: r.limitations } : {}),
  };
}

/** One level for the run only when every system declares the same one consistently; each system's own is in `systems`. */
function combinedMaturity(systems: SystemInput[]): MaturitySection {
  const levels = new Set(systems.map((s) => s.result.maturity.level));
  const consistent = systems.every((s) => s.result.maturity.consistent);
  const deviations = systems.flatMap((s) => s.result.maturity.deviations.map((d) => ({ ...d, root: s.root })));
  if (levels.size === 1) return { ...systems[0]!.result.maturity, consistent, deviations };
  return {
    level: null,
    consistent,
    deviations,
    reason: `the ${systems.some((s) => s.account) ? 'accounts and regions' : 'root modules'} declare different levels (${systems.map((s) => `${s.root}: ${s.result.maturity.level ?? 'none'}`).join(', ')}): see each system`,
  };
}

// ------------------------------------------------------------------ fleet runs

/*
 * A fleet run (`probe --org`/`--accounts`) is one system per account x region (root
 * `<account>/<region>`), sorted by account id then region whatever order the accounts finished in,
 * plus the org summary (`fleet`). Everything its result says at the top is rebuilt from its systems
 * in that order, so `ztait merge` can recombine shards into the single run's result.
 */

/** One account x region, judged (or not read: every invariant `error`). */
export interface FleetSystem extends SystemInput {
  account: string;
}

/** What the sweep knows of an account besides its systems (its status is theirs). */
export type AccountOutcome = Omit<FleetAccount, 'status'>;

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `<account>/<region>`, or the account alone when its regions are unknown (it could not be entered). */
export const systemRoot = (account: string, region?: string): string => (region ? `${account}/${region}` : account);

/** Every selected invariant with one verdict and one reason, nothing examined (`template`: the run's invariants). */
function uniform(template: CheckResult, status: Status, reason: string): InvariantResult[] {
  return template.invariants.map((inv) => ({ ...inv, status, reason, findings: [], examined: [] }));
}

/**
 * An account x region of which nothing could be read (AssumeRole denied, a region an SCP blocks, an
 * account throttled throughout): every invariant `error`, with the reason. `template` is the run's
 * judgement of an empty inventory (its invariants, tool and command line).
 */
export function unreadResult(template: CheckResult, reason: string): CheckResult {
  const invariants = uniform(template, 'error', reason);
  return {
    ...template,
    summary: summaryOf(invariants),
    inventory: { resources: 0, by_type: {} },
    invariants,
    nist: nistStatus(invariants),
    // fail closed: a level nobody could read is not consistent
    maturity: { level: null, consistent: false, deviations: [], reason },
    diagnostics: [],
    limitations: [],
  };
}

export interface FleetResultOptions {
  /** The run's judgement of an empty inventory: the invariants of a shard that holds no account. */
  template: CheckResult;
  shard?: FleetSummary['shard'];
  baseline?: string;
  gate?: GatePolicy;
  /** Said once for the run (an insecure endpoint allowed). */
  diagnostics?: CheckResult['diagnostics'];
}

/** The combined result of the systems, with the org summary, one gate over all. */
export function fleetResult(systems: FleetSystem[], accounts: AccountOutcome[], opts: FleetResultOptions): CheckResult {
  const sorted = [...systems].sort((a, b) => byString(a.account, b.account) || byString(a.region ?? '', b.region ?? ''));
  const { baseline, gate } = opts;
  const combined =
    sorted.length > 0 ? combineSystems(sorted, { ...(baseline ? { baseline } : {}), ...(gate ? { gate } : {}) }) : emptyShard(opts);
  // the run's lists, in an order no completion order or split into shards changes; each said once
  // (a suppression problem of every account, the warning each shard of a merge carries)
  combined.limitations = [...new Set(combined.limitations)].sort(byString);
  combined.diagnostics = uniqueDiagnostics([...(opts.diagnostics ?? []), ...combined.diagnostics]);
  combined.fleet = fleetSummary(sorted, accounts, combined, opts.shard);
  return combined;
}

type Diagnostic = CheckResult['diagnostics'][number];

/** Diagnostics once each, in a total order (severity, message, then where). */
function uniqueDiagnostics(all: Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic): string => JSON.stringify([d.severity, d.message, d.file ?? '', d.line ?? 0, d.column ?? 0]);
  const once = new Map(all.map((d) => [key(d), d]));
  return [...once.keys()].sort(byString).map((k) => once.get(k)!);
}

/** A shard the hash gave no account: nothing to judge, every invariant not applicable, the gate passes. */
function emptyShard(opts: FleetResultOptions): CheckResult {
  const invariants = uniform(opts.template, 'not_applicable', 'this shard of the account list holds no account');
  const { account: _ignored, ...source } = opts.template.source;
  const result: CheckResult = {
    ...opts.template,
    source,
    summary: summaryOf(invariants),
    inventory: { resources: 0, by_type: {} },
    invariants,
    nist: nistStatus(invariants),
    diagnostics: [],
    limitations: [],
    systems: [],
  };
  if (opts.baseline) applyBaseline(result, readBaseline(opts.baseline), opts.baseline);
  result.gate = applyGate(result, opts.gate ?? {});
  return result;
}

/** Accounts by id, each with its worst verdict over its regions; per invariant, accounts by verdict. */
function fleetSummary(
  systems: FleetSystem[],
  outcomes: AccountOutcome[],
  combined: CheckResult,
  shard?: FleetSummary['shard'],
): FleetSummary {
  const systemsOf = new Map<string, FleetSystem[]>();
  for (const s of systems) systemsOf.set(s.account, [...(systemsOf.get(s.account) ?? []), s]);
  const accounts: FleetAccount[] = [...outcomes]
    .sort((a, b) => byString(a.id, b.id))
    .map((o) => {
      const own = systemsOf.get(o.id) ?? [];
      return {
        id: o.id,
        ...(o.name ? { name: o.name } : {}),
        regions: [...o.regions].sort(byString),
        status: worst(own.flatMap((s) => s.result.invariants.map((i) => i.status))),
        ...(o.reason ? { reason: o.reason } : {}),
      };
    });
  const invariants = combined.invariants.map((inv, i) => {
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
    for (const a of accounts) {
      const own = systemsOf.get(a.id) ?? [];
      if (own.length > 0) counts[worst(own.map((s) => s.result.invariants[i]!.status))] += 1;
    }
    return { id: inv.id, counts };
  });
  return { accounts, invariants, ...(shard ? { shard: { index: shard.index, count: shard.count } } : {}) };
}
