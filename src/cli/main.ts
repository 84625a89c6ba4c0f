import { INVARIANT_COUNT } from '../rules/registry.js';
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { printDiagnostic } from './errors.js';
import { InputError } from '../model/errors.js';
import { registerCheck } from './check.js';
import { registerProbe } from './probe.js';
import { registerDrift } from './drift.js';
import { registerMaturity } from './maturity.js';
import { registerRules } from './rules.js';
import { registerInit } from './init.js';
import { registerConfig } from './config.js';
import { registerExport } from './export.js';
import { registerMerge } from './merge.js';
import { escapeControl } from '../report/terminal.js';

/**
 * Runs the CLI and resolves to the exit code (0 pass, 1 fail/error verdicts, 2 could not run).
 * Commands set `process.exitCode`-style results by returning them through `setExit`.
 */
export async function main(argv: string[]): Promise<number> {
  let exit = 0;
  const setExit = (code: number): void => {
    exit = Math.max(exit, code);
  };
  const program = new Command();
  program
    .name('ztait')
    .description(`Governance and compliance auditor for autonomous AI agents on AWS (the ${INVARIANT_COUNT} ZTAIT invariants)`)
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run ztait --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s.replace(/[^\n]+/g, (line) => escapeControl(line))) });
  registerCheck(program, setExit);
  registerProbe(program, setExit);
  registerDrift(program, setExit);
  registerMaturity(program, setExit);
  registerRules(program, setExit);
  registerInit(program, setExit);
  registerConfig(program, setExit);
  registerExport(program, setExit);
  registerMerge(program, setExit);
  // commander's help() exits with process.exitCode, which bin/ztait.js sets to 2 until a verdict is
  // out (fail closed): `ztait help check` must exit 0 like `ztait check --help`.
  const launcherExitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv);
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; every other commander error is a usage error
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof InputError) {
      printDiagnostic(e.message);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    printDiagnostic(`internal error: ${msg.split('\n')[0]}`);
    if (process.env.ZTAIT_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return 2;
  } finally {
    process.exitCode = launcherExitCode;
  }
}
