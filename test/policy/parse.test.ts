import { describe, expect, it } from 'vitest';
import { RefObject, Unknown, type Value } from '../../src/model/value.js';
import { parsePolicy } from '../../src/policy/parse.js';
import type { PolicyStatement } from '../../src/policy/types.js';

const ok = (v: Value | undefined): PolicyStatement[] => {
  const r = parsePolicy(v, 'test.policy');
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`);
  expect(r.policy.origin).toBe('test.policy');
  return r.policy.statements;
};
const fails = (v: Value | undefined) => {
  const r = parsePolicy(v, 'test.policy');
  if (r.ok) throw new Error('expected a parse failure');
  expect(r.error).not.toMatch(/\n/);
  return r;
};

const DENY_ASSUME = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }] };

describe('parsePolicy: accepted forms', () => {
  it.each<[string, Value]>([
    ['a plain object', DENY_ASSUME],
    ['a JSON string', JSON.stringify(DENY_ASSUME)],
    ['a JSON string with whitespace', `\n   ${JSON.stringify(DENY_ASSUME, null, 2)}\n\n`],
    ['a raw heredoc', `<<EOF\n${JSON.stringify(DENY_ASSUME, null, 2)}\nEOF\n`],
    ['an indented heredoc', `<<-POLICY\n    ${JSON.stringify(DENY_ASSUME)}\n    POLICY`],
    ['a single Statement object', { Version: '2012-10-17', Statement: DENY_ASSUME.Statement[0]! }],
    ['an Unknown with structure', new Unknown('jsonencode of a partly unknown object', { structure: DENY_ASSUME })],
  ])('%s', (_name, v) => {
    expect(ok(v)).toEqual([{ effect: 'Deny', action: ['sts:AssumeRole'], resource: ['*'], hasCondition: false }]);
  });

  it('normalises strings to lists and keeps Sid, NotAction, NotResource, Principal, Condition', () => {
    const [a, b] = ok({
      Statement: [
        {
          Sid: 'S1',
          Effect: 'Allow',
          NotAction: 'iam:*',
          NotResource: ['arn:aws:s3:::x'],
          Condition: { Bool: { 'aws:SecureTransport': 'true' } },
        },
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: 'arn:aws:s3:::b/*' },
      ],
    });
    expect(a).toEqual({ sid: 'S1', effect: 'Allow', notAction: ['iam:*'], notResource: ['arn:aws:s3:::x'], hasCondition: true });
    expect(b).toEqual({
      effect: 'Deny',
      action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      resource: ['arn:aws:s3:::b/*'],
      principal: { AWS: ['*'] },
      hasCondition: false,
    });
  });

  it('accepts a trust policy (Principal, no Resource) and Principal "*"', () => {
    const [st] = ok({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] });
    expect(st).toEqual({ effect: 'Allow', principal: '*', action: ['sts:AssumeRole'], hasCondition: false });
  });

  it('reads an empty Condition and a null element as absent', () => {
    const [st] = ok({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: {}, NotResource: null }] });
    expect(st!.hasCondition).toBe(false);
    expect(st!.notResource).toBeUndefined();
  });

  it('accepts an empty statement list', () => {
    expect(ok({ Version: '2012-10-17', Statement: [] })).toEqual([]);
  });
});

describe('parsePolicy: unknown parts', () => {
  const arn = new Unknown('aws_dynamodb_table.audit.arn is known only after apply', {
    refs: ['aws_dynamodb_table.audit'],
    pattern: 'arn:aws:dynamodb:*:*:table/ztait-audit',
  });
  it('Resource: the pattern of an Unknown, `*` without one; partiallyUnknown', () => {
    const [st] = ok({ Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: [arn, new Unknown('var.x')] }] });
    expect(st).toMatchObject({ resource: ['arn:aws:dynamodb:*:*:table/ztait-audit', '*'], partiallyUnknown: true });
  });
  it('Resource: a RefObject uses its ARN pattern', () => {
    const ref = new RefObject('aws_s3_bucket.b', 'aws_s3_bucket', {}, 'arn:aws:s3:::ztait-*');
    const [st] = ok({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: ref }] });
    expect(st).toMatchObject({ resource: ['arn:aws:s3:::ztait-*'], partiallyUnknown: true });
  });
  it('Action unknown: `*` (an Allow then grants it all; a Deny is marked so it guarantees nothing)', () => {
    const u = new Unknown('var.actions');
    expect(ok({ Statement: [{ Effect: 'Allow', Action: u, Resource: '*' }] })[0]).toMatchObject({ action: ['*'], partiallyUnknown: true });
    expect(ok({ Statement: [{ Effect: 'Deny', Action: [u], Resource: '*' }] })[0]).toMatchObject({ action: ['*'], partiallyUnknown: true });
  });
  it('NotAction / NotResource unknown: dropped in an Allow (grants more), `*` in a Deny (covers less)', () => {
    const u = new Unknown('var.excluded');
    expect(ok({ Statement: [{ Effect: 'Allow', NotAction: ['iam:*', u], Resource: '*' }] })[0]).toMatchObject({
      notAction: ['iam:*'],
      partiallyUnknown: true,
    });
    expect(ok({ Statement: [{ Effect: 'Deny', Action: '*', NotResource: [u] }] })[0]).toMatchObject({
      notResource: ['*'],
      partiallyUnknown: true,
    });
  });
  it('Condition unknown: counts as a Condition', () => {
    const [st] = ok({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: new Unknown('var.c') }] });
    expect(st).toMatchObject({ hasCondition: true, partiallyUnknown: true });
  });
  it('an Unknown statement with structure is used', () => {
    const st = new Unknown('dynamic statement', { structure: { Effect: 'Deny', Action: 'sts:*', Resource: '*' } });
    expect(ok({ Statement: [st] })[0]).toEqual({ effect: 'Deny', action: ['sts:*'], resource: ['*'], hasCondition: false });
  });
  it('a JSON template pattern: statements that may hold an unknown part (`*`) are marked', () => {
    const pattern = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*/*' },
        { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::123456789012:role/x' },
      ],
    });
    const [a, b] = ok(new Unknown('templatefile with unknown vars', { pattern: `\n${pattern}\n` }));
    expect(a!.partiallyUnknown).toBe(true);
    expect(b!.partiallyUnknown).toBeUndefined();
  });
});

describe('parsePolicy: invalid and undecidable', () => {
  it.each<[string, Value | undefined, RegExp]>([
    ['missing', undefined, /missing/],
    ['null', null, /missing/],
    ['not JSON', '{"Statement": [', /not valid JSON/],
    ['a number', 42, /not a JSON object/],
    ['a list', [DENY_ASSUME], /not a JSON object/],
    ['no Statement', { Version: '2012-10-17' }, /no Statement/],
    ['an unsupported top-level key', { ...DENY_ASSUME, statement: [] }, /unsupported key "statement"/],
    ['Effect missing', { Statement: [{ Action: '*', Resource: '*' }] }, /statement 0 has no Effect/],
    ['Effect invalid', { Statement: [{ Effect: 'Block', Action: '*', Resource: '*' }] }, /invalid Effect "Block"/],
    ['Effect in the wrong case', { Statement: [{ Effect: 'deny', Action: '*', Resource: '*' }] }, /invalid Effect/],
    [
      'lower-case keys (AWS keys are case-sensitive)',
      { Statement: [{ effect: 'Deny', action: '*', resource: '*' }] },
      /unsupported key "effect"/,
    ],
    [
      'Action and NotAction',
      { Statement: [{ Effect: 'Allow', Action: '*', NotAction: 'iam:*', Resource: '*' }] },
      /both Action and NotAction/,
    ],
    ['neither Action nor NotAction', { Statement: [{ Effect: 'Allow', Resource: '*' }] }, /neither Action nor NotAction/],
    [
      'Resource and NotResource',
      { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', NotResource: 'x' }] },
      /both Resource and NotResource/,
    ],
    ['no Resource in an identity statement', { Statement: [{ Effect: 'Allow', Action: '*' }] }, /neither Resource nor NotResource/],
    ['an empty Action list', { Statement: [{ Effect: 'Allow', Action: [], Resource: '*' }] }, /Action is an empty list/],
    ['a non-string Action', { Statement: [{ Effect: 'Allow', Action: [1], Resource: '*' }] }, /Action must be a string/],
    [
      'a Principal string other than "*"',
      { Statement: [{ Effect: 'Allow', Principal: 'arn:aws:iam::1:root', Action: '*' }] },
      /Principal must be/,
    ],
    ['a Condition that is not an object', { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: 'x' }] }, /Condition/],
  ])('%s -> invalid', (_name, v, why) => {
    const r = fails(v);
    expect(r.unknown).toBe(false);
    expect(r.error).toMatch(why);
  });

  it.each<[string, Value]>([
    ['an Unknown with neither structure nor pattern', new Unknown('aws_iam_policy.x.policy is known only after apply')],
    ['a RefObject', new RefObject('data.aws_iam_policy_document.x', 'aws_iam_policy_document', {})],
    ['an Unknown whose pattern is not JSON', new Unknown('template', { pattern: '{"Statement": *}' })],
    ['an unknown Statement list', { Statement: new Unknown('var.statements') }],
    ['an unknown statement', { Statement: [new Unknown('dynamic')] }],
    ['an unknown Effect', { Statement: [{ Effect: new Unknown('var.effect'), Action: '*', Resource: '*' }] }],
    [
      'a template whose Effect is unknown',
      new Unknown('template', { pattern: '{"Statement":[{"Effect":"*","Action":"s3:*","Resource":"*"}]}' }),
    ],
  ])('%s -> undecidable', (_name, v) => {
    const r = fails(v);
    expect(r.unknown).toBe(true);
    expect(r.error.length).toBeGreaterThan(0);
  });
});
