// (2) Every resource type, attribute and nested block named in the .tf files
// exists in the hashicorp/aws 5.100.0 schema (what `terraform validate`
// catches first, checked here without terraform). The schema is the vendored
// extract of the types the configuration uses (fixtures/provider-schema/).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { CONFIG_DIRS, REPO_ROOT, SCHEMA_PATH, parseModule, resourcesOf, type Body, type Json } from './support.js';

interface SchemaBlock {
  attributes?: Record<string, { required?: boolean; optional?: boolean; computed?: boolean }>;
  block_types?: Record<string, { nesting_mode: string; block: SchemaBlock }>;
}
interface ProviderSchema {
  provider: string;
  version: string;
  resource_schemas: Record<string, { block: SchemaBlock }>;
  data_source_schemas: Record<string, { block: SchemaBlock }>;
}

const META_ARGUMENTS = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection']);
const DYNAMIC_KEYS = new Set(['for_each', 'iterator', 'labels', 'content']);

const isObject = (v: Json): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems of one block body against its schema; `where` names the path for messages. */
export function checkBlock(body: Body, schema: SchemaBlock, where: string, topLevel = false): string[] {
  const problems: string[] = [];
  const attributes = schema.attributes ?? {};
  const blockTypes = schema.block_types ?? {};
  for (const [key, value] of Object.entries(body)) {
    if (topLevel && META_ARGUMENTS.has(key)) continue;
    if (key === 'dynamic') {
      if (!isObject(value)) {
        problems.push(`${where}: malformed dynamic block`);
        continue;
      }
      for (const [name, dynamics] of Object.entries(value)) {
        const nested = blockTypes[name];
        if (!nested) {
          problems.push(`${where}: dynamic "${name}" is not a nested block of this type`);
          continue;
        }
        for (const dynamic of Array.isArray(dynamics) ? dynamics : [dynamics]) {
          if (!isObject(dynamic)) continue;
          for (const k of Object.keys(dynamic)) {
            if (!DYNAMIC_KEYS.has(k)) problems.push(`${where}.dynamic.${name}: unknown argument ${k}`);
          }
          for (const content of Array.isArray(dynamic.content) ? dynamic.content : []) {
            if (isObject(content)) problems.push(...checkBlock(content, nested.block, `${where}.${name}`));
          }
        }
      }
      continue;
    }
    const attribute = attributes[key];
    if (attribute) {
      if (attribute.computed && !attribute.optional && !attribute.required) {
        problems.push(`${where}: ${key} is read-only (computed)`);
      }
      continue;
    }
    const nested = blockTypes[key];
    if (nested) {
      const blocks = Array.isArray(value) ? value : [value];
      for (const block of blocks) {
        if (isObject(block)) problems.push(...checkBlock(block, nested.block, `${where}.${key}`));
        else problems.push(`${where}: ${key} must be a block`);
      }
      continue;
    }
    problems.push(`${where}: unknown argument or block "${key}"`);
  }
  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.required && !(name in body)) problems.push(`${where}: required argument "${name}" is missing`);
  }
  return problems;
}

describe('configuration names only what hashicorp/aws 5.100.0 defines', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as ProviderSchema;

  it('reads the vendored hashicorp/aws 5.100.0 schema', () => {
    expect({ provider: schema.provider, version: schema.version }).toEqual({ provider: 'registry.terraform.io/hashicorp/aws', version: '5.100.0' });
    expect(Object.keys(schema.resource_schemas).length).toBeGreaterThan(0);
  });

  it.each(CONFIG_DIRS.map((dir) => [relative(REPO_ROOT, dir), dir]))('%s', async (_label, dir) => {
    const parsed = await parseModule(dir);
    const problems: string[] = [];
    let checked = 0;
    for (const mode of ['managed', 'data'] as const) {
      const schemas = mode === 'managed' ? schema.resource_schemas : schema.data_source_schemas;
      for (const r of resourcesOf(parsed, mode)) {
        const where = `${relative(REPO_ROOT, r.file)}: ${mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
        const s = schemas[r.type];
        if (!s) {
          // the extract holds only the types the configuration used when it was made
          problems.push(
            `${where}: unknown ${mode === 'data' ? 'data source' : 'resource'} type, or not in ${relative(REPO_ROOT, SCHEMA_PATH)} yet (node scripts/terraform/provider-schema-extract.mjs)`,
          );
          continue;
        }
        checked++;
        problems.push(...checkBlock(r.block, s.block, where, true));
      }
    }
    expect(problems).toEqual([]);
    if (dir.endsWith('complete')) expect(checked).toBe(0); // the example only wires modules
    else expect(checked).toBeGreaterThan(0);
  });

  it.each(CONFIG_DIRS.slice(0, -1).map((dir) => [relative(REPO_ROOT, dir), dir]))('%s tags every taggable resource with the system tag', async (_label, dir) => {
    const untagged = resourcesOf(await parseModule(dir), 'managed')
      .filter((r) => schema.resource_schemas[r.type]?.block.attributes?.tags)
      .filter((r) => typeof r.block.tags !== 'string' || !/\blocal\.tags\b/.test(r.block.tags))
      .map((r) => `${r.type}.${r.name}`);
    expect(untagged).toEqual([]);
  });

  it('reports unknown arguments, blocks, read-only attributes and missing required ones', () => {
    const lambda = schema.resource_schemas.aws_lambda_function.block;
    const problems = checkBlock(
      {
        function_name: 'x',
        arn: 'read-only',
        bogus: 1,
        vpc_config: [{ subnet_ids: [], security_group_ids: [], no_such_field: true }],
        dynamic: { no_such_block: [{ for_each: [], content: [{}] }] },
        for_each: '${var.x}',
      },
      lambda,
      'aws_lambda_function.t',
      true,
    );
    expect(problems).toEqual([
      'aws_lambda_function.t: arn is read-only (computed)',
      'aws_lambda_function.t: unknown argument or block "bogus"',
      'aws_lambda_function.t.vpc_config: unknown argument or block "no_such_field"',
      'aws_lambda_function.t: dynamic "no_such_block" is not a nested block of this type',
      'aws_lambda_function.t: required argument "role" is missing',
    ]);
  });
});
