output "receiver_function_name" {
  description = "Name of the webhook receiver function."
  value       = aws_lambda_function.receiver.function_name
}

output "receiver_function_arn" {
  description = "ARN of the webhook receiver function."
  value       = aws_lambda_function.receiver.arn
}

output "receiver_role_arn" {
  description = "ARN of the webhook receiver's role."
  value       = aws_iam_role.receiver.arn
}

output "webhook_secret_arns" {
  description = "HMAC secret ARN of each webhook source."
  value       = local.webhook_secret_arns
}

output "webhook_route_keys" {
  description = "Route key of each webhook source (POST /webhooks/<source>)."
  value       = { for source, route in aws_apigatewayv2_route.webhook : source => route.route_key }
}
