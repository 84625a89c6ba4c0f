variable "maturity_level" {
  type        = number
  description = "ZTAIT maturity level (0 Shadow, 1 Assisted, 2 Supervised, 3 Autonomous); the only setting to change when the agent earns more autonomy."

  validation {
    condition     = var.maturity_level >= 0 && var.maturity_level <= 3 && floor(var.maturity_level) == var.maturity_level
    error_message = "maturity_level must be an integer from 0 to 3."
  }
}

variable "namespace" {
  type        = string
  description = "Prefix of every resource name (the permission boundary confines every role to it)."
  default     = "ztait-"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}-$", var.namespace))
    error_message = "namespace must be lowercase letters, digits and hyphens, start with a letter, end with '-' and be at most 16 characters."
  }
}

variable "region" {
  type        = string
  description = "AWS region of the deployment."
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "account_id" {
  type        = string
  description = "12-digit AWS account id of the deployment (ARNs are built from it; no API call)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "availability_zones" {
  type        = list(string)
  description = "Availability zones of the VPC (3 in the reference architecture)."
  default     = ["us-east-1a", "us-east-1b", "us-east-1c"]
}

variable "vpc_cidr" {
  type        = string
  description = "IPv4 CIDR of the VPC."
  default     = "10.40.0.0/16"
}

variable "okta_issuer" {
  type        = string
  description = "OKTA authorization server issuer URL for the dashboard JWT authorizer."
}

variable "okta_audience" {
  type        = list(string)
  description = "Accepted JWT audiences of the dashboard routes."
}

variable "webhook_sources" {
  type = map(object({
    description = string
  }))
  description = "Webhook sources by name; each gets POST /webhooks/<name> and its own rotated HMAC secret."
}

variable "integrations" {
  type = map(object({
    description  = string
    endpoint_url = string
  }))
  description = "Action integrations by name (servicenow, pagerduty, mim, slack); each gets its own handler, role and secret."
}

variable "replay_window_seconds" {
  type        = number
  description = "Maximum age in seconds of a webhook delivery's X-Timestamp (at most 300)."
  default     = 300

  validation {
    condition     = var.replay_window_seconds > 0 && var.replay_window_seconds <= 300
    error_message = "replay_window_seconds must be between 1 and 300."
  }
}

variable "secret_rotation_days" {
  type        = number
  description = "Days between automatic rotations of every secret (at most 30)."
  default     = 30

  validation {
    condition     = var.secret_rotation_days >= 1 && var.secret_rotation_days <= 30
    error_message = "secret_rotation_days must be between 1 and 30."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the CloudWatch log groups."
  default     = 365
}

variable "bedrock_model_id" {
  type        = string
  description = "Bedrock foundation model used by the triage engine."
  default     = "anthropic.claude-3-5-sonnet-20240620-v1:0"
}

variable "lambda_package_dir" {
  type        = string
  description = "Directory of the Lambda deployment packages (webhook-receiver.zip, triage-engine.zip, action-handler.zip, config-manager.zip), relative to this directory unless absolute."
  default     = "../../../lambda/build"
}

variable "lambda_runtime" {
  type        = string
  description = "Lambda runtime of the seven functions (nodejs22.x; nodejs20.x also runs the bundles)."
  default     = "nodejs22.x"
}

variable "confidence_baseline" {
  type        = number
  description = "30-day average model confidence (`ztait maturity assess` reports it as average_confidence); the confidence-drift alarm fires when the hourly average moves more than 0.1 away from it."
  default     = 0.75
}

variable "alarm_email_addresses" {
  type        = list(string)
  description = "E-mail addresses notified by the alarms."
  default     = []
}

variable "table_deletion_protection" {
  type        = bool
  description = "Deletion protection of the DynamoDB tables."
  default     = true
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource (`ztait:system = ztait` is always added)."
  default     = {}
}

variable "provider_skip_checks" {
  type        = bool
  description = "Skip the provider's credential, account, metadata and region checks, so that plans work offline with placeholder credentials; set false for real deployments."
  default     = true
}
