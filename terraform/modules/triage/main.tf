# Triage: classification by Bedrock behind a guardrail, then the deterministic
# policy engine (escalation and gating rules) in the same function. The system
# prompt is compiled into the function's code: there is deliberately no
# environment variable, parameter or table item holding it, and the role can
# write to none of the configuration stores (SI-14).

locals {
  tags        = merge(var.tags, { "ztait:system" = "ztait" })
  engine_name = "${var.namespace}triage-engine"
  package     = "${var.lambda_package_dir}/triage-engine.zip"
  model_arn   = "arn:aws:bedrock:${var.region}::foundation-model/${var.bedrock_model_id}"

  guardrail_content_filters = ["HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"]

  # Where the engine publishes its classification metrics (guardrail
  # interventions, invalid outputs, human reviews, confidence).
  metric_namespace = "ZTAIT/Triage"
}

resource "aws_bedrock_guardrail" "triage" {
  name                      = "${var.namespace}triage"
  description               = "ZTAIT triage: blocks injected instructions in alert text"
  blocked_input_messaging   = "Alert content blocked by the ZTAIT guardrail; routed to human review."
  blocked_outputs_messaging = "Classification blocked by the ZTAIT guardrail; routed to human review."
  kms_key_arn               = var.kms_key_arn

  content_policy_config {
    # Layer 3 of the injection defence: instructions hidden in alert fields.
    filters_config {
      type            = "PROMPT_ATTACK"
      input_strength  = "HIGH"
      output_strength = "NONE"
    }

    dynamic "filters_config" {
      for_each = toset(local.guardrail_content_filters)
      content {
        type            = filters_config.value
        input_strength  = var.guardrail_filter_strength
        output_strength = var.guardrail_filter_strength
      }
    }
  }

  sensitive_information_policy_config {
    pii_entities_config {
      type   = "AWS_SECRET_KEY"
      action = "BLOCK"
    }

    pii_entities_config {
      type   = "PASSWORD"
      action = "ANONYMIZE"
    }
  }

  tags = local.tags
}

resource "aws_bedrock_guardrail_version" "triage" {
  guardrail_arn = aws_bedrock_guardrail.triage.guardrail_arn
  description   = "Pinned version used by the triage engine"
}

resource "aws_iam_role" "engine" {
  name                 = local.engine_name
  description          = "ZTAIT triage engine"
  assume_role_policy   = var.lambda_assume_role_policy
  permissions_boundary = var.permissions_boundary_arn

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "engine_baseline" {
  role       = aws_iam_role.engine.name
  policy_arn = var.lambda_baseline_policy_arn
}

data "aws_iam_policy_document" "engine" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.engine.arn}:*"]
  }

  statement {
    sid       = "Classify"
    actions   = ["bedrock:InvokeModel"]
    resources = [local.model_arn]
  }

  statement {
    sid       = "Guardrail"
    actions   = ["bedrock:ApplyGuardrail"]
    resources = [aws_bedrock_guardrail.triage.guardrail_arn]
  }

  # Read-only on the configuration the policy engine evaluates.
  statement {
    sid     = "ReadPolicy"
    actions = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [
      var.tables["policies"].arn,
      var.tables["escalation_rules"].arn,
      var.tables["settings"].arn,
      var.tables["incidents"].arn,
    ]
  }

  statement {
    sid       = "RecordIncidents"
    actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = [var.tables["incidents"].arn]
  }

  statement {
    sid       = "AppendAudit"
    actions   = ["dynamodb:PutItem"]
    resources = [var.tables["audit"].arn]
  }

  statement {
    sid       = "ClassificationMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"] # PutMetricData has no resource ARN; the namespace condition scopes it

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [local.metric_namespace]
    }
  }

  statement {
    sid       = "PublishDecisions"
    actions   = ["events:PutEvents"]
    resources = [var.event_bus_arn]
  }
}

resource "aws_iam_role_policy" "engine" {
  name   = "least-privilege"
  role   = aws_iam_role.engine.id
  policy = data.aws_iam_policy_document.engine.json
}

resource "aws_cloudwatch_log_group" "engine" {
  name              = "/aws/lambda/${local.engine_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = local.tags
}

resource "aws_lambda_function" "engine" {
  function_name    = local.engine_name
  description      = "ZTAIT triage engine: sanitise, classify with Bedrock, apply escalation and gating policy"
  role             = aws_iam_role.engine.arn
  runtime          = var.lambda_runtime
  handler          = "index.handler"
  architectures    = ["arm64"]
  memory_size      = 512
  timeout          = var.timeout_seconds
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
    log_group  = aws_cloudwatch_log_group.engine.name
  }

  environment {
    variables = merge(var.maturity_environment, {
      MODEL_ID               = var.bedrock_model_id
      GUARDRAIL_ID           = aws_bedrock_guardrail.triage.guardrail_id
      GUARDRAIL_VERSION      = aws_bedrock_guardrail_version.triage.version
      MAX_FIELD_CHARS        = var.max_field_chars
      INCIDENTS_TABLE        = var.tables["incidents"].name
      AUDIT_TABLE            = var.tables["audit"].name
      POLICIES_TABLE         = var.tables["policies"].name
      ESCALATION_RULES_TABLE = var.tables["escalation_rules"].name
      SETTINGS_TABLE         = var.tables["settings"].name
      EVENT_BUS              = var.event_bus_name
    })
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy.engine, aws_iam_role_policy_attachment.engine_baseline]
}

resource "aws_cloudwatch_event_rule" "alert_received" {
  name           = "${var.namespace}alert-received"
  description    = "Alerts accepted by the webhook receiver go to triage"
  event_bus_name = var.event_bus_name
  state          = "ENABLED"

  event_pattern = jsonencode({
    source        = ["ztait.ingestion"]
    "detail-type" = ["alert.received"]
  })

  tags = local.tags
}

resource "aws_cloudwatch_event_target" "engine" {
  rule           = aws_cloudwatch_event_rule.alert_received.name
  event_bus_name = var.event_bus_name
  target_id      = "triage-engine"
  arn            = aws_lambda_function.engine.arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 8
  }

  dead_letter_config {
    arn = var.dead_letter_queue_arn
  }
}

resource "aws_lambda_permission" "engine_events" {
  statement_id  = "AllowAlertReceivedRule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.engine.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.alert_received.arn
}
