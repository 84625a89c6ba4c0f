// (3) Each module's README lists exactly its variables and outputs, and the
// generated tables are up to date; every variable is typed and described and
// the bounded ones are validated.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { localBin, run } from '../support/cli.js';
import { CONFIG_DIRS, REPO_ROOT, TERRAFORM_DIR, parseModule, variablesOf, outputsOf } from './support.js';
// @ts-expect-error plain ESM helper without type declarations
import { BEGIN, END, docsBlock } from '../../scripts/terraform/readme-tables.mjs';

/** Names in the first column of the table under a "## <heading>" of the docs block. */
function tableNames(readme: string, heading: string): string[] {
  const block = readme.slice(readme.indexOf(BEGIN as string), readme.indexOf(END as string));
  const section = block.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) return [];
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
}

/** Variables whose values are bounded by the paper or by AWS: each must carry a validation. */
const BOUNDED = ['maturity_level', 'replay_window_seconds', 'secret_rotation_days', 'namespace', 'account_id', 'region'];

describe('module documentation', () => {
  it.each(CONFIG_DIRS.map((dir) => [relative(REPO_ROOT, dir), dir]))('%s README matches variables.tf and outputs.tf', async (_label, dir) => {
    const parsed = await parseModule(dir);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const vars = variablesOf(parsed);
    const outs = outputsOf(parsed);
    expect(readme).toContain(BEGIN);
    expect(tableNames(readme, 'Inputs').sort()).toEqual(vars.map((v) => v.name).sort());
    expect(tableNames(readme, 'Outputs').sort()).toEqual(outs.map((o) => o.name).sort());
    // and the whole generated block (types, defaults, descriptions) is current
    expect(readme).toContain(await docsBlock(dir));
  });

  it.each(CONFIG_DIRS.map((dir) => [relative(REPO_ROOT, dir), dir]))('%s: variables typed, described, bounded ones validated', async (_label, dir) => {
    const parsed = await parseModule(dir);
    const vars = variablesOf(parsed);
    expect(vars.filter((v) => !v.type || !v.description).map((v) => v.name)).toEqual([]);
    expect(vars.filter((v) => BOUNDED.includes(v.name) && v.validations.length === 0).map((v) => v.name)).toEqual([]);
    expect(outputsOf(parsed).filter((o) => !o.description).map((o) => o.name)).toEqual([]);
  });

  it('READMEs pass markdownlint (terraform/.markdownlint.jsonc)', () => {
    const files = [join(TERRAFORM_DIR, 'README.md'), ...CONFIG_DIRS.map((dir) => join(dir, 'README.md'))].map((f) => relative(REPO_ROOT, f));
    const lint = run(localBin('markdownlint-cli2'), files, { cwd: REPO_ROOT });
    expect(`${lint.stdout}${lint.stderr}`).toContain('Summary: 0 issues');
    expect(lint.code).toBe(0);
  });

  it('tableNames reads a docs block', () => {
    const readme = `intro\n${BEGIN}\n## Inputs\n\n| Name | Type |\n| --- | --- |\n| \`a\` | \`string\` |\n\n## Outputs\n\n| Name | Description |\n| --- | --- |\n| \`b\` | x |\n${END}\n`;
    expect(tableNames(readme, 'Inputs')).toEqual(['a']);
    expect(tableNames(readme, 'Outputs')).toEqual(['b']);
  });
});
