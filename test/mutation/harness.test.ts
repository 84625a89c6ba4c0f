import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHcl, type ParseCache } from '../../src/hcl/loader.js';
import { runChecks } from '../../src/engine.js';
import type { CheckResult, Finding } from '../../src/model/result.js';
import { REPO_ROOT } from '../support/cli.js';
import { deriveMutants, type Mutant } from './operators.js';

/**
 * The mutation harness (issue 17): every single-change mutant of terraform/examples/complete (and the
 * modules it calls) that the operators derive is checked. For each, exactly the invariants pinned in
 * expected.yaml fail (none, for a change no invariant concerns), nothing is undecided, and the finding
 * of each failing invariant, or its trace, covers the changed line. The coverage figure is printed.
 *
 * A new or changed mutant (the reference was edited) has no pin: `MUTANTS_RECORD=1` writes what
 * ztait says now into expected.yaml, to be reviewed like any other change to the verdicts.
 */

const EXPECTED = join(import.meta.dirname, 'expected.yaml');
const TARGET = 0.95;

interface Pin {
  fails: string[];
  /** The finding may point elsewhere: why (a change whose effect is seen at another resource). */
  elsewhere?: string;
}

function treeFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const d of ['examples/complete', ...readdirSync(join(root, 'modules')).map((m) => `modules/${m}`)]) {
    for (const f of readdirSync(join(root, d)))
      if (/\.(tf|tfvars)$/.test(f)) files.set(`${d}/${f}`, readFileSync(join(root, d, f), 'utf8'));
  }
  return files;
}

/** A place in the mutated file covers the change: a removal is covered by a range touching the cut. */
function covers(at: { file?: string; line?: number; end_line?: number }, file: string, m: Mutant): boolean {
  if (!at.file || at.line === undefined || resolve(at.file) !== file) return false;
  const end = at.end_line ?? at.line;
  return m.removed > 0 ? at.line <= m.line && end >= m.line - 1 : at.line <= m.line && end >= m.line;
}

function covered(f: Finding, file: string, m: Mutant): boolean {
  return covers(f, file, m) || (f.trace ?? []).some((t) => covers(t, file, m));
}

describe('the mutation harness over terraform/examples/complete', () => {
  let work: string;
  const reads: ParseCache = new Map();
  const original = treeFiles(join(REPO_ROOT, 'terraform'));
  const mutants = deriveMutants(original);
  const pins = (parse(readFileSync(EXPECTED, 'utf8')) ?? {}) as Record<string, Pin>;
  const record = process.env.MUTANTS_RECORD === '1';
  const recorded: Record<string, Pin> = {};
  const coverage = { breaking: 0, covered: 0, byLocation: 0, missed: [] as string[] };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ztait-mutants-'));
    cpSync(join(REPO_ROOT, 'terraform'), work, { recursive: true });
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    if (record) writeFileSync(EXPECTED, stringify(recorded, { sortMapEntries: true, lineWidth: 0 }));
    const pct = coverage.breaking ? ((100 * coverage.covered) / coverage.breaking).toFixed(1) : '-';
    console.log(
      `mutation harness: ${mutants.length} mutants, ${coverage.breaking} break an invariant; ` +
        `the finding or its trace covers the changed line in ${coverage.covered}/${coverage.breaking} (${pct}%; ` +
        `the finding's location alone in ${coverage.byLocation})` +
        (coverage.missed.length ? `\n  not covered:\n    ${coverage.missed.join('\n    ')}` : ''),
    );
  });

  async function check(): Promise<CheckResult> {
    const inv = await loadHcl([join(work, 'examples/complete')], { reads });
    return runChecks(inv, { commandLine: 'ztait check' });
  }

  it('derives mutants of every kind', () => {
    const ops = new Set(mutants.map((m) => m.op));
    expect([...ops].sort()).toEqual(['drop-deny', 'flip-bool', 'hand-written', 'push-number', 'remove-block', 'widen-port']);
    expect(mutants.length).toBeGreaterThan(50);
    // ids are unique, so a pin names one mutant
    expect(new Set(mutants.map((m) => m.id)).size).toBe(mutants.length);
  });

  it('the reference passes every invariant before any mutation', async () => {
    const r = await check();
    expect(r.invariants.filter((i) => i.status !== 'pass').map((i) => `${i.id} ${i.status}`)).toEqual([]);
    // and not by waiving anything
    for (const text of original.values()) expect(text).not.toMatch(/ztait:ignore/);
  });

  it.each(mutants.map((m) => [m.id, m] as const))('%s', async (_id, m) => {
    const path = join(work, m.file);
    writeFileSync(path, m.text);
    reads.delete(path);
    let r: CheckResult;
    try {
      r = await check();
    } finally {
      writeFileSync(path, original.get(m.file)!);
      reads.delete(path);
    }
    const fails = r.invariants.filter((i) => i.status === 'fail').map((i) => i.id);
    const undecided = r.invariants.filter((i) => i.status === 'error').map((i) => `${i.id}: ${i.reason ?? i.findings[0]?.message}`);
    const pin = pins[m.id];
    if (record) recorded[m.id] = { fails, ...(pin?.elsewhere ? { elsewhere: pin.elsewhere } : {}) };
    expect(pin, `no pin for this mutant: run with MUTANTS_RECORD=1 and review expected.yaml`).toBeDefined();
    expect(undecided).toEqual([]);
    expect(fails).toEqual(pin!.fails);
    if (fails.length === 0) return;
    coverage.breaking++;
    const findings = r.invariants.filter((i) => i.status === 'fail').flatMap((i) => i.findings);
    if (findings.some((f) => covers(f, path, m))) coverage.byLocation++;
    if (findings.some((f) => covered(f, path, m))) coverage.covered++;
    else if (pin!.elsewhere) coverage.missed.push(`${m.id} (${pin!.elsewhere})`);
    else expect.fail(`no finding or trace covers ${m.file}:${m.line}: ${findings.map((f) => `${f.file}:${f.line}`).join(', ')}`);
  });

  it(`the finding or its trace covers the changed line in at least ${TARGET * 100}% of breaking mutants`, () => {
    expect(coverage.breaking).toBeGreaterThan(0);
    expect(coverage.covered / coverage.breaking).toBeGreaterThanOrEqual(TARGET);
  });
});
