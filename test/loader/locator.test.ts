import { describe, expect, it } from 'vitest';
import { attrLocationsOf, scanHcl, scanHclTop } from '../../src/hcl/locator.js';

const SRC = `# file header comment

# ztait:ignore SI-6 reason="above the block"
resource "aws_dynamodb_table" "audit" {
  name = "ztait-audit" # trailing } { braces in a comment
  tags = {
    note = "a } brace and \${jsonencode({a = "}"})} inside"
  }
  point_in_time_recovery {
    enabled = false
  }
  policy = <<EOT
{"Statement": [{"Effect": "Allow"}]}
}
EOT
  // ztait:ignore SI-5 reason="inside the block"
  egress {
    from_port = 0
  }
  egress {
    from_port = 443
    to_port   = 443
  }
  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port = ingress.value
    }
  }
}

/* a block comment with resource "x" "y" { */
resource "aws_s3_bucket" "b" {
  bucket = "x"
}
`;

describe('locator', () => {
  const blocks = scanHcl('main.tf', SRC);

  it('finds top-level blocks with their line ranges, ignoring braces in strings, heredocs and comments', () => {
    expect(blocks.map((b) => [b.type, ...b.labels, b.location.line, b.location.endLine])).toEqual([
      ['resource', 'aws_dynamodb_table', 'audit', 4, 30],
      ['resource', 'aws_s3_bucket', 'b', 33, 35],
    ]);
  });

  it('locates attributes and nested blocks by dotted path, repeated blocks by index', () => {
    const a = attrLocationsOf(blocks[0]!);
    expect(a.name!.line).toBe(5);
    expect(a.tags!.line).toBe(6);
    expect(a.tags!.endLine).toBe(8);
    expect(a['point_in_time_recovery.enabled']!.line).toBe(10);
    expect(a['point_in_time_recovery']!.line).toBe(9);
    expect(a.policy!.line).toBe(12);
    expect(a['egress.0.from_port']!.line).toBe(18);
    expect(a['egress.1.from_port']!.line).toBe(21);
    expect(a['egress.1']!.line).toBe(20);
    expect(a['egress.from_port']!.line).toBe(18);
    expect(a['ingress.0.from_port']!.line).toBe(27);
  });

  it('attaches comments above and inside a block to it, not the file header', () => {
    const texts = blocks[0]!.comments.map((c) => [c.line, c.text]);
    expect(texts).toContainEqual([3, 'ztait:ignore SI-6 reason="above the block"']);
    expect(texts).toContainEqual([16, 'ztait:ignore SI-5 reason="inside the block"']);
    expect(texts.some(([, t]) => String(t).includes('file header'))).toBe(false);
    // the block comment sits directly above the bucket, so it is the bucket's
    expect(blocks[1]!.comments).toEqual([{ line: 32, text: 'a block comment with resource "x" "y" {' }]);
  });

  it('reports top-level attributes of a tfvars file', () => {
    const { attrs } = scanHclTop('terraform.tfvars', 'region = "us-east-1"\n\nmaturity_level = 2\nsources = {\n  github = {}\n}\n');
    expect(attrs.get('maturity_level')!.line).toBe(3);
    expect(attrs.get('sources')!.line).toBe(4);
    expect(attrs.get('sources')!.endLine).toBe(6);
  });

  it('survives unterminated strings and stray input without hanging', () => {
    const b = scanHcl('bad.tf', 'resource "a" "b" {\n  x = "unterminated\n}\n}}}\n"');
    expect(b.length).toBe(1);
  });
});

describe('locator: keys inside object values', () => {
  it('locates environment variables one per line, also inside merge()', () => {
    const [b] = scanHcl(
      'f.tf',
      `resource "aws_lambda_function" "f" {
  environment {
    variables = merge(var.common, {
      REPLAY_WINDOW_SECONDS = 600
      "SIGNATURE_HEADER"    = "X-Hub-Signature-256"
      LIST = [for k, v in var.x : k => v]
    })
  }
}
`,
    );
    const a = attrLocationsOf(b!);
    expect(a['environment.variables.REPLAY_WINDOW_SECONDS']!.line).toBe(4);
    expect(a['environment.variables.SIGNATURE_HEADER']!.line).toBe(5);
    expect(a['environment.variables']!.line).toBe(3);
  });
});
