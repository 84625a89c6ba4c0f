#!/usr/bin/env node
// npm's `prepare` script: builds what the package ships but the repository does not hold, dist/
// (tsc) and the four Lambda packages of lambda/build/ that `ztait init` copies for deployment.
//
// npm runs `prepare` after `npm ci` / `npm install` in a clone, on `npm pack` and `npm publish`, and
// when it installs ztait from git (`npm install -g git+https://...`, a pre-commit hook). In that last
// case npm means to install the development dependencies first (it runs `npm install --include=dev`
// in its clone), but it does not: under -g the inner install inherits npm_config_global and installs
// the clone globally instead of into itself, and pre-commit's `npm install --dev --prod` leaves them
// out. The build tools are then missing ("tsc: not found"). So when a tool is missing, this script
// first installs what package-lock.json pins, development dependencies included, into the package
// directory (`npm ci --include=dev --ignore-scripts`, without the inherited settings that send an
// install elsewhere), then builds exactly as in a clone: a type-checked dist/ and the same
// reproducible zips as `npm run build:lambda`.
//
// Usage: node scripts/prepare.mjs   (what `npm run prepare` runs; no options)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lambdaDir = join(root, 'lambda');

/** Whether package `name` is installed where Node would find it from `dir` (any node_modules above it). */
function installed(name, dir) {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules', name, 'package.json'))) return true;
    if (dirname(d) === d) return false;
  }
}

/** The packages the build needs: the compiler, the bundler and zip writer, and what the Lambda code imports. */
function buildTools() {
  const lambda = JSON.parse(readFileSync(join(lambdaDir, 'package.json'), 'utf8'));
  return [
    ['typescript', root],
    ['esbuild', lambdaDir],
    ['yazl', lambdaDir],
    ...Object.keys(lambda.dependencies ?? {}).map((name) => [name, lambdaDir]),
  ];
}

/**
 * The environment of the nested npm: this one without the npm settings that say what to install or
 * where (global, prefix, omit, production...), keeping those that say how to fetch (cache,
 * registry, proxies, offline...). npm passes its settings to scripts as npm_config_* variables.
 */
const FETCH_SETTINGS =
  /^npm_config_(cache|userconfig|globalconfig|registry|.*:registry|prefer_offline|prefer_online|offline|cafile|ca|cert|key|strict_ssl|proxy|https_proxy|noproxy|fetch_.*|maxsockets|loglevel|progress|audit|fund|update_notifier|node_gyp)$/i;
function npmEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_config_/i.test(k) || FETCH_SETTINGS.test(k)) env[k] = v;
  }
  return env;
}

// Everything goes to stderr: `npm pack` prints the tarball's name on stdout after running this script,
// and tools read it there (pre-commit installs the file named by the whole of `npm pack`'s stdout).
function run(what, cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: ['ignore', 2, 2] });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : r.signal ? `signal ${r.signal}` : `exit code ${r.status}`;
    process.stderr.write(`ztait prepare: ${what} failed (${why})\n`);
    process.exit(1);
  }
}

// `npm install -g git+URL`: pacote prepares its clone with a nested `npm install` that inherits
// npm_config_global, so that install links the global package to the temporary clone (which npm
// deletes afterwards) while the outer install unpacks the dependencies into the same place. Nothing
// done here can repair that (npm/cli#8440, #4148; pacote#494 passes --global=false and fixes it), so
// say how to install instead of leaving a dangling link behind.
if (process.env._PACOTE_NO_PREPARE_ && process.env.npm_config_global === 'true') {
  const spec = process.env._PACOTE_NO_PREPARE_.split('\n').pop() || 'git+https://github.com/<owner>/ztait.git#<commit-sha>';
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  process.stderr.write(
    'ztait prepare: this npm cannot install a package straight from git with -g (it installs its temporary clone globally, npm/cli#8440). ' +
      `Build the package from git, then install that:\n  npm pack '${spec}'\n  npm install -g ./ztait-${version}.tgz\n`,
  );
  process.exit(1);
}

const missing = buildTools()
  .filter(([name, dir]) => !installed(name, dir))
  .map(([name]) => name);
if (missing.length > 0) {
  process.stderr.write(
    `ztait prepare: the build tools are not installed here (${missing.join(', ')}), as when npm installs ztait from git: ` +
      'installing the locked dependencies, development ones included (npm ci --include=dev --ignore-scripts)\n',
  );
  // The npm that runs this script (npm_execpath), so that a nested install uses the same version.
  const npm = process.env.npm_execpath;
  const [cmd, pre] = npm && existsSync(npm) && /\.[cm]?js$/.test(npm) ? [process.execPath, [npm]] : ['npm', []];
  run('npm ci', cmd, [...pre, 'ci', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund'], npmEnv());
}

// From scratch: tsc never deletes the output of a source that is gone, and npm packs all of dist/.
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
run('tsc -p tsconfig.json', process.execPath, [tsc, '-p', 'tsconfig.json']);
run('the Lambda packages (lambda/build.mjs)', process.execPath, [join(lambdaDir, 'build.mjs')]);
