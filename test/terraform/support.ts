// Shared by the terraform tests: where things are, and a parsed view of the
// example's module tree (root + local modules) with enough evaluation to
// size count / for_each from the tfvars.
import { parse } from '@cdktf/hcl2json';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain ESM helper without type declarations
import * as hcl from '../../scripts/terraform/hcl.mjs';
// @ts-expect-error plain ESM helper without type declarations
import * as offlineHelpers from '../../scripts/terraform/offline.mjs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TERRAFORM_DIR = join(REPO_ROOT, 'terraform');
export const EXAMPLE_DIR = join(TERRAFORM_DIR, 'examples', 'complete');
export const MODULE_NAMES = ['foundation', 'ingestion', 'triage', 'actions', 'observability'] as const;
export const MODULE_DIRS = MODULE_NAMES.map((name) => join(TERRAFORM_DIR, 'modules', name));
/** Every configuration directory shipped: the five modules and the example. */
export const CONFIG_DIRS = [...MODULE_DIRS, EXAMPLE_DIR];
/**
 * The part of the hashicorp/aws 5.100.0 provider schema the configuration uses, vendored (MPL-2.0;
 * source, licence and how to regenerate it: fixtures/provider-schema/README.md).
 */
export const SCHEMA_PATH = join(REPO_ROOT, 'fixtures', 'provider-schema', 'aws-5.100.0.json');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Body = { [key: string]: Json };
export interface Parsed {
  file: string;
  body: Body;
}
export interface VariableInfo {
  name: string;
  file: string;
  type?: string;
  description?: string;
  hasDefault: boolean;
  default?: Json;
  validations: Json[];
}
export interface OutputInfo {
  name: string;
  file: string;
  description?: string;
  value: Json;
}
export interface BlockInfo {
  mode: 'managed' | 'data';
  type: string;
  name: string;
  file: string;
  block: Body;
}

export const parseModule = hcl.parseModule as (dir: string) => Promise<Parsed[]>;
export const variablesOf = hcl.variables as (parsed: Parsed[]) => VariableInfo[];
export const outputsOf = hcl.outputs as (parsed: Parsed[]) => OutputInfo[];
export const localsOf = hcl.locals as (parsed: Parsed[]) => Record<string, { file: string; value: Json }>;
export const resourcesOf = hcl.resources as (parsed: Parsed[], mode?: 'managed' | 'data') => BlockInfo[];
export const moduleCallsOf = hcl.moduleCalls as (parsed: Parsed[]) => { name: string; file: string; block: Body }[];
export const unwrap = hcl.unwrap as (expr: Json) => Json;

export const offline = offlineHelpers as {
  terraformVersion(): string | null;
  prepareOffline(dir: string): { root: string; workDir: string; env: NodeJS.ProcessEnv };
  validate(workDir: string, env: NodeJS.ProcessEnv): { valid: boolean; error_count: number; diagnostics: { severity: string; summary: string; detail?: string }[] };
  removeCopy(root: string): void;
};

/** The terraform version, or null: the tests that need terraform skip, and say so, without it. */
export const TERRAFORM_VERSION = offline.terraformVersion();
if (TERRAFORM_VERSION === null) {
  console.warn('terraform is not on PATH: the terraform init/validate/plan tests are SKIPPED');
}

/** One module of the tree, with the values its variables take in the example. */
export interface ModuleNode {
  /** "" for the root, else the module call's name */
  name: string;
  dir: string;
  parsed: Parsed[];
  /** variable name -> value thunk (tfvars / module argument / default); throws when not resolvable */
  vars: Map<string, () => Json>;
  locals: Record<string, { file: string; value: Json }>;
}

async function parseTfvars(path: string): Promise<Body> {
  if (!existsSync(path)) return {};
  return (await parse(path, readFileSync(path, 'utf8'))) as Body;
}

/**
 * A deliberately small evaluator: the expressions the reference modules use
 * in count / for_each (var.*, local.*, length(), toset(), literals). Anything
 * else throws, so a test sizing resources can never guess.
 */
export function evaluate(expr: Json, node: ModuleNode, parents: ModuleNode[] = []): Json {
  if (typeof expr !== 'string') return expr;
  const inner = unwrap(expr);
  if (inner === expr) return expr; // plain string literal
  const text = String(inner).trim();
  let m: RegExpExecArray | null;
  if ((m = /^var\.([A-Za-z_][\w-]*)$/.exec(text))) {
    const thunk = node.vars.get(m[1]);
    if (!thunk) throw new Error(`var.${m[1]} is not declared in ${node.dir}`);
    return thunk();
  }
  if ((m = /^local\.([A-Za-z_][\w-]*)$/.exec(text))) {
    const local = node.locals[m[1]];
    if (!local) throw new Error(`local.${m[1]} is not declared in ${node.dir}`);
    return evaluate(local.value, node, parents);
  }
  if ((m = /^(length|toset)\(([\s\S]*)\)$/.exec(text))) {
    const arg = evaluate(`\${${m[2]}}`, node, parents);
    if (m[1] === 'toset') {
      if (!Array.isArray(arg)) throw new Error(`toset() of a non-list in ${node.dir}: ${text}`);
      return [...new Set(arg.map((v) => JSON.stringify(v)))].map((v) => JSON.parse(v) as Json);
    }
    if (Array.isArray(arg)) return arg.length;
    if (arg && typeof arg === 'object') return Object.keys(arg).length;
    throw new Error(`length() of a scalar in ${node.dir}: ${text}`);
  }
  if (/^\[[\s\S]*\]$/.test(text)) {
    try {
      return JSON.parse(text) as Json; // a literal list of strings
    } catch {
      /* fall through */
    }
  }
  throw new Error(`cannot evaluate ${JSON.stringify(expr)} statically in ${node.dir}`);
}

/** The example's module tree: root first, then each local module call with its arguments bound. */
export async function exampleTree(): Promise<ModuleNode[]> {
  const rootParsed = await parseModule(EXAMPLE_DIR);
  const tfvars = await parseTfvars(join(EXAMPLE_DIR, 'terraform.tfvars'));
  const root: ModuleNode = { name: '', dir: EXAMPLE_DIR, parsed: rootParsed, vars: new Map(), locals: localsOf(rootParsed) };
  for (const v of variablesOf(rootParsed)) {
    root.vars.set(v.name, () => {
      if (Object.prototype.hasOwnProperty.call(tfvars, v.name)) return tfvars[v.name];
      if (v.hasDefault) return v.default as Json;
      throw new Error(`root variable ${v.name} has no value in terraform.tfvars and no default`);
    });
  }
  const nodes = [root];
  for (const call of moduleCallsOf(rootParsed)) {
    const dir = resolve(EXAMPLE_DIR, String(call.block.source));
    const parsed = await parseModule(dir);
    const node: ModuleNode = { name: call.name, dir, parsed, vars: new Map(), locals: localsOf(parsed) };
    for (const v of variablesOf(parsed)) {
      node.vars.set(v.name, () => {
        if (Object.prototype.hasOwnProperty.call(call.block, v.name)) return evaluate(call.block[v.name], root);
        if (v.hasDefault) return v.default as Json;
        throw new Error(`module.${call.name}: required variable ${v.name} is not passed`);
      });
    }
    nodes.push(node);
  }
  return nodes;
}

/** How many instances a resource block declares in the example (count / for_each sized statically). */
export function instanceCount(block: Body, node: ModuleNode): number {
  if (block.count !== undefined) {
    const n = evaluate(block.count, node);
    if (typeof n !== 'number') throw new Error(`count is not a number in ${node.dir}`);
    return n;
  }
  if (block.for_each !== undefined) {
    const v = evaluate(block.for_each, node);
    if (Array.isArray(v)) return v.length;
    if (v && typeof v === 'object') return Object.keys(v).length;
    throw new Error(`for_each is neither a map nor a set in ${node.dir}`);
  }
  return 1;
}

/** Instance counts by resource type over the whole example tree (managed resources only). */
export function countByType(nodes: ModuleNode[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of nodes) {
    for (const r of resourcesOf(node.parsed, 'managed')) {
      counts.set(r.type, (counts.get(r.type) ?? 0) + instanceCount(r.block, node));
    }
  }
  return new Map([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Instance addresses of one resource type over the example tree (`module.x.type.name["key"]`), keys from count / for_each. */
export function instanceAddresses(nodes: ModuleNode[], type: string): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    for (const r of resourcesOf(node.parsed, 'managed').filter((b) => b.type === type)) {
      const base = `${node.name ? `module.${node.name}.` : ''}${r.type}.${r.name}`;
      if (r.block.count !== undefined) {
        for (let i = 0; i < instanceCount(r.block, node); i++) out.push(`${base}[${i}]`);
      } else if (r.block.for_each !== undefined) {
        const v = evaluate(r.block.for_each, node);
        const keys = Array.isArray(v) ? v.map(String) : Object.keys(v as object);
        for (const key of keys) out.push(`${base}[${JSON.stringify(key)}]`);
      } else out.push(base);
    }
  }
  return out.sort();
}
