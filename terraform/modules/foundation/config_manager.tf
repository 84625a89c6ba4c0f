# The config manager: backend of the dashboard routes (incidents, approvals,
# settings, suppression and escalation rules) and, so that the system keeps
# the paper's seven functions, the rotation function of every ZTAIT secret.

locals {
  config_manager_name    = "${var.namespace}config-manager"
  config_manager_package = "${var.lambda_package_dir}/config-manager.zip"
}

resource "aws_iam_role" "config_manager" {
  name                 = local.config_manager_name
  description          = "ZTAIT config manager (dashboard API and secret rotation)"
  assume_role_policy   = data.aws_iam_policy_document.lambda_trust.json
  permissions_boundary = aws_iam_policy.boundary.arn

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "config_manager_baseline" {
  role       = aws_iam_role.config_manager.name
  policy_arn = aws_iam_policy.lambda_baseline.arn
}

data "aws_iam_policy_document" "config_manager" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:${var.region}:${var.account_id}:log-group:${aws_cloudwatch_log_group.config_manager.name}:*"]
  }

  statement {
    sid     = "ReadPipelineState"
    actions = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan"]
    resources = [
      local.table_arns["incidents"],
      local.table_arns["audit"],
      local.table_arns["policies"],
      local.table_arns["sources"],
      local.table_arns["settings"],
      local.table_arns["escalation_rules"],
    ]
  }

  # Approvals update the incident; configuration tables are fully managed here.
  statement {
    sid       = "WriteIncidentsAndConfiguration"
    actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = [for key in concat(["incidents"], local.deletable_tables) : local.table_arns[key]]
  }

  statement {
    sid       = "DeleteConfigurationItems"
    actions   = ["dynamodb:DeleteItem"]
    resources = [for key in local.deletable_tables : local.table_arns[key]]
  }

  # Every dashboard change is recorded; the audit table is append-only.
  statement {
    sid       = "AppendAudit"
    actions   = ["dynamodb:PutItem"]
    resources = [local.table_arns["audit"]]
  }

  statement {
    sid       = "PublishApprovals"
    actions   = ["events:PutEvents"]
    resources = [local.event_bus_arn]
  }

  # Secrets Manager rotation steps (createSecret, setSecret, testSecret, finishSecret).
  statement {
    sid = "RotateZtaitSecrets"
    actions = [
      "secretsmanager:DescribeSecret",
      "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue",
      "secretsmanager:UpdateSecretVersionStage",
    ]
    resources = [local.secrets_arn_pattern]
  }

  statement {
    sid       = "GenerateSecretValues"
    actions   = ["secretsmanager:GetRandomPassword"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "config_manager" {
  name   = "least-privilege"
  role   = aws_iam_role.config_manager.id
  policy = data.aws_iam_policy_document.config_manager.json
}

resource "aws_cloudwatch_log_group" "config_manager" {
  name              = "/aws/lambda/${local.config_manager_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn

  tags = local.tags
}

resource "aws_lambda_function" "config_manager" {
  function_name    = local.config_manager_name
  description      = "ZTAIT config manager: dashboard API and secret rotation"
  role             = aws_iam_role.config_manager.arn
  runtime          = var.lambda_runtime
  handler          = "index.handler"
  architectures    = ["arm64"]
  memory_size      = 256
  timeout          = 30
  filename         = local.config_manager_package
  source_code_hash = try(filebase64sha256(local.config_manager_package), null)
  kms_key_arn      = aws_kms_key.main.arn

  vpc_config {
    subnet_ids         = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.lambda.id]
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dead_letter.arn
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.config_manager.name
  }

  environment {
    variables = merge(local.maturity_environment, {
      INCIDENTS_TABLE        = local.table_names["incidents"]
      AUDIT_TABLE            = local.table_names["audit"]
      POLICIES_TABLE         = local.table_names["policies"]
      SOURCES_TABLE          = local.table_names["sources"]
      SETTINGS_TABLE         = local.table_names["settings"]
      ESCALATION_RULES_TABLE = local.table_names["escalation_rules"]
      EVENT_BUS              = aws_cloudwatch_event_bus.main.name
      SECRET_NAME_PREFIX     = var.namespace
    })
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy.config_manager, aws_iam_role_policy_attachment.config_manager_baseline]
}

# Secrets Manager calls the function for each rotation step.
resource "aws_lambda_permission" "config_manager_rotation" {
  statement_id   = "AllowSecretsManagerRotation"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.config_manager.function_name
  principal      = "secretsmanager.amazonaws.com"
  source_account = var.account_id
}

# The gating timeout sweep: on this schedule the config manager settles the
# pending approvals whose deadline has passed (auto-approve or auto-suppress,
# as the gating rule says). Only a gating rule's own trust gate carries a
# deadline, and that happens only at levels that execute actions (L2, L3):
# below them every approval is mandatory and never times out, so the rule is
# enabled exactly when actions execute, like the action rules. Scheduled rules
# live on the default bus (EventBridge runs schedules only there).
resource "aws_cloudwatch_event_rule" "gating_sweep" {
  name                = "${var.namespace}gating-timeout-sweep"
  description         = "Settles expired gating approvals; enabled only when the maturity level executes actions"
  schedule_expression = var.gating_sweep_schedule
  state               = local.maturity.action_execution_enabled == "true" ? "ENABLED" : "DISABLED"

  tags = local.tags
}

# EventBridge delivers {"source": "aws.events", "detail-type": "Scheduled
# Event"}, the shape the config manager recognises as the sweep.
resource "aws_cloudwatch_event_target" "gating_sweep" {
  rule      = aws_cloudwatch_event_rule.gating_sweep.name
  target_id = "config-manager-gating-sweep"
  arn       = aws_lambda_function.config_manager.arn

  # A missed sweep is redone by the next one; stale ones are dropped.
  retry_policy {
    maximum_event_age_in_seconds = 60
    maximum_retry_attempts       = 0
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letter.arn
  }
}

resource "aws_lambda_permission" "config_manager_schedule" {
  statement_id  = "AllowGatingSweepSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.config_manager.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.gating_sweep.arn
}
