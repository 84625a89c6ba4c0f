import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The test files that take longest, longest first (npm test on the 2-core machine, 2026-12-07:
 * probe/cli.e2e 49 s, check-fixtures 47 s, terraform/validate 36 s, mutation/harness 32 s,
 * terraform/plan 30 s, install/package 30 s, hardening/hostile-scale 25 s, plan/fixtures 22 s; most
 * files take a few seconds). Two workers share the suite: a long file that starts late runs on alone
 * while the other core idles. Vitest puts the longest first when it has a previous run's durations,
 * but it keeps them in node_modules/.vite, which `npm ci` deletes: in CI it ran the largest files
 * first, and a 3 KB file of minutes of terraform validate started 117th of 133. A file missing here
 * only runs later.
 */
const SLOW_FIRST = [
  'test/probe/cli.e2e.test.ts',
  'test/cli/check-fixtures.test.ts',
  'test/terraform/validate.test.ts',
  'test/mutation/harness.test.ts',
  'test/terraform/plan.test.ts',
  'test/install/package.test.ts',
  'test/hardening/hostile-scale.test.ts',
  'test/plan/fixtures.test.ts',
  'test/hardening/hostile-hcl.test.ts',
  'test/probe/export.e2e.test.ts',
  'test/probe/fleet.e2e.test.ts',
  'test/report/html.browser.test.ts',
  'test/probe/drift.e2e.test.ts',
  'test/accuracy/independent.test.ts',
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
