# Example for ephi-lint: a fictional practice with deliberate mistakes (see ../EXPECTED.md).
# Not for deployment. Account 111122223333 and every ARN below are placeholders.

# ---------------------------------------------------------------------------
# Dermoscopy and total-body photographs
# ---------------------------------------------------------------------------

# Photos are part of the legal record of care: versioned, locked against deletion for
# the seven-year retention period, private, and readable only through CloudFront.
resource "aws_s3_bucket" "photos" {
  bucket              = "lakeshore-derm-dermoscopy-photos-111122223333"
  object_lock_enabled = true

  tags = {
    DataClass = "ePHI"
    Service   = "clinical-imaging"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "photos" {
  bucket = aws_s3_bucket.photos.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.clinical.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "photos" {
  bucket = aws_s3_bucket.photos.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_object_lock_configuration" "photos" {
  bucket = aws_s3_bucket.photos.id

  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = 2557
    }
  }
}

resource "aws_s3_bucket_public_access_block" "photos" {
  bucket                  = aws_s3_bucket.photos.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Server access logs go to the log-archive account's bucket.
resource "aws_s3_bucket_logging" "photos" {
  bucket        = aws_s3_bucket.photos.id
  target_bucket = "lakeshore-derm-s3-access-logs-777788889999"
  target_prefix = "dermoscopy-photos/"
}

resource "aws_s3_bucket_policy" "photos" {
  bucket = aws_s3_bucket.photos.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource = [
          aws_s3_bucket.photos.arn,
          "${aws_s3_bucket.photos.arn}/*",
        ]
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
      {
        Sid       = "DenyTlsOlderThan12"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource = [
          aws_s3_bucket.photos.arn,
          "${aws_s3_bucket.photos.arn}/*",
        ]
        Condition = {
          NumericLessThan = { "s3:TlsVersion" = "1.2" }
        }
      },
      {
        Sid       = "CloudFrontReadsPhotos"
        Effect    = "Allow"
        Principal = { Service = "cloudfront.amazonaws.com" }
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.photos.arn}/*"
        Condition = {
          StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.photos.arn }
        }
      },
    ]
  })
}

# ---------------------------------------------------------------------------
# Monthly exports for the billing clearinghouse and the quality registry
# ---------------------------------------------------------------------------

# CSV extracts with names, dates of birth, CPT/ICD codes. Created in a hurry for the
# registry deadline; the encryption and policy resources were "to follow".
resource "aws_s3_bucket" "exports" {
  bucket = "lakeshore-derm-exports-111122223333"

  tags = {
    DataClass = "ePHI"
    Service   = "billing-exports"
  }
}

resource "aws_s3_bucket_versioning" "exports" {
  bucket = aws_s3_bucket.exports.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "exports" {
  bucket                  = aws_s3_bucket.exports.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_logging" "exports" {
  bucket        = aws_s3_bucket.exports.id
  target_bucket = "lakeshore-derm-s3-access-logs-777788889999"
  target_prefix = "exports/"
}

# ---------------------------------------------------------------------------
# Teledermatology visit recordings (shared by the video transcoders)
# ---------------------------------------------------------------------------

resource "aws_efs_file_system" "teledermatology" {
  creation_token   = "lakeshore-teledermatology-recordings"
  encrypted        = true
  kms_key_id       = aws_kms_key.clinical.arn
  performance_mode = "generalPurpose"
  throughput_mode  = "elastic"

  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }

  tags = {
    Name      = "teledermatology-recordings"
    DataClass = "ePHI"
    Service   = "teledermatology"
  }
}

# Mounts must use TLS (amazon-efs-utils "-o tls"); only the transcoder role may write.
resource "aws_efs_file_system_policy" "teledermatology" {
  file_system_id = aws_efs_file_system.teledermatology.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyUnencryptedMounts"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "*"
        Resource  = aws_efs_file_system.teledermatology.arn
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
      {
        Sid       = "TranscodersMountThroughMountTargets"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/lakeshore-video-transcoder" }
        Action = [
          "elasticfilesystem:ClientMount",
          "elasticfilesystem:ClientWrite",
        ]
        Resource = aws_efs_file_system.teledermatology.arn
        Condition = {
          Bool = { "elasticfilesystem:AccessedViaMountTarget" = "true" }
        }
      },
    ]
  })
}

# ---------------------------------------------------------------------------
# Imaging workstation (EC2 Windows host running the dermoscopy vendor's software)
# ---------------------------------------------------------------------------

# Local image cache of the vendor's capture software: holds full-resolution photos
# until the nightly sync to S3. The vendor's P2V import tool could not read encrypted
# snapshots, so the data volume was created without encryption.
resource "aws_ebs_volume" "imaging_workstation" {
  availability_zone = "us-east-1a"
  size              = 500
  type              = "gp3"
  encrypted         = false

  tags = {
    Name      = "imaging-workstation-data"
    DataClass = "ePHI"
    Service   = "clinical-imaging"
  }
}
