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

/** The V8_TUNING flags a process started with `execArgv` should get: those the user did not give node. */
export function tuningFor(execArgv) {
  // V8 reads `--a_b` as `--a-b`; `--no-x` and `--x=1` both name x
  const given = new Set(
    execArgv.map((a) =>
      a
        .split('=')[0]
        .replace(/_/g, '-')
        .replace(/^--no-/, '--'),
    ),
  );
  return V8_TUNING.filter((flag) => !given.has(flag.split('=')[0]));
}

/** Applies V8_TUNING to this process, except a flag the user gave node explicitly. */
export function applyV8Tuning() {
  for (const flag of tuningFor(process.execArgv)) setFlagsFromString(flag);
}
