// Reads a Terraform module's .tf files with @cdktf/hcl2json and answers the
// questions the docs generator and the tests ask: which variables, outputs,
// resources, data sources and module calls it declares.
import { parse } from '@cdktf/hcl2json';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The .tf files of a directory (not recursive), sorted. */
export function tfFiles(dir) {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.tf'))
    .sort()
    .map((name) => join(dir, name));
}

/** Parses every .tf file of dir: [{ file, body }] with hcl2json's JSON body. */
export async function parseModule(dir) {
  const parsed = [];
  for (const file of tfFiles(dir)) {
    parsed.push({ file, body: await parse(file, readFileSync(file, 'utf8')) });
  }
  return parsed;
}

/** Strips the "${...}" hcl2json wraps around an expression. */
export function unwrap(expr) {
  if (typeof expr !== 'string') return expr;
  const m = /^\$\{([\s\S]*)\}$/.exec(expr);
  return m ? m[1] : expr;
}

function* labelled(parsed, kind) {
  for (const { file, body } of parsed) {
    for (const [name, blocks] of Object.entries(body[kind] ?? {})) {
      for (const block of blocks) yield { file, name, block };
    }
  }
}

/** Variables: [{ name, file, type, description, hasDefault, default, validations }] */
export function variables(parsed) {
  return [...labelled(parsed, 'variable')].map(({ file, name, block }) => ({
    name,
    file,
    type: block.type === undefined ? undefined : unwrap(block.type),
    description: block.description,
    hasDefault: Object.prototype.hasOwnProperty.call(block, 'default'),
    default: block.default,
    validations: block.validation ?? [],
  }));
}

/** Outputs: [{ name, file, description, value }] */
export function outputs(parsed) {
  return [...labelled(parsed, 'output')].map(({ file, name, block }) => ({
    name,
    file,
    description: block.description,
    value: block.value,
  }));
}

/** Module calls: [{ name, file, block }] */
export function moduleCalls(parsed) {
  return [...labelled(parsed, 'module')];
}

/** Locals: { name: { file, value } } */
export function locals(parsed) {
  const out = {};
  for (const { file, body } of parsed) {
    for (const block of body.locals ?? []) {
      for (const [name, value] of Object.entries(block)) out[name] = { file, value };
    }
  }
  return out;
}

/** Resources or data sources: [{ mode, type, name, file, block }] */
export function resources(parsed, mode = 'managed') {
  const key = mode === 'data' ? 'data' : 'resource';
  const out = [];
  for (const { file, body } of parsed) {
    for (const [type, byName] of Object.entries(body[key] ?? {})) {
      for (const [name, blocks] of Object.entries(byName)) {
        for (const block of blocks) out.push({ mode, type, name, file, block });
      }
    }
  }
  return out;
}
