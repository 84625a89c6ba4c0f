/**
 * Runs the built CLI (`node bin/ztait.js probe ...`) against the local AWS test server, with fake
 * credentials and no shared config, so nothing can reach a real account.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach } from 'vitest';
import { REPO_ROOT as ROOT, ztait as runZtait } from '../support/cli.js';
import { loadAccount, type FixtureAccount } from './server/account.js';

export { ROOT };
export const ACCOUNTS = join(ROOT, 'fixtures/accounts');

export const account = (name: string): FixtureAccount => loadAccount(join(ACCOUNTS, `${name}.json`));

let packageDir = ROOT;
const created: string[] = [];

/** Removes the private build and every temporary directory the tests made. */
export function cleanup(): void {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
  packageDir = ROOT;
}

/**
 * Whether dist/ holds a compiled file at least as new as every source tsc compiles (the .ts files
 * of src/ but tests): true after `npm test`'s own build, false while sources are being edited.
 */
function distIsCurrent(): boolean {
  const src = join(ROOT, 'src');
  for (const rel of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!rel.endsWith('.ts') || rel.endsWith('.test.ts') || rel.endsWith('.d.ts')) continue;
    const out = join(ROOT, 'dist', rel.replace(/\.ts$/, '.js'));
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(join(src, rel)).mtimeMs) return false;
  }
  return true;
}

/**
 * The CLI in a private package directory (its own dist/, the repository's bin/, package.json, rules/,
 * src/ and node_modules), so a concurrent build of the shared dist/ cannot change the CLI under a
 * running test. Its dist/ is a copy of the repository's when that is current (as `npm test` leaves
 * it: a copy takes well under a second, a build 15 s of CPU), else built (`tsc -p tsconfig.json`).
 */
export async function buildCli(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ztait-cli-'));
  created.push(dir);
  if (distIsCurrent()) {
    cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  } else {
    // tsc exits non-zero when any file (possibly someone else's, mid-edit) has a type error, but still emits.
    await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.json', '--outDir', join(dir, 'dist')], { cwd: ROOT }).catch(() => undefined);
  }
  // bin/ is copied, not linked: the launcher finds dist/ relative to its real path
  mkdirSync(join(dir, 'bin'));
  for (const f of readdirSync(join(ROOT, 'bin'))) copyFileSync(join(ROOT, 'bin', f), join(dir, 'bin', f));
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  // src/ for the rule folders' meta.yaml and the catalog the CLI reads at run time
  for (const d of ['node_modules', 'rules', 'schemas', 'src', 'terraform']) symlinkSync(join(ROOT, d), join(dir, d));
  packageDir = dir;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export const FAKE_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIAFIXTURE000000001',
  AWS_SECRET_ACCESS_KEY: 'fixture-base-secret',
  AWS_CONFIG_FILE: '/nonexistent/ztait-test/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/ztait-test/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  SOURCE_DATE_EPOCH: '1735689600',
  NO_COLOR: '1',
};

/** For probes run in process: around each test, the machine's AWS_* variables give way to the fake ones. */
export function useFakeAwsEnv(): void {
  const saved = { ...process.env };
  beforeEach(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, FAKE_ENV);
  });
  afterEach(() => {
    process.env = { ...saved };
  });
}

/**
 * Runs `ztait <args>` of the private build asynchronously (the test server lives in this process
 * and must keep serving), with the fake credentials over none of the machine's AWS_* variables.
 */
export async function ztait(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 90_000): Promise<CliRun> {
  const run = await runZtait(args, { packageDir, env: { ...FAKE_ENV, ...env }, timeoutMs });
  return { code: run.code ?? -1, stdout: run.stdout, stderr: run.stderr };
}

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ztait-probe-'));
  created.push(d);
  return d;
}

/** What a read-only caller may ever send. */
export const READ_ACTION = /^(Get|List|Describe)[A-Z]\w*$|^SimulatePrincipalPolicy$|^GetCallerIdentity$|^AssumeRole$/;
