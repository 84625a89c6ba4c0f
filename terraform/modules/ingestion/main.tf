# Webhook ingestion: one HMAC secret and one route per source, all served by
# the webhook receiver, which verifies X-Hub-Signature-256 (HMAC-SHA256 over
# the body with the source's secret), rejects deliveries whose X-Timestamp is
# outside the replay window, deduplicates by conditional write and publishes
# alert.received to the event bus (SI-9, SI-10).

locals {
  tags          = merge(var.tags, { "ztait:system" = "ztait" })
  receiver_name = "${var.namespace}webhook-receiver"
  package       = "${var.lambda_package_dir}/webhook-receiver.zip"

  webhook_secret_arns = { for source, secret in aws_secretsmanager_secret.webhook : source => secret.arn }
}

resource "aws_secretsmanager_secret" "webhook" {
  for_each = var.webhook_sources

  name                    = "${var.namespace}webhook-${each.key}"
  description             = "HMAC-SHA256 signing secret of the ${each.key} webhook (${each.value.description})"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = 30

  tags = merge(local.tags, { "ztait:webhook-source" = each.key })
}

resource "aws_secretsmanager_secret_rotation" "webhook" {
  for_each = var.webhook_sources

  secret_id           = aws_secretsmanager_secret.webhook[each.key].id
  rotation_lambda_arn = var.rotation_lambda_arn

  rotation_rules {
    automatically_after_days = var.secret_rotation_days
  }
}

resource "aws_iam_role" "receiver" {
  name                 = local.receiver_name
  description          = "ZTAIT webhook receiver"
  assume_role_policy   = var.lambda_assume_role_policy
  permissions_boundary = var.permissions_boundary_arn

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "receiver_baseline" {
  role       = aws_iam_role.receiver.name
  policy_arn = var.lambda_baseline_policy_arn
}

data "aws_iam_policy_document" "receiver" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.receiver.arn}:*"]
  }

  # The webhook secrets and nothing else.
  statement {
    sid       = "ReadWebhookSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = values(local.webhook_secret_arns)
  }

  # Conditional put of dedup#{source}#{alertId}; a conflict means a duplicate.
  statement {
    sid       = "Deduplicate"
    actions   = ["dynamodb:PutItem"]
    resources = [var.tables["dedup"].arn]
  }

  # Suppression rules and source settings.
  statement {
    sid       = "ReadRules"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [var.tables["policies"].arn, var.tables["sources"].arn]
  }

  statement {
    sid       = "AppendAudit"
    actions   = ["dynamodb:PutItem"]
    resources = [var.tables["audit"].arn]
  }

  statement {
    sid       = "PublishAlerts"
    actions   = ["events:PutEvents"]
    resources = [var.event_bus_arn]
  }
}

resource "aws_iam_role_policy" "receiver" {
  name   = "least-privilege"
  role   = aws_iam_role.receiver.id
  policy = data.aws_iam_policy_document.receiver.json
}

resource "aws_cloudwatch_log_group" "receiver" {
  name              = "/aws/lambda/${local.receiver_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = local.tags
}

resource "aws_lambda_function" "receiver" {
  function_name    = local.receiver_name
  description      = "ZTAIT webhook receiver: HMAC-SHA256 verification, replay window, dedup, suppression"
  role             = aws_iam_role.receiver.arn
  runtime          = var.lambda_runtime
  handler          = "index.handler"
  architectures    = ["arm64"]
  memory_size      = 256
  timeout          = 10
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
    log_group  = aws_cloudwatch_log_group.receiver.name
  }

  environment {
    variables = merge(var.maturity_environment, {
      WEBHOOK_SECRET_ARNS    = jsonencode(local.webhook_secret_arns)
      SIGNATURE_HEADER       = "X-Hub-Signature-256"
      SIGNATURE_ALGORITHM    = "HMAC-SHA256"
      TIMESTAMP_HEADER       = "X-Timestamp"
      REPLAY_WINDOW_SECONDS  = var.replay_window_seconds
      DEDUP_TABLE            = var.tables["dedup"].name
      DEDUP_TTL_SECONDS      = var.dedup_ttl_seconds
      ROTATION_GRACE_SECONDS = var.rotation_grace_seconds
      POLICIES_TABLE         = var.tables["policies"].name
      SOURCES_TABLE          = var.tables["sources"].name
      AUDIT_TABLE            = var.tables["audit"].name
      EVENT_BUS              = var.event_bus_name
    })
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy.receiver, aws_iam_role_policy_attachment.receiver_baseline]
}

resource "aws_apigatewayv2_integration" "receiver" {
  api_id                 = var.api_id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.receiver.invoke_arn
  payload_format_version = "2.0"
}

# HMAC-authenticated, so no JWT: the signature is the authentication.
resource "aws_apigatewayv2_route" "webhook" {
  for_each = var.webhook_sources

  api_id             = var.api_id
  route_key          = "POST /webhooks/${each.key}"
  target             = "integrations/${aws_apigatewayv2_integration.receiver.id}"
  authorization_type = "NONE"
}

resource "aws_lambda_permission" "receiver_api" {
  statement_id  = "AllowWebhookRoutes"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.receiver.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${var.api_execution_arn}/*/*/webhooks/*"
}
