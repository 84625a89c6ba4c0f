import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { Inventory } from '../model/inventory.js';
import { loadHcl, locateConfigTree, type ParseCache } from '../hcl/loader.js';
import { loadPlan, PlanInputError, PLAN_RULES } from '../sources/plan/index.js';
import { runChecks } from '../engine.js';
import { parsePool } from '../hcl/parse-pool.js';
import { loadRules } from '../rules/metadata.js';
import { addCommonOptions, commandLine, emitResult, resolveConfig, type CommonOptions } from './common.js';
import { printDiagnostic, UsageError } from './errors.js';
import { DEFAULT_LIMITS, LIMIT_NAMES, parseLimit, type EvalLimits } from '../hcl/budget.js';

interface CheckOptions extends CommonOptions {
  plan?: string;
  varFile?: string[];
  var?: [string, string][];
  limit?: Partial<EvalLimits>;
  root?: string;
  approvedBy?: string;
}

const collectVar = (v: string, prev: [string, string][] = []): [string, string][] => {
  const i = v.indexOf('=');
  if (i <= 0) throw new UsageError(`--var expects NAME=VALUE, got "${v}"`);
  return [...prev, [v.slice(0, i), v.slice(i + 1)]];
};
const collectList = (v: string, prev: string[] = []): string[] => [...prev, v];
// A flag only: a repository's .ztait.yaml must not be able to raise what a pull request may spend.
const collectLimit = (v: string, prev: Partial<EvalLimits> = {}): Partial<EvalLimits> => {
  try {
    return parseLimit(v, prev);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
};

export function registerCheck(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('check')
    .description('statically check Terraform HCL (root module directories) or a plan (--plan) for the 14 ZTAIT invariants')
    .argument('[paths...]', 'root module directories (default: .); with --plan, the configuration directory for file and line')
    .addOption(new Option('--plan <file>', 'a plan as JSON (terraform show -json tfplan > tfplan.json)'))
    .addOption(new Option('--var-file <file>', 'a .tfvars file, as terraform takes it (repeatable)').argParser(collectList))
    .addOption(new Option('--var <name=value>', 'a variable value, as terraform takes it (repeatable)').argParser(collectVar))
    .addOption(
      new Option('--limit <name=n>', `raise or lower an evaluation limit (repeatable): ${LIMIT_NAMES.map((n) => `${n}=${DEFAULT_LIMITS[n]}`).join(', ')} by default`).argParser(collectLimit),
    )
    // A flag only, like --limit: which files a pull request's file() may read is the CI job's call.
    .option('--root <dir>', 'let file functions read below DIR, not only below the scanned directory (it must contain it; keep credentials CI writes out of it)')
    .option('--approved-by <who>', 'who approved this run (recorded in every report; required to raise maturity_level in a plan)');
  addCommonOptions(cmd).action(async (paths: string[], raw: CheckOptions) => {
    for (const p of paths) if (!existsSync(p)) throw new UsageError(`${p}: no such file or directory`);
    const { opts, config } = resolveConfig(raw, paths[0] ?? '.');
    // HCL to read: a parse worker starts loading now (bin/ztait.js may have started it already).
    if (!opts.plan || paths[0]) parsePool()?.prestart();
    let inv: Inventory;
    if (opts.plan) {
      if (!existsSync(opts.plan)) throw new UsageError(`--plan ${opts.plan}: no such file`);
      // the directory is read once, for block positions and for the values the plan leaves unknown
      const reads: ParseCache = new Map();
      const locations = paths[0] ? await locateConfigTree(paths[0], reads) : undefined;
      try {
        // with the configuration directory, values the plan leaves unknown come from its HCL
        inv = await loadPlan(opts.plan, locations ? { locate: (a) => locations.get(a), configDir: paths[0]!, configReads: reads, ...(opts.limit ? { configLimits: opts.limit } : {}), ...(opts.root ? { configFileRoot: opts.root } : {}) } : {});
      } catch (e) {
        if (e instanceof PlanInputError) throw new UsageError(e.message);
        throw e;
      }
    } else {
      const loading = loadHcl(paths.length ? paths : ['.'], {
        ...(opts.varFile ? { varFiles: opts.varFile } : {}),
        ...(opts.var ? { vars: opts.var } : {}),
        ...(opts.limit ? { limits: opts.limit } : {}),
        ...(opts.root ? { fileRoot: opts.root } : {}),
      });
      // Once the first files are with the parse workers, this thread has nothing to do until they
      // answer: it reads the rule catalog then (0.1 s it would otherwise spend after the inventory).
      await Promise.race([parsePool()?.busy ?? Promise.resolve(), loading.catch(() => undefined)]);
      loadRules();
      inv = await loading;
    }
    const result = runChecks(inv, {
      commandLine: commandLine(process.argv),
      ...(opts.prefix ? { prefix: opts.prefix } : {}),
      ...(opts.check ? { checks: opts.check } : {}),
      ...(opts.skipCheck ? { skipChecks: opts.skipCheck } : {}),
      ...(opts.approvedBy ? { approvedBy: opts.approvedBy } : {}),
      ...(opts.plan ? { extraRules: PLAN_RULES } : {}),
      suppressions: config.suppressions,
      ...(opts.configInfo ? { config: opts.configInfo } : {}),
    });
    // Bad input is named on stderr, one line each, and the verdicts of everything else still come out.
    const inputErrors = result.diagnostics.filter((d) => d.severity === 'error');
    for (const d of result.diagnostics) {
      if (opts.quiet && d.severity !== 'error') continue;
      const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: ` : '';
      printDiagnostic(`${d.severity === 'warning' ? 'warning: ' : ''}${where}${d.message}`);
    }
    await emitResult(result, opts, setExit);
    if (inputErrors.length > 0) setExit(2);
  });
}
