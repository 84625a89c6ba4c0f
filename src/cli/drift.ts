import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { INVARIANT_COUNT } from '../rules/registry.js';
import { loadSource } from '../scan.js';
import type { Inventory } from '../model/inventory.js';
import { InputError } from '../model/errors.js';
import { isStdoutPath, writeFileSafe } from '../io/safe-write.js';
import { checkPdfOutput, writePdf } from '../report/pdf.js';
import { addCommonOptions, checkDestinations, commandLine, resolveConfig, useColor, type CommonOptions } from './common.js';
import { addCodeOptions, uriBase, type CodeOptions } from './check.js';
import { addLiveOptions, collectAccount, validateLiveOptions, type LiveCliOptions } from './live-options.js';
import { printDiagnostic, UsageError } from './errors.js';
import type { Format } from '../report/index.js';

interface DriftCliOptions extends CommonOptions, LiveCliOptions, CodeOptions {
  state?: string;
  failOnAnyDrift?: boolean;
  sarifRoot?: string;
}

const DRIFT_FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'markdown', 'junit', 'html', 'pdf'];
const FORMATS_HELP = `
Formats (-f): ${DRIFT_FORMATS.join(', ')}. html is one self-contained page
(no script, nothing loaded) with the verdicts of code and account side by side; pdf prints it
with headless Chromium (apt-get install chromium, or ZTAIT_CHROMIUM=PATH) and needs -o FILE.`;
/** Gate settings of check and probe that mean nothing for drift: refused rather than silently ignored. */
const GATE_ONLY = ['failOn', 'softFailOn', 'hardFailOn', 'allowErrors', 'baseline', 'createBaseline'] as const;

export function registerDrift(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('drift')
    .description(
      `does the deployed account still match the code? Compares the code (HCL, --plan or --state) with the account (a live read-only probe, or --snapshot), and says which of the ${INVARIANT_COUNT} invariants each difference changes (exit 0 no drift, 1 drift bearing on an invariant, 2 could not run)`,
    )
    .argument('[path]', 'the root module directory (default: .); with --plan, its configuration directory for file and line')
    .addHelpText('after', FORMATS_HELP);
  addCodeOptions(cmd).option('--state <file>', 'a state as JSON (terraform show -json > state.json): what Terraform recorded as deployed');
  addLiveOptions(cmd)
    .option('--fail-on-any-drift', 'exit 1 on any drift, not only on drift that bears on an invariant')
    .option('--sarif-root <dir>', 'SARIF artifact URIs are relative to DIR (default: the git top level, else the working directory)');
  addCommonOptions(cmd).action(async (path: string | undefined, raw: DriftCliOptions) => {
    if (path !== undefined && !existsSync(path)) throw new UsageError(`${path}: no such file or directory`);
    const { opts } = resolveConfig(raw, path ?? '.');
    validate(opts, path);
    validateLiveOptions(opts);
    const uri = uriBase(opts.sarifRoot);
    // refuse a symlinked destination before reading anything
    const { plan, guard } = checkDestinations(opts);
    for (const { format } of plan)
      if (!DRIFT_FORMATS.includes(format)) throw new UsageError(`ztait drift renders ${DRIFT_FORMATS.join(', ')}, not ${format}`);

    // the code is parsed while the account is read: a drift run takes about as long as the longer of the two
    const [code, run] = await Promise.all([loadCode(opts, path), collectAccount(opts, raw.prefix)]);
    const inputErrors = code.inventory.diagnostics.filter((d) => d.severity === 'error');
    for (const d of code.inventory.diagnostics) {
      if (opts.quiet && d.severity !== 'error') continue;
      const where = d.file ? `${d.file}${d.line ? `:${d.line}` : ''}: ` : '';
      printDiagnostic(`${d.severity === 'warning' ? 'warning: ' : ''}${where}${d.message}`);
    }
    const { computeDrift } = await import('../drift/index.js');
    const { renderDrift } = await import('../drift/render/index.js');
    const result = computeDrift(
      code.inventory,
      run.inventory,
      {
        codeKind: code.kind,
        codeLabel: opts.state ?? opts.plan ?? path ?? '.',
        ...(opts.prefix ? { prefix: opts.prefix } : {}),
        commandLine: commandLine(process.argv),
        ...(opts.check ? { checks: opts.check } : {}),
        ...(opts.skipCheck ? { skipChecks: opts.skipCheck } : {}),
        ...(opts.failOnAnyDrift ? { failOnAnyDrift: true } : {}),
      },
      run.snapshot.prefix,
    );
    // the exit code comes from the drift, before any renderer runs (a renderer that fails exits 2)
    setExit(opts.softFail ? 0 : result.outcome.exit);
    for (const { format, file } of plan) {
      const text = renderDrift(result, format, { color: file ? false : useColor(opts), quiet: Boolean(opts.quiet), sarifRoot: uri });
      // (checkDestinations made sure a pdf has its file and a Chromium before anything was read)
      if (format === 'pdf') await writePdf(file!, text, checkPdfOutput(file), guard);
      else if (file && !isStdoutPath(file)) writeFileSafe(file, text, guard);
      else process.stdout.write(text);
    }
    if (inputErrors.length > 0) setExit(2);
  });
}

function validate(opts: DriftCliOptions, path: string | undefined): void {
  if (opts.plan && opts.state) throw new UsageError('give the code as --plan or as --state, not both');
  if (opts.state && path !== undefined) throw new UsageError('--state takes no PATH: a state holds every value it needs');
  const given = opts.plan ? '--plan' : opts.state ? '--state' : undefined;
  if (given && (opts.varFile || opts.var))
    throw new UsageError(`${given} takes no ${opts.varFile ? '--var-file' : '--var'}: it already holds its variable values`);
  for (const [flag, file] of [
    ['--plan', opts.plan],
    ['--state', opts.state],
  ] as const)
    if (file && !existsSync(file)) throw new UsageError(`${flag} ${file}: no such file`);
  for (const k of GATE_ONLY) {
    if (opts[k] === undefined) continue;
    const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UsageError(`${flag} does not apply to ztait drift (its exit code is the drift's: --fail-on-any-drift, --soft-fail)`);
  }
}

async function loadCode(
  opts: DriftCliOptions,
  path: string | undefined,
): Promise<{ inventory: Inventory; kind: 'hcl' | 'plan' | 'state' }> {
  const limits = opts.limit ? { limits: opts.limit } : {};
  const fileRoot = opts.root ? { fileRoot: opts.root } : {};
  if (opts.state) {
    const { loadState, PlanInputError } = await import('../sources/plan/index.js');
    try {
      return { inventory: await loadState(opts.state), kind: 'state' };
    } catch (e) {
      if (e instanceof PlanInputError) throw new InputError(e.message);
      throw e;
    }
  }
  if (opts.plan) {
    const inventory = await loadSource({ kind: 'plan', file: opts.plan, ...(path ? { configDir: path } : {}), ...limits, ...fileRoot });
    return { inventory, kind: 'plan' };
  }
  const inventory = await loadSource({
    kind: 'hcl',
    paths: [path ?? '.'],
    ...(opts.varFile ? { varFiles: opts.varFile } : {}),
    ...(opts.var ? { vars: opts.var } : {}),
    ...limits,
    ...fileRoot,
  });
  return { inventory, kind: 'hcl' };
}
