/**
 * Functions running as a role the inventory does not hold (issue 15 B7): SI-3, SI-4 and SI-7 are
 * `error` for the function, naming it and the role value; roles defined here still bind.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVARIANTS } from '../../src/rules/registry.js';
import { bindRole, outsideRoles } from '../../src/rules/lib/principals.js';
import { auditUndeletable } from '../../src/rules/si-07-audit-undeletable/rule.js';
import { dedicatedSecrets } from '../../src/rules/si-13-dedicated-secrets/rule.js';
import { noAssumeRole } from '../../src/rules/si-03-no-assume-role/rule.js';
import { noIamPolicyWrites } from '../../src/rules/si-04-no-iam-policy-writes/rule.js';
import { InventoryIndex } from '../../src/inventory/index.js';
import type { Resource } from '../../src/model/inventory.js';
import { Unknown, type Value } from '../../src/model/value.js';
import { Ref, check, inventory, lines, opaque, ref, res, tpl } from '../support/builder.js';
import { SHAPES, findingOn, run, scenario, type Shape } from '../support/helpers.js';
import { system, type System } from '../support/system.js';

const TRIAGE_FN = 'module.triage.aws_lambda_function.function';
const IAM_RULES = [noAssumeRole, noIamPolicyWrites, auditUndeletable];

/** The reference system with the triage function's role replaced by `role(s)`. */
function withTriageRole(shape: Shape, role: (s: System) => Value, extra: (s: System) => Resource[] = () => []): Resource[] {
  return scenario(shape, (s) => {
    s.fns.triage.values.role = role(s);
    return extra(s);
  });
}

function statuses(rs: Resource[], shape: Shape): Record<string, string> {
  return Object.fromEntries(INVARIANTS.map((rule) => [rule.id, run(rule, rs, shape).status]));
}

const adminData = (): Resource => res('aws_iam_role', 'admin', { name: 'Admin' }, { mode: 'data' });

/** Role values that designate a role outside the inventory, and a fragment the error must quote. */
const OUTSIDE: [string, (s: System) => Value, string, ((s: System) => Resource[])?][] = [
  ['a literal admin ARN', () => 'arn:aws:iam::123456789012:role/Admin', '"arn:aws:iam::123456789012:role/Admin"'],
  ['a variable without value', () => opaque('var.role_arn has no value (no default, not set in a .tfvars file or --var)'), 'var.role_arn'],
  [
    'an output of a module not loaded',
    () => opaque('module.roles: module source "git::https://x/y.git" is not local and is not fetched'),
    'module.roles',
  ],
  ['a data.aws_iam_role', () => new Ref(adminData(), 'arn'), 'data.aws_iam_role.admin', () => [adminData()]],
  [
    'an ARN built from an unknown account id',
    () => tpl('arn:aws:iam::', opaque('var.account_id has no value'), ':role/Admin'),
    'arn:aws:iam::*:role/Admin',
  ],
  ['a name that is no role here', () => 'OrganizationAccountAccessRole', 'OrganizationAccountAccessRole'],
];

describe('a function whose role the inventory does not define', () => {
  for (const [what, role, quoted, extra] of OUTSIDE) {
    it(`${what}: SI-3, SI-4, SI-7 error naming the function and the role value (static)`, () => {
      const rs = withTriageRole('static', role, extra);
      for (const rule of IAM_RULES) {
        const c = run(rule, rs);
        expect(c.status, `${rule.id}: ${lines(c).join('\n')}`).toBe('error');
        const f = findingOn(c, TRIAGE_FN, 'role');
        expect(f.kind).toBe('error');
        expect(f.message).toContain(`function ztait-triage (${TRIAGE_FN})`);
        expect(f.message).toContain(quoted);
      }
      // Nothing else turns to pass or fail: the roles it could not be are still judged as before.
      const st = statuses(rs, 'static');
      expect(st).toMatchObject({ 'SI-3': 'error', 'SI-4': 'error', 'SI-7': 'error', 'SI-14': 'error' });
      expect(Object.values(st).filter((s) => s === 'fail')).toEqual([]);
    });
  }

  it('live: a function running as a role of another account, or one not collected', () => {
    for (const role of ['arn:aws:iam::999999999999:role/ztait-triage', 'arn:aws:iam::111122223333:role/service-role/legacy-admin']) {
      const rs = withTriageRole('live', () => role);
      for (const rule of IAM_RULES) {
        const c = run(rule, rs, 'live');
        expect(c.status, rule.id).toBe('error');
        expect(findingOn(c, TRIAGE_FN, 'role').message).toContain(role);
      }
    }
  });

  it('a function whose role is one of several roles (a conditional over a variable) cannot be bound', () => {
    // `var.admin ? var.admin_arn : aws_iam_role.x.arn`: the reason is the condition's, the refs only the role's
    const rs = withTriageRole(
      'static',
      (s) => new Unknown('condition is known only after apply (var.admin has no value)', { refs: [s.roles.triage.address] }),
    );
    expect(run(noAssumeRole, rs).status).toBe('error');
    expect(findingOn(run(noAssumeRole, rs), TRIAGE_FN, 'role').message).toContain('computed from module.triage.aws_iam_role.role');
  });

  it('a value computed from a defined role ("${arn}${var.suffix}", "${arn}-admin") is not that role', () => {
    for (const suffix of [opaque('var.suffix has no value'), '-admin']) {
      const rs = withTriageRole('static', (s) => tpl(new Ref(s.roles.triage, 'arn'), suffix));
      expect(run(auditUndeletable, rs).status).toBe('error');
    }
  });

  it('SI-13: a handler running as a data-source role is error, not a pass through a role with no policies', () => {
    const rs = scenario('static', (s) => {
      s.fns.handlers.slack.values.role = new Ref(adminData(), 'arn');
      return [adminData()];
    });
    const c = run(dedicatedSecrets, rs);
    expect(c.status).toBe('error');
    expect(findingOn(c, 'module.actions.aws_lambda_function.function["slack"]', 'role').message).toContain('data.aws_iam_role.admin');
  });

  it('other principals: a state machine or a Bedrock agent running as an outside role', () => {
    const extra = [
      res('aws_sfn_state_machine', 'flow', { name: 'ztait-flow', role_arn: 'arn:aws:iam::123456789012:role/Admin', definition: '{}' }),
      res('aws_bedrockagent_agent', 'agent', { agent_name: 'ztait-agent', agent_resource_role_arn: opaque('var.agent_role has no value') }),
    ];
    const rs = scenario('static', () => extra);
    const c = run(noAssumeRole, rs);
    expect(c.status).toBe('error');
    expect(findingOn(c, 'aws_sfn_state_machine.flow', 'role_arn').message).toContain('state machine ztait-flow');
    expect(findingOn(c, 'aws_bedrockagent_agent.agent', 'agent_resource_role_arn').message).toContain('var.agent_role');
  });
});

describe('property: a role value naming no defined role never leaves SI-3, SI-4 or SI-7 at pass', () => {
  const defined = new Set(
    scenario('static')
      .filter((r) => r.type === 'aws_iam_role')
      .map((r) => String(r.values.name).toLowerCase()),
  );
  const name = fc.stringMatching(/^[\w+=,.@-]{1,24}$/).filter((n) => !defined.has(n.toLowerCase()));
  const value: fc.Arbitrary<Value> = fc.oneof(
    name,
    fc
      .tuple(fc.constantFrom('123456789012', '111122223333', ''), fc.constantFrom('/', '/service-role/', '/ztait/'), name)
      .map(([acct, path, n]) => `arn:aws:iam::${acct}:role${path}${n}`),
    name.map((n) => tpl('arn:aws:iam::', opaque('var.account_id has no value'), `:role/${n}`)),
    fc.string().map((r) => opaque(r === '' ? 'unknown' : r)),
  );
  it('static and live', () => {
    fc.assert(
      fc.property(value, fc.constantFrom<Shape>('static', 'live'), (role, shape) => {
        if (shape === 'live' && typeof role !== 'string') return;
        const rs = withTriageRole(shape, () => role);
        for (const rule of IAM_RULES) expect(run(rule, rs, shape).status, `${rule.id} ${String(role)}`).toBe('error');
      }),
      { numRuns: 40 },
    );
  });
});

describe('roles defined in the configuration still bind and are judged as before', () => {
  const BOUND: [string, (s: System) => Value][] = [
    ['a reference to the role arn (through a module output unchanged)', (s) => ref(s.roles.triage, 'arn')],
    ['the role name', () => 'ztait-triage'],
    ['a literal ARN of the defined role, any account', () => 'arn:aws:iam::123456789012:role/ztait-triage'],
    [
      'an ARN from an unknown account id and the role name',
      () => tpl('arn:aws:iam::', opaque('var.account_id has no value'), ':role/ztait-triage'),
    ],
  ];
  for (const shape of SHAPES) {
    for (const [what, role] of BOUND) {
      // live knows the account (another one is another role), and has no unknown values
      if (shape === 'live' && what.includes('account')) continue;
      it(`${shape}: ${what}`, () => {
        const rs = withTriageRole(shape, role);
        const st = statuses(rs, shape);
        expect(Object.entries(st).filter(([, s]) => s !== 'pass' && s !== 'not_applicable')).toEqual([]);
      });
    }
  }

  it('a for_each instance reference binds to that instance (handlers)', () => {
    const s = system();
    const inv = inventory(s.all());
    const ctx = { inventory: inv, index: new InventoryIndex(inv), prefix: 'ztait-' };
    const b = bindRole(ctx, s.fns.handlers.slack.values.role, `${s.fns.handlers.slack.address}.role`);
    expect(b).toEqual({ kind: 'roles', roles: [s.roles.handlers.slack] });
    expect(outsideRoles(ctx)).toEqual([]);
  });

  it('a plan reference (the attribute itself known only after apply, its references the role) binds', () => {
    const s = system();
    const fn = s.fns.triage;
    fn.values.role = new Unknown(`${fn.address}.role is known only after apply`, {
      refs: [s.roles.triage.address],
      pattern: 'arn:aws:iam::*:role/ztait-triage*',
    });
    expect(check(noAssumeRole, s.all()).status).toBe('pass');
    fn.values.role = new Unknown(`${fn.address}.role is known only after apply`, { refs: ['data.aws_iam_role.admin'] });
    expect(check(noAssumeRole, s.all()).status).toBe('error');
  });
});
