import { describe, expect, it } from 'vitest';
import { webhookReplay } from './rule.js';
import { Unknown, type ValueObject } from '../../model/value.js';
import { opaque } from '../../../test/support/builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from '../../../test/support/helpers.js';
import type { System } from '../../../test/support/system.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

const RECEIVER = 'module.ingestion.aws_lambda_function.function';
const vars = (s: System): ValueObject => (s.fns.receiver.values.environment as ValueObject[])[0]!.variables as ValueObject;

describe('SI-10 webhook replay prevented within 5 minutes', () => {
  for (const shape of SHAPES) {
    describe(shape, () => {
      it('passes the reference system', () => {
        const c = run(webhookReplay, scenario(shape), shape);
        expect(c.status).toBe('pass');
        expect(c.examined.map((e) => e.observed)).toEqual(['REPLAY_WINDOW_SECONDS = 300 s', 'ttl.enabled = true']);
      });

      it('a replay window of 600 s fails at the variable; only SI-10 fails', () => {
        const rs = scenario(shape, (s) => {
          vars(s).REPLAY_WINDOW_SECONDS = '600';
        });
        expectOnly(rs, shape, { 'SI-10': 'fail' });
        expect(findingOn(run(webhookReplay, rs, shape), RECEIVER)).toMatchObject({
          attr: 'environment.variables.REPLAY_WINDOW_SECONDS',
          message:
            'REPLAY_WINDOW_SECONDS = "600" on webhook receiver ztait-webhook-receiver allows a replay window of 600 s (more than 300 s)',
        });
      });

      it('a dedup table without TTL fails; only SI-10 fails', () => {
        const rs = scenario(shape, (s) => {
          delete s.tables.dedup.values.ttl;
        });
        expectOnly(rs, shape, { 'SI-10': 'fail' });
        const f = findingOn(run(webhookReplay, rs, shape), 'module.foundation.aws_dynamodb_table.table["dedup"]');
        expect(f).toMatchObject({
          kind: 'fail',
          key: 'ttl',
          message: 'dedup table ztait-dedup has no ttl block (ttl.enabled must be true)',
        });
        // the block's own path: located at a `dynamic "ttl"` when there is one, else at the resource
        expect(f.attr).toBe('ttl');
      });
    });
  }

  it('reads the unit from the name or the value', () => {
    const window = (name: string, value: string) =>
      run(
        webhookReplay,
        scenario('static', (s) => {
          delete vars(s).REPLAY_WINDOW_SECONDS;
          vars(s)[name] = value;
        }),
      );
    expect(window('REPLAY_WINDOW_MINUTES', '5').status).toBe('pass');
    expect(window('REPLAY_WINDOW_MINUTES', '10').findings[0]!.message).toMatch(/allows a replay window of 600 s/);
    expect(window('REPLAY_TOLERANCE_MS', '300000').status).toBe('pass');
    expect(window('REPLAY_TOLERANCE_MS', '300001').status).toBe('fail');
    expect(window('replayWindow', '10m').status).toBe('fail');
    expect(window('REPLAY_WINDOW', 'five minutes').status).toBe('error');
  });

  it('a missing setting fails, an unknown one is error, ttl.enabled false fails at the attribute', () => {
    const missing = scenario('static', (s) => {
      delete vars(s).REPLAY_WINDOW_SECONDS;
    });
    expect(findingOn(run(webhookReplay, missing), RECEIVER).message).toBe(
      'webhook receiver ztait-webhook-receiver has no replay window setting (no environment variable whose name contains "replay")',
    );
    const unknown = scenario('static', (s) => {
      vars(s).REPLAY_WINDOW_SECONDS = opaque('var.replay_window has no value');
    });
    expect(run(webhookReplay, unknown)).toMatchObject({ status: 'error' });
    const off = scenario('static', (s) => {
      s.tables.dedup.values.ttl = [{ attribute_name: 'expires_at', enabled: false }];
    });
    expect(findingOn(run(webhookReplay, off), 'module.foundation.aws_dynamodb_table.table["dedup"]').attr).toBe('ttl.enabled');
  });

  it('reads an environment whose keys are known and some values are not (a plan)', () => {
    const rs = scenario('static', (s) => {
      const known = vars(s);
      s.fns.receiver.values.environment = [
        {
          variables: new Unknown('environment.0.variables is known only after apply', {
            structure: { ...known, REPLAY_WINDOW_SECONDS: '900' },
          }),
        },
      ];
    });
    expect(findingOn(run(webhookReplay, rs), RECEIVER).message).toMatch(/REPLAY_WINDOW_SECONDS = "900" .* 900 s/);
  });

  it('a TTL gap is error; no webhook route is not applicable', () => {
    expect(
      run(webhookReplay, scenario('live'), 'live', { 'aws_dynamodb_table.ttl': 'dynamodb:DescribeTimeToLive AccessDenied' }).status,
    ).toBe('error');
    expect(run(webhookReplay, []).status).toBe('not_applicable');
  });
});

describe('SI-10 when the tables could not be listed', () => {
  it('a missing dedup table is error, not fail, when the table listing failed', () => {
    const rs = scenario('live').filter((r) => r.type !== 'aws_dynamodb_table');
    const c = run(webhookReplay, rs, 'live', {
      aws_dynamodb_table: 'dynamodb:ListTables failed: AccessDenied (missing permission dynamodb:ListTables)',
    });
    expect(c.status).toBe('error');
    expect(c.findings.filter((f) => f.kind === 'fail')).toEqual([]);
    expect(findingOn(c, RECEIVER)).toMatchObject({ kind: 'error', message: expect.stringContaining('dynamodb:ListTables') });
  });
});
