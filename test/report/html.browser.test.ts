import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Status } from '../../src/model/result.js';
import { renderDrift } from '../../src/drift/render/index.js';
import { renderAssessment } from '../../src/maturity/render.js';
import { renderHtml } from '../../src/report/html/index.js';
import { STATUS_COLOR } from '../../src/report/html/style.js';
import { CHROMIUM_FLAGS, findChromium } from '../../src/report/pdf.js';
import { runZtaitInProcess } from '../cli/helpers.js';
import { maturityCli } from '../maturity/helpers.js';
import { driftOf } from '../drift/results.js';
import { EXAMPLE, FAILING_FIXTURE, maturityAssessment, ROOT, scanDir } from './html-fixtures.js';

/**
 * The HTML report as a person sees it: headless Chromium (Debian's, driven by playwright-core,
 * which downloads no browser) loads the reference example's report, a failing fixture's, a
 * maturity assessment and a drift (PITR off), takes screenshots, and checks that the page made no
 * request and logged no error (a CSP violation is one), that the grid shows the status colours,
 * that closed sections print, and that the PDF the CLI prints has a plausible number of pages.
 */

const CHROMIUM = findChromium();
if (!CHROMIUM)
  console.warn(
    '\n*** test/report/html.browser.test.ts SKIPPED: no headless Chromium found. Install it (apt-get install chromium) or set ZTAIT_CHROMIUM to its path. ***\n',
  );

/** `#cf222e` as getComputedStyle says it: `rgb(207, 34, 46)`. */
const rgb = (hex: string): string => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
};

/** Pages in a PDF: its /Type /Page objects (not /Pages). */
const pdfPages = (pdf: Buffer): number => (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;

interface Loaded {
  page: Page;
  requests: string[];
  errors: string[];
}

describe.skipIf(!CHROMIUM)('the HTML report in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  const pages: Record<string, string> = {};
  let failingStatus: Map<string, Status>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ztait-html-browser-'));
    const [reference, failing, maturity, drift] = await Promise.all([
      scanDir(EXAMPLE),
      scanDir(FAILING_FIXTURE),
      maturityAssessment(),
      driftOf('pitr-off'),
    ]);
    pages.reference = renderHtml(reference);
    pages.failing = renderHtml(failing);
    failingStatus = new Map(failing.invariants.map((i) => [i.id, i.status]));
    pages.maturity = renderAssessment(maturity, 'html');
    pages.drift = renderDrift(drift, 'html', { color: false });
    for (const [name, html] of Object.entries(pages)) writeFileSync(join(dir, `${name}.html`), html);
    // the flags the CLI's --format pdf runs Chromium with (playwright adds its own headless mode)
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: CHROMIUM_FLAGS.filter((f) => f !== '--headless') });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a report from its file, recording every request but the file itself and every console error. */
  async function load(name: string): Promise<Loaded> {
    const url = pathToFileURL(join(dir, `${name}.html`)).href;
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url, { waitUntil: 'load' });
    return { page, requests, errors };
  }

  /** The grid's cells as the browser paints them: invariant id -> background colour. */
  const gridColours = (page: Page): Promise<Record<string, string>> =>
    page.$$eval('a.cell', (cells) =>
      Object.fromEntries(cells.map((c) => [c.querySelector('.id')!.textContent!, getComputedStyle(c).backgroundColor])),
    );

  it('the reference example: no request, no console error, every cell in the pass colour, a screenshot', async () => {
    const { page, requests, errors } = await load('reference');
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    const colours = await gridColours(page);
    expect(Object.keys(colours)).toHaveLength(15);
    for (const [id, colour] of Object.entries(colours)) expect(colour, id).toBe(rgb(STATUS_COLOR.pass));
    // the stylesheet applied (its CSP hash matched): the header is the verdict's colour
    expect(await page.$eval('header.top', (h) => getComputedStyle(h).borderBottomColor)).toBe(rgb(STATUS_COLOR.pass));
    const shot = await page.screenshot({ path: join(dir, 'reference.png') });
    expect(shot.subarray(1, 4).toString()).toBe('PNG');
    await page.close();
  });

  it('a failing fixture: SI-6 in the fail colour in the grid, the NIST matrix and its section, which opens and prints', async () => {
    const { page, requests, errors } = await load('failing');
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    const colours = await gridColours(page);
    expect(failingStatus.get('SI-6')).toBe('fail');
    expect(colours['SI-6']).toBe(rgb(STATUS_COLOR.fail));
    for (const [id, colour] of Object.entries(colours)) expect(colour, id).toBe(rgb(STATUS_COLOR[failingStatus.get(id)!]));
    expect(await page.$eval('table.matrix .mark.s-fail', (m) => getComputedStyle(m).backgroundColor)).toBe(rgb(STATUS_COLOR.fail));
    const finding = page.locator('#inv-SI-6 ul.findings li').first();
    expect(await finding.isVisible()).toBe(false);
    await page.locator('#inv-SI-6 > summary').click();
    expect(await finding.isVisible()).toBe(true);
    expect(await finding.textContent()).toContain('expired');
    await page.screenshot({ path: join(dir, 'failing.png'), fullPage: true });
    // printed, every section shows, open or not
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#inv-SI-1 table').first().isVisible()).toBe(true);
    await page.close();
  });

  it('the maturity assessment: no request, no console error, the three charts drawn', async () => {
    const { page, requests, errors } = await load('maturity');
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    const charts = await page.$$eval('svg[role="img"]', (svgs) => svgs.map((s) => s.getBoundingClientRect().width));
    expect(charts.length).toBeGreaterThanOrEqual(2);
    for (const w of charts) expect(w).toBeGreaterThan(300);
    expect(await page.$eval('svg rect.run', (r) => getComputedStyle(r).fill)).toBe(rgb(STATUS_COLOR.fail));
    await page.screenshot({ path: join(dir, 'maturity.png') });
    await page.close();
  });

  it('a drift with PITR off: no request, no console error, SI-6 in the fail colour on the account side only', async () => {
    const { page, requests, errors } = await load('drift');
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    // the verdicts table as painted: invariant -> [code side, account side]
    const sides = await page.$$eval('table.verdicts tbody tr', (rows) =>
      Object.fromEntries(
        rows.map((r) => [
          r.querySelector('td')!.textContent!,
          [...r.querySelectorAll('td.v')].map((c) => getComputedStyle(c).backgroundColor),
        ]),
      ),
    );
    expect(sides['SI-6']).toEqual([rgb(STATUS_COLOR.pass), rgb(STATUS_COLOR.fail)]);
    for (const [id, [code, account]] of Object.entries(sides)) if (id !== 'SI-6') expect([id, account]).toEqual([id, code]);
    expect(await page.$eval('header.top', (h) => getComputedStyle(h).borderBottomColor)).toBe(rgb(STATUS_COLOR.fail));
    await page.screenshot({ path: join(dir, 'drift.png') });
    await page.close();
  });

  it('ztait check --format pdf -o FILE prints the reference report to a PDF of a plausible number of pages', async () => {
    const file = join(dir, 'reference.pdf');
    const run = await runZtaitInProcess(['check', EXAMPLE, '--format', 'pdf', '-o', file], { cwd: ROOT });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const pdf = readFileSync(file);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const n = pdfPages(pdf);
    expect(n, `${n} pages`).toBeGreaterThanOrEqual(PDF_PAGES[0]);
    expect(n, `${n} pages`).toBeLessThanOrEqual(PDF_PAGES[1]);
  });

  it('ztait maturity assess --format pdf -o FILE writes the assessment as a PDF', async () => {
    const file = join(dir, 'maturity.pdf');
    const evidence = join(ROOT, 'fixtures/evidence/l3-regression-7days.jsonl');
    const run = await maturityCli(['assess', '--evidence', evidence, '--current', '3', '--format', 'pdf', '-o', file]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(pdfPages(readFileSync(file))).toBeGreaterThanOrEqual(1);
  });
});

/** The reference report on A4 with every section printed: 13 pages measured (Chromium 150); fonts and versions move it a little. */
const PDF_PAGES: [number, number] = [8, 25];
