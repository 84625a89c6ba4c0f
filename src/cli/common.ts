import { dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { CheckResult, ConfigInfo } from '../model/result.js';
import { FORMAT_EXTENSIONS, FORMATS, formatUnavailable, isFormat, render, type Format } from '../report/index.js';
import { findConfig, isDir, loadConfig, type ZtaitConfig } from '../config/config.js';
import { describeConfig, displayPath, weakeningWarning } from '../config/weakenings.js';
import { checkWritePath, isStdoutPath, isSymlink, UnsafeWriteError, writeFileSafe, type SafeWriteOptions } from '../io/safe-write.js';
import { printDiagnostic, UsageError } from './errors.js';
import type { Severity } from '../model/result.js';
import { parseSeverity, type GatePolicy } from '../gate/gate.js';
import { loadRules } from '../rules/catalog/metadata.js';
import { normalizeRuleId } from '../suppress/suppressions.js';
import { createBaseline, writeBaseline } from '../gate/baseline.js';
import type { UriBase } from '../report/sarif.js';
import { checkPdfOutput, writePdf } from '../report/pdf.js';

/** Options every reporting command (check, probe) shares. */
export interface CommonOptions {
  format?: string[];
  output?: string[];
  check?: string[];
  skipCheck?: string[];
  softFail?: boolean;
  /** A file, or false for --no-config (no configuration file at all). */
  config?: string | false;
  color?: boolean;
  quiet?: boolean;
  compact?: boolean;
  prefix?: string;
  failOn?: string;
  softFailOn?: string[];
  hardFailOn?: string[];
  allowErrors?: boolean;
  baseline?: string;
  createBaseline?: string;
  /** Set by resolveConfig: `output` came from this configuration file's directory, and stays in it. */
  outputRoot?: string;
  /** Set by resolveConfig: the scanned directory; a write inside it is checked from there down. */
  scanRoot?: string;
  /** Set by resolveConfig: the file applied and what it (and the flags) did to the gate. */
  configInfo?: ConfigInfo;
  /** Set by check: the repository root SARIF artifact URIs are relative to. */
  uriBase?: UriBase;
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

const collect = (v: string, prev: string[] = []): string[] => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** `--fail-on HIGH` as `high`: parsed once, so every use (gate, reported weakenings) sees the same word. */
const severity = (v: string): Severity => {
  try {
    return parseSeverity(v, '--fail-on')!;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
};

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('-f, --format <format>', `report format, repeatable or comma-separated (${FORMATS.join('|')})`).argParser(collect),
    )
    .addOption(
      new Option(
        '-o, --output <file>',
        'write the matching --format to FILE (repeatable), or all formats into a directory; without --format, -o sarif (a format name) means --format sarif to stdout, said on stderr (a file of that name: -o ./sarif)',
      ).argParser(collect),
    )
    .addOption(new Option('--check <ids>', 'run only these rules (SI-1,SI-5)').argParser(collect))
    .addOption(new Option('--skip-check <ids>', 'skip these rules').argParser(collect))
    .option('--soft-fail', 'exit 0 even when rules fail')
    .option(
      '--config <file>',
      "configuration file; the repository's .ztait.yaml files are then not read (default: .ztait.yaml in the scanned directory or its parents up to the repository's top)",
    )
    .option('--no-config', 'read no configuration file at all (for CI: ignore the .ztait.yaml a pull request may bring)')
    .option('--no-color', 'plain text output (also NO_COLOR)')
    .option('--quiet', 'print only failures and the summary')
    .option('--compact', 'text: one line for the invariants that pass or do not apply, no suppressed findings, a one-line summary')
    .option('--prefix <prefix>', 'governed namespace prefix (default ztait-)')
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity whose fail verdict fails the run (critical|high|medium|low, any case)').argParser(
        severity,
      ),
    )
    .addOption(new Option('--soft-fail-on <ids>', 'rules that never fail the run').argParser(collect))
    .addOption(new Option('--hard-fail-on <ids>', 'rules that always fail the run when they fail or error').argParser(collect))
    .option('--allow-errors', 'undecided (error) verdicts do not fail the run (reported loudly)')
    .option('--baseline <file>', 'fail only on findings not recorded in this baseline')
    .option('--create-baseline <file>', 'record the current findings as the baseline and exit 0');
}

/**
 * Loads `.ztait.yaml` (explicit --config, or found from `start`; none with --no-config) and merges
 * it under the flags. The merged options carry what the file did to the gate (`configInfo`).
 */
export function resolveConfig<T extends CommonOptions>(opts: T, start: string): { opts: T; config: ZtaitConfig } {
  const file = opts.config === false ? undefined : (opts.config ?? findConfig(start));
  const config: ZtaitConfig = file ? loadConfig(file) : { suppressions: [], lines: {} };
  const merged: T = { ...opts };
  for (const [flag, key] of CONFIG_KEYS) {
    if (merged[flag] === undefined && config[key] !== undefined) (merged as Record<string, unknown>)[flag] = config[key];
  }
  checkRuleIds(opts, config);
  if (opts.output === undefined && config.output !== undefined && config.file) merged.outputRoot = dirname(resolve(config.file));
  const mode = opts.config === false ? 'disabled' : opts.config ? 'explicit' : file ? 'found' : 'none';
  const scanRoot = isDir(start) ? start : dirname(start);
  merged.configInfo = describeConfig(opts, config, mode, scanRoot);
  merged.scanRoot = resolve(scanRoot);
  // findings suppressed by the file name it as the reports do: never by an absolute host path
  const suppressions = config.suppressions.map((sup) => (sup.file ? { ...sup, file: displayPath(sup.file, scanRoot) } : sup));
  return { opts: merged, config: { ...config, suppressions } };
}

/** The rule-id lists a flag or `.ztait.yaml` can hold, with the flag that spells each. */
const RULE_ID_LISTS: [keyof CommonOptions, keyof ZtaitConfig, string][] = [
  ['check', 'check', '--check'],
  ['skipCheck', 'skip_check', '--skip-check'],
  ['softFailOn', 'soft_fail_on', '--soft-fail-on'],
  ['hardFailOn', 'hard_fail_on', '--hard-fail-on'],
];

/**
 * An id no rule has would select nothing (`check: [toString]` ran no rule and passed the gate) or
 * skip nothing: either way the gate is not what it says. So an unknown id is a usage error, named
 * only when it has the shape of an id (the value came from a file a pull request may have written).
 */
function checkRuleIds(opts: CommonOptions, config: ZtaitConfig): void {
  let known: string[] | undefined;
  for (const [flag, key, spelled] of RULE_ID_LISTS) {
    const fromFlag = opts[flag] as string[] | undefined;
    const ids = fromFlag ?? (config[key] as string[] | undefined);
    for (const id of ids ?? []) {
      // (the catalog is read only when there is an id to check: check.ts reads it later, off the critical path)
      known ??= loadRules().map((r) => r.id);
      if (known.includes(normalizeRuleId(id))) continue;
      const shown = /^[A-Za-z0-9-]{1,24}$/.test(id) ? ` "${id}"` : '';
      const where = fromFlag
        ? spelled
        : `${key}: in ${config.file ?? 'the configuration'}${config.lines[key] ? `:${config.lines[key]}` : ''}`;
      throw new UsageError(`unknown rule id${shown} in ${where}; valid ids: ${known.join(', ')} (see ztait rules)`);
    }
  }
}

const BY_EXT: Record<string, Format> = {
  json: 'json',
  sarif: 'sarif',
  md: 'markdown',
  markdown: 'markdown',
  xml: 'junit',
  txt: 'text',
  html: 'html',
  htm: 'html',
  pdf: 'pdf',
};

/** The format a file name implies: `report.ocsf.json` is OCSF, `report.json` JSON, anything unknown text. */
function formatOfFile(name: string): Format {
  const lower = name.toLowerCase();
  if (lower.endsWith('.ocsf.json')) return 'ocsf';
  if (lower.endsWith('.asff.json')) return 'asff';
  return BY_EXT[lower.split('.').pop() ?? ''] ?? 'text';
}

/** Pairs formats with destinations: `--format sarif,markdown -o a.sarif -o b.md`, or one directory for all. */
export function planOutputs(opts: CommonOptions): { format: Format; file?: string }[] {
  const outputs = opts.output ?? [];
  let formats = (opts.format ?? []).map((f) => f.toLowerCase());
  for (const f of formats) {
    if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`unknown format "${f}" (use ${FORMATS.join(', ')})`);
  }
  const named = formats.length === 0 ? formatNamedOutputs(opts) : [];
  if (formats.length === 0) {
    // -o report.sarif alone: take the format from the file extension; -o sarif alone is the format
    formats = outputs.length > 0 ? outputs.map((o) => (isFormat(o) ? o : formatOfFile(o))) : ['text'];
  }
  const fmts = formats as Format[];
  if (outputs.length === 1 && (isDir(outputs[0]!) || outputs[0]!.endsWith('/')) && fmts.length >= 1) {
    // the directory named with -o is itself checked: reports never land in a symlinked one
    if (isSymlink(outputs[0]!))
      throw new UnsafeWriteError(`refusing to write reports into ${outputs[0]}: it is a symbolic link (ztait never writes through one)`);
    return fmts.map((f) => ({ format: f, file: join(outputs[0]!, `ztait.${FORMAT_EXTENSIONS[f]}`) }));
  }
  if (outputs.length > fmts.length)
    throw new UsageError(`${outputs.length} --output files for ${fmts.length} --format value(s): give one format per output`);
  return fmts.map((f, i) => (outputs[i] && !named.includes(i) ? { format: f, file: outputs[i] } : { format: f }));
}

/**
 * Without --format, `-o sarif` (checkov's and trivy's `-o FORMAT`) names a format, not a file: the
 * indexes of such outputs, which go to stdout. `-o ./sarif` is the file.
 */
function formatNamedOutputs(opts: CommonOptions): number[] {
  if (opts.format?.length) return [];
  return (opts.output ?? []).flatMap((o, i) => (isFormat(o) ? [i] : []));
}

/** Whether colour is wanted on stdout: --no-color, NO_COLOR and non-terminals turn it off. */
export function useColor(opts: CommonOptions): boolean {
  if (opts.color === false) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(process.stdout.isTTY);
}

/**
 * Checks every file the run will write (reports, --create-baseline) before anything is written, so
 * a refused symlink leaves no partial set; probe calls it before it reads the account too.
 */
export function checkDestinations(opts: CommonOptions): { plan: ReturnType<typeof planOutputs>; guard: SafeWriteOptions } {
  const plan = planOutputs(opts);
  const guard: SafeWriteOptions = {
    ...(opts.outputRoot ? { root: opts.outputRoot } : {}),
    ...(opts.scanRoot ? { roots: [opts.scanRoot] } : {}),
    what: 'report',
  };
  for (const { file } of plan) if (file && !isStdoutPath(file)) checkWritePath(file, guard);
  // a PDF needs a file and a Chromium: said before any work
  for (const { format, file } of plan) if (format === 'pdf') checkPdfOutput(file);
  if (opts.createBaseline) checkWritePath(opts.createBaseline, { ...(opts.scanRoot ? { roots: [opts.scanRoot] } : {}), what: 'baseline' });
  return { plan, guard };
}

/** The gate policy the flags (and the configuration file) ask for. */
export function gatePolicy(opts: CommonOptions): GatePolicy {
  // (a flag is parsed already; a configuration's fail_on is checked by its schema)
  const failOn = opts.failOn === undefined ? undefined : severity(opts.failOn);
  return {
    ...(failOn ? { failOn } : {}),
    ...(opts.softFailOn ? { softFailOn: opts.softFailOn } : {}),
    ...(opts.hardFailOn ? { hardFailOn: opts.hardFailOn } : {}),
    ...(opts.softFail ? { softFail: true } : {}),
    ...(opts.allowErrors ? { allowErrors: true } : {}),
  };
}

/** Writes --create-baseline, renders and writes every requested report, and sets the exit code from the gate. */
export async function emitResult(result: CheckResult, opts: CommonOptions, setExit: (code: number) => void): Promise<void> {
  const { plan, guard } = checkDestinations(opts);
  // a format this result cannot have (asff of a static check) stops the run before anything is written
  for (const { format } of plan) {
    const why = formatUnavailable(result, format);
    if (why) throw new UsageError(why);
  }
  // (the engine put opts.configInfo into the result, where it is redacted with the rest)
  const warning = weakeningWarning(opts.configInfo);
  if (warning) printDiagnostic(warning);
  for (const i of formatNamedOutputs(opts)) {
    const f = opts.output![i]!;
    printDiagnostic(`note: -o ${f} names a format: the ${f} report goes to standard output (to write a file named ${f}: -o ./${f})`);
  }
  if (opts.createBaseline) {
    const b = createBaseline(result);
    writeBaseline(opts.createBaseline, b, opts.scanRoot ? [opts.scanRoot] : []);
    printDiagnostic(`baseline ${opts.createBaseline} written with ${b.findings.length} finding(s)`);
  }
  if (opts.allowErrors && result.summary.error > 0) {
    process.stderr.write(`ztait: warning: --allow-errors: ${result.summary.error} rule(s) could not be decided and do not fail this run\n`);
  }
  // The exit code comes from the verdicts, before any renderer runs: a renderer that fails makes
  // the run exit 2 (setExit keeps the highest code), never 0.
  setExit(result.gate?.passed || opts.createBaseline ? 0 : 1);
  for (const { format, file } of plan) {
    const text = render(result, format, {
      color: file ? false : useColor(opts),
      quiet: Boolean(opts.quiet),
      compact: Boolean(opts.compact),
      ...(opts.uriBase ? { sarifRoot: opts.uriBase } : {}),
    });
    // never through a symlink; a config's outputs stay inside its directory
    if (format === 'pdf') await writePdf(file!, text, checkPdfOutput(file), guard);
    else if (file && !isStdoutPath(file)) writeFileSafe(file, text, guard);
    else process.stdout.write(text);
  }
}

/** The command line as the user typed it, for the evidence report. */
export function commandLine(argv: string[]): string {
  return ['ztait', ...argv.slice(2)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}
