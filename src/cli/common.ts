import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import type { CheckResult } from '../model/result.js';
import { FORMATS, render, type Format } from '../report/index.js';
import { findConfig, isDir, loadConfig, type ZtaitConfig } from '../config/config.js';
import { UsageError } from './errors.js';
import type { Severity } from '../model/result.js';
import { applyGate, parseSeverity } from '../gate/gate.js';
import { applyBaseline, createBaseline, readBaseline, writeBaseline } from '../gate/baseline.js';

/** Options every reporting command (check, probe) shares. */
export interface CommonOptions {
  format?: string[];
  output?: string[];
  check?: string[];
  skipCheck?: string[];
  softFail?: boolean;
  config?: string;
  color?: boolean;
  quiet?: boolean;
  prefix?: string;
  failOn?: string;
  softFailOn?: string[];
  hardFailOn?: string[];
  allowErrors?: boolean;
  baseline?: string;
  createBaseline?: string;
}

/** Each CLI option, its `.ztait.yaml` key, for merging and for `ztait config show`. */
export const CONFIG_KEYS: [keyof CommonOptions, keyof ZtaitConfig][] = [
  ['prefix', 'prefix'],
  ['check', 'check'],
  ['skipCheck', 'skip_check'],
  ['softFail', 'soft_fail'],
  ['failOn', 'fail_on'],
  ['softFailOn', 'soft_fail_on'],
  ['hardFailOn', 'hard_fail_on'],
  ['allowErrors', 'allow_errors'],
  ['baseline', 'baseline'],
  ['format', 'format'],
  ['output', 'output'],
];

const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', `report format, repeatable or comma-separated (${FORMATS.join('|')})`).argParser(collect))
    .addOption(new Option('-o, --output <file>', 'write the matching --format to FILE (repeatable), or all formats into a directory').argParser(collect))
    .addOption(new Option('--check <ids>', 'run only these rules (SI-1,SI-5)').argParser(collect))
    .addOption(new Option('--skip-check <ids>', 'skip these rules').argParser(collect))
    .option('--soft-fail', 'exit 0 even when rules fail')
    .option('--config <file>', 'configuration file (default: .ztait.yaml in the scanned directory or its parents)')
    .option('--no-color', 'plain text output (also NO_COLOR)')
    .option('--quiet', 'print only failures and the summary')
    .option('--prefix <prefix>', 'governed namespace prefix (default ztait-)')
    .addOption(new Option('--fail-on <severity>', 'lowest severity whose fail verdict fails the run').choices(['critical', 'high', 'medium', 'low']))
    .addOption(new Option('--soft-fail-on <ids>', 'rules that never fail the run').argParser(collect))
    .addOption(new Option('--hard-fail-on <ids>', 'rules that always fail the run when they fail or error').argParser(collect))
    .option('--allow-errors', 'undecided (error) verdicts do not fail the run (reported loudly)')
    .option('--baseline <file>', 'fail only on findings not recorded in this baseline')
    .option('--create-baseline <file>', 'record the current findings as the baseline and exit 0');
}

/** Loads `.ztait.yaml` (explicit --config, or found from `start`) and merges it under the flags. */
export function resolveConfig<T extends CommonOptions>(opts: T, start: string): { opts: T; config: ZtaitConfig } {
  const file = opts.config ?? findConfig(start);
  const config: ZtaitConfig = file ? loadConfig(file) : { suppressions: [], lines: {} };
  const merged: T = { ...opts };
  for (const [flag, key] of CONFIG_KEYS) {
    if (merged[flag] === undefined && config[key] !== undefined) (merged as Record<string, unknown>)[flag] = config[key];
  }
  return { opts: merged, config };
}

const EXT: Record<Format, string> = { text: 'txt', json: 'json', sarif: 'sarif', markdown: 'md', junit: 'xml' };
const BY_EXT: Record<string, Format> = { json: 'json', sarif: 'sarif', md: 'markdown', markdown: 'markdown', xml: 'junit', txt: 'text' };

/** Pairs formats with destinations: `--format sarif,markdown -o a.sarif -o b.md`, or one directory for all. */
export function planOutputs(opts: CommonOptions): { format: Format; file?: string }[] {
  const outputs = opts.output ?? [];
  let formats = (opts.format ?? []).map((f) => f.toLowerCase());
  for (const f of formats) {
    if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`unknown format "${f}" (use ${FORMATS.join(', ')})`);
  }
  if (formats.length === 0) {
    // -o report.sarif alone: take the format from the file extension
    formats = outputs.length > 0 ? outputs.map((o) => BY_EXT[o.split('.').pop()?.toLowerCase() ?? ''] ?? 'text') : ['text'];
  }
  const fmts = formats as Format[];
  if (outputs.length === 1 && (isDir(outputs[0]!) || outputs[0]!.endsWith('/')) && fmts.length >= 1) {
    return fmts.map((f) => ({ format: f, file: join(outputs[0]!, `ztait.${EXT[f]}`) }));
  }
  if (outputs.length > fmts.length) throw new UsageError(`${outputs.length} --output files for ${fmts.length} --format value(s): give one format per output`);
  return fmts.map((f, i) => (outputs[i] ? { format: f, file: outputs[i] } : { format: f }));
}


/** Whether colour is wanted on stdout: --no-color, NO_COLOR and non-terminals turn it off. */
export function useColor(opts: CommonOptions): boolean {
  if (opts.color === false) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(process.stdout.isTTY);
}

/** Applies baseline and gate policy, renders and writes every requested report, and sets the exit code. */
export async function emitResult(result: CheckResult, opts: CommonOptions, setExit: (code: number) => void): Promise<void> {
  const plan = planOutputs(opts);
  if (opts.createBaseline) {
    const b = createBaseline(result);
    writeBaseline(opts.createBaseline, b);
    process.stderr.write(`ztait: baseline ${opts.createBaseline} written with ${b.findings.length} finding(s)\n`);
  }
  if (opts.baseline) applyBaseline(result, readBaseline(opts.baseline), opts.baseline);
  let failOn: Severity | undefined;
  try {
    failOn = parseSeverity(opts.failOn, '--fail-on');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  result.gate = applyGate(result, {
    ...(failOn ? { failOn } : {}),
    ...(opts.softFailOn ? { softFailOn: opts.softFailOn } : {}),
    ...(opts.hardFailOn ? { hardFailOn: opts.hardFailOn } : {}),
    ...(opts.softFail ? { softFail: true } : {}),
    ...(opts.allowErrors ? { allowErrors: true } : {}),
  });
  if (opts.allowErrors && result.summary.error > 0) {
    process.stderr.write(`ztait: warning: --allow-errors: ${result.summary.error} rule(s) could not be decided and do not fail this run\n`);
  }
  for (const { format, file } of plan) {
    const text = render(result, format, { color: file ? false : useColor(opts), quiet: Boolean(opts.quiet) });
    if (file) {
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
      } catch (e) {
        throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    } else process.stdout.write(text);
  }
  setExit(result.gate.passed || opts.createBaseline ? 0 : 1);
}

/** The command line as the user typed it, for the evidence report. */
export function commandLine(argv: string[]): string {
  return ['ztait', ...argv.slice(2)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}
