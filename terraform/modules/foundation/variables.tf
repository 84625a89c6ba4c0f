variable "namespace" {
  type        = string
  description = "Prefix of every resource name; the permission boundary denies anything outside it."
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
  description = "AWS region of the deployment; used to build ARNs and VPC endpoint service names."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "account_id" {
  type        = string
  description = "12-digit AWS account id; used to build ARNs without calling the AWS API."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "availability_zones" {
  type        = list(string)
  description = "Availability zones of the VPC, one private and one public subnet each (names, not looked up, so that plans work offline)."
  default     = ["us-east-1a", "us-east-1b", "us-east-1c"]

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 6 && length(distinct(var.availability_zones)) == length(var.availability_zones)
    error_message = "availability_zones must list 2 to 6 distinct zones (the reference uses 3)."
  }
}

variable "vpc_cidr" {
  type        = string
  description = "IPv4 CIDR of the VPC (a /16 leaves room for /20 private and /24 public subnets)."
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 16
    error_message = "vpc_cidr must be a valid IPv4 CIDR of /16 or larger."
  }
}

variable "maturity_level" {
  type        = number
  description = "ZTAIT maturity level: 0 Shadow, 1 Assisted, 2 Supervised, 3 Autonomous. Every Table 3 setting derives from it."
  default     = 0

  validation {
    condition     = var.maturity_level >= 0 && var.maturity_level <= 3 && floor(var.maturity_level) == var.maturity_level
    error_message = "maturity_level must be an integer from 0 to 3."
  }
}

variable "okta_issuer" {
  type        = string
  description = "OKTA authorization server issuer URL for the dashboard JWT authorizer (https://<org>.okta.com/oauth2/<server>)."

  validation {
    condition     = can(regex("^https://", var.okta_issuer))
    error_message = "okta_issuer must be an https URL."
  }
}

variable "okta_audience" {
  type        = list(string)
  description = "Accepted JWT audiences (aud claim) for the dashboard routes."

  validation {
    condition     = length(var.okta_audience) > 0
    error_message = "okta_audience must name at least one audience."
  }
}

variable "dashboard_routes" {
  type        = set(string)
  description = "API Gateway route keys served by the config manager; each requires an OKTA JWT. Webhook paths are not allowed here."
  default = [
    "GET /incidents",
    "GET /incidents/{id}",
    "POST /approvals/{id}",
    "GET /settings",
    "PUT /settings",
    "DELETE /settings/{key}",
    "GET /rules/{kind}",
    "PUT /rules/{kind}",
  ]

  validation {
    condition     = alltrue([for route in var.dashboard_routes : can(regex("^(GET|POST|PUT|PATCH|DELETE) /", route)) && !can(regex("^[A-Z]+ /webhook", route))])
    error_message = "dashboard_routes must be 'METHOD /path' keys and must not use the /webhook paths (those are HMAC-authenticated, not JWT)."
  }
}

variable "api_throttling_burst_limit" {
  type        = number
  description = "Burst limit of the API Gateway default route settings."
  default     = 100

  validation {
    condition     = var.api_throttling_burst_limit > 0
    error_message = "api_throttling_burst_limit must be positive."
  }
}

variable "api_throttling_rate_limit" {
  type        = number
  description = "Steady-state requests per second of the API Gateway default route settings."
  default     = 50

  validation {
    condition     = var.api_throttling_rate_limit > 0
    error_message = "api_throttling_rate_limit must be positive."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the CloudWatch log groups (Lambda and API access logs)."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ..., 3653)."
  }
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Waiting period before the customer managed KMS key is deleted."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "table_deletion_protection" {
  type        = bool
  description = "Deletion protection of the DynamoDB tables (keep true outside throw-away test accounts)."
  default     = true
}

variable "lock_trail_bucket_versioning" {
  type        = bool
  description = "Deny s3:PutBucketVersioning on the CloudTrail bucket to everyone, so versioning cannot be suspended. Set false for one apply while enabling MFA delete with the root user (see README)."
  default     = true
}

variable "lambda_package_dir" {
  type        = string
  description = "Directory holding the Lambda deployment packages; the config manager uses config-manager.zip from it."
  default     = "lambda/build"
}

variable "lambda_runtime" {
  type        = string
  description = "Lambda runtime of the config manager (the bundles target Node 20 syntax, so nodejs20.x also works)."
  default     = "nodejs22.x"

  validation {
    condition     = can(regex("^nodejs(20|22)\\.x$", var.lambda_runtime))
    error_message = "lambda_runtime must be nodejs20.x or nodejs22.x."
  }
}

variable "integration_names" {
  type        = set(string)
  description = "Integrations deployed by the actions module: the seeded escalation rules name only these, and a rule whose action's own integration is missing is not seeded (its alerts go to human review)."
  default     = ["servicenow", "pagerduty", "mim", "slack"]

  validation {
    condition     = length(var.integration_names) > 0
    error_message = "integration_names must name at least one integration."
  }
}

variable "gating_sweep_schedule" {
  type        = string
  description = "EventBridge schedule of the config manager's gating timeout sweep (pending approvals past their deadline take their rule's timeout outcome)."
  default     = "rate(1 minute)"

  validation {
    condition     = can(regex("^(rate\\((1 (minute|hour)|([2-9]|[1-9][0-9]+) (minutes|hours))\\)|cron\\(.+\\))$", var.gating_sweep_schedule))
    error_message = "gating_sweep_schedule must be an EventBridge rate(1 minute), rate(N minutes), rate(1 hour), rate(N hours) or cron(...) expression."
  }
}
