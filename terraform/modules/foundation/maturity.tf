# Table 3 of the ZTAIT paper as Terraform carries it: a copy of ztait's rules/maturity.yaml (the
# one definition), which ztait's tests check equal (test/maturity/table3-copies.test.ts).
# Index = maturity level (0 Shadow, 1 Assisted, 2 Supervised, 3 Autonomous). Values are strings
# because they travel as Lambda environment variables; "n/a" where Table 3 says it does not apply.
# The alarm_* entries are not Table 3: they tune how fast the observability alarms fire (the more
# the agent acts on its own, the sooner a human must hear about trouble).
locals {
  maturity_levels = [
    {
      name                     = "shadow"
      action_execution_enabled = "false"
      gating_required_p1_p2    = "n/a"
      gating_required_p3_p4    = "n/a"
      display_recommendations  = "false"
      auto_regression_enabled  = "false"
      accuracy_threshold       = "n/a"
      min_confidence_auto      = "n/a"
      alarm_evaluation_periods = 3
      alarm_throttle_threshold = 10
    },
    {
      name                     = "assisted"
      action_execution_enabled = "false"
      gating_required_p1_p2    = "true"
      gating_required_p3_p4    = "true"
      display_recommendations  = "true"
      auto_regression_enabled  = "false"
      accuracy_threshold       = "n/a"
      min_confidence_auto      = "n/a"
      alarm_evaluation_periods = 3
      alarm_throttle_threshold = 10
    },
    {
      name                     = "supervised"
      action_execution_enabled = "true"
      gating_required_p1_p2    = "true"
      gating_required_p3_p4    = "false"
      display_recommendations  = "true"
      auto_regression_enabled  = "true"
      accuracy_threshold       = "0.90"
      min_confidence_auto      = "0.85"
      alarm_evaluation_periods = 2
      alarm_throttle_threshold = 1
    },
    {
      name                     = "autonomous"
      action_execution_enabled = "true"
      gating_required_p1_p2    = "false"
      gating_required_p3_p4    = "false"
      display_recommendations  = "true"
      auto_regression_enabled  = "true"
      accuracy_threshold       = "0.95"
      min_confidence_auto      = "0.80"
      alarm_evaluation_periods = 1
      alarm_throttle_threshold = 1
    },
  ]

  maturity = local.maturity_levels[var.maturity_level]

  # Reaches every Lambda function's environment (merged into each function's own settings).
  maturity_environment = {
    MATURITY_LEVEL           = tostring(var.maturity_level)
    ACTION_EXECUTION_ENABLED = local.maturity.action_execution_enabled
    GATING_REQUIRED_P1_P2    = local.maturity.gating_required_p1_p2
    GATING_REQUIRED_P3_P4    = local.maturity.gating_required_p3_p4
    DISPLAY_RECOMMENDATIONS  = local.maturity.display_recommendations
    AUTO_REGRESSION_ENABLED  = local.maturity.auto_regression_enabled
    ACCURACY_THRESHOLD       = local.maturity.accuracy_threshold
    MIN_CONFIDENCE_AUTO      = local.maturity.min_confidence_auto
  }
}

# The gating configuration the policy engine reads: owned by Terraform so that
# changing maturity_level is the only edit needed (the config manager must not
# rewrite this item; it is restored on the next apply if it does).
resource "aws_dynamodb_table_item" "gating" {
  table_name = aws_dynamodb_table.this["policies"].name
  hash_key   = aws_dynamodb_table.this["policies"].hash_key

  item = jsonencode({
    policy_id                = { S = "gating#maturity" }
    kind                     = { S = "gating" }
    maturity_level           = { N = tostring(var.maturity_level) }
    maturity_name            = { S = local.maturity.name }
    action_execution_enabled = { S = local.maturity.action_execution_enabled }
    gating_required_p1_p2    = { S = local.maturity.gating_required_p1_p2 }
    gating_required_p3_p4    = { S = local.maturity.gating_required_p3_p4 }
    min_confidence_auto      = { S = local.maturity.min_confidence_auto }
    accuracy_threshold       = { S = local.maturity.accuracy_threshold }
  })
}
