# The permission boundary every ZTAIT role carries (SI-3, SI-4, SI-7). Whatever
# a role's own policies say, the boundary caps it: the Allow lists the only
# actions the pipeline ever needs, and the unconditional Denies on "*" are the
# guarantee (a Deny with a Condition or a narrower Resource would not be).

locals {
  # IAM actions that change what a principal may do. Listed for the reader;
  # "iam:*" in the same statement already covers them.
  iam_policy_write_actions = [
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:PutGroupPolicy",
    "iam:AttachGroupPolicy",
    "iam:CreateRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:PassRole",
  ]

  # Lambda's VPC networking and metrics only work on Resource "*".
  resourceless_actions = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
    "secretsmanager:GetRandomPassword",
    "cloudwatch:PutMetricData",
  ]
}

data "aws_iam_policy_document" "boundary" {
  # The Allows cap what any identity policy could grant, each on the
  # namespace's own resources.
  statement {
    sid       = "AllowResourcelessActions"
    effect    = "Allow"
    actions   = local.resourceless_actions
    resources = ["*"]
  }

  statement {
    sid       = "AllowFunctionLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:${var.region}:${var.account_id}:log-group:/aws/lambda/${var.namespace}*"]
  }

  statement {
    sid    = "AllowTableReadWrite"
    effect = "Allow"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:BatchGetItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DescribeTable",
    ]
    resources = [
      "arn:aws:dynamodb:${var.region}:${var.account_id}:table/${var.namespace}*",
      "arn:aws:dynamodb:${var.region}:${var.account_id}:table/${var.namespace}*/index/*",
    ]
  }

  statement {
    sid    = "AllowNamespaceSecrets"
    effect = "Allow"
    actions = [
      "secretsmanager:GetSecretValue",
      "secretsmanager:DescribeSecret",
      "secretsmanager:PutSecretValue",
      "secretsmanager:UpdateSecretVersionStage",
    ]
    resources = [local.secrets_arn_pattern]
  }

  statement {
    sid       = "AllowEventBus"
    effect    = "Allow"
    actions   = ["events:PutEvents"]
    resources = ["arn:aws:events:${var.region}:${var.account_id}:event-bus/${var.namespace}*"]
  }

  statement {
    sid       = "AllowQueues"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = ["arn:aws:sqs:${var.region}:${var.account_id}:${var.namespace}*"]
  }

  statement {
    sid       = "AllowDataKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [local.kms_key_arn_pattern]
  }

  statement {
    sid     = "AllowClassification"
    effect  = "Allow"
    actions = ["bedrock:InvokeModel", "bedrock:ApplyGuardrail"]
    resources = [
      "arn:aws:bedrock:${var.region}::foundation-model/*",
      "arn:aws:bedrock:${var.region}:${var.account_id}:guardrail/*",
    ]
  }

  # Item deletes only on the configuration tables, never on audit or incidents.
  statement {
    sid       = "AllowConfigItemDeletes"
    effect    = "Allow"
    actions   = ["dynamodb:DeleteItem"]
    resources = [for key in local.deletable_tables : local.table_arns[key]]
  }

  statement {
    sid       = "DenyRoleAssumption"
    effect    = "Deny"
    actions   = ["sts:*", "sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"]
    resources = ["*"]
  }

  statement {
    sid       = "DenyIamChanges"
    effect    = "Deny"
    actions   = concat(["iam:*"], local.iam_policy_write_actions)
    resources = ["*"]
  }

  statement {
    sid    = "DenyAuditTrailTampering"
    effect = "Deny"
    actions = [
      "cloudtrail:DeleteTrail",
      "cloudtrail:StopLogging",
      "cloudtrail:UpdateTrail",
      "cloudtrail:PutEventSelectors",
      "cloudtrail:PutInsightSelectors",
      "cloudtrail:DeleteEventDataStore",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "DenyNetworkChanges"
    effect = "Deny"
    actions = [
      "ec2:CreateVpc",
      "ec2:DeleteVpc",
      "ec2:ModifyVpcAttribute",
      "ec2:CreateInternetGateway",
      "ec2:AttachInternetGateway",
      "ec2:CreateRoute",
      "ec2:ReplaceRoute",
      "ec2:CreateVpcPeeringConnection",
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:ModifySecurityGroupRules",
      "ec2:DeleteVpcEndpoints",
      "ec2:ModifyVpcEndpoint",
    ]
    resources = ["*"]
  }

  # The audit table is append-only for every role.
  statement {
    sid    = "DenyAuditTableChanges"
    effect = "Deny"
    actions = [
      "dynamodb:DeleteItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteTable",
      "dynamodb:UpdateTable",
      "dynamodb:UpdateTimeToLive",
      "dynamodb:UpdateContinuousBackups",
      "dynamodb:PartiQLDelete",
      "dynamodb:PartiQLUpdate",
    ]
    resources = [local.table_arns["audit"], "${local.table_arns["audit"]}/*"]
  }

  # Anything not named in the namespace (or the few shared resources the
  # pipeline must use) is out of reach.
  statement {
    sid         = "DenyOutsideNamespace"
    effect      = "Deny"
    not_actions = local.resourceless_actions
    not_resources = [
      local.namespace_arn_pattern,
      local.kms_key_arn_pattern,
      "arn:aws:bedrock:${var.region}::foundation-model/*",
      "arn:aws:bedrock:${var.region}:${var.account_id}:guardrail/*",
    ]
  }
}

resource "aws_iam_policy" "boundary" {
  name        = "${var.namespace}permission-boundary"
  description = "ZTAIT permission boundary: no role assumption, no IAM or CloudTrail changes, no VPC changes, no audit deletes, namespace only"
  policy      = data.aws_iam_policy_document.boundary.json

  tags = local.tags
}

# What every function needs regardless of its role: VPC networking, its
# dead-letter queue and the data key. Attached to each of the 7 roles.
data "aws_iam_policy_document" "lambda_baseline" {
  statement {
    sid = "VpcNetworking"
    actions = [
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "DeadLetterQueue"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letter.arn]
  }

  statement {
    sid       = "DataKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.main.arn]
  }
}

resource "aws_iam_policy" "lambda_baseline" {
  name        = "${var.namespace}lambda-baseline"
  description = "ZTAIT functions: VPC networking, dead-letter queue, data key"
  policy      = data.aws_iam_policy_document.lambda_baseline.json

  tags = local.tags
}

# Trust policy shared by the 7 roles: Lambda in this account only.
data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}
