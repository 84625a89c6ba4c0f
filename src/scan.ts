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
import type { EvalLimits } from './hcl/budget.js';
import { loadPlan, PlanInputError } from './sources/plan/index.js';
import { loadRules } from './rules/catalog/metadata.js';

export type ScanSource =
  | { kind: 'hcl'; paths: string[]; varFiles?: string[]; vars?: [string, string][]; limits?: Partial<EvalLimits>; fileRoot?: string }
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
