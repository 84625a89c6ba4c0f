import { describe, expect, test } from 'vitest';
import { referencesOf, type Expr } from '../../src/hcl/ast.js';
import { HclSyntaxError, isTemplateString, parseExpression, parseHclFile } from '../../src/hcl/parser.js';

describe('parseHclFile', () => {
  test('blocks keyed by type and labels, bodies as arrays, expressions as template strings', async () => {
    const json = await parseHclFile(
      'main.tf',
      `
variable "pitr" {
  default = false
}
resource "aws_dynamodb_table" "audit" {
  name = "ztait-audit"
  point_in_time_recovery {
    enabled = var.pitr
  }
}
`,
    );
    expect(json).toEqual({
      variable: { pitr: [{ default: false }] },
      resource: {
        aws_dynamodb_table: {
          audit: [{ name: 'ztait-audit', point_in_time_recovery: [{ enabled: '${var.pitr}' }] }],
        },
      },
    });
  });

  test('a syntax error is an HclSyntaxError with file, line and column', async () => {
    const text = 'locals {\n  a = 1\n  b = 1 +\n}\n';
    const err = await parseHclFile('broken.tf', text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HclSyntaxError);
    const e = err as HclSyntaxError;
    expect(e.file).toBe('broken.tf');
    expect(e.line).toBe(3);
    expect(e.column).toBe(10);
    expect(e.detail).toMatch(/Invalid expression/);
    expect(e.message).toMatch(/^broken\.tf:3:10: Invalid expression/);
  });

  test('several diagnostics: the first is reported, the others counted', async () => {
    const err = (await parseHclFile('two.tf', 'a = "x\nb = ]\n').catch((e: unknown) => e)) as HclSyntaxError;
    expect(err).toBeInstanceOf(HclSyntaxError);
    expect(err.line).toBe(1);
    expect(err.detail).toMatch(/\(and \d+ more errors?\)$/);
  });
});

describe('isTemplateString', () => {
  test.each([
    ['plain', false],
    ['${var.x}', true],
    ['a %{if x}y%{endif}', true],
    ['$${escaped}', false],
    ['%%{escaped}', false],
    ['$${a} ${b}', true],
    ['100% sure $5', false],
  ])('%s -> %s', (s, expected) => {
    expect(isTemplateString(s)).toBe(expected);
  });
});

describe('parseExpression', () => {
  test('a plain string is a literal with $${ unescaped', async () => {
    expect(await parseExpression('cost is $${x}')).toEqual({ kind: 'literal', value: 'cost is ${x}' });
  });

  test('a lone interpolation is the inner expression (no string conversion)', async () => {
    expect(await parseExpression('${var.x.y[0]["k"]}')).toEqual({
      kind: 'traversal',
      root: 'var',
      steps: [
        { kind: 'attr', name: 'x' },
        { kind: 'attr', name: 'y' },
        { kind: 'index', key: 0 },
        { kind: 'index', key: 'k' },
      ],
    });
  });

  test('literal text is decoded: escapes survive the round trip through quoting', async () => {
    const src = 'line1\n\t"quoted" back\\slash é ${x}';
    const expr = await parseExpression(src);
    expect(expr).toEqual({
      kind: 'template',
      parts: [
        { kind: 'literal', value: 'line1\n\t"quoted" back\\slash é ' },
        { kind: 'traversal', root: 'x', steps: [] },
      ],
    });
  });

  test('raw HCL inside ${} keeps its own strings, braces and nested templates', async () => {
    const expr = await parseExpression('${jsonencode({a = "b}\\n", c = "${d}"})}');
    expect(expr.kind).toBe('call');
    const call = expr as Extract<Expr, { kind: 'call' }>;
    expect(call.name).toBe('jsonencode');
    expect(call.args[0]).toEqual({
      kind: 'object',
      entries: [
        { key: 'a', value: { kind: 'literal', value: 'b}\n' } },
        { key: 'c', value: { kind: 'traversal', root: 'd', steps: [] } },
      ],
    });
  });

  test('object keys: bare names are literal, others are expressions', async () => {
    const expr = (await parseExpression('${{a = 1, "b c" = 2, (k) = 3, var.x = 4, for = 5}}')) as Extract<Expr, { kind: 'object' }>;
    expect(expr.entries.map((e) => e.key)).toEqual([
      'a',
      { kind: 'literal', value: 'b c' },
      { kind: 'traversal', root: 'k', steps: [] },
      { kind: 'traversal', root: 'var', steps: [{ kind: 'attr', name: 'x' }] },
      'for',
    ]);
  });

  test('for expressions map their children by position', async () => {
    expect(await parseExpression('${{for k, v in m : upper(k) => v... if v != null}}')).toMatchObject({
      kind: 'for',
      keyVar: 'k',
      valVar: 'v',
      isObject: true,
      grouped: true,
      collection: { kind: 'traversal', root: 'm' },
      key: { kind: 'call', name: 'upper' },
      value: { kind: 'traversal', root: 'v' },
      cond: { kind: 'binary', op: 'notEqual' },
    });
    const list = await parseExpression('${[for x in l : x]}');
    expect(list).toMatchObject({ kind: 'for', valVar: 'x', isObject: false, value: { kind: 'traversal', root: 'x' } });
    expect(list).not.toHaveProperty('cond');
    expect(list).not.toHaveProperty('key');
  });

  test('splats, relative traversals and dynamic indexes', async () => {
    expect(await parseExpression('${a[*].b[c].d}')).toEqual({
      kind: 'splat',
      source: { kind: 'traversal', root: 'a', steps: [] },
      each: {
        kind: 'getAttr',
        name: 'd',
        target: {
          kind: 'index',
          target: { kind: 'getAttr', name: 'b', target: { kind: 'splatItem' } },
          key: { kind: 'traversal', root: 'c', steps: [] },
        },
      },
    });
    expect(await parseExpression('${f(x)[0].y}')).toMatchObject({
      kind: 'getAttr',
      name: 'y',
      target: { kind: 'index', key: { kind: 'literal', value: 0 }, target: { kind: 'call', name: 'f' } },
    });
  });

  test('strip markers trim the neighbouring literal text', async () => {
    const expr = await parseExpression('a  ${~ x ~}  b %{~ if c ~}  yes  %{~ endif ~} z');
    expect(expr).toEqual({
      kind: 'template',
      parts: [
        { kind: 'literal', value: 'a' },
        { kind: 'traversal', root: 'x', steps: [] },
        { kind: 'literal', value: 'b' },
        {
          kind: 'conditional',
          cond: { kind: 'traversal', root: 'c', steps: [] },
          then: { kind: 'literal', value: 'yes' },
          else: { kind: 'literal', value: '' },
        },
        { kind: 'literal', value: 'z' },
      ],
    });
  });

  test('a malformed expression throws HclSyntaxError at its position in the source string', async () => {
    const err = (await parseExpression('ok ${1 +}').catch((e: unknown) => e)) as HclSyntaxError;
    expect(err).toBeInstanceOf(HclSyntaxError);
    expect(err.file).toBe('<expr>');
    expect(err.line).toBe(1);
    expect(err.column).toBe(9);
    const multi = (await parseExpression('x\n${jsonencode({\n  a = ,\n})}').catch((e: unknown) => e)) as HclSyntaxError;
    expect(multi.line).toBe(3);
    expect(multi.column).toBe(7);
  });

  test('parses are cached by source', async () => {
    const a = await parseExpression('${cached.value}');
    const b = await parseExpression('${cached.value}');
    expect(b).toBe(a);
  });
});

describe('referencesOf', () => {
  test('lists static references, not names bound by for expressions', async () => {
    const expr = await parseExpression('${[for u in var.users : "${u.name}-${local.suffix}" if u.enabled]} ${aws_iam_role.r.arn}');
    expect(referencesOf(expr)).toEqual([
      ['var', 'users'],
      ['local', 'suffix'],
      ['aws_iam_role', 'r', 'arn'],
    ]);
  });
});
