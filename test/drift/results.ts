/**
 * A drift result for tests outside test/drift (the browser test of the HTML pages):
 * terraform/examples/complete (HCL) against the recorded reference account with some of the edits
 * of variants.ts, as test/drift/drift.test.ts makes them. The code is read once per test file; a
 * replay needs no credentials.
 */
import { join } from 'node:path';
import { computeDrift, type DriftResult } from '../../src/drift/index.js';
import type { Inventory } from '../../src/model/inventory.js';
import { loadSource } from '../../src/scan.js';
import { probeSnapshot } from '../../src/sources/aws/probe.js';
import { readSnapshot } from '../../src/sources/aws/snapshot.js';
import { variant, type Variant } from './variants.js';

const ROOT = join(import.meta.dirname, '../..');
let code: Promise<Inventory> | undefined;

/** The example against the reference snapshot with these edits (none: no drift). */
export async function driftOf(...edits: Variant[]): Promise<DriftResult> {
  // relative, as the CLI prints it (vitest runs from the repository root)
  code ??= loadSource({ kind: 'hcl', paths: ['terraform/examples/complete'] });
  const snap = edits.reduce((s, v) => variant(s, v), readSnapshot(join(ROOT, 'fixtures/accounts/reference.snapshot.json')).snapshot);
  const run = await probeSnapshot(snap);
  return computeDrift(
    await code,
    run.inventory,
    { codeKind: 'hcl', commandLine: `ztait drift (${edits.join(', ') || 'no edit'})` },
    snap.prefix,
  );
}
