// Helpers to run terraform offline against a copy of a configuration:
// providers come from a filesystem mirror, and .terraform/ state never lands
// in the source tree. Used by plan-json.mjs and by test/terraform.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Filesystem mirror of providers (override with ZTAIT_TF_MIRROR). */
export const DEFAULT_MIRROR = process.env.ZTAIT_TF_MIRROR ?? '/opt/tf-plugins';

/** Placeholder credentials: the example's provider never calls AWS while planning. */
const FAKE_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** Entries never copied with a configuration. */
const SKIPPED = new Set(['.terraform', '.terraform.lock.hcl', 'terraform.tfstate', 'terraform.tfstate.backup']);

/** The terraform version string, or null when terraform is not on PATH. */
export function terraformVersion() {
  const r = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  try {
    return JSON.parse(r.stdout).terraform_version ?? null;
  } catch {
    return null;
  }
}

/** Local module sources ("./x", "../x") named in the .tf files of a directory. */
export function localModuleSources(dir) {
  const sources = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.tf')) continue;
    const text = readFileSync(join(dir, name), 'utf8');
    for (const m of text.matchAll(/^\s*source\s*=\s*"(\.{1,2}\/[^"]*)"/gm)) sources.push(m[1]);
  }
  return sources;
}

/** The configuration directory and every local module it reaches, transitively. */
export function moduleClosure(configDir) {
  const seen = new Set();
  const visit = (dir) => {
    const abs = resolve(dir);
    if (seen.has(abs)) return;
    if (!existsSync(abs) || !statSync(abs).isDirectory()) {
      throw new Error(`module directory not found: ${abs}`);
    }
    seen.add(abs);
    for (const source of localModuleSources(abs)) visit(join(abs, source));
  };
  visit(configDir);
  return [...seen];
}

function commonAncestor(dirs) {
  let parts = dirs[0].split(sep);
  for (const dir of dirs.slice(1)) {
    const other = dir.split(sep);
    let i = 0;
    while (i < parts.length && i < other.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(sep) || sep;
}

/**
 * Copies a configuration (with the local modules it uses, keeping their
 * relative layout) into a fresh temporary directory.
 * Returns { root, workDir }: workDir is the copy of configDir.
 */
export function copyConfiguration(configDir) {
  const dirs = moduleClosure(configDir);
  const base = commonAncestor(dirs);
  const root = mkdtempSync(join(tmpdir(), 'ztait-tf-'));
  for (const dir of dirs) {
    const target = join(root, relative(base, dir));
    cpSync(dir, target, {
      recursive: true,
      // only the module's own files: nested module directories are copied on their own
      filter: (src) => {
        const name = src.slice(src.lastIndexOf(sep) + 1);
        if (SKIPPED.has(name)) return false;
        return src === dir || dirname(src) === dir;
      },
    });
  }
  return { root, workDir: join(root, relative(base, resolve(configDir))) };
}

/** Writes a CLI config that installs providers from the mirror only; returns its path. */
export function writeCliConfig(dir, mirror = DEFAULT_MIRROR) {
  const path = join(dir, 'terraform-cli.tfrc');
  writeFileSync(
    path,
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`,
  );
  return path;
}

/** Environment for offline runs: mirror-only CLI config, placeholder AWS credentials, no prompts. */
export function offlineEnv(cliConfigPath) {
  const env = { ...process.env, ...FAKE_AWS_ENV, TF_CLI_CONFIG_FILE: cliConfigPath, TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  delete env.TF_PLUGIN_CACHE_DIR;
  return env;
}

/** Runs terraform; throws with its output when it fails. */
export function terraform(args, { cwd, env }) {
  const r = spawnSync('terraform', [...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim();
    throw new Error(`terraform ${args[0]} failed (exit ${r.status}) in ${cwd}:\n${out}`);
  }
  return r.stdout;
}

/**
 * Copies configDir to a temp dir and runs `terraform init -backend=false`
 * there with the mirror. Returns { root, workDir, env }.
 */
export function prepareOffline(configDir, { mirror = DEFAULT_MIRROR } = {}) {
  const { root, workDir } = copyConfiguration(configDir);
  try {
    const env = offlineEnv(writeCliConfig(root, mirror));
    terraform(['init', '-backend=false', '-input=false', '-no-color'], { cwd: workDir, env });
    return { root, workDir, env };
  } catch (e) {
    removeCopy(root);
    throw e;
  }
}

/** Deletes a temporary copy made by copyConfiguration / prepareOffline. */
export function removeCopy(root) {
  rmSync(root, { recursive: true, force: true });
}

/** `terraform validate -json` on an initialised copy: returns the parsed diagnostics. */
export function validate(workDir, env) {
  const r = spawnSync('terraform', ['validate', '-json', '-no-color'], { cwd: workDir, env, encoding: 'utf8' });
  if (r.error) throw r.error;
  return JSON.parse(r.stdout);
}

/**
 * Plans configDir offline and returns the `terraform show -json` document.
 * extraArgs are passed to `terraform plan` (e.g. ['-var', 'maturity_level=2']).
 */
export function planJson(configDir, extraArgs = [], options = {}) {
  const { root, workDir, env } = prepareOffline(configDir, options);
  try {
    terraform(['plan', '-input=false', '-no-color', '-lock=false', '-out=ztait.tfplan', ...extraArgs], { cwd: workDir, env });
    return JSON.parse(terraform(['show', '-json', 'ztait.tfplan'], { cwd: workDir, env }));
  } finally {
    removeCopy(root);
  }
}
