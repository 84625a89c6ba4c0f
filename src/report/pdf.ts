import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../model/errors.js';
import { isStdoutPath, writeFileSafe, type SafeWriteOptions } from '../io/safe-write.js';

/**
 * `--format pdf`: the HTML report printed by headless Chromium (`--print-to-pdf`), which ztait does
 * not ship. The page is written to a new private temporary directory with a new Chromium profile
 * beside it, both removed afterwards; Chromium runs with its background networking, component
 * updates and sync off, and the page itself loads nothing (its CSP allows no request).
 * A PDF is binary: it is only ever written to a file (-o FILE), never to standard output.
 */

/** The flags of every run: headless, no sandbox (containers and CI runners rarely allow it), nothing in the background. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // no date, title and file:// URL printed in the page margins
  '--no-pdf-header-footer',
];

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

const executable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** ZTAIT_CHROMIUM, else /usr/bin/chromium, else chromium, chromium-browser or google-chrome on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.ZTAIT_CHROMIUM) return executable(env.ZTAIT_CHROMIUM) ? env.ZTAIT_CHROMIUM : undefined;
  if (executable('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean))
    for (const name of CANDIDATES) if (executable(join(dir, name))) return join(dir, name);
  return undefined;
}

/**
 * Before any work: a PDF needs a file to go to and a Chromium to print it (a usage error, exit 2,
 * otherwise). Returns the Chromium to use.
 */
export function checkPdfOutput(file: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (!file || isStdoutPath(file))
    throw new InputError('--format pdf needs -o FILE: a PDF is binary and is never written to standard output');
  const chromium = findChromium(env);
  if (!chromium)
    throw new InputError(
      env.ZTAIT_CHROMIUM
        ? `--format pdf: ZTAIT_CHROMIUM=${env.ZTAIT_CHROMIUM} is not an executable file`
        : '--format pdf needs headless Chromium, and none was found (install it: apt-get install chromium; or set ZTAIT_CHROMIUM to its path)',
    );
  return chromium;
}

/** SOURCE_DATE_EPOCH as a PDF date, `D:20250102030405+00'00'`. */
function pdfDate(epoch: string): string {
  return `D:${new Date(Number(epoch) * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14)}+00'00'`;
}

/**
 * With SOURCE_DATE_EPOCH, the creation and modification dates Chromium writes become that time,
 * the only bytes that differ between two prints of the same page. The replacement has the same
 * length, so the cross-reference offsets stay right.
 */
export function fixPdfDates(pdf: Buffer, epoch: string | undefined = process.env.SOURCE_DATE_EPOCH): Buffer {
  if (!epoch || !/^\d+$/.test(epoch)) return pdf;
  const date = pdfDate(epoch);
  const text = pdf.toString('latin1');
  const fixed = text.replace(/\/(CreationDate|ModDate) \((D:[^)]*)\)/g, (m, key: string, old: string) =>
    old.length === date.length ? `/${key} (${date})` : m,
  );
  return Buffer.from(fixed, 'latin1');
}

/** Prints `html` to PDF with the Chromium at `chromium`; a failure is one line (exit 2), never Chromium's log. */
export async function htmlToPdf(html: string, chromium: string, timeoutMs = 120_000): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'ztait-pdf-'));
  try {
    const page = join(dir, 'report.html');
    const out = join(dir, 'report.pdf');
    const profile = join(dir, 'profile');
    mkdirSync(profile, { mode: 0o700 });
    writeFileSync(page, html, { mode: 0o600 });
    const args = [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, `--print-to-pdf=${out}`, pathToFileURL(page).href];
    const code = await new Promise<number | string>((resolve) => {
      // its own process group, so a timeout ends Chromium's helper processes with it
      const child = spawn(chromium, args, { stdio: 'ignore', detached: true });
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
        resolve('timeout');
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        resolve((e as NodeJS.ErrnoException).code ?? e.message);
      });
      child.on('exit', (c, signal) => {
        clearTimeout(timer);
        resolve(c ?? signal ?? 'killed');
      });
    });
    let pdf: Buffer | undefined;
    try {
      pdf = readFileSync(out);
    } catch {
      pdf = undefined;
    }
    if (!pdf || pdf.subarray(0, 5).toString('latin1') !== '%PDF-') {
      const why = code === 'timeout' ? `did not finish within ${Math.round(timeoutMs / 1000)} s` : `exited with ${code} and wrote no PDF`;
      throw new InputError(`--format pdf: ${chromium} ${why}`);
    }
    return fixPdfDates(pdf);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Renders the PDF and writes it like every report: never through a symlink. */
export async function writePdf(file: string, html: string, chromium: string, guard: SafeWriteOptions): Promise<void> {
  writeFileSafe(file, await htmlToPdf(html, chromium), guard);
}
