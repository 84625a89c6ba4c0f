# The seven tables. All on-demand, encrypted with the customer managed key,
# with point-in-time recovery (SI-5, SI-6). Only the dedup table has a TTL:
# a TTL on the audit table would be a deletion path.

locals {
  # Key schema of the six state tables (the dedup table is declared on its own).
  state_tables = {
    incidents        = { hash_key = "incident_id", range_key = null }
    audit            = { hash_key = "correlation_id", range_key = "recorded_at" }
    policies         = { hash_key = "policy_id", range_key = null }
    sources          = { hash_key = "source_id", range_key = null }
    settings         = { hash_key = "setting_key", range_key = null }
    escalation_rules = { hash_key = "rule_id", range_key = null }
  }

  table_names = merge(
    { for key, _ in local.state_tables : key => "${var.namespace}${replace(key, "_", "-")}" },
    { dedup = "${var.namespace}dedup" },
  )

  # Built from known parts (not read back from the resources) so that every
  # policy that names a table is decidable before apply.
  table_arns = { for key, name in local.table_names : key => "arn:aws:dynamodb:${var.region}:${var.account_id}:table/${name}" }

  # Tables whose items the config manager may delete (suppression rules, sources,
  # settings, escalation rules). The audit and incidents tables are never here.
  deletable_tables = ["policies", "sources", "settings", "escalation_rules"]
}

resource "aws_dynamodb_table" "this" {
  for_each = local.state_tables

  name                        = local.table_names[each.key]
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value.hash_key
  range_key                   = each.value.range_key
  deletion_protection_enabled = var.table_deletion_protection

  attribute {
    name = each.value.hash_key
    type = "S"
  }

  dynamic "attribute" {
    for_each = each.value.range_key == null ? [] : [each.value.range_key]
    content {
      name = attribute.value
      type = "S"
    }
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.main.arn
  }

  point_in_time_recovery {
    enabled = true
  }

  tags = merge(local.tags, { "ztait:table" = each.key })
}

# Webhook deduplication: conditional writes of dedup#{source}#{alertId}, kept
# 24 h (the receiver sets expires_at = now + 86400) and then dropped by TTL.
resource "aws_dynamodb_table" "dedup" {
  name                        = local.table_names["dedup"]
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "dedup_key"
  deletion_protection_enabled = var.table_deletion_protection

  attribute {
    name = "dedup_key"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.main.arn
  }

  point_in_time_recovery {
    enabled = true
  }

  tags = merge(local.tags, { "ztait:table" = "dedup" })
}
