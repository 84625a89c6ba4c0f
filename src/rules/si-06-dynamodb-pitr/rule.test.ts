import { describe, expect, it } from 'vitest';
import { dynamodbPitr } from './rule.js';
import { dynamodbEncrypted } from '../si-05-dynamodb-encrypted/rule.js';
import { opaque } from '../../../test/support/builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from '../../../test/support/helpers.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

const AUDIT = 'module.foundation.aws_dynamodb_table.table["audit"]';

describe('SI-6 DynamoDB tables have PITR', () => {
  for (const shape of SHAPES) {
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
  }

  it('an unknown enabled (a variable without value) is error, never pass', () => {
    const rs = scenario('static', (s) => {
      s.tables.audit.values.point_in_time_recovery = [{ enabled: opaque('var.pitr_enabled has no value') }];
    });
    const c = run(dynamodbPitr, rs);
    expect(c.status).toBe('error');
    expect(findingOn(c, AUDIT)).toMatchObject({
      kind: 'error',
      attr: 'point_in_time_recovery.enabled',
      message: 'point_in_time_recovery.enabled is unknown: var.pitr_enabled has no value (table ztait-audit)',
    });
  });

  it('a PITR collection gap makes SI-6 error but not SI-5', () => {
    const gaps = { 'aws_dynamodb_table.point_in_time_recovery': 'dynamodb:DescribeContinuousBackups AccessDenied' };
    const rs = scenario('live');
    expect(run(dynamodbPitr, rs, 'live', gaps)).toMatchObject({
      status: 'error',
      reason: 'aws_dynamodb_table.point_in_time_recovery not collected: dynamodb:DescribeContinuousBackups AccessDenied',
    });
    expect(run(dynamodbEncrypted, rs, 'live', gaps).status).toBe('pass');
    expect(run(dynamodbEncrypted, rs, 'live', { aws_dynamodb_table: 'dynamodb:ListTables AccessDenied' }).status).toBe('error');
  });
});
