/**
 * Property tests of the expression evaluator (issue 9): whatever expression it is given - a random
 * AST, or a random HCL expression string built from the grammar and parsed by hcl2json - evaluation
 * resolves to a Value (possibly an Unknown), never throws, and never ends in the evaluator's
 * safety net ("internal evaluation error", "internal error"): those mean an exception escaped the
 * code that should have turned the problem into an EvalError. And conversions round-trip.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BinaryOp, Expr } from '../../src/hcl/ast.js';
import { evaluate, evaluateString, type EvalContext } from '../../src/hcl/evaluate.js';
import { supportedFunctions } from '../../src/hcl/functions.js';
import { RefObject, Unknown, isObject, type Value } from '../../src/model/value.js';

const BASE_DIR = mkdtempSync(join(tmpdir(), 'ztait-hardening-eval-'));

/** Names the context knows, with values of every kind (known, unknown, resource objects). */
const TABLE: Record<string, Value> = {
  'var.list': [1, 'two', true, null],
  'var.map': { a: 1, b: 'x', c: [1, 2], 'with space': { deep: true } },
  'var.num': 42,
  'var.str': 'ztait-${not a template}',
  'var.flag': false,
  'var.nothing': null,
  'var.pending': new Unknown('known after apply', { refs: ['aws_s3_bucket.b'] }),
  'var.partial': new Unknown('partly known', { refs: ['aws_kms_key.k'], pattern: 'arn:aws:kms:*:*:key/*' }),
  'local.nested': [
    { name: 'a', ports: [443] },
    { name: 'b', ports: [] },
  ],
  'aws_s3_bucket.b': new RefObject(
    'aws_s3_bucket.b',
    'aws_s3_bucket',
    { bucket: 'ztait-logs', tags: { a: 'b' } },
    'arn:aws:s3:::ztait-logs',
  ),
  'path.module': '.',
  'count.index': 0,
  'each.key': 'k',
  'each.value': { v: 1 },
};

function context(table: Record<string, Value>): EvalContext {
  return {
    baseDir: BASE_DIR,
    resolve(segments) {
      for (let n = segments.length; n > 0; n--) {
        const key = segments.slice(0, n).join('.');
        if (Object.prototype.hasOwnProperty.call(table, key)) return Promise.resolve({ value: table[key]!, consumed: n });
      }
      return Promise.resolve(undefined);
    },
  };
}
const CTX = context(TABLE);

/** A problem, if `v` is not a well-formed Value: no undefined, functions, NaN, foreign objects. */
function malformed(v: unknown, path = '$', depth = 0): string | undefined {
  if (depth > 200) return undefined;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return undefined;
  if (typeof v === 'number') return Number.isNaN(v) ? `${path} is NaN` : undefined;
  if (v instanceof Unknown) return v.structure === undefined ? undefined : malformed(v.structure, `${path}.structure`, depth + 1);
  if (v instanceof RefObject) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) return `${path}[${i}] is a hole`;
      const m = malformed(v[i], `${path}[${i}]`, depth + 1);
      if (m) return m;
    }
    return undefined;
  }
  if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      const m = malformed(x, `${path}.${k}`, depth + 1);
      if (m) return m;
    }
    return undefined;
  }
  return `${path} is a ${typeof v} (${Object.prototype.toString.call(v)})`;
}

/** Reasons of the evaluator's safety net anywhere in the value (an exception that escaped). */
function internalErrors(v: Value, out: string[] = [], depth = 0): string[] {
  if (depth > 200) return out;
  if (v instanceof Unknown) {
    if (/internal (evaluation )?error/.test(v.reason)) out.push(v.reason);
    if (v.structure !== undefined) internalErrors(v.structure, out, depth + 1);
  } else if (Array.isArray(v)) v.forEach((x) => internalErrors(x, out, depth + 1));
  else if (isObject(v)) Object.values(v).forEach((x) => internalErrors(x, out, depth + 1));
  return out;
}

async function expectWellFormed(run: () => Promise<Value>, shown: () => string): Promise<void> {
  let v: Value;
  try {
    v = await run();
  } catch (e) {
    throw new Error(`evaluation threw ${(e as Error)?.stack ?? String(e)}\nfor ${shown()}`);
  }
  expect(malformed(v), shown()).toBeUndefined();
  expect(internalErrors(v), shown()).toEqual([]);
}

// ------------------------------------------------------------------------------ random ASTs

/** Functions that read the disk or hash slowly are left to their own tests; all others are fair game. */
const FUNCTIONS = supportedFunctions().filter((f) => !/^(file|templatefile|bcrypt|abspath|pathexpand)/.test(f));
const NAMES = ['x', 'k', 'v', 'each', 'count', 'var', 'local', 'path', 'self'];
const BINARY_OPS: BinaryOp[] = [
  'add',
  'subtract',
  'multiply',
  'divide',
  'modulo',
  'equal',
  'notEqual',
  'lessThan',
  'lessThanOrEqual',
  'greaterThan',
  'greaterThanOrEqual',
  'and',
  'or',
];

const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '0', '1.5', 'true', 'false', '10.0.0.0/16', 'arn:aws:iam::*:role/x', '{"a":[1,2]}', 'a: [1]'),
);

const traversalRoot = fc.constantFrom('var', 'local', 'aws_s3_bucket', 'path', 'count', 'each', 'data', 'module', 'x', 'v', 'undeclared');
const step = fc.oneof(
  fc.record({
    kind: fc.constant('attr' as const),
    name: fc.constantFrom(
      'list',
      'map',
      'num',
      'str',
      'flag',
      'nothing',
      'pending',
      'partial',
      'nested',
      'b',
      'a',
      'bucket',
      'arn',
      'tags',
      'module',
      'index',
      'key',
      'value',
      'zzz',
    ),
  }),
  fc.record({
    kind: fc.constant('index' as const),
    key: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constantFrom('a', 'b', 'c', 'deep', '')),
  }),
);

const { expr } = fc.letrec<{ expr: Expr }>((tie) => {
  const e = tie('expr');
  const list = (max: number) => fc.array(e, { maxLength: max });
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar.map((value): Expr => ({ kind: 'literal', value })),
      fc.record({ kind: fc.constant('traversal' as const), root: traversalRoot, steps: fc.array(step, { maxLength: 3 }) }),
      fc.record({
        kind: fc.constant('getAttr' as const),
        target: e,
        name: fc.constantFrom('a', 'b', 'name', 'ports', 'arn', 'id', 'tags'),
      }),
      fc.record({ kind: fc.constant('index' as const), target: e, key: e }),
      fc.record({
        kind: fc.constant('splat' as const),
        source: e,
        each: fc.oneof(
          fc.constant<Expr>({ kind: 'splatItem' }),
          fc.record({
            kind: fc.constant('getAttr' as const),
            target: fc.constant<Expr>({ kind: 'splatItem' }),
            name: fc.constantFrom('name', 'a', 'ports'),
          }),
        ),
      }),
      fc.constant<Expr>({ kind: 'splatItem' }),
      fc.record({
        kind: fc.constant('call' as const),
        name: fc.oneof(
          { weight: 9, arbitrary: fc.constantFrom(...FUNCTIONS) },
          { weight: 1, arbitrary: fc.constantFrom('try', 'can', 'nosuchfunction', '') },
        ),
        args: list(3),
        expandLast: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('tuple' as const), items: list(4) }),
      fc.record({
        kind: fc.constant('object' as const),
        entries: fc.array(fc.record({ key: fc.oneof(fc.constantFrom('a', 'b', '__proto__', 'constructor', ''), e), value: e }), {
          maxLength: 3,
        }),
      }),
      fc
        .record({
          kind: fc.constant('for' as const),
          keyVar: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
          valVar: fc.constantFrom(...NAMES),
          collection: e,
          key: fc.option(e, { nil: undefined }),
          value: e,
          cond: fc.option(e, { nil: undefined }),
          grouped: fc.boolean(),
          isObject: fc.boolean(),
        })
        .map((f): Expr => {
          // An absent optional field is left out, as the parser does (exactOptionalPropertyTypes-safe).
          const out: Record<string, unknown> = { ...f };
          for (const k of ['keyVar', 'key', 'cond']) if (out[k] === undefined) delete out[k];
          return out as unknown as Expr;
        }),
      fc.record({ kind: fc.constant('conditional' as const), cond: e, then: e, else: e }),
      fc.record({ kind: fc.constant('unary' as const), op: fc.constantFrom('not' as const, 'negate' as const), operand: e }),
      fc.record({ kind: fc.constant('binary' as const), op: fc.constantFrom(...BINARY_OPS), left: e, right: e }),
      fc.record({ kind: fc.constant('template' as const), parts: list(3) }),
      fc.record({ kind: fc.constant('templateFor' as const), valVar: fc.constantFrom(...NAMES), collection: e, body: e }),
      fc.string({ maxLength: 8 }).map((what): Expr => ({ kind: 'unsupported', what })),
    ),
  };
});

describe('the evaluator on random expression trees', () => {
  it('always resolves to a well-formed Value, without the internal-error safety net', async () => {
    await fc.assert(
      fc.asyncProperty(expr, async (ast) => {
        await expectWellFormed(
          () => evaluate(ast, CTX),
          () => JSON.stringify(ast),
        );
      }),
      { numRuns: 1500 },
    );
  }, 60_000);
});

// ------------------------------------------------------------------------------ random HCL strings

/** Expression source text from (a useful part of) the HCL expression grammar. */
const { src } = fc.letrec<{ src: string }>((tie) => {
  const e = tie('src');
  const quoted = fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{'));
  return {
    src: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('null', 'true', 'false', '0', '1', '-1', '3.25', '1e3', '"s"', '""', '[]', '{}'),
      quoted,
      fc.constantFrom(
        'var.list',
        'var.map',
        'var.map.a',
        'var.map["with space"].deep',
        'var.num',
        'var.str',
        'var.pending',
        'var.partial',
        'local.nested',
        'aws_s3_bucket.b',
        'aws_s3_bucket.b.arn',
        'aws_s3_bucket.b.tags.a',
        'path.module',
        'count.index',
        'each.key',
        'each.value.v',
        'var.undeclared',
        'module.m.out',
        'data.x.y.z',
      ),
      fc.tuple(e, fc.constantFrom('.a', '.name', '[0]', '[1]', '["a"]', '[*].name', '.*', '[-1]')).map(([x, s]) => `(${x})${s}`),
      fc.tuple(e, e).map(([a, b]) => `(${a})[${b}]`),
      fc
        .tuple(fc.constantFrom(...FUNCTIONS, 'try', 'can', 'nosuch'), fc.array(e, { maxLength: 3 }), fc.boolean())
        .map(([f, args, dots]) => `${f}(${args.join(', ')}${dots && args.length > 0 ? '...' : ''})`),
      fc.array(e, { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
      fc
        .array(fc.tuple(fc.constantFrom('a', 'b', '"k"', '(var.str)', '"${var.num}"'), e), { maxLength: 3 })
        .map((kv) => `{ ${kv.map(([k, v]) => `${k} = ${v}`).join(', ')} }`),
      fc.tuple(e, e, e).map(([c, t, f]) => `${c} ? ${t} : ${f}`),
      fc.tuple(fc.constantFrom('!', '-'), e).map(([op, x]) => `${op}(${x})`),
      fc
        .tuple(e, fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||'), e)
        .map(([a, op, b]) => `(${a}) ${op} (${b})`),
      fc.tuple(e, e, fc.option(e, { nil: undefined })).map(([coll, v, cond]) => `[for i, x in ${coll} : ${v}${cond ? ` if ${cond}` : ''}]`),
      fc.tuple(e, e, e, fc.boolean()).map(([coll, k, v, group]) => `{for k, x in ${coll} : ${k} => ${v}${group ? '...' : ''}}`),
      fc.tuple(fc.string({ maxLength: 5 }), e).map(([lit, x]) => `"${lit.replace(/["\\$%\n\r]/g, '')}\${${x}}"`),
      fc.tuple(e, e).map(([coll, body]) => `"%{ for x in ${coll} }\${${body}}%{ endfor }"`),
      fc.tuple(e, e, e).map(([c, a, b]) => `"%{ if ${c} }\${${a}}%{ else }\${${b}}%{ endif }"`),
    ),
  };
});

describe('the evaluator on random HCL expression strings (parsed by hcl2json)', () => {
  it('always resolves to a well-formed Value, without the internal-error safety net', async () => {
    await fc.assert(
      fc.asyncProperty(src, async (text) => {
        await expectWellFormed(
          () => evaluateString(`\${${text}}`, CTX),
          () => text,
        );
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it('also on arbitrary text, syntax errors included', async () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc
        .array(
          fc.constantFrom(
            '(',
            ')',
            '[',
            ']',
            '{',
            '}',
            '"',
            '${',
            '%{',
            '}',
            '?',
            ':',
            '=>',
            '...',
            '.',
            '*',
            ',',
            'for',
            'in',
            'if',
            'x',
            '1',
            '\n',
            '\\',
            '#',
            '<<EOT\n',
          ),
          { maxLength: 20 },
        )
        .map((xs) => xs.join('')),
    );
    await fc.assert(
      fc.asyncProperty(junk, async (text) => {
        await expectWellFormed(
          () => evaluateString(`\${${text}}`, CTX),
          () => JSON.stringify(text),
        );
        await expectWellFormed(
          () => evaluateString(text, CTX),
          () => JSON.stringify(text),
        );
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});

// ------------------------------------------------------------------------------ round trips

/**
 * Numbers as a configuration writes them: Terraform computes in decimal, and the evaluator rounds
 * fractions to 15 significant digits by design (0.1 + 0.2 == 0.3), so a double's binary tail is not
 * expected back. Magnitudes under 1e-6 (printed in exponent form by JavaScript) have their own test below.
 */
const configNumber = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .map((n) => (Object.is(n, -0) || Math.abs(n) < 1e-6 ? 0 : Number(n.toPrecision(15))))
  .filter((n) => Number.isFinite(n));

/** Terraform values that JSON can carry: no unknowns; numbers finite. */
const jsonKey = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'toString', '', 'a b', '<&>', '\u2028'));
const { json } = fc.letrec<{ json: Value }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
    configNumber,
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(jsonKey, tie('json'), { maxKeys: 4, noNullPrototype: true }),
  ),
}));

/** Equality of JSON-able values where -0 and 0 are the same number. */
function sameJson(a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]!));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameJson(a[k]!, b[k]!));
  }
  return a === b;
}

const withX = (x: Value): EvalContext => context({ ...TABLE, 'var.x': x });

describe('round trips', () => {
  it('jsondecode(jsonencode(x)) == x', async () => {
    await fc.assert(
      fc.asyncProperty(json, async (x) => {
        const back = await evaluateString('${jsondecode(jsonencode(var.x))}', withX(x));
        expect(sameJson(back, x), `${JSON.stringify(x)} came back as ${JSON.stringify(back)}`).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('jsonencode is JSON: JSON.parse(jsonencode(x)) == x', async () => {
    await fc.assert(
      fc.asyncProperty(json, async (x) => {
        const text = await evaluateString('${jsonencode(var.x)}', withX(x));
        expect(typeof text).toBe('string');
        expect(sameJson(JSON.parse(text as string) as Value, x)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('jsonencode keeps numbers of tiny magnitude (Terraform prints them in full: 1e-25 is not 0)', async () => {
    for (const n of [1.00000000000001e-15, 1.5e-21, 1e-25, 2.5e-100, 5e-324, -3e-30]) {
      const text = await evaluateString('${jsonencode(var.x)}', withX(n));
      expect(JSON.parse(text as string), `jsonencode(${n}) = ${String(text)}`).toBe(n);
      expect(await evaluateString('${tostring(var.x)}', withX(n)), `tostring(${n})`).not.toBe('0');
    }
  });

  it('yamldecode(yamlencode(x)) == x', async () => {
    await fc.assert(
      fc.asyncProperty(json, async (x) => {
        const back = await evaluateString('${yamldecode(yamlencode(var.x))}', withX(x));
        expect(sameJson(back, x), `${JSON.stringify(x)} came back as ${JSON.stringify(back)}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('base64decode(base64encode(s)) == s and tostring(tonumber(n)) keeps the number', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
        async (s, n) => {
          expect(await evaluateString('${base64decode(base64encode(var.x))}', withX(s))).toBe(s);
          expect(await evaluateString('${tonumber(tostring(var.x))}', withX(n))).toBe(n);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a template interpolating a string gives the string back', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 30 }), async (s) => {
        expect(await evaluateString('${"${var.x}"}', withX(s))).toBe(s);
        expect(await evaluateString('${var.x}', withX(s))).toBe(s);
      }),
      { numRuns: 200 },
    );
  });
});
