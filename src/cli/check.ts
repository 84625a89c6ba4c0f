import type { Command } from 'commander';
import { UsageError } from './errors.js';

export function registerCheck(program: Command, _setExit: (code: number) => void): void {
  program
    .command('check')
    .argument('[paths...]')
    .action(() => {
      throw new UsageError('ztait check is being built');
    });
}
