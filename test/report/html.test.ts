import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HtmlValidate } from 'html-validate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, Status } from '../../src/model/result.js';
import { STATUSES } from '../../src/model/result.js';
import { REDACTED, redactResult } from '../../src/model/redact.js';
import { renderAssessment } from '../../src/maturity/render.js';
import { renderHtml } from '../../src/report/html/index.js';
import { esc } from '../../src/report/html/escape.js';
import { CSP } from '../../src/report/html/page.js';
import { CSS, STATUS_COLOR } from '../../src/report/html/style.js';
import { checkPdfOutput, findChromium, fixPdfDates } from '../../src/report/pdf.js';
import { ALL_CASES, brokenResult, failingResult, liveResult, suppressedResult, systemsResult } from './fixtures.js';
import {
  EXAMPLE,
  FAILING_FIXTURE,
  fleetResult,
  GENERATED_AT,
  hostileAssessment,
  ROOT,
  maturityAssessment,
  scanDir,
  trustAssessment,
} from './html-fixtures.js';
import { maturityCli } from '../maturity/helpers.js';
import { runZtaitInProcess } from '../cli/helpers.js';

/** The grid's cells: invariant id -> the status its class and data attribute say. */
function gridCells(page: string): Map<string, { cls: string; data: string }> {
  const out = new Map<string, { cls: string; data: string }>();
  for (const m of page.matchAll(/<a class="cell s-([a-z_]+)" href="#inv-([^"]+)" id="cell-inv-[^"]+" data-status="([a-z_]+)">/g))
    out.set(m[2]!, { cls: m[1]!, data: m[3]! });
  return out;
}

/** A table's rows as arrays of [class, text] cells, from the first table with `class="NAME"`. */
function tableRows(page: string, name: string): { cls: string; text: string }[][] {
  const start = page.indexOf(`<table class="${name}">`);
  const body = page.slice(start, page.indexOf('</table>', start));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) =>
    [...row[1]!.matchAll(/<t[dh](?: class="([^"]*)")?>(.*?)<\/t[dh]>/gs)].map((c) => ({
      cls: c[1] ?? '',
      text: c[2]!
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    })),
  );
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(2)>',
  "'><svg onload=alert(3)>",
  '</title><script>alert(4)</script>',
];

function hostileResult(): CheckResult {
  const r = failingResult();
  const sg = r.invariants[0]!;
  sg.findings[0]!.resource = `aws_security_group.${HOSTILE[0]}`;
  sg.findings[0]!.message = `egress ${HOSTILE[1]}`;
  sg.examined[0]!.observed = HOSTILE[2]!;
  sg.examined[0]!.resource = HOSTILE[0]!;
  r.invariants[5]!.findings[0]!.trace![0]!.what = HOSTILE[3]!;
  r.invariants[5]!.findings[0]!.file = HOSTILE[1];
  r.command_line = `ztait check ${HOSTILE[3]}`;
  r.source.inputs.push({ path: HOSTILE[1]!, sha256: HOSTILE[0]! });
  r.inventory.by_type[HOSTILE[0]!] = 1;
  r.limitations = [`bidi \u202e and escape \u001b[31m and ${HOSTILE[2]}`];
  r.maturity.deviations = [{ setting: HOSTILE[0]!, expected: HOSTILE[1], actual: HOSTILE[2], resource: HOSTILE[3] }];
  r.maturity.reason = HOSTILE[3];
  r.approved_by = HOSTILE[1];
  return r;
}

/** What an injection would leave in the page: an element or an attribute the page did not write. */
function expectInert(page: string): void {
  expect(page).not.toMatch(/<script/i);
  expect(page).not.toMatch(/<img/i);
  expect(page).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
  expect(page).not.toMatch(/<svg onload/i);
  expect(page.split('</head>')[0]!.match(/<title>/g)).toHaveLength(1);
}

describe('escaping: every string from the result renders as text', () => {
  it('a resource named <script> and an attribute breakout render literally, and no script element exists', () => {
    const page = renderHtml(hostileResult());
    expectInert(page);
    expect(page).toContain('aws_security_group.&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('egress &quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page).toContain('&#39;&gt;&lt;svg onload=alert(3)&gt;');
    expect(page).toContain('ztait check &lt;/title&gt;&lt;script&gt;alert(4)&lt;/script&gt;');
    // control and bidirectional characters are shown, not obeyed
    expect(page).toContain('bidi \\u202e and escape \\x1b[31m');
    expect(page).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202e]/);
  });

  it('the maturity page escapes the evidence file name and the dropped rows', () => {
    const page = renderAssessment(hostileAssessment(HOSTILE[0]!), 'html');
    expectInert(page);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('esc covers text and double- or single-quoted attributes', () => {
    expect(esc(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&#39;f');
    expect(esc('tab\there\nnewline\u0007')).toBe('tab\\there\\nnewline\\x07');
  });
});

describe('a page that loads nothing and runs nothing', () => {
  const pages = () => [renderHtml(failingResult()), renderHtml(liveResult()), renderHtml(fleetResult())];

  it('has a strict CSP that allows only its own stylesheet, by hash', () => {
    for (const page of pages()) {
      expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${CSP.replace(/'/g, '&#39;')}">`);
      expect(CSP).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; form-action 'none'$/);
      const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
      expect(style).toBe(CSS);
      expect(CSP).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
      expect(page.match(/<style/g)).toHaveLength(1);
    }
  });

  it('names no external URL in any attribute or style, and has no inline style, script or image', () => {
    for (const page of pages()) {
      expect(page).not.toMatch(/<script|<img|<iframe|<object|<embed|<link|<base|@import|url\(|\ssrc=|xmlns|\sstyle=/i);
      for (const [, href] of page.matchAll(/\shref="([^"]*)"/g)) expect(href).toMatch(/^#inv-[A-Za-z0-9_-]+$/);
      // URLs appear only as printed text (rule references), never as an attribute value
      expect(page).not.toMatch(/="[a-z][a-z0-9+.-]*:\/\//i);
    }
  });
});

describe('deterministic output', () => {
  it.each(ALL_CASES)('%s: the same result gives the same bytes', (_n, make) => {
    expect(renderHtml(make())).toBe(renderHtml(make()));
  });

  it('a scan under SOURCE_DATE_EPOCH has that time as its only timestamp', async () => {
    const page = renderHtml(await scanDir(FAILING_FIXTURE));
    expect(page).toBe(renderHtml(await scanDir(FAILING_FIXTURE)));
    expect(new Set(page.match(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[.\dZ]*/g))).toEqual(new Set([GENERATED_AT]));
  });

  it('the maturity page is the same for the same evidence', async () => {
    expect(renderAssessment(await maturityAssessment(), 'html')).toBe(renderAssessment(await maturityAssessment(), 'html'));
  });
});

describe('redaction', () => {
  it('renders the redacted result: no planted secret reaches the page, the marker does', () => {
    const secrets = ['AKIAIOSFODNN7EXAMPLE', 'ghp_Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fE9dC8'];
    const r = brokenResult();
    r.invariants[1]!.findings[0]!.message = `SLACK_TOKEN = ${secrets[1]} found in environment`;
    r.invariants[1]!.examined[0]!.observed = `environment.AWS_KEY = ${secrets[0]}`;
    r.command_line = `ztait check . --var key=${secrets[0]}`;
    r.maturity.actual = { min_confidence_auto: secrets[1] };
    expect(renderHtml(r)).toContain(secrets[0]);
    const page = renderHtml(redactResult(r, secrets));
    for (const s of secrets) expect(page).not.toContain(s);
    expect(page).toContain(REDACTED);
  });
});

describe('the grid, the matrix and Table 3', () => {
  it('colours each invariant by its status: class, data attribute and the stylesheet agree', () => {
    const seen = new Set<Status>();
    for (const make of [failingResult, suppressedResult, brokenResult, liveResult]) {
      const r = make();
      const cells = gridCells(renderHtml(r));
      expect([...cells.keys()]).toEqual(r.invariants.map((i) => i.id));
      for (const inv of r.invariants) {
        expect(cells.get(inv.id)).toEqual({ cls: inv.status, data: inv.status });
        seen.add(inv.status);
      }
    }
    expect([...seen].sort()).toEqual([...STATUSES].sort());
    for (const s of STATUSES) expect(CSS).toContain(`.cell.s-${s},.badge.s-${s},.dot.s-${s}{background:${STATUS_COLOR[s]};color:#fff}`);
    expect(new Set(Object.values(STATUS_COLOR)).size).toBe(STATUSES.length);
  });

  it('the failing fixture: SI-6 is the one failing cell', async () => {
    const cells = gridCells(renderHtml(await scanDir(FAILING_FIXTURE)));
    expect([...cells].filter(([, c]) => c.cls === 'fail').map(([id]) => id)).toEqual(['SI-6']);
  });

  it('marks each tenet row under its mapped invariants, and the tenet status', () => {
    const rows = tableRows(renderHtml(failingResult()), 'matrix');
    expect(rows).toHaveLength(8);
    expect(rows[0]![0]!.text).toBe('Tenet');
    const tenet5 = rows[5]!;
    expect(tenet5[0]!.text).toMatch(/^5\. /);
    const col = (id: string) => rows[0]!.findIndex((c) => c.text === id);
    expect(tenet5[col('SI-1')]!.text).toBe('✗');
    expect(tenet5[col('SI-6')]!.text).toBe('✗');
    expect(tenet5[col('SI-2')]!.text).toBe('');
    expect(tenet5.at(-1)!.text).toBe('fail');
  });

  it('Table 3 highlights the declared level and the deviating setting', () => {
    const rows = tableRows(renderHtml(liveResult()), 'table3');
    expect(rows[0]!.map((c) => c.cls)).toEqual(['', 'lvl', 'declared', 'lvl', 'lvl', '', '']);
    const action = rows.find((r) => r[0]!.text === 'action_execution_enabled')!;
    expect(action.map((c) => c.text)).toEqual(['action_execution_enabled', 'false', 'false', 'true', 'true', 'true', 'yes']);
    expect(action[5]!.cls).toBe('bad');
  });
});

describe('fleet and several root modules', () => {
  it('a fleet run has an accounts x invariants heat map: worst verdict over regions, unreadable accounts in error', () => {
    const page = renderHtml(fleetResult());
    expect(page).toContain('<h2>Fleet: accounts x invariants</h2>');
    const rows = tableRows(page, 'heat');
    const col = (id: string) => rows[0]!.findIndex((c) => c.text === id);
    const [, prod, staging, sandbox, footer] = rows;
    expect(prod![0]!.text).toBe('111122223333 prod eu-west-1, us-east-1');
    expect(prod![col('SI-6')]).toEqual({ cls: 's-fail', text: 'fail (1)' });
    expect(prod![col('SI-1')]).toEqual({ cls: 's-pass', text: 'pass' });
    expect(staging![col('SI-6')]).toEqual({ cls: 's-pass', text: 'pass' });
    expect(sandbox![0]!.text).toContain('the audit role could not be assumed (AccessDenied)');
    expect(sandbox!.slice(2).every((c) => c.cls === 's-error')).toBe(true);
    expect(footer![col('SI-6')]!.text).toBe('1 / 1 / 1');
    // every finding says its account and region
    expect(page).toContain('in 111122223333/eu-west-1');
    expect(page).not.toContain('<h2>Root modules</h2>');
  });

  it('several root modules: one row each with its own verdicts', () => {
    const rows = tableRows(renderHtml(systemsResult()), 'heat');
    const col = (id: string) => rows[0]!.findIndex((c) => c.text === id);
    expect(rows.slice(1).map((r) => [r[0]!.text, r[1]!.text, r[col('SI-6')]!.cls])).toEqual([
      ['envs/prod', 'pass', 's-pass'],
      ['envs/staging', 'fail', 's-fail'],
    ]);
  });
});

describe('the maturity assessment page', () => {
  it('draws each criterion against its threshold, the daily line with the regression band and run, and the histogram', async () => {
    const a = await maturityAssessment();
    const page = renderAssessment(a, 'html');
    expect(page).toContain('Maturity assessment: L3 Autonomous');
    const bars = /<svg [^>]*aria-label="Criteria of [^"]*">([\s\S]*?)<\/svg>/.exec(page)![1]!;
    expect(bars.match(/<line class="threshold"/g)).toHaveLength(a.criteria.length);
    expect(bars.match(/class="f-fail"/g)).toHaveLength(1); // regression_rule
    const line = /<svg [^>]*aria-label="Daily accuracy[^"]*">([\s\S]*?)<\/svg>/.exec(page)![1]!;
    expect(line).toContain('<rect class="band"');
    expect(line).toMatch(/<rect class="run"[^>]*><title>2025-06-11 \.\. 2025-06-17<\/title>/);
    expect(line.match(/<circle class="pt"/g)).toHaveLength(a.daily.filter((d) => d.accuracy !== null).length);
    const trust = renderAssessment(await trustAssessment(), 'html');
    const hist = /<svg [^>]*aria-label="Trust score distribution[^"]*">([\s\S]*?)<\/svg>/.exec(trust)![1]!;
    expect(hist.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(page).toContain('No row in the window carries the trust components');
  });
});

describe('html-validate', () => {
  const validator = new HtmlValidate({ extends: ['html-validate:recommended', 'html-validate:document'] });
  const pages: [string, string][] = [];
  beforeAll(async () => {
    pages.push(
      ['reference example', renderHtml(await scanDir(EXAMPLE))],
      ['failing fixture', renderHtml(await scanDir(FAILING_FIXTURE))],
      ['maturity assessment', renderAssessment(await maturityAssessment(), 'html')],
      // and what the fixtures above do not reach: hostile strings, a fleet, several root modules, undecided verdicts
      ['escaping', renderHtml(hostileResult())],
      ['fleet', renderHtml(fleetResult())],
      ['two root modules', renderHtml(systemsResult())],
      ['broken input', renderHtml(brokenResult())],
    );
  });

  it('finds no error in any page with its recommended and document rules, none turned off', async () => {
    for (const [name, page] of pages) {
      const report = await validator.validateString(page, `${name}.html`);
      const messages = report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`));
      expect(messages, name).toEqual([]);
      expect(report.valid, name).toBe(true);
    }
  });

  it('does catch problems (so the check above can fail)', async () => {
    const bad = renderHtml(failingResult()).replace('<main>', '<main><div><p>unclosed</main>').replace('lang="en"', '');
    expect((await validator.validateString(bad, 'bad.html')).valid).toBe(false);
  });
});

describe('--format pdf without Chromium or without a file', () => {
  it('needs -o FILE: a PDF never goes to standard output', () => {
    expect(() => checkPdfOutput(undefined)).toThrow(/^--format pdf needs -o FILE: a PDF is binary/);
    expect(() => checkPdfOutput('-')).toThrow(/never written to standard output/);
  });

  it('says in one line what to install, or that ZTAIT_CHROMIUM is not a program', () => {
    const empty = mkdtempSync(join(tmpdir(), 'ztait-nochromium-'));
    expect(() => checkPdfOutput('r.pdf', { ZTAIT_CHROMIUM: join(empty, 'chromium') })).toThrow(
      `--format pdf: ZTAIT_CHROMIUM=${join(empty, 'chromium')} is not an executable file`,
    );
    if (!existsSync('/usr/bin/chromium'))
      expect(() => checkPdfOutput('r.pdf', { PATH: empty })).toThrow(
        '--format pdf needs headless Chromium, and none was found (install it: apt-get install chromium; or set ZTAIT_CHROMIUM to its path)',
      );
    const fake = join(empty, 'chrome');
    writeFileSync(fake, '#!/bin/sh\nexit 0\n');
    chmodSync(fake, 0o755);
    expect(findChromium({ ZTAIT_CHROMIUM: fake })).toBe(fake);
  });

  it('with SOURCE_DATE_EPOCH, the PDF dates (the only bytes two prints differ in) become that time, same length', () => {
    const pdf = Buffer.from(
      "%PDF-1.4\n<</Creator (x)\n/CreationDate (D:20261207095007+00'00')\n/ModDate (D:20261207095007+00'00')>>\n",
      'latin1',
    );
    const fixed = fixPdfDates(pdf, '1735787045');
    expect(fixed.toString('latin1')).toContain("/CreationDate (D:20250102030405+00'00')\n/ModDate (D:20250102030405+00'00')");
    expect(fixed.length).toBe(pdf.length);
    expect(fixPdfDates(pdf, undefined)).toBe(pdf);
  });
});

describe('ztait maturity assess --format html|pdf (in process)', () => {
  const evidence = join(ROOT, 'fixtures/evidence/l3-regression-7days.jsonl');

  it('writes the page to standard output, exit code from the criteria', async () => {
    const r = await maturityCli(['assess', '--evidence', evidence, '--current', '3', '--format', 'html']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^<!DOCTYPE html>\n/);
    expect(r.stdout).toContain('regression to L2 is due');
  });

  it('pdf: exit 2 with one line, and no file, without -o or without Chromium', async () => {
    const none = await maturityCli(['assess', '--evidence', evidence, '--current', '3', '--format', 'pdf']);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('ztait: --format pdf needs -o FILE: a PDF is binary and is never written to standard output\n');
    const dir = mkdtempSync(join(tmpdir(), 'ztait-pdf-'));
    const saved = process.env.ZTAIT_CHROMIUM;
    process.env.ZTAIT_CHROMIUM = join(dir, 'no-chromium');
    try {
      const r = await maturityCli([
        'assess',
        '--evidence',
        evidence,
        '--current',
        '3',
        '-f',
        'html,pdf',
        '-o',
        join(dir, 'a.html'),
        '-o',
        join(dir, 'a.pdf'),
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        `ztait: --format pdf: ZTAIT_CHROMIUM=${join(dir, 'no-chromium')} is not an executable file`,
      ]);
      // checked before anything is written
      expect(existsSync(join(dir, 'a.html'))).toBe(false);
      expect(existsSync(join(dir, 'a.pdf'))).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.ZTAIT_CHROMIUM;
      else process.env.ZTAIT_CHROMIUM = saved;
    }
  });
});

describe('ztait check --format html|pdf (in process)', () => {
  it('-o DIR/ writes ztait.html; pdf without a Chromium is one line, exit 2, before anything is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ztait-html-cli-'));
    const ok = await runZtaitInProcess(['check', FAILING_FIXTURE, '--format', 'html', '-o', `${dir}/`], { cwd: ROOT });
    expect(ok.code).toBe(1);
    expect(readFileSync(join(dir, 'ztait.html'), 'utf8')).toMatch(/^<!DOCTYPE html>\n[\s\S]*SI-6 fail/);
    const saved = process.env.ZTAIT_CHROMIUM;
    process.env.ZTAIT_CHROMIUM = join(dir, 'no-chromium');
    try {
      const out = join(dir, 'second');
      const r = await runZtaitInProcess(['check', FAILING_FIXTURE, '-f', 'html,pdf', '-o', `${out}/`], { cwd: ROOT });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      // (after the fixture's own warning about its expired suppression)
      expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
        `ztait: --format pdf: ZTAIT_CHROMIUM=${join(dir, 'no-chromium')} is not an executable file`,
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.ZTAIT_CHROMIUM;
      else process.env.ZTAIT_CHROMIUM = saved;
    }
  });
});
