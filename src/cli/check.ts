import { INVARIANT_COUNT } from '../rules/registry.js';
import { existsSync } from 'node:fs';
import { isDir } from '../config/config.js';
import { dirname, join, relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { scan, scanRoots } from '../scan.js';
import { addCommonOptions, commandLine, emitResult, gatePolicy, planOutputs, resolveConfig, type CommonOptions } from './common.js';
import { printDiagnostic, UsageError } from './errors.js';
import { DEFAULT_LIMITS, LIMIT_NAMES, parseLimit, type EvalLimits } from '../hcl/budget.js';
import { discoverRoots, NEVER_ENTERED } from '../input/discover.js';
import { relativeUri, type UriBase } from '../report/sarif.js';
import type { CheckResult } from '../model/result.js';

/** The flags addCodeOptions adds. */
export interface CodeOptions {
  plan?: string;
  varFile?: string[];
  var?: [string, string][];
  limit?: Partial<EvalLimits>;
  root?: string;
}

interface CheckOptions extends CommonOptions, CodeOptions {
  approvedBy?: string;
  skipPath?: string[];
  sarifRoot?: string;
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

/** How the code is read: a plan instead of HCL, variable values, evaluation limits, what file functions may read (check and drift). */
export function addCodeOptions(cmd: Command): Command {
  return (
    cmd
      .addOption(new Option('--plan <file>', 'a plan as JSON (terraform show -json tfplan > tfplan.json)'))
      .addOption(
        new Option(
          '--var-file <file>',
          'a .tfvars file, as terraform takes it (repeatable; applies to every root module; not with --plan)',
        ).argParser(collectList),
      )
      .addOption(
        new Option(
          '--var <name=value>',
          'a variable value, as terraform takes it (repeatable; applies to every root module; not with --plan)',
        ).argParser(collectVar),
      )
      .addOption(
        new Option(
          '--limit <name=n>',
          `raise or lower an evaluation limit (repeatable): ${LIMIT_NAMES.map((n) => `${n}=${DEFAULT_LIMITS[n]}`).join(', ')} by default`,
        ).argParser(collectLimit),
      )
      // A flag only, like --limit: which files a pull request's file() may read is the CI job's call.
      .option(
        '--root <dir>',
        'let file functions read below DIR, not only below the scanned directory (it must contain it; keep credentials CI writes out of it)',
      )
  );
}

export function registerCheck(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('check')
    .description(`statically check Terraform HCL (root module directories) or a plan (--plan) for the ${INVARIANT_COUNT} ZTAIT invariants`)
    .argument(
      '[paths...]',
      'root module directories, or directories to search for them, such as a repository root (default: .); with --plan, the configuration directory for file and line',
    );
  addCodeOptions(cmd)
    .option('--approved-by <who>', 'who approved this run (recorded in every report; required to raise maturity_level in a plan)')
    .addOption(
      new Option(
        '--skip-path <glob>',
        `a PATH without .tf files of its own is searched for root modules (not ${NEVER_ENTERED.join(', ')}): leave out the directories GLOB matches, relative to PATH (repeatable; * within a name, ? one character, ** any directories; a GLOB without / matches a directory name at any depth)`,
      ).argParser(collectList),
    )
    .option(
      '--sarif-root <dir>',
      'SARIF artifact URIs are relative to DIR (default: the git top level, the nearest directory above the working directory holding .git; else the working directory)',
    );
  addCommonOptions(cmd).action(async (paths: string[], raw: CheckOptions) => {
    for (const p of paths) if (!existsSync(p)) throw new UsageError(`${p}: no such file or directory`);
    const { opts, config } = resolveConfig(raw, paths[0] ?? '.');
    opts.uriBase = uriBase(opts.sarifRoot);
    if (opts.plan && opts.skipPath)
      throw new UsageError('--plan takes no --skip-path: the configuration directory given with a plan is its root module');
    if (opts.plan && (opts.varFile || opts.var))
      throw new UsageError(
        `--plan takes no ${opts.varFile ? '--var-file' : '--var'}: a plan already holds its variable values (give them to terraform plan)`,
      );
    if (opts.plan && !existsSync(opts.plan)) throw new UsageError(`--plan ${opts.plan}: no such file`);
    const limits = opts.limit ? { limits: opts.limit } : {};
    const fileRoot = opts.root ? { fileRoot: opts.root } : {};
    const run = {
      commandLine: commandLine(process.argv),
      ...(opts.prefix ? { prefix: opts.prefix } : {}),
      ...(opts.check ? { checks: opts.check } : {}),
      ...(opts.skipCheck ? { skipChecks: opts.skipCheck } : {}),
      ...(opts.approvedBy ? { approvedBy: opts.approvedBy } : {}),
      suppressions: config.suppressions,
      ...(opts.configInfo ? { config: opts.configInfo } : {}),
      ...(opts.baseline ? { baseline: opts.baseline } : {}),
      gate: gatePolicy(opts),
    };
    // several root modules are several systems, each judged alone (src/systems.ts); --var-file and --var apply to each
    const result = opts.plan
      ? await scan({
          ...run,
          source: { kind: 'plan', file: opts.plan, ...(paths[0] ? { configDir: paths[0] } : {}), ...limits, ...fileRoot },
        })
      : await scanRoots(
          await rootModules(paths, opts),
          { ...(opts.varFile ? { varFiles: opts.varFile } : {}), ...(opts.var ? { vars: opts.var } : {}), ...limits, ...fileRoot },
          run,
        );
    // Bad input is named on stderr, one line each, and the verdicts of everything else still come out.
    const inputErrors = result.diagnostics.filter((d) => d.severity === 'error');
    for (const d of result.diagnostics) {
      if (opts.quiet && d.severity !== 'error') continue;
      const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: ` : '';
      printDiagnostic(`${d.severity === 'warning' ? 'warning: ' : ''}${where}${d.message}`);
    }
    await emitResult(result, opts, setExit);
    if (!opts.quiet && planOutputs(opts).some((o) => o.format === 'sarif')) noteOutsideSarifRoot(result, opts.uriBase);
    if (inputErrors.length > 0) setExit(2);
  });
}

/**
 * The root modules to check: each PATH that holds Terraform files itself, else those found below it
 * (input/discover.ts), said on stderr so the user sees what was checked.
 */
async function rootModules(paths: string[], opts: CheckOptions): Promise<string[]> {
  const roots: string[] = [];
  for (const p of paths.length ? paths : ['.']) {
    const found = await discoverRoots(p, { ...(opts.skipPath ? { skip: opts.skipPath } : {}) });
    roots.push(...found.roots);
    if (!found.discovered || opts.quiet) continue;
    const shown = found.roots.length > 12 ? [...found.roots.slice(0, 10), `and ${found.roots.length - 10} more`] : found.roots;
    printDiagnostic(
      `note: ${p} has no Terraform files of its own: checking the ${found.roots.length} root module(s) found below it: ${shown.join(', ')}`,
    );
  }
  return roots;
}

/** `--sarif-root`, or the git top level found by walking up from the working directory (no git is run), or the working directory. */
export function uriBase(flag: string | undefined): UriBase {
  const cwd = process.cwd();
  if (flag !== undefined) {
    if (!isDir(flag)) throw new UsageError(`--sarif-root ${flag}: not a directory`);
    return { root: resolve(flag), cwd };
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return { root: dir, cwd };
    if (dirname(dir) === dir) return { root: cwd, cwd };
  }
}

/** Files of the result that SARIF cannot place (outside the SARIF root: no absolute path is written), said once. */
function noteOutsideSarifRoot(result: CheckResult, base: UriBase | undefined): void {
  if (!base) return;
  const outside = new Set(result.source.inputs.filter((i) => relativeUri(i.path, base) === undefined).map((i) => i.path)).size;
  if (outside === 0) return;
  printDiagnostic(
    `note: ${outside} file(s) lie outside the SARIF root ${relative(base.cwd, base.root) || '.'}: their findings have no file location in the SARIF report (--sarif-root DIR widens it)`,
  );
}
