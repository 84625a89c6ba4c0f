import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The test files that take longest, longest first (alone, at load 1.5-2 on the 2-core machine:
 * check-fixtures 140 s, probe/cli.e2e 40 s, install/package 30 s, terraform/validate 25 s,
 * mutation/harness 21 s, terraform/plan 20 s, plan/fixtures 16 s, accuracy/independent 12 s; most files take a few seconds). Two workers share the
 * suite: a long file that starts late runs on alone while the other core idles. Vitest puts the
 * longest first when it has a previous run's durations, but it keeps them in node_modules/.vite,
 * which `npm ci` deletes: in CI it ran the largest files first, and check-fixtures.test.ts (3 KB,
 * minutes of terraform validate) started 117th of 133. A file missing here only runs later.
 */
const SLOW_FIRST = [
  'test/cli/check-fixtures.test.ts',
  'test/probe/cli.e2e.test.ts',
  'test/terraform/validate.test.ts',
  'test/install/package.test.ts',
  'test/probe/export.e2e.test.ts',
  'test/mutation/harness.test.ts',
  'test/terraform/plan.test.ts',
  'test/accuracy/independent.test.ts',
  'test/plan/fixtures.test.ts',
  'test/probe/fleet.e2e.test.ts',
  'test/report/html.browser.test.ts',
  'test/probe/drift.e2e.test.ts',
];

/** Vitest's order (cached durations, else file size), with SLOW_FIRST ahead of it. */
class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const i = SLOW_FIRST.indexOf(relative(f.project.config.root, f.moduleId).split('\\').join('/'));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    const sorted = await super.sort(files);
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'lambda/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default on 2 cores is one worker; most test files are single-threaded, so two run
    // side by side (measured: 8m47s against about 12 min for the suite).
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
  },
});
