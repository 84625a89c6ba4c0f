variable "namespace" {
  type        = string
  description = "Prefix of every resource name (the permission boundary confines the role to it)."
  default     = "ztait-"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}-$", var.namespace))
    error_message = "namespace must be lowercase letters, digits and hyphens, start with a letter, end with '-' and be at most 16 characters."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every taggable resource; `ztait:system = ztait` is always added."
  default     = {}
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets the action handlers run in."

  validation {
    condition     = length(var.private_subnet_ids) > 0
    error_message = "private_subnet_ids must not be empty: every function runs in the VPC."
  }
}

variable "lambda_security_group_id" {
  type        = string
  description = "Security group of the functions (egress tcp/443 only)."
}

variable "permissions_boundary_arn" {
  type        = string
  description = "Permission boundary of the action handler roles."
}

variable "lambda_baseline_policy_arn" {
  type        = string
  description = "Managed policy with VPC networking, dead-letter queue and data key permissions."
}

variable "lambda_assume_role_policy" {
  type        = string
  description = "Trust policy JSON of the function roles."
}

variable "kms_key_arn" {
  type        = string
  description = "Customer managed key for the secrets, the fallback queue, the log groups and the environment."
}

variable "dead_letter_queue_arn" {
  type        = string
  description = "Dead-letter queue of the action handlers."
}

variable "event_bus_name" {
  type        = string
  description = "EventBridge bus the handlers consume action.requested from and publish action results to."
}

variable "event_bus_arn" {
  type        = string
  description = "ARN of the EventBridge bus."
}

variable "tables" {
  type = map(object({
    name = string
    arn  = string
  }))
  description = "DynamoDB tables by key (the foundation's `tables` output); the handlers use incidents and audit."
}

variable "maturity_environment" {
  type        = map(string)
  description = "Maturity settings as environment variables (the foundation's `maturity_environment` output)."
}

variable "lambda_package_dir" {
  type        = string
  description = "Directory holding action-handler.zip."
  default     = "lambda/build"
}

variable "lambda_runtime" {
  type        = string
  description = "Lambda runtime of the action handlers (the bundles target Node 20 syntax, so nodejs20.x also works)."
  default     = "nodejs22.x"

  validation {
    condition     = can(regex("^nodejs(20|22)\\.x$", var.lambda_runtime))
    error_message = "lambda_runtime must be nodejs20.x or nodejs22.x."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the action handlers' log groups."
  default     = 365
}

variable "integrations" {
  type = map(object({
    description  = string
    endpoint_url = string
  }))
  description = "Integrations by name (servicenow, pagerduty, mim, slack): each gets its own handler, role and dedicated service-account secret."

  validation {
    condition     = length(var.integrations) > 0 && alltrue([for name in keys(var.integrations) : can(regex("^[a-z][a-z0-9-]{0,31}$", name))])
    error_message = "integrations needs at least one entry; names are lowercase letters, digits and hyphens (max 32)."
  }

  validation {
    condition     = alltrue([for integration in values(var.integrations) : can(regex("^https://", integration.endpoint_url))])
    error_message = "every integration endpoint_url must be https."
  }
}

variable "secret_rotation_days" {
  type        = number
  description = "Days between automatic rotations of the integration secrets."
  default     = 30

  validation {
    condition     = var.secret_rotation_days >= 1 && var.secret_rotation_days <= 30
    error_message = "secret_rotation_days must be between 1 and 30."
  }
}

variable "rotation_lambda_arn" {
  type        = string
  description = "ARN of the rotation function (foundation's config manager)."
}

variable "circuit_breaker_failure_threshold" {
  type        = number
  description = "Consecutive failures after which a handler's circuit opens and actions go to the fallback queue."
  default     = 5

  validation {
    condition     = var.circuit_breaker_failure_threshold >= 1 && var.circuit_breaker_failure_threshold <= 20
    error_message = "circuit_breaker_failure_threshold must be between 1 and 20."
  }
}
