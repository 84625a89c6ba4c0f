#!/usr/bin/env node
// Usage: node scripts/terraform/provider-schema-extract.mjs [--check] [FULL_SCHEMA]
//
// Writes fixtures/provider-schema/aws-5.100.0.json: the part of the hashicorp/aws 5.100.0 provider
// schema that test/terraform/schema.test.ts needs, so that the test reads only what the repository
// holds. That part is the complete schema entry (every attribute and nested block, as the full file
// has it) of each resource type and data source that the shipped configuration names
// (terraform/modules/* and terraform/examples/*), and nothing else: the test then judges those
// blocks exactly as against the full schema (unknown and read-only arguments, missing required
// ones, which types take tags).
//
// FULL_SCHEMA defaults to ../shared/data/aws-provider-schema-5.100.0.json beside this checkout: the
// resource and data-source schemas of `terraform providers schema -json` for hashicorp/aws 5.100.0,
// descriptions removed, as {provider, version, resource_schemas, data_source_schemas}.
// Run it again when the configuration starts naming a type the extract lacks (the test says which).
// With --check, writes nothing and exits 1 when the extract differs from what FULL_SCHEMA gives.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModule, resources } from './hcl.mjs';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXTRACT_PATH = join(REPO_ROOT, 'fixtures', 'provider-schema', 'aws-5.100.0.json');
const DEFAULT_FULL = resolve(REPO_ROOT, '..', 'shared', 'data', 'aws-provider-schema-5.100.0.json');

/** The configuration directories the schema test reads: every module and example shipped. */
function configDirs() {
  const dirs = [];
  for (const parent of ['modules', 'examples']) {
    const root = join(REPO_ROOT, 'terraform', parent);
    for (const entry of readdirSync(root, { withFileTypes: true })) if (entry.isDirectory()) dirs.push(join(root, entry.name));
  }
  return dirs.sort();
}

/** The resource types and data sources the configuration names. */
async function typesUsed() {
  const used = { managed: new Set(), data: new Set() };
  for (const dir of configDirs()) {
    const parsed = await parseModule(dir);
    for (const mode of ['managed', 'data']) for (const r of resources(parsed, mode)) used[mode].add(r.type);
  }
  return used;
}

/** The extract's text: the full schema's entries for `used`, keys sorted, two-space indented. */
export function extract(full, used) {
  const pick = (schemas, names, what) =>
    Object.fromEntries(
      [...names].sort().map((name) => {
        if (!schemas[name]) throw new Error(`${name}: no such ${what} in the full schema`);
        return [name, schemas[name]];
      }),
    );
  const sortKeys = (v) =>
    Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])])) : v;
  const out = {
    provider: full.provider,
    version: full.version,
    resource_schemas: pick(full.resource_schemas, used.managed, 'resource type'),
    data_source_schemas: pick(full.data_source_schemas, used.data, 'data source'),
  };
  return `${JSON.stringify(sortKeys(out), null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const fullPath = resolve(args.find((a) => a !== '--check') ?? DEFAULT_FULL);
  const full = JSON.parse(readFileSync(fullPath, 'utf8'));
  if (!full.resource_schemas || !full.data_source_schemas) {
    console.error(`${fullPath}: not a provider schema with resource_schemas and data_source_schemas`);
    process.exit(2);
  }
  const text = extract(full, await typesUsed());
  let current = '';
  try {
    current = readFileSync(EXTRACT_PATH, 'utf8');
  } catch {
    /* not written yet */
  }
  if (check) {
    if (current !== text) {
      console.error(`${EXTRACT_PATH} is stale: run node scripts/terraform/provider-schema-extract.mjs`);
      process.exit(1);
    }
    console.log(`${EXTRACT_PATH} is up to date`);
  } else {
    writeFileSync(EXTRACT_PATH, text);
    const o = JSON.parse(text);
    console.log(
      `wrote ${EXTRACT_PATH}: ${Object.keys(o.resource_schemas).length} resource types, ${Object.keys(o.data_source_schemas).length} data sources (${text.length} bytes) from ${fullPath}`,
    );
  }
}
