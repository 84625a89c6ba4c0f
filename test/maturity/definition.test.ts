import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DefinitionError, editedContent, locateLevelDefinition, writeFileAtomic } from '../../src/maturity/definition.js';
import { changedLines, miniConfig } from './helpers.js';

describe('where maturity_level is defined', () => {
  it('finds the top-level tfvars entry, not a map key, a comment or a heredoc line', async () => {
    const dir = miniConfig();
    const def = await locateLevelDefinition(dir);
    expect(def).toMatchObject({ file: 'terraform.tfvars', line: 6, kind: 'tfvars', level: 0, quoted: false });
    const { before, after } = await editedContent(def, 1);
    expect(changedLines(before, after)).toEqual([
      {
        line: 6,
        before: 'maturity_level   =   0    # raised only with ztait maturity set',
        after: 'maturity_level   =   1    # raised only with ztait maturity set',
      },
    ]);
  });

  it('keeps CRLF line endings and every other byte', async () => {
    const dir = miniConfig({ crlf: true, level: 2 });
    const def = await locateLevelDefinition(dir);
    const { before, after } = await editedContent(def, 3);
    expect(after.length).toBe(before.length);
    const diff = [...before].flatMap((b, i) => (b === after[i] ? [] : [i]));
    expect(diff).toHaveLength(1);
    expect(after.toString('utf8')).toContain('maturity_level   =   3    # raised only with ztait maturity set\r\n');
  });

  it('falls back to the variable default when no tfvars sets it', async () => {
    const dir = miniConfig({ tfvars: null, level: 1 });
    const def = await locateLevelDefinition(dir);
    expect(def).toMatchObject({ file: 'variables.tf', line: 5, kind: 'default', level: 1 });
    expect((await editedContent(def, 2)).after.toString()).toContain('  default     = 2 # Shadow\n');
  });

  it('follows Terraform precedence: *.auto.tfvars after terraform.tfvars, lexical order, JSON too', async () => {
    const dir = miniConfig({ level: 0 });
    writeFileSync(join(dir, 'a.auto.tfvars'), 'maturity_level = "1"\n');
    writeFileSync(join(dir, 'b.auto.tfvars.json'), '{\n  "region": "x",\n  "maturity_level": 2\n}\n');
    const def = await locateLevelDefinition(dir);
    expect(def).toMatchObject({ file: 'b.auto.tfvars.json', line: 3, level: 2 });
    expect((await editedContent(def, 3)).after.toString()).toBe('{\n  "region": "x",\n  "maturity_level": 3\n}\n');
    writeFileSync(join(dir, 'b.auto.tfvars.json'), '{"region": "x"}\n');
    const quoted = await locateLevelDefinition(dir);
    expect(quoted).toMatchObject({ file: 'a.auto.tfvars', level: 1, quoted: true });
    expect((await editedContent(quoted, 2)).after.toString()).toBe('maturity_level = "2"\n');
  });

  it('refuses what it cannot edit safely', async () => {
    const dir = miniConfig({ tfvars: 'maturity_level = 1\nmaturity_level = 2\n' });
    await expect(locateLevelDefinition(dir)).rejects.toThrow(/set more than once \(lines 1, 2\)/);
    writeFileSync(join(dir, 'terraform.tfvars'), 'maturity_level = 1 + 1\n');
    await expect(locateLevelDefinition(dir)).rejects.toThrow(/terraform.tfvars:1: maturity_level is not a plain level/);
    writeFileSync(join(dir, 'terraform.tfvars'), 'maturity_level = 7\n');
    await expect(locateLevelDefinition(dir)).rejects.toBeInstanceOf(DefinitionError);
    const empty = mkdtempSync(join(tmpdir(), 'ztait-none-'));
    await expect(locateLevelDefinition(empty)).rejects.toThrow(/no variable "maturity_level"/);
    writeFileSync(join(empty, 'main.tf'), 'variable "maturity_level" {\n  type = number\n}\n');
    await expect(locateLevelDefinition(empty)).rejects.toThrow(/has no value/);
    await expect(locateLevelDefinition(join(empty, 'nope'))).rejects.toThrow(/cannot read/);
  });

  it('writes atomically: the file is replaced whole, no temp file is left, the mode is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ztait-atomic-'));
    const f = join(dir, 'x.tfvars');
    writeFileSync(f, 'a\n', { mode: 0o600 });
    await writeFileAtomic(f, 'b\n');
    expect(readFileSync(f, 'utf8')).toBe('b\n');
    expect(readdirSync(dir)).toEqual(['x.tfvars']);
    const { statSync } = await import('node:fs');
    expect(statSync(f).mode & 0o777).toBe(0o600);
  });
});
