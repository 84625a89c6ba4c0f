import type { Command } from 'commander';
import { UsageError } from './errors.js';

// Placeholder wiring; the command is implemented in its own issue.
export function registerProbe(program: Command, _setExit: (code: number) => void): void {
  program
    .command('probe')
    .description('not available yet')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('ztait probe is not implemented yet');
    });
}
