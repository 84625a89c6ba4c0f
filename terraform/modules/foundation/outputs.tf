output "vpc_id" {
  description = "Id of the ZTAIT VPC."
  value       = aws_vpc.main.id
}

output "private_subnet_ids" {
  description = "Private subnet ids, one per availability zone; every function runs in them."
  value       = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  description = "Public subnet ids (the NAT gateway lives in the first)."
  value       = aws_subnet.public[*].id
}

output "lambda_security_group_id" {
  description = "Security group of every function (egress tcp/443 only)."
  value       = aws_security_group.lambda.id
}

output "vpc_endpoint_ids" {
  description = "VPC endpoint ids by service (dynamodb gateway; secretsmanager, bedrock-runtime, events interface)."
  value       = merge({ dynamodb = aws_vpc_endpoint.dynamodb.id }, { for service, endpoint in aws_vpc_endpoint.interface : service => endpoint.id })
}

output "kms_key_arn" {
  description = "ARN of the customer managed key that encrypts the ZTAIT data."
  value       = aws_kms_key.main.arn
}

output "permissions_boundary_arn" {
  description = "ARN of the permission boundary every ZTAIT role must carry."
  value       = aws_iam_policy.boundary.arn
}

output "lambda_baseline_policy_arn" {
  description = "ARN of the managed policy (VPC networking, dead-letter queue, data key) attached to every function role."
  value       = aws_iam_policy.lambda_baseline.arn
}

output "lambda_assume_role_policy" {
  description = "Trust policy JSON for the function roles (Lambda in this account only)."
  value       = data.aws_iam_policy_document.lambda_trust.json
}

output "tables" {
  description = "DynamoDB tables by key (incidents, audit, policies, sources, settings, escalation_rules, dedup): name and ARN."
  value       = { for key, name in local.table_names : key => { name = name, arn = local.table_arns[key] } }

  depends_on = [aws_dynamodb_table.this, aws_dynamodb_table.dedup]
}

output "dead_letter_queue_arn" {
  description = "ARN of the encrypted dead-letter queue of the functions and rule targets."
  value       = aws_sqs_queue.dead_letter.arn
}

output "event_bus_name" {
  description = "Name of the ZTAIT EventBridge bus."
  value       = aws_cloudwatch_event_bus.main.name
}

output "event_bus_arn" {
  description = "ARN of the ZTAIT EventBridge bus."
  value       = local.event_bus_arn

  depends_on = [aws_cloudwatch_event_bus.main]
}

output "api_id" {
  description = "Id of the HTTP API (the ingestion module adds the webhook routes to it)."
  value       = aws_apigatewayv2_api.main.id
}

output "api_execution_arn" {
  description = "Execution ARN of the HTTP API, for Lambda invoke permissions."
  value       = aws_apigatewayv2_api.main.execution_arn
}

output "api_endpoint" {
  description = "Base URL of the HTTP API."
  value       = aws_apigatewayv2_api.main.api_endpoint
}

output "jwt_authorizer_id" {
  description = "Id of the OKTA JWT authorizer of the dashboard routes."
  value       = aws_apigatewayv2_authorizer.okta.id
}

output "config_manager_function_name" {
  description = "Name of the config manager function."
  value       = aws_lambda_function.config_manager.function_name
}

output "rotation_lambda_arn" {
  description = "ARN of the secret rotation function (the config manager), available once Secrets Manager may invoke it."
  value       = aws_lambda_function.config_manager.arn

  depends_on = [aws_lambda_permission.config_manager_rotation]
}

output "maturity" {
  description = "The Table 3 settings of the configured maturity level, plus the derived alarm sensitivity."
  value       = merge(local.maturity, { level = var.maturity_level })
}

output "maturity_environment" {
  description = "Maturity settings as Lambda environment variables (MATURITY_LEVEL, ACTION_EXECUTION_ENABLED, ...)."
  value       = local.maturity_environment
}

output "cloudtrail_arn" {
  description = "ARN of the CloudTrail trail."
  value       = aws_cloudtrail.main.arn
}

output "cloudtrail_bucket_name" {
  description = "Name of the versioned, write-only CloudTrail bucket."
  value       = aws_s3_bucket.trail.id
}
