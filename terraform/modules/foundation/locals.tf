locals {
  # Every taggable resource carries the system tag: the live probe scopes by it.
  tags = merge(var.tags, { "ztait:system" = "ztait" })

  # Namespace pattern the permission boundary confines every role to.
  namespace_arn_pattern = "arn:aws:*:*:*:*${var.namespace}*"

  # Keys of this account and region: the boundary caps KMS use to them (the
  # baseline policy names the one data key). A pattern, not the key's ARN,
  # so that the boundary is known when planning.
  kms_key_arn_pattern = "arn:aws:kms:${var.region}:${var.account_id}:key/*"

  # Every ZTAIT secret (webhook and integration); only the rotation function reads them all.
  secrets_arn_pattern = "arn:aws:secretsmanager:${var.region}:${var.account_id}:secret:${var.namespace}*"
}
