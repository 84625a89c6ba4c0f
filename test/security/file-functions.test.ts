/**
 * Issue 15 A1: file functions read only regular files whose real path lies inside the scanned root.
 * Everything else (absolute paths, `..`, `~`, symlinks out, FIFOs, devices) is an unknown value
 * whose reason says why, and never carries the content, a host path or whether the file exists.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/hcl/budget.js';
import { isEvalError } from '../../src/hcl/evaluate.js';
import { Unknown, type Value } from '../../src/model/value.js';
import { run } from '../hcl/helpers.js';
import { ensureBuilt, expectClean, runCli, tempDir } from '../hardening/cli.js';

const MARKER = `ZTAIT-LEAK-${process.pid}-${Date.now().toString(36)}`;

/** A scanned dir `scan/` with an outside secret next to it and every way out committed inside. */
function layout(): { top: string; scan: string } {
  const top = mkdtempSync(path.join(tmpdir(), 'ztait-files-'));
  const scan = path.join(top, 'scan');
  mkdirSync(path.join(scan, 'sub'), { recursive: true });
  mkdirSync(path.join(top, 'outdir'));
  writeFileSync(path.join(top, 'outside.txt'), MARKER);
  writeFileSync(path.join(top, 'outdir', 'secret.txt'), MARKER);
  writeFileSync(path.join(scan, 'inside.txt'), 'inside-value');
  writeFileSync(path.join(scan, 'sub', 'nested.txt'), 'nested-value');
  // Inside the root, but written by CI, not by the pull request: the job's token, state.
  mkdirSync(path.join(scan, '.git'));
  mkdirSync(path.join(scan, '.terraform'));
  writeFileSync(path.join(scan, '.git', 'config'), `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${MARKER}\n`);
  writeFileSync(path.join(scan, '.terraform', 'environment'), MARKER);
  writeFileSync(path.join(scan, 'terraform.tfstate'), MARKER);
  symlinkSync('.git/config', path.join(scan, 'gitconf'));
  writeFileSync(path.join(scan, 'escape.tftpl'), 'x-${file("../outside.txt")}-${pathexpand("~")}');
  symlinkSync('../outside.txt', path.join(scan, 'link.txt'));
  symlinkSync(path.join(top, 'outside.txt'), path.join(scan, 'abslink.txt'));
  symlinkSync('../outdir', path.join(scan, 'dirlink'));
  symlinkSync('../does-not-exist.txt', path.join(scan, 'dangling-out.txt'));
  symlinkSync('inside.txt', path.join(scan, 'good-link.txt'));
  symlinkSync('sub/../inside.txt', path.join(scan, 'good-link2.txt'));
  symlinkSync('loop-b', path.join(scan, 'loop-a'));
  symlinkSync('loop-a', path.join(scan, 'loop-b'));
  symlinkSync('/dev/zero', path.join(scan, 'zero'));
  execFileSync('mkfifo', [path.join(scan, 'pipe')]);
  return { top, scan };
}

let top = '';
let scan = '';
beforeAll(() => {
  ({ top, scan } = layout());
});

const ev = (expr: string): Promise<Value> => run(`\${${expr}}`, {}, scan);

/** Every string a reason or value must never carry (apart from the path as the input wrote it). */
function hostile(v: Value, written = ''): string[] {
  const text = (v instanceof Unknown ? v.reason : JSON.stringify(v)).split(written).join('');
  return [MARKER, top, homedir(), process.cwd()].filter((s) => text.includes(s));
}

describe('file functions stay inside the scanned root', () => {
  const outside = [
    'file("../outside.txt")',
    'file("sub/../../outside.txt")',
    `file("/etc/hostname")`,
    'file("/proc/self/environ")',
    'file(pathexpand("~/.aws/credentials"))',
    'file("link.txt")',
    'file("abslink.txt")',
    'file("dirlink/secret.txt")',
    'file("dangling-out.txt")',
    'file("zero")',
    'filebase64("../outside.txt")',
    'filemd5("link.txt")',
    'filesha256("dirlink/secret.txt")',
    'filebase64sha512("../outside.txt")',
    'templatefile("../outside.txt", {})',
    'fileexists("../outside.txt")',
    'fileexists("../nothing-here.txt")',
    'fileexists("dangling-out.txt")',
    'fileexists("/etc/passwd")',
    'join("-", split("", file("../outside.txt")))',
    'try(file("../outside.txt"), "fallback")',
    'templatefile("escape.tftpl", {})',
    'file(".git/config")',
    'file("./sub/../.git/config")',
    'filebase64(".GIT/config")',
    'file(".g\u200cit/config")',
    'file("gitconf")',
    'file(".terraform/environment")',
    'file("terraform.tfstate")',
    'fileexists(".git/config")',
  ];
  test.each(outside)('%s is unknown, says why, and carries nothing from outside', async (expr) => {
    const v = await ev(expr);
    expect(v).toBeInstanceOf(Unknown);
    // Not an evaluation error: try() and can() must not turn it into a known fallback.
    expect(isEvalError(v)).toBe(false);
    expect((v as Unknown).reason).toMatch(/outside the scanned directory|home directory|not read/);
    expect(hostile(v)).toEqual([]);
  });

  test('can() of an outside read is not false (that would tell the file exists or not)', async () => {
    expect(await ev('can(file("../outside.txt"))')).toBeInstanceOf(Unknown);
    expect(await ev('can(file("dangling-out.txt"))')).toBeInstanceOf(Unknown);
  });

  test('files inside the root still read, through links that stay inside', async () => {
    expect(await ev('file("inside.txt")')).toBe('inside-value');
    expect(await ev('file("sub/nested.txt")')).toBe('nested-value');
    expect(await ev('file("./sub/../inside.txt")')).toBe('inside-value');
    expect(await ev('file("good-link.txt")')).toBe('inside-value');
    expect(await ev('file("good-link2.txt")')).toBe('inside-value');
    expect(await ev(`file("${scan}/inside.txt")`)).toBe('inside-value');
    expect(await ev('fileexists("inside.txt")')).toBe(true);
    expect(await ev('fileexists("absent.txt")')).toBe(false);
  });

  test('a FIFO, a directory or a link loop inside the root is an error, at once', async () => {
    const start = performance.now();
    for (const expr of ['file("pipe")', 'file("sub")', 'file("loop-a")', 'fileexists("pipe")']) {
      const v = await ev(expr);
      expect(isEvalError(v), expr).toBe(true);
      expect(hostile(v), expr).toEqual([]);
    }
    expect(performance.now() - start).toBeLessThan(10_000);
  });

  test('a file inside the root longer than the string limit is an evaluation limit, not a 16 MiB string', async () => {
    writeFileSync(path.join(scan, 'big.txt'), 'x'.repeat(DEFAULT_LIMITS.string + 1));
    for (const expr of ['file("big.txt")', 'filebase64("big.txt")']) {
      const v = await ev(expr);
      expect(isEvalError(v), expr).toBe(true);
      expect((v as Unknown).reason, expr).toMatch(/evaluation limit reached/);
    }
    // A hash reads the file but builds no long string: a large Lambda package still hashes.
    expect(typeof (await ev('filesha256("big.txt")'))).toBe('string');
  });

  test('a missing file inside the root names the path as written, not the host path', async () => {
    const v = await ev('file("absent.txt")');
    expect(isEvalError(v)).toBe(true);
    expect((v as Unknown).reason).toContain('file("absent.txt")');
    expect(hostile(v)).toEqual([]);
  });

  test('abspath() and pathexpand() reveal neither the working directory nor the home directory', async () => {
    for (const expr of ['abspath("x")', 'abspath(".")', 'pathexpand("~")', 'pathexpand("~/.aws/credentials")']) {
      const v = await ev(expr);
      expect(v, expr).toBeInstanceOf(Unknown);
      expect(hostile(v), expr).toEqual([]);
    }
    expect(await ev('abspath("/a/b/../c/")')).toBe('/a/c');
    expect(await ev('pathexpand("/a/~")')).toBe('/a/~');
    expect(isEvalError(await ev('pathexpand("~root/x")'))).toBe(true);
  });

  test('property: whatever path is spelled, the outside marker never comes back', async () => {
    const segment = fc.constantFrom(
      '..',
      '.',
      '',
      'sub',
      'link.txt',
      'dirlink',
      'secret.txt',
      'outside.txt',
      'inside.txt',
      'abslink.txt',
      top.slice(1),
      '~',
    );
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 6 }), async (absolute, parts) => {
        const p = `${absolute ? '/' : ''}${parts.join('/')}`;
        for (const f of ['file', 'filebase64', 'fileexists']) {
          const v = await ev(`${f}(${JSON.stringify(p)})`);
          expect(hostile(v, JSON.stringify(p).slice(1, -1))).toEqual([]);
          if (f === 'filebase64' && typeof v === 'string') expect(Buffer.from(v, 'base64').toString()).not.toContain(MARKER);
        }
      }),
      { numRuns: 150 },
    );
  });
});

/** An encrypted audit table whose name and PITR setting are the given HCL expressions. */
const auditTable = (name: string, pitr: string): string =>
  [
    'resource "aws_dynamodb_table" "audit" {',
    `  name = ${name}`,
    '  billing_mode = "PAY_PER_REQUEST"',
    '  hash_key = "pk"',
    '  attribute {',
    '    name = "pk"',
    '    type = "S"',
    '  }',
  ]
    .concat([
      '  server_side_encryption {',
      '    enabled = true',
      '  }',
      '  point_in_time_recovery {',
      `    enabled = ${pitr}`,
      '  }',
      '}',
      '',
    ])
    .join('\n');

describe('through the built CLI', () => {
  beforeAll(ensureBuilt, 120_000);

  test('content from outside the root reaches no report format and no stderr; the verdicts it decides are error', async () => {
    const transformed = MARKER.split('').join('-');
    writeFileSync(
      path.join(scan, 'main.tf'),
      `${auditTable('"audit-${file("../outside.txt")}"', 'file("link.txt") != ""')}
resource "aws_iam_role" "a" {
  name               = "a-\${file("/etc/hostname")}"
  assume_role_policy = "{}"
}

resource "aws_iam_role" "b" {
  name               = "b-\${file(pathexpand("~/.aws/credentials"))}"
  assume_role_policy = "{}"
}

resource "aws_iam_role" "c" {
  name               = join("-", split("", file("../outside.txt")))
  assume_role_policy = "{}"
}

resource "aws_iam_role" "e" {
  name               = "e-\${base64encode(file(".git/config"))}-\${file("terraform.tfstate")}"
  assume_role_policy = "{}"
}

resource "aws_iam_role" "d" {
  name               = "d-\${filebase64("dirlink/secret.txt")}-\${abspath("x")}-\${path.cwd}"
  assume_role_policy = "{}"
}
`,
    );
    const out = tempDir();
    const cli = await runCli(['check', 'scan', '--format', 'text,json,sarif,markdown,junit', '-o', out], { cwd: top });
    expectClean({
      ...cli,
      stdout: readFileSync(
        path.join(
          out,
          readdirSync(out).find((f) => f.endsWith('.json'))!,
        ),
        'utf8',
      ),
    });
    const files = readdirSync(out);
    expect(files.length).toBe(5);
    const everything = [cli.stdout, cli.stderr, ...files.map((f) => readFileSync(path.join(out, f), 'utf8'))].join('\n');
    for (const secret of [MARKER, transformed, Buffer.from(MARKER).toString('base64'), top, homedir()])
      expect(everything).not.toContain(secret);
    const report = JSON.parse(
      readFileSync(
        path.join(
          out,
          files.find((f) => f.endsWith('.json'))!,
        ),
        'utf8',
      ),
    ) as {
      invariants: { id: string; status: string }[];
    };
    const status = Object.fromEntries(report.invariants.map((i) => [i.id, i.status]));
    // PITR is decided by a file outside the root: not pass.
    expect(status['SI-6']).toBe('error');
    expect(everything).toMatch(/outside the scanned directory/);
  }, 60_000);

  test('a file inside the root still decides the verdict (control: the channel carries content)', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'flag.txt'), 'INSIDE-CONTROL');
    writeFileSync(path.join(dir, 'main.tf'), auditTable('"audit-${file("flag.txt")}"', 'file("flag.txt") == "INSIDE-CONTROL"'));
    const cli = await runCli(['check', dir, '--format', 'json']);
    expectClean(cli);
    expect(cli.stdout).toContain('audit-INSIDE-CONTROL');
    const report = JSON.parse(cli.stdout) as { invariants: { id: string; status: string }[] };
    expect(report.invariants.find((i) => i.id === 'SI-6')?.status).toBe('pass');
  }, 60_000);
});

describe('fileset() lists inside the root only, as Terraform globs', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ztait-fileset-'));
    mkdirSync(path.join(dir, 'sub', 'deep'), { recursive: true });
    for (const f of ['a.txt', 'b.json', 'sub/c.txt', 'sub/deep/d.txt', '.hidden.txt']) writeFileSync(path.join(dir, f), '');
  });
  const fs = (expr: string): Promise<Value> => run(`\${${expr}}`, {}, dir);

  // Expected values are terraform 1.11 console's on the same tree.
  test.each<[string, string[]]>([
    ['fileset(".", "*")', ['.hidden.txt', 'a.txt', 'b.json']],
    ['fileset(".", "**")', ['.hidden.txt', 'a.txt', 'b.json', 'sub/c.txt', 'sub/deep/d.txt']],
    ['fileset(".", "**/*.txt")', ['.hidden.txt', 'a.txt', 'sub/c.txt', 'sub/deep/d.txt']],
    ['fileset(".", "sub/*")', ['sub/c.txt']],
    ['fileset(".", "{a,b}.*")', ['a.txt', 'b.json']],
    ['fileset(".", "[ab].*")', ['a.txt', 'b.json']],
    ['fileset("sub", "**")', ['c.txt', 'deep/d.txt']],
    ['fileset(".", "*.{txt,json}")', ['.hidden.txt', 'a.txt', 'b.json']],
    ['fileset("missing", "*")', []],
    ['fileset(".", "[!a]*")', ['a.txt']],
    ['fileset(".", "sub/**/*.txt")', ['sub/c.txt', 'sub/deep/d.txt']],
    ['fileset(".", "?.txt")', ['a.txt']],
    ['fileset("a.txt", "*")', []],
    ['fileset(".", "**/deep/*")', ['sub/deep/d.txt']],
  ])('%s', async (expr, expected) => {
    expect(await fs(expr)).toEqual(expected);
  });

  test.each([
    'fileset("..", "*")',
    'fileset("/etc", "*")',
    'fileset(".", "../*")',
    'fileset(pathexpand("~"), "*")',
    'fileset("dirlink", "*")',
    'fileset(".", "*")',
    'fileset(".", "**")',
  ])('in the scan with links out: %s is unknown, never a listing from outside', async (expr) => {
    const v = await ev(expr);
    expect(v).toBeInstanceOf(Unknown);
    expect(isEvalError(v)).toBe(false);
    expect(hostile(v)).toEqual([]);
    expect(JSON.stringify(v)).not.toMatch(/secret\.txt|outside\.txt/);
  });

  test('a subdirectory without links out still lists', async () => {
    expect(await ev('fileset("sub", "**")')).toEqual(['nested.txt']);
  });
});

describe('check --root widens the readable tree, explicitly and no further', () => {
  /** A monorepo: envs/prod calls ../../modules/m, whose file() reads a policy beside the module. */
  function monorepo(): string {
    const repo = mkdtempSync(path.join(tmpdir(), 'ztait-root-'));
    mkdirSync(path.join(repo, 'modules', 'm'), { recursive: true });
    mkdirSync(path.join(repo, 'envs', 'prod'), { recursive: true });
    writeFileSync(path.join(repo, 'modules', 'm', 'name.txt'), 'audit-table');
    writeFileSync(path.join(repo, 'modules', 'm', 'main.tf'), 'output "name" {\n  value = file("${path.module}/name.txt")\n}\n');
    writeFileSync(
      path.join(repo, 'envs', 'prod', 'main.tf'),
      'module "m" {\n  source = "../../modules/m"\n}\nresource "aws_sqs_queue" "q" {\n  name = module.m.name\n}\n',
    );
    writeFileSync(path.join(repo, '..', `${path.basename(repo)}-outside.txt`), MARKER);
    return repo;
  }
  const queueName = async (repo: string, fileRoot?: string): Promise<Value | undefined> => {
    const { loadHcl } = await import('../../src/hcl/loader.js');
    const inv = await loadHcl([path.join(repo, 'envs', 'prod')], fileRoot ? { fileRoot } : {});
    return inv.resources.find((r) => r.address === 'aws_sqs_queue.q')?.values.name;
  };

  test('by default a module outside the scanned directory reads nothing: the value is unknown, and says how to widen', async () => {
    const name = await queueName(monorepo());
    expect(name).toBeInstanceOf(Unknown);
    expect((name as Unknown).reason).toMatch(/outside the scanned directory.*--root/);
  });

  test('with the repository as the root, the module reads its file', async () => {
    const repo = monorepo();
    expect(await queueName(repo, repo)).toBe('audit-table');
  });

  test('a root that does not contain the scanned directory is a usage error', async () => {
    const repo = monorepo();
    await expect(queueName(repo, path.join(repo, 'modules'))).rejects.toThrow(/--root .* does not contain the scanned directory/);
  });

  test('the widened root is still a boundary: .. past it is outside', async () => {
    const repo = monorepo();
    writeFileSync(
      path.join(repo, 'envs', 'prod', 'main.tf'),
      `resource "aws_sqs_queue" "q" {\n  name = file("../../../${path.basename(repo)}-outside.txt")\n}\n`,
    );
    const name = await queueName(repo, repo);
    expect(name).toBeInstanceOf(Unknown);
    expect(JSON.stringify((name as Unknown).reason)).not.toContain(MARKER);
  });
});
