output "handler_function_names" {
  description = "Action handler function name by integration."
  value       = { for integration, handler in aws_lambda_function.handler : integration => handler.function_name }
}

output "handler_role_arns" {
  description = "Action handler role ARN by integration."
  value       = { for integration, role in aws_iam_role.handler : integration => role.arn }
}

output "integration_secret_arns" {
  description = "Dedicated service-account secret ARN by integration."
  value       = { for integration, secret in aws_secretsmanager_secret.integration : integration => secret.arn }
}

output "fallback_queue_url" {
  description = "URL of the queue that receives actions while a circuit is open."
  value       = aws_sqs_queue.fallback.url
}

output "rules_state" {
  description = "State of the action rules (ENABLED only at maturity levels that execute actions)."
  value       = local.rule_state
}
