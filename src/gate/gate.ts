import type { CheckResult, InvariantResult, Severity } from '../model/result.js';
import { normalizeRuleId } from '../suppress/suppressions.js';

/**
 * Whether a run passes the CI gate. Precedence, strongest first (documented in docs/gate.md):
 *  1. `--hard-fail-on SI-n`: a fail or error verdict of these fails the run, whatever else is set;
 *  2. `--soft-fail-on SI-n`: these never fail the run;
 *  3. `--soft-fail`: nothing else fails the run;
 *  4. an `error` verdict fails the run at every threshold, unless `--allow-errors`;
 *  5. a `fail` verdict fails the run when its severity is at or above `--fail-on` (default: low,
 *     i.e. every severity);
 *  with a baseline, only findings not in it (`new`) count for 4 and 5.
 */
export interface GatePolicy {
  failOn?: Severity;
  softFailOn?: string[];
  hardFailOn?: string[];
  softFail?: boolean;
  allowErrors?: boolean;
}

const RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Does this invariant still count once baselined findings are set aside? */
function counts(r: InvariantResult): boolean {
  if (r.status !== 'fail' && r.status !== 'error') return false;
  const live = r.findings.filter((f) => f.status === r.status);
  // an invariant-level error (no finding) or any finding not in the baseline counts
  if (live.length === 0) return true;
  return live.some((f) => f.baseline === undefined || f.baseline === 'new');
}

export function applyGate(result: CheckResult, policy: GatePolicy): { passed: boolean; reason: string } {
  const hard = new Set((policy.hardFailOn ?? []).map(normalizeRuleId));
  const soft = new Set((policy.softFailOn ?? []).map(normalizeRuleId));
  const threshold = policy.failOn ?? 'low';
  const failing: string[] = [];
  const ignored: string[] = [];
  for (const r of result.invariants) {
    if (r.status !== 'fail' && r.status !== 'error') continue;
    const why = decide(r, hard, soft, threshold, policy);
    if (why === 'fails') failing.push(`${r.id} ${r.status}${r.status === 'fail' ? ` (${r.severity})` : ''}`);
    else ignored.push(`${r.id} ${why}`);
  }
  const baselined = result.invariants.filter((r) => (r.status === 'fail' || r.status === 'error') && !counts(r)).length;
  const parts: string[] = [];
  if (failing.length) parts.push(`${failing.length} rule(s) fail the gate: ${failing.join(', ')}`);
  else parts.push(`no rule fails the gate at --fail-on ${threshold}`);
  if (ignored.length) parts.push(`not failing the run: ${ignored.join(', ')}`);
  if (policy.allowErrors && result.summary.error > 0)
    parts.push(`--allow-errors: ${result.summary.error} undecided rule(s) did not fail the run`);
  if (baselined) parts.push(`${baselined} rule(s) have only baselined findings`);
  return { passed: failing.length === 0, reason: parts.join('; ') };
}

function decide(r: InvariantResult, hard: Set<string>, soft: Set<string>, threshold: Severity, p: GatePolicy): string {
  if (hard.has(r.id)) return 'fails';
  if (soft.has(r.id)) return 'soft-fail-on';
  if (p.softFail) return 'soft-fail';
  if (!counts(r)) return 'baselined';
  if (r.status === 'error') return p.allowErrors ? 'allow-errors' : 'fails';
  return RANK[r.severity] >= RANK[threshold] ? 'fails' : `below --fail-on ${threshold}`;
}

export function parseSeverity(s: string | undefined, where: string): Severity | undefined {
  if (s === undefined) return undefined;
  const v = s.toLowerCase();
  if ((SEVERITIES as readonly string[]).includes(v)) return v as Severity;
  throw new Error(`${where}: severity must be one of ${SEVERITIES.join(', ')} (got "${s}")`);
}
