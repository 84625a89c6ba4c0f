#!/usr/bin/env node
// Bundles each Lambda function (esbuild) into a single index.mjs and packs it into a zip whose
// bytes depend only on the sources: one entry, a fixed timestamp and mode, fixed compression.
// Usage: node lambda/build.mjs [--out-dir DIR]   (default lambda/build)
// Prints "<sha256>  <zip path>" per package.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import yazl from 'yazl';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');

/** Package name -> entry. The action handler is one bundle deployed once per integration (INTEGRATION env). */
export const FUNCTIONS = {
  'webhook-receiver': 'lambda/src/webhook-receiver/index.ts',
  'triage-engine': 'lambda/src/triage-engine/index.ts',
  'action-handler': 'lambda/src/action-handler/index.ts',
  'config-manager': 'lambda/src/config-manager/index.ts',
};

// ESM bundles of CommonJS dependencies need a require() for Node built-ins.
const BANNER =
  "import { createRequire as __ztaitCreateRequire } from 'node:module'; const require = __ztaitCreateRequire(import.meta.url);";

async function bundle(entry) {
  const out = await build({
    absWorkingDir: repo, // paths in the output are relative to the repository, whatever the cwd
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    outfile: 'index.mjs',
    write: false,
    minify: true,
    legalComments: 'eof',
    banner: { js: BANNER },
    logLevel: 'warning',
  });
  const file = out.outputFiles.find((f) => f.path.endsWith('index.mjs'));
  if (!file) throw new Error(`esbuild produced no index.mjs for ${entry}`);
  return Buffer.from(file.contents);
}

// Local-time fields of this date are 1980-01-01 00:00:00 in every time zone (the DOS timestamp
// yazl writes uses local time), and forceDosTimestamp leaves out the UTC extra field.
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

function zip(code) {
  return new Promise((ok, fail) => {
    const z = new yazl.ZipFile();
    z.addBuffer(code, 'index.mjs', { mtime: FIXED_MTIME, mode: 0o100644, compress: true, compressionLevel: 9, forceDosTimestamp: true });
    z.end();
    const chunks = [];
    z.outputStream.on('data', (c) => chunks.push(c));
    z.outputStream.on('error', fail);
    z.outputStream.on('end', () => ok(Buffer.concat(chunks)));
  });
}

async function main() {
  const args = process.argv.slice(2);
  const k = args.indexOf('--out-dir');
  const outDir = resolve(k >= 0 && args[k + 1] ? args[k + 1] : join(here, 'build'));
  mkdirSync(outDir, { recursive: true });
  for (const [name, entry] of Object.entries(FUNCTIONS)) {
    const bytes = await zip(await bundle(entry));
    const path = join(outDir, `${name}.zip`);
    writeFileSync(path, bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    console.log(`${sha}  ${relative(process.cwd(), path) || path}`);
  }
}

main().catch((e) => {
  console.error(`build:lambda failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
