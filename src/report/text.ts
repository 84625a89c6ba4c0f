import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckResult, Finding, InvariantResult, Status, SystemResult } from '../model/result.js';
import { STATUSES } from '../model/result.js';
import {
  accountRegion,
  configFileLine,
  gateVerdict,
  remediationHint,
  severityMatrix,
  STATUS_LABEL,
  SUPPRESSION_KIND_LABEL,
  valueText,
  systemInvariants,
  systemVerdict,
  traceStep,
  weakenedBy,
  whereOf,
} from './common.js';
import { escapeDeep, guardLines } from './terminal.js';

export interface TextOptions {
  color: boolean;
  quiet?: boolean;
  /** What passed or does not apply in one line, no suppressed findings, a one-line summary (--compact). */
  compact?: boolean;
}

export function statusColor(c: ChalkInstance, s: Status | Finding['status']): (t: string) => string {
  switch (s) {
    case 'pass':
      return c.green;
    case 'fail':
      return c.red.bold;
    case 'error':
      return c.magenta.bold;
    case 'suppressed':
      return c.yellow;
    default:
      return c.gray;
  }
}

function findingLine(c: ChalkInstance, f: Finding): string {
  const where = whereOf(f);
  const parts = [where ? c.cyan(where) : '', where === f.resource ? '' : f.resource, f.message].filter(Boolean);
  let line = `  ${statusColor(c, f.status)(f.status.padEnd(10))} ${parts.join('  ')}`;
  if (f.suppression) {
    const s = f.suppression;
    const expires = s.expires ? `, expires ${s.expires}` : '';
    line += c.yellow(`  [suppressed ${SUPPRESSION_KIND_LABEL[s.kind]}: ${s.reason}${expires}]`);
  }
  if (f.baseline) line += c.gray(`  [baseline: ${f.baseline}]`);
  if (f.account) line += c.gray(`  [${accountRegion(f)}]`);
  for (const [i, t] of (f.trace ?? []).entries())
    line += `\n${' '.repeat(13)}${c.gray(`${i === 0 ? 'because' : '   from'} ${traceStep(t)}`)}`;
  return line;
}

function invariantBlock(c: ChalkInstance, inv: InvariantResult, hideSuppressed: boolean): string[] {
  const head = `${c.bold(inv.id.padEnd(10))} ${statusColor(c, inv.status)(STATUS_LABEL[inv.status].padEnd(14))} ${inv.severity.padEnd(8)} ${inv.title}`;
  const lines = [head];
  if (inv.reason) lines.push(c.gray(`  reason: ${inv.reason}`));
  const findings = inv.findings.filter((f) => !hideSuppressed || f.status !== 'suppressed');
  for (const f of findings) lines.push(findingLine(c, f));
  // what to do, in one sentence (the whole remediation: ztait rules, and the markdown report)
  const hint = inv.status === 'fail' ? remediationHint(inv) : undefined;
  if (hint) lines.push(c.gray(`  remediation: ${hint}`));
  return lines;
}

/** --compact: the invariants that pass (or do not apply, or are only suppressed) by status, one line each. */
function collapsedLines(c: ChalkInstance, invariants: readonly InvariantResult[]): string[] {
  return STATUSES.filter((s) => s !== 'fail' && s !== 'error').flatMap((s) => {
    const ids = invariants.filter((i) => i.status === s).map((i) => i.id);
    return ids.length ? [`${statusColor(c, s)(STATUS_LABEL[s].padEnd(14))} ${ids.join(', ')}`] : [];
  });
}

/** --compact: the summary table's total row, in one line. */
function summaryLine(c: ChalkInstance, result: CheckResult): string {
  const total = severityMatrix(result).rows.find((r) => r.severity === 'total')!;
  const counts = STATUSES.map((s) => {
    const text = `${total.counts[s]} ${STATUS_LABEL[s]}`;
    return total.counts[s] > 0 && (s === 'fail' || s === 'error') ? statusColor(c, s)(text) : text;
  });
  return `${c.bold('Summary')}: ${counts.join(', ')} (of ${total.total})`;
}

function summaryTable(c: ChalkInstance, result: CheckResult): string[] {
  const cols = STATUSES.map((s) => (s === 'not_applicable' ? 'n/a' : s));
  const width = 12;
  const lines = [c.bold('Summary (invariants by severity and status)')];
  lines.push(`  ${''.padEnd(10)}${cols.map((h) => h.padStart(width)).join('')}${'total'.padStart(width)}`);
  for (const row of severityMatrix(result).rows) {
    const cells = STATUSES.map((s) => {
      const n = row.counts[s];
      const text = String(n).padStart(width);
      return n > 0 && (s === 'fail' || s === 'error') ? statusColor(c, s)(text) : text;
    });
    const label = row.severity.padEnd(10);
    lines.push(`  ${row.severity === 'total' ? c.bold(label) : label}${cells.join('')}${String(row.total).padStart(width)}`);
  }
  return lines;
}

function contextLines(c: ChalkInstance, result: CheckResult, quiet: boolean): string[] {
  const lines: string[] = [];
  const diags = result.diagnostics.filter((d) => !quiet || d.severity === 'error');
  if (diags.length > 0) {
    lines.push('', c.bold('Diagnostics'));
    for (const d of diags) {
      const where = d.file ? `${d.file}${d.line ? `:${d.line}` : ''}${d.line && d.column ? `:${d.column}` : ''} ` : '';
      lines.push(`  ${(d.severity === 'error' ? c.magenta : c.yellow)(d.severity.padEnd(8))} ${where}${d.message}`);
    }
  }
  if (!quiet && result.limitations.length > 0) {
    lines.push('', c.bold('Limitations'));
    for (const l of result.limitations) lines.push(`  - ${l}`);
  }
  const m = result.maturity;
  if (!quiet || !m.consistent) {
    const level = m.level === null ? 'not declared' : `L${m.level}${m.name ? ` ${m.name}` : ''}`;
    const state = m.consistent ? c.green('consistent') : c.red(`inconsistent (${m.deviations.length} deviation(s))`);
    lines.push('', `${c.bold('Maturity')}: ${level}, ${state}${m.reason ? c.gray(` - ${m.reason}`) : ''}`);
    for (const d of m.deviations) {
      lines.push(`  ${d.setting}: expected ${valueText(d.expected)}, actual ${valueText(d.actual)}${d.resource ? ` (${d.resource})` : ''}`);
    }
  }
  return lines;
}

/** The configuration file applied and every setting that weakened the gate, with where it was made. */
function configLines(c: ChalkInstance, result: CheckResult): string[] {
  const cfg = result.config;
  if (!cfg) return [];
  const lines = ['', `${c.bold('Configuration')}: ${configFileLine(cfg)}`];
  const block = (title: string, source: 'config' | 'command_line'): void => {
    const ws = cfg.weakenings.filter((w) => w.source === source);
    if (ws.length === 0) return;
    lines.push(c.yellow.bold(title));
    for (const w of ws) {
      lines.push(c.yellow(`  ${w.source === 'config' ? `${weakenedBy(w)}  ` : ''}${w.kind}: ${w.detail}`));
    }
  };
  block('Config weakened the gate:', 'config');
  block('Command-line flags weakened the gate:', 'command_line');
  return lines;
}

/** A fleet run: per invariant, the accounts by verdict (each counted once, with its worst verdict over its regions). */
function orgSummary(c: ChalkInstance, result: CheckResult): string[] {
  const width = 12;
  const lines = [c.bold('Organization summary (accounts per invariant, each with its worst verdict over its regions)')];
  lines.push(`  ${'invariant'.padEnd(10)}${STATUSES.map((s) => (s === 'not_applicable' ? 'n/a' : s).padStart(width)).join('')}`);
  for (const inv of result.fleet!.invariants) {
    const cells = STATUSES.map((s) => {
      const text = String(inv.counts[s]).padStart(width);
      return inv.counts[s] > 0 && (s === 'fail' || s === 'error') ? statusColor(c, s)(text) : text;
    });
    lines.push(`  ${inv.id.padEnd(10)}${cells.join('')}`);
  }
  return lines;
}

/** A fleet run: each account x region, its verdict and what did not pass there (with --quiet or --compact, only those not passing). */
function accountBlocks(c: ChalkInstance, result: CheckResult, brief: boolean): string[] {
  const names = new Map(result.fleet!.accounts.map((a) => [a.id, a.name]));
  const lines: string[] = [];
  for (const sys of result.systems ?? []) {
    if (brief && sys.status !== 'fail' && sys.status !== 'error') continue;
    const name = names.get(sys.account ?? '');
    const where = `${sys.account}${name ? ` (${name})` : ''}${sys.region ? ` in ${sys.region}` : ''}`;
    lines.push('', `${c.bold(`Account ${where}`)}: ${statusColor(c, sys.status)(STATUS_LABEL[sys.status])}`);
    const invs = systemInvariants(result, sys).filter((i) => i.status === 'fail' || i.status === 'error');
    const unread = notRead(sys);
    if (unread) lines.push(c.gray(`  not read: ${unread}`));
    else for (const inv of invs) lines.push(...invariantBlock(c, inv, brief));
  }
  return lines;
}

/** An account x region nothing could be read of: every invariant error, one reason, no finding. */
function notRead(sys: SystemResult): string | undefined {
  const reasons = new Set(sys.invariants.map((i) => (i.status === 'error' && i.findings === 0 ? i.reason : undefined)));
  const [only] = reasons;
  return reasons.size === 1 && only ? only : undefined;
}

function nistLine(c: ChalkInstance, result: CheckResult): string {
  const counts = STATUSES.map((s) => [s, result.nist.filter((t) => t.status === s).length] as const).filter(([, n]) => n > 0);
  return `${c.bold('NIST SP 800-207 tenets')}: ${counts.map(([s, n]) => `${n} ${STATUS_LABEL[s]}`).join(', ') || 'none evaluated'}`;
}

/**
 * Human-readable report for terminals and CI logs: one block per invariant with one line per
 * finding (`file:line resource message`), then the summary table, and the gate verdict last so a
 * CI log reader sees it first. `quiet` keeps only failing/undecidable invariants and the summary;
 * `compact` keeps every invariant but says what passed in one line per status, and the summary in one.
 */
export function renderText(input: CheckResult, opts: TextOptions): string {
  // every string of the result may come from the pull request: control characters shown escaped
  const result = escapeDeep(input);
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const quiet = opts.quiet ?? false;
  const compact = opts.compact ?? false;
  const lines: string[] = [];
  if (!quiet) {
    const scope = result.fleet
      ? `${result.fleet.accounts.length} account(s), ${result.systems?.length ?? 0} account x region(s)`
      : result.source.kind === 'live'
        ? `account ${result.source.account?.id ?? 'unknown'} ${result.source.account?.region ?? ''}`.trim()
        : `${result.source.inputs.length} input file(s)`;
    lines.push(c.gray(`ztait ${result.tool.version} - ${result.source.kind} - ${scope} - ${result.inventory.resources} resource(s)`), '');
  }
  // a fleet: the org summary, then each account x region (the invariants' findings are theirs)
  if (result.fleet) lines.push(...orgSummary(c, result), ...accountBlocks(c, result, quiet || compact));
  for (const inv of result.fleet ? [] : result.invariants) {
    if ((quiet || compact) && inv.status !== 'fail' && inv.status !== 'error') continue;
    lines.push(...invariantBlock(c, inv, quiet || compact));
  }
  if (compact && !quiet) lines.push(...collapsedLines(c, result.invariants));
  if (result.systems && !result.fleet) {
    // each root module is judged alone: its own verdict, so a passing one is not hidden by another
    lines.push('', c.bold('Root modules (each judged alone):'));
    for (const s of result.systems) {
      const v = systemVerdict(s);
      lines.push(`  ${statusColor(c, v.status)(v.status.padEnd(10))} ${s.root}  ${v.detail}`);
    }
  }
  lines.push(...contextLines(c, result, quiet));
  if (result.baseline) {
    const absent = result.baseline.absent;
    lines.push('', c.gray(`Baseline ${result.baseline.file}: ${absent.length} baselined finding(s) fixed`));
    for (const a of absent) lines.push(c.green(`  fixed  ${a.id}  ${a.resource}  ${a.message}`));
  }
  // Shown even with --quiet: a run that passes because of a setting must say so.
  lines.push(...configLines(c, result));
  lines.push('', ...(compact ? [summaryLine(c, result)] : summaryTable(c, result)));
  if (result.nist.length > 0) lines.push(nistLine(c, result));
  const gate = gateVerdict(result);
  lines.push((gate.passed ? c.green.bold : c.red.bold)(gate.line));
  return guardLines(`${lines.join('\n')}\n`);
}
