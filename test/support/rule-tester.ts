/**
 * RuleTester: runs fixture cases (a directory of Terraform and its expected.yaml, pinning exit code,
 * statuses, the exact failing set and each finding's {resource, file, line}) in this process,
 * through the same pipeline as `ztait check` (loadHcl -> scan). A rule folder's rule.test.ts calls
 * `describeRuleFixtures(import.meta.dirname)`; test/cli/check-fixtures.test.ts runs fixtures/hcl.
 * A case that needs the command line itself (other flags, stderr) runs through the CLI's main().
 */
import { describe, expect, it } from 'vitest';
import { relative } from 'node:path';
import type { CheckResult, Finding, InvariantResult } from '../../src/model/result.js';
import { scan, type ScanSource } from '../../src/scan.js';
import {
  REPO_ROOT,
  INVARIANT_IDS,
  expectedStatus,
  loadCases,
  runZtaitInProcess,
  type Expected,
  type ExpectedFinding,
  type FixtureCase,
} from '../cli/helpers.js';

/** --var-file and --var are all a case may pass to be run by scan() directly. */
function scanSource(c: FixtureCase): ScanSource | undefined {
  const args = c.expected.args ?? [];
  const varFiles: string[] = [];
  const vars: [string, string][] = [];
  for (let i = 0; i < args.length; i += 2) {
    const v = args[i + 1];
    if (v === undefined) return undefined;
    if (args[i] === '--var-file') varFiles.push(v);
    else if (args[i] === '--var' && v.indexOf('=') > 0) vars.push([v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]);
    else return undefined;
  }
  return { kind: 'hcl', paths: [c.dir], ...(varFiles.length ? { varFiles } : {}), ...(vars.length ? { vars } : {}) };
}

/** Runs one case; the mismatches with its expectations (empty: as expected). */
export async function runCase(c: FixtureCase): Promise<string[]> {
  const source = c.expected.stderr_contains ? undefined : scanSource(c);
  if (!source) {
    const run = await runZtaitInProcess(['check', c.dir, ...(c.expected.args ?? []), '--format', 'json', '--no-color']);
    return mismatches(c.expected, run.code, run.stdout, run.stderr);
  }
  const cwd = process.cwd();
  process.chdir(REPO_ROOT); // paths in results are relative to the cwd, as the CLI prints them
  try {
    const result = await scan({ source, commandLine: `ztait check ${c.dir}`, gate: {} });
    // the CLI's exit code: 2 for input errors, else the gate
    const code = result.diagnostics.some((d) => d.severity === 'error') ? 2 : result.gate?.passed ? 0 : 1;
    return mismatches(c.expected, code, result, '');
  } catch (e) {
    return [`scan threw: ${(e as Error).message}`];
  } finally {
    process.chdir(cwd);
  }
}

/** One test per fixture case of a rule folder (or any fixture root). */
export function describeRuleFixtures(ruleDir: string): void {
  const root = relative(REPO_ROOT, ruleDir).split('\\').join('/');
  const cases = loadCases(root.endsWith('/fixtures') || root === 'fixtures/hcl' ? root : `${root}/fixtures`);
  describe(`fixtures of ${root}`, () => {
    it.each(cases.map((c) => [c.name, c] as [string, FixtureCase]))('%s', async (_name, c) => {
      expect(await runCase(c), c.expected.description).toEqual([]);
    });
  });
}

const contains = (text: string | undefined, fragment: string) => (text ?? '').toLowerCase().includes(fragment.toLowerCase());

function describeFinding(f: Finding): string {
  return `${f.status} ${f.resource} @ ${f.file ?? '?'}:${f.line ?? '?'} "${f.message}"`;
}

/** Mismatches between a pinned finding and what the run reported for that invariant. */
function checkFinding(want: ExpectedFinding, inv: InvariantResult | undefined): string[] {
  const where = `${want.id} finding on ${want.resource}`;
  if (!inv) return [`${where}: ${want.id} missing from the result`];
  const sameResource = inv.findings.filter((f) => f.resource === want.resource);
  if (sameResource.length === 0) {
    return [`${where}: not reported; ${want.id} findings are [${inv.findings.map(describeFinding).join('; ')}]`];
  }
  const status = want.status ?? 'fail';
  const hit = sameResource.find(
    (f) =>
      f.file === want.file &&
      f.line === want.line &&
      f.status === status &&
      (!want.message_contains || contains(f.message, want.message_contains)) &&
      (!want.suppression_reason_contains || contains(f.suppression?.reason, want.suppression_reason_contains)),
  );
  if (hit) return [];
  const expected = `${status} @ ${want.file}:${want.line}${want.message_contains ? ` containing "${want.message_contains}"` : ''}${
    want.suppression_reason_contains ? ` suppressed with reason containing "${want.suppression_reason_contains}"` : ''
  }`;
  return [
    `${where}: expected ${expected}; got [${sameResource.map((f) => `${describeFinding(f)}${f.suppression ? ` (reason "${f.suppression.reason}")` : ''}`).join('; ')}]`,
  ];
}

/** Every mismatch between a run and its case's expectations, so one failure shows the whole picture. */
export function mismatches(e: Expected, code: number | null, stdout: string | CheckResult, stderr: string): string[] {
  const out: string[] = [];
  if (code !== e.exit) out.push(`exit code ${code}, expected ${e.exit} (stderr: ${stderr.trim().slice(0, 500)})`);
  let result: CheckResult;
  if (typeof stdout !== 'string') result = stdout;
  else {
    try {
      result = JSON.parse(stdout) as CheckResult;
    } catch {
      return [...out, `stdout is not the JSON result: ${stdout.slice(0, 300)} (stderr: ${stderr.trim().slice(0, 500)})`];
    }
  }
  const byId = new Map(result.invariants.map((r) => [r.id, r]));
  // every invariant (`others` applies to them), and ZT-MAT-1 when the case pins it
  const pinned = Object.keys(e.status ?? {}).filter((id) => !INVARIANT_IDS.includes(id));
  for (const id of [...INVARIANT_IDS, ...pinned]) {
    const inv = byId.get(id);
    if (!inv) {
      out.push(`${id} missing from invariants`);
      continue;
    }
    const want = expectedStatus(e, id);
    if (want && inv.status !== want) {
      const why = inv.reason ? ` (${inv.reason})` : '';
      const findings = inv.findings.length ? ` findings: [${inv.findings.map(describeFinding).join('; ')}]` : '';
      out.push(`${id} is ${inv.status}, expected ${want}${why}${findings}`);
    }
  }
  if (e.failing) {
    const failing = INVARIANT_IDS.filter((id) => byId.get(id)?.status === 'fail');
    const want = [...e.failing].sort((a, b) => INVARIANT_IDS.indexOf(a) - INVARIANT_IDS.indexOf(b));
    if (failing.join(',') !== want.join(',')) out.push(`failing set [${failing.join(', ')}], expected [${want.join(', ')}]`);
  }
  for (const f of e.findings ?? []) out.push(...checkFinding(f, byId.get(f.id)));
  for (const r of e.reported ?? []) {
    const places = [
      ...result.diagnostics.map((d) => ({ file: d.file, line: d.line, message: d.message })),
      ...result.invariants.flatMap((i) => i.findings),
    ];
    if (!places.some((p) => p.file === r.file && p.line === r.line && contains(p.message, r.message_contains))) {
      out.push(
        `nothing reported at ${r.file}:${r.line} containing "${r.message_contains}"; diagnostics: ${JSON.stringify(result.diagnostics)}`,
      );
    }
  }
  for (const s of e.stderr_contains ?? []) if (!stderr.includes(s)) out.push(`stderr lacks "${s}": ${stderr.trim().slice(0, 500)}`);
  return out;
}
