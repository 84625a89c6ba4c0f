variable "namespace" {
  type        = string
  description = "Prefix of every resource name."
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

variable "region" {
  type        = string
  description = "AWS region the dashboard widgets read metrics from."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "account_id" {
  type        = string
  description = "12-digit AWS account id (scopes who may publish to the alarm topic)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "Customer managed key that encrypts the alarm topic."
}

variable "receiver_function_name" {
  type        = string
  description = "Webhook receiver function (ingestion throughput)."
}

variable "triage_function_name" {
  type        = string
  description = "Triage engine function (classification latency)."
}

variable "action_function_names" {
  type        = map(string)
  description = "Action handler function name by integration (action success rate)."
}

variable "config_manager_function_name" {
  type        = string
  description = "Config manager function (errors by module, throttling)."
}

variable "table_names" {
  type        = list(string)
  description = "DynamoDB tables whose consumed capacity is watched (at most 9: an alarm combines at most 10 metrics)."

  validation {
    condition     = length(var.table_names) > 0 && length(var.table_names) <= 9
    error_message = "table_names must list 1 to 9 tables."
  }
}

variable "maturity" {
  type = object({
    level                    = number
    alarm_evaluation_periods = number
    alarm_throttle_threshold = number
  })
  description = "Maturity-derived alarm settings (the foundation's `maturity` output): the more autonomy, the faster the alarms fire."
}

variable "error_rate_threshold_percent" {
  type        = number
  description = "Alarm when the functions' error rate exceeds this percentage."
  default     = 5

  validation {
    condition     = var.error_rate_threshold_percent > 0 && var.error_rate_threshold_percent <= 100
    error_message = "error_rate_threshold_percent must be in (0, 100]."
  }
}

variable "latency_p95_threshold_seconds" {
  type        = number
  description = "Alarm when the triage engine's P95 duration exceeds this many seconds."
  default     = 30

  validation {
    condition     = var.latency_p95_threshold_seconds > 0 && var.latency_p95_threshold_seconds <= 900
    error_message = "latency_p95_threshold_seconds must be in (0, 900]."
  }
}

variable "dynamodb_read_capacity_threshold" {
  type        = number
  description = "Alarm when the tables together consume more read capacity units than this in 5 minutes."
  default     = 60000

  validation {
    condition     = var.dynamodb_read_capacity_threshold > 0
    error_message = "dynamodb_read_capacity_threshold must be positive."
  }
}

variable "dynamodb_write_capacity_threshold" {
  type        = number
  description = "Alarm when the tables together consume more write capacity units than this in 5 minutes."
  default     = 30000

  validation {
    condition     = var.dynamodb_write_capacity_threshold > 0
    error_message = "dynamodb_write_capacity_threshold must be positive."
  }
}

variable "alarm_email_addresses" {
  type        = list(string)
  description = "E-mail addresses subscribed to the alarm topic (each must confirm)."
  default     = []

  validation {
    condition     = alltrue([for address in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+$", address))])
    error_message = "alarm_email_addresses must be e-mail addresses."
  }
}

variable "guardrail_trigger_rate_threshold" {
  type        = number
  description = "Alarm when the share of classifications the Bedrock guardrail intervened on exceeds this fraction (the paper: 5%)."
  default     = 0.05

  validation {
    condition     = var.guardrail_trigger_rate_threshold > 0 && var.guardrail_trigger_rate_threshold < 1
    error_message = "guardrail_trigger_rate_threshold must be a fraction in (0, 1)."
  }
}

variable "confidence_baseline" {
  type        = number
  description = "30-day baseline of the average model confidence: the average_confidence `ztait maturity assess` reports over the last 30 days (the default is the paper's L0 -> L1 floor until a measurement exists)."
  default     = 0.75

  validation {
    condition     = var.confidence_baseline >= 0 && var.confidence_baseline <= 1
    error_message = "confidence_baseline must be in [0, 1]."
  }
}

variable "confidence_drift_threshold" {
  type        = number
  description = "Alarm when the hourly average confidence is further than this from the baseline (the paper: 0.1)."
  default     = 0.1

  validation {
    condition     = var.confidence_drift_threshold > 0 && var.confidence_drift_threshold < 1
    error_message = "confidence_drift_threshold must be in (0, 1)."
  }
}
