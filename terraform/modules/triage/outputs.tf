output "engine_function_name" {
  description = "Name of the triage engine function."
  value       = aws_lambda_function.engine.function_name
}

output "engine_function_arn" {
  description = "ARN of the triage engine function."
  value       = aws_lambda_function.engine.arn
}

output "engine_role_arn" {
  description = "ARN of the triage engine's role."
  value       = aws_iam_role.engine.arn
}

output "guardrail_id" {
  description = "Id of the Bedrock guardrail in front of the model."
  value       = aws_bedrock_guardrail.triage.guardrail_id
}

output "guardrail_version" {
  description = "Pinned guardrail version the engine applies."
  value       = aws_bedrock_guardrail_version.triage.version
}

output "metric_namespace" {
  description = "CloudWatch namespace of the engine's classification metrics."
  value       = local.metric_namespace
}
