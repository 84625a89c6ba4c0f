import type { Command } from 'commander';
import { UsageError } from './errors.js';

// Placeholder wiring; the command is implemented in its own issue.
export function registerMaturity(program: Command, _setExit: (code: number) => void): void {
  program
    .command('maturity')
    .description('not available yet')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('ztait maturity is not implemented yet');
    });
}
