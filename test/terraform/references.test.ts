// Every reference in the HCL resolves: each var.*, local.*, module.*.<output>,
// data.* and resource reference names something declared, each/count appear
// only where a for_each/count defines them, and every module call passes
// exactly variables the module declares (all the required ones).
import { describe, expect, it } from 'vitest';
import { getExpressionAst } from '@cdktf/hcl2json';
import { relative, resolve } from 'node:path';
import {
  CONFIG_DIRS,
  REPO_ROOT,
  localsOf,
  moduleCallsOf,
  outputsOf,
  parseModule,
  resourcesOf,
  variablesOf,
  type Body,
  type Json,
  type Parsed,
} from './support.js';

interface AstNode {
  type: string;
  meta?: { keyVar?: string; valVar?: string; traversal?: { segment: string }[] };
  children?: AstNode[];
}

interface Declared {
  variables: Set<string>;
  locals: Set<string>;
  resources: Set<string>; // "type.name"
  data: Set<string>; // "type.name"
  modules: Map<string, Set<string> | null>; // call name -> outputs of a local module (null: not local)
}

const ALWAYS = new Set(['path', 'terraform']);
const MODULE_CALL_META = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);

/** Traversal roots ("var.x", "aws_vpc.main", ...) of an expression string, minus for-expression variables. */
async function traversals(text: string): Promise<string[][]> {
  const ast = (await getExpressionAst('ref.tf', `"${text}"`)) as AstNode | null;
  const out: string[][] = [];
  const walk = (node: AstNode | undefined, bound: Set<string>) => {
    if (!node) return;
    let scope = bound;
    if (node.type === 'for') {
      scope = new Set(bound);
      for (const name of [node.meta?.keyVar, node.meta?.valVar]) if (name) scope.add(name);
    }
    if (node.type === 'scopeTraversal' && node.meta?.traversal) {
      const segments = node.meta.traversal.map((p) => p.segment);
      if (!scope.has(segments[0])) out.push(segments);
    }
    for (const child of node.children ?? []) walk(child, scope);
  };
  walk(ast ?? undefined, new Set());
  return out;
}

function problemFor(segments: string[], declared: Declared, scope: Set<string>): string | null {
  const [root, a, b] = segments;
  if (ALWAYS.has(root) || scope.has(root)) return null;
  switch (root) {
    case 'var':
      return declared.variables.has(a) ? null : `var.${a} is not declared`;
    case 'local':
      return declared.locals.has(a) ? null : `local.${a} is not declared`;
    case 'each':
    case 'count':
      return `${root}.${a} used outside a block with ${root === 'each' ? 'for_each' : 'count'}`;
    case 'data':
      return declared.data.has(`${a}.${b}`) ? null : `data.${a}.${b} is not declared`;
    case 'module': {
      if (!declared.modules.has(a)) return `module.${a} is not declared`;
      const outs = declared.modules.get(a);
      if (b !== undefined && outs && !outs.has(b)) return `module.${a} has no output ${b}`;
      return null;
    }
    default:
      if (!/^[a-z0-9]+_[a-z0-9_]+$/.test(root)) return `${segments.join('.')} names nothing`;
      return declared.resources.has(`${root}.${a}`) ? null : `${root}.${a} is not declared`;
  }
}

/** Walks a block body, checking every expression string against what is declared. */
async function checkBody(value: Json, declared: Declared, scope: Set<string>, where: string, problems: string[]): Promise<void> {
  if (typeof value === 'string') {
    if (!value.includes('${')) return;
    for (const segments of await traversals(value)) {
      const problem = problemFor(segments, declared, scope);
      if (problem) problems.push(`${where}: ${problem}`);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) await checkBody(item, declared, scope, where, problems);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'dynamic' && child && typeof child === 'object' && !Array.isArray(child)) {
      for (const [name, dynamics] of Object.entries(child)) {
        for (const dynamic of (Array.isArray(dynamics) ? dynamics : [dynamics]) as Body[]) {
          await checkBody(dynamic.for_each ?? null, declared, scope, `${where}.dynamic.${name}`, problems);
          const iterator = typeof dynamic.iterator === 'string' ? dynamic.iterator : name;
          await checkBody(dynamic.content ?? null, declared, new Set([...scope, iterator]), `${where}.${name}`, problems);
        }
      }
      continue;
    }
    await checkBody(child, declared, scope, where, problems);
  }
}

/**
 * `lifecycle { ignore_changes = [item] }` names attributes of the block itself, not references:
 * each must be an argument the block sets (or `all`). The rest of the block is returned for the
 * reference walk (replace_triggered_by and conditions are references).
 */
function withoutIgnoreChanges(block: Body, where: string, problems: string[]): Body {
  const lifecycles = block.lifecycle;
  if (!Array.isArray(lifecycles)) return block;
  const kept = lifecycles.map((lifecycle) => {
    if (!lifecycle || typeof lifecycle !== 'object' || Array.isArray(lifecycle)) return lifecycle;
    const { ignore_changes: ignored, ...rest } = lifecycle;
    const unwrapped = (v: Json) => (typeof v === 'string' ? v.replace(/^\$\{([\s\S]*)\}$/, '$1').trim() : null);
    if (ignored !== undefined && unwrapped(ignored) !== 'all') {
      if (!Array.isArray(ignored)) problems.push(`${where}: lifecycle.ignore_changes is neither all nor a list of attribute names`);
      for (const name of Array.isArray(ignored) ? ignored.map(unwrapped) : []) {
        if (name === null || !(name in block)) problems.push(`${where}: lifecycle.ignore_changes names ${String(name)}, which the block does not set`);
      }
    }
    return rest;
  });
  return { ...block, lifecycle: kept as Json };
}

/** each / count are in scope inside a block that has for_each / count. */
const iterationScope = (block: Body): Set<string> =>
  new Set([...(block.for_each !== undefined ? ['each'] : []), ...(block.count !== undefined ? ['count'] : [])]);

async function moduleProblems(dir: string): Promise<string[]> {
  const parsed: Parsed[] = await parseModule(dir);
  const calls = moduleCallsOf(parsed);
  const declared: Declared = {
    variables: new Set(variablesOf(parsed).map((v) => v.name)),
    locals: new Set(Object.keys(localsOf(parsed))),
    resources: new Set(resourcesOf(parsed, 'managed').map((r) => `${r.type}.${r.name}`)),
    data: new Set(resourcesOf(parsed, 'data').map((r) => `${r.type}.${r.name}`)),
    modules: new Map(),
  };
  const problems: string[] = [];
  for (const call of calls) {
    const source = String(call.block.source);
    if (!source.startsWith('.')) {
      declared.modules.set(call.name, null);
      continue;
    }
    const childParsed = await parseModule(resolve(dir, source));
    declared.modules.set(call.name, new Set(outputsOf(childParsed).map((o) => o.name)));
    const childVars = variablesOf(childParsed);
    const names = new Set(childVars.map((v) => v.name));
    for (const arg of Object.keys(call.block)) {
      if (!MODULE_CALL_META.has(arg) && !names.has(arg)) problems.push(`module.${call.name}: ${arg} is not a variable of ${source}`);
    }
    for (const v of childVars) {
      if (!v.hasDefault && !(v.name in call.block)) problems.push(`module.${call.name}: required variable ${v.name} is not passed`);
    }
  }
  for (const { file, body } of parsed) {
    const rel = relative(REPO_ROOT, file);
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries((body[kind] ?? {}) as Record<string, Record<string, Body[]>>)) {
        for (const [name, blocks] of Object.entries(byName)) {
          for (const block of blocks) {
            const where = `${rel} ${kind === 'data' ? 'data.' : ''}${type}.${name}`;
            await checkBody(withoutIgnoreChanges(block, where, problems), declared, iterationScope(block), where, problems);
          }
        }
      }
    }
    for (const kind of ['module', 'output', 'variable', 'check'] as const) {
      for (const [name, blocks] of Object.entries((body[kind] ?? {}) as Record<string, Body[]>)) {
        for (const block of blocks) {
          // a variable's type is a type expression, not references
          const checked = kind === 'variable' ? { validation: block.validation ?? null } : block;
          await checkBody(checked, declared, iterationScope(block), `${rel} ${kind}.${name}`, problems);
        }
      }
    }
    for (const block of (body.locals ?? []) as Body[]) await checkBody(block, declared, new Set(), `${rel} locals`, problems);
    for (const blocks of Object.values((body.provider ?? {}) as Record<string, Body[]>)) {
      for (const block of blocks) await checkBody(block, declared, new Set(), `${rel} provider`, problems);
    }
  }
  return problems;
}

describe('every reference resolves', () => {
  it.each(CONFIG_DIRS.map((dir) => [relative(REPO_ROOT, dir), dir]))('%s', async (_label, dir) => {
    expect(await moduleProblems(dir)).toEqual([]);
  });

  it('finds undeclared references, misplaced each and unknown module outputs', async () => {
    const declared: Declared = {
      variables: new Set(['a']),
      locals: new Set(),
      resources: new Set(['aws_vpc.main']),
      data: new Set(),
      modules: new Map([['m', new Set(['out'])]]),
    };
    const problems: string[] = [];
    await checkBody(
      {
        x: '${var.a}-${var.b}',
        y: '${[for k in local.missing : aws_vpc.other.id if k != ""]}',
        z: '${each.key}',
        w: '${module.m.out}/${module.m.nope}',
        dynamic: { tag: [{ for_each: '${var.a}', content: [{ key: '${tag.key}', v: '${aws_vpc.main.id}' }] }] },
      },
      declared,
      new Set(),
      't',
      problems,
    );
    expect(problems).toEqual([
      't: var.b is not declared',
      't: local.missing is not declared',
      't: aws_vpc.other is not declared',
      't: each.key used outside a block with for_each',
      't: module.m has no output nope',
    ]);
  });

  it('reads lifecycle.ignore_changes as attribute names of the block', async () => {
    const problems: string[] = [];
    const rest = withoutIgnoreChanges({ item: '${var.a}', lifecycle: [{ ignore_changes: ['${item}', '${tags}'], replace_triggered_by: ['${aws_vpc.gone}'] }] }, 't', problems);
    expect(problems).toEqual(['t: lifecycle.ignore_changes names tags, which the block does not set']);
    expect(rest.lifecycle).toEqual([{ replace_triggered_by: ['${aws_vpc.gone}'] }]);
    expect(withoutIgnoreChanges({ lifecycle: [{ ignore_changes: '${all}' }] }, 't', problems).lifecycle).toEqual([{}]);
    expect(problems).toHaveLength(1);
  });
});
