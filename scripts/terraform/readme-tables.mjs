#!/usr/bin/env node
// Usage: node scripts/terraform/readme-tables.mjs [--check] <moduleDir>...
// Rewrites the Inputs and Outputs tables of each module's README.md (between
// the BEGIN_TF_DOCS / END_TF_DOCS markers) from its variables.tf and
// outputs.tf. With --check, changes nothing and exits 1 when a README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputs, parseModule, unwrap, variables } from './hcl.mjs';

export const BEGIN = '<!-- BEGIN_TF_DOCS -->';
export const END = '<!-- END_TF_DOCS -->';

const cell = (text) =>
  String(text)
    .replace(/([^\s{])[ \t]*\n\s*(?=[A-Za-z_][\w-]*\s*=)/g, '$1, ') // one attribute a line -> comma-separated
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .trim();

function defaultCell(variable) {
  if (!variable.hasDefault) return 'required';
  const value = variable.default;
  return `\`${cell(typeof value === 'string' ? JSON.stringify(unwrap(value)) : JSON.stringify(value))}\``;
}

/** The generated Markdown block for a module directory. */
export async function docsBlock(dir) {
  const parsed = await parseModule(dir);
  const lines = [BEGIN, '## Inputs', '', '| Name | Type | Default | Description |', '| --- | --- | --- | --- |'];
  for (const v of variables(parsed)) {
    lines.push(`| \`${v.name}\` | \`${cell(v.type ?? 'any')}\` | ${defaultCell(v)} | ${cell(v.description ?? '')} |`);
  }
  lines.push('', '## Outputs', '', '| Name | Description |', '| --- | --- |');
  for (const o of outputs(parsed)) lines.push(`| \`${o.name}\` | ${cell(o.description ?? '')} |`);
  lines.push(END);
  return lines.join('\n');
}

/** README text with its docs block replaced (or appended when missing). */
export function withDocs(readme, block) {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1 || end < start) return `${readme.trimEnd()}\n\n${block}\n`;
  return `${readme.slice(0, start)}${block}${readme.slice(end + END.length)}`;
}

async function main(argv) {
  const check = argv.includes('--check');
  const dirs = argv.filter((a) => a !== '--check');
  if (dirs.length === 0) throw new Error('usage: readme-tables.mjs [--check] <moduleDir>...');
  let stale = 0;
  for (const dir of dirs) {
    const path = join(dir, 'README.md');
    const current = readFileSync(path, 'utf8');
    const next = withDocs(current, await docsBlock(dir));
    if (next === current) continue;
    if (check) {
      stale++;
      process.stderr.write(`stale: ${path}\n`);
    } else {
      writeFileSync(path, next);
      process.stdout.write(`updated ${path}\n`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`readme-tables: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
