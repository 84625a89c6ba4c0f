/** The live source: `ztait probe` and whatever else reads an account (benchmarks, tools). */
export { READ_ONLY_ACTIONS, minimalPolicy, type AllowedAction } from './actions.js';
export { ConnectionSetupError, type ConnectionOptions } from './clients.js';
export { DEFAULT_CONCURRENCY, DEFAULT_PREFIX, probeLive, probeSnapshot, type ProbeOptions, type ProbeRun } from './probe.js';
export { SnapshotError, readSnapshot, writeSnapshot, type Snapshot } from './snapshot.js';
export type { CallLogEntry } from './session.js';
