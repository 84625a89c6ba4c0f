// (1) terraform init -backend=false + terraform validate on every module and
// the example, on temporary copies, with providers from the filesystem mirror.
import { afterAll, describe, expect, it } from 'vitest';
import { relative, resolve } from 'node:path';
import { CONFIG_DIRS, REPO_ROOT, TERRAFORM_VERSION, offline } from './support.js';

const copies: string[] = [];
afterAll(() => copies.forEach((root) => offline.removeCopy(root)));

/** The shipped configurations, and the independently written one the accuracy tests check (fixtures/independent). */
const DIRS = [...CONFIG_DIRS, resolve(REPO_ROOT, 'fixtures/independent')];

describe.skipIf(TERRAFORM_VERSION === null)(`terraform ${TERRAFORM_VERSION ?? '(missing)'} validate`, () => {
  it.each(DIRS.map((dir) => [relative(REPO_ROOT, dir), dir]))(
    '%s is valid',
    (_label, dir) => {
      const { root, workDir, env } = offline.prepareOffline(dir);
      copies.push(root);
      const result = offline.validate(workDir, env);
      const problems = result.diagnostics.map((d) => `${d.severity}: ${d.summary} ${d.detail ?? ''}`);
      expect(problems).toEqual([]);
      expect(result.valid).toBe(true);
    },
    120_000,
  );
});
