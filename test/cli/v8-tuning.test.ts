// The launcher's V8 settings (bin/v8-tuning.js): applied on Node 20 only, and never over a flag the
// user gave node.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module of the launcher, without type declarations
import { V8_TUNING, tuningFor } from '../../bin/v8-tuning.js';
import { ztaitSync } from '../support/cli.js';

const tuning = V8_TUNING as string[];
const forArgv = tuningFor as (execArgv: string[]) => string[];

describe('bin/v8-tuning.js', () => {
  it('is applied on Node 20 only', () => {
    if (process.versions.node.startsWith('20.'))
      expect(tuning.map((f) => f.split('=')[0])).toEqual(['--interrupt-budget', '--wasm-tiering-budget']);
    else expect(tuning).toEqual([]);
  });

  it.skipIf(tuning.length === 0)('leaves a flag the user gave node, in any spelling, and applies the rest', () => {
    expect(forArgv([])).toEqual(tuning);
    for (const given of ['--interrupt-budget=1000', '--interrupt_budget=1000', '--interrupt-budget']) {
      expect(forArgv([given]), given).toEqual(tuning.filter((f) => !f.startsWith('--interrupt-budget=')));
    }
    expect(forArgv(['--no-wasm-tiering-budget', '--interrupt-budget=5'])).toEqual([]);
    // a longer flag that merely starts with the same name is another flag
    expect(forArgv(['--interrupt-budget-for-feedback-allocation=900'])).toEqual(tuning);
  });

  it('the launcher runs with them without printing anything but its answer', () => {
    const run = ztaitSync(['--version']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
