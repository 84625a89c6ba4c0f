import { describe, expect, it } from 'vitest';
import { dynamodbEncrypted } from './rule.js';
import { dynamodbPitr } from '../si-06-dynamodb-pitr/rule.js';
import { lines } from '../../../test/support/builder.js';
import { SHAPES, expectOnly, run, scenario } from '../../../test/support/helpers.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

const AUDIT = 'module.foundation.aws_dynamodb_table.table["audit"]';

describe('SI-5 DynamoDB tables encrypted at rest', () => {
  for (const shape of SHAPES) {
    it(`pass the reference system with evidence (${shape})`, () => {
      const sse = run(dynamodbEncrypted, scenario(shape), shape);
      const pitr = run(dynamodbPitr, scenario(shape), shape);
      expect([sse.status, pitr.status]).toEqual(['pass', 'pass']);
      expect(sse.examined.map((e) => e.observed)).toEqual(Array(7).fill('server_side_encryption.enabled = true'));
      expect(pitr.examined.map((e) => e.observed)).toEqual(Array(7).fill('point_in_time_recovery.enabled = true'));
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

  it('not applicable without tables', () => {
    expect(run(dynamodbEncrypted, [])).toMatchObject({ status: 'not_applicable', reason: 'no aws_dynamodb_table in the inventory' });
  });
});
