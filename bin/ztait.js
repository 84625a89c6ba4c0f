#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm ci` through the prepare script).
import { setFlagsFromString } from 'node:v8';

// V8's optimising compilers run on background threads, which on a small machine compete with the
// parse workers for the cores. A ztait run lasts seconds, and V8's defaults (tuned for long-lived
// pages and servers) spend much of it recompiling code that runs only a little longer:
// - JavaScript functions are recompiled by TurboFan after 10x the default amount of execution;
// - the parser's WASM functions are recompiled after 33x the default budget, so only the hottest
//   ones are, and only once a run has been parsing for a while (large estates).
// Measured on 2 cores (bench/README.md): on 10,000 resources these cut the check's CPU time by a
// fifth and its wall time by 16%; on 30,000 resources, wall by 5-10%. Bare hcl2json parsing gains
// nothing from them (one thread, the spare core compiles for free), so the bench's baseline keeps
// V8's defaults. Node 20 only, where they were measured: later versions tier up through Maglev.
if (process.versions.node.startsWith('20.')) {
  const given = (flag) => process.execArgv.some((a) => a.startsWith(flag));
  if (!given('--interrupt-budget')) setFlagsFromString('--interrupt-budget=675840');
  if (!given('--wasm-tiering-budget')) setFlagsFromString('--wasm-tiering-budget=60000000');
}

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
    process.stderr.write('ztait: internal error: the run ended before a verdict was reached (a parser stopped responding); no report was written\n');
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
  process.stderr.write(`ztait: internal error: ${String(e?.message ?? e).split('\n')[0]}\n`);
  finish(2);
});
