// Issue 15 B4: `.tf.json` and `.tfvars.json` read as Terraform's JSON syntax does (duplicate
// properties kept and merged, array forms of block types, `//` comments), with file:line for
// findings, and what Terraform refuses (an argument or a variable set twice, a resource defined
// twice) an input error naming file:line. Terraform's answers were checked with terraform 1.11.4.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/engine.js';
import { loadHcl } from '../../src/hcl/loader.js';
import { HclSyntaxError } from '../../src/hcl/parser.js';
import { parseTfJson, parseTfvarsJson } from '../../src/hcl/tf-json.js';
import type { CheckResult } from '../../src/model/result.js';
import { ensureBuilt, runCli, runInProcess, tempDir } from '../hardening/cli.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ztait-tfjson-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

async function check(dir: string): Promise<CheckResult> {
  return runChecks(await loadHcl([dir]), { commandLine: 'test', now: new Date('2026-01-01T00:00:00Z') });
}

const status = (r: CheckResult, id: string) => r.invariants.find((i) => i.id === id)?.status;

/** A DynamoDB table body: compliant unless told otherwise. */
const table = (name: string, pitr = true) => ({
  name,
  billing_mode: 'PAY_PER_REQUEST',
  hash_key: 'id',
  attribute: [{ name: 'id', type: 'S' }],
  server_side_encryption: { enabled: true },
  point_in_time_recovery: { enabled: pitr },
});
const json = (v: unknown) => JSON.stringify(v, null, 2);

/** The syntax error parseTfJson throws on `text`, or undefined. */
function syntaxError(text: string, parse = parseTfJson): HclSyntaxError | undefined {
  try {
    parse('f.tf.json', text);
    return undefined;
  } catch (e) {
    if (e instanceof HclSyntaxError) return e;
    throw e;
  }
}

const resources = (body: Record<string, unknown>) =>
  Object.entries((body.resource ?? {}) as Record<string, Record<string, unknown[]>>).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, bodies]) => `${type}.${name}x${bodies.length}`),
  );

describe('parseTfJson: every property Terraform reads', () => {
  it('keeps a block type given twice, at the top, type and name levels, and its array forms', () => {
    const text = `{
  "resource": {"aws_sqs_queue": {"a": {}}},
  "resource": {"aws_sqs_queue": {"b": {}}, "aws_sqs_queue": {"c": {}}},
  "resource": [{"aws_sqs_queue": {"d": {}}}, {"aws_sns_topic": [{"e": {}}, {"f": {}}]}]
}`;
    expect(resources(parseTfJson('f.tf.json', text).body).sort()).toEqual([
      'aws_sns_topic.ex1',
      'aws_sns_topic.fx1',
      'aws_sqs_queue.ax1',
      'aws_sqs_queue.bx1',
      'aws_sqs_queue.cx1',
      'aws_sqs_queue.dx1',
    ]);
  });

  it('reads the array form of module, data, variable, locals, output, provider and terraform, and a root array', () => {
    const text = `[
  {"module": [{"m": {"source": "./m"}}, {"n": [{"source": "./n"}]}]},
  {"data": [{"aws_caller_identity": {"me": {}}}], "variable": [{"v": {}}, {"w": [{"default": 1}]}]},
  {"locals": [{"a": 1}, {"b": 2}], "output": {"o": [{"value": "\${local.a}"}]}},
  {"provider": [{"aws": {"region": "eu-west-1"}}], "terraform": [{"required_version": ">= 1.5"}]}
]`;
    const { body } = parseTfJson('f.tf.json', text);
    expect(Object.keys(body.module as object)).toEqual(['m', 'n']);
    expect(Object.keys((body.data as Record<string, object>).aws_caller_identity!)).toEqual(['me']);
    expect(body.variable).toEqual({ v: [{}], w: [{ default: 1 }] });
    expect(body.locals).toEqual([{ a: 1 }, { b: 2 }]);
    expect(body.output).toEqual({ o: [{ value: '${local.a}' }] });
    expect(body.provider).toEqual({ aws: [{ region: 'eu-west-1' }] });
    expect(body.terraform).toEqual([{ required_version: '>= 1.5' }]);
  });

  it('ignores "//" comment properties in the file and in block bodies (CDKTF metadata)', () => {
    const text = `{
  "//": {"metadata": {"backend": "local", "stackName": "s"}},
  "resource": {"aws_sqs_queue": {"a": {"//": {"metadata": {"path": "s/a", "uniqueId": "a"}}, "name": "a"}}},
  "locals": {"//": "generated", "x": 1}
}`;
    const { body } = parseTfJson('f.tf.json', text);
    expect(Object.keys(body)).toEqual(['resource', 'locals']);
    expect(body.resource).toEqual({ aws_sqs_queue: { a: [{ name: 'a' }] } });
    expect(body.locals).toEqual([{ x: 1 }]);
  });

  it('merges a nested block given twice, and an array of arrays of objects into one block each, as HCL does', () => {
    const text = json({ resource: { aws_dynamodb_table: { t: { name: 't' } } } }).replace(
      '"name": "t"',
      '"name": "t", "attribute": {"name": "id", "type": "S"}, "attribute": [{"name": "x", "type": "S"}], "environment": [[{"variables": {"A": "1"}}, {"description": "d"}]]',
    );
    const t = (parseTfJson('f.tf.json', text).body.resource as Record<string, Record<string, unknown[]>>).aws_dynamodb_table!
      .t![0] as Record<string, unknown>;
    expect(t.attribute).toEqual([
      { name: 'id', type: 'S' },
      { name: 'x', type: 'S' },
    ]);
    expect(t.environment).toEqual([{ variables: { A: '1' }, description: 'd' }]);
  });

  it('gives dynamic blocks the shape of native syntax ({label: [bodies]})', () => {
    const text =
      '{"resource": {"aws_security_group": {"g": {"dynamic": {"egress": {"for_each": "${var.rules}", "content": {"from_port": 0}}}, "dynamic": {"ingress": [{"for_each": []}]}}}}}';
    const g = (parseTfJson('f.tf.json', text).body.resource as Record<string, Record<string, unknown[]>>).aws_security_group!
      .g![0] as Record<string, unknown>;
    expect(g.dynamic).toEqual({ egress: [{ for_each: '${var.rules}', content: { from_port: 0 } }], ingress: [{ for_each: [] }] });
  });

  it('refuses what Terraform refuses, naming the line: an argument, a local or an object key set twice, a missing label', () => {
    const cases: [string, number, RegExp][] = [
      [
        '{"resource": {"aws_sqs_queue": {"a": {\n"name": "x",\n"name": "y"}}}}',
        3,
        /argument "name" is set twice in one block \(first on line 2\)/,
      ],
      ['{"resource": {"aws_sqs_queue": {"a": {"tags": {"k": "1",\n"k": "2"}}}}}', 2, /argument "k" is set twice/],
      ['{"locals": {"a": 1,\n"a": 2}}', 2, /local value "a" is set twice/],
      ['{"locals": {"a": {"k": {"x": 1},\n"k": {"y": 2}}}}', 2, /key "k" is set twice in one object/],
      ['{\n"resource": {}}', 2, /lacks a label/],
      ['{"resource": {"aws_sqs_queue": null}}', 1, /lacks a label/],
      ['{"resource": {"aws_sqs_queue": {"a": "x"}}}', 1, /needs a JSON object as its body/],
      ['{"resource": {"aws_sqs_queue": {"a": {"name":\n"a\tb"}}}}', 2, /raw control character/],
    ];
    for (const [text, line, message] of cases) {
      const e = syntaxError(text);
      expect(e, text).toBeDefined();
      expect(e!.line, text).toBe(line);
      expect(e!.detail, text).toMatch(message);
    }
    // an escaped control character is a string like any other
    expect(syntaxError('{"locals": {"a": "x\\ty\\n"}}')).toBeUndefined();
  });

  it('never quotes the file in an error: not a value, not a name that is not an identifier', () => {
    const secret = 'AKIAZZZZSECRETVALUE0';
    for (const text of [
      `{"locals": ${secret}}`,
      `{"locals": {"${secret} x": 1, "${secret} x": 2}}`,
      `{"locals": {"a": "${secret}" "b"}}`,
      `{"locals": {"a": "${secret}`,
    ]) {
      const e = syntaxError(text);
      expect(e, text).toBeDefined();
      expect(e!.message).not.toContain('AKIA');
      expect(e!.message).toMatch(/^f\.tf\.json:\d+:\d+: /);
    }
  });

  it('keeps __proto__ and constructor ordinary names', () => {
    const { body } = parseTfJson('f.tf.json', '{"locals": {"__proto__": {"polluted": true}, "constructor": 1}}');
    const locals = (body.locals as Record<string, unknown>[])[0]!;
    expect(Object.getPrototypeOf(locals)).toBeNull();
    expect(Object.keys(locals)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('locates blocks, attributes and nested attributes, and takes "//" strings in a block body as comments', () => {
    const text = `{
  "resource": {
    "aws_dynamodb_table": {
      "t": {
        "//": "ztait:ignore SI-6 reason=\\"restored from backups\\"",
        "name": "t",
        "point_in_time_recovery": {
          "enabled": false
        }
      }
    }
  }
}`;
    const [b] = parseTfJson('f.tf.json', text).blocks;
    expect(b!.labels).toEqual(['aws_dynamodb_table', 't']);
    expect(b!.location.line).toBe(4);
    expect(b!.attrs.get('name')?.line).toBe(6);
    expect(b!.blocks[0]!.attrs.get('enabled')?.line).toBe(8);
    expect(b!.comments).toEqual([{ text: 'ztait:ignore SI-6 reason="restored from backups"', line: 5 }]);
  });
});

describe('parseTfvarsJson', () => {
  it('refuses a variable set twice (Terraform: "Duplicate attribute definition"), naming the line', () => {
    const e = syntaxError('{"pitr": true,\n "pitr": false}', parseTfvarsJson);
    expect(e?.line).toBe(2);
    expect(e?.detail).toMatch(/variable "pitr" is set twice \(first on line 1\)/);
    expect(syntaxError('{"m": {"k": 1, "k": 2}}', parseTfvarsJson)?.detail).toMatch(/key "k" is set twice/);
    expect(syntaxError('[{"a": 1}]', parseTfvarsJson)?.detail).toMatch(/one JSON object/);
  });

  it('skips "//", and escapes templates: Terraform reads a variables file literally', () => {
    const { body, attrs } = parseTfvarsJson('t.tfvars.json', '{"//": "note",\n"a": "${var.x}", "m": {"${k}": "%{ if true }y%{ endif }"}}');
    expect(body).toEqual({ a: '$${var.x}', m: { '$${k}': '%%{ if true }y%%{ endif }' } });
    expect(attrs.get('a')?.line).toBe(2);
  });
});

describe('loading .tf.json: what was hidden is seen', () => {
  it('a violating table hidden by a second "resource" key fails, at its file:line', async () => {
    const text = `{
  "resource": {
    "aws_dynamodb_table": {
      "hidden": ${json(table('hidden', false)).replace(/\n/g, '\n      ')}
    }
  },
  "resource": {
    "aws_dynamodb_table": {
      "visible": ${json(table('visible')).replace(/\n/g, '\n      ')}
    }
  }
}`;
    const r = await check(tree({ 'main.tf.json': text }));
    expect(status(r, 'SI-6')).toBe('fail');
    const f = r.invariants.find((i) => i.id === 'SI-6')!.findings.find((x) => x.resource === 'aws_dynamodb_table.hidden');
    expect(f).toMatchObject({ status: 'fail', file: expect.stringMatching(/main\.tf\.json$/) as string });
    expect(text.split('\n')[f!.line! - 1]).toMatch(/"enabled": false/);
  });

  it('a table defined twice (one file, or in an array body) is an input error at the second definition', async () => {
    for (const text of [
      `{"resource": {"aws_dynamodb_table": {"t": ${json(table('t'))}}},\n"resource": {"aws_dynamodb_table": {"t": ${json(table('t', false))}}}}`,
      `{"resource": {"aws_dynamodb_table": {"t": [${json(table('t'))},\n${json(table('t', false))}]}}}`,
    ]) {
      const r = await check(tree({ 'main.tf.json': text }));
      const d = r.diagnostics.find((x) => x.severity === 'error' && /duplicate resource "aws_dynamodb_table" "t"/.test(x.message));
      expect(d, JSON.stringify(r.diagnostics)).toBeDefined();
      expect(d!.line).toBeGreaterThan(1);
      expect(status(r, 'SI-6')).not.toBe('pass');
    }
  });

  it('a native .tf file with the same resource twice is reported too (hcl2json keeps both bodies)', async () => {
    const block = (pitr: boolean) => `resource "aws_sqs_queue" "q" {\n  name = "q${pitr}"\n}\n`;
    const r = await check(tree({ 'main.tf': `${block(true)}\n${block(false)}` }));
    expect(r.diagnostics.find((d) => /duplicate resource "aws_sqs_queue" "q"/.test(d.message))).toMatchObject({
      severity: 'error',
      line: 5,
    });
  });

  it('a module called twice, in two files, is an input error', async () => {
    const r = await check(
      tree({
        'a.tf.json': '{"module": {"m": {"source": "./m"}}}',
        'b.tf.json': '{"module": {"m": {"source": "./m"}}}',
        'm/main.tf.json': '{}',
      }),
    );
    expect(r.diagnostics.find((d) => /duplicate module "m"/.test(d.message))).toMatchObject({
      severity: 'error',
      file: expect.stringMatching(/b\.tf\.json$/) as string,
    });
  });

  it('the array forms of a compliant configuration pass, with CDKTF metadata', async () => {
    const text = json({
      '//': { metadata: { backend: 'local', stackName: 'app', version: '0.20.0' } },
      resource: [
        { aws_dynamodb_table: [{ a: { '//': { metadata: { path: 'app/a', uniqueId: 'a' } }, ...table('a') } }, { b: [table('b')] }] },
      ],
      locals: [{ prefix: 'ztait' }],
    });
    const r = await check(tree({ 'main.tf.json': text }));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(status(r, 'SI-5')).toBe('pass');
    expect(status(r, 'SI-6')).toBe('pass');
    expect(r.inventory.by_type.aws_dynamodb_table).toBe(2);
  });

  it('a "//" string of the block body suppresses like a comment; the same words anywhere else do not', async () => {
    const ignore = 'ztait:ignore SI-6 reason="rebuilt nightly"';
    const suppressed = await check(
      tree({ 'main.tf.json': json({ resource: { aws_dynamodb_table: { t: { '//': ignore, ...table('t', false) } } } }) }),
    );
    expect(status(suppressed, 'SI-6')).toBe('suppressed');
    for (const hidden of [
      { '//': { metadata: { note: ignore } }, ...table('t', false) },
      { ...table('t', false), tags: { '//': ignore, Note: ignore } },
      { ...table('t', false), point_in_time_recovery: { '//': ignore, enabled: false } },
    ]) {
      const r = await check(tree({ 'main.tf.json': json({ '//': ignore, resource: { aws_dynamodb_table: { t: hidden } } }) }));
      expect(status(r, 'SI-6'), JSON.stringify(hidden)).toBe('fail');
    }
  });

  it('terraform.tfvars.json: a variable set twice is an error; "//" is skipped; "${...}" stays text; __proto__ sets nothing', async () => {
    const main = json({
      variable: { pitr: { type: 'bool', default: true }, name: { type: 'string', default: 'n' } },
      resource: { aws_dynamodb_table: { t: { ...table('${var.name}'), point_in_time_recovery: { enabled: '${var.pitr}' } } } },
    });
    const twice = await check(tree({ 'main.tf.json': main, 'terraform.tfvars.json': '{"pitr": false,\n"pitr": true}' }));
    expect(twice.diagnostics.find((d) => d.severity === 'error' && /variable "pitr" is set twice/.test(d.message))).toMatchObject({
      line: 2,
    });
    expect(status(twice, 'SI-6')).not.toBe('pass');

    const dir = tree({
      'main.tf.json': main,
      'terraform.tfvars.json': '{"//": "c", "name": "${upper(\\"x\\")}", "__proto__": {"pitr": false}}',
    });
    const inv = await loadHcl([dir]);
    expect(inv.resources[0]!.values.name).toBe('${upper("x")}');
    expect(status(runChecks(inv, { commandLine: 'test' }), 'SI-6')).toBe('pass');
  });
});

// The verdict runs the CLI in this process; the exit 2 and its one stderr line, the built CLI.
describe('through the CLI', () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it('a violating table hidden by a duplicate key: exit 1, SI-6 fail at file:line', async () => {
    const dir = tempDir();
    const text = `{\n"resource": {"aws_dynamodb_table": {"hidden": ${json(table('hidden', false))}}},\n"resource": {"aws_dynamodb_table": {"shown": ${json(table('shown'))}}}\n}\n`;
    writeFileSync(join(dir, 'main.tf.json'), text);
    const run = await runInProcess(['check', dir, '--format', 'json', '--check', 'SI-6']);
    expect(run.code, run.stderr).toBe(1);
    const r = JSON.parse(run.stdout) as CheckResult;
    const f = r.invariants.find((i) => i.id === 'SI-6')!.findings.find((x) => x.resource === 'aws_dynamodb_table.hidden');
    expect(f?.status).toBe('fail');
    expect(text.split('\n')[f!.line! - 1]).toMatch(/"enabled": false/);
  }, 60_000);

  it('an argument set twice: exit 2, one stderr line with file:line and no content, no verdict passes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'main.tf.json'), `{"resource": {"aws_dynamodb_table": {"t": {"name": "AKIAZZZZSECRETVALUE0",\n"name": "x"}}}}`);
    const run = await runCli(['check', dir, '--format', 'json']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^ztait: .*main\.tf\.json:2:1: the argument "name" is set twice/) as string,
    ]);
    expect(`${run.stdout}${run.stderr}`).not.toContain('AKIAZZZZSECRETVALUE0');
    const r = JSON.parse(run.stdout) as CheckResult;
    expect(r.diagnostics.find((d) => d.severity === 'error')).toMatchObject({
      line: 2,
      message: expect.stringMatching(/argument "name" is set twice/) as string,
    });
    expect(r.invariants.every((i) => i.status !== 'pass')).toBe(true);
  }, 60_000);
});
