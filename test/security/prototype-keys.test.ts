/**
 * Issue 15 B5, regression: `__proto__`, `constructor` and the other names Object.prototype answers
 * for are ordinary keys to Terraform. A terraform.tfvars.json, a plan or a .ztait.yaml holding them
 * gets the verdicts Terraform's values give (through the built CLI), every function and lookup
 * treats them as absent unless they are own keys, and no run adds anything to Object.prototype
 * (in-process).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt, rootModule, runCli, runInProcess, tempDir } from '../hardening/cli.js';
import { loadHcl } from '../../src/hcl/loader.js';
import { runChecks } from '../../src/engine.js';
import { loadPlan } from '../../src/sources/plan/index.js';
import { readEvidenceFile } from '../../src/maturity/evidence.js';
import { toPlainJson } from '../../src/sources/aws/redact.js';
import { tagMap } from '../../src/sources/aws/builder.js';
import { normalizeProtocol } from '../../src/net/ports.js';
import { dict, fromEntries, own } from '../../src/model/dict.js';
import type { Inventory } from '../../src/model/inventory.js';
import type { Value } from '../../src/model/value.js';

const NOW = new Date('2026-01-15T00:00:00Z');
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTOTYPE_NAMES);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

type Report = {
  invariants: { id: string; status: string; findings: { resource: string; status: string }[] }[];
  maturity?: { level: number | null };
};

/** id -> status, and the maturity level. */
function statuses(r: {
  invariants: { id: string; status: string }[];
  maturity?: { level: number | null } | undefined;
}): Record<string, string | number | null> {
  return { ...Object.fromEntries(r.invariants.map((i) => [i.id, i.status])), level: r.maturity?.level ?? null };
}

// the change rules run because a plan inventory is a plan (inv.kind), as in the CLI
const inProcess = (inv: Inventory): Record<string, string | number | null> => statuses(runChecks(inv, { commandLine: 'test', now: NOW }));

/** A JSON object text with these keys in this order (`__proto__` as a key, as a file holds it). */
const jsonObject = (entries: [string, unknown][]): string =>
  `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;

/**
 * `pitr` and `sse_on` default to false, `maturity_level` to 1, `constructor` (a legal variable
 * name) to true: Terraform ignores the undeclared `__proto__` entry of the tfvars and keeps them.
 */
const MAIN_TF = `
variable "pitr" {
  type    = bool
  default = false
}
variable "sse_on" {
  type    = bool
  default = false
}
variable "maturity_level" {
  type    = number
  default = 1
}
variable "constructor" {
  type    = bool
  default = true
}
resource "aws_dynamodb_table" "audit" {
  name         = "ztait-audit"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
  point_in_time_recovery {
    enabled = var.pitr
  }
  server_side_encryption {
    enabled = var.sse_on
  }
}
resource "aws_dynamodb_table" "audit2" {
  name         = "ztait-audit2"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
  point_in_time_recovery {
    enabled = var.constructor
  }
  server_side_encryption {
    enabled = true
  }
}
`;

const HOSTILE_TFVARS = jsonObject([
  ['__proto__', { pitr: true, sse_on: true, maturity_level: 3, constructor: false }],
  ['toString', { pitr: true }],
]);

// Verdicts run the CLI in this process; the refused configuration (exit 2, one stderr line), the built CLI.
describe('prototype keys through the CLI (issue 15 B5)', () => {
  beforeAll(ensureBuilt, 300_000);

  it('a terraform.tfvars.json with __proto__ keeps the values Terraform uses', async () => {
    const dir = rootModule({ 'main.tf': MAIN_TF, 'terraform.tfvars.json': HOSTILE_TFVARS });
    const clean = rootModule({ 'main.tf': MAIN_TF });
    const run = await runInProcess(['check', dir, '--format', 'json']);
    expect(run.stderr).not.toMatch(/^\s+at |internal error/m);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    // what Terraform computes: the defaults (the tfvars sets no declared variable)
    expect(statuses(report)).toEqual(inProcess(await loadHcl([clean])));
    const si6 = report.invariants.find((i) => i.id === 'SI-6')!;
    expect(si6.status).toBe('fail');
    expect(si6.findings.map((f) => f.resource)).toEqual(['aws_dynamodb_table.audit']);
    expect(report.invariants.find((i) => i.id === 'SI-5')!.status).toBe('fail');
    expect(report.maturity?.level).toBe(1);
  }, 60_000);

  it('a plan with __proto__ and constructor entries gets the verdicts of the plan without them', async () => {
    const original = join(ROOT, 'fixtures', 'plans', 'pitr-disabled.plan.json');
    const doc = JSON.parse(readFileSync(original, 'utf8')) as {
      variables: Record<string, unknown>;
      planned_values: { root_module: { resources: { type: string; values: Record<string, unknown> }[] } };
      resource_changes: { type: string; change: { after: Record<string, unknown> | null } }[];
    };
    const hostile = structuredClone(doc);
    const proto = (o: Record<string, unknown>, k: string, v: unknown): void => {
      Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    };
    proto(hostile.variables, '__proto__', { value: { pitr_enabled: 'true', maturity_level: 3 } });
    proto(hostile.variables, 'constructor', { value: 'x' });
    for (const r of hostile.planned_values.root_module.resources.filter((x) => x.type === 'aws_dynamodb_table')) {
      proto(r.values, '__proto__', { point_in_time_recovery: [{ enabled: true }], server_side_encryption: [{ enabled: true }] });
      proto(r.values, 'constructor', { point_in_time_recovery: [{ enabled: true }] });
    }
    for (const rc of hostile.resource_changes.filter((x) => x.type === 'aws_dynamodb_table' && x.change.after)) {
      proto(rc.change.after!, '__proto__', { point_in_time_recovery: [{ enabled: true }] });
    }
    const file = join(tempDir(), 'hostile.plan.json');
    writeFileSync(file, JSON.stringify(hostile));
    expect(readFileSync(file, 'utf8')).toContain('"__proto__":{"point_in_time_recovery"');
    const run = await runInProcess(['check', '--plan', file, '--format', 'json']);
    expect(run.stderr).not.toMatch(/^\s+at |internal error/m);
    const report = JSON.parse(run.stdout) as Report;
    const expected = inProcess(await loadPlan(original));
    expect(expected['SI-6']).toBe('fail');
    expect(statuses(report)).toEqual(expected);
  }, 60_000);

  it('a .ztait.yaml with __proto__ or constructor keys is refused, naming the file and line', async () => {
    const dir = rootModule({
      'main.tf': MAIN_TF,
      '.ztait.yaml':
        'suppressions:\n  - id: SI-6\n    resource: "*"\n    reason: waived\n__proto__:\n  soft_fail: true\nconstructor:\n  allow_errors: true\n',
    });
    const run = await runCli(['check', dir, '--format', 'json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    // the first unknown key, at its own line (the key itself is quoted only when it looks like a misspelt setting)
    expect(lines[0]).toMatch(/^ztait: .*\.ztait\.yaml:5(:\d+)?: unknown key/);
  }, 60_000);

  it('a .ztait.yaml whose suppressions name __proto__ or constructor suppresses nothing else', async () => {
    const dir = rootModule({
      'main.tf': MAIN_TF,
      '.ztait.yaml':
        'suppressions:\n  - id: SI-6\n    resource: "__proto__"\n    reason: "constructor"\n  - id: SI-5\n    resource: constructor\n    reason: toString\n',
    });
    const run = await runInProcess(['check', dir, '--format', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.invariants.find((i) => i.id === 'SI-6')!.status).toBe('fail');
    expect(report.invariants.find((i) => i.id === 'SI-5')!.status).toBe('fail');
  }, 60_000);
});

// ---- in-process: functions, lookups and the other maps built from input ---------------------------

/** Each expression as an attribute of one `terraform_data` resource (no rule reads that type). */
async function evaluateAll(exprs: Record<string, string>, extra = ''): Promise<Record<string, Value>> {
  const attrs = Object.entries(exprs)
    .map(([k, e]) => `  ${k} = ${e}`)
    .join('\n');
  const dir = rootModule({
    'main.tf': `locals {\n  m = { a = 1, "__proto__" = { injected = true } }\n  plain = { a = 1 }\n}\nresource "terraform_data" "probe" {\n${attrs}\n}\n${extra}`,
  });
  const inv = await loadHcl([dir]);
  return inv.resources.find((r) => r.type === 'terraform_data')!.values;
}

describe('prototype keys in HCL functions and lookups (issue 15 B5)', () => {
  it('are absent unless written, and own keys when written', async () => {
    const v = await evaluateAll({
      lookup_absent: 'lookup(local.plain, "constructor", "absent")',
      lookup_tostring: 'lookup(local.plain, "toString", "absent")',
      try_absent: 'try(local.plain.constructor, "absent")',
      try_index: 'try(local.plain["hasOwnProperty"], "absent")',
      contains_absent: 'contains(keys(local.plain), "constructor")',
      can_absent: 'can(local.plain.valueOf)',
      proto_keys: 'keys(local.m)',
      proto_inner: 'local.m["__proto__"].injected',
      proto_not_inherited: 'try(local.m.injected, "absent")',
      merged: 'keys(merge(local.plain, { "__proto__" = { b = 2 } }, { constructor = 3 }))',
      merged_b: 'try(merge(local.plain, { "__proto__" = { b = 2 } }).b, "absent")',
      zipped: 'zipmap(["__proto__", "constructor"], [1, 2])',
      for_obj: 'keys({ for k in ["__proto__", "toString"] : k => k })',
      tomapped: 'tomap({ "__proto__" = "x" })',
      decoded: 'keys(jsondecode("{\\"__proto__\\": {\\"a\\": 1}}"))',
      decoded_a: 'try(jsondecode("{\\"__proto__\\": {\\"a\\": 1}}").a, "absent")',
      yaml_decoded: 'keys(yamldecode("__proto__: {a: 1}\\nconstructor: 2"))',
      var_ctor: 'try(var.constructor, "undeclared")',
      path_ctor: 'try(path.constructor, "unsupported")',
    });
    expect(v.lookup_absent).toBe('absent');
    expect(v.lookup_tostring).toBe('absent');
    expect(v.try_absent).toBe('absent');
    expect(v.try_index).toBe('absent');
    expect(v.contains_absent).toBe(false);
    expect(v.can_absent).toBe(false);
    expect(v.proto_keys).toEqual(['__proto__', 'a']);
    expect(v.proto_inner).toBe(true);
    expect(v.proto_not_inherited).toBe('absent');
    expect(v.merged).toEqual(['__proto__', 'a', 'constructor']);
    expect(v.merged_b).toBe('absent');
    expect(Object.keys(v.zipped as object)).toEqual(['__proto__', 'constructor']);
    expect(v.for_obj).toEqual(['__proto__', 'toString']);
    expect(Object.keys(v.tomapped as object)).toEqual(['__proto__']);
    expect(v.decoded).toEqual(['__proto__']);
    expect(v.decoded_a).toBe('absent');
    expect(v.yaml_decoded).toEqual(['__proto__', 'constructor']);
    expect(v.var_ctor).toBe('undeclared');
    // path.constructor is not Object's constructor: an Unknown (not an error, so try() keeps it)
    expect(typeof v.path_ctor).not.toBe('function');
  }, 60_000);

  it('policy documents: a __proto__ condition or principal type stays in the document and off Object.prototype', async () => {
    const dir = rootModule({
      'main.tf': `data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
    principals {
      type        = "__proto__"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
    condition {
      test     = "__proto__"
      variable = "polluted"
      values   = ["yes"]
    }
    condition {
      test     = "constructor"
      variable = "__proto__"
      values   = ["yes"]
    }
  }
}
`,
    });
    const inv = await loadHcl([dir]);
    const json = JSON.parse(inv.resources[0]!.values.json as string) as { Statement: { Principal: object; Condition: object }[] };
    const st = json.Statement[0]!;
    expect(Object.keys(st.Principal)).toEqual(['__proto__']);
    expect(Object.keys(st.Condition).sort()).toEqual(['__proto__', 'constructor']);
  }, 60_000);

  it('module inputs and outputs named like Object.prototype members are ordinary names', async () => {
    const dir = rootModule({
      'main.tf': `module "child" {
  source = "./child"
}
resource "terraform_data" "probe" {
  input = module.child.out
}
`,
      'child/main.tf': `variable "constructor" {
  default = "from-default"
}
output "out" {
  value = var.constructor
}
`,
    });
    const inv = await loadHcl([dir]);
    expect(inv.resources.find((r) => r.type === 'terraform_data')!.values.input).toBe('from-default');
  }, 60_000);

  it('--var and plan variables named __proto__ set nothing else', async () => {
    const dir = rootModule({ 'main.tf': MAIN_TF });
    const inv = await loadHcl([dir], {
      vars: [
        ['__proto__', '{ pitr = true }'],
        ['toString', 'x'],
      ],
    });
    expect(own(inv.variables, 'pitr')).toBe(false);
    expect(own(inv.variables, 'constructor')).toBe(true);
    expect(Object.getPrototypeOf(inv.variables)).toBeNull();
    // the same in a native-syntax terraform.tfvars
    const hcl = rootModule({ 'main.tf': MAIN_TF, 'terraform.tfvars': '__proto__ = { pitr = true, sse_on = true }\nconstructor = false\n' });
    const fromHcl = await loadHcl([hcl]);
    expect(own(fromHcl.variables, 'pitr')).toBe(false);
    expect(own(fromHcl.variables, 'sse_on')).toBe(false);
    expect(own(fromHcl.variables, 'constructor')).toBe(false);
  }, 60_000);

  it('evidence CSV columns, probe answers, tags and protocols', async () => {
    const csv = join(tempDir(), 'evidence.csv');
    writeFileSync(
      csv,
      'incident_id,timestamp,agent_severity,human_severity,agent_action,human_action,outcome,confidence,mim_false_positive,__proto__,constructor\n' +
        'INC-1,2026-01-01T00:00:00Z,P3,P3,create_incident,create_incident,approved,0.9,false,x,y\n',
    );
    const evidence = await readEvidenceFile(csv);
    expect(evidence.rows).toHaveLength(1);

    const answer = toPlainJson(JSON.parse('{"Functions":[{"__proto__":{"VpcConfig":{"SubnetIds":["s"]}},"FunctionName":"f"}]}')) as {
      Functions: Record<string, unknown>[];
    };
    const fn = answer.Functions[0]!;
    expect(fn.VpcConfig).toBeUndefined();
    expect(Object.keys(fn)).toEqual(['__proto__', 'FunctionName']);

    const tags = tagMap([
      { Key: '__proto__', Value: 'x' },
      { Key: 'constructor', Value: 'y' },
    ]);
    expect(Object.keys(tags)).toEqual(['__proto__', 'constructor']);
    expect(tagMap([]).constructor).toBeUndefined();

    expect(normalizeProtocol('constructor')).toBe('constructor');
    expect(normalizeProtocol('toString')).toBe('tostring');
  });

  it('the dict helpers', () => {
    const d = dict<number>();
    d['__proto__'] = 1;
    expect(Object.getPrototypeOf(d)).toBeNull();
    expect(Object.keys(d)).toEqual(['__proto__']);
    const f = fromEntries([
      ['__proto__', { polluted: true }],
      ['constructor', 2],
    ] as [string, unknown][]);
    expect(Object.keys(f)).toEqual(['__proto__', 'constructor']);
    expect((f as Record<string, unknown>).polluted).toBeUndefined();
    expect(own({}, 'constructor')).toBeUndefined();
    expect(own({}, 'toString')).toBeUndefined();
  });
});
