// `ztait init DIR [--maturity N] [--force]`: unit-wise on the copy plan, and
// end to end through the built CLI (bin/ztait.js), validating the result with
// terraform when it is on PATH.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseMaturity, planInit, rewriteLambdaPackageDir, rewriteModuleSources, setMaturityLevel, writeInit } from '../src/cli/init.js';
import { UsageError } from '../src/cli/errors.js';
import { ensureBuilt, ztaitSync } from './support/cli.js';
import { TERRAFORM_VERSION, offline } from './terraform/support.js';

const REPO = resolve(import.meta.dirname, '..');
const temps: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'ztait-init-test-'));
  temps.push(dir);
  return dir;
};
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('init: what it copies', () => {
  const files = planInit(REPO, { maturity: 2 });
  const byPath = new Map(files.map((f) => [f.path, f.content]));

  it('copies the five modules verbatim and the example as the root module', () => {
    for (const m of ['foundation', 'ingestion', 'triage', 'actions', 'observability']) {
      for (const f of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md']) {
        const path = join('modules', m, f);
        if (!existsSync(join(REPO, 'terraform', path))) continue; // foundation splits main.tf by concern
        expect(byPath.get(path)).toBe(readFileSync(join(REPO, 'terraform', path), 'utf8'));
      }
      expect([...byPath.keys()].some((p) => p.startsWith(join('modules', m)))).toBe(true);
    }
    for (const f of ['main.tf', 'variables.tf', 'outputs.tf', 'providers.tf', 'versions.tf', 'terraform.tfvars', 'README.md']) {
      expect(byPath.has(f)).toBe(true);
    }
    expect(files.some((f) => f.path.includes('.terraform'))).toBe(false);
  });

  it('rewrites module sources, the package directory and the maturity level', () => {
    const main = byPath.get('main.tf')!;
    expect(main).not.toContain('../../modules');
    for (const m of ['foundation', 'ingestion', 'triage', 'actions', 'observability']) {
      expect(main).toContain(`source = "./modules/${m}"`);
    }
    expect(byPath.get('variables.tf')).toMatch(/variable "lambda_package_dir"[^}]*default\s*=\s*"lambda\/build"/);
    expect(byPath.get('terraform.tfvars')).toMatch(/^maturity_level = 2$/m);
    expect(planInit(REPO).find((f) => f.path === 'terraform.tfvars')!.content).toMatch(/^maturity_level = 0$/m);
  });

  it('edits text precisely', () => {
    expect(setMaturityLevel('a = 1\nmaturity_level = 0 # level\n', 3)).toBe('a = 1\nmaturity_level = 3 # level\n');
    expect(setMaturityLevel('a = 1', 1)).toBe('a = 1\nmaturity_level = 1\n');
    expect(
      rewriteLambdaPackageDir(
        'variable "lambda_package_dir" {\n  type = string\n  default = "../x"\n}\nvariable "y" {\n  default = "../x"\n}',
      ),
    ).toBe('variable "lambda_package_dir" {\n  type = string\n  default = "lambda/build"\n}\nvariable "y" {\n  default = "../x"\n}');
    const example = join(REPO, 'terraform', 'examples', 'complete');
    const modules = join(REPO, 'terraform', 'modules');
    expect(rewriteModuleSources('  source = "../../modules/triage"\n', example, modules)).toBe('  source = "./modules/triage"\n');
    expect(() => rewriteModuleSources('source = "../../modules/nope"', example, modules)).toThrow(/does not name a shipped module/);
    expect(() => rewriteModuleSources('source = "../elsewhere"', example, modules)).toThrow(/does not name a shipped module/);
    expect(rewriteModuleSources('source = "terraform-aws-modules/vpc/aws"', example, modules)).toBe(
      'source = "terraform-aws-modules/vpc/aws"',
    );
  });

  it('accepts only maturity levels 0 to 3', () => {
    expect(parseMaturity('3')).toBe(3);
    for (const bad of ['4', '-1', '1.5', 'two', '']) expect(() => parseMaturity(bad)).toThrow(UsageError);
  });

  it('refuses to overwrite without --force, before writing anything', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'modules', 'triage'), { recursive: true });
    writeFileSync(join(dir, 'modules', 'triage', 'main.tf'), '# mine\n');
    expect(() => writeInit(dir, files)).toThrow(`refusing to overwrite ${join(dir, 'modules', 'triage', 'main.tf')} (use --force)`);
    expect(existsSync(join(dir, 'main.tf'))).toBe(false);
    expect(readFileSync(join(dir, 'modules', 'triage', 'main.tf'), 'utf8')).toBe('# mine\n');
    writeInit(dir, files, true);
    expect(readFileSync(join(dir, 'modules', 'triage', 'main.tf'), 'utf8')).toBe(byPath.get(join('modules', 'triage', 'main.tf')));

    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    expect(() => writeInit(file, files, true)).toThrow(`${file} exists and is not a directory`);
  });
});

describe('ztait init through the built CLI', () => {
  const cli = (...args: string[]) => ztaitSync(args);

  beforeAll(() => {
    // npm test builds dist/ first; a lone run builds it when missing (not again: other test files run it)
    ensureBuilt();
    expect(existsSync(join(REPO, 'dist', 'cli', 'init.js'))).toBe(true);
  }, 180_000);

  it('writes the tree, reports it, and refuses a second run without --force', () => {
    const dir = join(tempDir(), 'ztait');
    const first = cli('init', dir, '--maturity', '1');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^wrote \d+ files to /);
    expect(first.stdout).toContain('  modules/foundation/maturity.tf');
    expect(first.stdout).toContain('maturity_level = 1');
    expect(readFileSync(join(dir, 'terraform.tfvars'), 'utf8')).toMatch(/^maturity_level = 1$/m);

    const second = cli('init', dir);
    expect(second.code).toBe(2);
    expect(second.stdout).toBe('');
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toMatch(/^ztait: refusing to overwrite .*(README\.md|\.tf|\.tfvars) \(use --force\)\n$/);

    const forced = cli('init', dir, '--force', '--maturity', '3');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'terraform.tfvars'), 'utf8')).toMatch(/^maturity_level = 3$/m);
  });

  it('rejects a bad maturity level and a missing DIR with exit 2', () => {
    const bad = cli('init', join(tempDir(), 'x'), '--maturity', '5');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('ztait: --maturity must be an integer from 0 to 3, got "5"\n');
    expect(cli('init').code).toBe(2);
  });

  it.skipIf(TERRAFORM_VERSION === null)(
    'produces a configuration terraform validates',
    () => {
      const dir = join(tempDir(), 'validated');
      expect(cli('init', dir).code).toBe(0);
      const { root, workDir, env } = offline.prepareOffline(dir);
      try {
        const result = offline.validate(workDir, env);
        expect(result.diagnostics.map((d) => d.summary)).toEqual([]);
        expect(result.valid).toBe(true);
      } finally {
        offline.removeCopy(root);
      }
    },
    120_000,
  );
});
