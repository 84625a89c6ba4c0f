/**
 * Whatever a source hands over (wrong types, unknowns anywhere, references to nothing), no rule
 * crashes, every finding names a resource and says why, and the same inventory gives the same outcome.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVARIANTS } from '../../src/rules/registry.js';
import type { Resource } from '../../src/model/inventory.js';
import { RefObject, Unknown, type Value, type ValueObject } from '../../src/model/value.js';
import { check, inventory, res, toLive } from '../support/builder.js';
import { system } from '../support/system.js';

const TYPES = [
  'aws_lambda_function',
  'aws_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_egress_rule',
  'aws_subnet',
  'aws_route_table',
  'aws_route',
  'aws_route_table_association',
  'aws_main_route_table_association',
  'aws_internet_gateway',
  'aws_vpc_endpoint',
  'aws_vpc',
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_iam_role_policy_attachment',
  'aws_iam_policy_attachment',
  'aws_iam_policy',
  'aws_dynamodb_table',
  'aws_dynamodb_table_item',
  'aws_cloudtrail',
  'aws_s3_bucket',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_versioning',
  'aws_secretsmanager_secret',
  'aws_secretsmanager_secret_rotation',
  'aws_apigatewayv2_api',
  'aws_apigatewayv2_route',
  'aws_apigatewayv2_integration',
  'aws_apigatewayv2_authorizer',
  'aws_ssm_parameter',
  'aws_s3_object',
];
const KEYS = [
  'name',
  'function_name',
  'bucket',
  'id',
  'arn',
  'role',
  'roles',
  'policy',
  'policy_arn',
  'permissions_boundary',
  'inline_policy',
  'managed_policy_arns',
  'vpc_config',
  'subnet_ids',
  'security_group_ids',
  'environment',
  'variables',
  'egress',
  'protocol',
  'ip_protocol',
  'from_port',
  'to_port',
  'cidr_blocks',
  'security_group_id',
  'type',
  'vpc_id',
  'route',
  'cidr_block',
  'gateway_id',
  'nat_gateway_id',
  'route_table_id',
  'subnet_id',
  'service_name',
  'vpc_endpoint_type',
  'point_in_time_recovery',
  'server_side_encryption',
  'ttl',
  'enabled',
  'item',
  'table_name',
  's3_bucket_name',
  'enable_logging',
  'versioning_configuration',
  'status',
  'secret_id',
  'rotation_rules',
  'automatically_after_days',
  'schedule_expression',
  'route_key',
  'target',
  'integration_uri',
  'api_id',
  'authorization_type',
  'authorizer_id',
  'authorizer_type',
  'jwt_configuration',
  'issuer',
  'audience',
  'value',
  'key',
  'content',
];
const STRINGS = [
  '',
  '*',
  '-1',
  'tcp',
  'udp',
  '443',
  '0.0.0.0/0',
  '::/0',
  'igw-1',
  'JWT',
  'NONE',
  'Enabled',
  'Suspended',
  'true',
  'false',
  'POST /webhooks/github',
  'GET /incidents',
  'integrations/x',
  'ztait-audit',
  'ztait-dedup',
  'ztait-triage',
  'slack',
  'pagerduty',
  'arn:aws:iam::aws:policy/AdministratorAccess',
  'rate(45 days)',
  'cron(0 0 1 * ? *)',
  'com.amazonaws.eu-west-1.events',
  '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
  '{"Statement":',
  'You are an assistant that follows the rules.',
  'REPLAY_WINDOW_SECONDS',
  'X-Hub-Signature-256',
  '{"pk":{"S":"prompt"}}',
];

describe('robustness', () => {
  it('no rule throws on arbitrary Terraform-shaped values, and findings are well formed', () => {
    const addresses = TYPES.map((t, i) => `${t}.r${i}`);
    const leaf: fc.Arbitrary<Value> = fc.oneof(
      fc.constantFrom(...STRINGS),
      fc.integer({ min: -2, max: 70000 }),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(...addresses).map((a) => new Unknown(`${a}.id is known only after apply`, { refs: [a] })),
      fc
        .constantFrom('*', 'arn:aws:dynamodb:*:*:table/ztait-*', 'com.amazonaws.*.dynamodb')
        .map((p) => new Unknown('template', { pattern: p })),
      fc.constant(new Unknown('var.x has no value')),
      fc.constantFrom(...addresses).map((a) => new RefObject(a, a.split('.')[0]!, {})),
    );
    const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 4 }) as fc.Arbitrary<Value>,
      ),
    })).v;
    const resource = fc.tuple(
      fc.integer({ min: 0, max: TYPES.length - 1 }),
      fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 8 }),
    );
    fc.assert(
      fc.property(fc.array(resource, { maxLength: 12 }), fc.boolean(), (specs, withGaps) => {
        const rs: Resource[] = specs.map(([t, values], i) => res(TYPES[t]!, `r${t}`, values as ValueObject, { key: i }));
        const inv = inventory(rs, withGaps ? { gaps: { aws_iam_role: 'iam:ListRoles AccessDenied' } } : {});
        for (const rule of INVARIANTS) {
          const c = check(rule, inv);
          for (const f of c.findings) {
            expect(f.message.length).toBeGreaterThan(10);
            expect(rs.includes(f.resource) || f.resource.address === 'aws_cloudtrail').toBe(true);
          }
          if (c.status === 'not_applicable') expect(c.reason).toBeTruthy();
          expect(check(rule, inv)).toEqual(c);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('no rule throws when attributes of the reference system are replaced by arbitrary values', () => {
    const base = system().all();
    const leaf: fc.Arbitrary<Value> = fc.oneof(
      fc.constantFrom(...STRINGS),
      fc.integer({ min: -2, max: 70000 }),
      fc.constant(null),
      fc.constant([]),
      fc.constant([{}]),
      fc.constant(new Unknown('var.x has no value')),
      fc.constantFrom(...base.map((r) => r.address)).map((a) => new Unknown(`${a}.arn is known only after apply`, { refs: [a] })),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(40), leaf), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (edits, live) => {
          const rs = system().all();
          for (const [i, k, v] of edits) {
            const r = rs[i]!;
            const keys = Object.keys(r.values);
            if (keys.length > 0) r.values[keys[k % keys.length]!] = v;
          }
          const inv = inventory(live ? toLive(rs) : rs);
          for (const rule of INVARIANTS) {
            const c = check(rule, inv);
            expect(['pass', 'fail', 'error', 'not_applicable']).toContain(c.status);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('fails closed: an attribute becoming unknown never turns a fail or an error into a pass', () => {
    const base = system().all();
    // Names are recognition heuristics (prompt stores, webhook sources, integrations): a name that
    // becomes unknown is no evidence either way, so edits here do not rename things.
    const leaf: fc.Arbitrary<Value> = fc.oneof(
      fc.constantFrom(...STRINGS.filter((x) => !/prompt|slack|pagerduty|github|webhook|ztait-/i.test(x))),
      fc.integer({ min: -2, max: 70000 }),
      fc.constant(null),
      fc.constant([]),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(40), leaf), { minLength: 1, maxLength: 3 }),
        fc.nat(2),
        (edits, which) => {
          const broken = system().all();
          const touched: [Resource, string][] = [];
          for (const [i, k, v] of edits) {
            const r = broken[i]!;
            const keys = Object.keys(r.values);
            if (keys.length === 0) continue;
            const key = keys[k % keys.length]!;
            r.values[key] = v;
            touched.push([r, key]);
          }
          if (touched.length === 0) return;
          const before = INVARIANTS.map((rule) => check(rule, inventory(broken)).status);
          const [r, key] = touched[which % touched.length]!;
          r.values[key] = new Unknown('var.x has no value');
          INVARIANTS.forEach((rule, n) => {
            const after = check(rule, inventory(broken)).status;
            if (before[n] === 'fail' || before[n] === 'error') expect(after, `${rule.id} ${r.address}.${key}`).not.toBe('pass');
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('every rule on the reference system, both shapes, is deterministic', () => {
    for (const rs of [system().all(), toLive(system().all())]) {
      const inv = inventory(rs);
      for (const rule of INVARIANTS) expect(check(rule, inv)).toEqual(check(rule, inventory(rs)));
    }
  });
});
