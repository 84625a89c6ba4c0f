#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm ci` through the prepare script).
import { applyV8Tuning } from './v8-tuning.js';

// Less background recompilation in a run that lasts seconds (why and how much: v8-tuning.js).
applyV8Tuning();

// `ztait check` on HCL: start the first parse worker before loading the CLI's modules, so that its
// parser runtime loads during those 0.1 s instead of after them (dist/hcl/parse-pool.js imports
// nothing else of ours).
if (process.argv[2] === 'check' && !process.argv.includes('--plan')) {
  const { parsePool } = await import('../dist/hcl/parse-pool.js');
  parsePool()?.prestart();
}
const { main } = await import('../dist/cli/main.js');

// Fail closed: if the process ends before main() settles (a dependency's runtime died and left a
// promise that never settles), the exit code is 2 and says so, never a silent 0.
let settled = false;
process.exitCode = 2;
process.on('beforeExit', () => {
  if (!settled) {
    settled = true;
    process.stderr.write(
      'ztait: internal error: the run ended before a verdict was reached (a parser stopped responding); no report was written\n',
    );
    process.exitCode = 2;
  }
});

// Once the verdict is out, end now: the HCL parser's Go runtime leaves a timer behind that would
// keep the process idle for up to two seconds. Exit only after stdout and stderr have flushed
// (writes to pipes are asynchronous on some platforms).
function finish(code) {
  settled = true;
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv).then(finish, (e) => {
  // The message may carry input text: no control character reaches the CI log raw (as in
  // src/report/terminal.ts, which may be what failed to load).
  const line = String(e?.message ?? e)
    .split('\n')[0]
    .replace(
      /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  process.stderr.write(`ztait: internal error: ${line}\n`);
  finish(2);
});
