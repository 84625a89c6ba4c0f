/**
 * A synthetic but realistic Terraform tree for the static benchmark: a root module calling one
 * shared "platform" module (VPC, subnets, NAT, Lambda security group with its HTTPS egress rule,
 * VPC endpoints, KMS key, permission boundary, HTTP API with a JWT authorizer) and N-1 service
 * modules, each in its own directory, written the way the reference architecture's modules are:
 * Lambda functions in the VPC (for_each over a map of handlers), IAM roles with the boundary and
 * jsonencode trust policies, aws_iam_policy_document policies, DynamoDB tables with PITR and SSE,
 * security groups with egress rules (count), secrets with rotation, API routes behind the JWT
 * authorizer, SSM prompt parameters, alarms, variables, locals, for_each maps and count.
 *
 * Every module has different names and sizes, so the expression cache does not make the job
 * easier than it is on a real estate. `generateTree` returns the number of resource instances
 * (managed and data) the tool should find, so a benchmark can tell a fast run from a broken one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Resource instances per handler in a service module (see handlerResources). */
const PER_HANDLER = 9;
/** Data sources of the platform module (caller identity, boundary document). */
const PLATFORM_DATA = 2;
/** Instances of a service module that do not depend on the number of handlers. */
const serviceFixed = (tables, secrets, prompts, alarms) =>
  tables + 2 * secrets + prompts + alarms + 1 /* dlq */ + 1 /* sg */ + 2 /* egress */ + 2 /* kms */ + 2 /* events */ + 1; /* policy */

const WORDS = [
  'ingest',
  'triage',
  'enrich',
  'notify',
  'route',
  'score',
  'audit',
  'export',
  'sync',
  'archive',
  'classify',
  'dedupe',
  'escalate',
  'report',
  'verify',
  'publish',
];
const TABLE_WORDS = ['events', 'state', 'audit', 'cursor', 'cache', 'rules', 'jobs', 'leases'];

/** Deterministic pseudo-random numbers (mulberry32), so every run benchmarks the same tree. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes the tree into `dir` (which must exist and be empty).
 * @returns {{ modules: number, files: number, bytes: number, managed: number, data: number }}
 */
export function generateTree(dir, { modules = 100, resources = 10_000, seed = 42 } = {}) {
  const rand = rng(seed);
  const pick = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  let files = 0;
  let bytes = 0;
  const write = (path, text) => {
    writeFileSync(path, text);
    files += 1;
    bytes += Buffer.byteLength(text);
  };

  const platformCount = writePlatform(join(dir, 'modules', 'platform'), write);
  const services = [];
  // Fixed parts first, then handlers to reach the resource target.
  for (let i = 1; i < modules; i++) {
    services.push({
      name: `svc${String(i).padStart(3, '0')}`,
      tables: pick(3, 6),
      secrets: pick(2, 4),
      prompts: pick(1, 3),
      alarms: pick(1, 3),
      handlers: 0,
    });
  }
  const fixed = services.reduce((s, m) => s + serviceFixed(m.tables, m.secrets, m.prompts, m.alarms), platformCount);
  let handlers = Math.max(services.length, Math.round((resources - fixed) / PER_HANDLER));
  services.forEach((m, i) => {
    m.handlers = Math.floor(handlers / services.length) + (i < handlers % services.length ? 1 : 0);
  });
  let total = platformCount;
  let data = PLATFORM_DATA;
  for (const m of services) {
    writeService(join(dir, 'modules', m.name), m, rand, write);
    total += serviceFixed(m.tables, m.secrets, m.prompts, m.alarms) + PER_HANDLER * m.handlers;
    data += m.handlers; // one aws_iam_policy_document per handler
  }
  writeRoot(dir, services, write);
  return { modules, files, bytes, managed: total - data, data };
}

function writeRoot(dir, services, write) {
  mkdirSync(dir, { recursive: true });
  write(
    join(dir, 'versions.tf'),
    `terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }
}

provider "aws" {
  region = var.region
}
`,
  );
  write(
    join(dir, 'variables.tf'),
    `variable "namespace" {
  type    = string
  default = "ztait-"
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "account_id" {
  type    = string
  default = "123456789012"
}

variable "availability_zones" {
  type    = list(string)
  default = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

variable "okta_issuer" {
  type    = string
  default = "https://example.okta.com/oauth2/default"
}

variable "secret_rotation_days" {
  type    = number
  default = 30
}

variable "log_retention_days" {
  type    = number
  default = 365
}

variable "tags" {
  type    = map(string)
  default = {}
}
`,
  );
  write(
    join(dir, 'terraform.tfvars'),
    `namespace = "ztait-"\nregion    = "eu-west-1"\ntags      = { owner = "platform-team", "cost-center" = "sec-042" }\n`,
  );
  const calls = services.map((m) => {
    const handlerMap = Array.from({ length: m.handlers }, (_, h) => {
      const word = `${WORDS[h % WORDS.length]}${h >= WORDS.length ? Math.floor(h / WORDS.length) + 1 : ''}`;
      const tables = [TABLE_WORDS[h % m.tables], TABLE_WORDS[(h + 1) % m.tables]];
      return `    ${word} = { memory = ${128 * (1 + (h % 4))}, timeout = ${5 + (h % 25)}, tables = ${JSON.stringify([...new Set(tables)])}, public = ${h % 3 === 0} }`;
    }).join('\n');
    const tableMap = Array.from(
      { length: m.tables },
      (_, t) =>
        `    ${TABLE_WORDS[t]} = { hash_key = "${TABLE_WORDS[t]}_id", range_key = ${t % 2 === 0 ? `"created_at"` : 'null'}, ttl = ${t === 0} }`,
    ).join('\n');
    const secretSet = Array.from({ length: m.secrets }, (_, s) => `"${['github', 'pagerduty', 'slack', 'jira'][s]}"`).join(', ');
    return `module "${m.name}" {
  source = "./modules/${m.name}"

  namespace            = "\${var.namespace}${m.name}-"
  service              = "${m.name}"
  region               = var.region
  account_id           = var.account_id
  tags                 = merge(var.tags, { service = "${m.name}" })
  log_retention_days   = var.log_retention_days
  secret_rotation_days = var.secret_rotation_days
  prompt_count         = ${m.prompts}
  alarm_count          = ${m.alarms}

  vpc_id                   = module.platform.vpc_id
  private_subnet_ids       = module.platform.private_subnet_ids
  endpoint_prefix_list_id  = module.platform.dynamodb_prefix_list_id
  permissions_boundary_arn = module.platform.permissions_boundary_arn
  kms_key_arn              = module.platform.kms_key_arn
  api_id                   = module.platform.api_id
  api_execution_arn        = module.platform.api_execution_arn
  authorizer_id            = module.platform.authorizer_id
  rotation_lambda_arn      = module.platform.rotation_lambda_arn

  handlers = {
${handlerMap}
  }

  tables = {
${tableMap}
  }

  secrets = toset([${secretSet}])
}
`;
  });
  write(
    join(dir, 'main.tf'),
    `# Synthetic estate: one platform module and ${services.length} service modules.

locals {
  common_tags = merge(var.tags, { "ztait:system" = "ztait", environment = "bench" })
}

module "platform" {
  source = "./modules/platform"

  namespace            = var.namespace
  region               = var.region
  account_id           = var.account_id
  availability_zones   = var.availability_zones
  okta_issuer          = var.okta_issuer
  okta_audience        = ["ztait-dashboard"]
  log_retention_days   = var.log_retention_days
  tags                 = local.common_tags
}

${calls.join('\n')}`,
  );
  write(
    join(dir, 'outputs.tf'),
    `output "function_arns" {
  value = merge(
${services.map((m) => `    module.${m.name}.function_arns,`).join('\n')}
  )
}

output "table_names" {
  value = concat(
${services.map((m) => `    module.${m.name}.table_names,`).join('\n')}
  )
}
`,
  );
}

/** The shared platform module; returns its number of resource instances. */
function writePlatform(dir, write) {
  mkdirSync(dir, { recursive: true });
  write(
    join(dir, 'variables.tf'),
    ['namespace', 'region', 'account_id', 'okta_issuer']
      .map((v) => `variable "${v}" {\n  type = string\n}\n`)
      .concat([
        'variable "availability_zones" {\n  type = list(string)\n}\n',
        'variable "okta_audience" {\n  type = list(string)\n}\n',
        'variable "log_retention_days" {\n  type    = number\n  default = 365\n}\n',
        'variable "tags" {\n  type    = map(string)\n  default = {}\n}\n',
        'variable "vpc_cidr" {\n  type    = string\n  default = "10.40.0.0/16"\n}\n',
      ])
      .join('\n'),
  );
  write(
    join(dir, 'network.tf'),
    `locals {
  tags                        = merge(var.tags, { "ztait:module" = "platform" })
  interface_endpoint_services = toset(["secretsmanager", "bedrock-runtime", "events", "sqs", "ssm"])
}

resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = "\${var.namespace}vpc" })
}

resource "aws_default_security_group" "locked" {
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = "\${var.namespace}default-locked" })
}

resource "aws_subnet" "private" {
  count = length(var.availability_zones)

  vpc_id                  = aws_vpc.main.id
  availability_zone       = var.availability_zones[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, count.index)
  map_public_ip_on_launch = false
  tags                    = merge(local.tags, { Name = "\${var.namespace}private-\${var.availability_zones[count.index]}" })
}

resource "aws_subnet" "public" {
  count = length(var.availability_zones)

  vpc_id                  = aws_vpc.main.id
  availability_zone       = var.availability_zones[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 8, 240 + count.index)
  map_public_ip_on_launch = false
  tags                    = merge(local.tags, { Name = "\${var.namespace}public-\${var.availability_zones[count.index]}" })
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
  tags   = local.tags
}

resource "aws_eip" "nat" {
  domain     = "vpc"
  tags       = local.tags
  depends_on = [aws_internet_gateway.main]
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
  tags          = local.tags
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }

  tags = local.tags
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.main.id
  }

  tags = local.tags
}

resource "aws_route_table_association" "private" {
  count = length(var.availability_zones)

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

resource "aws_security_group" "endpoints" {
  name        = "\${var.namespace}vpc-endpoints"
  description = "Interface endpoints: HTTPS from inside the VPC only"
  vpc_id      = aws_vpc.main.id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "endpoints" {
  security_group_id = aws_security_group.endpoints.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr
}

resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.\${var.region}.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
  tags              = local.tags
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoint_services

  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.\${var.region}.\${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints.id]
  tags                = local.tags
}
`,
  );
  write(
    join(dir, 'security.tf'),
    `data "aws_caller_identity" "current" {}

resource "aws_kms_key" "main" {
  description             = "\${var.namespace}platform"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = local.tags
}

resource "aws_kms_alias" "main" {
  name          = "alias/\${var.namespace}platform"
  target_key_id = aws_kms_key.main.key_id
}

data "aws_iam_policy_document" "boundary" {
  statement {
    sid       = "AllowResourceless"
    actions   = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "cloudwatch:PutMetricData"]
    resources = ["*"]
  }

  statement {
    sid       = "AllowLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:\${var.region}:\${var.account_id}:log-group:/aws/lambda/\${var.namespace}*"]
  }

  statement {
    sid       = "AllowTables"
    actions   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = ["arn:aws:dynamodb:\${var.region}:\${var.account_id}:table/\${var.namespace}*"]
  }

  statement {
    sid       = "AllowSecrets"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = ["arn:aws:secretsmanager:\${var.region}:\${var.account_id}:secret:\${var.namespace}*"]
  }

  statement {
    sid       = "AllowQueuesAndEvents"
    actions   = ["sqs:SendMessage", "events:PutEvents", "ssm:GetParameter", "kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]
  }

  statement {
    sid       = "DenyIamWrites"
    effect    = "Deny"
    actions   = ["iam:*", "sts:AssumeRole", "organizations:*"]
    resources = ["*"]
  }

  statement {
    sid       = "DenyAuditDeletes"
    effect    = "Deny"
    actions   = ["dynamodb:DeleteItem", "dynamodb:DeleteTable", "dynamodb:BatchWriteItem", "cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "s3:DeleteObject*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "boundary" {
  name   = "\${var.namespace}boundary"
  policy = data.aws_iam_policy_document.boundary.json
  tags   = local.tags
}

resource "aws_iam_role" "rotation" {
  name                 = "\${var.namespace}secret-rotation"
  permissions_boundary = aws_iam_policy.boundary.arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = local.tags
}

resource "aws_lambda_function" "rotation" {
  function_name = "\${var.namespace}secret-rotation"
  role          = aws_iam_role.rotation.arn
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "\${path.module}/rotation.zip"
  kms_key_arn   = aws_kms_key.main.arn

  vpc_config {
    subnet_ids         = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.endpoints.id]
  }

  tags = local.tags
}

resource "aws_apigatewayv2_api" "main" {
  name          = "\${var.namespace}api"
  protocol_type = "HTTP"
  tags          = local.tags
}

resource "aws_apigatewayv2_authorizer" "okta" {
  api_id           = aws_apigatewayv2_api.main.id
  name             = "\${var.namespace}okta"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = var.okta_issuer
    audience = var.okta_audience
  }
}
`,
  );
  write(
    join(dir, 'outputs.tf'),
    `output "vpc_id" {
  value = aws_vpc.main.id
}

output "private_subnet_ids" {
  value = aws_subnet.private[*].id
}

output "dynamodb_prefix_list_id" {
  value = aws_vpc_endpoint.dynamodb.prefix_list_id
}

output "permissions_boundary_arn" {
  value = aws_iam_policy.boundary.arn
}

output "kms_key_arn" {
  value = aws_kms_key.main.arn
}

output "api_id" {
  value = aws_apigatewayv2_api.main.id
}

output "api_execution_arn" {
  value = aws_apigatewayv2_api.main.execution_arn
}

output "authorizer_id" {
  value = aws_apigatewayv2_authorizer.okta.id
}

output "rotation_lambda_arn" {
  value = aws_lambda_function.rotation.arn
}
`,
  );
  // vpc, default sg, 3+3 subnets, igw, eip, nat, 2 route tables, 3 associations, endpoints sg + rule,
  // dynamodb endpoint, 5 interface endpoints, caller identity, kms key + alias, boundary doc + policy,
  // rotation role + function, api + authorizer
  return 1 + 1 + 3 + 3 + 1 + 1 + 1 + 2 + 3 + 2 + 1 + 5 + 1 + 2 + 2 + 2 + 2;
}

function writeService(dir, m, rand, write) {
  mkdirSync(dir, { recursive: true });
  const runtime = rand() < 0.5 ? 'nodejs20.x' : 'python3.12';
  write(
    join(dir, 'variables.tf'),
    `variable "namespace" {
  description = "Name prefix of every resource of ${m.name}"
  type        = string
}

variable "service" {
  type = string
}

variable "region" {
  type = string
}

variable "account_id" {
  type = string
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "log_retention_days" {
  type    = number
  default = 365
}

variable "secret_rotation_days" {
  type    = number
  default = 30
}

variable "prompt_count" {
  type    = number
  default = 1
}

variable "alarm_count" {
  type    = number
  default = 1
}

variable "vpc_id" {
  type = string
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "endpoint_prefix_list_id" {
  type = string
}

variable "permissions_boundary_arn" {
  type = string
}

variable "kms_key_arn" {
  type = string
}

variable "api_id" {
  type = string
}

variable "api_execution_arn" {
  type = string
}

variable "authorizer_id" {
  type = string
}

variable "rotation_lambda_arn" {
  type = string
}

variable "handlers" {
  description = "Lambda handlers of the service"
  type = map(object({
    memory  = number
    timeout = number
    tables  = list(string)
    public  = bool
  }))
}

variable "tables" {
  type = map(object({
    hash_key  = string
    range_key = string
    ttl       = bool
  }))
}

variable "secrets" {
  type = set(string)
}

variable "runtime" {
  type    = string
  default = "${runtime}"
}
`,
  );
  write(
    join(dir, 'locals.tf'),
    `locals {
  tags          = merge(var.tags, { "ztait:system" = "ztait", "ztait:service" = var.service })
  table_names   = { for key, _ in var.tables : key => "\${var.namespace}\${replace(key, "_", "-")}" }
  table_arns    = { for key, name in local.table_names : key => "arn:aws:dynamodb:\${var.region}:\${var.account_id}:table/\${name}" }
  secret_arns   = { for name in var.secrets : name => "arn:aws:secretsmanager:\${var.region}:\${var.account_id}:secret:\${var.namespace}\${name}-*" }
  public_routes = { for name, h in var.handlers : name => h if h.public }
  handler_names = sort(keys(var.handlers))
  function_names = { for name in local.handler_names : name => "\${var.namespace}\${name}" }
}
`,
  );
  write(
    join(dir, 'lambda.tf'),
    `resource "aws_iam_role" "handler" {
  for_each = var.handlers

  name                 = local.function_names[each.key]
  description          = "\${var.service} \${each.key} handler"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaAssume"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
    }]
  })

  tags = merge(local.tags, { handler = each.key })
}

data "aws_iam_policy_document" "handler" {
  for_each = var.handlers

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["\${aws_cloudwatch_log_group.handler[each.key].arn}:*"]
  }

  statement {
    sid       = "Tables"
    actions   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = [for t in each.value.tables : local.table_arns[t]]
  }

  statement {
    sid       = "Secrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = values(local.secret_arns)
  }

  statement {
    sid       = "Queue"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq.arn]
  }

  statement {
    sid       = "Prompts"
    actions   = ["ssm:GetParameter"]
    resources = ["arn:aws:ssm:\${var.region}:\${var.account_id}:parameter/\${var.namespace}prompt/*"]
  }
}

resource "aws_iam_role_policy" "handler" {
  for_each = var.handlers

  name   = "least-privilege"
  role   = aws_iam_role.handler[each.key].id
  policy = data.aws_iam_policy_document.handler[each.key].json
}

resource "aws_iam_role_policy_attachment" "shared" {
  for_each = var.handlers

  role       = aws_iam_role.handler[each.key].name
  policy_arn = aws_iam_policy.shared.arn
}

resource "aws_cloudwatch_log_group" "handler" {
  for_each = var.handlers

  name              = "/aws/lambda/\${local.function_names[each.key]}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = local.tags
}

resource "aws_lambda_function" "handler" {
  for_each = var.handlers

  function_name = local.function_names[each.key]
  description   = "\${var.service}: \${each.key}"
  role          = aws_iam_role.handler[each.key].arn
  runtime       = var.runtime
  handler       = "index.handler"
  architectures = ["arm64"]
  memory_size   = each.value.memory
  timeout       = each.value.timeout
  filename      = "\${path.module}/dist/\${each.key}.zip"
  kms_key_arn   = var.kms_key_arn

  vpc_config {
    subnet_ids         = var.private_subnet_ids
    security_group_ids = [aws_security_group.lambda.id]
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dlq.arn
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.handler[each.key].name
  }

  environment {
    variables = {
      SERVICE      = var.service
      HANDLER      = each.key
      TABLES       = jsonencode({ for t in each.value.tables : t => local.table_names[t] })
      SECRET_ARNS  = jsonencode(local.secret_arns)
      PROMPT_PATH  = "/\${var.namespace}prompt/\${each.key}"
      LOG_LEVEL    = each.value.public ? "INFO" : "DEBUG"
      QUEUE_URL    = aws_sqs_queue.dlq.url
    }
  }

  tags = merge(local.tags, { handler = each.key })

  depends_on = [aws_iam_role_policy.handler]
}

resource "aws_lambda_permission" "api" {
  for_each = var.handlers

  statement_id  = "AllowApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.handler[each.key].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "\${var.api_execution_arn}/*/*/\${var.service}/\${each.key}"
}

resource "aws_apigatewayv2_integration" "handler" {
  for_each = var.handlers

  api_id                 = var.api_id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.handler[each.key].invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "handler" {
  for_each = var.handlers

  api_id             = var.api_id
  route_key          = "\${each.value.public ? "GET" : "POST"} /\${var.service}/\${each.key}"
  target             = "integrations/\${aws_apigatewayv2_integration.handler[each.key].id}"
  authorization_type = "JWT"
  authorizer_id      = var.authorizer_id
}
`,
  );
  write(
    join(dir, 'data.tf'),
    `resource "aws_dynamodb_table" "this" {
  for_each = var.tables

  name                        = local.table_names[each.key]
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value.hash_key
  range_key                   = each.value.range_key
  deletion_protection_enabled = true

  attribute {
    name = each.value.hash_key
    type = "S"
  }

  dynamic "attribute" {
    for_each = each.value.range_key == null ? [] : [each.value.range_key]
    content {
      name = attribute.value
      type = "S"
    }
  }

  dynamic "ttl" {
    for_each = each.value.ttl ? [1] : []
    content {
      attribute_name = "expires_at"
      enabled        = true
    }
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  point_in_time_recovery {
    enabled = true
  }

  tags = merge(local.tags, { "ztait:table" = each.key })
}

resource "aws_sqs_queue" "dlq" {
  name                      = "\${var.namespace}dlq"
  kms_master_key_id         = var.kms_key_arn
  message_retention_seconds = 1209600
  tags                      = local.tags
}

resource "aws_secretsmanager_secret" "integration" {
  for_each = var.secrets

  name                    = "\${var.namespace}\${each.key}"
  description             = "\${var.service} credentials for \${each.key}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = 30
  tags                    = merge(local.tags, { integration = each.key })
}

resource "aws_secretsmanager_secret_rotation" "integration" {
  for_each = var.secrets

  secret_id           = aws_secretsmanager_secret.integration[each.key].id
  rotation_lambda_arn = var.rotation_lambda_arn

  rotation_rules {
    automatically_after_days = var.secret_rotation_days
  }
}

resource "aws_ssm_parameter" "prompt" {
  count = var.prompt_count

  name   = "/\${var.namespace}prompt/v\${count.index + 1}"
  type   = "SecureString"
  key_id = var.kms_key_arn
  value  = "You are the \${var.service} triage assistant, prompt revision \${count.index + 1}."
  tags   = local.tags
}

resource "aws_kms_key" "service" {
  description             = "\${var.namespace}data"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = local.tags
}

resource "aws_kms_alias" "service" {
  name          = "alias/\${var.namespace}data"
  target_key_id = aws_kms_key.service.key_id
}

resource "aws_iam_policy" "shared" {
  name = "\${var.namespace}shared"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Metrics"
        Effect   = "Allow"
        Action   = ["cloudwatch:PutMetricData"]
        Resource = "*"
        Condition = { StringEquals = { "cloudwatch:namespace" = "ZTAIT/\${var.service}" } }
      },
      {
        Sid      = "Decrypt"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arn, aws_kms_key.service.arn]
      },
    ]
  })
  tags = local.tags
}

resource "aws_cloudwatch_event_rule" "schedule" {
  name                = "\${var.namespace}schedule"
  schedule_expression = "rate(\${5 + length(var.handlers)} minutes)"
  tags                = local.tags
}

resource "aws_cloudwatch_event_target" "schedule" {
  rule = aws_cloudwatch_event_rule.schedule.name
  arn  = aws_lambda_function.handler[local.handler_names[0]].arn
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  count = var.alarm_count

  alarm_name          = "\${var.namespace}errors-\${count.index}"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = count.index + 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions          = { FunctionName = local.function_names[local.handler_names[count.index % length(local.handler_names)]] }
  tags                = local.tags
}
`,
  );
  write(
    join(dir, 'network.tf'),
    `resource "aws_security_group" "lambda" {
  name        = "\${var.namespace}lambda"
  description = "\${var.service} functions: HTTPS egress only"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "\${var.namespace}lambda" })
}

# HTTPS to the internet through the NAT gateway, and to DynamoDB through its gateway endpoint.
resource "aws_vpc_security_group_egress_rule" "https" {
  count = 2

  security_group_id = aws_security_group.lambda.id
  description       = count.index == 0 ? "HTTPS out" : "DynamoDB gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = count.index == 0 ? "0.0.0.0/0" : null
  prefix_list_id    = count.index == 1 ? var.endpoint_prefix_list_id : null
  tags              = local.tags
}
`,
  );
  write(
    join(dir, 'outputs.tf'),
    `output "function_arns" {
  value = { for k, f in aws_lambda_function.handler : "\${var.service}/\${k}" => f.arn }
}

output "table_names" {
  value = [for t in aws_dynamodb_table.this : t.name]
}
`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node bench/gen/tree.mjs DIR [modules] [resources]');
    process.exit(2);
  }
  mkdirSync(dir, { recursive: true });
  console.log(JSON.stringify(generateTree(dir, { modules: Number(process.argv[3] ?? 100), resources: Number(process.argv[4] ?? 10_000) })));
}
