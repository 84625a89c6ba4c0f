import { createHash } from 'node:crypto';
import type { Inventory, Resource } from './model/inventory.js';
import type { CheckResult, ConfigInfo, Examined, Finding, InvariantResult, MaturitySection, Status } from './model/result.js';
import { isObject, type Value } from './model/value.js';
import { dict } from './model/dict.js';
import { InventoryIndex } from './inventory/index.js';
import type { Rule, RuleContext, RuleFinding, RuleOutcome } from './rules/define.js';
import { ALL_RULES } from './rules/registry.js';
import { checkMaturity } from './rules/zt-mat-1-maturity-consistency/rule.js';
import { survivingInventory } from './model/changes.js';
import { nistStatus, ruleById } from './rules/catalog/metadata.js';
import { looksSecret, redactMaturitySection, redactResult } from './model/redact.js';
import { findSuppression, normalizeRuleId, type SuppressionRule } from './suppress/suppressions.js';
import { applyBaseline, readBaseline } from './gate/baseline.js';
import { applyGate, type GatePolicy } from './gate/gate.js';
import { VERSION } from './version.js';
import { locate, traceOf } from './trace.js';

export interface EngineOptions {
  commandLine: string;
  prefix?: string;
  checks?: string[];
  skipChecks?: string[];
  approvedBy?: string;
  /** Suppressions from `.ztait.yaml`. */
  suppressions?: SuppressionRule[];
  /** What the configuration file and the flags did to the gate (reported, and redacted like all input text). */
  config?: ConfigInfo;
  now?: Date;
  /** A baseline file: only findings not recorded in it count for the gate. */
  baseline?: string;
  /** What fails the run (--fail-on, --soft-fail, ...); the default fails on any fail or error. */
  gate?: GatePolicy;
}

/**
 * The rules a run evaluates, in report order, after --check / --skip-check. The change rules judge
 * what a plan does: they run on plans only.
 */
export function selectRules(opts: Pick<EngineOptions, 'checks' | 'skipChecks'>, plan: boolean): Rule[] {
  const all = ALL_RULES.filter((r) => r.scope === 'state' || plan);
  const want = opts.checks?.length ? new Set(opts.checks.map(normalizeRuleId)) : undefined;
  const skip = new Set((opts.skipChecks ?? []).map(normalizeRuleId));
  return all.filter((r) => (!want || want.has(r.id)) && !skip.has(r.id));
}

/**
 * Judges an inventory: runs the selected rules, applies suppressions, redacts secrets, sorts the
 * findings, marks them against the baseline and decides the gate. The result carries every verdict
 * a report shows (invariants, NIST tenets, maturity, gate): reporters only render it.
 */
export function runChecks(inv: Inventory, opts: EngineOptions): CheckResult {
  collectEnvironmentSecrets(inv);
  const context = (inventory: Inventory): RuleContext => ({
    inventory,
    index: new InventoryIndex(inventory),
    prefix: opts.prefix ?? 'ztait-',
    ...(opts.approvedBy ? { options: { approvedBy: opts.approvedBy } } : {}),
  });
  // The invariants judge the state the plan would produce: what it destroys no longer counts.
  // The change rules read the whole plan, deletions included.
  const full = context(inv);
  const surviving = survivingInventory(inv) === inv ? full : context(survivingInventory(inv));
  const index = surviving.index;
  const now = opts.now ?? clock();
  const today = now.toISOString().slice(0, 10);
  const diagnostics = inv.diagnostics.map((d) => ({ ...d }));
  // input errors, and what is known to hide resources (a remote module not fetched), leave every
  // verdict that would pass undecidable
  const parseErrors = inv.diagnostics.filter((d) => d.severity === 'error' || d.affects?.includes('*'));
  const undecidable = parseErrors.length > 0 ? notDecidable(parseErrors) : undefined;
  const inInventory = new Set(inv.resources);

  const invariants: InvariantResult[] = selectRules(opts, inv.kind === 'plan').map((rule) => {
    let outcome: RuleOutcome;
    try {
      outcome = rule.evaluate(rule.scope === 'change' ? full : surviving);
    } catch (e) {
      outcome = { findings: [], examined: [], errors: [`internal error while evaluating: ${(e as Error).message}`] };
    }
    const undecidedBefore = (outcome.errors?.length ?? 0) > 0 || outcome.findings.some((f) => f.kind === 'error');
    if (undecidable) outcome = absenceUndecidable(outcome, inInventory);
    const res = toInvariantResult(inv, rule.id, outcome, opts.suppressions ?? [], today, diagnostics);
    // Fail closed: a file that could not be read may hold what would change a pass, or the resource
    // whose absence is the only failure. A fail on a resource that was read stays a fail.
    if (undecidable && (res.status === 'pass' || res.status === 'not_applicable' || (res.status === 'error' && !undecidedBefore))) {
      res.status = 'error';
      res.reason = undecidable;
    }
    return res;
  });

  const summary = summaryOf(invariants);
  const byType: Record<string, number> = dict();
  for (const r of inv.resources) if (r.mode === 'managed') byType[r.type] = (byType[r.type] ?? 0) + 1;

  const result: CheckResult = {
    tool: { name: 'ztait', version: VERSION },
    source: {
      kind: inv.kind,
      inputs: [...inv.inputs].sort((a, b) => a.path.localeCompare(b.path)),
      ...(inv.account ? { account: inv.account } : {}),
    },
    generated_at: now.toISOString(),
    command_line: opts.commandLine,
    summary,
    inventory: { resources: Object.values(byType).reduce((a, b) => a + b, 0), by_type: sortKeys(byType) },
    invariants,
    maturity: checkMaturity(surviving.inventory, index),
    nist: nistStatus(invariants.map((r) => ({ id: r.id, status: r.status }))),
    diagnostics,
    limitations: [...(inv.limitations ?? []), ...Object.entries(inv.gaps ?? {}).map(([k, v]) => `${k}: ${v}`)],
    ...(opts.approvedBy ? { approved_by: opts.approvedBy } : {}),
    // only when there is something to say: a file, --no-config, or a weakening
    ...(opts.config && (opts.config.mode !== 'none' || opts.config.weakenings.length > 0) ? { config: opts.config } : {}),
    // decided below, once the findings are final; failing until then
    gate: { passed: false, reason: 'not gated' },
  };
  // Only the free text is redacted (messages, observed values): verdicts, ids and addresses never are.
  const redacted = redactResult(
    result,
    inv.secrets,
    inv.resources.map((r) => r.address),
  );
  // One order for every report, on the text as printed (redacted).
  for (const r of redacted.invariants) r.findings.sort(compareFindings);
  if (opts.baseline) applyBaseline(redacted, readBaseline(opts.baseline), opts.baseline);
  redacted.gate = applyGate(redacted, opts.gate ?? {});
  return redacted;
}

/** How many invariants have each status. */
export function summaryOf(invariants: readonly { status: Status }[]): Record<Status, number> {
  const summary: Record<Status, number> = { pass: 0, fail: 0, error: 0, not_applicable: 0, suppressed: 0 };
  for (const r of invariants) summary[r.status] += 1;
  return summary;
}

/** Why every verdict that input problems could change is `error`: how many, and the first. */
function notDecidable(problems: CheckResult['diagnostics']): string {
  const first = problems[0]!;
  const where = first.file ? `${first.file}${first.line ? `:${first.line}` : ''}` : 'an input';
  return `not decidable: ${problems.length} input problem(s), first at ${where}: ${first.message}`;
}

/**
 * With input problems, a fail on a resource that is not in the inventory (a rule's stand-in for
 * "there is none", SI-8's `no aws_cloudtrail`) is an absence judged on incomplete input: the
 * resource may be in what could not be read. It becomes an `error` finding.
 */
function absenceUndecidable(outcome: RuleOutcome, inInventory: ReadonlySet<Resource>): RuleOutcome {
  if (!outcome.findings.some((f) => f.kind === 'fail' && !inInventory.has(f.resource))) return outcome;
  return {
    ...outcome,
    findings: outcome.findings.map((f) =>
      f.kind === 'fail' && !inInventory.has(f.resource)
        ? { ...f, kind: 'error', message: `${f.message} (not decidable: an input could not be read)` }
        : f,
    ),
  };
}

/** The maturity section of an inventory alone (`maturity status`), its secrets redacted as in a check result. */
export function maturityOf(inv: Inventory): MaturitySection {
  collectEnvironmentSecrets(inv);
  return redactMaturitySection(
    checkMaturity(inv, new InventoryIndex(inv)),
    inv.secrets,
    inv.resources.map((r) => r.address),
  );
}

const compareStrings = (a: string | undefined, b: string | undefined): number =>
  (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;

/** Findings by file, line, resource, then message and fingerprint (code-unit order, so no locale changes it). */
function compareFindings(a: Finding, b: Finding): number {
  return (
    compareStrings(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareStrings(a.resource, b.resource) ||
    compareStrings(a.message, b.message) ||
    compareStrings(a.fingerprint, b.fingerprint)
  );
}

function toInvariantResult(
  inv: Inventory,
  id: string,
  outcome: RuleOutcome,
  external: SuppressionRule[],
  today: string,
  diagnostics: CheckResult['diagnostics'],
): InvariantResult {
  const meta = ruleById(id);
  const findings: Finding[] = [];
  const suppressedAddrs = new Set<string>();
  for (const f of outcome.findings) {
    const { applied, problems } = findSuppression(id, f.resource, external, today);
    for (const p of problems) diagnostics.push({ severity: 'warning', ...p });
    const finding = toFinding(id, f, inv);
    if (applied) {
      finding.status = 'suppressed';
      finding.suppression = {
        kind: applied.kind,
        reason: applied.reason ?? '',
        ...(applied.file ? { file: applied.file } : {}),
        ...(applied.line ? { line: applied.line } : {}),
        ...(applied.expires ? { expires: applied.expires } : {}),
      };
      suppressedAddrs.add(f.resource.address);
    }
    findings.push(finding);
  }

  const examined: Examined[] = outcome.examined.map((e) => ({
    resource: e.resource.address,
    ...(e.resource.arn ? { arn: e.resource.arn } : {}),
    ...(e.resource.location ? { file: e.resource.location.file, line: e.resource.location.line } : {}),
    status: e.status !== 'pass' && suppressedAddrs.has(e.resource.address) ? 'suppressed' : e.status,
    observed: e.observed,
  }));

  const errors = outcome.errors ?? [];
  let status: Status;
  let reason = outcome.reason;
  if (findings.some((f) => f.status === 'fail')) status = 'fail';
  else if (findings.some((f) => f.status === 'error') || errors.length > 0) {
    status = 'error';
    reason = errors[0] ?? findings.find((f) => f.status === 'error')?.message ?? reason;
  } else if (findings.some((f) => f.status === 'suppressed')) status = 'suppressed';
  else if (examined.length > 0) status = 'pass';
  else {
    status = 'not_applicable';
    reason = reason ?? 'nothing in scope';
  }
  return {
    id,
    title: meta?.title ?? id,
    status,
    severity: meta?.severity ?? 'high',
    stride: (meta?.stride ?? []).map((s) => `${s.id} ${s.name}`),
    nist: meta?.nist ?? [],
    findings,
    examined,
    ...(reason && status !== 'pass' ? { reason } : {}),
  };
}

function toFinding(ruleId: string, f: RuleFinding, inv: Inventory): Finding {
  const loc = locate(f.resource, f.attr);
  const trace = traceOf(inv, f, loc);
  return {
    resource: f.resource.address,
    ...(f.resource.arn ? { arn: f.resource.arn } : {}),
    ...(loc
      ? {
          file: loc.file,
          line: loc.line,
          end_line: loc.endLine,
          ...(loc.column ? { column: loc.column } : {}),
          ...(loc.endColumn ? { end_column: loc.endColumn } : {}),
        }
      : {}),
    message: f.message,
    status: f.kind,
    fingerprint: fingerprint(ruleId, f),
    ...(trace.length > 0 ? { trace } : {}),
  };
}

/** Stable when lines move: rule, resource address and what the finding is about, never positions. */
function fingerprint(ruleId: string, f: RuleFinding): string {
  return createHash('sha256')
    .update([ruleId, f.resource.address, f.key ?? f.attr ?? '', f.kind].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

/** Values under secret-looking names (Lambda environment, attributes) join the redaction set. */
export function collectEnvironmentSecrets(inv: Inventory): void {
  // Every string of every resource (76,000 on the 10,000-resource benchmark): plain loops.
  const walk = (v: Value, name: string): void => {
    if (typeof v === 'string') {
      if (looksSecret(name, v)) inv.secrets.add(v);
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, name);
    } else if (isObject(v)) {
      for (const k in v) walk(v[k]!, k);
    }
  };
  for (const r of inv.resources) walk(r.values, '');
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

/** SOURCE_DATE_EPOCH fixes the timestamp so reports are reproducible. */
export function clock(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  return new Date();
}

export type { Resource };
