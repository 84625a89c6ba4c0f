# The event bus that links the pipeline stages, and the dead-letter queue that
# catches what a function or a rule target could not process.

locals {
  event_bus_name = "${var.namespace}bus"
  # Built from the name so that the policies naming the bus are known when planning.
  event_bus_arn = "arn:aws:events:${var.region}:${var.account_id}:event-bus/${local.event_bus_name}"
}

resource "aws_cloudwatch_event_bus" "main" {
  name = local.event_bus_name

  tags = local.tags
}

resource "aws_sqs_queue" "dead_letter" {
  name                      = "${var.namespace}lambda-dlq"
  message_retention_seconds = 1209600 # 14 days, the SQS maximum, for forensics
  kms_master_key_id         = aws_kms_key.main.arn

  tags = local.tags
}

# EventBridge rule targets in the namespace may dead-letter here too: rules on
# the ZTAIT bus and the schedules on the default bus (the functions use their
# own roles, granted by the baseline policy).
data "aws_iam_policy_document" "dead_letter" {
  statement {
    sid       = "EventBridgeRuleTargets"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letter.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values = [
        "arn:aws:events:${var.region}:${var.account_id}:rule/${aws_cloudwatch_event_bus.main.name}/${var.namespace}*",
        "arn:aws:events:${var.region}:${var.account_id}:rule/${var.namespace}*",
      ]
    }
  }
}

resource "aws_sqs_queue_policy" "dead_letter" {
  queue_url = aws_sqs_queue.dead_letter.id
  policy    = data.aws_iam_policy_document.dead_letter.json
}
