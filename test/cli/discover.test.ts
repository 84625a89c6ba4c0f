// Issue 18 item 5: `ztait check .` at a repository root finds the root modules below it, as checkov
// and trivy do. Through the CLI in process, on a temporary repository tree.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverRoots, skipMatcher } from '../../src/input/discover.js';
import { runZtaitInProcess, type CliRun } from './helpers.js';

const TABLE = `resource "aws_dynamodb_table" "t" {
  name         = "ztait-t"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
}
`;
const call = (name: string, source: string): string => `module "${name}" {\n  source = "${source}"\n}\n`;
const JUNK = 'this is { not terraform at all\n';

let base: string;
let repo: string;

function write(rel: string, text: string): void {
  const file = join(repo, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** The configuration files a JSON report read, relative to the repository (a module two roots call is listed per root). */
const inputsOf = (run: CliRun): string[] =>
  [...new Set((JSON.parse(run.stdout) as { source: { inputs: { path: string }[] } }).source.inputs.map((i) => i.path))].sort();

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'ztait-discover-'));
  repo = join(base, 'repo');
  write('.git/HEAD', 'ref: refs/heads/main\n');
  write('envs/prod/main.tf', call('x', '../../modules/x') + TABLE);
  write('envs/prod/nested/main.tf', TABLE); // a root inside a root, called by nobody
  // a call in a comment calls nothing: modules/z stays a root
  write('envs/staging/main.tf', `${call('x', '../../modules/x')}/*\n${call('z', '../../modules/z')}*/\n# source = "../../modules/z"\n`);
  write('envs/staging/vars.tf.json', JSON.stringify({ module: { y: { source: '../../modules/y' } } }));
  write('modules/x/main.tf', call('y', '../y') + TABLE);
  write('modules/y/main.tf', TABLE);
  write('modules/z/main.tf', TABLE);
  // caches, dependencies and what --skip-path leaves out: read, they would be parse errors
  write('envs/prod/.terraform/modules/x/main.tf', JUNK);
  write('node_modules/some-package/main.tf', JUNK);
  write('.git/hooks/main.tf', JUNK);
  write('legacy/old/main.tf', JUNK);
  write('README.md', '# not terraform\n');
  // a symlink out of the repository is never followed; one inside it is the same directory once
  write('../outside/main.tf', JUNK);
  symlinkSync(join(base, 'outside'), join(repo, 'envs/outside-link'));
  symlinkSync(join(repo, 'envs/prod'), join(repo, 'prod-link'));
  symlinkSync(join(repo, 'envs'), join(repo, 'envs/loop'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('check PATH without Terraform files of its own (issue 18 item 5)', () => {
  it('checks the root modules below it: not modules, caches, node_modules, links out of it, or --skip-path', async () => {
    const run = await runZtaitInProcess(['check', '.', '--skip-path', 'legacy', '-f', 'json'], { cwd: repo });
    expect(run.stderr).toContain(
      'note: . has no Terraform files of its own: checking the 4 root module(s) found below it: envs/prod, envs/prod/nested, envs/staging, modules/z',
    );
    expect(run.code).toBe(1); // verdicts, not "could not run"
    expect(inputsOf(run)).toEqual([
      'envs/prod/main.tf',
      'envs/prod/nested/main.tf',
      'envs/staging/main.tf',
      'envs/staging/vars.tf.json',
      'modules/x/main.tf',
      'modules/y/main.tf',
      'modules/z/main.tf',
    ]);
    expect(run.stderr).not.toMatch(/legacy|node_modules|\.terraform|outside|\.git/);
  });

  it('without --skip-path the skipped directory is a root too (and its syntax error exit 2)', async () => {
    const run = await runZtaitInProcess(['check', '-f', 'json', '--quiet'], { cwd: repo });
    expect(run.stderr).not.toContain('note:'); // --quiet
    expect(inputsOf(run)).toContain('legacy/old/main.tf');
    expect(run.code).toBe(2);
  });

  it('a PATH with Terraform files is one root module, as before: nothing below it is discovered', async () => {
    const run = await runZtaitInProcess(['check', 'envs/prod', '-f', 'json'], { cwd: repo });
    expect(run.stderr).not.toContain('note:');
    expect(inputsOf(run)).toEqual(['envs/prod/main.tf', 'modules/x/main.tf', 'modules/y/main.tf']);
  });

  it('a tree with no Terraform file, one deeper than the bound, and --skip-path with --plan are exit 2 with one line', async () => {
    mkdirSync(join(base, 'empty/a/b'), { recursive: true });
    const empty = await runZtaitInProcess(['check', 'empty'], { cwd: base });
    expect([empty.code, empty.stderr]).toEqual([
      2,
      'ztait: empty: no Terraform files found (*.tf, *.tf.json) in it or below it (.git, .terraform, .terragrunt-cache, node_modules and --skip-path excluded)\n',
    ]);
    const deep = join(base, 'deep', ...Array.from({ length: 41 }, (_, i) => `d${i}`));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'main.tf'), TABLE);
    const tooDeep = await runZtaitInProcess(['check', 'deep'], { cwd: base });
    expect(tooDeep.code).toBe(2);
    expect(tooDeep.stderr).toMatch(
      /^ztait: deep: directories more than 40 levels deep \(d0\/d1\/.*\/d40\) while looking for root modules: name the root module directories, or leave directories out with --skip-path GLOB\n$/,
    );
    const plan = await runZtaitInProcess(['check', '--plan', 'x.json', '.', '--skip-path', 'legacy'], { cwd: repo });
    expect([plan.code, plan.stderr]).toEqual([
      2,
      'ztait: --plan takes no --skip-path: the configuration directory given with a plan is its root module\n',
    ]);
  });

  it('bounds the directories a walk enters', async () => {
    await expect(discoverRoots(repo, { maxDirs: 5 })).rejects.toThrow(/more than 5 directories while looking for root modules/);
  });
});

describe('--skip-path globs', () => {
  const cases: [string, string, boolean][] = [
    ['legacy', 'legacy', true],
    ['legacy', 'a/b/legacy', true],
    ['legacy', 'legacy-old', false],
    ['test*', 'modules/x/tests', true],
    ['envs/dev', 'envs/dev', true],
    ['envs/dev', 'x/envs/dev', false],
    ['envs/*', 'envs/prod', true],
    ['envs/*', 'envs/prod/nested', false],
    ['**/examples', 'modules/x/examples', true],
    ['**/examples', 'examples', true],
    ['./envs/?ev/', 'envs/dev', true],
    ['a.b', 'axb', false],
  ];
  it.each(cases)('%s on %s: %s', (glob, rel, skipped) => expect(skipMatcher([glob])(rel)).toBe(skipped));
  it('refuses a glob that names the PATH itself', () => expect(() => skipMatcher(['./'])).toThrow(/would skip the whole PATH/));
});
