import { describe, expect, it } from 'vitest';
import { lambdaInVpc } from './rule.js';
import type { ValueObject } from '../../model/value.js';
import { lines, opaque, res } from '../../../test/support/builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from '../../../test/support/helpers.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

const TRIAGE = 'module.triage.aws_lambda_function.function';

describe('SI-2 all Lambda functions execute within a VPC', () => {
  for (const shape of SHAPES) {
    it(`passes the reference system (${shape})`, () => {
      const c = run(lambdaInVpc, scenario(shape), shape);
      expect(c.status).toBe('pass');
      expect(c.examined).toHaveLength(7);
      expect(c.examined[0]!.observed).toBe('vpc_config.subnet_ids: 2 subnet(s), vpc_config.security_group_ids: 1 security group(s)');
    });

    it(`fails a function without vpc_config, and only SI-2 fails (${shape})`, () => {
      const rs = scenario(shape, (s) => {
        delete s.fns.triage.values.vpc_config;
      });
      expectOnly(rs, shape, { 'SI-2': 'fail' });
      const f = findingOn(run(lambdaInVpc, rs, shape), TRIAGE);
      expect(f).toMatchObject({
        kind: 'fail',
        attr: 'vpc_config',
        message: 'function ztait-triage has no vpc_config: it runs outside any VPC',
      });
    });

    it(`fails empty subnet_ids and empty security_group_ids (${shape})`, () => {
      const rs = scenario(shape, (s) => {
        s.fns.triage.values.vpc_config = [{ subnet_ids: [], security_group_ids: [] }];
      });
      expect(lines(run(lambdaInVpc, rs, shape))).toEqual([
        `fail ${TRIAGE} vpc_config.subnet_ids: function ztait-triage has no subnet in vpc_config.subnet_ids`,
        `fail ${TRIAGE} vpc_config.security_group_ids: function ztait-triage has no security group in vpc_config.security_group_ids`,
      ]);
    });
  }

  it('errors when subnet_ids is unknown as a whole, passes a list of unknown references', () => {
    const rs = scenario('static', (s) => {
      (s.fns.triage.values.vpc_config as ValueObject[])[0]!.subnet_ids = opaque(
        'module.network.private_subnet_ids (remote module not fetched)',
      );
    });
    const c = run(lambdaInVpc, rs);
    expect(c.status).toBe('error');
    expect(findingOn(c, TRIAGE).message).toBe(
      'vpc_config.subnet_ids of function ztait-triage is unknown: module.network.private_subnet_ids (remote module not fetched)',
    );
  });

  it('errors on a Lambda collection gap, not applicable without functions', () => {
    const c = run(lambdaInVpc, [], 'live', { aws_lambda_function: 'lambda:ListFunctions AccessDenied' });
    expect(c.status).toBe('error');
    expect(c.errors).toEqual(['aws_lambda_function not collected: lambda:ListFunctions AccessDenied']);
    const na = run(lambdaInVpc, [res('aws_dynamodb_table', 't', { name: 'x' })]);
    expect(na).toMatchObject({ status: 'not_applicable', reason: 'no aws_lambda_function in the inventory' });
  });
});
