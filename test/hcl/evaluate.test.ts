/** Syntax forms evaluated on known values, and whole files through parseHclFile -> evaluateJson. */
import { describe, expect, test } from 'vitest';
import { evaluateJson, evaluateString } from '../../src/hcl/evaluate.js';
import { parseHclFile } from '../../src/hcl/parser.js';
import type { Value } from '../../src/model/value.js';
import { run, tableContext } from './helpers.js';

const table: Record<string, Value> = {
  'var.names': ['svc-b', 'svc-a', 'svc-c'],
  'var.settings': { region: 'eu-west-1', '10': 'ten', '9': 'nine', enabled: true },
  'var.nothing': null,
  'var.users': [
    { name: 'ann', role: 'admin' },
    { name: 'bob', role: 'dev' },
    { name: 'cid', role: 'admin' },
  ],
  'var.one': { name: 'solo' },
  'local.prefix': 'ztait',
  'each.key': 'slack',
  'each.value': { secret: 'slack-signing' },
  'count.index': 2,
  'path.module': '/repo/modules/x',
};

const cases: [string, Value][] = [
  // literals and strings
  ['plain text', 'plain text'],
  ['cost $${x} and %%{y}', 'cost ${x} and %{y}'],
  ['${1}', 1],
  ['${1.50}', 1.5],
  ['${"s"}', 's'],
  ['${null}', null],
  ['${true}', true],
  ['${[1, "a", [true]]}', [1, 'a', [true]]],
  ['${{a = 1, "b c" = 2}}', { a: 1, 'b c': 2 }],
  ['${{(local.prefix) = 1, "${local.prefix}-x" = 2}}', { ztait: 1, 'ztait-x': 2 }],
  // templates
  ['${local.prefix}-audit', 'ztait-audit'],
  ['n=${1.0} f=${0.5} b=${true} big=${1e21}', 'n=1 f=0.5 b=true big=1000000000000000000000'],
  ['%{if var.settings.enabled}on%{else}off%{endif}', 'on'],
  ['%{if var.nothing != null}set%{endif}', ''],
  ['%{for n in var.names}[${n}]%{endfor}', '[svc-b][svc-a][svc-c]'],
  ['%{for i, n in var.names~} ${i}=${n} %{~endfor}', '0=svc-b1=svc-a2=svc-c'],
  ['%{for k, v in var.settings}${k};%{endfor}', '10;9;enabled;region;'],
  ['  %{~ if true ~}  trimmed  %{~ endif ~}  ', 'trimmed'],
  ['a ${~ "b" ~} c', 'abc'],
  // references
  ['${each.key}/${each.value.secret}', 'slack/slack-signing'],
  ['${count.index + 1}', 3],
  ['${path.module}/lambda.zip', '/repo/modules/x/lambda.zip'],
  ['${var.settings["region"]}', 'eu-west-1'],
  ['${var.settings.10}', 'ten'],
  ['${var.names[1]}', 'svc-a'],
  ['${var.names["1"]}', 'svc-a'],
  ['${var.users[2].name}', 'cid'],
  ['${var.users[count.index - 1]["role"]}', 'dev'],
  // operators
  ['${1 + 2 * 3}', 7],
  ['${(1 + 2) * 3}', 9],
  ['${10 / 4}', 2.5],
  ['${-7 % 3}', -1],
  ['${"5" + 1}', 6],
  ['${0.1 + 0.2}', 0.3],
  ['${-(3)}', -3],
  ['${1 < 2 && 2 <= 2 && !(3 > 4) && 4 >= 4}', true],
  ['${1 == "1"}', false],
  ['${[1, 2] == [1, 2]}', true],
  ['${{a = 1} != {a = 2}}', true],
  ['${var.nothing == null}', true],
  ['${false || "true"}', true],
  // conditionals
  ['${length(var.names) > 2 ? var.names[0] : "none"}', 'svc-b'],
  ['${var.nothing == null ? "was null" : var.nothing.x}', 'was null'],
  ['${"true" ? 1 : 2}', 1],
  // for expressions
  ['${[for i, n in var.names : "${i}:${n}" if n != "svc-a"]}', ['0:svc-b', '2:svc-c']],
  ['${[for k, v in var.settings : k]}', ['10', '9', 'enabled', 'region']],
  ['${{for u in var.users : u.name => u.role}}', { ann: 'admin', bob: 'dev', cid: 'admin' }],
  ['${{for u in var.users : u.role => u.name...}}', { admin: ['ann', 'cid'], dev: ['bob'] }],
  ['${{for k, v in {b = 1, a = 2} : v => k}}', { '1': 'b', '2': 'a' }],
  ['${[for x in [] : x]}', []],
  ['${[for x in [[1, 2], [3]] : [for y in x : y * 10]]}', [[10, 20], [30]]],
  // splats
  ['${var.users[*].name}', ['ann', 'bob', 'cid']],
  ['${var.users.*.role}', ['admin', 'dev', 'admin']],
  ['${var.nothing[*]}', []],
  ['${var.one[*].name}', ['solo']],
  ['${var.users[*]}', table['var.users']!],
  ['${var.users.*.name[0]}', 'ann'],
  // function argument expansion
  ['${max([3, 9, 2]...)}', 9],
  ['${format("%s/%s", ["a", "b"]...)}', 'a/b'],
  ['${merge([{a = 1}, {b = 2}]...)}', { a: 1, b: 2 }],
];

describe('syntax forms', () => {
  test.each(cases)('%s', async (src, expected) => {
    expect(await run(src, table)).toEqual(expected);
  });

  test('scope variables shadow resolve()', async () => {
    const ctx = tableContext({ x: 'from resolve' });
    expect(await evaluateString('${x}', ctx, new Map([['x', 'from scope']]))).toBe('from scope');
    expect(ctx.calls).toEqual([]);
  });

  test('evaluateJson keeps numbers, booleans and null, recurses into arrays and objects', async () => {
    const raw = { n: 1, b: false, z: null, s: '${local.prefix}', l: ['a', '${1 + 1}'], o: { k: '$${lit}' } };
    expect(await evaluateJson(raw, tableContext(table))).toEqual({ n: 1, b: false, z: null, s: 'ztait', l: ['a', 2], o: { k: '${lit}' } });
  });
});

describe('whole files', () => {
  const file = `
locals {
  name   = "ztait"
  policy = <<EOT
{
  "Statement": [
%{ for i, a in ["s3:GetObject", "s3:PutObject"] ~}
    {"Sid": "S\${i}", "Action": "\${a}", "Resource": "arn:aws:s3:::\${local.name}-\${a == "s3:GetObject" ? "read" : "write"}/*"}%{ if i == 0 },%{ endif }
%{ endfor ~}
  ]
}
EOT
  indented = <<-EOT
    line one "quoted" \\n stays literal
      nested by two
    \${upper(local.name)}
    EOT
  doc = jsonencode({
    Version = "2012-10-17"
    Statement = [for action in ["a", "b"] : {
      Effect   = "Allow"
      Action   = "svc:\${action}"
      Resource = [for n in [1, 2] : "arn:x:\${action}:\${n}"]
    }]
  })
}
`;

  async function locals(): Promise<Record<string, Value>> {
    const json = await parseHclFile('main.tf', file);
    const body = (json.locals as Record<string, unknown>[])[0]!;
    const ctx = tableContext({ 'local.name': 'ztait' });
    return (await evaluateJson(body, ctx)) as Record<string, Value>;
  }

  test('<<EOT heredoc with a template for/if renders to valid JSON', async () => {
    const policy = (await locals()).policy as string;
    expect(JSON.parse(policy)).toEqual({
      Statement: [
        { Sid: 'S0', Action: 's3:GetObject', Resource: 'arn:aws:s3:::ztait-read/*' },
        { Sid: 'S1', Action: 's3:PutObject', Resource: 'arn:aws:s3:::ztait-write/*' },
      ],
    });
  });

  test('<<-EOT heredoc strips the common indentation and keeps backslashes literally', async () => {
    expect((await locals()).indented).toBe('line one "quoted" \\n stays literal\n  nested by two\nZTAIT\n');
  });

  test('nested for expressions inside jsonencode', async () => {
    expect(JSON.parse((await locals()).doc as string)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'svc:a', Resource: ['arn:x:a:1', 'arn:x:a:2'] },
        { Effect: 'Allow', Action: 'svc:b', Resource: ['arn:x:b:1', 'arn:x:b:2'] },
      ],
    });
  });

  test('multi-line expressions keep working with comments, braces in comments and heredoc arguments', async () => {
    const json = await parseHclFile(
      'multi.tf',
      `
locals {
  commented = jsonencode({
    # a comment with "quote" and } brace
    Statement = [ // another } comment
      { Effect = "Allow" }, /* block } */
    ]
  })
  heredoc_arg = jsonencode(<<EOT
{"x": "\${local.name}", "brace": "}"}
EOT
  )
  cond = (
    local.name == "ztait"
    ? "yes"
    : "no"
  )
}
`,
    );
    const body = (json.locals as Record<string, unknown>[])[0]!;
    const v = (await evaluateJson(body, tableContext({ 'local.name': 'ztait' }))) as Record<string, Value>;
    expect(v).toEqual({
      commented: '{"Statement":[{"Effect":"Allow"}]}',
      heredoc_arg: JSON.stringify('{"x": "ztait", "brace": "}"}\n'),
      cond: 'yes',
    });
  });
});
