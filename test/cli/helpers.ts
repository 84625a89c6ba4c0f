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
import { parseHclFile } from '../../src/hcl/parser.js';
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
 * as module calls of one generated root. A case's variables without a default ("Missing required
 * argument" in the generated root: such an error stops terraform before it looks inside the modules)
 * are given an unknown value in the next round, as a root's variables are when it is validated alone;
 * a case still missing arguments after that is validated on its own.
 */
export async function terraformValidateCases(names: string[]): Promise<Map<string, string[]>> {
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
    blankProviderBlocks(work);
    const env = offline.offlineEnv(offline.writeCliConfig(work));
    const standalone = new Set<string>();
    // terraform reports one call's missing arguments per run: name them all up front
    const unknownArgs = new Map<string, string[]>();
    for (const name of names) {
      const required = await requiredVariables(join(REPO_ROOT, name));
      if (required.length > 0) unknownArgs.set(name, required);
    }
    for (let round = 0; ; round++) {
      const together = names.filter((n) => !standalone.has(n));
      if (together.length === 0) break;
      const found = validateTogether(join(fixtures, `_validate_${round}`), together, unknownArgs, env);
      if (found.missing.size === 0) {
        for (const [name, msgs] of found.problems) msgs.forEach((m) => add(name, m));
        break;
      }
      for (const [name, missing] of found.missing) {
        const given = unknownArgs.get(name) ?? [];
        const fresh = missing.filter((a) => a !== '' && !given.includes(a));
        // an argument it was given, or one the message does not name: this case only works as a root
        if (fresh.length < missing.length || round >= 4) standalone.add(name);
        else unknownArgs.set(name, [...given, ...fresh]);
      }
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

/**
 * Validate starts one provider process per provider configuration, about a second of CPU each: a
 * case's own `provider "aws" {...}` (the fixtures' boilerplate) is blanked in the copies, line
 * numbers kept, so every call uses the generated root's one default provider. Aliased
 * configurations stay (resources refer to them).
 */
function blankProviderBlocks(dir: string): void {
  for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!rel.endsWith('.tf')) continue;
    const file = join(dir, rel);
    const text = readFileSync(file, 'utf8');
    let out = text;
    for (const m of text.matchAll(/^provider\s+"aws"\s*\{/gm)) {
      const end = blockEnd(text, m.index + m[0].length);
      if (end === undefined || /^\s*alias\s*=/m.test(text.slice(m.index, end))) continue;
      out = out.slice(0, m.index) + text.slice(m.index, end).replace(/[^\n]/g, ' ') + out.slice(end);
    }
    if (out !== text) writeFileSync(file, out);
  }
}

/** The offset after the `}` closing the block whose body starts at `from` (strings skipped). */
function blockEnd(text: string, from: number): number | undefined {
  let depth = 1;
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return undefined;
}

/** The variables of a module directory that have no default (`.tf` and `.tf.json`). */
async function requiredVariables(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    let vars: unknown;
    if (f.endsWith('.tf')) vars = (await parseHclFile(f, readFileSync(join(dir, f), 'utf8'))).variable;
    else if (f.endsWith('.tf.json')) vars = (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { variable?: unknown }).variable;
    if (!vars || typeof vars !== 'object') continue;
    for (const [name, decl] of Object.entries(vars)) {
      const blocks = (Array.isArray(decl) ? decl : [decl]) as Record<string, unknown>[];
      if (blocks.every((b) => b === null || typeof b !== 'object' || !('default' in b))) out.push(name);
    }
  }
  return out;
}

/**
 * Validates the cases as module calls of a root generated in `dir` (a sibling of the cases), giving
 * the arguments in `unknownArgs` the root's one unknown value. `missing`: the required arguments
 * each call lacks ('' when the message names none).
 */
function validateTogether(
  dir: string,
  names: string[],
  unknownArgs: Map<string, string[]>,
  env: NodeJS.ProcessEnv,
): { problems: Map<string, string[]>; missing: Map<string, string[]> } {
  const problems = new Map<string, string[]>();
  const add = (name: string, msg: string) => problems.set(name, [...(problems.get(name) ?? []), msg]);
  const missing = new Map<string, string[]>();
  mkdirSync(dir);
  // A root variable is unknown to validate, of any type: what a case's own variables are when it is the root.
  const lines: string[] = ['variable "ztait_unknown" {', '  type = any', '}'];
  // One module call per case; the call's line tells which case a root diagnostic is about.
  const caseAtLine = new Map<number, string>();
  for (const name of names) {
    caseAtLine.set(lines.length + 1, name);
    lines.push(`module "case_${name.replace(/[^a-zA-Z0-9_-]/g, '_')}" {`, `  source = "../${name}"`);
    for (const a of unknownArgs.get(name) ?? []) lines.push(`  ${a} = var.ztait_unknown`);
    lines.push('}');
  }
  writeFileSync(join(dir, 'main.tf'), `${lines.join('\n')}\n`);
  offline.terraform(['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env });
  for (const d of offline.validate(dir, env).diagnostics) {
    if (d.severity !== 'error') continue;
    const file = d.range?.filename ?? '';
    const inCase = names.find((n) => file.startsWith(`../${n}/`));
    if (file === 'main.tf' && d.range) {
      const name = caseAtLine.get(d.range.start.line);
      if (name && d.summary === 'Missing required argument') {
        missing.set(name, [...(missing.get(name) ?? []), /The argument "([\w-]+)" is required/.exec(d.detail ?? '')?.[1] ?? '']);
      } else add(name ?? '(generated root)', describeDiagnostic(d));
    } else if (inCase) add(inCase, describeDiagnostic(d));
    else add(file ? `(shared: ${file})` : '(unattributed)', describeDiagnostic(d));
  }
  return { problems, missing };
}
