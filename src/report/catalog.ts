import { Chalk } from 'chalk';
import { loadNist, loadRules, type NistTenet, type RuleMeta } from '../rules/catalog/metadata.js';
import { bullets, document, escapeText as esc, heading, para, reflow, table } from './md.js';

/** Renders the rule catalog for `ztait rules`: the same rules/ data every report uses. */

export type CatalogFormat = 'text' | 'json' | 'markdown';
export const CATALOG_FORMATS: readonly CatalogFormat[] = ['text', 'json', 'markdown'];

const stride = (r: RuleMeta) => r.stride.map((s) => `${s.id} ${s.name}`).join('; ');

function catalogText(rules: RuleMeta[], tenets: NistTenet[], color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const sev = { critical: c.red.bold, high: c.red, medium: c.yellow, low: c.gray };
  const lines: string[] = [];
  for (const r of rules) {
    lines.push(`${c.bold(r.id.padEnd(10))} ${sev[r.severity](r.severity.padEnd(8))} ${r.title}`);
    lines.push(`  kind: ${r.kind}   STRIDE: ${stride(r)}   NIST SP 800-207 tenets: ${r.nist.join(', ')}`);
    lines.push(
      ...r.remediation
        .trim()
        .split('\n')
        .map((l) => (l ? `  ${l}` : '')),
    );
    lines.push('');
  }
  lines.push(c.bold('NIST SP 800-207 tenets'));
  for (const t of tenets) lines.push(`  ${t.tenet}. ${t.title}: ${t.rules.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function catalogMarkdown(rules: RuleMeta[], tenets: NistTenet[]): string {
  const out = [
    ...heading(1, 'ztait rules'),
    ...para(
      'The ZTAIT security invariants, the maturity rule and the plan rules, with their STRIDE threat, NIST SP 800-207 tenets, severity and remediation.',
    ),
    ...table(
      ['Rule', 'Title', 'Kind', 'Severity', 'STRIDE', 'NIST tenets'],
      rules.map((r) => [r.id, r.title, r.kind, r.severity, stride(r), r.nist.join(', ')]),
    ),
  ];
  for (const r of rules) {
    out.push(
      ...heading(2, r.id),
      ...para(r.title),
      ...bullets([
        `Statement: ${esc(r.statement)}`,
        `STRIDE threat: ${esc(stride(r))}`,
        `NIST SP 800-207 tenets: ${r.nist.join(', ')}`,
        `Severity: ${r.severity} (security-severity ${esc(r.security_severity)}, precision ${esc(r.precision)})`,
      ]),
      ...heading(3, `${r.id} remediation`),
      ...reflow(r.remediation),
      ...para('References:'),
      ...bullets(r.references.map((u) => `<${u}>`)),
    );
  }
  out.push(
    ...heading(2, 'NIST SP 800-207 tenets'),
    ...table(
      ['Tenet', 'Title', 'Rules'],
      tenets.map((t) => [String(t.tenet), t.title, t.rules.join(', ')]),
    ),
  );
  return document(out);
}

export function renderCatalog(format: CatalogFormat, opts: { color: boolean }): string {
  const rules = loadRules();
  const tenets = loadNist();
  switch (format) {
    case 'json':
      return `${JSON.stringify({ rules, nist: tenets }, null, 2)}\n`;
    case 'markdown':
      return catalogMarkdown(rules, tenets);
    case 'text':
      return catalogText(rules, tenets, opts.color);
  }
}
