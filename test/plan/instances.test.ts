import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../src/sources/plan/index.js';
import { asUnknown, byAddress, tempFile } from './helpers.js';

/**
 * Reference targets are looked up among the instances of their resource block only (an index by
 * mode, type, name and module path): the instances of every module instance must still be found,
 * and a block of the same type and name in another module must not be.
 */

const MODULES: Record<string, string> = { 'module.net["a"]': 'role-a', 'module.net["b"]': 'role-b', 'module.other': 'role-other' };
const role = (module: string): Record<string, unknown> => ({
  address: `${module}.aws_iam_role.r`,
  mode: 'managed',
  type: 'aws_iam_role',
  name: 'r',
  values: { name: MODULES[module] },
});
const roleBlock = {
  address: 'aws_iam_role.r',
  mode: 'managed',
  type: 'aws_iam_role',
  name: 'r',
  expressions: { name: { constant_value: 'x' } },
};

/** Root Lambdas reading a role ARN output of a for_each module (all instances, or one by key) beside an unrelated module with the same block. */
function plan(): Record<string, unknown> {
  const lambda = (name: string, refs: string[]): Record<string, unknown> => ({
    address: `aws_lambda_function.${name}`,
    mode: 'managed',
    type: 'aws_lambda_function',
    name,
    expressions: { role: { references: refs } },
  });
  const fnValues = (name: string): Record<string, unknown> => ({
    address: `aws_lambda_function.${name}`,
    mode: 'managed',
    type: 'aws_lambda_function',
    name,
    values: { function_name: name },
  });
  const modules = Object.keys(MODULES);
  return {
    format_version: '1.2',
    planned_values: {
      root_module: {
        resources: [fnValues('all'), fnValues('one')],
        child_modules: modules.map((address) => ({ address, resources: [role(address)] })),
      },
    },
    resource_changes: [
      ...['all', 'one'].map((name) => ({
        address: `aws_lambda_function.${name}`,
        mode: 'managed',
        type: 'aws_lambda_function',
        name,
        change: { actions: ['create'], after: { function_name: name }, after_unknown: { role: true } },
      })),
      ...modules.map((m) => ({
        address: `${m}.aws_iam_role.r`,
        module_address: m,
        mode: 'managed',
        type: 'aws_iam_role',
        name: 'r',
        change: { actions: ['create'], after: { name: MODULES[m] }, after_unknown: { arn: true } },
      })),
    ],
    configuration: {
      root_module: {
        resources: [lambda('all', ['module.net.role_arn', 'module.net']), lambda('one', ['module.net["b"].role_arn', 'module.net["b"]'])],
        module_calls: {
          net: {
            for_each_expression: { references: ['var.nets'] },
            module: {
              resources: [roleBlock],
              outputs: { role_arn: { expression: { references: ['aws_iam_role.r.arn', 'aws_iam_role.r'] } } },
            },
          },
          other: {
            module: {
              resources: [roleBlock],
              outputs: { role_arn: { expression: { references: ['aws_iam_role.r.arn', 'aws_iam_role.r'] } } },
            },
          },
        },
      },
    },
  };
}

describe('reference targets among many instances', () => {
  it('a module output without a key leads to the resource of every instance of the module, and only to them', async () => {
    const inv = await loadPlan(tempFile('p.json', JSON.stringify(plan())));
    expect(asUnknown(byAddress(inv, 'aws_lambda_function.all').values.role).refs).toEqual([
      'module.net["a"].aws_iam_role.r',
      'module.net["b"].aws_iam_role.r',
    ]);
  });

  it('a module output of one instance leads to that instance, with what is known of its ARN', async () => {
    const inv = await loadPlan(tempFile('p.json', JSON.stringify(plan())));
    const one = asUnknown(byAddress(inv, 'aws_lambda_function.one').values.role);
    expect(one.refs).toEqual(['module.net["b"].aws_iam_role.r']);
    expect(one.pattern).toBe('arn:aws:iam::*:role/role-b*');
  });

  it('an instance the plan destroys is no target', async () => {
    const p = plan() as {
      resource_changes: { address: string; change: Record<string, unknown> }[];
      planned_values: { root_module: { child_modules: { address: string }[] } };
    };
    const gone = p.resource_changes.find((rc) => rc.address === 'module.net["a"].aws_iam_role.r')!;
    gone.change = { actions: ['delete'], before: { name: 'role-a', arn: 'arn:aws:iam::123456789012:role/role-a' }, after: null };
    p.planned_values.root_module.child_modules = p.planned_values.root_module.child_modules.filter((m) => m.address !== 'module.net["a"]');
    const inv = await loadPlan(tempFile('p.json', JSON.stringify(p)));
    expect(asUnknown(byAddress(inv, 'aws_lambda_function.all').values.role).refs).toEqual(['module.net["b"].aws_iam_role.r']);
  });
});
