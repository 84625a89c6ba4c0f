import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { vi } from 'vitest';
import { registerMaturity } from '../../src/cli/maturity.js';
import { InputError } from '../../src/model/errors.js';

export const ROOT = join(import.meta.dirname, '../..');
export const EVIDENCE = join(ROOT, 'fixtures/evidence');
export const EXAMPLE = join(ROOT, 'terraform/examples/complete');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `ztait maturity ...` in process with the same error handling as src/cli/main.ts (InputError:
 * one line on stderr, exit 2; commander errors exit 2), so tests do not depend on other commands.
 */
export async function maturityCli(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  let exit = 0;
  const setExit = (c: number): void => {
    exit = Math.max(exit, c);
  };
  const program = new Command()
    .name('ztait')
    .exitOverride()
    .configureOutput({ writeErr: (s) => (stderr += s), writeOut: (s) => (stdout += s) });
  registerMaturity(program, setExit);
  try {
    await program.parseAsync(['node', 'ztait', 'maturity', ...args]);
  } catch (e) {
    if (e instanceof CommanderError) exit = e.exitCode === 0 ? 0 : 2;
    else if (e instanceof InputError) {
      stderr += `ztait: ${e.message}\n`;
      exit = 2;
    } else throw e;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { code: exit, stdout, stderr };
}

/** A small root module: the level as a variable (default 0) and a terraform.tfvars that sets it. */
export function miniConfig(opts: { tfvars?: string | null; crlf?: boolean; level?: number } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ztait-mat-'));
  const eol = opts.crlf ? '\r\n' : '\n';
  const lvl = opts.level ?? 0;
  writeFileSync(
    join(dir, 'variables.tf'),
    [
      '# the autonomy of the agent',
      'variable "maturity_level" {',
      '  type        = number',
      '  description = "0 Shadow .. 3 Autonomous { not a brace }"',
      `  default     = ${opts.tfvars === null ? lvl : 0} # Shadow`,
      '}',
      '',
      'variable "other" {',
      '  default = 2',
      '}',
      '',
    ].join(eol),
  );
  if (opts.tfvars !== null) {
    writeFileSync(
      join(dir, 'terraform.tfvars'),
      opts.tfvars ??
        [
          '# ZTAIT reference deployment',
          'region = "eu-west-1"',
          'tags = {',
          '  maturity_level = "a tag, not the variable"',
          '}',
          `maturity_level   =   ${lvl}    # raised only with ztait maturity set`,
          '/* maturity_level = 3 */',
          'notes = <<EOT',
          'maturity_level = 2',
          'EOT',
          '',
        ].join(eol),
    );
  }
  return dir;
}

/** A copy of the reference example when it has its tfvars, else undefined. */
export function exampleCopy(): string | undefined {
  if (!existsSync(join(EXAMPLE, 'terraform.tfvars'))) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ztait-example-'));
  cpSync(join(ROOT, 'terraform'), join(dir, 'terraform'), { recursive: true });
  return join(dir, 'terraform/examples/complete');
}

/** Every file under a directory with its bytes, to prove nothing else changed. */
export function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(p, readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** The lines that differ between two versions of a file (same line count expected). */
export function changedLines(a: Buffer, b: Buffer): { line: number; before: string; after: string }[] {
  const la = a.toString('utf8').split('\n');
  const lb = b.toString('utf8').split('\n');
  const out: { line: number; before: string; after: string }[] = [];
  for (let i = 0; i < Math.max(la.length, lb.length); i++)
    if (la[i] !== lb[i]) out.push({ line: i + 1, before: la[i] ?? '', after: lb[i] ?? '' });
  return out;
}
