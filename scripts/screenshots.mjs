#!/usr/bin/env node
// Makes the HTML report screenshots the README shows: docs/report-html.png (the reference
// example's evidence report) and docs/maturity-html.png (a maturity assessment), with the built
// CLI (npm run build first) and headless Chromium driven by playwright-core, found as
// --format pdf finds it (ZTAIT_CHROMIUM, /usr/bin/chromium, or on PATH). Deterministic input:
// SOURCE_DATE_EPOCH, and a decision log generated here from a fixed formula (no randomness).
// Run: node scripts/screenshots.mjs [OUT_DIR]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = process.argv[2] ?? join(ROOT, 'docs');
if (!existsSync(join(ROOT, 'dist', 'report', 'pdf.js'))) throw new Error('no dist/: run npm run build first');
// the Chromium --format pdf would use, with the same flags (playwright adds its own headless mode)
const { CHROMIUM_FLAGS, findChromium } = await import(pathToFileURL(join(ROOT, 'dist', 'report', 'pdf.js')).href);
const BROWSER = findChromium();
if (!BROWSER) throw new Error('no Chromium: apt-get install chromium, or set ZTAIT_CHROMIUM');
const FLAGS = CHROMIUM_FLAGS.filter((f) => f !== '--headless');

const DAY = 86_400_000;
const NEWEST = Date.parse('2025-06-30T12:00:00Z');

/**
 * 30 days of 12 decisions at L2 (Supervised): agreement mostly 11 or 12 of 12, a dip to 10 of 12
 * (0.83) on days 14-20 (seven days: regression due), P1/P2 decisions approved, trust components
 * spread around 0.8.
 */
function decisionLog() {
  const rows = [];
  for (let d = 0; d < 30; d++) {
    const dip = d >= 14 && d <= 20;
    const disagree = dip ? 2 : d % 3 === 0 ? 1 : 0;
    for (let j = 0; j < 12; j++) {
      const k = d * 12 + j;
      const severity = ['P1', 'P2', 'P3', 'P3', 'P4', 'P3'][k % 6];
      const wave = (x) => ((Math.sin(x) + 1) / 2).toFixed(2);
      rows.push({
        incident_id: `inc-${String(k).padStart(4, '0')}`,
        timestamp: new Date(NEWEST - (29 - d) * DAY - j * 3_600_000).toISOString().replace('.000Z', 'Z'),
        agent_severity: severity,
        human_severity: j < disagree ? 'P4' : severity,
        agent_action: 'create_incident',
        human_action: 'create_incident',
        confidence: Number((0.78 + 0.2 * Number(wave(k * 0.7))).toFixed(2)),
        outcome: 'approved',
        mim_false_positive: false,
        C: Number((0.7 + 0.3 * Number(wave(k * 0.7))).toFixed(2)),
        B: Number(wave(k * 1.3)),
        H: Number((0.75 + 0.2 * Number(wave(k * 0.4))).toFixed(2)),
        E: Number((0.6 + 0.4 * Number(wave(k * 2.1))).toFixed(2)),
      });
    }
  }
  return rows;
}

const tmp = mkdtempSync(join(tmpdir(), 'ztait-screenshots-'));
const env = { ...process.env, SOURCE_DATE_EPOCH: '1751284800', NO_COLOR: '1' };
/** `ztait ARGS` with the built CLI; its report on standard output (a failing verdict, exit 1, still writes it). */
const ztait = (args, cwd = ROOT) => {
  try {
    return execFileSync(process.execPath, [join(ROOT, 'bin', 'ztait.js'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (e) {
    if (e.status !== 1) throw e;
    return e.stdout;
  }
};
const browser = await chromium.launch({ executablePath: BROWSER, args: FLAGS });
try {
  const report = join(tmp, 'report.html');
  writeFileSync(report, ztait(['check', 'terraform/examples/complete', '--format', 'html']));
  writeFileSync(
    join(tmp, 'decisions.jsonl'),
    `${decisionLog()
      .map((r) => JSON.stringify(r))
      .join('\n')}\n`,
  );
  const maturity = join(tmp, 'maturity.html');
  // from the temporary directory, so the page names the evidence file decisions.jsonl
  writeFileSync(maturity, ztait(['maturity', 'assess', '--current', '2', '--evidence', 'decisions.jsonl', '--format', 'html'], tmp));
  for (const [file, png, height] of [
    [report, 'report-html.png', 1500],
    [maturity, 'maturity-html.png', 1560],
  ]) {
    const page = await browser.newPage({ viewport: { width: 1280, height }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(file).href);
    await page.screenshot({ path: join(OUT, png) });
    await page.close();
    console.log(`wrote ${join(OUT, png)}`);
  }
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
