# CloudTrail to a write-only, versioned bucket (SI-8). The bucket policy's
# Deny of object deletes has no condition and applies to every principal,
# the account root included. MFA delete and Object Lock are in the README.

locals {
  trail_name  = "${var.namespace}trail"
  trail_arn   = "arn:aws:cloudtrail:${var.region}:${var.account_id}:trail/${local.trail_name}"
  bucket_name = "${var.namespace}cloudtrail-${var.account_id}-${var.region}"
  # Built from the name so the bucket policy is known when planning.
  bucket_arn = "arn:aws:s3:::${local.bucket_name}"
}

resource "aws_s3_bucket" "trail" {
  bucket        = local.bucket_name
  force_destroy = false

  tags = local.tags
}

resource "aws_s3_bucket_versioning" "trail" {
  bucket = aws_s3_bucket.trail.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "trail" {
  bucket                  = aws_s3_bucket.trail.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "trail" {
  bucket = aws_s3_bucket.trail.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.main.arn
    }
    bucket_key_enabled = true
  }
}

data "aws_iam_policy_document" "trail_bucket" {
  statement {
    sid       = "CloudTrailAclCheck"
    actions   = ["s3:GetBucketAcl"]
    resources = [local.bucket_arn]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  statement {
    sid       = "CloudTrailWrite"
    actions   = ["s3:PutObject"]
    resources = ["${local.bucket_arn}/AWSLogs/${var.account_id}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  # Write-only: nobody deletes a log object or one of its versions, nor sets a
  # lifecycle rule that would expire them.
  statement {
    sid    = "DenyLogDeletion"
    effect = "Deny"
    actions = [
      "s3:DeleteObject",
      "s3:DeleteObjectVersion",
      "s3:PutLifecycleConfiguration",
    ]
    resources = [local.bucket_arn, "${local.bucket_arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.lock_trail_bucket_versioning ? [1] : []
    content {
      sid       = "DenyVersioningChanges"
      effect    = "Deny"
      actions   = ["s3:PutBucketVersioning"]
      resources = [local.bucket_arn]

      principals {
        type        = "*"
        identifiers = ["*"]
      }
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.bucket_arn, "${local.bucket_arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = data.aws_iam_policy_document.trail_bucket.json

  # Versioning first: once the policy is in place it may no longer change.
  depends_on = [aws_s3_bucket_versioning.trail, aws_s3_bucket_public_access_block.trail]
}

resource "aws_cloudtrail" "main" {
  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.trail.id
  kms_key_id                    = aws_kms_key.main.arn
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true

  advanced_event_selector {
    name = "Management events"

    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
  }

  # Every data-plane call on the ZTAIT tables, the audit table's included.
  advanced_event_selector {
    name = "ZTAIT table data events"

    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }

    field_selector {
      field  = "resources.type"
      equals = ["AWS::DynamoDB::Table"]
    }

    field_selector {
      field       = "resources.ARN"
      starts_with = ["arn:aws:dynamodb:${var.region}:${var.account_id}:table/${var.namespace}"]
    }
  }

  tags = local.tags

  depends_on = [aws_s3_bucket_policy.trail]
}
