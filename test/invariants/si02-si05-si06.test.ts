import { describe, expect, it } from 'vitest';
import { lambdaInVpc } from '../../src/rules/si-02-lambda-in-vpc/rule.js';
import { dynamodbEncrypted } from '../../src/rules/si-05-dynamodb-encrypted/rule.js';
import { dynamodbPitr } from '../../src/rules/si-06-dynamodb-pitr/rule.js';
import type { ValueObject } from '../../src/model/value.js';
import { lines, opaque, res } from './builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from './helpers.js';

const AUDIT = 'module.foundation.aws_dynamodb_table.table["audit"]';
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
      expect(f).toMatchObject({ kind: 'fail', attr: 'vpc_config', message: 'function ztait-triage has no vpc_config: it runs outside any VPC' });
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
      (s.fns.triage.values.vpc_config as ValueObject[])[0]!.subnet_ids = opaque('module.network.private_subnet_ids (remote module not fetched)');
    });
    const c = run(lambdaInVpc, rs);
    expect(c.status).toBe('error');
    expect(findingOn(c, TRIAGE).message).toBe('vpc_config.subnet_ids of function ztait-triage is unknown: module.network.private_subnet_ids (remote module not fetched)');
  });

  it('errors on a Lambda collection gap, not applicable without functions', () => {
    const c = run(lambdaInVpc, [], 'live', { aws_lambda_function: 'lambda:ListFunctions AccessDenied' });
    expect(c.status).toBe('error');
    expect(c.errors).toEqual(['aws_lambda_function not collected: lambda:ListFunctions AccessDenied']);
    const na = run(lambdaInVpc, [res('aws_dynamodb_table', 't', { name: 'x' })]);
    expect(na).toMatchObject({ status: 'not_applicable', reason: 'no aws_lambda_function in the inventory' });
  });
});

describe('SI-5 DynamoDB tables encrypted at rest / SI-6 PITR', () => {
  for (const shape of SHAPES) {
    it(`pass the reference system with evidence (${shape})`, () => {
      const sse = run(dynamodbEncrypted, scenario(shape), shape);
      const pitr = run(dynamodbPitr, scenario(shape), shape);
      expect([sse.status, pitr.status]).toEqual(['pass', 'pass']);
      expect(sse.examined.map((e) => e.observed)).toEqual(Array(7).fill('server_side_encryption.enabled = true'));
      expect(pitr.examined.map((e) => e.observed)).toEqual(Array(7).fill('point_in_time_recovery.enabled = true'));
    });

    it(`SI-6 fails enabled = false at the attribute, and only SI-6 fails (${shape})`, () => {
      const rs = scenario(shape, (s) => {
        s.tables.audit.values.point_in_time_recovery = [{ enabled: false }];
      });
      expectOnly(rs, shape, { 'SI-6': 'fail' });
      expect(findingOn(run(dynamodbPitr, rs, shape), AUDIT)).toMatchObject({
        kind: 'fail',
        attr: 'point_in_time_recovery.enabled',
        message: 'point_in_time_recovery.enabled is false on table ztait-audit',
      });
    });

    it(`SI-6 fails a missing block at the block (${shape})`, () => {
      const rs = scenario(shape, (s) => {
        delete s.tables.dedup.values.point_in_time_recovery;
      });
      const f = findingOn(run(dynamodbPitr, rs, shape), 'module.foundation.aws_dynamodb_table.table["dedup"]');
      expect(f.message).toBe('table ztait-dedup has no point_in_time_recovery block (point_in_time_recovery.enabled must be true)');
      // the block's own path: the engine locates it at a `dynamic` block if any, else at the resource
      expect(f.attr).toBe('point_in_time_recovery');
      expect(f.key).toBe('point_in_time_recovery');
    });

    it(`SI-5 fails a missing or disabled server_side_encryption, and only SI-5 fails (${shape})`, () => {
      const rs = scenario(shape, (s) => {
        delete s.tables.incidents.values.server_side_encryption;
        s.tables.audit.values.server_side_encryption = [{ enabled: false }];
      });
      expectOnly(rs, shape, { 'SI-5': 'fail' });
      expect(lines(run(dynamodbEncrypted, rs, shape))).toEqual([
        'fail module.foundation.aws_dynamodb_table.table["incidents"] server_side_encryption: table ztait-incidents has no server_side_encryption block (server_side_encryption.enabled must be true)',
        `fail ${AUDIT} server_side_encryption.enabled: server_side_encryption.enabled is false on table ztait-audit`,
      ]);
    });
  }

  it('an unknown enabled (a variable without value) is error, never pass', () => {
    const rs = scenario('static', (s) => {
      s.tables.audit.values.point_in_time_recovery = [{ enabled: opaque('var.pitr_enabled has no value') }];
    });
    const c = run(dynamodbPitr, rs);
    expect(c.status).toBe('error');
    expect(findingOn(c, AUDIT)).toMatchObject({ kind: 'error', attr: 'point_in_time_recovery.enabled', message: 'point_in_time_recovery.enabled is unknown: var.pitr_enabled has no value (table ztait-audit)' });
  });

  it('a PITR collection gap makes SI-6 error but not SI-5', () => {
    const gaps = { 'aws_dynamodb_table.point_in_time_recovery': 'dynamodb:DescribeContinuousBackups AccessDenied' };
    const rs = scenario('live');
    expect(run(dynamodbPitr, rs, 'live', gaps)).toMatchObject({ status: 'error', reason: 'aws_dynamodb_table.point_in_time_recovery not collected: dynamodb:DescribeContinuousBackups AccessDenied' });
    expect(run(dynamodbEncrypted, rs, 'live', gaps).status).toBe('pass');
    expect(run(dynamodbEncrypted, rs, 'live', { aws_dynamodb_table: 'dynamodb:ListTables AccessDenied' }).status).toBe('error');
  });

  it('not applicable without tables', () => {
    expect(run(dynamodbEncrypted, [])).toMatchObject({ status: 'not_applicable', reason: 'no aws_dynamodb_table in the inventory' });
  });
});
