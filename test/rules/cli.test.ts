import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerRules } from '../../src/cli/rules.js';
import { UsageError } from '../../src/cli/errors.js';
import { markdownlint } from '../report/tools.js';
import { REPO_ROOT as ROOT, ztaitSync } from '../support/cli.js';

/** Runs `ztait rules ...` in-process through commander and returns what it printed. */
async function rules(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerRules(program, () => {});
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'ztait', 'rules', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('ztait rules', () => {
  it('--format json lists every rule with STRIDE, NIST tenets, severity and remediation, and the tenets', async () => {
    const doc = JSON.parse(await rules('--format', 'json')) as {
      rules: { id: string; severity: string; stride: unknown[]; nist: number[]; remediation: string }[];
      nist: { tenet: number; rules: string[] }[];
    };
    expect(doc.rules).toHaveLength(18);
    expect(doc.rules[0]).toMatchObject({ id: 'SI-1', severity: 'high', nist: [2, 5] });
    expect(doc.rules.every((r) => r.stride.length > 0 && r.remediation.length > 20)).toBe(true);
    expect(doc.nist.map((t) => t.tenet)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('text lists each rule once with its severity; NO_COLOR and --no-color give plain text', async () => {
    vi.stubEnv('FORCE_COLOR', '1');
    vi.stubEnv('NO_COLOR', '1');
    const text = await rules();
    expect(text).not.toMatch(/\u001b\[/);
    expect(text).toMatch(/^SI-7 +critical +Audit logs cannot be deleted via API$/m);
    expect(text).toContain('STRIDE: T5 Repudiation');
    expect(text).toMatch(/^ {2}4\. Access to resources is determined by dynamic policy: SI-4, ZT-MAT-1, ZT-PLAN-2, ZT-PLAN-3$/m);
    vi.stubEnv('NO_COLOR', '');
    expect(await rules()).toMatch(/\u001b\[/);
    expect(await rules('--no-color')).not.toMatch(/\u001b\[/);
  });

  it('--format markdown passes markdownlint', async () => {
    const md = await rules('--format', 'markdown');
    expect(md).toContain('## SI-14');
    const { status, output } = markdownlint(md, 'rules.md');
    expect(status, output).toBe(0);
  });

  it('refuses an unknown format as a usage error', async () => {
    await expect(rules('--format', 'sarif')).rejects.toThrow(UsageError);
    await expect(rules('--format', 'sarif')).rejects.toThrow('--format sarif: ztait rules supports text, json, markdown');
  });

  /** The built CLI (npx tsc -p tsconfig.json); skipped, saying why, when the tree does not build yet. */
  it('runs from bin/ztait.js once built', async (ctx) => {
    const main = join(ROOT, 'dist', 'cli', 'main.js');
    if (!existsSync(main)) return ctx.skip('dist/ is not built (npx tsc -p tsconfig.json)');
    try {
      await import(pathToFileURL(main).href);
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND')
        return ctx.skip(`the built CLI is incomplete: ${(e as Error).message.split('\n')[0]}`);
      throw e;
    }
    const run = ztaitSync(['rules', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { rules: unknown[] }).rules).toHaveLength(18);
    const bad = ztaitSync(['rules', '--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('ztait: --format xml: ztait rules supports text, json, markdown\n');
  });
});
