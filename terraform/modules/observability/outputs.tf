output "alarm_topic_arn" {
  description = "ARN of the encrypted SNS topic the alarms notify."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.main.dashboard_name
}

output "alarm_names" {
  description = "Names of the seven alarms by purpose: the paper's five operational alarms and its two triage alarms (guardrail trigger rate, confidence drift)."
  value = {
    error_rate              = aws_cloudwatch_metric_alarm.error_rate.alarm_name
    latency_p95             = aws_cloudwatch_metric_alarm.latency_p95.alarm_name
    throttles               = aws_cloudwatch_metric_alarm.throttles.alarm_name
    dynamodb_read_capacity  = aws_cloudwatch_metric_alarm.dynamodb_capacity["read"].alarm_name
    dynamodb_write_capacity = aws_cloudwatch_metric_alarm.dynamodb_capacity["write"].alarm_name
    guardrail_trigger_rate  = aws_cloudwatch_metric_alarm.guardrail_trigger_rate.alarm_name
    confidence_drift        = aws_cloudwatch_metric_alarm.confidence_drift.alarm_name
  }
}
