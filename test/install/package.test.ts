/**
 * The package as a user gets it (issue 18 items 2 and 3), all in this one file because each step is
 * an npm run of seconds to minutes.
 *
 * Always: the tarball `npm pack` makes of this tree holds what the docs and `ztait init` point at
 * (LICENSE, docs/, the four Lambda packages), installs into a temporary prefix from the npm cache,
 * and from another directory runs --version (through the installed bin link), rules,
 * probe --print-policy, init (then terraform validate on the result), check and maturity status.
 * To stay within npm test's time, the tarball is packed with --ignore-scripts after the two steps of
 * the prepare script are done by hand: dist/ is the tree's build (npm test runs tsc first) and the
 * zips are built by lambda/build.mjs into the staging copy (never into lambda/build).
 *
 * With ZTAIT_TEST_GIT_INSTALL=1 (minutes: each runs npm ci, tsc and the Lambda build in a clone):
 * the installs from git, the prepare script itself included, from a commit of this tree's files
 * served as git+file://: `npm install -g git+file://...` either installs ztait or fails saying how to
 * install instead (npm/cli#8440), `npm pack git+file://...` makes the same tarball as above byte for
 * byte, and the pre-commit hook of .pre-commit-hooks.yaml installs and gates a commit (needs
 * `pre-commit` on PATH).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { INIT_LAMBDA_PACKAGE_DIR, LAMBDA_PACKAGES, planInit, writeInit } from '../../src/cli/init.js';
import { ensureBuilt, REPO_ROOT, run, ztaitSync } from '../support/cli.js';
import { TERRAFORM_VERSION, offline } from '../terraform/support.js';

const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'];
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const onPath = (cmd: string): boolean => {
  try {
    return run(cmd, ['--version']).code === 0;
  } catch {
    return false;
  }
};
const GIT_TESTS = process.env.ZTAIT_TEST_GIT_INSTALL === '1';
const HAVE_GIT = onPath('git') && existsSync(join(REPO_ROOT, '.git'));
const HAVE_PRE_COMMIT = onPath('pre-commit');
const gitSkip = !GIT_TESTS
  ? 'set ZTAIT_TEST_GIT_INSTALL=1 to run them (several minutes)'
  : !HAVE_GIT
    ? 'git or the .git directory is missing'
    : undefined;
if (gitSkip) console.warn(`test/install: the installs from git (npm and pre-commit) are SKIPPED: ${gitSkip}`);
if (!HAVE_PRE_COMMIT)
  console.warn('test/install: pre-commit is not on PATH: the pre-commit hook test is SKIPPED (apt-get install pre-commit)');

const TMP = mkdtempSync(join(tmpdir(), 'ztait-install-test-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) => run('npm', args, { cwd, timeoutMs: 900_000 });

/** A program's stdout, or an error with all its output when it fails. */
function ok(r: { code: number | null; stdout: string; stderr: string }, what: string): string {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
const npmOk = (args: string[], cwd: string): string => ok(npm(args, cwd), `npm ${args.join(' ')}`);

/** Every file under dir, by path relative to it, with its bytes. */
function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return out;
}

function unpack(tarball: string, into: string): Map<string, Buffer> {
  mkdirSync(into, { recursive: true });
  ok(run('tar', ['-xzf', tarball, '-C', into]), `tar -xzf ${tarball}`);
  return readTree(join(into, 'package'));
}

/** The tarball of this tree, as `npm pack` makes it once prepare has run (see the file comment). */
function packTree(): { tarball: string; files: Map<string, Buffer> } {
  ensureBuilt();
  const dry = JSON.parse(npmOk(['pack', '--dry-run', '--json', '--ignore-scripts'], REPO_ROOT)) as { files: { path: string }[] }[];
  const stage = join(TMP, 'stage');
  // the prepare script empties dist/ before tsc: no output of a source that is gone (tsc leaves them)
  const built = (path: string): boolean => existsSync(join(REPO_ROOT, path.replace(/^dist\//, 'src/').replace(/\.js(\.map)?$/, '.ts')));
  for (const { path } of dry[0]!.files) {
    if (path.startsWith('lambda/build/') || (path.startsWith('dist/') && !built(path))) continue;
    mkdirSync(dirname(join(stage, path)), { recursive: true });
    copyFileSync(join(REPO_ROOT, path), join(stage, path));
  }
  ok(
    run(process.execPath, [join(REPO_ROOT, 'lambda', 'build.mjs'), '--out-dir', join(stage, 'lambda', 'build')], { cwd: TMP }),
    'lambda/build.mjs',
  );
  const out = join(TMP, 'packed');
  mkdirSync(out);
  const [packed] = JSON.parse(npmOk(['pack', '--json', '--ignore-scripts', '--pack-destination', out], stage)) as { filename: string }[];
  const tarball = join(out, packed!.filename);
  return { tarball, files: unpack(tarball, join(TMP, 'packed-tree')) };
}

let pkg: { tarball: string; files: Map<string, Buffer> };
/** Where the tarball is installed (npm install -g --prefix) and the installed package. */
const PREFIX = join(TMP, 'prefix');
const INSTALLED = join(PREFIX, 'lib', 'node_modules', 'ztait');
/** The user's working directory, outside the package and the repository. */
const WORK = join(TMP, 'work');

beforeAll(() => {
  pkg = packTree();
  npmOk(['install', '-g', '--prefix', PREFIX, ...NPM_FLAGS, pkg.tarball], TMP);
  mkdirSync(WORK);
}, 600_000);

describe('npm pack', () => {
  it('ships the licence, the docs, the Lambda packages and the CLI, and no sources or tests', () => {
    const paths = [...pkg.files.keys()];
    for (const path of [
      'LICENSE',
      'README.md',
      'package.json',
      'bin/ztait.js',
      'dist/cli/main.js',
      'terraform/examples/complete/main.tf',
    ]) {
      expect(paths, path).toContain(path);
    }
    expect(pkg.files.get('LICENSE')!.toString('utf8')).toContain('Apache License');
    for (const doc of readdirSync(join(REPO_ROOT, 'docs'))) expect(paths, `docs/${doc}`).toContain(`docs/${doc}`);
    for (const zip of LAMBDA_PACKAGES) expect(paths).toContain(`lambda/build/${zip}`);
    const unexpected = paths.filter(
      (p) => /^(test|fixtures|scripts|bench|node_modules|lambda\/src)\//.test(p) || (p.startsWith('src/') && !p.endsWith('.yaml')),
    );
    expect(unexpected).toEqual([]);
  });

  it('ships the packages the modules deploy, as init names them', () => {
    const referenced = new Set<string>();
    const modules = join(REPO_ROOT, 'terraform', 'modules');
    for (const [path, text] of readTree(modules)) {
      if (!path.endsWith('.tf')) continue;
      for (const m of text.toString('utf8').matchAll(/\$\{var\.lambda_package_dir\}\/([\w-]+\.zip)/g)) referenced.add(m[1]!);
    }
    expect([...referenced].sort()).toEqual([...LAMBDA_PACKAGES].sort());
  });
});

describe('the installed package, from another directory', () => {
  const cli = (...args: string[]) => ztaitSync(args, { packageDir: INSTALLED, cwd: WORK });
  const INFRA = 'infra';

  it('runs through its bin link: --version, rules, probe --print-policy', () => {
    const version = run(join(PREFIX, 'bin', 'ztait'), ['--version'], { cwd: WORK });
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const rules = cli('rules');
    expect(rules.code).toBe(0);
    for (const id of ['SI-1', 'SI-14']) expect(rules.stdout).toContain(id);
    const policy = cli('probe', '--print-policy');
    expect(policy.code).toBe(0);
    expect(JSON.parse(policy.stdout)).toMatchObject({ Version: '2012-10-17' });
  });

  it('init copies the Terraform and the Lambda packages, and check and maturity status pass on the copy', () => {
    const init = cli('init', INFRA);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).not.toContain('this installation has no');
    for (const zip of LAMBDA_PACKAGES) {
      expect(readFileSync(join(WORK, INFRA, INIT_LAMBDA_PACKAGE_DIR, zip)).equals(pkg.files.get(`lambda/build/${zip}`)!), zip).toBe(true);
      expect(init.stdout).toContain(`  ${INIT_LAMBDA_PACKAGE_DIR}/${zip}`);
    }
    const copied = readTree(join(WORK, INFRA));
    const stale = [...copied].filter(([path, bytes]) => !path.endsWith('.zip') && bytes.toString('utf8').includes('../../../lambda'));
    expect(stale.map(([path]) => path)).toEqual([]);
    expect(copied.get('README.md')!.toString('utf8')).toContain('`"lambda/build"`');

    const check = cli('check', INFRA);
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('PASSED');
    expect(check.code).toBe(0);
    const status = cli('maturity', 'status', INFRA);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`maturity level: L0 Shadow (declared at ${join(INFRA, 'terraform.tfvars')}:`);
  });

  it.skipIf(TERRAFORM_VERSION === null)(
    'init writes a configuration terraform validates (skipped without terraform)',
    () => {
      const dir = join(WORK, INFRA);
      if (!existsSync(join(dir, 'main.tf'))) expect(cli('init', dir).code).toBe(0);
      const copy = offline.prepareOffline(dir);
      try {
        expect(offline.validate(copy.workDir, copy.env)).toMatchObject({ valid: true, diagnostics: [] });
      } finally {
        offline.removeCopy(copy.root);
      }
    },
    120_000,
  );
});

/** A git repository holding this tree's files (tracked and new, not ignored) as one commit: what a clone of it gets. */
function snapshotRepo(): { url: string; sha: string } {
  const dir = join(TMP, 'repo');
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT }).stdout;
  for (const path of listed.split('\0').filter((p) => p && existsSync(join(REPO_ROOT, p)))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    copyFileSync(join(REPO_ROOT, path), join(dir, path));
    chmodSync(join(dir, path), statSync(join(REPO_ROOT, path)).mode & 0o777);
  }
  const identity = ['-c', 'user.name=ztait test', '-c', 'user.email=test@ztait.invalid', '-c', 'commit.gpgsign=false'];
  const git = (...args: string[]) => ok(run('git', [...identity, ...args], { cwd: dir }), `git ${args[0]}`).trim();
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'snapshot of the working tree');
  return { url: `git+file://${dir}`, sha: git('rev-parse', 'HEAD') };
}

describe.skipIf(gitSkip !== undefined)(`installs from git (skipped unless ZTAIT_TEST_GIT_INSTALL=1)`, () => {
  let repo: { url: string; sha: string };
  beforeAll(() => {
    repo = snapshotRepo();
  }, 120_000);

  it('npm install -g git+file:// installs ztait, or fails saying how to install it instead', () => {
    const prefix = join(TMP, 'git-prefix');
    const r = npm(['install', '-g', '--prefix', prefix, ...NPM_FLAGS, `${repo.url}#${repo.sha}`], TMP);
    if (r.code === 0) {
      // an npm whose git preparation is not global (pacote#494): the package was built in the clone
      expect(run(join(prefix, 'bin', 'ztait'), ['--version'], { cwd: WORK }).stdout).toBe(`${VERSION}\n`);
      return;
    }
    expect(r.stderr).toContain('ztait prepare: this npm cannot install a package straight from git with -g');
    expect(r.stderr).toContain(`npm pack '${repo.url}#${repo.sha}'`);
    expect(r.stderr).toContain(`npm install -g ./ztait-${VERSION}.tgz`);
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'ztait'))).toBe(false); // no link to a deleted clone
  }, 900_000);

  it('npm pack git+file:// builds the same package as this tree, byte for byte', () => {
    const out = join(TMP, 'git-pack');
    mkdirSync(out);
    const [packed] = JSON.parse(npmOk(['pack', '--json', ...NPM_FLAGS, `${repo.url}#${repo.sha}`], out)) as { filename: string }[];
    const files = unpack(join(out, packed!.filename), join(out, 'tree'));
    expect([...files.keys()].sort()).toEqual([...pkg.files.keys()].sort());
    // dist/ differs when the tree changed after its last tsc run (run npx tsc -p tsconfig.json)
    const differ = [...files].filter(([path, bytes]) => !bytes.equals(pkg.files.get(path)!)).map(([path]) => path);
    expect(differ).toEqual([]);
  }, 900_000);

  it.skipIf(!HAVE_PRE_COMMIT)(
    'the pre-commit hook installs from the repository and gates a commit (skipped when pre-commit is not on PATH)',
    () => {
      const user = join(TMP, 'user-repo');
      writeInit(user, planInit(REPO_ROOT));
      mkdirSync(join(user, 'bad'));
      writeFileSync(join(user, 'bad', 'main.tf'), 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n');
      const hook = (args: string[]) =>
        [
          'repos:',
          `  - repo: ${repo.url.replace(/^git\+/, '')}`,
          `    rev: ${repo.sha}`,
          '    hooks:',
          '      - id: ztait-check',
          `        args: [${args.join(', ')}]`,
          '',
        ].join('\n');
      const env = { ...process.env, PRE_COMMIT_HOME: join(TMP, 'pre-commit-home'), npm_config_prefer_offline: 'true' };
      const inUser = (cmd: string, args: string[]) => run(cmd, args, { cwd: user, env, timeoutMs: 900_000 });
      inUser('git', ['init', '-q']);
      writeFileSync(join(user, '.pre-commit-config.yaml'), hook(['.']));
      inUser('git', ['add', '-A']);

      const pass = inUser('pre-commit', ['run', '--all-files', '--verbose']);
      expect(pass.stdout + pass.stderr).toMatch(/ztait check.*Passed/);
      expect(pass.code).toBe(0);

      writeFileSync(join(user, '.pre-commit-config.yaml'), hook(['bad']));
      const fail = inUser('pre-commit', ['run', '--all-files']);
      expect(fail.stdout).toMatch(/ztait check.*Failed/);
      expect(fail.code).toBe(1);
    },
    900_000,
  );
});
