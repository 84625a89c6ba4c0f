/**
 * Input the user can fix (a missing file, a malformed plan, a bad flag value): the CLI prints it as
 * one line on stderr and exits 2, never with a stack trace. Thrown by every layer; the message names
 * the file (and line) but never quotes the file's content.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
