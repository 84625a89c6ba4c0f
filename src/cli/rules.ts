import type { Command } from 'commander';
import { UsageError } from './errors.js';

// Placeholder wiring; the command is implemented in its own issue.
export function registerRules(program: Command, _setExit: (code: number) => void): void {
  program
    .command('rules')
    .description('not available yet')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('ztait rules is not implemented yet');
    });
}
