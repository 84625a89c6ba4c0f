# The complete ZTAIT reference deployment: the five modules wired together.
# Foundation derives the maturity settings once; every other module receives
# them from it, so maturity_level is the only value to edit between levels.

locals {
  lambda_package_dir = startswith(var.lambda_package_dir, "/") ? var.lambda_package_dir : "${path.module}/${var.lambda_package_dir}"
}

module "foundation" {
  source = "../../modules/foundation"

  namespace                 = var.namespace
  tags                      = var.tags
  region                    = var.region
  account_id                = var.account_id
  availability_zones        = var.availability_zones
  vpc_cidr                  = var.vpc_cidr
  maturity_level            = var.maturity_level
  okta_issuer               = var.okta_issuer
  okta_audience             = var.okta_audience
  log_retention_days        = var.log_retention_days
  table_deletion_protection = var.table_deletion_protection
  lambda_package_dir        = local.lambda_package_dir
  lambda_runtime            = var.lambda_runtime
  integration_names         = keys(var.integrations)
}

module "ingestion" {
  source = "../../modules/ingestion"

  namespace             = var.namespace
  tags                  = var.tags
  webhook_sources       = var.webhook_sources
  replay_window_seconds = var.replay_window_seconds
  secret_rotation_days  = var.secret_rotation_days
  rotation_lambda_arn   = module.foundation.rotation_lambda_arn
  api_id                = module.foundation.api_id
  api_execution_arn     = module.foundation.api_execution_arn

  private_subnet_ids         = module.foundation.private_subnet_ids
  lambda_security_group_id   = module.foundation.lambda_security_group_id
  permissions_boundary_arn   = module.foundation.permissions_boundary_arn
  lambda_baseline_policy_arn = module.foundation.lambda_baseline_policy_arn
  lambda_assume_role_policy  = module.foundation.lambda_assume_role_policy
  kms_key_arn                = module.foundation.kms_key_arn
  dead_letter_queue_arn      = module.foundation.dead_letter_queue_arn
  event_bus_name             = module.foundation.event_bus_name
  event_bus_arn              = module.foundation.event_bus_arn
  tables                     = module.foundation.tables
  maturity_environment       = module.foundation.maturity_environment
  lambda_package_dir         = local.lambda_package_dir
  lambda_runtime             = var.lambda_runtime
  log_retention_days         = var.log_retention_days
}

module "triage" {
  source = "../../modules/triage"

  namespace        = var.namespace
  tags             = var.tags
  region           = var.region
  bedrock_model_id = var.bedrock_model_id

  private_subnet_ids         = module.foundation.private_subnet_ids
  lambda_security_group_id   = module.foundation.lambda_security_group_id
  permissions_boundary_arn   = module.foundation.permissions_boundary_arn
  lambda_baseline_policy_arn = module.foundation.lambda_baseline_policy_arn
  lambda_assume_role_policy  = module.foundation.lambda_assume_role_policy
  kms_key_arn                = module.foundation.kms_key_arn
  dead_letter_queue_arn      = module.foundation.dead_letter_queue_arn
  event_bus_name             = module.foundation.event_bus_name
  event_bus_arn              = module.foundation.event_bus_arn
  tables                     = module.foundation.tables
  maturity_environment       = module.foundation.maturity_environment
  lambda_package_dir         = local.lambda_package_dir
  lambda_runtime             = var.lambda_runtime
  log_retention_days         = var.log_retention_days
}

module "actions" {
  source = "../../modules/actions"

  namespace            = var.namespace
  tags                 = var.tags
  integrations         = var.integrations
  secret_rotation_days = var.secret_rotation_days
  rotation_lambda_arn  = module.foundation.rotation_lambda_arn

  private_subnet_ids         = module.foundation.private_subnet_ids
  lambda_security_group_id   = module.foundation.lambda_security_group_id
  permissions_boundary_arn   = module.foundation.permissions_boundary_arn
  lambda_baseline_policy_arn = module.foundation.lambda_baseline_policy_arn
  lambda_assume_role_policy  = module.foundation.lambda_assume_role_policy
  kms_key_arn                = module.foundation.kms_key_arn
  dead_letter_queue_arn      = module.foundation.dead_letter_queue_arn
  event_bus_name             = module.foundation.event_bus_name
  event_bus_arn              = module.foundation.event_bus_arn
  tables                     = module.foundation.tables
  maturity_environment       = module.foundation.maturity_environment
  lambda_package_dir         = local.lambda_package_dir
  lambda_runtime             = var.lambda_runtime
  log_retention_days         = var.log_retention_days
}

module "observability" {
  source = "../../modules/observability"

  namespace                    = var.namespace
  tags                         = var.tags
  region                       = var.region
  account_id                   = var.account_id
  kms_key_arn                  = module.foundation.kms_key_arn
  receiver_function_name       = module.ingestion.receiver_function_name
  triage_function_name         = module.triage.engine_function_name
  action_function_names        = module.actions.handler_function_names
  config_manager_function_name = module.foundation.config_manager_function_name
  table_names                  = [for table in values(module.foundation.tables) : table.name]
  maturity                     = module.foundation.maturity
  confidence_baseline          = var.confidence_baseline
  alarm_email_addresses        = var.alarm_email_addresses
}
