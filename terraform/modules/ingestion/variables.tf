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

variable "webhook_sources" {
  type = map(object({
    description = string
  }))
  description = "Webhook sources by name (the route path segment): each gets POST /webhooks/<name> and its own HMAC secret."

  validation {
    condition     = length(var.webhook_sources) > 0 && alltrue([for name in keys(var.webhook_sources) : can(regex("^[a-z][a-z0-9-]{0,31}$", name))])
    error_message = "webhook_sources needs at least one source; names are lowercase letters, digits and hyphens (max 32)."
  }
}

variable "replay_window_seconds" {
  type        = number
  description = "Maximum age of a webhook's X-Timestamp; older deliveries are rejected as replays (the paper's 5 minutes at most)."
  default     = 300

  validation {
    condition     = var.replay_window_seconds > 0 && var.replay_window_seconds <= 300
    error_message = "replay_window_seconds must be between 1 and 300."
  }
}

variable "dedup_ttl_seconds" {
  type        = number
  description = "How long a delivery's dedup key is kept (the receiver writes expires_at = now + this)."
  default     = 86400

  validation {
    condition     = var.dedup_ttl_seconds >= 300 && var.dedup_ttl_seconds <= 604800
    error_message = "dedup_ttl_seconds must be between 300 (the replay window) and 604800 (7 days)."
  }
}

variable "secret_rotation_days" {
  type        = number
  description = "Days between automatic rotations of the webhook secrets."
  default     = 30

  validation {
    condition     = var.secret_rotation_days >= 1 && var.secret_rotation_days <= 30
    error_message = "secret_rotation_days must be between 1 and 30."
  }
}

variable "rotation_grace_seconds" {
  type        = number
  description = "After a webhook secret rotates, signatures made with the previous secret are still accepted for this long (the source needs time to switch)."
  default     = 86400

  validation {
    condition     = var.rotation_grace_seconds >= 0 && var.rotation_grace_seconds <= 604800
    error_message = "rotation_grace_seconds must be between 0 and 604800 (7 days)."
  }
}

variable "rotation_lambda_arn" {
  type        = string
  description = "ARN of the rotation function (foundation's config manager)."
}

variable "api_id" {
  type        = string
  description = "Id of the HTTP API the webhook routes are added to."
}

variable "api_execution_arn" {
  type        = string
  description = "Execution ARN of the HTTP API, for the receiver's invoke permission."
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets the receiver runs in."

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
  description = "Permission boundary of the receiver's role."
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
  description = "Customer managed key for the secrets, the log group and the environment."
}

variable "dead_letter_queue_arn" {
  type        = string
  description = "Dead-letter queue of the receiver."
}

variable "event_bus_name" {
  type        = string
  description = "EventBridge bus the receiver publishes alert.received events to."
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
  description = "DynamoDB tables by key (the foundation's `tables` output); the receiver uses dedup, audit, policies and sources."
}

variable "maturity_environment" {
  type        = map(string)
  description = "Maturity settings as environment variables (the foundation's `maturity_environment` output)."
}

variable "lambda_package_dir" {
  type        = string
  description = "Directory holding webhook-receiver.zip."
  default     = "lambda/build"
}

variable "lambda_runtime" {
  type        = string
  description = "Lambda runtime of the receiver (the bundles target Node 20 syntax, so nodejs20.x also works)."
  default     = "nodejs22.x"

  validation {
    condition     = can(regex("^nodejs(20|22)\\.x$", var.lambda_runtime))
    error_message = "lambda_runtime must be nodejs20.x or nodejs22.x."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the receiver's log group."
  default     = 365
}
