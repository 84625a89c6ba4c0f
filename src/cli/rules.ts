import type { Command } from 'commander';
import { CATALOG_FORMATS, renderCatalog, type CatalogFormat } from '../report/catalog.js';
import { useColor } from './common.js';
import { UsageError } from './errors.js';

interface RulesOptions {
  format: string;
  color?: boolean;
}

/** `ztait rules`: the rule catalog from rules/ (the one source every report uses). */
export function registerRules(program: Command, _setExit: (code: number) => void): void {
  program
    .command('rules')
    .description('list the invariants with their STRIDE threat, NIST SP 800-207 tenets, severity and remediation')
    .option('-f, --format <format>', `output format: ${CATALOG_FORMATS.join('|')}`, 'text')
    .option('--no-color', 'plain text output (also NO_COLOR)')
    .action((opts: RulesOptions) => {
      if (!(CATALOG_FORMATS as readonly string[]).includes(opts.format)) {
        throw new UsageError(`--format ${opts.format}: ztait rules supports ${CATALOG_FORMATS.join(', ')}`);
      }
      process.stdout.write(renderCatalog(opts.format as CatalogFormat, { color: useColor({ color: opts.color }) }));
    });
}
