import type { CheckResult, Finding, InvariantResult } from '../model/result.js';
import { STATUSES } from '../model/result.js';
import { loadMaturityModel } from '../rules/catalog/maturity.js';
import {
  accountRegion,
  configFileLine,
  gateVerdict,
  metaFor,
  severityMatrix,
  sortExamined,
  sourceLabel,
  STATUS_LABEL,
  SUPPRESSION_KIND_LABEL,
  valueText,
  systemInvariants,
  systemVerdict,
  traceStep,
  weakenedBy,
  whereOf,
} from './common.js';
import { bullets, document, escapeText as esc, heading, para, reflow, table } from './md.js';

function scopeSection(r: CheckResult): string[] {
  const byType = Object.entries(r.inventory.by_type)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([t, n]) => `${n} ${t}`)
    .join(', ');
  const items = [
    `Source: ${esc(sourceLabel(r))}`,
    `Tool: ${esc(`${r.tool.name} ${r.tool.version}`)}`,
    `Generated at: ${esc(r.generated_at)} (UTC)`,
    `Command line: ${esc(r.command_line)}`,
    `Resources in the inventory: ${r.inventory.resources}${byType ? ` (${esc(byType)})` : ''}`,
  ];
  const acct = r.source.account;
  if (acct) {
    items.push(
      `Account: ${esc(acct.id ?? 'unknown')}`,
      `Region: ${esc(acct.region ?? 'unknown')}`,
      `Caller identity: ${esc(acct.caller ?? 'unknown')}`,
    );
  }
  if (r.fleet) {
    const shard = r.fleet.shard ? ` (shard ${r.fleet.shard.index} of ${r.fleet.shard.count} of the account list)` : '';
    items.push(`Accounts: ${r.fleet.accounts.length}${shard}, ${r.systems?.length ?? 0} account x region pair(s)`);
  }
  if (r.approved_by) items.push(`Approved by: ${esc(r.approved_by)}`);
  const out = [...heading(2, 'Scope'), ...bullets(items), ...heading(3, 'Inputs')];
  if (r.source.inputs.length === 0) {
    out.push(
      ...para(
        r.source.kind === 'live' ? 'No input files: the account was read live through the AWS APIs.' : 'No input files were recorded.',
      ),
    );
  } else {
    const inputs = [...r.source.inputs].sort((a, b) => (a.path < b.path ? -1 : 1));
    out.push(
      ...table(
        ['File', 'SHA-256'],
        inputs.map((i) => [i.path, i.sha256]),
      ),
    );
  }
  return out;
}

function summarySection(r: CheckResult): string[] {
  const gate = gateVerdict(r);
  const cols = STATUSES.map((s) => STATUS_LABEL[s]);
  return [
    ...heading(2, 'Summary'),
    ...para(`Verdict: **${esc(gate.line)}**`, true),
    ...table(
      ['Severity', ...cols, 'total'],
      severityMatrix(r).rows.map((row) => [row.severity, ...STATUSES.map((s) => String(row.counts[s])), String(row.total)]),
    ),
    ...table(
      ['Invariant', 'Title', 'Severity', 'Verdict'],
      r.invariants.map((i) => [i.id, i.title, i.severity, STATUS_LABEL[i.status]]),
    ),
  ];
}

/** A fleet run: per invariant, the accounts by verdict; each account's verdict; then each account x region. */
function fleetSections(r: CheckResult): string[] {
  const fleet = r.fleet!;
  const out = [
    ...heading(2, 'Organization summary'),
    ...para('Per invariant, the accounts by verdict: an account counts once, with its worst verdict over its regions.'),
    ...table(
      ['Invariant', ...STATUSES.map((s) => STATUS_LABEL[s])],
      fleet.invariants.map((i) => [i.id, ...STATUSES.map((s) => String(i.counts[s]))]),
    ),
    ...table(
      ['Account', 'Name', 'Regions', 'Verdict', 'Reason'],
      fleet.accounts.map((a) => [a.id, a.name ?? '', a.regions.join(', '), STATUS_LABEL[a.status], a.reason ?? '']),
    ),
  ];
  for (const sys of r.systems ?? []) {
    const where = sys.region ? `${sys.account} in ${sys.region}` : `${sys.account} (regions unknown)`;
    const invs = systemInvariants(r, sys);
    out.push(
      ...heading(2, `Account ${where}: ${STATUS_LABEL[sys.status]}`),
      ...table(
        ['Invariant', 'Verdict', 'Findings', 'Reason'],
        invs.map((i) => [i.id, STATUS_LABEL[i.status], String(i.findings.length), i.reason ?? '']),
      ),
    );
    const findings = invs.flatMap((i) => i.findings.map((f) => `${i.id} ${findingItem(f)}`));
    if (findings.length) out.push(...heading(3, `Findings in ${accountRegion(sys)}`), ...bullets(findings));
    if (sys.limitations?.length)
      out.push(...heading(3, `Limitations in ${accountRegion(sys)}`), ...bullets(sys.limitations.map((l) => esc(l))));
  }
  return out;
}

/** With several root modules: each one's own verdict (each is judged alone). */
function systemsSection(r: CheckResult): string[] {
  if (r.fleet) return fleetSections(r);
  if (!r.systems) return [];
  return [
    ...heading(2, 'Root modules'),
    ...para('Each root module is a system of its own, judged alone; the invariants below are the worst verdict over them.'),
    ...table(
      ['Root module', 'Verdict', 'Not passing'],
      r.systems.map((s) => {
        const v = systemVerdict(s);
        return [s.root, STATUS_LABEL[v.status], v.detail];
      }),
    ),
  ];
}

/** The configuration file applied and each setting that weakened the gate, right after the verdict. */
function configSection(r: CheckResult): string[] {
  const cfg = r.config;
  if (!cfg) return [];
  const out = [...heading(2, 'Configuration'), ...para(`Configuration file: ${configFileLine(cfg)}.`)];
  if (cfg.weakenings.length === 0) return [...out, ...para('No setting weakened the gate.')];
  const rows = cfg.weakenings.map((w) => [weakenedBy(w), w.kind, w.detail]);
  return [...out, ...para('Settings that weakened the gate:'), ...table(['Set by', 'Setting', 'Effect'], rows)];
}

function findingItem(f: Finding): string {
  const where = whereOf(f);
  const at = where && where !== f.resource ? ` at ${esc(where)}` : '';
  let item = `${f.status}: ${esc(f.resource)}${at}: ${esc(f.message)}`;
  if (f.suppression) {
    const s = f.suppression;
    const loc = s.file ? `, written at ${esc(`${s.file}${s.line ? `:${s.line}` : ''}`)}` : '';
    item += ` (suppression ${SUPPRESSION_KIND_LABEL[s.kind]}: ${esc(s.reason)}${loc}${s.expires ? `, expires ${esc(s.expires)}` : ''})`;
  }
  if (f.baseline) item += ` (baseline: ${f.baseline})`;
  if (f.account) item += ` (account ${esc(accountRegion(f))})`;
  if (f.trace?.length) item += `; because ${f.trace.map((t) => esc(traceStep(t))).join(', from ')}`;
  return item;
}

function invariantSection(inv: InvariantResult): string[] {
  const meta = metaFor(inv);
  const stride = meta ? meta.stride.map((s) => `${s.id} ${s.name}`) : inv.stride;
  const facts = [
    `Statement: ${esc(meta?.statement ?? inv.title)}`,
    `STRIDE threat: ${esc(stride.join('; '))}`,
    `NIST SP 800-207 tenets: ${inv.nist.join(', ') || 'none'}`,
    `Severity: ${inv.severity}`,
    `Verdict: **${STATUS_LABEL[inv.status]}**`,
  ];
  if (inv.reason) facts.push(`Reason: ${esc(inv.reason)}`);
  const out = [...heading(2, `${inv.id}: ${STATUS_LABEL[inv.status]}`), ...para(inv.title), ...bullets(facts)];

  out.push(...heading(3, `${inv.id} resources examined`));
  const examined = sortExamined(inv.examined);
  if (examined.length === 0) out.push(...para('No resource was examined.'));
  else
    out.push(
      ...table(
        ['Resource', 'Location or ARN', 'Status', 'Observed'],
        examined.map((e) => [e.resource, whereOf(e) === e.resource ? '(the resource ARN)' : whereOf(e), e.status, e.observed]),
      ),
    );

  const findings = inv.findings;
  if (findings.length > 0) {
    out.push(...heading(3, `${inv.id} findings`), ...bullets(findings.map(findingItem)));
    out.push(...heading(3, `${inv.id} remediation`));
    if (meta) {
      out.push(...reflow(meta.remediation));
      out.push(...para('References:'), ...bullets(meta.references.map((u) => `<${u}>`)));
    } else {
      out.push(...para('No remediation is recorded for this rule.'));
    }
  }
  return out;
}

function nistSection(r: CheckResult): string[] {
  const status = new Map(r.invariants.map((i) => [i.id, i.status]));
  const rows = [...r.nist]
    .sort((a, b) => a.tenet - b.tenet)
    .map((t) => {
      const evidence = t.invariants.map((id) => `${id} ${status.has(id) ? STATUS_LABEL[status.get(id)!] : 'not evaluated'}`).join(', ');
      return [String(t.tenet), t.title, t.invariants.join(', '), STATUS_LABEL[t.status], evidence];
    });
  return [
    ...heading(2, 'NIST SP 800-207 tenets'),
    ...para(
      'A tenet is satisfied only when every mapped invariant that was evaluated passes; a failing, undecidable or suppressed invariant keeps it from passing.',
    ),
    ...table(['Tenet', 'Title', 'Mapped invariants', 'Status', 'Evidence'], rows),
  ];
}

function maturitySection(r: CheckResult): string[] {
  const m = r.maturity;
  const out = heading(2, 'Maturity');
  const declared = m.declared_at
    ? whereOf({ resource: m.declared_at.resource ?? '', file: m.declared_at.file, line: m.declared_at.line, arn: m.declared_at.resource })
    : '';
  const items = [
    `Declared level: ${m.level === null ? 'not declared' : esc(`L${m.level}${m.name ? ` ${m.name}` : ''}`)}${declared ? ` (declared at ${esc(declared)})` : ''}`,
    `Consistent with Table 3: **${m.consistent ? 'yes' : 'no'}**`,
  ];
  if (m.reason) items.push(`Reason: ${esc(m.reason)}`);
  out.push(...bullets(items));
  const expected = m.expected;
  const actual = m.actual ?? {};
  if (expected) {
    const tableOrder = loadMaturityModel().settings.map((s) => s.name);
    const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort((a, b) => {
      const ia = tableOrder.indexOf(a);
      const ib = tableOrder.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : 1);
    });
    const deviating = new Set(m.deviations.map((d) => d.setting));
    out.push(
      ...table(
        ['Setting', 'Expected (Table 3)', 'Actual', 'Deviation'],
        names.map((n) => [n, valueText(expected[n]), valueText(actual[n]), deviating.has(n) ? 'yes' : 'no']),
      ),
    );
  }
  if (m.deviations.length > 0) {
    out.push(
      ...para('Deviations:'),
      ...bullets(
        m.deviations.map((d) => {
          const where = whereOf({ resource: d.resource ?? '', file: d.file, line: d.line, arn: d.resource });
          return `${esc(d.setting)}: expected ${esc(valueText(d.expected))}, actual ${esc(valueText(d.actual))}${where ? ` (${esc(where)})` : ''}`;
        }),
      ),
    );
  }
  return out;
}

function suppressionsSection(r: CheckResult): string[] {
  const rows = r.invariants.flatMap((inv) =>
    inv.findings
      .filter((f) => f.status === 'suppressed')
      .map((f) => {
        const s = f.suppression;
        const where = s?.file ? `${s.file}${s.line ? `:${s.line}` : ''}` : '';
        return [
          inv.id,
          f.resource,
          s ? SUPPRESSION_KIND_LABEL[s.kind] : 'unknown',
          s?.reason ?? '(no reason recorded)',
          where,
          s?.expires ?? '',
        ];
      }),
  );
  const out = heading(2, 'Suppressions');
  if (rows.length === 0) return [...out, ...para('No finding was suppressed.')];
  return [...out, ...table(['Invariant', 'Resource', 'Kind', 'Reason', 'Written at', 'Expires'], rows)];
}

/** With --baseline: which baselined findings are gone (fixed). */
function baselineSection(r: CheckResult): string[] {
  if (!r.baseline) return [];
  const counts = { new: 0, unchanged: 0 };
  for (const inv of r.invariants)
    for (const f of inv.findings) if (f.baseline === 'new' || f.baseline === 'unchanged') counts[f.baseline] += 1;
  const out = [
    ...heading(2, 'Baseline'),
    ...para(
      `Compared with the baseline ${r.baseline.file}: ${counts.new} new, ${counts.unchanged} unchanged, ${r.baseline.absent.length} fixed.`,
    ),
  ];
  if (r.baseline.absent.length === 0) return out;
  return [
    ...out,
    ...table(
      ['Invariant', 'Resource', 'Fixed finding'],
      r.baseline.absent.map((a) => [a.id, a.resource, a.message]),
    ),
  ];
}

function limitationsSection(r: CheckResult): string[] {
  const items: string[] = [];
  for (const d of r.diagnostics) {
    const where = d.file ? `${d.file}${d.line ? `:${d.line}` : ''}${d.line && d.column ? `:${d.column}` : ''}` : '';
    items.push(`Input ${d.severity}${where ? ` at ${esc(where)}` : ''}: ${esc(d.message)}`);
  }
  for (const inv of r.invariants) {
    if (inv.status === 'error') items.push(`${inv.id} (error): ${esc(inv.reason ?? 'see its findings')}`);
    for (const f of inv.findings) if (f.status === 'error') items.push(`${inv.id} undecided for ${esc(f.resource)}: ${esc(f.message)}`);
  }
  for (const l of r.limitations) items.push(esc(l));
  const out = heading(2, 'Limitations');
  if (items.length === 0) return [...out, ...para('None: every input was read and every selected invariant was decided.')];
  return [...out, ...bullets(items)];
}

/**
 * The evidence report an auditor files: scope, verdict, one section per invariant (statement,
 * STRIDE, verdict, resources examined, findings, remediation), NIST SP 800-207 tenets, maturity,
 * suppressions and limitations. Clean under markdownlint's default rules.
 */
export function renderMarkdown(r: CheckResult): string {
  return document([
    ...heading(1, 'ztait evidence report'),
    ...para(`Evidence for the ZTAIT security invariants, generated by ${r.tool.name} ${r.tool.version} from the result of one run.`),
    ...scopeSection(r),
    ...summarySection(r),
    ...systemsSection(r),
    ...configSection(r),
    ...r.invariants.flatMap(invariantSection),
    ...nistSection(r),
    ...maturitySection(r),
    ...suppressionsSection(r),
    ...baselineSection(r),
    ...limitationsSection(r),
  ]);
}
