import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHcl, locateConfigTree } from '../../src/hcl/loader.js';
import { Unknown, RefObject } from '../../src/model/value.js';
import type { Inventory, Resource } from '../../src/model/inventory.js';

function tree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ztait-loader-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const byAddr = (inv: Inventory, a: string): Resource => {
  const r = inv.resources.find((x) => x.address === a);
  if (!r) throw new Error(`no ${a} in ${inv.resources.map((x) => x.address).join(', ')}`);
  return r;
};

describe('HCL loader', () => {
  it('expands for_each and count, resolves variables, locals and tfvars precedence', async () => {
    const dir = tree({
      'main.tf': `
variable "pitr" {
  type    = bool
  default = false
}
variable "names" {
  type    = list(string)
  default = ["a"]
}
locals {
  tables = { for n in var.names : n => "ztait-\${n}" }
}
resource "aws_dynamodb_table" "t" {
  for_each = local.tables
  name     = each.value
  point_in_time_recovery {
    enabled = var.pitr
  }
}
resource "aws_sqs_queue" "q" {
  count = length(var.names)
  name  = "q-\${count.index}"
}
`,
      'terraform.tfvars': 'names = ["audit", "dedup"]\n',
      'z.auto.tfvars': 'pitr = true\n',
    });
    const inv = await loadHcl([dir]);
    expect(inv.resources.map((r) => r.address)).toEqual([
      'aws_dynamodb_table.t["audit"]',
      'aws_dynamodb_table.t["dedup"]',
      'aws_sqs_queue.q[0]',
      'aws_sqs_queue.q[1]',
    ]);
    const audit = byAddr(inv, 'aws_dynamodb_table.t["audit"]');
    expect(audit.values.name).toBe('ztait-audit');
    expect(audit.values.point_in_time_recovery).toEqual([{ enabled: true }]);
    expect(audit.index).toBe('audit');
    expect(audit.location?.line).toBe(13);
    expect(audit.attrLocations?.['point_in_time_recovery.enabled']?.line).toBe(17);
    expect(inv.variableOrigins?.pitr).toMatchObject({ kind: 'tfvars', line: 1 });
    expect(inv.variableOrigins?.pitr?.file).toMatch(/z\.auto\.tfvars$/);

    const cli = await loadHcl([dir], { vars: [['pitr', 'false']] });
    expect(byAddr(cli, 'aws_dynamodb_table.t["audit"]').values.point_in_time_recovery).toEqual([{ enabled: false }]);
    expect(cli.variableOrigins?.pitr?.kind).toBe('cli');
  });

  it('wires local child modules: inputs, outputs, module addresses, references across the boundary', async () => {
    const dir = tree({
      'main.tf': `
module "foundation" {
  source = "./modules/foundation"
  prefix = "ztait-"
}
module "actions" {
  source      = "./modules/actions"
  for_each    = toset(["slack", "mim"])
  name        = each.key
  boundary    = module.foundation.boundary_arn
  sg_ids      = [module.foundation.sg_id]
}
`,
      'modules/foundation/main.tf': `
variable "prefix" { type = string }
resource "aws_iam_policy" "boundary" {
  name   = "\${var.prefix}boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "sts:AssumeRole", Resource = "*" }] })
}
resource "aws_security_group" "lambda" {
  name = "\${var.prefix}lambda"
}
output "boundary_arn" { value = aws_iam_policy.boundary.arn }
output "sg_id" { value = aws_security_group.lambda.id }
`,
      'modules/actions/main.tf': `
variable "name" { type = string }
variable "boundary" { type = string }
variable "sg_ids" { type = list(string) }
resource "aws_iam_role" "handler" {
  name                 = "ztait-\${var.name}"
  permissions_boundary = var.boundary
  assume_role_policy   = "{}"
}
resource "aws_lambda_function" "handler" {
  function_name = "ztait-\${var.name}"
  role          = aws_iam_role.handler.arn
  vpc_config {
    subnet_ids         = ["subnet-1"]
    security_group_ids = var.sg_ids
  }
}
`,
    });
    const inv = await loadHcl([dir]);
    const role = byAddr(inv, 'module.actions["slack"].aws_iam_role.handler');
    const boundary = role.values.permissions_boundary as Unknown;
    expect(boundary).toBeInstanceOf(Unknown);
    expect(boundary.refs).toEqual(['module.foundation.aws_iam_policy.boundary']);
    expect(boundary.pattern).toBe('arn:aws:iam::*:policy/ztait-boundary');
    const fn = byAddr(inv, 'module.actions["mim"].aws_lambda_function.handler');
    expect(fn.module).toBe('module.actions["mim"]');
    const sgs = (fn.values.vpc_config as { security_group_ids: Unknown[] }[])[0]!.security_group_ids;
    expect(sgs[0]!.refs).toEqual(['module.foundation.aws_security_group.lambda']);
    expect((fn.values.role as Unknown).refs).toEqual(['module.actions["mim"].aws_iam_role.handler']);
    expect(fn.location?.file).toMatch(/modules\/actions\/main\.tf$/);
    const locs = await locateConfigTree(dir);
    expect(locs.get('module.actions.aws_lambda_function.handler')?.location.line).toBe(10);
    expect(locs.get('module.foundation.aws_iam_policy.boundary')?.attrLocations.policy?.line).toBe(5);
  });

  it('renders aws_iam_policy_document, keeping unknown ARNs as patterns with refs', async () => {
    const dir = tree({
      'main.tf': `
resource "aws_dynamodb_table" "audit" { name = "ztait-audit" }
data "aws_iam_policy_document" "p" {
  statement {
    sid       = "Write"
    actions   = ["dynamodb:PutItem", "dynamodb:GetItem"]
    resources = [aws_dynamodb_table.audit.arn, "\${aws_dynamodb_table.audit.arn}/index/*"]
  }
  statement {
    effect    = "Deny"
    actions   = ["sts:AssumeRole"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalTag/team"
      values   = ["x"]
    }
  }
}
data "aws_iam_policy_document" "known" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::b/*"]
  }
}
`,
    });
    const inv = await loadHcl([dir]);
    const known = byAddr(inv, 'data.aws_iam_policy_document.known');
    expect(JSON.parse(known.values.json as string)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
    });
    const p = byAddr(inv, 'data.aws_iam_policy_document.p').values.json as Unknown;
    expect(p).toBeInstanceOf(Unknown);
    expect(p.refs).toContain('aws_dynamodb_table.audit');
    const doc = p.structure as { Statement: Record<string, unknown>[] };
    expect(doc.Statement[0]!.Action).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(doc.Statement[1]).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Condition: { StringEquals: { 'aws:PrincipalTag/team': 'x' } },
    });
    const resources = doc.Statement[0]!.Resource as Unknown[];
    expect(resources.map((r) => r.pattern).sort()).toEqual([
      'arn:aws:dynamodb:*:*:table/ztait-audit',
      'arn:aws:dynamodb:*:*:table/ztait-audit/index/*',
    ]);
  });

  it('expands dynamic blocks', async () => {
    const dir = tree({
      'main.tf': `
variable "rules" {
  default = { https = 443, dns = 53 }
}
resource "aws_security_group" "sg" {
  name = "x"
  dynamic "egress" {
    for_each = var.rules
    content {
      protocol  = "tcp"
      from_port = egress.value
      to_port   = egress.value
    }
  }
}
`,
    });
    const inv = await loadHcl([dir]);
    expect(byAddr(inv, 'aws_security_group.sg').values.egress).toEqual([
      { protocol: 'tcp', from_port: 53, to_port: 53 },
      { protocol: 'tcp', from_port: 443, to_port: 443 },
    ]);
  });

  it('keeps going past broken files and reports each with file and line', async () => {
    const dir = tree({
      'good.tf': 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n',
      'broken.tf': 'resource "aws_sqs_queue" "b" {\n  name = \n}\n',
      'binary.tf': Buffer.from([0x72, 0x00, 0x01, 0x02]),
      'latin1.tf': Buffer.from([0x23, 0x20, 0xe9, 0x0a]),
    });
    symlinkSync(join(dir, 'loop.tf'), join(dir, 'loop.tf'));
    const inv = await loadHcl([dir]);
    expect(inv.resources.map((r) => r.address)).toEqual(['aws_sqs_queue.q']);
    const errs = inv.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file?.split('/').pop()}:${d.line}: ${d.message}`);
    expect(errs.find((e) => e.startsWith('broken.tf:2'))).toBeDefined();
    expect(errs).toContain('binary.tf:1: binary file (contains NUL bytes), not Terraform text');
    expect(errs).toContain('latin1.tf:1: not valid UTF-8 text');
    expect(errs.find((e) => e.startsWith('loop.tf:1') && /symlink loop/.test(e))).toBeDefined();
  });

  it('fails closed on remote modules and unknown variables', async () => {
    const dir = tree({
      'main.tf': `
variable "pitr" { type = bool }
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}
resource "aws_dynamodb_table" "t" {
  name = "t"
  point_in_time_recovery { enabled = var.pitr }
  stream_arn_hint = module.vpc.vpc_id
}
`,
    });
    const inv = await loadHcl([dir]);
    const t = byAddr(inv, 'aws_dynamodb_table.t');
    expect((t.values.point_in_time_recovery as { enabled: Value }[])[0]!.enabled).toBeInstanceOf(Unknown);
    expect(t.values.stream_arn_hint).toBeInstanceOf(Unknown);
    expect(inv.diagnostics.some((d) => d.affects?.includes('*') && /not local and is not fetched/.test(d.message) && d.line === 3)).toBe(
      true,
    );
  });

  it('fails closed on override files, which it does not merge', async () => {
    const dir = tree({
      'main.tf': 'resource "aws_sqs_queue" "q" {\n  name = "ztait-q"\n}\n',
      'q_override.tf': 'resource "aws_sqs_queue" "q" {\n  name = "other"\n}\n',
    });
    const inv = await loadHcl([dir]);
    const d = inv.diagnostics.find((x) => x.file?.endsWith('q_override.tf'));
    expect(d).toMatchObject({ severity: 'warning', line: 1, affects: ['*'] });
    expect(d!.message).toMatch(/not merged by ztait, so no rule can pass/);
    // the override's block is not read as a second declaration either
    expect(inv.resources.filter((r) => r.address === 'aws_sqs_queue.q')).toHaveLength(1);
  });

  it('detects module cycles and reference cycles without hanging', async () => {
    const dir = tree({
      'main.tf':
        'module "self" {\n  source = "./"\n}\nlocals {\n  a = local.b\n  b = local.a\n}\nresource "aws_sqs_queue" "q" {\n  name = local.a\n}\n',
    });
    const inv = await loadHcl([dir]);
    expect(inv.diagnostics.some((d) => /module cycle/.test(d.message))).toBe(true);
    expect(byAddr(inv, 'aws_sqs_queue.q').values.name).toBeInstanceOf(Unknown);
  });

  it('a resource reference gives a RefObject-derived value with the address', async () => {
    const dir = tree({
      'main.tf':
        'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n}\nresource "aws_s3_bucket_policy" "p" {\n  bucket = aws_s3_bucket.b.id\n  policy = "{}"\n}\n',
    });
    const inv = await loadHcl([dir]);
    // The id is computed by AWS (known only after apply, as a plan says), expected to be the name:
    // the value keeps the resource it was read from, so the policy binds to this bucket by reference.
    const bucket = byAddr(inv, 'aws_s3_bucket_policy.p').values.bucket;
    expect(bucket).toBeInstanceOf(Unknown);
    expect(bucket).toMatchObject({ refs: ['aws_s3_bucket.b'], pattern: 'logs' });
    expect(new RefObject('a', 'aws_s3_bucket', {}).get('arn')).toBeInstanceOf(Unknown);
  });

  it('a partly known name read through a reference points at the resource, with its pattern', async () => {
    const dir = tree({
      'main.tf': [
        'variable "env" {\n  type = string\n}',
        'resource "aws_s3_bucket" "b" {\n  bucket = "logs-${var.env}"\n}',
        'resource "aws_s3_bucket_versioning" "v" {\n  bucket = aws_s3_bucket.b.bucket\n}',
        'resource "aws_s3_bucket_policy" "p" {\n  bucket = aws_s3_bucket.b.id\n  policy = "{}"\n}',
      ].join('\n'),
    });
    const inv = await loadHcl([dir]);
    // the name is made of var.env, but `aws_s3_bucket.b.bucket` designates the bucket (as a plan's references say)
    expect(byAddr(inv, 'aws_s3_bucket_versioning.v').values.bucket).toMatchObject({ refs: ['aws_s3_bucket.b'], pattern: 'logs-*' });
    expect(byAddr(inv, 'aws_s3_bucket_policy.p').values.bucket).toMatchObject({ refs: ['aws_s3_bucket.b'], pattern: 'logs-*' });
  });

  it('says so when there is nothing to check', async () => {
    const dir = tree({ 'README.md': '# nothing\n' });
    await expect(loadHcl([dir])).rejects.toThrow(/no Terraform files found/);
  });
});
type Value = import('../../src/model/value.js').Value;

describe('HCL loader: dynamic blocks inside nested blocks', () => {
  it('expands a dynamic condition inside a policy document statement', async () => {
    const dir = tree({
      'main.tf': `
variable "conditions" {
  default = [{ test = "ArnNotLike", variable = "aws:PrincipalArn", values = ["arn:aws:iam::*:role/admin"] }]
}
data "aws_iam_policy_document" "p" {
  statement {
    effect    = "Deny"
    actions   = ["s3:DeleteObject"]
    resources = ["arn:aws:s3:::b/*"]
    dynamic "condition" {
      for_each = var.conditions
      content {
        test     = condition.value.test
        variable = condition.value.variable
        values   = condition.value.values
      }
    }
  }
}
`,
    });
    const inv = await loadHcl([dir]);
    const doc = JSON.parse(byAddr(inv, 'data.aws_iam_policy_document.p').values.json as string);
    expect(doc.Statement[0].Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin' } });
  });
});

describe('HCL loader: JSON syntax and repeated roots', () => {
  it('reads *.tf.json (blocks, variables, locals) like native syntax', async () => {
    const dir = tree({
      'main.tf.json': JSON.stringify({
        variable: { pitr: { default: true } },
        locals: { name: 'ztait-sessions' },
        resource: { aws_dynamodb_table: { sessions: { name: '${local.name}', point_in_time_recovery: { enabled: '${var.pitr}' } } } },
      }),
    });
    const inv = await loadHcl([dir]);
    const t = byAddr(inv, 'aws_dynamodb_table.sessions');
    expect(t.values.name).toBe('ztait-sessions');
    expect(t.values.point_in_time_recovery).toEqual({ enabled: true });
    expect(t.location?.line).toBeGreaterThan(0);
  });

  it('a root given twice (DIR and DIR/) is loaded once', async () => {
    const dir = tree({ 'main.tf': 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n' });
    const inv = await loadHcl([dir, `${dir}/`]);
    expect(inv.resources.map((r) => r.address)).toEqual(['aws_sqs_queue.q']);
  });
});
