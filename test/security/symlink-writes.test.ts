// Issue 15 D12: no write follows a symlink. The pull request can commit a symlink where ztait writes
// a report, a baseline, a snapshot, a tfvars or a record; every such write is refused with one line
// naming it (exit 2), and the file outside is left as it was.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/model/errors.js';
import { checkWritePath, UnsafeWriteError, writeFileSafe } from '../../src/io/safe-write.js';
import { ensureBuilt, rootModule, runCli, tempDir, TABLE } from '../hardening/cli.js';

const MARKER = 'MARKER: outside the repository\n';

/** A file outside the scanned tree, with marker content, and its directory. */
function victim(): { file: string; dir: string } {
  const dir = tempDir();
  const file = join(dir, 'victim.txt');
  writeFileSync(file, MARKER);
  return { file, dir };
}

/** The run was refused with one `ztait:` line naming `name` (other stderr noise, e.g. SDK notices, aside). */
function expectRefused(run: { code: number | null; stderr: string }, name: string): void {
  expect(run.code, run.stderr).toBe(2);
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('ztait:'));
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/refusing to write/);
  expect(lines[0]).toContain(name);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

const untouched = (v: { file: string; dir: string }): void => {
  expect(readFileSync(v.file, 'utf8')).toBe(MARKER);
  expect(readdirSync(v.dir)).toEqual(['victim.txt']);
};

describe('writeFileSafe (in process)', () => {
  it('replaces a regular file whole, keeps its mode, leaves no temp file', () => {
    const dir = tempDir();
    const f = join(dir, 'r.txt');
    writeFileSync(f, 'old', { mode: 0o600 });
    writeFileSafe(f, 'new');
    expect(readFileSync(f, 'utf8')).toBe('new');
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['r.txt']);
    writeFileSafe(join(dir, 'a', 'b', 'n.txt'), 'x', { root: dir });
    expect(statSync(join(dir, 'a', 'b', 'n.txt')).mode & 0o777).toBe(0o644);
  });

  it('refuses a symlinked target, a dangling one, a symlinked directory and something not a file', () => {
    const v = victim();
    const dir = tempDir();
    symlinkSync(v.file, join(dir, 'link'));
    symlinkSync(join(v.dir, 'nowhere'), join(dir, 'dangling'));
    symlinkSync(v.dir, join(dir, 'sub'));
    mkdirSync(join(dir, 'adir'));
    for (const [p, opts] of [
      [join(dir, 'link'), {}],
      [join(dir, 'dangling'), {}],
      [join(dir, 'sub', 'victim.txt'), { root: dir }],
      [join(dir, 'sub', 'new', 'x.txt'), { root: dir }],
      [join(dir, 'adir'), {}],
    ] as const) {
      expect(() => writeFileSafe(p, 'pwned', opts), p).toThrow(UnsafeWriteError);
    }
    expect(new UnsafeWriteError('x')).toBeInstanceOf(InputError); // exit 2, one line
    untouched(v);
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
  });

  it('checks from the outermost of the roots that holds the path', () => {
    const v = victim();
    const scanned = tempDir();
    symlinkSync(v.dir, join(scanned, 'out'));
    const target = join(scanned, 'out', 'r.json');
    expect(() => checkWritePath(target, { roots: [scanned] })).toThrow(UnsafeWriteError);
    expect(() => checkWritePath(target, { root: join(scanned, 'out'), roots: [scanned] })).toThrow(UnsafeWriteError);
    untouched(v);
  });

  it('property: a symlink at any component below the root is refused, and nothing lands outside', () => {
    const v = victim();
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.boolean(),
        (parts, at, dangling) => {
          const root = tempDir();
          const k = at % parts.length;
          const linkAt = join(root, ...parts.slice(0, k + 1));
          mkdirSync(join(linkAt, '..'), { recursive: true });
          symlinkSync(dangling ? join(v.dir, 'missing') : k === parts.length - 1 ? v.file : v.dir, linkAt);
          const target = join(root, ...parts, ...(k === parts.length - 1 ? [] : ['victim.txt']));
          expect(() => checkWritePath(target, { root })).toThrow(UnsafeWriteError);
          expect(() => writeFileSafe(target, 'pwned', { root })).toThrow(UnsafeWriteError);
        },
      ),
      { numRuns: 60 },
    );
    untouched(v);
  });
});

describe('no write follows a symlink, through the built CLI', () => {
  beforeAll(ensureBuilt);

  it('check -o FILE, -o DIR/ and --create-baseline through a committed symlink', async () => {
    const v = victim();
    const repo = rootModule({ 'main.tf': TABLE });
    symlinkSync(v.file, join(repo, 'report.sarif'));
    symlinkSync(v.dir, join(repo, 'out'));
    expectRefused(await runCli(['check', '.', '-o', 'report.sarif'], { cwd: repo }), 'report.sarif');
    expectRefused(await runCli(['check', '.', '--format', 'json,sarif', '-o', 'out/'], { cwd: repo }), 'out');
    expectRefused(await runCli(['check', '.', '--create-baseline', 'out/victim.txt'], { cwd: repo }), 'out/victim.txt');
    // run from elsewhere: a path into the scanned directory is checked from that directory down
    expectRefused(await runCli(['check', repo, '--format', 'json', '-o', join(repo, 'out', 'r.json')]), 'out');
    untouched(v);
    // -o - is standard output, as is /dev/stdout: nothing is written to the file system
    const dash = await runCli(['check', '.', '--format', 'json', '-o', '-'], { cwd: repo });
    expect(dash.code).toBe(1);
    expect(JSON.parse(dash.stdout).invariants).toHaveLength(15);
    expect(existsSync(join(repo, '-'))).toBe(false);
  });

  it('probe --save-snapshot through a symlink is refused before anything is read', async () => {
    const v = victim();
    const dir = tempDir();
    const snap = join(dir, 'snap.json');
    writeFileSync(
      snap,
      JSON.stringify({
        format: 'ztait-probe-snapshot',
        version: 1,
        tool_version: '0',
        prefix: 'ztait-',
        region: 'eu-west-1',
        account: null,
        calls: [],
        call_log: [],
      }),
    );
    symlinkSync(v.file, join(dir, 'saved.json'));
    expectRefused(await runCli(['probe', '--snapshot', snap, '--save-snapshot', join(dir, 'saved.json'), '--quiet']), 'saved.json');
    untouched(v);
  });

  it('maturity: a symlinked tfvars is not replaced, -o and --record through a symlink are refused', async () => {
    const v = victim();
    writeFileSync(v.file, 'maturity_level = 1\n');
    const mod = rootModule({ 'variables.tf': 'variable "maturity_level" {\n  type    = number\n  default = 0\n}\n' });
    symlinkSync(v.file, join(mod, 'terraform.tfvars'));
    const set = await runCli(['maturity', 'set', '0', mod, '--reason', 'test']);
    expectRefused(set, 'terraform.tfvars');
    expect(readFileSync(v.file, 'utf8')).toBe('maturity_level = 1\n');
    expect(lstatSync(join(mod, 'terraform.tfvars')).isSymbolicLink()).toBe(true);

    const plain = rootModule({ 'variables.tf': 'variable "maturity_level" {\n  type    = number\n  default = 1\n}\n' });
    symlinkSync(join(v.dir, 'record.md'), join(plain, 'record.md')); // dangling, pointing outside
    const record = await runCli(['maturity', 'set', '0', plain, '--record', join(plain, 'record.md')]);
    expectRefused(record, 'record.md');
    expect(readFileSync(join(plain, 'variables.tf'), 'utf8')).toContain('default = 1'); // refused before the change
    symlinkSync(v.file, join(plain, 'status.json'));
    expectRefused(await runCli(['maturity', 'status', plain, '--format', 'json', '-o', join(plain, 'status.json')]), 'status.json');
    expect(readFileSync(v.file, 'utf8')).toBe('maturity_level = 1\n');
    expect(readdirSync(v.dir)).toEqual(['victim.txt']);
  });

  it('init: a dangling symlink as DIR or inside it is refused, with --force too', async () => {
    const v = victim();
    const base = tempDir();
    symlinkSync(join(v.dir, 'new-tree'), join(base, 'dangling'));
    expectRefused(await runCli(['init', join(base, 'dangling')]), 'dangling');
    symlinkSync(v.dir, join(base, 'linked'));
    expectRefused(await runCli(['init', join(base, 'linked'), '--force']), 'linked');
    mkdirSync(join(base, 'real'));
    symlinkSync(join(v.dir, 'mods'), join(base, 'real', 'modules'));
    const inside = await runCli(['init', join(base, 'real'), '--force']);
    expectRefused(inside, 'modules');
    expect(readdirSync(join(base, 'real'))).toEqual(['modules']); // refused before writing anything
    untouched(v);
  });
});
