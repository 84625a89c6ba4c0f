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
  description = "Private subnets the triage engine runs in."

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
  description = "Permission boundary of the triage engine's role."
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
  description = "Customer managed key for the guardrail, the log group and the environment."
}

variable "dead_letter_queue_arn" {
  type        = string
  description = "Dead-letter queue of the triage engine."
}

variable "event_bus_name" {
  type        = string
  description = "EventBridge bus the triage engine consumes alert.received from and publishes action.requested to."
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
  description = "DynamoDB tables by key (the foundation's `tables` output); the triage engine uses incidents, audit, policies, escalation_rules and settings."
}

variable "maturity_environment" {
  type        = map(string)
  description = "Maturity settings as environment variables (the foundation's `maturity_environment` output)."
}

variable "lambda_package_dir" {
  type        = string
  description = "Directory holding triage-engine.zip."
  default     = "lambda/build"
}

variable "lambda_runtime" {
  type        = string
  description = "Lambda runtime of the triage engine (the bundles target Node 20 syntax, so nodejs20.x also works)."
  default     = "nodejs22.x"

  validation {
    condition     = can(regex("^nodejs(20|22)\\.x$", var.lambda_runtime))
    error_message = "lambda_runtime must be nodejs20.x or nodejs22.x."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the triage engine's log group."
  default     = 365
}

variable "region" {
  type        = string
  description = "AWS region; the Bedrock model ARN is built from it."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "bedrock_model_id" {
  type        = string
  description = "Bedrock foundation model id used for classification (on-demand, in var.region)."
  default     = "anthropic.claude-3-5-sonnet-20240620-v1:0"

  validation {
    condition     = can(regex("^[a-z0-9-]+\\.[A-Za-z0-9.:-]+$", var.bedrock_model_id)) && !can(regex("^(us|eu|apac|us-gov|global)\\.", var.bedrock_model_id))
    error_message = "bedrock_model_id must be a foundation model id (provider.model); cross-region inference profiles are not covered by the least-privilege policy."
  }
}

variable "guardrail_filter_strength" {
  type        = string
  description = "Strength of the guardrail's content filters on the alert text (the prompt-attack filter is always HIGH)."
  default     = "MEDIUM"

  validation {
    condition     = contains(["LOW", "MEDIUM", "HIGH"], var.guardrail_filter_strength)
    error_message = "guardrail_filter_strength must be LOW, MEDIUM or HIGH."
  }
}

variable "max_field_chars" {
  type        = number
  description = "Alert fields are truncated to this many characters before classification (the paper's 4,000)."
  default     = 4000

  validation {
    condition     = var.max_field_chars >= 256 && var.max_field_chars <= 4000
    error_message = "max_field_chars must be between 256 and 4000."
  }
}

variable "timeout_seconds" {
  type        = number
  description = "Timeout of the triage engine (above the 30 s P95 latency alarm, below the EventBridge retry window)."
  default     = 60

  validation {
    condition     = var.timeout_seconds >= 30 && var.timeout_seconds <= 300
    error_message = "timeout_seconds must be between 30 and 300."
  }
}
