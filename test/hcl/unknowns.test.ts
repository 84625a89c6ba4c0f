/**
 * How values known only after apply and evaluation errors flow through expressions: refs are kept,
 * partially known strings keep a glob pattern, jsonencode keeps the structure, and try()/can() tell
 * a pending value from a failure. Nothing throws.
 */
import { describe, expect, test } from 'vitest';
import { evaluate, evaluateString, isEvalError } from '../../src/hcl/evaluate.js';
import { callFunction } from '../../src/hcl/functions.js';
import { RefObject, Unknown, type Value } from '../../src/model/value.js';
import { run, tableContext } from './helpers.js';

const audit = new RefObject(
  'aws_dynamodb_table.audit',
  'aws_dynamodb_table',
  { name: 'ztait-audit' },
  'arn:aws:dynamodb:*:*:table/ztait-audit',
);
const sg = new RefObject('aws_security_group.lambda', 'aws_security_group', {});
const bucket = new RefObject('aws_s3_bucket.logs', 'aws_s3_bucket', { bucket: 'ztait-logs' }, 'arn:aws:s3:::ztait-logs');
const pendingFlag = new Unknown('module.remote.enabled comes from a remote module', { refs: ['module.remote'] });

const table: Record<string, Value> = {
  'aws_dynamodb_table.audit': audit,
  'aws_security_group.lambda': sg,
  'aws_s3_bucket.logs': bucket,
  'var.flag': pendingFlag,
  'var.names': ['a', 'b'],
  'var.obj': { known: 'yes' },
  'local.list_with_ref': ['x', sg.get('id')],
};

const ev = (src: string): Promise<Value> => run(src, table);

function asUnknown(v: Value): Unknown {
  expect(v).toBeInstanceOf(Unknown);
  return v as Unknown;
}

describe('references', () => {
  test('a computed attribute of a resource is an Unknown pointing at it', async () => {
    const u = asUnknown(await ev('${aws_security_group.lambda.id}'));
    expect(u.refs).toEqual(['aws_security_group.lambda']);
    expect(isEvalError(u)).toBe(false);
  });

  test('a known attribute of a resource is its value', async () => {
    expect(await ev('${aws_dynamodb_table.audit.name}')).toBe('ztait-audit');
  });

  test('a list keeps its unknown elements as elements', async () => {
    const v = (await ev('${[aws_security_group.lambda.id, "sg-known"]}')) as Value[];
    expect(v).toHaveLength(2);
    expect(asUnknown(v[0]!).refs).toEqual(['aws_security_group.lambda']);
    expect(v[1]).toBe('sg-known');
  });

  test('resolve receives the whole leading traversal and the evaluator applies what is not consumed', async () => {
    const ctx = tableContext({ 'var.obj': { a: { b: [10, 20] } } });
    expect(await evaluateString('${var.obj.a.b[1]}', ctx)).toBe(20);
    expect(ctx.calls).toEqual([['var', 'obj', 'a', 'b', 1]]);
  });

  test('attribute access and indexing on an Unknown keep its refs', async () => {
    const u = asUnknown(await ev('${var.flag.x["y"][0]}'));
    expect(u.refs).toEqual(['module.remote']);
    expect(isEvalError(u)).toBe(false);
  });

  test('a whole resource object in a string template is an error that keeps the ref', async () => {
    const u = asUnknown(await ev('id: ${aws_security_group.lambda}'));
    expect(u.refs).toEqual(['aws_security_group.lambda']);
  });
});

describe('templates with unknown parts', () => {
  test("the pattern puts the unknown part's own pattern in place", async () => {
    const u = asUnknown(await ev('${aws_dynamodb_table.audit.arn}/index/*'));
    expect(u.pattern).toBe('arn:aws:dynamodb:*:*:table/ztait-audit/index/*');
    expect(u.refs).toEqual(['aws_dynamodb_table.audit']);
    expect(u.reason).toMatch(/aws_dynamodb_table\.audit\.arn/);
  });

  test('an unknown without a pattern becomes *', async () => {
    const u = asUnknown(await ev('sg=${aws_security_group.lambda.id};bucket=${aws_s3_bucket.logs.arn}'));
    expect(u.pattern).toBe('sg=*;bucket=arn:aws:s3:::ztait-logs');
    expect([...u.refs].sort()).toEqual(['aws_s3_bucket.logs', 'aws_security_group.lambda']);
  });

  test('format() and join() build the same patterns', async () => {
    expect(asUnknown(await ev('${format("%s/*", aws_s3_bucket.logs.arn)}')).pattern).toBe('arn:aws:s3:::ztait-logs/*');
    expect(asUnknown(await ev('${join(",", local.list_with_ref)}')).pattern).toBe('x,*');
  });

  test('a template for over a list with unknown elements', async () => {
    const u = asUnknown(await ev('%{for x in local.list_with_ref}[${x}]%{endfor}'));
    expect(u.pattern).toBe('[x][*]');
  });
});

describe('jsonencode / jsondecode', () => {
  test('jsonencode of a policy with a resource reference keeps structure, pattern and refs', async () => {
    const u = asUnknown(
      await ev(
        '${jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = ["dynamodb:PutItem"], Resource = aws_dynamodb_table.audit.arn}]})}',
      ),
    );
    expect(u.refs).toEqual(['aws_dynamodb_table.audit']);
    expect(u.pattern).toBe(
      '{"Statement":[{"Action":["dynamodb:PutItem"],"Effect":"Allow","Resource":"arn:aws:dynamodb:*:*:table/ztait-audit"}],"Version":"2012-10-17"}',
    );
    const structure = u.structure as { Statement: { Resource: Value; Action: Value }[] };
    expect(structure.Statement[0]!.Action).toEqual(['dynamodb:PutItem']);
    expect(asUnknown(structure.Statement[0]!.Resource).pattern).toBe('arn:aws:dynamodb:*:*:table/ztait-audit');
  });

  test('an unknown without a pattern is a bare * in the JSON pattern', async () => {
    const u = asUnknown(await ev('${jsonencode({Resource = [aws_security_group.lambda.arn, "x"]})}'));
    expect(u.pattern).toBe('{"Resource":[*,"x"]}');
  });

  test('jsondecode of such an Unknown gives the structure back', async () => {
    const v = (await ev('${jsondecode(jsonencode({Statement = [{Resource = aws_s3_bucket.logs.arn}]}))}')) as {
      Statement: { Resource: Value }[];
    };
    expect(asUnknown(v.Statement[0]!.Resource).refs).toEqual(['aws_s3_bucket.logs']);
  });

  test('nested for inside jsonencode over known values stays a plain string', async () => {
    expect(await ev('${jsonencode({for n in var.names : n => [for i in range(2) : "${n}${i}"]})}')).toBe(
      '{"a":["a0","a1"],"b":["b0","b1"]}',
    );
  });

  test('yamlencode of an unknown keeps structure and a pattern', async () => {
    const u = asUnknown(await ev('${yamlencode({arn = aws_s3_bucket.logs.arn})}'));
    expect(u.pattern).toBe('"arn": "arn:aws:s3:::ztait-logs"\n');
    expect(u.structure).toBeDefined();
  });
});

describe('try and can', () => {
  test.each([
    ['try(var.missing, "fallback")', 'fallback'],
    ['try(var.obj.absent, "fallback")', 'fallback'],
    ['try(var.obj.known, "fallback")', 'yes'],
    ['try(var.names[5], "fallback")', 'fallback'],
    ['try(undefined_function_xyz(1), "fallback")', 'fallback'],
    ['try(file("does-not-exist.txt"), "fallback")', 'fallback'],
    ['try(tonumber("abc"), 0)', 0],
    ['try(upper(var.missing), "fallback")', 'fallback'],
    ['try({a = var.missing}, "whole value failed")', 'whole value failed'],
    ['can(var.missing)', false],
    ['can(var.obj.absent)', false],
    ['can(var.obj.known)', true],
    ['can(regex("^a", "abc"))', true],
    ['can(regex("^z", "abc"))', false],
  ])('%s', async (src, expected) => {
    expect(await ev(`\${${src}}`)).toEqual(expected);
  });

  test('try returns a value known only after apply instead of falling back', async () => {
    const u = asUnknown(await ev('${try(aws_security_group.lambda.id, "fallback")}'));
    expect(u.refs).toEqual(['aws_security_group.lambda']);
    expect(isEvalError(u)).toBe(false);
    expect(asUnknown(await ev('${try(timestamp(), "fallback")}')).reason).toMatch(/timestamp/);
  });

  test('can of a pending value is unknown', async () => {
    const u = asUnknown(await ev('${can(aws_security_group.lambda.id)}'));
    expect(u.refs).toEqual(['aws_security_group.lambda']);
  });

  test('try with every argument failing is an error naming the last failure', async () => {
    const u = asUnknown(await ev('${try(var.missing, var.also_missing)}'));
    expect(isEvalError(u)).toBe(true);
    expect(u.reason).toMatch(/var\.also_missing/);
  });
});

describe('propagation through operators and functions', () => {
  test('operators union the refs of their unknown operands', async () => {
    const u = asUnknown(await ev('${aws_security_group.lambda.id == aws_s3_bucket.logs.id}'));
    expect([...u.refs].sort()).toEqual(['aws_s3_bucket.logs', 'aws_security_group.lambda']);
    expect(asUnknown(await ev('${length(var.flag) + 1}')).refs).toEqual(['module.remote']);
  });

  test('&& and || are decided by a known operand even when the other is unknown', async () => {
    expect(await ev('${false && var.flag}')).toBe(false);
    expect(await ev('${var.flag || true}')).toBe(true);
    expect(asUnknown(await ev('${var.flag && true}')).refs).toEqual(['module.remote']);
  });

  test('a conditional with an unknown condition is unknown with the refs of all branches', async () => {
    const u = asUnknown(await ev('${var.flag ? aws_s3_bucket.logs.arn : aws_dynamodb_table.audit.arn}'));
    expect(u.reason).toMatch(/condition is known only after apply/);
    expect([...u.refs].sort()).toEqual(['aws_dynamodb_table.audit', 'aws_s3_bucket.logs', 'module.remote']);
  });

  test('a conditional with an unknown condition but equal branches is that value', async () => {
    expect(await ev('${var.flag ? "same" : "same"}')).toBe('same');
  });

  test('for over an unknown collection, length and keys of an unknown are unknown', async () => {
    for (const src of ['${[for x in var.flag : x]}', '${length(var.flag)}', '${keys(var.flag)}', '${var.flag[*].id}']) {
      expect(asUnknown(await ev(src)).refs).toEqual(['module.remote']);
    }
  });

  test('a for with an unknown condition is unknown', async () => {
    expect(asUnknown(await ev('${[for x in var.names : x if var.flag]}')).refs).toEqual(['module.remote']);
  });

  test('coalesce with an unknown first argument is unknown; a known first argument decides', async () => {
    expect(asUnknown(await ev('${coalesce(aws_security_group.lambda.id, "x")}')).refs).toEqual(['aws_security_group.lambda']);
    expect(await ev('${coalesce("x", aws_security_group.lambda.id)}')).toBe('x');
  });

  test('contains decides when a known element matches, else is unknown', async () => {
    expect(await ev('${contains(local.list_with_ref, "x")}')).toBe(true);
    expect(asUnknown(await ev('${contains(local.list_with_ref, "y")}')).refs).toEqual(['aws_security_group.lambda']);
  });

  test('toset keeps unknown elements after the sorted known ones', async () => {
    const v = (await ev('${toset(["b", aws_security_group.lambda.id, "a", "b"])}')) as Value[];
    expect(v.slice(0, 2)).toEqual(['a', 'b']);
    expect(asUnknown(v[2]!).refs).toEqual(['aws_security_group.lambda']);
  });

  test('merge with unknown values keeps them; merge with an unknown argument is unknown', async () => {
    const v = (await ev('${merge({a = 1}, {b = aws_security_group.lambda.id})}')) as Record<string, Value>;
    expect(v.a).toBe(1);
    expect(asUnknown(v.b!).refs).toEqual(['aws_security_group.lambda']);
    expect(asUnknown(await ev('${merge({a = 1}, var.flag)}')).refs).toEqual(['module.remote']);
  });

  test('an error stays an error through further operations', async () => {
    const u = asUnknown(await ev('${upper(var.missing)}-suffix'));
    expect(isEvalError(u)).toBe(true);
    expect(u.reason).toMatch(/var\.missing/);
  });

  test('timestamp() and uuid() are pending values, not errors', async () => {
    for (const src of ['${timestamp()}', '${uuid()}']) {
      const u = asUnknown(await ev(src));
      expect(isEvalError(u)).toBe(false);
      expect(u.reason).toMatch(/known only after apply/);
    }
  });
});

describe('errors are values, never exceptions', () => {
  test.each([
    ['${var.missing}', /reference to undeclared var\.missing/],
    ['${frobnicate(1)}', /function frobnicate is not supported/],
    ['${provider::aws::arn_parse("x")}', /function provider::aws::arn_parse is not supported/],
    ['${file("x.zip")}', /file\("x\.zip"\): file not found/],
    ['${filebase64sha256("build/lambda.zip")}', /filebase64sha256\("build\/lambda\.zip"\): file not found/],
    ['${templatefile("missing.tftpl", {})}', /templatefile\("missing\.tftpl"\): file not found/],
    ['${1 + "a"}', /must be a number/],
    ['${var.names[9]}', /out of range/],
    ['${var.obj.nope}', /no attribute "nope"/],
    ['${var.names.attr}', /cannot read attribute "attr" of a list/],
    ['${1 / 0}', /division by zero/],
    ['${upper()}', /takes 1 argument/],
    ['${element([], 0)}', /empty list/],
    ['${{for x in ["a", "a"] : x => 1}}', /duplicate key "a"/],
    ['${regex("(", "x")}', /invalid regular expression/],
    ['${cidrsubnet("10.0.0.0/30", 8, 1)}', /insufficient address space/],
    ['a ${null} b', /null/],
  ])('%s', async (src, reason) => {
    const u = asUnknown(await ev(src));
    expect(isEvalError(u)).toBe(true);
    expect(u.reason).toMatch(reason);
  });

  test('a malformed expression string evaluates to an error, it does not throw', async () => {
    const u = asUnknown(await ev('${1 +}'));
    expect(isEvalError(u)).toBe(true);
    expect(u.reason).toMatch(/invalid expression/);
  });

  test('an unsupported AST node evaluates to an error', async () => {
    const u = asUnknown(await evaluate({ kind: 'unsupported', what: 'thing' }, tableContext({})));
    expect(u.reason).toMatch(/unsupported expression: thing/);
  });

  test('a resolve() that throws is reported, not propagated', async () => {
    const ctx = { baseDir: '.', resolve: () => Promise.reject(new Error('boom')) };
    const u = asUnknown(await evaluateString('${var.x}', ctx));
    expect(u.reason).toMatch(/boom/);
  });

  test('callFunction on an unknown name', () => {
    const v = callFunction('nope', [], tableContext({}));
    expect(isEvalError(v)).toBe(true);
  });
});
