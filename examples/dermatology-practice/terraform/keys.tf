# Example for ephi-lint: a fictional practice with deliberate mistakes (see ../EXPECTED.md).
# Not for deployment. Account 111122223333 and every ARN below are placeholders.
#
# Three customer-managed keys, kept apart by purpose: clinical data, backups, audit logs.
# Key administrators cannot decrypt; applications can only use a key through the AWS
# services that hold their data (kms:ViaService).

resource "aws_kms_key" "clinical" {
  description             = "Lakeshore Dermatology - clinical data (EHR, photos, labs, sessions)"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountRootManagesKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "KeyAdministratorsCannotUseKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/lakeshore-key-admins" }
        Action = [
          "kms:Create*",
          "kms:Describe*",
          "kms:Enable*",
          "kms:List*",
          "kms:Put*",
          "kms:Update*",
          "kms:Revoke*",
          "kms:Disable*",
          "kms:Get*",
          "kms:Delete*",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:ScheduleKeyDeletion",
          "kms:CancelKeyDeletion",
        ]
        Resource = "*"
      },
      {
        Sid    = "ClinicalWorkloadsUseKeyThroughServices"
        Effect = "Allow"
        Principal = {
          AWS = [
            "arn:aws:iam::111122223333:role/lakeshore-ehr-app",
            "arn:aws:iam::111122223333:role/lakeshore-portal-app",
            "arn:aws:iam::111122223333:role/lakeshore-lab-integration",
          ]
        }
        Action = [
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:DescribeKey",
        ]
        Resource = "*"
        Condition = {
          StringEquals = {
            "kms:ViaService" = [
              "s3.us-east-1.amazonaws.com",
              "rds.us-east-1.amazonaws.com",
              "dynamodb.us-east-1.amazonaws.com",
              "sqs.us-east-1.amazonaws.com",
              "elasticfilesystem.us-east-1.amazonaws.com",
              "secretsmanager.us-east-1.amazonaws.com",
            ]
          }
        }
      },
      {
        Sid       = "CloudFrontReadsDermoscopyPhotos"
        Effect    = "Allow"
        Principal = { Service = "cloudfront.amazonaws.com" }
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = {
          StringEquals = {
            "AWS:SourceArn" = aws_cloudfront_distribution.photos.arn
          }
        }
      },
    ]
  })

  tags = {
    DataClass = "ePHI"
    KeyUse    = "clinical-data"
  }
}

resource "aws_kms_alias" "clinical" {
  name          = "alias/lakeshore-clinical-data"
  target_key_id = aws_kms_key.clinical.key_id
}

# Separate key for AWS Backup so a compromise of the clinical key does not also expose
# the recovery points.
resource "aws_kms_key" "backup" {
  description             = "Lakeshore Dermatology - AWS Backup vault"
  deletion_window_in_days = 30
  # The backup vendor's runbook claimed rotation breaks restores, so it was switched off.
  enable_key_rotation = false

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountRootManagesKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "KeyAdministratorsCannotUseKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/lakeshore-key-admins" }
        Action = [
          "kms:Create*",
          "kms:Describe*",
          "kms:Enable*",
          "kms:List*",
          "kms:Put*",
          "kms:Update*",
          "kms:Revoke*",
          "kms:Disable*",
          "kms:Get*",
          "kms:Delete*",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:ScheduleKeyDeletion",
          "kms:CancelKeyDeletion",
        ]
        Resource = "*"
      },
      {
        Sid       = "AwsBackupUsesKeyThroughService"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/lakeshore-backup-service" }
        Action = [
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:DescribeKey",
        ]
        Resource = "*"
        Condition = {
          StringEquals = {
            "kms:ViaService" = "backup.us-east-1.amazonaws.com"
          }
        }
      },
    ]
  })

  tags = {
    DataClass = "ePHI"
    KeyUse    = "backup"
  }
}

resource "aws_kms_alias" "backup" {
  name          = "alias/lakeshore-backup"
  target_key_id = aws_kms_key.backup.key_id
}

# CloudTrail and CloudWatch Logs: audit records are kept under a key the clinical
# workloads cannot use.
resource "aws_kms_key" "audit" {
  description             = "Lakeshore Dermatology - audit logs (CloudTrail, CloudWatch Logs)"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountRootManagesKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "KeyAdministratorsCannotUseKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/lakeshore-key-admins" }
        Action = [
          "kms:Create*",
          "kms:Describe*",
          "kms:Enable*",
          "kms:List*",
          "kms:Put*",
          "kms:Update*",
          "kms:Revoke*",
          "kms:Disable*",
          "kms:Get*",
          "kms:Delete*",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:ScheduleKeyDeletion",
          "kms:CancelKeyDeletion",
        ]
        Resource = "*"
      },
      {
        Sid       = "CloudTrailEncryptsTrailLogs"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
        Condition = {
          StringLike = {
            "kms:EncryptionContext:aws:cloudtrail:arn" = "arn:aws:cloudtrail:*:111122223333:trail/*"
          }
          StringEquals = {
            "aws:SourceArn" = "arn:aws:cloudtrail:us-east-1:111122223333:trail/lakeshore-organization-trail"
          }
        }
      },
      {
        Sid       = "CloudWatchLogsEncryptsLogGroups"
        Effect    = "Allow"
        Principal = { Service = "logs.us-east-1.amazonaws.com" }
        Action = [
          "kms:Encrypt*",
          "kms:Decrypt*",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ]
        Resource = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:us-east-1:111122223333:log-group:*"
          }
        }
      },
      {
        Sid       = "SecurityOfficerReadsTrailLogs"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/lakeshore-security-officer" }
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = {
          StringLike = {
            "kms:EncryptionContext:aws:cloudtrail:arn" = "arn:aws:cloudtrail:*:111122223333:trail/*"
          }
        }
      },
    ]
  })

  tags = {
    DataClass = "audit"
    KeyUse    = "audit-logs"
  }
}

resource "aws_kms_alias" "audit" {
  name          = "alias/lakeshore-audit-logs"
  target_key_id = aws_kms_key.audit.key_id
}
