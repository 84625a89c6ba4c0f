import type {
  CheckResult,
  ConfigInfo,
  Examined,
  Finding,
  GateWeakening,
  InvariantResult,
  Severity,
  Status,
  SystemResult,
  TraceStep,
} from '../model/result.js';
import { STATUSES } from '../model/result.js';
import { ruleById, type RuleMeta } from '../rules/catalog/metadata.js';

/**
 * Helpers every reporter shares, so the formats agree finding for finding. Reporters only read the
 * result: the engine decided every verdict (the gate included) and the order of the findings.
 */

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export const STATUS_LABEL: Record<Status, string> = {
  pass: 'pass',
  fail: 'fail',
  error: 'error',
  not_applicable: 'not applicable',
  suppressed: 'suppressed',
};

export interface GateVerdict {
  passed: boolean;
  /** One line: `FAILED: 1 rule(s) fail the gate: SI-6 fail (high)`, `PASSED: ...`. */
  line: string;
}

/** The run's verdict as the engine decided it, in one line. */
export function gateVerdict(result: CheckResult): GateVerdict {
  const word = result.gate.passed ? 'PASSED' : 'FAILED';
  return { passed: result.gate.passed, line: result.gate.reason ? `${word}: ${result.gate.reason}` : word };
}

/** A suppression's kind in words, for people (JSON and SARIF keep SARIF's `inSource` and `external`). */
export const SUPPRESSION_KIND_LABEL: Record<NonNullable<Finding['suppression']>['kind'], string> = {
  inSource: 'inline',
  external: 'in configuration',
};

/** Rule metadata for an invariant of the result, when the rule is known. */
export function metaFor(inv: Pick<InvariantResult, 'id'>): RuleMeta | undefined {
  return ruleById(inv.id);
}

/**
 * The first sentence of a rule's remediation (its meta.yaml), on one line: the hint the text report
 * prints under a failing invariant. A period inside `code` does not end the sentence.
 */
export function remediationHint(inv: Pick<InvariantResult, 'id'>): string | undefined {
  const text = metaFor(inv)?.remediation.trim();
  if (!text) return undefined;
  const paragraph = text.split(/\n\s*\n/)[0]!.replace(/\s+/g, ' ');
  let inCode = false;
  for (let i = 0; i < paragraph.length; i++) {
    if (paragraph[i] === '`') inCode = !inCode;
    else if (!inCode && paragraph[i] === '.' && (i === paragraph.length - 1 || /\s/.test(paragraph[i + 1]!)))
      return paragraph.slice(0, i + 1);
  }
  return paragraph;
}

/** A root module's own verdict in one line: its status, and the invariants that did not pass. */
export function systemVerdict(s: SystemResult): { status: Status; detail: string } {
  const status = s.status;
  const notPassing = s.invariants.filter((i) => i.status === 'fail' || i.status === 'error').map((i) => `${i.id} ${i.status}`);
  return {
    status,
    detail: notPassing.length ? notPassing.join(', ') : `${s.summary.pass} pass, ${s.summary.not_applicable} not applicable`,
  };
}

/**
 * One system's own invariants (a root module, or an account x region of a fleet): its verdict and
 * reason for each, and the findings and examined resources of its root.
 */
export function systemInvariants(result: CheckResult, s: SystemResult): InvariantResult[] {
  const own = new Map(s.invariants.map((i) => [i.id, i]));
  return result.invariants.map((inv) => {
    const mine = own.get(inv.id);
    const { reason: _combined, ...rest } = inv;
    return {
      ...rest,
      status: mine?.status ?? 'not_applicable',
      ...(mine?.reason ? { reason: mine.reason } : {}),
      findings: inv.findings.filter((f) => f.root === s.root),
      examined: inv.examined.filter((e) => e.root === s.root),
    };
  });
}

/** Where a fleet finding is: `111122223333/us-east-1` (the account alone when its region is unknown), else ''. */
export function accountRegion(x: { account?: string; region?: string }): string {
  return x.account ? `${x.account}${x.region ? `/${x.region}` : ''}` : '';
}

/** A trace step in words: `var.pitr_enabled = false (default) at variables.tf:97`. */
export function traceStep(t: TraceStep): string {
  return `${t.what} at ${whereOf({ ...t, resource: '' })}`;
}

/** Where a finding or examined resource is: `file:line` statically, the ARN live. */
export function whereOf(x: Pick<Finding, 'file' | 'line' | 'arn' | 'resource'> & { end_line?: number }): string {
  if (x.file) {
    if (x.line === undefined) return x.file;
    const end = x.end_line !== undefined && x.end_line !== x.line ? `-${x.end_line}` : '';
    return `${x.file}:${x.line}${end}`;
  }
  return x.arn ?? '';
}

function compareStrings(a: string | undefined, b: string | undefined): number {
  return (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;
}

/** Deterministic order for examined resources: resource, file, line. */
export function sortExamined(examined: readonly Examined[]): Examined[] {
  return [...examined].sort(
    (a, b) =>
      compareStrings(a.resource, b.resource) ||
      compareStrings(a.file, b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      compareStrings(a.observed, b.observed),
  );
}

/** Invariants by severity (rows) and status (columns), with totals, for the summary tables. */
export function severityMatrix(result: CheckResult): {
  rows: { severity: Severity | 'total'; counts: Record<Status, number>; total: number }[];
} {
  const empty = (): Record<Status, number> => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const bySeverity = new Map<Severity, Record<Status, number>>(SEVERITIES.map((s) => [s, empty()]));
  const total = empty();
  for (const inv of result.invariants) {
    const row = bySeverity.get(inv.severity) ?? bySeverity.get('medium')!;
    row[inv.status] += 1;
    total[inv.status] += 1;
  }
  const sum = (c: Record<Status, number>) => STATUSES.reduce((n, s) => n + c[s], 0);
  return {
    rows: [
      ...SEVERITIES.map((s) => ({ severity: s, counts: bySeverity.get(s)!, total: sum(bySeverity.get(s)!) })),
      { severity: 'total' as const, counts: total, total: sum(total) },
    ],
  };
}

/** Source kind in words for report headers. */
export function sourceLabel(result: CheckResult): string {
  return { hcl: 'Terraform configuration (static)', plan: 'Terraform plan (static)', live: 'live AWS account' }[result.source.kind];
}

/** A value as text for tables and lines (maturity settings, observed values). */
export function valueText(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (v === null) return 'n/a';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** How the configuration file was chosen, in words: `.ztait.yaml (given with --config)`, `none (--no-config)`. */
export function configFileLine(cfg: ConfigInfo): string {
  const how = {
    found: 'found in the scanned directory or a parent within its repository',
    explicit: 'given with --config',
    none: 'none found',
    disabled: 'none (--no-config)',
  }[cfg.mode];
  return cfg.files.length ? `${cfg.files.join(', ')} (${how})` : how;
}

/** Who made a weakening: `file:line` of the configuration, or the command line. */
export function weakenedBy(w: GateWeakening): string {
  return w.source === 'config' ? `${w.file ?? 'the configuration file'}${w.line ? `:${w.line}` : ''}` : 'the command line';
}
