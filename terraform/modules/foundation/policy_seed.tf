# Default policy documents, so that a fresh install classifies and routes
# alerts instead of sending every one to human review for want of a policy.
# They are written in the shapes the functions parse (lambda/README.md, "Data
# the functions exchange"): one item per document, version 1, the same item
# the config manager's PUT /rules/{kind} and PUT /settings replace.
#
# Terraform writes them once: `ignore_changes = [item]` leaves every later
# edit made through the dashboard in place (the gating#maturity item in
# maturity.tf is the opposite: owned by Terraform, restored on every apply).
#
# The defaults fail closed: a proposal outside the decision matrix, or one no
# escalation rule matches, goes to human review; every action passes a
# gating rule's trust threshold, which an install without a track record
# cannot reach (historical accuracy H starts at 0, so T <= 0.75); high
# severities and MIM declarations never time out into an action; nothing is
# suppressed. Policy data only: no item holds model instructions (SI-14).

locals {
  # Which actions each severity may take; anything else is a human decision.
  seed_decision_matrix = [
    { severity = "P1", allowed_actions = ["declare_mim", "page", "create_incident"] },
    { severity = "P2", allowed_actions = ["page", "create_incident"] },
    { severity = "P3", allowed_actions = ["create_incident", "log_only"] },
    { severity = "P4", allowed_actions = ["create_incident", "log_only"] },
    { severity = "noise", allowed_actions = ["log_only"] },
  ]

  # By priority, the first rule matching severity and targets decides whether
  # the trust score T is high enough to act without approval.
  seed_gating_rules = [
    { rule_id = "gate-mim", priority = 10, integrations = ["mim"], trust_threshold = 0.95 },
    { rule_id = "gate-p1-p2", priority = 20, severities = ["P1", "P2"], trust_threshold = 0.9 },
    { rule_id = "gate-p3-p4", priority = 30, severities = ["P3", "P4"], trust_threshold = 0.85, timeout_seconds = 3600, on_timeout = "suppress" },
    { rule_id = "gate-default", priority = 40, trust_threshold = 0.9 },
  ]

  # By priority, the first rule matching severity, action and source names the
  # integrations to act on; an empty target list means log only. `performed_by`
  # is the integration that carries out the rule's action (not stored).
  seed_escalation_candidates = [
    {
      performed_by = "mim"
      rule         = { rule_id = "p1-declare-mim", priority = 10, severities = ["P1"], actions = ["declare_mim"], targets = ["mim", "pagerduty", "slack"] }
    },
    {
      performed_by = "pagerduty"
      rule         = { rule_id = "p1-p2-page", priority = 20, severities = ["P1", "P2"], actions = ["page"], targets = ["pagerduty", "slack"] }
    },
    {
      performed_by = "servicenow"
      rule         = { rule_id = "create-incident", priority = 30, actions = ["create_incident"], targets = ["servicenow"] }
    },
    {
      performed_by = null
      rule         = { rule_id = "log-only", priority = 40, actions = ["log_only"], targets = [] }
    },
  ]

  # Only deployed integrations are named. A rule whose action's own integration
  # is not deployed is left out, so its alerts go to human review (no match)
  # rather than to whatever else the rule notifies.
  seed_escalation_rules = [
    for candidate in local.seed_escalation_candidates : merge(candidate.rule, {
      targets = [for target in candidate.rule.targets : target if contains(var.integration_names, target)]
    })
    if candidate.performed_by == null || contains(var.integration_names, coalesce(candidate.performed_by, "none"))
  ]

  # Trust inputs (settings table): H, the 30-day agreement with people, is 0
  # until measured; E, the operators' view of the environment, is neutral.
  seed_trust_settings = {
    "trust.historical_accuracy"   = 0
    "trust.environmental_context" = 0.5
  }

  # DynamoDB typed JSON of the rule lists: these attributes are strings or
  # numbers, every other one a list of strings.
  seed_string_attributes = ["rule_id", "severity", "on_timeout"]
  seed_number_attributes = ["priority", "trust_threshold", "timeout_seconds"]

  seed_rule_lists = {
    "decision-matrix"   = local.seed_decision_matrix
    "gating-rules"      = local.seed_gating_rules
    "suppression-rules" = []
    "ruleset"           = local.seed_escalation_rules
  }

  seed_typed_rule_lists = {
    for document, rules in local.seed_rule_lists : document => [
      for rule in rules : {
        M = merge(
          { for name, value in rule : name => { S = value } if contains(local.seed_string_attributes, name) },
          { for name, value in rule : name => { N = tostring(value) } if contains(local.seed_number_attributes, name) },
          { for name, values in rule : name => { L = [for value in values : { S = value }] } if !contains(concat(local.seed_string_attributes, local.seed_number_attributes), name) },
        )
      }
    ]
  }

  # Policies table documents (policy_id) and the attribute holding each list.
  seed_policy_documents = {
    "decision-matrix"   = "entries"
    "gating-rules"      = "rules"
    "suppression-rules" = "rules"
  }

  seed_metadata = {
    version    = { N = "1" }
    updated_by = { S = "terraform" }
  }
}

resource "aws_dynamodb_table_item" "policy_seed" {
  for_each = local.seed_policy_documents

  table_name = aws_dynamodb_table.this["policies"].name
  hash_key   = aws_dynamodb_table.this["policies"].hash_key

  item = jsonencode(merge(local.seed_metadata, {
    policy_id    = { S = each.key }
    (each.value) = { L = local.seed_typed_rule_lists[each.key] }
  }))

  lifecycle {
    ignore_changes = [item]
  }
}

resource "aws_dynamodb_table_item" "escalation_seed" {
  table_name = aws_dynamodb_table.this["escalation_rules"].name
  hash_key   = aws_dynamodb_table.this["escalation_rules"].hash_key

  item = jsonencode(merge(local.seed_metadata, {
    rule_id = { S = "ruleset" }
    rules   = { L = local.seed_typed_rule_lists["ruleset"] }
  }))

  lifecycle {
    ignore_changes = [item]
  }
}

resource "aws_dynamodb_table_item" "trust_seed" {
  for_each = local.seed_trust_settings

  table_name = aws_dynamodb_table.this["settings"].name
  hash_key   = aws_dynamodb_table.this["settings"].hash_key

  item = jsonencode({
    setting_key = { S = each.key }
    value       = { N = tostring(each.value) }
    updated_by  = { S = "terraform" }
  })

  lifecycle {
    ignore_changes = [item]
  }
}
