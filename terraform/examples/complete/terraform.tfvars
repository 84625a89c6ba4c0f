# ZTAIT reference deployment. `ztait maturity set LEVEL` edits maturity_level
# here; nothing else changes between levels.
maturity_level = 0

namespace  = "ztait-"
region     = "us-east-1"
account_id = "111122223333"

availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]

okta_issuer   = "https://example.okta.com/oauth2/default"
okta_audience = ["api://ztait"]

webhook_sources = {
  github = {
    description = "GitHub repository and Actions alerts"
  }
  datadog = {
    description = "Datadog monitors"
  }
  alertmanager = {
    description = "Prometheus Alertmanager"
  }
}

integrations = {
  servicenow = {
    description  = "ServiceNow incident creation"
    endpoint_url = "https://example.service-now.com"
  }
  pagerduty = {
    description  = "PagerDuty paging"
    endpoint_url = "https://api.pagerduty.com"
  }
  mim = {
    description  = "Major incident management declaration"
    endpoint_url = "https://mim.example.com"
  }
  slack = {
    description  = "Slack notifications"
    endpoint_url = "https://slack.com/api"
  }
}

replay_window_seconds = 300
secret_rotation_days  = 30
