/**
 * scan(): the one pipeline every command runs. A source builds the inventory (HCL directories, a
 * plan, or an inventory the live probe collected), then the engine judges it (engine.ts: verdicts,
 * suppressions, redaction, the baseline marking what is new, the gate deciding the run).
 * The CLI parses flags, calls this and writes what it returns; reporters only render the result.
 */
import type { Inventory } from './model/inventory.js';
import type { CheckResult } from './model/result.js';
import { InputError } from './model/errors.js';
import { runChecks, type EngineOptions } from './engine.js';
import { loadHcl, locateConfigTree, type ParseCache } from './hcl/loader.js';
import { parsePool } from './hcl/parse-pool.js';
import { EvalBudget, type EvalLimits } from './hcl/budget.js';
import { combineSystems } from './systems.js';
import { canonical } from './hcl/files.js';
import { resolve } from 'node:path';
import { loadPlan, PlanInputError } from './sources/plan/index.js';
import { loadRules } from './rules/catalog/metadata.js';

export type ScanSource =
  | {
      kind: 'hcl';
      paths: string[];
      varFiles?: string[];
      vars?: [string, string][];
      limits?: Partial<EvalLimits>;
      fileRoot?: string;
      budget?: EvalBudget;
    }
  /** `configDir`: the configuration the plan was made from, for file and line and the values the plan leaves unknown. */
  | { kind: 'plan'; file: string; configDir?: string; limits?: Partial<EvalLimits>; fileRoot?: string }
  | { kind: 'inventory'; inventory: Inventory };

export interface ScanOptions extends EngineOptions {
  source: ScanSource;
}

/** Builds the inventory of a source. Input problems inside files are diagnostics; a missing input throws InputError. */
export async function loadSource(source: ScanSource): Promise<Inventory> {
  switch (source.kind) {
    case 'inventory':
      return source.inventory;
    case 'plan': {
      if (source.configDir) parsePool()?.prestart();
      // the directory is read once, for block positions and for the values the plan leaves unknown
      const reads: ParseCache = new Map();
      const locations = source.configDir ? await locateConfigTree(source.configDir, reads) : undefined;
      try {
        return await loadPlan(
          source.file,
          locations
            ? {
                locate: (a) => locations.get(a),
                configDir: source.configDir!,
                configReads: reads,
                ...(source.limits ? { configLimits: source.limits } : {}),
                ...(source.fileRoot ? { configFileRoot: source.fileRoot } : {}),
              }
            : {},
        );
      } catch (e) {
        if (e instanceof PlanInputError) throw new InputError(e.message);
        throw e;
      }
    }
    case 'hcl': {
      parsePool()?.prestart();
      const loading = loadHcl(source.paths.length ? source.paths : ['.'], {
        ...(source.varFiles ? { varFiles: source.varFiles } : {}),
        ...(source.vars ? { vars: source.vars } : {}),
        ...(source.limits ? { limits: source.limits } : {}),
        ...(source.fileRoot ? { fileRoot: source.fileRoot } : {}),
        ...(source.budget ? { budget: source.budget } : {}),
      });
      // Once the first files are with the parse workers, this thread has nothing to do until they
      // answer: it reads the rule catalog then (0.1 s it would otherwise spend after the inventory).
      await Promise.race([parsePool()?.busy ?? Promise.resolve(), loading.catch(() => undefined)]);
      loadRules();
      return loading;
    }
  }
}

/** Load, evaluate, baseline, gate: the result every reporter renders, secrets redacted. */
export async function scan(opts: ScanOptions): Promise<CheckResult> {
  return runChecks(await loadSource(opts.source), opts);
}

type HclSource = Extract<ScanSource, { kind: 'hcl' }>;

/**
 * Root modules, each its own system (src/systems.ts): one is scanned as ever; several are loaded and
 * judged one by one, within one evaluation budget, and the gate (and a baseline) applies over all.
 */
export async function scanRoots(
  roots: string[],
  source: Omit<HclSource, 'kind' | 'paths'>,
  opts: Omit<ScanOptions, 'source'>,
): Promise<CheckResult> {
  // `DIR` and `DIR/` (or a symlink to it) are one root module, checked once
  const real = new Set<string>();
  const unique: string[] = [];
  for (const r of roots) {
    const c = await canonical(resolve(r)).catch(() => resolve(r));
    if (real.has(c)) continue;
    real.add(c);
    unique.push(r);
  }
  roots = unique;
  if (roots.length <= 1) return scan({ ...opts, source: { kind: 'hcl', paths: roots, ...source } });
  const { baseline, gate, ...each } = opts;
  const budget = new EvalBudget(source.limits);
  const systems: { root: string; result: CheckResult }[] = [];
  for (const root of roots) {
    systems.push({ root, result: await scan({ ...each, source: { kind: 'hcl', paths: [root], ...source, budget } }) });
  }
  return combineSystems(systems, { ...(baseline ? { baseline } : {}), ...(gate ? { gate } : {}) });
}
