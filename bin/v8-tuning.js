import { setFlagsFromString } from 'node:v8';

// The V8 settings the launcher (ztait.js) applies, in one place so that the benchmark can run its
// bare-parse baseline with them too (bench/run.mjs prints that ratio for reference).
//
// V8's optimising compilers run on background threads, which on a small machine compete with the
// parse workers for the cores. A ztait run lasts seconds, and V8's defaults (tuned for long-lived
// pages and servers) spend much of it recompiling code that runs only a little longer:
// - JavaScript functions are recompiled by TurboFan after 10x the default amount of execution;
// - the parser's WASM functions are recompiled after 33x the default budget, so only the hottest
//   ones are, and only once a run has been parsing for a while (large estates).
// Measured on 2 cores (bench/README.md): on 10,000 resources they cut the check's CPU time by a
// fifth and its wall time by 16%; on 30,000 resources, wall by 5-10%. Node 20 only, where they were
// measured: later versions tier up through Maglev.
export const V8_TUNING = process.versions.node.startsWith('20.') ? ['--interrupt-budget=675840', '--wasm-tiering-budget=60000000'] : [];

/** Applies V8_TUNING to this process, except a flag the user gave node explicitly. */
export function applyV8Tuning() {
  for (const flag of V8_TUNING) {
    const name = flag.split('=')[0];
    if (!process.execArgv.some((a) => a.startsWith(name))) setFlagsFromString(flag);
  }
}
