output "api_endpoint" {
  description = "Base URL of the API (webhooks at /webhooks/<source>, dashboard routes behind OKTA)."
  value       = module.foundation.api_endpoint
}

output "webhook_route_keys" {
  description = "Webhook route of each source."
  value       = module.ingestion.webhook_route_keys
}

output "webhook_secret_arns" {
  description = "HMAC secret of each webhook source (set the value in the source and in Secrets Manager)."
  value       = module.ingestion.webhook_secret_arns
}

output "integration_secret_arns" {
  description = "Dedicated service-account secret of each integration."
  value       = module.actions.integration_secret_arns
}

output "maturity" {
  description = "The Table 3 settings in force."
  value       = module.foundation.maturity
}

output "permissions_boundary_arn" {
  description = "Permission boundary carried by every ZTAIT role."
  value       = module.foundation.permissions_boundary_arn
}

output "cloudtrail_bucket_name" {
  description = "Write-only, versioned bucket of the CloudTrail logs."
  value       = module.foundation.cloudtrail_bucket_name
}

output "alarm_topic_arn" {
  description = "SNS topic notified by the alarms."
  value       = module.observability.alarm_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the pipeline."
  value       = module.observability.dashboard_name
}
