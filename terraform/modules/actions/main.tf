# Action handlers: one function, role and service-account secret per
# integration, so that a compromised handler reaches only its own system
# (SI-13). Handlers run only when the maturity level lets the agent execute
# actions: below L2 their rules are disabled, and the handlers also read
# ACTION_EXECUTION_ENABLED themselves.

locals {
  tags    = merge(var.tags, { "ztait:system" = "ztait" })
  package = "${var.lambda_package_dir}/action-handler.zip"

  handler_names = { for integration, _ in var.integrations : integration => "${var.namespace}action-${integration}" }

  rule_state = var.maturity_environment["ACTION_EXECUTION_ENABLED"] == "true" ? "ENABLED" : "DISABLED"
}

resource "aws_secretsmanager_secret" "integration" {
  for_each = var.integrations

  name                    = "${var.namespace}integration-${each.key}"
  description             = "Dedicated service-account credentials of the ${each.key} action handler"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = 30

  tags = merge(local.tags, { "ztait:integration" = each.key })
}

resource "aws_secretsmanager_secret_rotation" "integration" {
  for_each = var.integrations

  secret_id           = aws_secretsmanager_secret.integration[each.key].id
  rotation_lambda_arn = var.rotation_lambda_arn

  rotation_rules {
    automatically_after_days = var.secret_rotation_days
  }
}

# Where actions go while a handler's circuit is open.
resource "aws_sqs_queue" "fallback" {
  name                      = "${var.namespace}actions-fallback"
  message_retention_seconds = 1209600
  kms_master_key_id         = var.kms_key_arn

  tags = local.tags
}

resource "aws_iam_role" "handler" {
  for_each = var.integrations

  name                 = local.handler_names[each.key]
  description          = "ZTAIT ${each.key} action handler"
  assume_role_policy   = var.lambda_assume_role_policy
  permissions_boundary = var.permissions_boundary_arn

  tags = merge(local.tags, { "ztait:integration" = each.key })
}

resource "aws_iam_role_policy_attachment" "handler_baseline" {
  for_each = var.integrations

  role       = aws_iam_role.handler[each.key].name
  policy_arn = var.lambda_baseline_policy_arn
}

data "aws_iam_policy_document" "handler" {
  for_each = var.integrations

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.handler[each.key].arn}:*"]
  }

  # Its own integration's secret, nothing else.
  statement {
    sid       = "ReadOwnSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.integration[each.key].arn]
  }

  # Idempotency (correlation id + action type) and the action's outcome.
  statement {
    sid       = "TrackIncident"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [var.tables["incidents"].arn]
  }

  statement {
    sid       = "AppendAudit"
    actions   = ["dynamodb:PutItem"]
    resources = [var.tables["audit"].arn]
  }

  statement {
    sid       = "CircuitBreakerFallback"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.fallback.arn]
  }

  statement {
    sid       = "PublishOutcomes"
    actions   = ["events:PutEvents"]
    resources = [var.event_bus_arn]
  }
}

resource "aws_iam_role_policy" "handler" {
  for_each = var.integrations

  name   = "least-privilege"
  role   = aws_iam_role.handler[each.key].id
  policy = data.aws_iam_policy_document.handler[each.key].json
}

resource "aws_cloudwatch_log_group" "handler" {
  for_each = var.integrations

  name              = "/aws/lambda/${local.handler_names[each.key]}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = merge(local.tags, { "ztait:integration" = each.key })
}

resource "aws_lambda_function" "handler" {
  for_each = var.integrations

  function_name    = local.handler_names[each.key]
  description      = "ZTAIT ${each.key} action handler"
  role             = aws_iam_role.handler[each.key].arn
  runtime          = var.lambda_runtime
  handler          = "index.handler"
  architectures    = ["arm64"]
  memory_size      = 256
  timeout          = 30
  filename         = local.package
  source_code_hash = try(filebase64sha256(local.package), null)
  kms_key_arn      = var.kms_key_arn

  vpc_config {
    subnet_ids         = var.private_subnet_ids
    security_group_ids = [var.lambda_security_group_id]
  }

  dead_letter_config {
    target_arn = var.dead_letter_queue_arn
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.handler[each.key].name
  }

  environment {
    variables = merge(var.maturity_environment, {
      INTEGRATION                       = each.key
      INTEGRATION_SECRET_ARN            = aws_secretsmanager_secret.integration[each.key].arn
      INTEGRATION_ENDPOINT_URL          = each.value.endpoint_url
      INCIDENTS_TABLE                   = var.tables["incidents"].name
      AUDIT_TABLE                       = var.tables["audit"].name
      FALLBACK_QUEUE_URL                = aws_sqs_queue.fallback.url
      CIRCUIT_BREAKER_FAILURE_THRESHOLD = var.circuit_breaker_failure_threshold
      EVENT_BUS                         = var.event_bus_name
    })
  }

  tags = merge(local.tags, { "ztait:integration" = each.key })

  depends_on = [aws_iam_role_policy.handler, aws_iam_role_policy_attachment.handler_baseline]
}

# Each handler receives only the actions addressed to its integration, from
# the policy engine (triage) or from a human approval (config manager).
resource "aws_cloudwatch_event_rule" "action_requested" {
  for_each = var.integrations

  name           = "${var.namespace}action-${each.key}"
  description    = "Actions for ${each.key}; enabled only when the maturity level allows execution"
  event_bus_name = var.event_bus_name
  state          = local.rule_state

  event_pattern = jsonencode({
    source        = ["ztait.triage", "ztait.config"]
    "detail-type" = ["action.requested"]
    detail = {
      integration = [each.key]
    }
  })

  tags = merge(local.tags, { "ztait:integration" = each.key })
}

resource "aws_cloudwatch_event_target" "handler" {
  for_each = var.integrations

  rule           = aws_cloudwatch_event_rule.action_requested[each.key].name
  event_bus_name = var.event_bus_name
  target_id      = "action-${each.key}"
  arn            = aws_lambda_function.handler[each.key].arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 4
  }

  dead_letter_config {
    arn = var.dead_letter_queue_arn
  }
}

resource "aws_lambda_permission" "handler_events" {
  for_each = var.integrations

  statement_id  = "AllowActionRequestedRule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.handler[each.key].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.action_requested[each.key].arn
}
