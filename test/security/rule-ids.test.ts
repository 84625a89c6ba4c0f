/**
 * An id no rule has in --check, --skip-check, --soft-fail-on, --hard-fail-on or their
 * `.ztait.yaml` keys would select nothing (`check: toString` ran no rule and passed the gate) or
 * skip nothing: a usage error, exit 2, the id named only when it has the shape of an id.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { resolveConfig, type CommonOptions } from '../../src/cli/common.js';
import { TABLE, ensureBuilt, expectClean, runCli, tempDir } from '../hardening/cli.js';

function configDir(yaml: string): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'main.tf'), TABLE);
  writeFileSync(join(dir, '.ztait.yaml'), yaml);
  return dir;
}

describe('unknown rule ids are usage errors, from flags and from the configuration', () => {
  test.each<[Partial<CommonOptions>, RegExp]>([
    [{ check: ['toString'] }, /unknown rule id "toString" in --check/],
    [{ check: ['SI-1', 'constructor'] }, /unknown rule id "constructor" in --check/],
    [{ skipCheck: ['SI-15'] }, /unknown rule id "SI-15" in --skip-check/],
    [{ softFailOn: ['__proto__'] }, /unknown rule id in --soft-fail-on/],
    [{ hardFailOn: ['SI 6'] }, /unknown rule id in --hard-fail-on/],
  ])('%j', (flags, message) => {
    expect(() => resolveConfig({ ...flags, config: false }, tempDir())).toThrow(message);
  });

  test('every spelling of a known id is accepted: SI-6, si6, SI-06, ZT-MAT-1, ZT-PLAN-2', () => {
    expect(() => resolveConfig({ check: ['SI-6', 'si6', 'SI-06', 'zt-mat-1', 'ZT-PLAN-2'], config: false }, tempDir())).not.toThrow();
  });

  test('from .ztait.yaml, the key, file and line are named; an id with control characters is not quoted', () => {
    expect(() => resolveConfig({}, configDir('prefix: ztait-\ncheck: toString\n'))).toThrow(
      /unknown rule id "toString" in check: in .*\.ztait\.yaml:2/,
    );
    expect(() => resolveConfig({}, configDir('skip_check: "SI-1,\\e[2J::error::x"\n'))).toThrow(
      /^(?![\s\S]*::error)[\s\S]*\.ztait\.yaml:1/,
    );
  });
});

describe('through the built CLI', () => {
  beforeAll(ensureBuilt);

  test('a configuration that selects no known rule fails the run with exit 2, not a pass', async () => {
    const dir = configDir('check: toString\n');
    const run = await runCli(['check', dir, '--format', 'json']);
    expectClean(run, { outcome: 'error' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^ztait: unknown rule id "toString" in check: in .*\.ztait\.yaml:1/m);
  });
});
