import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/model/result.js';
import { render } from '../../src/report/index.js';
import { escapeText, reflow } from '../../src/report/md.js';
import { ALL_CASES, brokenResult, failingResult, liveResult, suppressedResult } from './fixtures.js';
import { type MarkdownlintRun, markdownlintAll } from './tools.js';

const md = (r: CheckResult) => render(r, 'markdown', { color: false });
const cases = ALL_CASES;

/** A case's file name: markdownlint names each issue's file. */
const file = (name: string) => `${name.replace(/\W+/g, '-')}.md`;

describe('markdown evidence report', () => {
  // markdownlint-cli2 starts in about a second: one run lints every case, one more the bad document
  let lint: MarkdownlintRun;
  let bad: MarkdownlintRun;
  beforeAll(() => {
    lint = markdownlintAll(Object.fromEntries(cases.map(([name, make]) => [file(name), md(make())])));
    bad = markdownlintAll({ 'bad.md': '# title\n\n## a\n\n## a\n\n<b>html</b>\n' });
  });

  it.each(cases)('%s: passes markdownlint-cli2 with its default rules', (name) => {
    expect(lint.issues[file(name)], lint.output).toEqual([]);
  });

  it('the run over every case lints them all and exits 0 with no issue', () => {
    expect(lint.linted, lint.output).toBe(cases.length);
    expect(lint.output).toContain('Summary: 0 issues');
    expect(lint.status, lint.output).toBe(0);
  });

  it('markdownlint does catch problems (so the check above can fail)', () => {
    expect(bad.status).not.toBe(0);
    expect(bad.issues['bad.md']!.join('\n'), bad.output).toMatch(/MD024|MD033/);
  });

  it('has the scope, verdict, one section per invariant, the 7 tenets, maturity, suppressions and limitations', () => {
    const text = md(failingResult());
    for (const h of [
      '# ztait evidence report',
      '## Scope',
      '## Summary',
      '## NIST SP 800-207 tenets',
      '## Maturity',
      '## Suppressions',
      '## Limitations',
    ]) {
      expect(`\n${text}`).toContain(`\n${h}\n`);
    }
    expect(text).toContain('| modules/foundation/dynamodb.tf | ' + 'b'.repeat(64) + ' |');
    expect(text).toContain('- Generated at: 2025-01-02T03:04:05.000Z (UTC)');
    expect(text).toContain('- Command line: ztait check . --format sarif');
    expect(text).toMatch(/Verdict: \*\*FAILED: 2 rule\(s\) fail the gate: SI-1 fail \(high\), SI-6 fail\s+\(medium\)\*\*/);
    for (const inv of failingResult().invariants) expect(text).toContain(`\n## ${inv.id}: `);
    expect(text).toContain('## SI-6: fail');
    expect(text).toContain('### SI-6 remediation');
    expect(text).toContain('- STRIDE threat: T4 Tampering');
    const tenetRows = text.split('\n').filter((l) => /^\| [1-7] \| /.test(l));
    expect(tenetRows).toHaveLength(7);
    expect(tenetRows[0]).toContain('| SI-2, SI-5, SI-14 | pass |');
    expect(tenetRows[4]).toMatch(/\| fail \| SI-1 fail, SI-6 fail,/);
    expect(text).toContain('| action\\_execution\\_enabled | true | true | no |');
  });

  it('escapes markdown in text from findings', () => {
    const text = md(failingResult());
    expect(text).toContain('\\| see \\*docs\\* \\<here\\> \\_now\\_');
    expect(text).not.toContain('<here>');
    expect(escapeText('see https://evil.example/x and www.example.com')).toBe('see https:\\/\\/evil.example/x and www\\.example.com');
    expect(escapeText('- 1. =')).toBe('\\- 1\\. \\=');
    expect(escapeText('a\tb\nc')).toBe('a b c');
  });

  it('reports live scope, suppressions and limitations', () => {
    const live = md(liveResult());
    expect(live).toContain('- Account: 123456789012');
    expect(live).toContain('- Caller identity: arn:aws:sts::123456789012:assumed-role/ztait-audit/ci');
    expect(live).toContain('No input files: the account was read live');
    expect(live).toContain('- SI-4 (error): iam:GetRolePolicy failed: AccessDenied');
    expect(live).toContain('iam:SimulatePrincipalPolicy is not implemented');
    const sup = md(suppressedResult());
    expect(sup).toContain(
      '| SI-6 | aws\\_dynamodb\\_table.archive | inline | archival table restored from backup nightly | archive.tf:3 | 2027-03-31 |',
    );
    const broken = md(brokenResult());
    expect(broken).toContain('- Input error at broken.tf:3:17: Unclosed configuration block');
  });

  it('reflows rule remediation without splitting code spans', () => {
    const lines = reflow(
      'Set `a = "b c d e f g"` and then a very long sentence that goes on and on past the eighty column limit for sure.',
    );
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines.join('\n')).toContain('`a = "b c d e f g"`');
    expect(reflow('- item one\n- item two')).toEqual(['- item one', '- item two', '']);
  });
});
