import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ztaitSync } from '../support/cli.js';
import { EVIDENCE, ROOT, changedLines, exampleCopy, miniConfig, snapshot } from './helpers.js';

/**
 * The "Done when", run as a new user would: the built tool (`npm run build`, then
 * bin/ztait.js). Skipped, saying so, when dist/ is missing or older than the maturity sources.
 */
const DIST = join(ROOT, 'dist/cli/maturity.js');
function staleReason(): string | undefined {
  if (!existsSync(DIST)) return 'dist/ not built (run npx tsc -p tsconfig.json)';
  // every maturity source must have a compiled file at least as new as itself
  const pairs: [string, string][] = [
    [join(ROOT, 'src/cli/maturity.ts'), DIST],
    ...readdirSync(join(ROOT, 'src/maturity')).map((f): [string, string] => [
      join(ROOT, 'src/maturity', f),
      join(ROOT, 'dist/maturity', f.replace(/\.ts$/, '.js')),
    ]),
  ];
  for (const [src, out] of pairs) {
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs)
      return `${out} is missing or older than ${src} (rebuild with npx tsc -p tsconfig.json)`;
  }
  return undefined;
}
const skip = staleReason();
if (skip) console.warn(`test/maturity/built.test.ts skipped: ${skip}`);

const ztait = (args: string[], cwd: string) => ztaitSync(['maturity', ...args], { cwd });

describe.skipIf(skip !== undefined)('the built ztait, as a new user tries it', () => {
  const dir = exampleCopy() ?? miniConfig();

  it('assess says the L0 -> L1 criteria hold, with the numbers', () => {
    const r = ztait(['assess', '--evidence', join(EVIDENCE, 'l0-agreement-85.jsonl')], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PASS  agreement_rate 0.85 (170/200) >= 0.85');
    expect(r.stdout).toContain('ELIGIBLE for L1 Assisted');
  });

  it('on evidence 1% short, set refuses naming the criterion and the gap, changing nothing', () => {
    const before = snapshot(dir);
    const r = ztait(['set', '1', '--evidence', join(EVIDENCE, 'l0-agreement-84.jsonl')], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('criterion not met: agreement_rate 0.84 (168/200) >= 0.85, short by 0.01');
    expect(snapshot(dir)).toEqual(before);
  });

  it('a 0 -> 2 jump is refused', () => {
    const before = snapshot(dir);
    const r = ztait(['set', '2', '--evidence', join(EVIDENCE, 'l0-agreement-85.jsonl')], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('a jump from L0 to L2 is refused');
    expect(snapshot(dir)).toEqual(before);
  });

  it('set 1 on the passing evidence changes one line', () => {
    const file = existsSync(join(dir, 'terraform.tfvars')) ? join(dir, 'terraform.tfvars') : join(dir, 'variables.tf');
    const before = readFileSync(file);
    const r = ztait(['set', '1', '--evidence', join(EVIDENCE, 'l0-agreement-85.jsonl'), '--approved-by', 'new user'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const diff = changedLines(before, readFileSync(file));
    expect(diff).toHaveLength(1);
    expect(diff[0]!.after).toMatch(/maturity_level\s*=\s*1/);
    expect(ztait(['diff', '0', '1', '--format', 'json'], dir).code).toBe(0);
    const bad = ztait(['assess', '--evidence', 'missing.jsonl'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ztait: cannot read evidence file missing\.jsonl: no such file\n$/);
  });
});
