import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHcl } from '../../src/hcl/loader.js';
import { loadSource } from '../../src/scan.js';
import { runChecks } from '../../src/engine.js';
import type { Inventory, Origin } from '../../src/model/inventory.js';
import { REPO_ROOT } from '../support/cli.js';

/**
 * Value provenance (issue 17): for an attribute of a resource, the places its value was written,
 * from the use towards the origin. The tree below is written the way other people's layouts are:
 * a module input fed from a tfvars entry, a default, a local map whose keys are read elsewhere,
 * a dynamic block over a local, policy documents with and without Sids.
 */

const FILES: Record<string, string> = {
  'main.tf': `
module "data" {
  source       = "./modules/data"
  pitr_enabled = var.pitr_enabled
}

module "compute" {
  source         = "./modules/compute"
  replay_seconds = var.replay_seconds
}

resource "aws_iam_role_policy" "engine" {
  name   = "ztait-engine"
  role   = "ztait-engine"
  policy = data.aws_iam_policy_document.engine.json
}

data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Logs"
    actions   = ["logs:PutLogEvents"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "engine" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]

  statement {
    sid       = "Tables"
    actions   = ["dynamodb:GetItem"]
    resources = ["*"]
  }

  statement {
    sid       = "AssumeAnything"
    actions   = ["sts:AssumeRole"]
    resources = ["*"]
  }
}
`,
  'variables.tf': `
variable "pitr_enabled" {
  type    = bool
  default = true
}

variable "replay_seconds" {
  type    = number
  default = 300
}
`,
  'terraform.tfvars': `
pitr_enabled = false
`,
  'modules/data/main.tf': `
variable "pitr_enabled" {
  type = bool
}

variable "encrypted" {
  type    = bool
  default = false
}

resource "aws_dynamodb_table" "audit" {
  name     = "ztait-audit"
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
  point_in_time_recovery {
    enabled = var.pitr_enabled
  }
  server_side_encryption {
    enabled = var.encrypted
  }
}
`,
  'modules/compute/main.tf': `
variable "replay_seconds" {
  type = number
}

locals {
  functions = {
    receiver = {
      environment = {
        SIGNATURE_HEADER      = "X-Hub-Signature-256"
        REPLAY_WINDOW_SECONDS = tostring(var.replay_seconds)
      }
    }
  }
}

resource "aws_lambda_function" "fn" {
  for_each      = local.functions
  function_name = "ztait-\${each.key}"
  role          = "arn:aws:iam::111122223333:role/ztait-\${each.key}"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "fn.zip"

  dynamic "environment" {
    for_each = [each.value.environment]
    content {
      variables = environment.value
    }
  }
}
`,
};

let root: string;
let inv: Inventory;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ztait-provenance-'));
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  inv = await loadHcl([root]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const at = (o: Origin): string => `${o.file.slice(root.length + 1)}:${o.line} ${o.what}`;
function origins(address: string, attr: string, statement?: { index: number; sid?: string }): string[] {
  const r = inv.resources.find((x) => x.address === address);
  expect(r, address).toBeDefined();
  return inv.provenance!.origins(r!, attr, statement ? { statement } : {}).map(at);
}

describe('value provenance of HCL', () => {
  it('follows a module input to the tfvars entry that set the root variable', () => {
    expect(origins('module.data.aws_dynamodb_table.audit', 'point_in_time_recovery.enabled')).toEqual([
      'main.tf:4 module.data input pitr_enabled = false',
      'terraform.tfvars:2 var.pitr_enabled = false (set in terraform.tfvars)',
    ]);
  });

  it('stops at the default of a module variable no caller sets', () => {
    expect(origins('module.data.aws_dynamodb_table.audit', 'server_side_encryption.enabled')).toEqual([
      'modules/data/main.tf:8 module.data.var.encrypted = false (default)',
    ]);
  });

  it('through a dynamic block and for_each, names the line of the local that writes the key, then its origin', () => {
    expect(origins('module.compute.aws_lambda_function.fn["receiver"]', 'environment.variables.REPLAY_WINDOW_SECONDS')).toEqual([
      'modules/compute/main.tf:11 module.compute.local.functions: REPLAY_WINDOW_SECONDS',
      'main.tf:9 module.compute input replay_seconds = 300',
      'variables.tf:9 var.replay_seconds = 300 (default)',
    ]);
  });

  it('a policy statement is found by its Sid in a document that merges another', () => {
    expect(origins('aws_iam_role_policy.engine', 'policy', { index: 2, sid: 'AssumeAnything' })).toEqual([
      'main.tf:35 data.aws_iam_policy_document.engine statement 2',
    ]);
    // the document named itself (not through the policy that renders it) finds its statement alike
    expect(origins('data.aws_iam_policy_document.engine', 'json', { index: 2, sid: 'AssumeAnything' })).toEqual([
      'main.tf:35 data.aws_iam_policy_document.engine statement 2',
    ]);
    // without a Sid, an index into a merging document would name the wrong block: the whole document
    expect(origins('aws_iam_role_policy.engine', 'policy', { index: 2 })).toEqual(['main.tf:26 data.aws_iam_policy_document.engine']);
  });

  it('an attribute written as a literal has no origin elsewhere', () => {
    expect(origins('module.compute.aws_lambda_function.fn["receiver"]', 'handler')).toEqual([]);
  });

  it('the engine puts the trace on the finding', () => {
    const result = runChecks(inv, { commandLine: 'ztait check', checks: ['SI-6'] });
    const f = result.invariants.find((i) => i.id === 'SI-6')!.findings[0]!;
    expect(f.trace?.map((t) => `${t.file.slice(root.length + 1)}:${t.line}`)).toEqual(['main.tf:4', 'terraform.tfvars:2']);
  });
});

describe('value provenance of a plan read with its configuration directory', () => {
  it('follows the configuration of the resource with the same address', async () => {
    const plan = await loadSource({
      kind: 'plan',
      file: join(REPO_ROOT, 'fixtures/plans/reference.plan.json'),
      configDir: join(REPO_ROOT, 'terraform/examples/complete'),
    });
    const r = plan.resources.find((x) => x.address === 'module.actions.aws_secretsmanager_secret_rotation.integration["slack"]')!;
    const steps = plan.provenance!.origins(r, 'rotation_rules.automatically_after_days').map((o) => `${o.file}:${o.line}`);
    expect(steps).toEqual(['terraform/examples/complete/main.tf:86', 'terraform/examples/complete/terraform.tfvars:46']);
  });
});
