/**
 * Differential test: the outputs in fixtures/parity/main.tf are computed by terraform itself and by
 * our evaluator, and must be identical. Skipped (with a note) when terraform is not on PATH.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { evaluateJson, type EvalContext } from '../../src/hcl/evaluate.js';
import { parseHclFile } from '../../src/hcl/parser.js';
import type { Value } from '../../src/model/value.js';
import { FIXTURES } from './helpers.js';

const hasTerraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
if (!hasTerraform) console.warn('terraform-parity: terraform is not on PATH, skipping the differential test');

type Body = Record<string, unknown>;

/** Just enough of a module loader for the corpus: variables' defaults, locals, path.module. */
function corpusContext(config: Record<string, unknown>, dir: string): EvalContext {
  const first = (blocks: unknown): Body => ((blocks as Body[] | undefined) ?? [])[0] ?? {};
  const variables = (config.variable ?? {}) as Record<string, Body[]>;
  const locals = Object.assign({}, ...((config.locals as Body[] | undefined) ?? [])) as Body;
  const ctx: EvalContext = {
    baseDir: dir,
    async resolve(segments) {
      const [root, name] = segments;
      if (root === 'var' && typeof name === 'string' && variables[name]) {
        return { value: await evaluateJson(first(variables[name]).default ?? null, ctx), consumed: 2 };
      }
      if (root === 'local' && typeof name === 'string' && name in locals) {
        return { value: await evaluateJson(locals[name], ctx), consumed: 2 };
      }
      if (root === 'path' && name === 'module') return { value: '.', consumed: 2 };
      return undefined;
    },
  };
  return ctx;
}

describe.skipIf(!hasTerraform)('terraform parity', () => {
  let dir = '';
  let expected: Record<string, { value: unknown }> = {};
  let outputs: Record<string, Body[]> = {};
  let ctx: EvalContext;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ztait-parity-'));
    cpSync(path.join(FIXTURES, 'parity'), dir, { recursive: true });
    // No providers are needed; a CLI config keeps terraform away from the network regardless.
    writeFileSync(path.join(dir, 'cli.tfrc'), 'provider_installation {\n  direct {\n    exclude = ["*/*/*"]\n  }\n}\n');
    const env = { ...process.env, TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc'), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
    execFileSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
    execFileSync('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
    expected = JSON.parse(execFileSync('terraform', ['output', '-json'], { cwd: dir, env, encoding: 'utf8' }));
    const config = await parseHclFile('main.tf', readFileSync(path.join(dir, 'main.tf'), 'utf8'));
    outputs = config.output as Record<string, Body[]>;
    ctx = corpusContext(config, dir);
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const names = [...readFileSync(path.join(FIXTURES, 'parity', 'main.tf'), 'utf8').matchAll(/^output "([^"]+)"/gm)].map((m) => m[1]!);
  test.each(names)('output %s', async (name) => {
    const ours: Value = await evaluateJson(outputs[name]![0]!.value, ctx);
    expect(JSON.parse(JSON.stringify(ours))).toEqual(expected[name]!.value);
  });
});
