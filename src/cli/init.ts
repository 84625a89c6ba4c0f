import type { Command } from 'commander';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { checkWritePath, isSymlink, UnsafeWriteError, writeFileSafe } from '../io/safe-write.js';
import { PACKAGE_ROOT } from '../version.js';
import { UsageError } from './errors.js';

/** What `ztait init` copies, and where from, inside the installed package. */
const MODULES_DIR = join('terraform', 'modules');
const EXAMPLE_DIR = join('terraform', 'examples', 'complete');
/** Where the copied root module expects the Lambda packages, relative to DIR. */
export const INIT_LAMBDA_PACKAGE_DIR = 'lambda/build';
/**
 * The Lambda packages the modules deploy ("${var.lambda_package_dir}/NAME.zip"). The package ships
 * them in lambda/build/ (built by its prepare script, scripts/prepare.mjs); init copies them to
 * DIR/lambda/build/.
 */
export const LAMBDA_PACKAGES = ['webhook-receiver.zip', 'triage-engine.zip', 'action-handler.zip', 'config-manager.zip'] as const;
const SHIPPED_LAMBDA_DIR = join('lambda', 'build');

/** Working state that must never be shipped or copied. */
const SKIPPED = /^(\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate(\.backup)?|.*\.tfplan)$/;

export interface InitOptions {
  /** maturity_level to write into the copied terraform.tfvars */
  maturity?: number;
  force?: boolean;
}

/** One file `ztait init` writes: its path relative to DIR and its content (a Lambda package's bytes). */
export interface InitFile {
  path: string;
  content: string | Buffer;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (SKIPPED.test(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/** Parses --maturity: an integer 0..3, or a usage error. */
export function parseMaturity(text: string): number {
  if (!/^[0-3]$/.test(text.trim())) throw new UsageError(`--maturity must be an integer from 0 to 3, got "${text}"`);
  return Number(text.trim());
}

/**
 * Rewrites the example's local module sources ("../../modules/x") to where
 * the modules land in DIR ("./modules/x"). A source that does not point into
 * the shipped modules is an error: the copy would not work.
 */
export function rewriteModuleSources(text: string, exampleDir: string, modulesDir: string): string {
  return text.replace(/^(\s*source\s*=\s*")(\.{1,2}\/[^"]*)(")/gm, (_all, head: string, source: string, tail: string) => {
    const target = relative(modulesDir, resolve(exampleDir, source));
    if (target === '' || target.startsWith('..') || target.includes(sep) || !existsSync(join(modulesDir, target))) {
      throw new Error(`module source ${source} of the example does not name a shipped module`);
    }
    return `${head}./modules/${target}${tail}`;
  });
}

const LAMBDA_PACKAGE_DIR_DEFAULT = /(variable\s+"lambda_package_dir"\s*\{[^}]*?\bdefault\s*=\s*")([^"]*)(")/;

/** Points the example's lambda_package_dir default at DIR/lambda/build. */
export function rewriteLambdaPackageDir(text: string): string {
  return text.replace(
    LAMBDA_PACKAGE_DIR_DEFAULT,
    (_all, head: string, _old: string, tail: string) => `${head}${INIT_LAMBDA_PACKAGE_DIR}${tail}`,
  );
}

/**
 * The example's README documents the variable's default (`"../../../lambda/build"`, the
 * repository's build directory seen from the example): the copy documents the copy's default.
 */
export function rewriteLambdaPackageDirDoc(readme: string, variablesTf: string): string {
  const old = LAMBDA_PACKAGE_DIR_DEFAULT.exec(variablesTf)?.[2];
  return old === undefined || old === INIT_LAMBDA_PACKAGE_DIR ? readme : readme.split(`"${old}"`).join(`"${INIT_LAMBDA_PACKAGE_DIR}"`);
}

/** The Lambda packages the package ships, as copies in DIR/lambda/build (an installation may lack them: see init's output). */
export function shippedLambdaPackages(packageRoot: string): InitFile[] {
  return LAMBDA_PACKAGES.map((name) => ({ name, path: join(packageRoot, SHIPPED_LAMBDA_DIR, name) }))
    .filter(({ path }) => existsSync(path))
    .map(({ name, path }) => ({ path: join(INIT_LAMBDA_PACKAGE_DIR, name), content: readFileSync(path) }));
}

/** Sets maturity_level in a tfvars text (the existing line, or a new one). */
export function setMaturityLevel(tfvars: string, level: number): string {
  const line = /^(\s*maturity_level\s*=\s*)[^\s#]+/m;
  if (line.test(tfvars)) return tfvars.replace(line, (_all, head: string) => `${head}${level}`);
  return `${tfvars.replace(/\s*$/, '\n')}maturity_level = ${level}\n`;
}

/**
 * The files `ztait init` writes, computed from a package root: modules/ as
 * shipped, the complete example as DIR's root module, and the Lambda packages
 * the package ships (shippedLambdaPackages).
 */
export function planInit(packageRoot: string, options: InitOptions = {}): InitFile[] {
  const modulesDir = join(packageRoot, MODULES_DIR);
  const exampleDir = join(packageRoot, EXAMPLE_DIR);
  for (const dir of [modulesDir, exampleDir]) {
    if (!existsSync(dir)) throw new UsageError(`the reference Terraform is missing from the package: ${dir}`);
  }
  const files: InitFile[] = listFiles(modulesDir).map((path) => ({
    path: join('modules', relative(modulesDir, path)),
    content: readFileSync(path, 'utf8'),
  }));
  const variablesTf = join(exampleDir, 'variables.tf');
  for (const path of listFiles(exampleDir)) {
    const rel = relative(exampleDir, path);
    let content = readFileSync(path, 'utf8');
    if (rel.endsWith('.tf')) content = rewriteLambdaPackageDir(rewriteModuleSources(content, exampleDir, modulesDir));
    if (rel === 'README.md' && existsSync(variablesTf)) content = rewriteLambdaPackageDirDoc(content, readFileSync(variablesTf, 'utf8'));
    if (rel === 'terraform.tfvars' && options.maturity !== undefined) content = setMaturityLevel(content, options.maturity);
    files.push({ path: rel, content });
  }
  files.push(...shippedLambdaPackages(packageRoot));
  return files;
}

/**
 * Writes the files into dir. Without force, refuses (before writing anything)
 * when one of them exists, naming the first.
 */
export function writeInit(dir: string, files: InitFile[], force = false): void {
  if (isSymlink(dir)) throw new UnsafeWriteError(`refusing to write into ${dir}: it is a symbolic link (ztait never writes through one)`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`${dir} exists and is not a directory`);
  // Every directory from here (or from DIR, when it lies elsewhere) down to each file must be a real
  // one: a symlink anywhere, dangling or not, is refused before anything is written, --force or not.
  const cwd = process.cwd();
  const rel = relative(cwd, resolve(dir));
  const guard = rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? { root: dir, checkRoot: true } : { root: cwd };
  const existing = files.filter((f) => checkWritePath(join(dir, f.path), guard).existing);
  if (!force && existing.length > 0) throw new UsageError(`refusing to overwrite ${join(dir, existing[0]!.path)} (use --force)`);
  for (const file of files) writeFileSafe(join(dir, file.path), file.content, guard);
}

export function registerInit(program: Command, setExit: (code: number) => void): void {
  program
    .command('init')
    .description(
      'copy the ZTAIT reference Terraform (the five modules and the complete example) and the Lambda packages it deploys into DIR',
    )
    .argument('<dir>', 'target directory (created when missing)')
    .option('--maturity <level>', 'set maturity_level (0-3) in the copied terraform.tfvars')
    .option('--force', 'overwrite files that already exist')
    .action((dir: string, opts: { maturity?: string; force?: boolean }) => {
      const maturity = opts.maturity === undefined ? undefined : parseMaturity(opts.maturity);
      const files = planInit(PACKAGE_ROOT, { maturity, force: opts.force });
      writeInit(dir, files, opts.force === true);
      const missing = LAMBDA_PACKAGES.filter((name) => !files.some((f) => f.path === join(INIT_LAMBDA_PACKAGE_DIR, name)));
      const lines = [`wrote ${files.length} files to ${dir}:`, ...files.map((f) => `  ${f.path}`)];
      if (maturity !== undefined) lines.push(`maturity_level = ${maturity} (terraform.tfvars)`);
      if (missing.length > 0) {
        lines.push(
          `this installation has no ${missing.join(', ')}: build them in a clone of ztait (npm ci && npm run build:lambda)`,
          `      and copy lambda/build/*.zip to ${join(dir, INIT_LAMBDA_PACKAGE_DIR)}`,
        );
      }
      lines.push(
        `next: set account_id and the OKTA settings in terraform.tfvars,`,
        `      then run terraform init && terraform plan in ${dir}`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
      setExit(0);
    });
}
