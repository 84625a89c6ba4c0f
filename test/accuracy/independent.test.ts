import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { scan, type ScanSource } from '../../src/scan.js';
import type { CheckResult, Finding, Status } from '../../src/model/result.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { REPO_ROOT } from '../support/cli.js';

/**
 * fixtures/independent: a second compliant ZTAIT configuration, written apart from terraform/ (its
 * own module split, names from data sources and the account id, each maturity setting only where it
 * is read, aws_iam_policy_document for every policy, one module in .tf.json), and its real plan
 * (fixtures/independent/plan.json, `node scripts/gen-plan-fixtures.mjs --independent`). It must pass
 * every invariant as HCL and as a plan with its directory; each mutant of
 * fixtures/independent-mutants.yaml must fail exactly its invariants (issue 17). Everything runs in
 * this process through scan().
 */

const DIR = join(REPO_ROOT, 'fixtures/independent');
const PLAN = join(DIR, 'plan.json');

/** The rules that judge a configuration's state: SI-1..SI-14 and ZT-MAT-1 (the ZT-PLAN rules judge a change). */
const STATE_IDS = ALL_RULES.filter((r) => r.scope !== 'change').map((r) => r.id);

type Verdicts = Record<string, Status>;

/**
 * Invariants the configuration fails through a ztait defect another change is fixing: their test is
 * `it.fails`, so it turns red the day the fix lands, and then the entry goes. Empty since issue 17's
 * items 1 and 4 (before them SI-8 failed as HCL, the trail bucket's name holding the account id, and
 * ZT-MAT-1 failed both ways, each function carrying only the settings it reads).
 */
const PENDING_HCL: Record<string, string> = {};
const PENDING_PLAN: Record<string, string> = {};

/** One test per state rule: it passes, or, pending a fix, it fails. */
function eachPasses(verdictsOf: () => Verdicts, pending: Record<string, string>): void {
  for (const id of STATE_IDS) {
    const why = pending[id];
    if (why) it.fails(`${id} passes (pending: ${why})`, () => expect(verdictsOf()[id]).toBe('pass'));
    else it(`${id} passes`, () => expect(verdictsOf()[id]).toBe('pass'));
  }
}

interface Mutant {
  name: string;
  file: string;
  after?: string;
  find: string;
  replace: string;
  fails: string[];
  /** With `fails: []`: why no verdict may change. */
  holds?: string;
}

const MUTANTS = parseYaml(readFileSync(join(REPO_ROOT, 'fixtures/independent-mutants.yaml'), 'utf8')) as Mutant[];

async function verdicts(source: ScanSource): Promise<Verdicts> {
  return verdictsOf(await check(source));
}

function check(source: ScanSource): Promise<CheckResult> {
  return scan({ source, commandLine: 'ztait check (test/accuracy/independent.test.ts)' });
}

function verdictsOf(result: CheckResult): Verdicts {
  return Object.fromEntries(result.invariants.map((i) => [i.id, i.status]));
}

/** The finding's place or a step of its trace is one of the changed lines of `file` (`first`..`last`). */
function covers(f: Finding, file: string, first: number, last: number): boolean {
  return [f, ...(f.trace ?? [])].some(
    (at) =>
      at.file !== undefined && at.line !== undefined && resolve(at.file) === file && at.line <= last && (at.end_line ?? at.line) >= first,
  );
}

/** Runs of whitespace compare equal: `terraform fmt` re-aligns the `=` of neighbouring lines. */
const norm = (line: string): string => line.trim().replace(/\s+/g, ' ');

/** The changed line (1-based) of the mutant's file. */
function changedLine(text: string, m: Mutant): number {
  const lines = text.split('\n');
  const start = m.after ? lines.findIndex((l) => norm(l).includes(norm(m.after!))) : 0;
  return lines.findIndex((l, i) => i >= start && norm(l) === norm(m.find)) + 1;
}

/** The mutant's text of a file: the `find` line (the first after the `after` line) replaced, indented alike. */
function mutate(text: string, m: Mutant): string {
  const lines = text.split('\n');
  const start = m.after ? lines.findIndex((l) => norm(l).includes(norm(m.after!))) : 0;
  if (start < 0) throw new Error(`${m.name}: no line "${m.after}" in ${m.file}`);
  const idx = lines.findIndex((l, i) => i >= start && norm(l) === norm(m.find));
  if (idx < 0) throw new Error(`${m.name}: no line "${m.find}" in ${m.file}`);
  const indent = /^\s*/.exec(lines[idx]!)![0];
  lines[idx] = m.replace
    .split('\n')
    .map((l) => (l === '' ? '' : indent + l))
    .join('\n');
  return lines.join('\n');
}

describe('fixtures/independent, as its plan with the configuration directory', () => {
  let planned: Verdicts;
  beforeAll(async () => {
    planned = await verdicts({ kind: 'plan', file: PLAN, configDir: DIR });
  });

  eachPasses(() => planned, PENDING_PLAN);

  it('the change rules find nothing to judge in a first deployment', () => {
    expect(Object.entries(planned).filter(([id, s]) => id.startsWith('ZT-PLAN-') && s !== 'not_applicable')).toEqual([]);
  });

  // Without the directory much is unknown (the provider plans the receiver's environment, which holds
  // the secrets' ARNs, as unknown as a whole; which role a function runs as): `error`, never `fail`.
  it('the plan alone fails no invariant', async () => {
    const alone = await verdicts({ kind: 'plan', file: PLAN });
    expect(Object.entries(alone).filter(([, s]) => s === 'fail')).toEqual([]);
  });
});

// The HCL verdicts are those of a copy (the mutants edit it, one at a time, and restore it).
describe('fixtures/independent, as HCL, and its mutants (fixtures/independent-mutants.yaml)', () => {
  let work: string;
  let pristine: Verdicts;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ztait-independent-'));
    cpSync(DIR, work, { recursive: true, filter: (src) => !src.endsWith('plan.json') });
    pristine = await verdicts({ kind: 'hcl', paths: [work] });
  });
  const coverage = { breaking: 0, covered: [] as string[], missed: [] as string[] };
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    console.log(
      `independent mutants: the finding or its trace covers the changed line in ${coverage.covered.length}/${coverage.breaking}` +
        (coverage.missed.length ? `; not: ${coverage.missed.join('; ')}` : ''),
    );
  });

  eachPasses(() => pristine, PENDING_HCL);

  it('has a dozen mutants or more, each failing invariants or saying why none', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(12);
    for (const m of MUTANTS) expect(m.fails.length > 0 || Boolean(m.holds), m.name).toBe(true);
  });

  it.each(MUTANTS)('$name fails $fails', async (m) => {
    const file = join(work, m.file);
    const original = readFileSync(file, 'utf8');
    let result: CheckResult;
    try {
      writeFileSync(file, mutate(original, m));
      result = await check({ kind: 'hcl', paths: [work] });
    } finally {
      writeFileSync(file, original);
    }
    const expected = Object.fromEntries(Object.entries(pristine).map(([id, s]) => [id, m.fails.includes(id) ? 'fail' : s]));
    expect(verdictsOf(result)).toEqual(expected);
    if (m.fails.length === 0) return;
    coverage.breaking++;
    // a replacement of several lines changes each of them
    const line = changedLine(original, m);
    const last = line + Math.max(m.replace.split('\n').length - 1, 0);
    const findings = result.invariants.filter((i) => m.fails.includes(i.id)).flatMap((i) => i.findings);
    (findings.some((f) => covers(f, file, line, last)) ? coverage.covered : coverage.missed).push(`${m.name} (${m.file}:${line})`);
  });

  it('the finding or its trace covers the changed line of at least 95% of the breaking mutants', () => {
    expect(coverage.breaking).toBeGreaterThan(0);
    expect(coverage.covered.length / coverage.breaking, coverage.missed.join('\n')).toBeGreaterThanOrEqual(0.95);
  });
});
