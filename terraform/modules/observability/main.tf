# The paper's dashboard (4 widgets), its 5 operational alarms plus the 2
# alarms it names on the triage metrics (guardrail trigger rate, confidence
# drift): 7 alarms, and the topic they notify. Alarm sensitivity follows the
# maturity level: at L2/L3 the agent acts on its own, so the alarms fire after
# fewer periods and on any throttle.

locals {
  tags   = merge(var.tags, { "ztait:system" = "ztait" })
  period = 300

  all_function_names = concat(
    [var.receiver_function_name, var.triage_function_name, var.config_manager_function_name],
    values(var.action_function_names),
  )
  action_integrations = sort(keys(var.action_function_names))

  # Alarms combine at most 10 metrics: one per function / table, summed.
  throttle_sum_expression = join(" + ", [for index, _ in local.all_function_names : "t${index}"])
  capacity_sum_expression = join(" + ", [for index, _ in var.table_names : "c${index}"])

  capacity_alarms = {
    read  = { metric_name = "ConsumedReadCapacityUnits", threshold = var.dynamodb_read_capacity_threshold }
    write = { metric_name = "ConsumedWriteCapacityUnits", threshold = var.dynamodb_write_capacity_threshold }
  }

  alarm_actions = [aws_sns_topic.alarms.arn]

  # The triage engine's classification metrics (no dimensions).
  triage_metric_namespace = "ZTAIT/Triage"
  # Averages of a handful of classifications are noise: drift is judged hourly.
  confidence_period = 3600
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.namespace}alarms"
  kms_master_key_id = var.kms_key_arn

  tags = local.tags
}

data "aws_iam_policy_document" "alarms_topic" {
  statement {
    sid       = "CloudWatchAlarms"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudwatch:${var.region}:${var.account_id}:alarm:${var.namespace}*"]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms_topic.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.key
}

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = "${var.namespace}pipeline"

  dashboard_body = jsonencode({
    widgets = [
      {
        type   = "metric"
        x      = 0
        y      = 0
        width  = 12
        height = 6
        properties = {
          title   = "Ingestion throughput"
          region  = var.region
          view    = "timeSeries"
          stat    = "Sum"
          period  = 60
          metrics = [["AWS/Lambda", "Invocations", "FunctionName", var.receiver_function_name, { label = "webhooks received" }]]
        }
      },
      {
        type   = "metric"
        x      = 12
        y      = 0
        width  = 12
        height = 6
        properties = {
          title   = "Classification latency P95"
          region  = var.region
          view    = "timeSeries"
          period  = 60
          metrics = [["AWS/Lambda", "Duration", "FunctionName", var.triage_function_name, { stat = "p95", label = "triage P95 (ms)" }]]
          annotations = {
            horizontal = [{ label = "alarm", value = var.latency_p95_threshold_seconds * 1000 }]
          }
        }
      },
      {
        type   = "metric"
        x      = 0
        y      = 6
        width  = 12
        height = 6
        properties = {
          title  = "Action success rate"
          region = var.region
          view   = "timeSeries"
          period = local.period
          yAxis  = { left = { min = 0, max = 100 } }
          metrics = flatten([
            for index, integration in local.action_integrations : [
              [{ expression = "IF(i${index} > 0, 100 * (1 - e${index} / i${index}), 100)", label = integration, id = "s${index}" }],
              ["AWS/Lambda", "Invocations", "FunctionName", var.action_function_names[integration], { id = "i${index}", stat = "Sum", visible = false }],
              ["AWS/Lambda", "Errors", "FunctionName", var.action_function_names[integration], { id = "e${index}", stat = "Sum", visible = false }],
            ]
          ])
        }
      },
      {
        type   = "metric"
        x      = 12
        y      = 6
        width  = 12
        height = 6
        properties = {
          title   = "Errors by module"
          region  = var.region
          view    = "timeSeries"
          stat    = "Sum"
          period  = local.period
          metrics = [for name in local.all_function_names : ["AWS/Lambda", "Errors", "FunctionName", name]]
        }
      },
    ]
  })
}

# Error rate over all functions of the account: naming the 7 functions twice
# (errors and invocations) would exceed the 10 metrics an alarm may combine,
# which is why ZTAIT expects an account of its own.
resource "aws_cloudwatch_metric_alarm" "error_rate" {
  alarm_name          = "${var.namespace}error-rate"
  alarm_description   = "Lambda error rate above ${var.error_rate_threshold_percent}% (maturity level ${var.maturity.level})"
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.error_rate_threshold_percent
  evaluation_periods  = var.maturity.alarm_evaluation_periods
  datapoints_to_alarm = var.maturity.alarm_evaluation_periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "rate"
    expression  = "IF(invocations > 0, 100 * errors / invocations, 0)"
    label       = "error rate (%)"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      period      = local.period
      stat        = "Sum"
    }
  }

  metric_query {
    id = "invocations"
    metric {
      namespace   = "AWS/Lambda"
      metric_name = "Invocations"
      period      = local.period
      stat        = "Sum"
    }
  }

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "latency_p95" {
  alarm_name          = "${var.namespace}triage-latency-p95"
  alarm_description   = "Triage classification P95 above ${var.latency_p95_threshold_seconds} s (maturity level ${var.maturity.level})"
  namespace           = "AWS/Lambda"
  metric_name         = "Duration"
  dimensions          = { FunctionName = var.triage_function_name }
  extended_statistic  = "p95"
  period              = local.period
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.latency_p95_threshold_seconds * 1000
  evaluation_periods  = var.maturity.alarm_evaluation_periods
  datapoints_to_alarm = var.maturity.alarm_evaluation_periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  alarm_name          = "${var.namespace}throttles"
  alarm_description   = "ZTAIT functions throttled (threshold ${var.maturity.alarm_throttle_threshold} per 5 min at maturity level ${var.maturity.level})"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.maturity.alarm_throttle_threshold
  evaluation_periods  = var.maturity.alarm_evaluation_periods
  datapoints_to_alarm = var.maturity.alarm_evaluation_periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "throttles"
    expression  = local.throttle_sum_expression
    label       = "throttled invocations"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.all_function_names
    content {
      id = "t${metric_query.key}"
      metric {
        namespace   = "AWS/Lambda"
        metric_name = "Throttles"
        dimensions  = { FunctionName = metric_query.value }
        period      = local.period
        stat        = "Sum"
      }
    }
  }

  tags = local.tags
}

# Consumed read and write capacity of all ZTAIT tables, one alarm each.
resource "aws_cloudwatch_metric_alarm" "dynamodb_capacity" {
  for_each = local.capacity_alarms

  alarm_name          = "${var.namespace}dynamodb-${each.key}-capacity"
  alarm_description   = "ZTAIT tables consumed more than ${each.value.threshold} ${each.key} capacity units in 5 minutes"
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  evaluation_periods  = var.maturity.alarm_evaluation_periods
  datapoints_to_alarm = var.maturity.alarm_evaluation_periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "consumed"
    expression  = local.capacity_sum_expression
    label       = "consumed ${each.key} capacity"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = var.table_names
    content {
      id = "c${metric_query.key}"
      metric {
        namespace   = "AWS/DynamoDB"
        metric_name = each.value.metric_name
        dimensions  = { TableName = metric_query.value }
        period      = local.period
        stat        = "Sum"
      }
    }
  }

  tags = local.tags
}

# Guardrail trigger rate: GuardrailIntervened is 1 or 0 per classification, so
# its Average over a period is the share of alerts the guardrail blocked.
resource "aws_cloudwatch_metric_alarm" "guardrail_trigger_rate" {
  alarm_name          = "${var.namespace}guardrail-trigger-rate"
  alarm_description   = "Bedrock guardrail intervened on more than ${var.guardrail_trigger_rate_threshold} of classifications (maturity level ${var.maturity.level}): injection attempts or a changed alert source"
  namespace           = local.triage_metric_namespace
  metric_name         = "GuardrailIntervened"
  statistic           = "Average"
  period              = local.period
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.guardrail_trigger_rate_threshold
  evaluation_periods  = var.maturity.alarm_evaluation_periods
  datapoints_to_alarm = var.maturity.alarm_evaluation_periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}

# Confidence drift: the hourly average confidence more than the allowed drift
# away from the 30-day baseline. CloudWatch cannot compute a 30-day baseline
# inside an alarm (an alarm looks back at most 7 days and anomaly-detection
# models train on at most two weeks), so the baseline is an input: the 30-day
# average confidence `ztait maturity assess` reports (average_confidence),
# refreshed at each maturity review.
resource "aws_cloudwatch_metric_alarm" "confidence_drift" {
  alarm_name          = "${var.namespace}confidence-drift"
  alarm_description   = "Average model confidence drifted more than ${var.confidence_drift_threshold} from the 30-day baseline ${var.confidence_baseline} (maturity level ${var.maturity.level})"
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.confidence_drift_threshold
  evaluation_periods  = var.maturity.alarm_evaluation_periods
  datapoints_to_alarm = var.maturity.alarm_evaluation_periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "drift"
    expression  = "ABS(confidence - ${var.confidence_baseline})"
    label       = "distance of the average confidence from the 30-day baseline"
    return_data = true
  }

  metric_query {
    id = "confidence"
    metric {
      namespace   = local.triage_metric_namespace
      metric_name = "Confidence"
      period      = local.confidence_period
      stat        = "Average"
    }
  }

  tags = local.tags
}
