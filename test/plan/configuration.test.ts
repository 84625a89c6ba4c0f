import { describe, expect, it } from 'vitest';
import { addressMatches, formatAddress, parseAddress, splitTraversal } from '../../src/sources/plan/address.js';
import { PlanConfiguration } from '../../src/sources/plan/configuration.js';
import type { ConfigResource, ModuleConfig } from '../../src/sources/plan/format.js';

describe('addresses', () => {
  it.each([
    ['aws_sg.lambda', { modules: [], mode: 'managed', type: 'aws_sg', name: 'lambda' }],
    ['data.aws_iam_policy_document.x["a.b"]', { modules: [], mode: 'data', type: 'aws_iam_policy_document', name: 'x', key: 'a.b' }],
    [
      'module.a["k\\"q"].module.b[2].aws_x.y[0]',
      {
        modules: [
          { name: 'a', key: 'k"q' },
          { name: 'b', key: 2 },
        ],
        mode: 'managed',
        type: 'aws_x',
        name: 'y',
        key: 0,
      },
    ],
  ])('%s parses and formats back', (text, parsed) => {
    expect(parseAddress(text)).toEqual(parsed);
    expect(formatAddress(parseAddress(text)!)).toBe(text);
  });

  it('rejects what is not a resource address', () => {
    expect(parseAddress('module.a')).toBeUndefined();
    expect(parseAddress('aws_x.y.id')).toBeUndefined();
    expect(parseAddress('aws_x.y[')).toBeUndefined();
    expect(splitTraversal('aws_x.y[*].id')).toEqual([{ name: 'aws_x' }, { name: 'y' }, { key: undefined }, { name: 'id' }]);
  });

  it('a keyless pattern designates every instance, in every module instance', () => {
    const pattern = parseAddress('module.m.aws_x.y')!;
    expect(addressMatches(pattern, parseAddress('module.m["a"].aws_x.y[1]')!)).toBe(true);
    expect(addressMatches(parseAddress('module.m["a"].aws_x.y')!, parseAddress('module.m["b"].aws_x.y[1]')!)).toBe(false);
    expect(addressMatches(pattern, parseAddress('aws_x.y')!)).toBe(false);
  });
});

const ref = (...references: string[]): { references: string[] } => ({ references });

/** root: module "net" (for_each) with an SG, output sg; module "app" takes sg_ids = [module.net.sg] and var.extra. */
const ROOT: ModuleConfig = {
  variables: { extra: {} },
  resources: [],
  module_calls: {
    net: {
      for_each_expression: ref('var.nets'),
      module: {
        resources: [{ address: 'aws_security_group.sg', mode: 'managed', type: 'aws_security_group', name: 'sg' }],
        outputs: {
          sg: { expression: ref('aws_security_group.sg.id', 'aws_security_group.sg') },
          via_local: { expression: ref('local.x') },
        },
      },
    },
    app: {
      expressions: {
        sg_ids: ref('module.net.sg', 'module.net'),
        extra: ref('var.extra'),
        hidden: ref('module.net.via_local', 'module.net'),
      },
      module: {
        resources: [
          {
            address: 'aws_lambda_function.f',
            mode: 'managed',
            type: 'aws_lambda_function',
            name: 'f',
            expressions: {
              role: ref('aws_iam_role.r.arn', 'aws_iam_role.r'),
              vpc_config: [{ security_group_ids: ref('var.sg_ids'), subnet_ids: { constant_value: ['subnet-1'] } }],
            },
          },
        ],
      },
    },
  },
};

describe('references through the configuration', () => {
  const config = new PlanConfiguration(ROOT);
  const f = config.resource({ modules: [{ name: 'app' }], mode: 'managed', type: 'aws_lambda_function', name: 'f' }) as ConfigResource;

  it('finds the expression of a value, of a whole block, and says when there is none', () => {
    expect(config.expressionAt(f, ['role'], () => undefined)).toEqual({ refs: ['aws_iam_role.r.arn', 'aws_iam_role.r'] });
    expect(config.expressionAt(f, ['vpc_config', 0, 'security_group_ids', 3], () => undefined)).toEqual({ refs: ['var.sg_ids'] });
    expect(config.expressionAt(f, ['vpc_config'], () => undefined)).toEqual({ refs: ['var.sg_ids'], block: true });
    expect(config.expressionAt(f, ['arn'], () => undefined)).toBe('unset');
    expect(config.expressionAt(f, ['vpc_config', 0, 'vpc_id'], () => undefined)).toBe('unset');
  });

  it('follows a module input to the calling argument and a module output to its resource', () => {
    const r = config.resolve(['var.sg_ids'], [{ name: 'app' }]);
    expect(r.targets).toEqual([
      { address: { modules: [{ name: 'net' }], mode: 'managed', type: 'aws_security_group', name: 'sg' }, attr: 'id' },
    ]);
    expect(r.opaque).toEqual([]);
  });

  it('names locals as opaque and root variables as inputs', () => {
    expect(config.resolve(['var.hidden'], [{ name: 'app' }]).opaque).toEqual(['local.x']);
    expect(config.resolve(['var.extra'], [{ name: 'app' }]).rootVars).toEqual(['extra']);
    // an ephemeral resource is in no plan (a write-only argument may read one)
    expect(
      config.resolve(
        ['ephemeral.aws_secretsmanager_random_password.p.random_password', 'ephemeral.aws_secretsmanager_random_password.p'],
        [],
      ),
    ).toEqual({
      targets: [],
      opaque: ['ephemeral.aws_secretsmanager_random_password.p.random_password'],
      rootVars: [],
    });
  });

  it('resolves in the module instance it is asked from, and stops on cycles', () => {
    const r = config.resolve(['aws_iam_role.r.arn', 'aws_iam_role.r'], [{ name: 'app', key: 'x' }]);
    expect(r.targets).toEqual([
      { address: { modules: [{ name: 'app', key: 'x' }], mode: 'managed', type: 'aws_iam_role', name: 'r' }, attr: 'arn' },
    ]);
    const loop = new PlanConfiguration({
      module_calls: { m: { expressions: { a: ref('module.m.o') }, module: { outputs: { o: { expression: ref('var.a') } } } } },
    });
    expect(loop.resolve(['module.m.o'], []).targets).toEqual([]);
  });

  it('resolves an expression once per module instance, and once per instance key when it reads each', () => {
    const refs = ['aws_iam_role.r.arn', 'aws_iam_role.r'];
    const a = config.resolve(refs, [{ name: 'app', key: 'a' }], { key: 'x' });
    expect(config.resolve(refs, [{ name: 'app', key: 'a' }], { key: 'y' })).toBe(a);
    expect(config.resolve(refs, [{ name: 'app', key: 'b' }]).targets.map((t) => t.address.modules)).toEqual([[{ name: 'app', key: 'b' }]]);
    const each = ['aws_iam_role.r', 'each.key'];
    expect(config.resolve(each, [], { key: 'x' }).targets.map((t) => t.preferKey)).toEqual(['x']);
    expect(config.resolve(each, [], { key: 'y' }).targets.map((t) => t.preferKey)).toEqual(['y']);
    expect(config.resolve(each, [], { key: 0 }).targets.map((t) => t.preferKey)).toEqual([0]);
    expect(config.resolve(each, [], { key: '0' }).targets.map((t) => t.preferKey)).toEqual(['0']);
    // each.value reads the block's for_each: another block's for_each is another expression
    const value = ['each.value'];
    expect(config.resolve(value, [], { key: 'k', forEach: ref('aws_sqs_queue.a') }).targets.map((t) => t.address.name)).toEqual(['a']);
    expect(config.resolve(value, [], { key: 'k', forEach: ref('aws_sqs_queue.b') }).targets.map((t) => t.address.name)).toEqual(['b']);
  });

  it('keeps the most specific of references that extend one another, in their order, however many', () => {
    const r = config.resolve(['aws_x.yz', 'aws_x.y', 'aws_x.y.id', 'aws_x.yz[0]', 'aws_w.v', 'aws_x.y'], []);
    expect(r.targets.map((t) => [t.address.type, t.address.name, t.address.key, t.attr])).toEqual([
      ['aws_x', 'y', undefined, 'id'],
      ['aws_x', 'yz', 0, undefined],
      ['aws_w', 'v', undefined, undefined],
    ]);
    // a list of every instance's attribute (Terraform lists each `aws_q.q[i].arn` and `aws_q.q[i]`)
    const many = Array.from({ length: 5000 }, (_, i) => [`aws_q.q[${i}].arn`, `aws_q.q[${i}]`]).flat();
    const all = config.resolve(many, []);
    expect(all.targets).toHaveLength(5000);
    expect(all.targets.every((t) => t.attr === 'arn')).toBe(true);
  });

  it('a module, output or variable named like a built-in property is looked up as a key', () => {
    for (const ref of ['module.constructor.x', 'module.toString', 'var.__proto__', 'module.app.constructor']) {
      expect(config.resolve([ref], []).targets).toEqual([]);
    }
    expect(config.resolve(['var.constructor'], [{ name: 'app' }]).targets).toEqual([]);
    expect(config.variable('constructor')).toBeUndefined();
    expect(config.resource({ modules: [{ name: 'constructor' }], mode: 'managed', type: 'aws_x', name: 'y' })).toBeUndefined();
  });

  it('matches planned blocks to configured ones by their constants, whatever the order', () => {
    const doc: ConfigResource = {
      address: 'data.aws_iam_policy_document.d',
      mode: 'data',
      type: 'aws_iam_policy_document',
      name: 'd',
      expressions: {
        statement: [
          { sid: { constant_value: 'A' }, resources: ref('aws_s3_bucket.a.arn', 'aws_s3_bucket.a') },
          { sid: { constant_value: 'B' }, resources: ref('aws_s3_bucket.b.arn', 'aws_s3_bucket.b') },
        ],
      },
    };
    const planned = (sids: string[]) => (prefix: (string | number)[]) =>
      prefix.length === 2 ? { sid: sids[prefix[1] as number]! } : undefined;
    // the plan lists B first (and a dynamic block C the configuration section leaves out)
    expect(config.expressionAt(doc, ['statement', 0, 'resources', 0], planned(['B', 'C', 'A']))).toEqual({
      refs: ['aws_s3_bucket.b.arn', 'aws_s3_bucket.b'],
    });
    expect(config.expressionAt(doc, ['statement', 2, 'resources', 0], planned(['B', 'C', 'A']))).toEqual({
      refs: ['aws_s3_bucket.a.arn', 'aws_s3_bucket.a'],
    });
    // a block no configured block matches (from a dynamic block): the references of all of them
    expect(config.expressionAt(doc, ['statement', 1, 'resources', 0], planned(['B', 'C', 'A']))).toEqual({
      refs: ['aws_s3_bucket.a.arn', 'aws_s3_bucket.a', 'aws_s3_bucket.b.arn', 'aws_s3_bucket.b'],
      block: true,
    });
  });
});

describe('the instance a keyed reference designates', () => {
  /** root: roles for_each, a module "fn" whose input role_arns is a map of them, and a module "ident" with the same map as output. */
  const keyed = new PlanConfiguration({
    resources: [],
    module_calls: {
      fn: { expressions: { role_arns: ref('aws_iam_role.r') }, module: { resources: [] } },
      ident: { module: { resources: [], outputs: { role_arns: { expression: ref('aws_iam_role.r') } } } },
    },
  });
  const prefer = (refs: string[], modules: { name: string }[], key?: string | number): unknown[] =>
    keyed.resolve(refs, modules, key !== undefined ? { key } : {}).targets.map((t) => t.preferKey);

  it('aws_x.y[count.index] of a counted resource is the target of the same index, per instance', () => {
    const refs = ['aws_security_group.sg', 'count.index'];
    expect(prefer(refs, [], 0)).toEqual([0]);
    expect(prefer(refs, [], 1)).toEqual([1]);
  });

  it('a map variable or module output read at the own key or at a literal key prefers the instance of that key', () => {
    expect(prefer(['var.role_arns', 'each.key'], [{ name: 'fn' }], 'engine')).toEqual(['engine']);
    expect(prefer(['var.role_arns', 'count.index'], [{ name: 'fn' }], 1)).toEqual([1]);
    expect(prefer(['var.role_arns["engine"]', 'var.role_arns'], [{ name: 'fn' }])).toEqual(['engine']);
    expect(prefer(['module.ident.role_arns["engine"]', 'module.ident.role_arns', 'module.ident'], [])).toEqual(['engine']);
    expect(prefer(['module.ident.role_arns', 'module.ident', 'each.key'], [], 'receiver')).toEqual(['receiver']);
  });

  it('not when something else could compute the key, or the key is not read', () => {
    // aws_x.y[var.names[each.key]]: the key is the variable's entry
    expect(prefer(['aws_iam_role.r', 'var.names', 'each.key'], [], 'a')).toEqual([undefined]);
    // two variables: which one is indexed is not known
    expect(prefer(['var.role_arns', 'var.names', 'each.key'], [{ name: 'fn' }], 'a')).toEqual([undefined]);
    expect(prefer(['var.role_arns'], [{ name: 'fn' }], 'a')).toEqual([undefined]);
  });

  it('a constant of the JSON syntax with references is a template, not the planned value (blocks still align)', () => {
    const json: ConfigResource = {
      address: 'aws_lambda_function.f',
      mode: 'managed',
      type: 'aws_lambda_function',
      name: 'f',
      expressions: {
        vpc_config: [
          {
            security_group_ids: { constant_value: ['${var.sg_id}'], references: ['var.sg_id'] },
            subnet_ids: { constant_value: '${var.subnet_ids}', references: ['var.subnet_ids'] },
          },
        ],
      },
    };
    const planned = (prefix: (string | number)[]) => (prefix.length === 2 ? { ipv6_allowed_for_dual_stack: false } : undefined);
    expect(keyed.expressionAt(json, ['vpc_config', 0, 'security_group_ids'], planned)).toEqual({ refs: ['var.sg_id'] });
    expect(keyed.expressionAt(json, ['vpc_config', 0, 'vpc_id'], planned)).toBe('unset');
  });
});
