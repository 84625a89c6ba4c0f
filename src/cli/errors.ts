import { escapeControl } from '../report/terminal.js';

import { InputError } from '../model/errors.js';

/** A bad command line: an InputError (one line on stderr, exit code 2, never a stack trace). */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Writes one diagnostic line on stderr: `ztait: ` and the message, its control characters shown
 * escaped (messages quote names, paths and values from the input; a newline or an ESC sequence in
 * them must not forge lines or workflow commands in a CI log). Every stderr line goes through here.
 */
export function printDiagnostic(message: string, stream: NodeJS.WritableStream = process.stderr): void {
  stream.write(`ztait: ${escapeControl(message)}\n`);
}
