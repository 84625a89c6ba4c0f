import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPlan, PlanInputError } from '../../src/sources/plan/index.js';
import { asUnknown, byAddress, fixture, tempFile } from './helpers.js';

/**
 * Plans that parse as JSON and look like plans but have a part of the wrong shape (Terraform never
 * writes them; a hand edit, a broken converter or a hostile file does): refused with one line
 * naming the file and the part, never another exception.
 */

type Plan = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const modulesPlan = (): Plan => JSON.parse(readFileSync(fixture('modules'), 'utf8')) as Plan;
const configResource = (p: Plan, address: string): Plan =>
  (p.configuration.root_module.resources as Plan[]).find((r) => r.address === address)!;

async function refusal(p: unknown): Promise<{ file: string; message: string }> {
  const file = tempFile('tfplan.json', JSON.stringify(p));
  try {
    await loadPlan(file);
  } catch (e) {
    if (!(e instanceof PlanInputError)) throw e;
    expect(e.message).not.toMatch(/[\r\n\u2028\u2029]/);
    expect(e.message.startsWith(`${file}: is not a valid plan: `)).toBe(true);
    return { file, message: e.message.slice(file.length) };
  }
  throw new Error('the plan loaded');
}

describe('a configuration section of the wrong shape is refused, naming the part', () => {
  it('a reference that is not a string (it was followed: the subnet vpc_id is known only after apply)', async () => {
    const p = modulesPlan();
    configResource(p, 'aws_subnet.private').expressions.vpc_id.references.push(7);
    expect((await refusal(p)).message).toMatch(
      /^: is not a valid plan: configuration\.root_module\.resources\.\d+\.expressions\.vpc_id\.references\.\d+ must be string$/,
    );
  });

  it('references that are not a list, and a null reference in a nested block', async () => {
    const p = modulesPlan();
    configResource(p, 'aws_subnet.private').expressions.vpc_id = { references: 'aws_vpc.main' };
    expect((await refusal(p)).message).toMatch(/expressions\.vpc_id\.references must be array$/);
    const q = modulesPlan();
    q.configuration.root_module.resources.push({
      address: 'aws_x.y',
      mode: 'managed',
      type: 'aws_x',
      name: 'y',
      expressions: { rule: [{ filter: [{ prefix: { references: [null] } }] }] },
    });
    expect((await refusal(q)).message).toMatch(/expressions\.rule\.0\.filter\.0\.prefix\.references\.0 must be string$/);
  });

  it('resources that are not a list, a resource without an address, a module call that is not an object', async () => {
    const p = modulesPlan();
    p.configuration.root_module.resources = { not: 'a list' };
    expect((await refusal(p)).message).toMatch(/configuration\.root_module\.resources must be array$/);
    const q = modulesPlan();
    delete q.configuration.root_module.resources[0].address;
    expect((await refusal(q)).message).toMatch(/configuration\.root_module\.resources\.0 must have required property 'address'$/);
    const r = modulesPlan();
    r.configuration.root_module.module_calls.foundation = 'module';
    expect((await refusal(r)).message).toMatch(/configuration\.root_module\.module_calls\.foundation must be object$/);
  });

  it('an output expression, a for_each expression or a variable of the wrong type, deep in child modules', async () => {
    const p = modulesPlan();
    const foundation = p.configuration.root_module.module_calls.foundation.module;
    foundation.outputs[Object.keys(foundation.outputs)[0]!].expression = ['aws_vpc.main'];
    expect((await refusal(p)).message).toMatch(
      /configuration\.root_module\.module_calls\.foundation\.module\.outputs\.\w+\.expression must be object$/,
    );
    const q = modulesPlan();
    q.configuration.root_module.module_calls.handlers.for_each_expression = { references: [{}] };
    expect((await refusal(q)).message).toMatch(/module_calls\.handlers\.for_each_expression\.references\.0 must be string$/);
    const r = modulesPlan();
    r.configuration.root_module.variables.broken = null;
    expect((await refusal(r)).message).toMatch(/configuration\.root_module\.variables\.broken must be object$/);
    const s = modulesPlan();
    s.configuration.root_module.variables.webhook_token.sensitive = 'yes';
    expect((await refusal(s)).message).toMatch(/variables\.webhook_token\.sensitive must be boolean$/);
  });
});

describe('outputs and resource changes of the wrong shape are refused', () => {
  it('a planned output that is null, a prior output that is a string', async () => {
    const p = modulesPlan();
    p.planned_values.outputs = { ...(p.planned_values.outputs ?? {}), x: null };
    expect((await refusal(p)).message).toMatch(/planned_values\.outputs\.x must be object$/);
    const q = modulesPlan();
    q.prior_state = { values: { outputs: { y: 'secret' } } };
    expect((await refusal(q)).message).toMatch(/prior_state\.values\.outputs\.y must be object$/);
  });

  it('a resource change whose deposed key is not a string', async () => {
    const p = modulesPlan();
    p.resource_changes[0].deposed = 1;
    expect((await refusal(p)).message).toMatch(/resource_changes\.0\.deposed must be string$/);
  });

  it('names a key with a line break or of any length on one line, quoted and cut short', async () => {
    const p = modulesPlan();
    p.configuration.root_module.variables[`evil\nkey${'x'.repeat(500)}`] = 3;
    const { message } = await refusal(p);
    expect(message).toMatch(/configuration\.root_module\.variables\."evil\\nkeyx+\.\.\." must be object$/);
    expect(message.length).toBeLessThan(160);
  });

  it('a document nested deeper than the loader and the rules walk (values, unknown marks, child modules)', async () => {
    // Written as text: JSON.stringify itself recurses.
    const nested = (p: Plan, depth: number, leaf: string, open = '{"k":', close = '}'): string =>
      JSON.stringify(p).replace('"@deep"', `${open.repeat(depth)}${leaf}${close.repeat(depth)}`);
    const refused = async (text: string): Promise<string> => {
      const file = tempFile('tfplan.json', text);
      const e = await loadPlan(file).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(PlanInputError);
      return (e as Error).message.slice(file.length);
    };
    const p = modulesPlan();
    p.planned_values.root_module.resources[0].values.deep = '@deep';
    expect(await refused(nested(p, 100_000, '"x"'))).toBe(': is not a valid plan: the document is nested more than 500 levels deep');
    const q = modulesPlan();
    q.resource_changes[0].change.after_unknown = '@deep';
    expect(await refused(nested(q, 600, 'true'))).toMatch(/nested more than 500 levels deep$/);
    const r = modulesPlan();
    r.planned_values.root_module.child_modules[0].child_modules = ['@deep'];
    expect(await refused(nested(r, 300, '{}', '{"address":"module.m","child_modules":[', ']}'))).toMatch(
      /nested more than 500 levels deep$/,
    );
    expect((await loadPlan(tempFile('tfplan.json', nested(p, 400, '"x"')))).resources.length).toBeGreaterThan(0);
  });

  it('a format version of another major version is refused on one line, quoted only when it is a version number', async () => {
    const file = tempFile('tfplan.json', JSON.stringify({ ...modulesPlan(), format_version: `2.0\n${'y'.repeat(100)}` }));
    // anything else is the file's content, which an error never quotes (issue 15 A3)
    await expect(loadPlan(file)).rejects.toThrow(/^[^\n]*: plan format_version \(not a version number\) is not supported[^\n]*$/);
  });
});

describe('what a plan may hold and still be read', () => {
  it('a complex expression Terraform writes as {} and a block without references are neither', async () => {
    const p = modulesPlan();
    configResource(p, 'aws_subnet.private').expressions.vpc_id = {};
    const inv = await loadPlan(tempFile('tfplan.json', JSON.stringify(p)));
    expect(asUnknown(byAddress(inv, 'aws_subnet.private[0]').values.vpc_id).refs).toEqual([]);
  });

  it('module, variable and value keys named like built-in properties are keys like any other', async () => {
    const p = modulesPlan();
    p.variables.constructor = { value: 'c' };
    configResource(p, 'aws_subnet.private').expressions.vpc_id = { references: ['module.constructor.id', 'var.toString'] };
    // JSON.parse makes `__proto__` an own key (an assignment in JavaScript would set the prototype).
    const text = JSON.stringify(p)
      .replace('"function_name":"ztait-slack"', '"function_name":"ztait-slack","__proto__":{"polluted":true}')
      .replace('"variables":{', '"variables":{"__proto__":{"value":{"polluted":true}},');
    const inv = await loadPlan(tempFile('tfplan.json', text));
    expect(inv.variables?.constructor).toBe('c');
    // a null-prototype map (issue 15 B5): never the document's `__proto__` object
    expect(Object.getPrototypeOf(inv.variables)).toBeNull();
    expect(Object.hasOwn(inv.variables!, '__proto__')).toBe(true);
    expect(asUnknown(byAddress(inv, 'aws_subnet.private[0]').values.vpc_id).refs).toEqual([]);
    const values = byAddress(inv, 'module.handlers["slack"].aws_lambda_function.this').values;
    expect(Object.getPrototypeOf(values)).toBeNull();
    expect(Object.hasOwn(values, '__proto__')).toBe(true);
    expect((values as Record<string, unknown>).polluted).toBeUndefined();
  });
});
