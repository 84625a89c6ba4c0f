/**
 * Hostile Terraform input through the built CLI (issue 9): damaged files and loops. Every case
 * ends, within a time limit and a 1 GiB heap, with a verdict or a clear one-line error naming the
 * file - never a crash, a stack trace or a hang. Inputs are generated in a temporary directory;
 * the large and deep ones are in hostile-scale.test.ts.
 */
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/model/result.js';
import { schemaErrors } from '../report/tools.js';
import { ROOT, TABLE, check, checkTo, ensureBuilt, expectClean, rootModule, runCli, tempDir } from './cli.js';

beforeAll(ensureBuilt, 300_000);

describe('damaged files', () => {
  it('a truncated .tf file (cut inside a block)', async () => {
    const text = readFileSync(join(ROOT, 'terraform', 'modules', 'foundation', 'dynamodb.tf'), 'utf8');
    const dir = rootModule({ 'main.tf': TABLE, 'truncated.tf': text.slice(0, Math.floor(text.length * 0.6)) });
    expectClean(await check(dir), { names: ['truncated.tf'], outcome: 'error' });
  });

  it('truncated .tf files (cut inside a string, an interpolation, a call, a heredoc)', async () => {
    const cuts = ['name = "ztait-au', 'name = "${var.namespace', 'tags = merge(local.tags, {', '<<EOT\nunterminated heredoc'];
    const files = Object.fromEntries(cuts.map((cut, i) => [`cut${i}.tf`, `resource "aws_s3_bucket" "b${i}" {\n  ${cut}`]));
    const dir = rootModule({ 'main.tf': TABLE, ...files });
    expectClean(await check(dir), { names: Object.keys(files), outcome: 'error' });
  });

  it('a binary file named main.tf', async () => {
    const bytes = Buffer.alloc(64 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
    const dir = rootModule({ 'main.tf': bytes, 'table.tf': TABLE });
    expectClean(await check(dir), { names: ['main.tf'], outcome: 'error' });
  });

  it('invalid UTF-8 inside a string', async () => {
    const bad = Buffer.concat([
      Buffer.from('resource "aws_s3_bucket" "b" {\n  bucket = "ztait-'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
      Buffer.from('"\n}\n'),
    ]);
    const dir = rootModule({ 'main.tf': bad, 'table.tf': TABLE });
    expectClean(await check(dir), { names: ['main.tf'], outcome: 'error' });
  });

  it('an empty main.tf (and nothing else)', async () => {
    const dir = rootModule({ 'main.tf': '' });
    expectClean(await check(dir));
  });
});

describe('loops', () => {
  it('a directory symlink loop used as a module source', async () => {
    const dir = rootModule({ 'main.tf': `${TABLE}\nmodule "loop" {\n  source = "./a"\n}\n` });
    symlinkSync('b', join(dir, 'a'));
    symlinkSync('a', join(dir, 'b'));
    expectClean(await check(dir), { names: ['main.tf'] });
  });

  it('a directory symlink to its own parent (./self -> .) used as a module source', async () => {
    const dir = rootModule({ 'main.tf': `${TABLE}\nmodule "self" {\n  source = "./self"\n}\n` });
    symlinkSync('.', join(dir, 'self'));
    expectClean(await check(dir), { names: ['main.tf'] });
  });

  it('a directory symlink loop given as the path to check', async () => {
    const dir = tempDir();
    symlinkSync(join(dir, 'y'), join(dir, 'x'));
    symlinkSync(join(dir, 'x'), join(dir, 'y'));
    expectClean(await check(join(dir, 'x')), { names: [join(dir, 'x')], outcome: 'error' });
  });

  it('a file symlink loop (loop.tf -> other.tf -> loop.tf)', async () => {
    const dir = rootModule({ 'main.tf': TABLE });
    symlinkSync('other.tf', join(dir, 'loop.tf'));
    symlinkSync('loop.tf', join(dir, 'other.tf'));
    expectClean(await check(dir), { names: ['loop.tf'], outcome: 'error' });
  });

  it('a module that sources itself', async () => {
    const dir = rootModule({
      'main.tf': `${TABLE}\nmodule "me" {\n  source = "./"\n}\n`,
      'modules/a/main.tf': 'module "back" {\n  source = "../a"\n}\n',
    });
    writeFileSync(join(dir, 'other.tf'), 'module "a" {\n  source = "./modules/a"\n}\n');
    expectClean(await check(dir), { names: ['main.tf'] });
  });

  it('two modules that source each other', async () => {
    const dir = rootModule({
      'main.tf': `${TABLE}\nmodule "a" {\n  source = "./modules/a"\n}\n`,
      'modules/a/main.tf': 'module "b" {\n  source = "../b"\n}\n',
      'modules/b/main.tf': 'module "a" {\n  source = "../a"\n}\n',
    });
    expectClean(await check(dir), { names: ['main.tf'] });
  });

  it('locals that refer to each other', async () => {
    const dir = rootModule({
      'main.tf': `${TABLE}\nlocals {\n  a = local.b\n  b = [local.a]\n}\n\nresource "aws_ssm_parameter" "p" {\n  name  = "ztait-p"\n  type  = "String"\n  value = jsonencode(local.a)\n}\n`,
    });
    expectClean(await check(dir));
  });
});

describe('overlapping paths', () => {
  it('the same root given twice (DIR and DIR/) is checked once, and its SARIF stays valid', async () => {
    const dir = join(ROOT, 'terraform', 'examples', 'complete');
    const once = await checkTo([dir]);
    const twice = await checkTo([dir, `${dir}/`]);
    expectClean(once, { outcome: 'verdict' });
    expectClean(twice, { outcome: 'verdict' });
    const a = JSON.parse(once.report!) as CheckResult;
    const b = JSON.parse(twice.report!) as CheckResult;
    expect(b.inventory.resources).toBe(a.inventory.resources);
    expect(b.source.inputs.length).toBe(a.source.inputs.length);
    expect(b.summary).toEqual(a.summary);
    const sarif = join(tempDir(), 'twice.sarif');
    const run = await runCli(['check', dir, `${dir}/`, '--format', 'sarif', '-o', sarif]);
    expect([0, 1], run.stderr).toContain(run.code);
    expect(schemaErrors(JSON.parse(readFileSync(sarif, 'utf8')))).toEqual([]);
  }, 120_000);
});
