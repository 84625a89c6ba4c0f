// Shared by the CLI fixture tests: running the CLI in this process (test/support/cli.ts runs the
// built one), reading the pinned expectations of fixtures/hcl/<case>/expected.yaml, and validating
// every case with terraform (offline, providers from the filesystem mirror) through
// scripts/terraform/offline.mjs.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
// @ts-expect-error plain ESM helper without type declarations
import * as offlineHelpers from '../../scripts/terraform/offline.mjs';
import { INVARIANTS } from '../../src/rules/registry.js';
import { REPO_ROOT } from '../support/cli.js';

export { REPO_ROOT } from '../support/cli.js';
/** The fixture root as the CLI is given it: relative to the repository root, the cwd of every run. */
export const FIXTURES = 'fixtures/hcl';

export const INVARIANT_IDS = INVARIANTS.map((r) => r.id);

export type Status = 'pass' | 'fail' | 'error' | 'not_applicable' | 'suppressed';

export interface ExpectedFinding {
  id: string;
  /** Full Terraform address, module path and instance key included. */
  resource: string;
  /** As printed: relative to the repository root. */
  file: string;
  line: number;
  message_contains?: string;
  /** Defaults to fail. */
  status?: 'fail' | 'error' | 'suppressed';
  suppression_reason_contains?: string;
}

/** Something the run must report (a diagnostic or a finding) at a file and line. */
export interface ExpectedReport {
  file: string;
  line: number;
  message_contains: string;
}

export interface Expected {
  description: string;
  /** Extra arguments after `check <case>` (paths relative to the repository root). */
  args?: string[];
  exit: 0 | 1 | 2;
  /** Status of the invariants the case is about (and of ZT-MAT-1, which `others` and `failing` leave out). */
  status?: Record<string, Status>;
  /** The exact set of SI-n whose status is fail. */
  failing?: string[];
  /** Status of every SI-n not named in `status`. */
  others?: Status;
  findings?: ExpectedFinding[];
  reported?: ExpectedReport[];
  stderr_contains?: string[];
  note?: string;
  /** false: excluded from terraform validate (validate_reason says why). */
  validate?: boolean;
  validate_reason?: string;
}

export interface FixtureCase {
  name: string;
  /** Relative to the repository root, as passed to the CLI. */
  dir: string;
  expected: Expected;
}

/** What a case may pin a status or a finding of: an invariant, or the maturity consistency check. */
const PINNABLE_IDS = [...INVARIANT_IDS, 'ZT-MAT-1'];

const STATUS_SCHEMA = { enum: ['pass', 'fail', 'error', 'not_applicable', 'suppressed'] };
const INVARIANT_ID = { type: 'string', enum: INVARIANT_IDS };
const PINNABLE_ID = { type: 'string', enum: PINNABLE_IDS };
const EXPECTED_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['description', 'exit'],
  properties: {
    description: { type: 'string', minLength: 1 },
    args: { type: 'array', items: { type: 'string', minLength: 1 } },
    exit: { enum: [0, 1, 2] },
    status: { type: 'object', propertyNames: PINNABLE_ID, additionalProperties: STATUS_SCHEMA },
    failing: { type: 'array', items: INVARIANT_ID, uniqueItems: true },
    others: STATUS_SCHEMA,
    findings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'resource', 'file', 'line'],
        properties: {
          id: PINNABLE_ID,
          resource: { type: 'string', minLength: 1 },
          file: { type: 'string', pattern: '^(fixtures/hcl|src/rules/[a-z0-9-]+/fixtures)/' },
          line: { type: 'integer', minimum: 1 },
          message_contains: { type: 'string', minLength: 1 },
          status: { enum: ['fail', 'error', 'suppressed'] },
          suppression_reason_contains: { type: 'string', minLength: 1 },
        },
      },
    },
    reported: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['file', 'line', 'message_contains'],
        properties: {
          file: { type: 'string', pattern: '^(fixtures/hcl|src/rules/[a-z0-9-]+/fixtures)/' },
          line: { type: 'integer', minimum: 1 },
          message_contains: { type: 'string', minLength: 1 },
        },
      },
    },
    stderr_contains: { type: 'array', items: { type: 'string', minLength: 1 } },
    note: { type: 'string' },
    validate: { type: 'boolean' },
    validate_reason: { type: 'string', minLength: 1 },
  },
} as const;

const validateExpected = new Ajv({ allErrors: true }).compile<Expected>(EXPECTED_SCHEMA);

/** Rule folders (src/rules/<folder>) that hold fixtures/, relative to the repository root. */
export const RULE_FIXTURE_ROOTS: string[] = readdirSync(join(REPO_ROOT, 'src/rules'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(REPO_ROOT, 'src/rules', d.name, 'fixtures')))
  .map((d) => `src/rules/${d.name}/fixtures`)
  .sort();

/**
 * Every case under a fixture root (default: fixtures/hcl, the cases that are about no single rule;
 * directories starting with `_` are shared building blocks). A case's name is its directory
 * relative to the repository root.
 */
export function loadCases(fixtureRoot: string = FIXTURES): FixtureCase[] {
  const root = join(REPO_ROOT, fixtureRoot);
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const dir = `${fixtureRoot}/${name}`;
      const file = join(root, name, 'expected.yaml');
      if (!existsSync(file)) throw new Error(`${dir} has no expected.yaml`);
      const expected: unknown = parseYaml(readFileSync(file, 'utf8'));
      if (!validateExpected(expected)) {
        throw new Error(`${dir}/expected.yaml: ${JSON.stringify(validateExpected.errors)}`);
      }
      if (expected.validate === false && !expected.validate_reason) {
        throw new Error(`${dir}/expected.yaml: validate: false needs a validate_reason`);
      }
      return { name: dir, dir, expected };
    });
}

/** The cases of fixtures/hcl and of every rule folder. */
export function allCases(): FixtureCase[] {
  return [...loadCases(), ...RULE_FIXTURE_ROOTS.flatMap((r) => loadCases(r))];
}

/** The status a case expects for an invariant, when it pins one. */
export function expectedStatus(e: Expected, id: string): Status | undefined {
  return e.status?.[id] ?? e.others;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `ztait ARGS` run in this process (the CLI's main() from the sources, stdout and stderr captured):
 * the same commander program, loaders, engine and reporters as `bin/ztait.js`, without a node
 * start-up and a parser warm-up per case (1.8 s of CPU each: most of the fixture table's time). The
 * launcher itself is tested by the spawning tests. `opts.cwd`: the working directory of the run
 * (the test's own is restored after it; vitest runs test files in forks, where chdir works).
 */
export async function runZtaitInProcess(args: string[], opts: { cwd?: string } = {}): Promise<CliRun> {
  const { main } = await import('../../src/cli/main.js');
  const out = { stdout: '', stderr: '' };
  const capture = (key: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      out[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof process.stdout.write;
  const saved = { out: process.stdout.write, err: process.stderr.write, noColor: process.env.NO_COLOR, force: process.env.FORCE_COLOR };
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  process.env.NO_COLOR = '1';
  delete process.env.FORCE_COLOR;
  const cwd = process.cwd();
  try {
    if (opts.cwd) process.chdir(opts.cwd);
    const code = await main([process.execPath, join(REPO_ROOT, 'bin', 'ztait.js'), ...args]);
    return { code, ...out };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    if (saved.noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved.noColor;
    if (saved.force !== undefined) process.env.FORCE_COLOR = saved.force;
    process.chdir(cwd);
  }
}

interface TfDiagnostic {
  severity: string;
  summary: string;
  detail?: string;
  range?: { filename: string; start: { line: number } };
}
interface TfValidation {
  valid: boolean;
  diagnostics: TfDiagnostic[];
}
const offline = offlineHelpers as {
  terraformVersion(): string | null;
  writeCliConfig(dir: string): string;
  offlineEnv(cliConfigPath: string): NodeJS.ProcessEnv;
  terraform(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): string;
  prepareOffline(dir: string): { root: string; workDir: string; env: NodeJS.ProcessEnv };
  validate(workDir: string, env: NodeJS.ProcessEnv): TfValidation;
  removeCopy(root: string): void;
};

export const terraformVersion = (): string | null => offline.terraformVersion();

const describeDiagnostic = (d: TfDiagnostic): string =>
  `${d.summary}${d.detail ? `: ${d.detail}` : ''}${d.range ? ` (${d.range.filename}:${d.range.start.line})` : ''}`;

/**
 * `terraform validate` errors of each case, keyed by case name (cases without errors are absent).
 * Loading the AWS provider schema dominates validate's run time, so all cases are validated at once
 * as module calls of one generated root. A case that only works as a root (a variable without a
 * default: "Missing required argument" in the generated root) is validated on its own instead; such
 * an error stops terraform before it looks inside the modules, so the others are then validated again.
 */
export function terraformValidateCases(names: string[]): Map<string, string[]> {
  // names are case directories relative to the repository root
  const problems = new Map<string, string[]>();
  const add = (name: string, msg: string) => problems.set(name, [...(problems.get(name) ?? []), msg]);
  const work = mkdtempSync(join(tmpdir(), 'ztait-fixtures-'));
  try {
    // the fixture trees are copied where they are in the repository: cases reach shared modules by relative paths
    const fixtures = work;
    for (const r of [FIXTURES, ...RULE_FIXTURE_ROOTS]) {
      cpSync(join(REPO_ROOT, r), join(work, r), { recursive: true, filter: (src) => !/[\\/]\.terraform(\.lock\.hcl)?$/.test(src) });
    }
    const env = offline.offlineEnv(offline.writeCliConfig(work));
    const standalone = new Set<string>();
    let together = names;
    for (let round = 0; together.length > 0; round++) {
      const found = validateTogether(join(fixtures, `_validate_${round}`), together, env);
      if (found.standalone.length === 0) {
        for (const [name, msgs] of found.problems) msgs.forEach((m) => add(name, m));
        break;
      }
      found.standalone.forEach((n) => standalone.add(n));
      together = together.filter((n) => !standalone.has(n));
    }
    for (const name of standalone) {
      const { root, workDir, env: caseEnv } = offline.prepareOffline(join(REPO_ROOT, name));
      try {
        for (const d of offline.validate(workDir, caseEnv).diagnostics) {
          if (d.severity === 'error') add(name, describeDiagnostic(d));
        }
      } finally {
        offline.removeCopy(root);
      }
    }
  } finally {
    offline.removeCopy(work);
  }
  return problems;
}

/** Validates the cases as module calls of a root generated in `dir` (a sibling of the cases). */
function validateTogether(dir: string, names: string[], env: NodeJS.ProcessEnv): { problems: Map<string, string[]>; standalone: string[] } {
  const problems = new Map<string, string[]>();
  const add = (name: string, msg: string) => problems.set(name, [...(problems.get(name) ?? []), msg]);
  const standalone: string[] = [];
  mkdirSync(dir);
  // One module call per case; the call's line tells which case a root diagnostic is about.
  const lines: string[] = [];
  const caseAtLine = new Map<number, string>();
  for (const name of names) {
    caseAtLine.set(lines.length + 1, name);
    lines.push(`module "case_${name.replace(/[^a-zA-Z0-9_-]/g, '_')}" {`, `  source = "../${name}"`, '}');
  }
  writeFileSync(join(dir, 'main.tf'), `${lines.join('\n')}\n`);
  offline.terraform(['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env });
  for (const d of offline.validate(dir, env).diagnostics) {
    if (d.severity !== 'error') continue;
    const file = d.range?.filename ?? '';
    const inCase = names.find((n) => file.startsWith(`../${n}/`));
    if (file === 'main.tf' && d.range) {
      const name = caseAtLine.get(d.range.start.line);
      if (name && d.summary === 'Missing required argument') standalone.push(name);
      else add(name ?? '(generated root)', describeDiagnostic(d));
    } else if (inCase) add(inCase, describeDiagnostic(d));
    else add(file ? `(shared: ${file})` : '(unattributed)', describeDiagnostic(d));
  }
  return { problems, standalone };
}
