// Table-driven: `ztait check <case> --format json` on every fixtures/hcl/<case>, against the
// expectations pinned in its expected.yaml (written from the spec, not from the tool's output):
// exit code, statuses, the exact failing set, and each finding's resource, file, line and message.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, Finding, InvariantResult } from '../../src/model/result.js';
import {
  INVARIANT_IDS,
  ensureBuilt,
  expectedStatus,
  loadCases,
  runZtait,
  runZtaitInProcess,
  terraformValidateCases,
  terraformVersion,
  type Expected,
  type ExpectedFinding,
  type FixtureCase,
} from './helpers.js';

const CASES = loadCases();

beforeAll(() => ensureBuilt(), 300_000);

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
  return [`${where}: expected ${expected}; got [${sameResource.map((f) => `${describeFinding(f)}${f.suppression ? ` (reason "${f.suppression.reason}")` : ''}`).join('; ')}]`];
}

/** Every mismatch between a run and its case's expectations, so one failure shows the whole picture. */
function mismatches(e: Expected, code: number | null, stdout: string, stderr: string): string[] {
  const out: string[] = [];
  if (code !== e.exit) out.push(`exit code ${code}, expected ${e.exit} (stderr: ${stderr.trim().slice(0, 500)})`);
  let result: CheckResult;
  try {
    result = JSON.parse(stdout) as CheckResult;
  } catch {
    return [...out, `stdout is not the JSON result: ${stdout.slice(0, 300)} (stderr: ${stderr.trim().slice(0, 500)})`];
  }
  const byId = new Map(result.invariants.map((r) => [r.id, r]));
  for (const id of INVARIANT_IDS) {
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
      out.push(`nothing reported at ${r.file}:${r.line} containing "${r.message_contains}"; diagnostics: ${JSON.stringify(result.diagnostics)}`);
    }
  }
  for (const s of e.stderr_contains ?? []) if (!stderr.includes(s)) out.push(`stderr lacks "${s}": ${stderr.trim().slice(0, 500)}`);
  return out;
}

describe('ztait check on fixtures/hcl (JSON)', () => {
  // In this process: the command line, exit code, stdout and stderr as a user sees them, without a
  // node start-up per case (the text case below, and test/cli/*, spawn the built CLI).
  it.each(CASES.map((c) => [c.name, c] as [string, FixtureCase]))('%s', async (_name, c) => {
    const run = await runZtaitInProcess(['check', c.dir, ...(c.expected.args ?? []), '--format', 'json', '--no-color']);
    expect(mismatches(c.expected, run.code, run.stdout, run.stderr), c.expected.description).toEqual([]);
  });
});

describe('ztait check on fixtures/hcl (text)', () => {
  it('prints a failing finding as file:line', () => {
    const run = runZtait(['check', 'fixtures/hcl/si06-pitr-var-default', '--format', 'text', '--no-color']);
    expect(run.code).toBe(1);
    const line = run.stdout.split('\n').find((l) => l.includes('fixtures/hcl/si06-pitr-var-default/main.tf:30'));
    expect(line, run.stdout).toBeDefined();
    expect(line).toContain('aws_dynamodb_table.sessions');
    expect(run.stdout).not.toMatch(/\u001b\[/);
  });
});

describe('the fixture set', () => {
  it('has, for every invariant, at least one passing and two failing cases', () => {
    const gaps = INVARIANT_IDS.flatMap((id) => {
      const passing = CASES.filter((c) => expectedStatus(c.expected, id) === 'pass').length;
      const failing = CASES.filter((c) => c.expected.status?.[id] === 'fail').length;
      return passing >= 1 && failing >= 2 ? [] : [`${id}: ${passing} passing, ${failing} failing`];
    });
    expect(gaps).toEqual([]);
  });

  it('pins a finding for every failing case that names one resource', () => {
    const unpinned = CASES.filter((c) => Object.values(c.expected.status ?? {}).includes('fail') && !(c.expected.findings ?? []).length)
      .map((c) => c.name);
    // Only a case whose failure is an absence (no trail at all) has no resource to point at.
    expect(unpinned).toEqual(['si08-no-trail']);
  });
});

const TF = terraformVersion();
if (TF === null) console.warn('terraform is not on PATH: the terraform validate test of fixtures/hcl is SKIPPED');

describe.skipIf(TF === null)(`terraform ${TF ?? '(missing)'} validate of fixtures/hcl`, () => {
  it('accepts every case (except those marked validate: false, with their reason)', () => {
    const names = CASES.filter((c) => c.expected.validate !== false).map((c) => c.name);
    const problems = terraformValidateCases(names);
    expect(Object.fromEntries(problems)).toEqual({});
  }, 900_000);
});
