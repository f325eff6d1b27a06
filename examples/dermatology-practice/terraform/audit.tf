# Example for ephi-lint: a fictional practice with deliberate mistakes (see ../EXPECTED.md).
# Not for deployment. Account 111122223333 and every ARN below are placeholders.
#
# Audit logs are kept six years (HIPAA documentation retention, 45 CFR 164.316(b)(2))
# and encrypted with the audit key, which clinical workloads cannot use.

# Multi-Region trail with S3 data events on the photo and export buckets, so every view
# or download of a patient's photo is attributable. Log file validation was turned off
# while debugging a digest-delivery error in the log-archive bucket and never re-enabled.
resource "aws_cloudtrail" "organization" {
  name                          = "lakeshore-organization-trail"
  s3_bucket_name                = "lakeshore-derm-cloudtrail-777788889999"
  s3_key_prefix                 = "lakeshore"
  kms_key_id                    = aws_kms_key.audit.arn
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_logging                = true
  enable_log_file_validation    = false
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.cloudtrail.arn}:*"
  cloud_watch_logs_role_arn     = "arn:aws:iam::111122223333:role/lakeshore-cloudtrail-to-logs"

  event_selector {
    read_write_type           = "All"
    include_management_events = true

    data_resource {
      type = "AWS::S3::Object"
      values = [
        "${aws_s3_bucket.photos.arn}/",
        "${aws_s3_bucket.exports.arn}/",
      ]
    }
  }

  tags = {
    DataClass = "audit"
  }
}

resource "aws_cloudwatch_log_group" "cloudtrail" {
  name              = "/lakeshore/cloudtrail"
  kms_key_id        = aws_kms_key.audit.arn
  retention_in_days = 2192
}

# Application log of the patient portal: sign-ins, chart views, message sends.
resource "aws_cloudwatch_log_group" "portal_app" {
  name              = "/lakeshore/patient-portal/application"
  kms_key_id        = aws_kms_key.audit.arn
  retention_in_days = 2192

  tags = {
    DataClass = "ePHI"
    Service   = "patient-portal"
  }
}

resource "aws_cloudwatch_log_group" "vpc_flow_logs" {
  name              = "/lakeshore/vpc-flow-logs"
  kms_key_id        = aws_kms_key.audit.arn
  retention_in_days = 400
}

# Created ahead of the cluster so EKS does not create it unencrypted.
resource "aws_cloudwatch_log_group" "eks_cluster" {
  name              = "/aws/eks/lakeshore-portal/cluster"
  kms_key_id        = aws_kms_key.audit.arn
  retention_in_days = 2192
}

resource "aws_cloudwatch_log_group" "opensearch_audit" {
  name              = "/lakeshore/opensearch/clinical-search/audit"
  kms_key_id        = aws_kms_key.audit.arn
  retention_in_days = 2192
}

resource "aws_cloudwatch_log_resource_policy" "opensearch" {
  policy_name = "lakeshore-opensearch-audit"

  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "es.amazonaws.com" }
        Action    = ["logs:PutLogEvents", "logs:CreateLogStream"]
        Resource  = "${aws_cloudwatch_log_group.opensearch_audit.arn}:*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = "111122223333" }
        }
      },
    ]
  })
}

resource "aws_cloudwatch_log_group" "msk_brokers" {
  name              = "/lakeshore/msk/lab-feeds"
  kms_key_id        = aws_kms_key.audit.arn
  retention_in_days = 400
}

resource "aws_cloudwatch_log_group" "transfer" {
  name              = "/lakeshore/transfer/partner-exchange"
  kms_key_id        = aws_kms_key.audit.arn
  retention_in_days = 2192
}
