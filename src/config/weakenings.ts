import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ConfigInfo, GateWeakening } from '../model/result.js';
import type { ZtaitConfig } from './config.js';

/**
 * What the configuration did to the gate, for every report: a `.ztait.yaml` is written by whoever
 * opened the pull request, so each setting of it that lets a run pass more easily (and each such
 * flag the CI job gave itself) is named with its source, never applied silently.
 */

/** The gate settings as the command line gave them (before the configuration file is merged). */
export interface GateFlags {
  prefix?: string;
  check?: string[];
  skipCheck?: string[];
  softFail?: boolean;
  failOn?: string;
  softFailOn?: string[];
  allowErrors?: boolean;
  baseline?: string;
}

const DEFAULT_PREFIX = 'ztait-';

/** A path for reports: relative to the working directory, else to the scanned one; never absolute. */
export function displayPath(file: string, scanRoot: string): string {
  const outside = (rel: string): boolean => rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  const abs = resolve(file);
  let rel = relative(process.cwd(), abs);
  if (outside(rel)) rel = relative(resolve(scanRoot), abs);
  // another drive (Windows): the file name alone still says which file, without the host layout
  if (isAbsolute(rel)) rel = abs.split(/[\\/]/).pop() ?? 'config';
  return (rel || '.').split(sep).join('/');
}

const ids = (v: string[]): string => v.join(', ');

/** The weakenings one source made, in a fixed order. */
function weakeningsOf(
  s: GateFlags & { suppressions?: ZtaitConfig['suppressions'] },
  where: (key: string) => Pick<GateWeakening, 'source' | 'file' | 'line'>,
  baselineShown?: string,
): GateWeakening[] {
  const out: GateWeakening[] = [];
  const add = (kind: GateWeakening['kind'], key: string, detail: string, at = where(key)): void => {
    out.push({ kind, detail, ...at });
  };
  if (s.prefix !== undefined && s.prefix !== DEFAULT_PREFIX)
    add(
      'prefix',
      'prefix',
      `the governed namespace prefix is "${s.prefix}" (default ${DEFAULT_PREFIX}): resources outside it are not governed`,
    );
  if (s.check?.length) add('check', 'check', `only ${ids(s.check)} run; every other rule is not checked`);
  if (s.skipCheck?.length) add('skip_check', 'skip_check', `${ids(s.skipCheck)} not checked`);
  if (s.softFail) add('soft_fail', 'soft_fail', 'fail and error verdicts do not fail the run (except --hard-fail-on rules)');
  if (s.failOn !== undefined && s.failOn !== 'low')
    add('fail_on', 'fail_on', `fail verdicts below severity ${s.failOn} do not fail the run`);
  if (s.softFailOn?.length) add('soft_fail_on', 'soft_fail_on', `${ids(s.softFailOn)} never fail the run`);
  if (s.allowErrors) add('allow_errors', 'allow_errors', 'undecided (error) verdicts do not fail the run');
  if (s.baseline !== undefined)
    add('baseline', 'baseline', `findings recorded in the baseline ${baselineShown ?? s.baseline} do not fail the run`);
  for (const sup of s.suppressions ?? []) {
    const expires = sup.expires ? ` until ${sup.expires}` : '';
    const at = where('suppressions');
    add(
      'suppression',
      'suppressions',
      `${ids(sup.ids.length ? sup.ids : ['every rule'])} suppressed on ${sup.resource}${expires}: ${sup.reason}`,
      {
        ...at,
        ...(sup.line ? { line: sup.line } : {}),
      },
    );
  }
  return out;
}

/**
 * The `config` section of the result: the file applied and the weakenings, each with its source.
 * A config key the command line overrides was not applied, so it is not listed.
 */
export function describeConfig(flags: GateFlags, config: ZtaitConfig, mode: ConfigInfo['mode'], scanRoot: string): ConfigInfo {
  const file = config.file ? displayPath(config.file, scanRoot) : undefined;
  const fromConfig: GateFlags = {
    ...(flags.prefix === undefined && config.prefix !== undefined ? { prefix: config.prefix } : {}),
    ...(flags.check === undefined && config.check ? { check: config.check } : {}),
    ...(flags.skipCheck === undefined && config.skip_check ? { skipCheck: config.skip_check } : {}),
    ...(flags.softFail === undefined && config.soft_fail !== undefined ? { softFail: config.soft_fail } : {}),
    ...(flags.failOn === undefined && config.fail_on !== undefined ? { failOn: config.fail_on } : {}),
    ...(flags.softFailOn === undefined && config.soft_fail_on ? { softFailOn: config.soft_fail_on } : {}),
    ...(flags.allowErrors === undefined && config.allow_errors !== undefined ? { allowErrors: config.allow_errors } : {}),
    ...(flags.baseline === undefined && config.baseline !== undefined ? { baseline: config.baseline } : {}),
  };
  const cfgWhere = (key: string): Pick<GateWeakening, 'source' | 'file' | 'line'> => ({
    source: 'config',
    ...(file ? { file } : {}),
    line: config.lines[key] ?? 1,
  });
  const cliWhere = (): Pick<GateWeakening, 'source'> => ({ source: 'command_line' });
  const weakenings = [
    ...weakeningsOf(
      { ...fromConfig, suppressions: config.suppressions },
      cfgWhere,
      fromConfig.baseline ? displayPath(fromConfig.baseline, scanRoot) : undefined,
    ),
    ...weakeningsOf(flags, cliWhere),
  ];
  return { mode, files: file ? [file] : [], weakenings };
}

/** One line for stderr per configuration file that weakened the gate, so a CI log shows it whatever the formats. */
export function weakeningWarning(info: ConfigInfo | undefined): string | undefined {
  const fromConfig = info?.weakenings.filter((w) => w.source === 'config') ?? [];
  if (fromConfig.length === 0) return undefined;
  const kinds = [...new Set(fromConfig.map((w) => w.kind))].join(', ');
  return `warning: the configuration file ${info!.files.join(', ')} weakens the gate (${fromConfig.length} setting(s): ${kinds}); every report lists them (use --config FILE or --no-config to ignore the repository's)`;
}
