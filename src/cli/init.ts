import type { Command } from 'commander';
import { UsageError } from './errors.js';

// Placeholder wiring; the command is implemented in its own issue.
export function registerInit(program: Command, _setExit: (code: number) => void): void {
  program
    .command('init')
    .description('not available yet')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('ztait init is not implemented yet');
    });
}
