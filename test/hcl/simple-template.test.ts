/**
 * The fast path for simple templates (src/hcl/simple-template.ts) against the WASM parser: on every
 * template in the shipped Terraform, the HCL fixtures and a generated tree, on hand-picked edge
 * cases and on random reference-shaped strings, it either declines or builds the very same AST.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTree } from '../../bench/gen/tree.mjs';
import { parseExpressionWasm, parseHclFileHere, templateStrings } from '../../src/hcl/parser.js';
import { simpleTemplate } from '../../src/hcl/simple-template.js';

const tmp = mkdtempSync(join(tmpdir(), 'ztait-simple-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tfFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) tfFiles(p, out);
    else if (name.endsWith('.tf')) out.push(p);
  }
  return out;
}

async function templatesUnder(dirs: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const dir of dirs) {
    for (const f of tfFiles(dir)) {
      try {
        templateStrings(await parseHclFileHere(f, readFileSync(f, 'utf8')), found);
      } catch {
        // broken fixtures are broken on purpose
      }
    }
  }
  return [...found];
}

async function agrees(src: string): Promise<boolean> {
  const fast = simpleTemplate(src);
  if (fast === undefined) return false;
  let slow: unknown;
  try {
    slow = await parseExpressionWasm(src);
  } catch (e) {
    throw new Error(`fast path accepted ${JSON.stringify(src)}, which the parser rejects: ${(e as Error).message}`);
  }
  expect(fast, src).toEqual(slow);
  return true;
}

describe('simple templates', () => {
  it('agree with the parser on every template of the shipped Terraform, the fixtures and a generated tree', async () => {
    generateTree(join(tmp, 'tree'), { modules: 5, resources: 400, seed: 3 });
    const all = await templatesUnder(['terraform', 'fixtures/hcl', join(tmp, 'tree')]);
    let taken = 0;
    for (const src of all) if (await agrees(src)) taken++;
    expect(all.length).toBeGreaterThan(300);
    expect(taken / all.length).toBeGreaterThan(0.5); // the fast path is the common case
  }, 120_000);

  it.each([
    '${var.x}',
    'a${var.x}b',
    '${var.x[0]}',
    '${var.m["k"]}',
    '${var.m["a.b/c:d"]}',
    '${a.b}${c.d}',
    '${var.true}',
    '${local.a-b}',
    'x}y-${var.x}',
    'é-${var.x}',
    '${count.index}',
    '${each.key}',
    '${path.module}/x',
    '${var.x[12345]}',
    '${module.m.out[3].arn}',
    'arn:aws:s3:::${var.bucket}/*',
    '${var.x}~',
  ])('%s', async (src) => {
    expect(await agrees(src)).toBe(true);
  });

  it.each([
    '${true}',
    '${ var.x }',
    '${var.x.0}',
    '${var.a[01]}',
    '$${var.x}',
    'a "q" ${var.x}',
    'a\n${var.x}',
    '${~var.x}',
    '${var.x[*].id}',
    '${f(var.x)}',
    '%{ if var.x }y%{ endif }',
    '${var.m[var.k]}',
    '${var.x',
    'plain',
  ])('declines %j', (src) => {
    expect(simpleTemplate(src)).toBeUndefined();
  });

  it('agrees on random reference-shaped strings', async () => {
    const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,6}$/);
    const step = fc.oneof(
      ident.map((n) => `.${n}`),
      fc.nat(99).map((n) => `[${n}]`),
      fc.stringMatching(/^[a-z0-9._:/-]{0,6}$/).map((k) => `["${k}"]`),
    );
    const ref = fc.tuple(ident, fc.array(step, { maxLength: 4 })).map(([r, s]) => `\${${r}${s.join('')}}`);
    const text = fc.stringMatching(/^[a-z0-9 ._:/*-]{0,5}$/);
    const template = fc.array(fc.oneof(ref, text), { minLength: 1, maxLength: 4 }).map((p) => p.join(''));
    await fc.assert(
      fc.asyncProperty(template, async (src) => {
        const fast = simpleTemplate(src);
        if (fast === undefined) return;
        expect(fast).toEqual(await parseExpressionWasm(src));
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
